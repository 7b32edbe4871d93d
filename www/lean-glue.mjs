// Cuts wasm-bindgen's no-modules glue down to what the loaders use.
//
// The generated initialiser accepts every way of passing a module: a URL
// string, a Request, a URL object, bytes, a compiled Module, the deprecated
// positional form, and `initSync`; each has its branch and its warning text,
// and the glue's first lines read `document.currentScript.src` for a default
// URL. Our loaders pass one thing, `{ module_or_path: <a promise of the
// integrity-checked fetch Response> }` (www/loader.js; the tool's initialiser
// in assemble.mjs), so only that path is kept, behaving as before on it:
// a failed fetch throws "failed to fetch Wasm: <status> ... fetching '<url>'",
// a wasm served as `application/wasm` is compiled while it streams in, and
// one served with another type (a misconfigured server) is still compiled,
// from its bytes, with one warning. Saves ~0.3 KB brotli per module.
//
// The generated text is matched exactly: wasm-bindgen is pinned
// (Cargo.toml, Trunk.toml), and a new version that changes these lines makes
// the build stop here rather than ship an initialiser nobody read.

/** The glue's default-URL lines (they read `document.currentScript`, which
 * markup such as `<img name="currentScript">` can clobber). */
const SCRIPT_SRC = `    let script_src;
    if (typeof document !== 'undefined' && document.currentScript !== null) {
        script_src = new URL(document.currentScript.src, location.href).toString();
    }
`;
const INIT_FROM = "    async function __wbg_load(module, imports) {";
const INIT_TO = "    return Object.assign(__wbg_init, { initSync }, exports);";

const LEAN_INIT = `    async function __wbg_init({ module_or_path }) {
        if (wasm !== undefined) return wasm;
        const response = await module_or_path;
        if (!response.ok) {
            throw new Error(\`failed to fetch Wasm: \${response.status} \${response.statusText} fetching '\${response.url}'\`);
        }
        const imports = __wbg_get_imports();
        let result;
        if (response.headers.get('Content-Type') === 'application/wasm') {
            result = await WebAssembly.instantiateStreaming(response, imports);
        } else {
            console.warn("kloudconsent: " + response.url + " is not served as application/wasm; it is compiled the slower way.");
            result = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
        }
        return __wbg_finalize_init(result.instance, result.module);
    }

    return Object.assign(__wbg_init, exports);`;

// Two fallbacks no browser we support takes (docs/browsers.md: Safari 15.4,
// Chrome 93, Firefox 92; `TextEncoder.encodeInto` is in all since Safari
// 14.1), each cut as exactly this text:
// - the `encodeInto` polyfill;
// - `passStringToWasm0`'s branch for a module without `realloc`: every call
//   passes it (checked below), since wasm-bindgen always exports one.
const ENCODE_INTO_POLYFILL = `    if (!('encodeInto' in cachedTextEncoder)) {
        cachedTextEncoder.encodeInto = function (arg, view) {
            const buf = cachedTextEncoder.encode(arg);
            view.set(buf);
            return {
                read: arg.length,
                written: buf.length
            };
        };
    }
`;
const NO_REALLOC_BRANCH = `        if (realloc === undefined) {
            const buf = cachedTextEncoder.encode(arg);
            const ptr = malloc(buf.length, 1) >>> 0;
            getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
            WASM_VECTOR_LEN = buf.length;
            return ptr;
        }
`;

/** `js` (one module's generated glue) with only the initialiser we use. */
export function leanGlue(js, file) {
  const fail = (what) => {
    throw new Error(`lean-glue: ${file}: ${what}; review www/lean-glue.mjs against this wasm-bindgen's output`);
  };
  const once = (text, what) => {
    const n = js.split(text).length - 1;
    if (n !== 1) fail(`expected ${what} once, found it ${n} times`);
  };
  once(SCRIPT_SRC, "the default-URL lines");
  once(INIT_FROM, "__wbg_load");
  once(INIT_TO, "the closing Object.assign");
  const from = js.indexOf(INIT_FROM);
  const to = js.indexOf(INIT_TO) + INIT_TO.length;
  if (to < from) fail("__wbg_load after the closing Object.assign");
  const cut = js.slice(from, to);
  for (const kept of ["function initSync(", "async function __wbg_init(", "async function __wbg_init_once("]) {
    if (!cut.includes(kept)) fail(`no ${kept} where the initialiser was expected`);
  }
  let lean = js.slice(0, from).replace(SCRIPT_SRC, "") + LEAN_INIT + js.slice(to);
  // Every string passed to the wasm is passed with malloc and realloc.
  const passes = lean.match(/passStringToWasm0\([^;]*?\)/g) || [];
  for (const call of passes) {
    if (call.startsWith("passStringToWasm0(arg, malloc, realloc)")) continue; // the definition
    if (!/, wasm\.__wbindgen_malloc, wasm\.__wbindgen_realloc\)$/.test(call)) fail(`a string passed without realloc: ${call}`);
  }
  for (const [text, what] of [[ENCODE_INTO_POLYFILL, "the encodeInto polyfill"], [NO_REALLOC_BRANCH, "passStringToWasm0's branch without realloc"]]) {
    if (passes.length === 0 && text === NO_REALLOC_BRANCH) continue;
    const n = lean.split(text).length - 1;
    if (n !== 1) fail(`expected ${what} once, found it ${n} times`);
    lean = lean.replace(text, "");
  }
  for (const gone of ["script_src", "currentScript", "initSync", "__wbg_load("]) {
    if (lean.includes(gone)) fail(`${gone} is still referenced after the cut`);
  }
  for (const used of ["function __wbg_get_imports(", "function __wbg_finalize_init("]) {
    if (!lean.includes(used)) fail(`no ${used}`);
  }
  return lean;
}
