// The benchmark's generated host pages (bench/server.mjs, issue 12): the
// minimal page of every widget must embed that widget exactly as its full
// page does (same <head> but the site stylesheet, same gated scripts), so
// the two tables in bench/RESULTS.md compare the same embedding on two
// pages. Host-side: starts the bench server, no browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./docs-snippets-extract.mjs";

const BENCH = join(ROOT, "bench");
let server;
let base;

before(async () => {
  server = spawn(process.execPath, [join(BENCH, "server.mjs"), "--host", "127.0.0.1", "--port", "0", "--quiet"],
    { cwd: BENCH, stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve(m[0]);
    });
    server.on("exit", (code) => reject(new Error(`bench server exited (${code}): ${out}`)));
  });
});

after(() => server && server.kill());

const fullPage = (name) => readFileSync(join(BENCH, "pages", "hosts", `${name}.html`), "utf8");
async function get(path) {
  const res = await fetch(base + path);
  return { status: res.status, cache: res.headers.get("cache-control"), text: await res.text() };
}
const head = (html) => html.slice(0, html.indexOf("<body>"));
const gated = (html) => html.slice(html.indexOf("<!-- Gated scripts"));

for (const name of ["ours", "vanilla", "klaro"]) {
  test(`the minimal ${name} page embeds the widget as the full page does, on a short article`, async () => {
    const full = fullPage(name);
    const minimal = await get(`/hosts/minimal/${name}.html`);
    assert.equal(minimal.status, 200);
    assert.equal(minimal.cache, "no-store", "a host page is fetched on every visit");
    assert.equal(head(minimal.text),
      head(full).replace('<link rel="stylesheet" href="/common/site.css">\n', "")
        .replace("<title>Bench host: ", "<title>Bench host (minimal page): "),
      "same <head> (widget tags and configuration) without the site stylesheet");
    assert.equal(gated(minimal.text), gated(full), "the same gated scripts, in the widget's own markup");
    assert.match(gated(full), /analytics\.js[\s\S]*marketing\.js/, "the full page gates both scripts");
    assert.match(minimal.text, /<body>\n<article>[\s\S]*<\/article>\n<!-- Gated scripts/, "the body is a short article");
    assert.doesNotMatch(minimal.text, /class="hero"|<header>|<footer>|site\.css/, "none of the full page's own weight");
    assert.ok(minimal.text.length < full.length * 0.8, `smaller than the full page (${minimal.text.length} vs ${full.length} chars)`);
  });
}

test("the minimal preload page is the minimal page plus the wasm preload hint", async () => {
  const plain = (await get("/hosts/minimal/ours.html")).text;
  const preload = await get("/hosts/minimal/ours-preload.html");
  assert.equal(preload.status, 200);
  const hint = '<link rel="preload" href="/ours/kloudconsent_bg.wasm" as="fetch" type="application/wasm" crossorigin>\n';
  assert.equal(preload.text.replace(hint, "").replace(" with a wasm preload hint</title>", "</title>"), plain);
  assert.ok(preload.text.includes(hint + '<script src="/ours/kloudconsent.js" defer></script>'));
});

test("an unknown minimal page is a 404, not a server error", async () => {
  assert.equal((await get("/hosts/minimal/nope.html")).status, 404);
});
