// Trunk post_build hook: turns Trunk's staging dir into the shippable dist/.
//
// 1. kloudconsent.js = guard + wasm-bindgen no-modules glue + www/loader.js,
//    wrapped in one function so nothing but `window.kloudconsent` leaks into
//    the page, and so a second copy of the tag returns before doing anything.
// 2. The glue keeps only the initialiser the loader uses (lean-glue.mjs),
//    and the whole of it is minified with terser (build-time only; Trunk's
//    own minifier is off, Trunk.toml): terser's compressor and mangler,
//    seeing glue and loader together, save ~1 KB brotli more.
// 3. The names the wasm and the glue use for each other are shortened in both
//    (www/shorten-names.mjs): ~4 KB brotli.
// 4. Each file the loader fetches is pinned by its SHA-384, baked into
//    kloudconsent.js; dist/integrity.json gets the `integrity` values of
//    kloudconsent.js (for a site's tag) and of the pinned files.
//    The built-in translations (i18n/<lang>.json, copied by Trunk) are
//    minified and listed with their own hashes in i18n/index.json, which is
//    pinned like the rest: one hash in kloudconsent.js covers all of them,
//    and only a visitor who needs a translation fetches the list and it.
// 5. Every text/wasm file gets .br and .gz siblings for static hosting.
import { readFileSync, writeFileSync, existsSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { createHash } from "node:crypto";
import { minify } from "terser";
import { shortenNames } from "./shorten-names.mjs";
import { leanGlue } from "./lean-glue.mjs";
import { minifyCss } from "./minify-css.mjs";
import { VERSION, withVersion } from "./version.mjs";

/** The Subresource Integrity value of `data`. */
const sri = (data) => "sha384-" + createHash("sha384").update(data).digest("base64");

const here = dirname(fileURLToPath(import.meta.url));
const staging = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!staging) throw new Error("assemble.mjs: TRUNK_STAGING_DIR is not set");

const gluePath = join(staging, "kloudconsent.js");
if (!existsSync(gluePath)) throw new Error("assemble.mjs: no kloudconsent.js in " + staging + ": " + readdirSync(staging).join(", "));
// Only the initialiser the loader uses (www/lean-glue.mjs). That also drops
// the glue's own top lines, which read `document.currentScript.src` (for a
// default wasm URL the loader never uses): markup such as `<img
// name="currentScript" src="http://[">` would make that throw and stop the
// widget.
const glue = leanGlue(readFileSync(gluePath, "utf8"), "kloudconsent.js");
// The built-in translations: each minified, then the list of them with
// their hashes (i18n/index.json: {"de": "sha384-...", ...}), itself pinned.
const i18nDir = join(staging, "i18n");
if (!existsSync(i18nDir)) throw new Error("assemble.mjs: no i18n/ in " + staging + " (index.html copies it)");
const translations = {};
for (const name of readdirSync(i18nDir).sort()) {
  if (!name.endsWith(".json") || name === "index.json") continue;
  const path = join(i18nDir, name);
  const min = JSON.stringify(JSON.parse(readFileSync(path, "utf8")));
  writeFileSync(path, min);
  translations[name.slice(0, -5)] = sri(Buffer.from(min));
}
if (Object.keys(translations).length < 2) throw new Error("assemble.mjs: too few translations in " + i18nDir);
writeFileSync(join(i18nDir, "index.json"), JSON.stringify(translations));
const LANGS = JSON.stringify(Object.keys(translations).join(" "));

// The loader, then the hands it gives the engine (both in one scope), with
// the list of built-in translations filled in.
const loader = withVersion(["loader.js", "hooks.js", "gating.js"].map((f) => readFileSync(join(here, f), "utf8")).join("\n"))
  .replace('"__KC_LANGS__"', LANGS);
if (!loader.includes(LANGS)) throw new Error("assemble.mjs: loader.js has no __KC_LANGS__ to fill in");

// The files kloudconsent.js loads, each pinned by its SHA-384 (Subresource
// Integrity): a CDN or proxy that swaps or corrupts one gets it refused. A
// file the loader starts loading is one more name here. A file loaded only
// on demand pins what it loads itself (the tool's script carries its wasm's
// hash), so that only the pages that load it pay for those bytes. The
// hashes are of the final bytes, so they are filled in after the names are
// shortened, in place of these placeholders.
const PINNED = ["kloudconsent_bg.wasm", "kloudconsent-tool.js", "kloudconsent-embeds.js", "i18n/index.json"];
const placeholder = (file) => `sha384-(${file})`;
/** `js` with each of `files`' placeholder replaced by the file's final hash. */
function pin(js, files) {
  for (const file of files) {
    const parts = js.split(placeholder(file));
    if (parts.length !== 2) throw new Error(`assemble.mjs: expected one integrity placeholder for ${file}, found ${parts.length - 1}`);
    js = parts.join(sri(readFileSync(join(staging, file))));
  }
  return js;
}

// The preference tool: its own wasm and glue, fetched by the loader the
// first time the tool is to be shown. Its script hands the loader an
// initialiser through a Symbol-keyed slot on window (markup cannot clobber a
// Symbol key), and its wasm's SHA-384, with which the loader fetches the
// wasm and passes the download to the initialiser. Built first: the core
// pins the tool's final script.
const toolGluePath = join(staging, "kloudconsent-tool.js");
const toolWasmPath = join(staging, "kloudconsent-tool_bg.wasm");
if (!existsSync(toolGluePath) || !existsSync(toolWasmPath)) {
  throw new Error("assemble.mjs: no preference tool in " + staging + ": " + readdirSync(staging).join(", "));
}
// The page's global `Document` is not trusted: a library may replace it
// (MooTools sets `this.Document = new Type("Document", ...)`, whose prototype
// has none of the DOM's getters), and the guard, the glue's `final`
// bindings and the hooks read `Document.prototype`. Each script declares
// its own `Document`: the interface just above `Node` in `document`'s
// prototype chain (Node.prototype owns `nodeType`), found from `document`
// itself, which no page can replace. Not the first prototype owning
// `createElement`: a page (or an extension's script) may wrap that on
// HTMLDocument.prototype. The prototypes, unlike the document, have no
// named properties for markup to shadow `hasOwnProperty` with.
const REAL_DOCUMENT = `for (var Document = Object.getPrototypeOf(document); !Object.getPrototypeOf(Document).hasOwnProperty("nodeType");) Document = Object.getPrototypeOf(Document);
Document = Document.constructor;`;

// Yew creates the tool's nodes through web-sys, whose glue calls
// `document.createElement(...)` on the document: markup such as
// `<img name="createElement">` shadows that by name and the tool could not
// render. These Document-only methods are called through Document.prototype
// instead (the core's own bindings are declared `final`, src/browser/dom.rs).
// The target is a plain argument, or `getObject(argN)` when wasm-bindgen keeps
// JS values in its own heap array (reference types off: scripts/build.sh).
const DOCUMENT_CALL = /(?<![\w$.])([A-Za-z_$][\w$]*(?:\(\w+\))?)\.(createElement|createElementNS|createTextNode)\(/g;
function documentCallsThroughPrototype(js) {
  const found = new Set([...js.matchAll(DOCUMENT_CALL)].map((m) => m[2]));
  if (!found.has("createElement") || !found.has("createTextNode")) {
    throw new Error("assemble.mjs: the tool's glue no longer calls createElement/createTextNode on its argument; review DOCUMENT_CALL");
  }
  return js.replace(DOCUMENT_CALL, (_, target, method) => `Document.prototype.${method}.call(${target}, `);
}
const toolOut = `/*! KloudConsent preference tool ${VERSION} | MIT OR Apache-2.0 */
(function () {
"use strict";
${REAL_DOCUMENT}
${documentCallsThroughPrototype(leanGlue(readFileSync(toolGluePath, "utf8"), "kloudconsent-tool.js"))}
// The dialog takes focus the moment it is drawn, here and nowhere else. Yew
// draws it a microtask after mount(); a mutation observer's callback runs
// before any other task can, so a key pressed right after (Escape, Tab)
// reaches the dialog. A Yew effect would run up to a scheduler yield later
// (every 16 ms), too late for the first key and, focusing again, undoing a
// Tab pressed meanwhile. The observer watches only until the dialog is
// drawn, the mount fails, or the tool is closed.
var observer;
function unwatch() {
  if (observer) observer.disconnect();
}
function mount(root, model, host) {
  unwatch();
  observer = new MutationObserver(function () {
    var dialog = root.querySelector("[role=dialog]");
    if (!dialog) return;
    unwatch();
    dialog.focus();
  });
  observer.observe(root, { childList: true, subtree: true });
  try {
    wasm_bindgen.mount(root, model, host);
  } catch (e) {
    unwatch();
    throw e;
  }
  // The last opening's dialog is still there when hide() and show() came in
  // one task (Yew had not yet drawn it closed) and is drawn over, not anew:
  // what the visitor left open or scrolled, which Yew does not track, is
  // put back as a new opening has it.
  root.querySelectorAll("details").forEach(function (d) { d.open = false; });
  root.querySelectorAll(".kc-dialog,.kc-dialog-scroll").forEach(function (e) { e.scrollTop = 0; });
}
function unmount() {
  unwatch();
  wasm_bindgen.unmount();
}
var register = window[Symbol.for("kloudconsent.tool")];
if (typeof register === "function") {
  register(function (wasm) {
    return wasm_bindgen({ module_or_path: wasm }).then(function () {
      return { mount: mount, update: wasm_bindgen.update, unmount: unmount };
    });
  }, "${placeholder("kloudconsent-tool_bg.wasm")}");
}
})();
`;
const toolMin = await minify(toolOut, { compress: { passes: 2 }, mangle: true, format: { comments: /^!/ } });
if (!toolMin.code || toolMin.code.length < 1000) throw new Error("assemble.mjs: terser produced no tool output");
const toolShort = shortenNames(readFileSync(toolWasmPath), toolMin.code);
if (!WebAssembly.validate(toolShort.wasm)) throw new Error("assemble.mjs: the renamed tool wasm does not validate");
writeFileSync(toolWasmPath, toolShort.wasm);
writeFileSync(toolGluePath, pin(toolShort.js + "\n", ["kloudconsent-tool_bg.wasm"]));

// The embeds' DOM work (www/embeds.js): a plain script, fetched by the core
// only on pages with a gated embed, so that the others do not pay for it.
// Built before the core, which pins it.
// The placeholders' stylesheet is built into it, minified.
const embedsSource = readFileSync(join(here, "embeds.js"), "utf8").replace('"__KC_PLACEHOLDER_CSS__"',
  () => JSON.stringify(minifyCss(readFileSync(join(here, "placeholder.css"), "utf8"))));
if (embedsSource.includes("__KC_PLACEHOLDER_CSS__")) throw new Error("assemble.mjs: embeds.js's stylesheet was not filled in");
const embedsMin = await minify(`/*! KloudConsent embeds ${VERSION} | MIT OR Apache-2.0 */\n(function () {\n${REAL_DOCUMENT}\n${embedsSource}\n})();`,
  { compress: { passes: 2 }, mangle: true, format: { comments: /^!/ } });
if (!embedsMin.code || embedsMin.code.length < 1000) throw new Error("assemble.mjs: terser produced no embeds output");
writeFileSync(join(staging, "kloudconsent-embeds.js"), embedsMin.code + "\n");

// The wrapper's first lines, before the glue and the loader are defined (both
// use what they set up): the once-per-page guard, the DOM reads that markup
// could fake, and the wasm download (started here, a few ms earlier on every
// visit; loader.js hands `wasmResponse` to the glue).
//
// Why reads go through prototypes: named access lets markup shadow document
// and window properties without any script (`<img name="currentScript">`,
// `<form name=...>`, `<embed|object|iframe name=...>` on document; any `id`
// on window for names the window does not own). So document's getters and
// methods are taken from the prototypes and called on `doc`, and window
// globals the page may own are read only as own properties (`hasOwn`).
const guard = `
var LOADED = Symbol.for("kloudconsent.loaded");
if (window[LOADED] === true) { return; }
window[LOADED] = true;
var doc = document;
var hasOwn = Object.prototype.hasOwnProperty, objectTag = Object.prototype.toString;
${REAL_DOCUMENT}
function native(proto, name) {
  var d = Object.getOwnPropertyDescriptor(proto, name);
  return d.get || d.value;
}
var ScriptElement = HTMLScriptElement;
var querySelectorAll = native(Document.prototype, "querySelectorAll");
var readyState = native(Document.prototype, "readyState");
var hidden = native(Document.prototype, "hidden");
var createElement = native(Document.prototype, "createElement");
var head = native(Document.prototype, "head");
var documentElement = native(Document.prototype, "documentElement");
var body = native(Document.prototype, "body");
var activeElement = native(Document.prototype, "activeElement");
var listen = native(EventTarget.prototype, "addEventListener");
var dispatch = native(EventTarget.prototype, "dispatchEvent");
var found = native(Document.prototype, "currentScript").call(doc);
var script = found instanceof ScriptElement ? found : null;
// What relative URLs resolve against: the document's URL, or a <base> that
// came before our tag, never one added later. Before the tag is not enough
// when the tag's src is absolute: then the browser fetched us without the
// base, and a <base> in user content above a footer's tag would send a
// relative data-config to another site. So a <base> counts when our src is
// relative (the browser resolved it with that base) or when it is in <head>,
// the only place HTML allows it. A srcdoc or about:blank frame has no URL of
// its own: there the base is inherited from the parent, so baseURI it is.
// (item(0), not [0]: a missing index would be read from a polluted
// Object.prototype.)
var pageUrl = location.href;
var firstBase = querySelectorAll.call(doc, "base[href]").item(0);
var baseUri = native(Node.prototype, "baseURI");
var pageHead = head.call(doc);
var pageBase = /^about:/.test(pageUrl) ||
  (script && firstBase && script.compareDocumentPosition(firstBase) & 2 /* PRECEDING */ &&
    (!/^\\s*([a-z][a-z\\d+.-]*:|[\\\\/]{2})/i.test(script.getAttribute("src") || "") ||
      pageHead && pageHead.compareDocumentPosition(firstBase) & 16 /* CONTAINED_BY */))
  ? baseUri.call(doc) : pageUrl;
var loaderUrl = new URL(script && script.getAttribute("src") || pageBase, pageBase);
// Every file the loader fetches, with its SHA-384 (filled in at build time):
// a copy that was swapped or corrupted on the way is refused by fetch().
// A refused copy is asked for once more past the browser's cache: after a
// site upgrades in place, a cached copy of the old version does not match
// the new loader (and Chromium's reload would not refetch it).
var PINNED = ${JSON.stringify(Object.fromEntries(PINNED.map((f) => [f, placeholder(f)])))};
function fetchHashed(url, integrity) {
  var get = function (cache) {
    return fetch(url, { __proto__: null, credentials: "same-origin", integrity: integrity, cache: cache });
  };
  return get().then(null, function () { return get("reload"); });
}
function fetchPinned(file) {
  return fetchHashed(new URL(file, loaderUrl), PINNED[file]);
}
var wasmUrl = new URL("kloudconsent_bg.wasm", loaderUrl).href;
var wasmResponse = fetchPinned("kloudconsent_bg.wasm");
`;
const out = `/*! KloudConsent ${VERSION} | MIT OR Apache-2.0 */\n(function () {\n"use strict";\n${guard}\n${glue}\n${loader}\n})();\n`;
// Default (safe) compression, two passes; the licence comment is kept.
const minified = await minify(out, {
  compress: { passes: 2 },
  mangle: true,
  format: { comments: /^!/ },
});
if (!minified.code || minified.code.length < 1000) throw new Error("assemble.mjs: terser produced no output");
const wasmPath = join(staging, "kloudconsent_bg.wasm");
const short = shortenNames(readFileSync(wasmPath), minified.code);
if (!WebAssembly.validate(short.wasm)) throw new Error("assemble.mjs: the renamed wasm does not validate");
writeFileSync(wasmPath, short.wasm);
// Trunk names the glue after the crate; it is replaced by the wrapped loader.
writeFileSync(gluePath, pin(short.js + "\n", PINNED));

// What a site puts on its tag (`<script src=".../kloudconsent.js"
// integrity="..." crossorigin defer>`), and the pinned files' for reference.
const integrity = Object.fromEntries(["kloudconsent.js", ...PINNED, "kloudconsent-tool_bg.wasm"]
  .map((f) => [f, sri(readFileSync(join(staging, f)))]));
writeFileSync(join(staging, "integrity.json"), JSON.stringify(integrity, null, 2) + "\n");
for (const [file, value] of Object.entries(integrity)) console.log(`integrity ${file}: ${value}`);

const COMPRESSIBLE = /\.(js|wasm|css|html|json|svg)$/;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    if (!COMPRESSIBLE.test(name)) continue;
    const data = readFileSync(path);
    writeFileSync(path + ".br", brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }));
    writeFileSync(path + ".gz", gzipSync(data, { level: 9 }));
  }
}
walk(staging);
if (!existsSync(join(staging, "kloudconsent.js.br"))) throw new Error("assemble.mjs: compression failed");
