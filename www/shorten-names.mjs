// Shortens the names the wasm module and its JS glue use for each other.
//
// wasm-bindgen names every import after the JS function it wraps plus a hash
// (`__wbg_instanceof_HtmlScriptElement_02ceeef44cebe870`, ~140 of them) and
// every closure export after its Rust types; each name is stored twice, once
// in the wasm's import/export section and once in the glue. Renaming them to
// `a`, `b`, ... in both (emscripten does the same) saves ~3 KB brotli.
//
// Only names that are whole, unique property names in the (terser-minified)
// glue are renamed: imports of the glue's module, and exports whose names
// start with `__` or `wasm_bindgen_` and that the glue uses. The API exports
// (`kc_*`) and `memory` keep their names. Every import must occur in the
// glue, or this throws.

/** Returns { wasm, js } with the names shortened. */
export function shortenNames(wasm, js) {
  const sections = readSections(wasm);
  const imports = sections.find((s) => s.id === 2);
  const exports = sections.find((s) => s.id === 7);
  if (!imports || !exports) throw new Error("shorten-names: no import or export section");
  const renames = new Map(); // old name -> new name
  const next = nameGenerator();
  let module = null;

  const importEntries = parseImports(imports.body);
  for (const e of importEntries) {
    if (module === null) module = e.module;
    if (e.module !== module) throw new Error(`shorten-names: imports from two modules (${module}, ${e.module})`);
    if (!renames.has(e.field)) renames.set(e.field, next());
    e.field = renames.get(e.field);
  }
  // wasm-bindgen's own exports (`__*`, `wasm_bindgen_*`) that the glue never
  // names (`__abort_handler`, `__instance_terminated`, and `__wbindgen_free`
  // once no string is handed out as a `String`) are dropped: only the glue
  // reads the instance's exports, and the code and globals behind them stay
  // for the wasm's own use.
  const exportEntries = parseExports(exports.body).filter(
    (e) => !/^(__|wasm_bindgen_)/.test(e.name) || tokenPattern(e.name).test(js));
  for (const e of exportEntries) {
    if (!/^(__|wasm_bindgen_)/.test(e.name)) continue;
    if (!renames.has(e.name)) renames.set(e.name, next());
    e.name = renames.get(e.name);
  }
  const newModule = "m";
  for (const e of importEntries) e.module = newModule;

  // The glue: the module name is a string key; every other name a property.
  const quoted = JSON.stringify(module);
  if (!js.includes(quoted)) throw new Error(`shorten-names: module ${quoted} not in the glue`);
  js = js.split(quoted).join(JSON.stringify(newModule));
  for (const [from, to] of renames) {
    let found = false;
    js = js.replace(tokenPattern(from, "g"), () => { found = true; return to; });
    if (!found) throw new Error(`shorten-names: ${from} not in the glue`);
  }

  imports.body = writeImports(importEntries);
  exports.body = writeExports(exportEntries);
  return { wasm: writeSections(wasm.subarray(0, 8), sections), js };
}

/** `name` as a whole identifier-like token (names are [\w$]+). */
function tokenPattern(name, flags = "") {
  return new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, flags);
}

/** `a`..`z`, `A`..`Z`, then two letters, skipping words JS reserves. */
function nameGenerator() {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const reserved = new Set(["do", "if", "in"]);
  let i = 0;
  return () => {
    for (;;) {
      let n = i++, name = "";
      do { name = letters[n % 52] + name; n = Math.floor(n / 52) - 1; } while (n >= 0);
      if (!reserved.has(name)) return name;
    }
  };
}

// ---- a minimal reader/writer for the wasm binary format --------------------

function readU32(buf, pos) {
  let result = 0, shift = 0, byte;
  do { byte = buf[pos.at++]; result += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return result;
}
function u32(n) {
  const out = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}
function readName(buf, pos) {
  const len = readU32(buf, pos);
  const s = buf.subarray(pos.at, pos.at + len).toString("utf8");
  pos.at += len;
  return s;
}
const name = (s) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([u32(b.length), b]); };

function readSections(wasm) {
  const magic = wasm.subarray(0, 8).toString("hex");
  if (magic !== "0061736d01000000") throw new Error("shorten-names: not a wasm module");
  const sections = [];
  const pos = { at: 8 };
  while (pos.at < wasm.length) {
    const id = wasm[pos.at++];
    const len = readU32(wasm, pos);
    sections.push({ id, body: wasm.subarray(pos.at, pos.at + len) });
    pos.at += len;
  }
  return sections;
}
function writeSections(header, sections) {
  const parts = [header];
  for (const s of sections) parts.push(Buffer.from([s.id]), u32(s.body.length), s.body);
  return Buffer.concat(parts);
}

// An import is (module, field, description); the description is kept as raw
// bytes, its length found by its kind: func 0, table 1, memory 2, global 3, tag 4.
function parseImports(body) {
  const pos = { at: 0 };
  const count = readU32(body, pos);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const module = readName(body, pos);
    const field = readName(body, pos);
    const start = pos.at;
    const kind = body[pos.at++];
    if (kind === 0) readU32(body, pos);
    else if (kind === 1) { pos.at++; limits(body, pos); }
    else if (kind === 2) limits(body, pos);
    else if (kind === 3) pos.at += 2;
    else if (kind === 4) { pos.at++; readU32(body, pos); }
    else throw new Error("shorten-names: unknown import kind " + kind);
    entries.push({ module, field, desc: body.subarray(start, pos.at) });
  }
  if (pos.at !== body.length) throw new Error("shorten-names: import section not fully read");
  return entries;
}
function limits(body, pos) {
  const flags = body[pos.at++];
  readU32(body, pos);
  if (flags & 1) readU32(body, pos);
}
function writeImports(entries) {
  return Buffer.concat([u32(entries.length), ...entries.flatMap((e) => [name(e.module), name(e.field), e.desc])]);
}
function parseExports(body) {
  const pos = { at: 0 };
  const count = readU32(body, pos);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const n = readName(body, pos);
    const kind = body[pos.at++];
    const index = readU32(body, pos);
    entries.push({ name: n, kind, index });
  }
  if (pos.at !== body.length) throw new Error("shorten-names: export section not fully read");
  return entries;
}
function writeExports(entries) {
  return Buffer.concat([u32(entries.length), ...entries.flatMap((e) => [name(e.name), Buffer.from([e.kind]), u32(e.index)])]);
}
