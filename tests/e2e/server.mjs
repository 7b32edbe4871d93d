// A small static server for the demo and the end-to-end tests.
//
// - `/` serves dist/ (the built widget and demo page), using dist's .br/.gz
//   copies when the client accepts them, with correct types (application/wasm
//   for streaming instantiation).
// - `/fixtures/` serves tests/e2e/pages/ (host pages for the tests).
// - `?csp=strict` on an HTML page adds a strict Content-Security-Policy;
//   `?csp=nonce` the same with `'nonce-XYZ'` allowed for scripts;
//   `?csp=dynamic` the nonce with `'strict-dynamic'`.
// - `{{name}}` in a fixture page becomes the `name` query parameter
//   (HTML-escaped), so one page serves every data-config or nonce case.
// - dist/ files are sent with `Access-Control-Allow-Origin: *`, as a CDN
//   serving the widget to other origins (or to sandboxed iframes, whose
//   origin is opaque) must: the loader fetch()es the wasm.
// - `/__receipts` collects POSTed bodies; `/__receipts/log` lists them.
// - `/__config?delay=ms&status=N&body=...&type=...` serves a config (or,
//   with type=text/javascript, a script) slowly or failing.
// - `/__hostile/<name>.html` serves the hostile-markup pages of
//   hostile-pages.mjs.
// - `/__copy/intact/<file>` serves a copy of dist/ as another server would
//   (an attacker's, in the hostile pages: there every `consent.json` and
//   `__config` is the attacker's policy). `/__copy/tampered/` serves the same
//   with the core's wasm swapped for one that still works but is not the
//   one built (a custom section added), as a swapped file on a CDN would be;
//   `/__copy/tampered-tool/` with the preference tool's wasm swapped so, and
//   `/__copy/tampered-tool-js/` with a comment added to the tool's script.
// - `server.requests` lists every path+query requested, in order.
// - KLOUDCONSENT_DIST=<dir> serves another build instead of dist/ (e.g. to
//   run a test against the build from before a fix).
// - With `receiptUrl` (CLI `--receipt-url URL`, used by scripts/demo.sh),
//   dist/'s HTML pages get an inline config `{"receiptUrl": URL}`, so the
//   demo sends its receipts to the receipt service. Tests never set it.
// - `routes` (a Map of pathname → async (req, res, url, next) handler) lets
//   a test answer a path itself, before the mounts: a generated host page, a
//   file held back (`await held; return next()`) or failing. WebDriver has no request interception, so the
//   Firefox and WebKit suites use this where the Chromium suite uses
//   Playwright's routing. (`requests`, above, lists what was asked for.)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { hostilePage, EVIL_CONFIG } from "./hostile-pages.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..", "..");
export const DIST = process.env.KLOUDCONSENT_DIST || join(ROOT, "dist");
const MOUNTS = [
  ["/fixtures/", join(here, "pages")],
  ["/", DIST],
];
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml",
  ".png": "image/png",
};
// As docs/security.md recommends, `base-uri 'none'` included.
export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; base-uri 'none'";
export const NONCE = "XYZ";
export const NONCE_CSP =
  `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-${NONCE}'; style-src 'self'; base-uri 'none'`;
/** Nonce plus 'strict-dynamic': any script a trusted one inserts runs, whatever its URL. */
export const DYNAMIC_CSP =
  `default-src 'self'; script-src 'nonce-${NONCE}' 'strict-dynamic' 'wasm-unsafe-eval'; style-src 'self'; base-uri 'none'`;
const CSPS = { strict: STRICT_CSP, nonce: NONCE_CSP, dynamic: DYNAMIC_CSP };

/** The Content-Security-Policy a `?csp=` query asks for, if any. */
export const cspFor = (url) => CSPS[url.searchParams.get("csp")];

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Starts the server. `root`: serve that directory at `/` instead of dist/
 * and the fixtures (an installed package, a built example app). `mounts`:
 * more [prefix, directory] pairs, served before those (a library's files
 * where its page looks for them).
 */
export function startServer({ port = 0, host = "127.0.0.1", receiptUrl, root, mounts: extra = [] } = {}) {
  const receipts = [];
  const mounts = [...extra, ...(root ? [["/", root]] : MOUNTS)];
  const routes = new Map();
  const requests = [];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://x");
      // The path, also when a browser sends the absolute form (the WebKit
      // suite's MiniBrowser uses this server as its proxy for every host).
      requests.push(url.pathname + url.search);
      const route = routes.get(url.pathname);
      if (route) return await route(req, res, url, () => handle(req, res, receipts, receiptUrl, mounts));
      await handle(req, res, receipts, receiptUrl, mounts);
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e && e.stack || e));
    }
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({
        url: `http://${host}:${p}`,
        receipts,
        routes,
        requests,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
      });
    });
  });
}

async function handle(req, res, receipts, receiptUrl, mounts) {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/__receipts") {
    let body = "";
    for await (const chunk of req) body += chunk;
    receipts.push({ method: req.method, type: req.headers["content-type"] || "", referer: req.headers.referer, body });
    res.writeHead(204, { "access-control-allow-origin": "*" });
    return res.end();
  }
  if (url.pathname === "/__receipts/log") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(receipts));
  }
  if (url.pathname === "/__config") {
    const delay = Number(url.searchParams.get("delay") || 0);
    await new Promise((r) => setTimeout(r, delay));
    res.writeHead(Number(url.searchParams.get("status") || 200), {
      "content-type": url.searchParams.get("type") || "application/json",
      "access-control-allow-origin": "*",
    });
    return res.end(url.searchParams.has("body") ? url.searchParams.get("body") : "{}");
  }
  const csp = cspFor(url);
  const hostile = url.pathname.match(/^\/__hostile\/([\w-]+)\.html$/);
  if (hostile && hostilePage(hostile[1])) {
    res.writeHead(200, { "content-type": TYPES[".html"], ...(csp ? { "content-security-policy": csp } : {}) });
    return res.end(hostilePage(hostile[1]));
  }
  const copy = url.pathname.match(/^\/__copy\/(intact|tampered|tampered-tool|tampered-tool-js)\/(.*)$/);
  if (copy) return serveCopy(res, copy[1], copy[2]);
  const [prefix, dir] = mounts.find(([p]) => url.pathname.startsWith(p));
  let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || "index.html";
  if (rel.endsWith("/")) rel += "index.html";
  const file = normalize(join(dir, rel));
  if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
  const type = TYPES[extname(file)] || "application/octet-stream";
  const headers = { "content-type": type, "cache-control": "no-cache", vary: "accept-encoding" };
  if (type.startsWith("text/html") && csp) headers["content-security-policy"] = csp;
  if (prefix === "/") headers["access-control-allow-origin"] = "*";
  if (prefix === "/fixtures/" && type.startsWith("text/html") && await exists(file)) {
    const html = (await readFile(file, "utf8"))
      .replace(/\{\{(\w+)\}\}/g, (_, name) => escapeHtml(url.searchParams.get(name) || ""));
    res.writeHead(200, headers);
    return res.end(html);
  }
  if (receiptUrl && prefix === "/" && type.startsWith("text/html") && await exists(file)) {
    // JSON inside <script>: "<" escaped so no value can close the element.
    const config = JSON.stringify({ receiptUrl }).replace(/</g, "\\u003c");
    let html = await readFile(file, "utf8");
    const own = /(<script type="application\/json" id="kloudconsent-config">\s*)\{/;
    html = own.test(html)
      // A page with its own config (demo/services.html): the URL joins it.
      ? html.replace(own, (_, open) => `${open}${config.slice(0, -1)},`)
      : html.replace(
        /<script[^>]*\bsrc="?(?:\.\.\/)?kloudconsent\.js"?[^>]*>/,
        (tag) => `<script type="application/json" id="kloudconsent-config">${config}</script>\n  ${tag}`);
    res.writeHead(200, headers);
    return res.end(html);
  }
  const accept = String(req.headers["accept-encoding"] || "");
  for (const [enc, ext] of [["br", ".br"], ["gzip", ".gz"]]) {
    if (accept.includes(enc) && await exists(file + ext)) {
      headers["content-encoding"] = enc;
      res.writeHead(200, headers);
      return res.end(await readFile(file + ext));
    }
  }
  if (!(await exists(file))) {
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("not found");
  }
  res.writeHead(200, headers);
  res.end(await readFile(file));
}

/** A file of the `/__copy/<kind>/` servers (see the top of this file). */
async function serveCopy(res, kind, rel) {
  const headers = { "access-control-allow-origin": "*", "cache-control": "no-cache" };
  if (/(^|\/)(consent\.json|__config)$/.test(rel)) {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    return res.end(JSON.stringify(EVIL_CONFIG));
  }
  const file = normalize(join(DIST, rel));
  if (!file.startsWith(DIST) || !(await exists(file))) {
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("not found");
  }
  let body = await readFile(file);
  const swapped = { tampered: "kloudconsent_bg.wasm", "tampered-tool": "kloudconsent-tool_bg.wasm",
    "tampered-tool-js": "kloudconsent-tool.js" }[kind];
  if (rel === swapped) {
    body = Buffer.concat([body, rel.endsWith(".wasm") ? TAMPER_SECTION : Buffer.from("/* tampered */\n")]);
  }
  res.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] || "application/octet-stream" });
  res.end(body);
}

/** A wasm custom section (id 0) named "x": any module still validates and runs with it appended. */
const TAMPER_SECTION = (() => {
  const payload = Buffer.from("\x01xtampered", "latin1");
  return Buffer.concat([Buffer.from([0, payload.length]), payload]);
})();

async function exists(path) {
  try { return (await stat(path)).isFile(); } catch { return false; }
}

// CLI: node tests/e2e/server.mjs --port 8080 [--receipt-url URL]
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const port = Number(arg("--port") || 8080);
  const { url } = await startServer({ port, receiptUrl: arg("--receipt-url") });
  console.log(`serving dist/ at ${url}/ (fixtures at ${url}/fixtures/)`);
}
