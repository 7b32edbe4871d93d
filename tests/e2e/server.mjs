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
// - With `receiptUrl` (CLI `--receipt-url URL`, used by scripts/demo.sh),
//   dist/'s HTML pages get an inline config `{"receiptUrl": URL}`, so the
//   demo sends its receipts to the receipt service. Tests never set it.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..", "..");
const MOUNTS = [
  ["/fixtures/", join(here, "pages")],
  ["/", join(ROOT, "dist")],
];
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml",
  ".png": "image/png",
};
export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
export const NONCE = "XYZ";
export const NONCE_CSP =
  `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-${NONCE}'; style-src 'self'`;
/** Nonce plus 'strict-dynamic': any script a trusted one inserts runs, whatever its URL. */
export const DYNAMIC_CSP =
  `default-src 'self'; script-src 'nonce-${NONCE}' 'strict-dynamic' 'wasm-unsafe-eval'; style-src 'self'`;
const CSPS = { strict: STRICT_CSP, nonce: NONCE_CSP, dynamic: DYNAMIC_CSP };

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Starts the server. `root`: serve that directory at `/` instead of dist/
 * and the fixtures (an installed package, a built example app).
 */
export function startServer({ port = 0, host = "127.0.0.1", receiptUrl, root } = {}) {
  const receipts = [];
  const mounts = root ? [["/", root]] : MOUNTS;
  const server = createServer(async (req, res) => {
    try {
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
    receipts.push({ method: req.method, type: req.headers["content-type"] || "", body });
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
  const [prefix, dir] = mounts.find(([p]) => url.pathname.startsWith(p));
  let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || "index.html";
  if (rel.endsWith("/")) rel += "index.html";
  const file = normalize(join(dir, rel));
  if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
  const type = TYPES[extname(file)] || "application/octet-stream";
  const headers = { "content-type": type, "cache-control": "no-cache", vary: "accept-encoding" };
  const csp = CSPS[url.searchParams.get("csp")];
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
    const html = (await readFile(file, "utf8")).replace(
      /<script[^>]*\bsrc="?kloudconsent\.js"?[^>]*>/,
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
