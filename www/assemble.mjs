// Trunk post_build hook: turns Trunk's staging dir into the shippable dist/.
//
// 1. kloudconsent.js = guard + wasm-bindgen no-modules glue + www/loader.js,
//    wrapped in one function so nothing but `window.kloudconsent` leaks into
//    the page, and so a second copy of the tag returns before doing anything.
// 2. The whole of it is minified with terser (build-time only): Trunk
//    minifies the glue but not the loader, and terser's compressor and
//    mangler, seeing glue and loader together, save ~1 KB brotli more.
// 3. The names the wasm and the glue use for each other are shortened in both
//    (www/shorten-names.mjs): ~4 KB brotli.
// 4. The built-in translations (i18n/*.json, copied by Trunk) are minified,
//    and their list is written into the loader, which fetches one only for
//    a visitor who needs it.
// 5. Every text/wasm file gets .br and .gz siblings for static hosting.
import { readFileSync, writeFileSync, existsSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { minify } from "terser";
import { shortenNames } from "./shorten-names.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const staging = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!staging) throw new Error("assemble.mjs: TRUNK_STAGING_DIR is not set");

const gluePath = join(staging, "kloudconsent.js");
if (!existsSync(gluePath)) throw new Error("assemble.mjs: no kloudconsent.js in " + staging + ": " + readdirSync(staging).join(", "));
const glue = readFileSync(gluePath, "utf8");
// The loader, then the hands it gives the engine (both in one scope).
const i18nDir = join(staging, "i18n");
if (!existsSync(i18nDir)) throw new Error("assemble.mjs: no i18n/ in " + staging + " (index.html copies it)");
const langs = [];
for (const name of readdirSync(i18nDir).sort()) {
  if (!name.endsWith(".json")) continue;
  const path = join(i18nDir, name);
  writeFileSync(path, JSON.stringify(JSON.parse(readFileSync(path, "utf8"))));
  langs.push(name.slice(0, -5));
}
const loader = ["loader.js", "hooks.js", "gating.js"].map((f) => readFileSync(join(here, f), "utf8")).join("\n")
  .replace('"__KC_LANGS__"', JSON.stringify(langs.join(" ")));
if (!loader.includes(JSON.stringify(langs.join(" ")))) throw new Error("assemble.mjs: loader.js has no __KC_LANGS__ to fill in");

// The wasm download starts on the wrapper's first lines, before the glue and
// the loader are even defined (a few ms earlier on every visit). loader.js
// hands `wasmResponse` to the glue.
const guard = `
if (window.__kloudconsentLoaded) { return; }
window.__kloudconsentLoaded = true;
var script = document.currentScript;
// Not location.href: in a srcdoc iframe it is about:srcdoc, no base URL.
var pageBase = document.baseURI || location.href;
var distBase = new URL(".", (script && script.src) || pageBase);
var wasmResponse = fetch(new URL("kloudconsent_bg.wasm", distBase), { credentials: "same-origin" });
`;
const out = `/*! KloudConsent ${process.env.npm_package_version || ""}| MIT OR Apache-2.0 */\n(function () {\n"use strict";\n${guard}\n${glue}\n${loader}\n})();\n`;
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
writeFileSync(gluePath, short.js + "\n");

// The preference tool: its own wasm and glue, fetched by the loader the
// first time the tool is to be shown. Its script hands the loader an
// initialiser through a Symbol-keyed slot on window (markup cannot clobber a
// Symbol key); the loader passes it the wasm download.
const toolGluePath = join(staging, "kloudconsent-tool.js");
const toolWasmPath = join(staging, "kloudconsent-tool_bg.wasm");
if (!existsSync(toolGluePath) || !existsSync(toolWasmPath)) {
  throw new Error("assemble.mjs: no preference tool in " + staging + ": " + readdirSync(staging).join(", "));
}
const toolOut = `/*! KloudConsent preference tool ${process.env.npm_package_version || ""}| MIT OR Apache-2.0 */
(function () {
"use strict";
${readFileSync(toolGluePath, "utf8")}
var register = window[Symbol.for("kloudconsent.tool")];
if (typeof register === "function") {
  register(function (wasm) {
    return wasm_bindgen({ module_or_path: wasm }).then(function () {
      return { mount: wasm_bindgen.mount, update: wasm_bindgen.update, unmount: wasm_bindgen.unmount };
    });
  });
}
})();
`;
const toolMin = await minify(toolOut, { compress: { passes: 2 }, mangle: true, format: { comments: /^!/ } });
if (!toolMin.code || toolMin.code.length < 1000) throw new Error("assemble.mjs: terser produced no tool output");
const toolShort = shortenNames(readFileSync(toolWasmPath), toolMin.code);
if (!WebAssembly.validate(toolShort.wasm)) throw new Error("assemble.mjs: the renamed tool wasm does not validate");
writeFileSync(toolWasmPath, toolShort.wasm);
writeFileSync(toolGluePath, toolShort.js + "\n");

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
