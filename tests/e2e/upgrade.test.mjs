// A site upgrades KloudConsent in place (the same folder, the same file
// names) while visitors' browsers hold the old files in their HTTP cache.
// The new loader pins the new files by SHA-384, so a cached old copy is
// refused; the loader then asks once more past the cache, and the visitor
// keeps a working widget: the stored decision applies, the banner shows,
// the preference tool opens.
//
// The "new release" is made from dist/ as a release would differ: each
// wasm with a custom section appended (new bytes, new SHA-384) and the
// loader and the tool's script pinned to the new hashes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { launch, openPage, waitReady, banner, dialog, button, gatedRuns, widgetLogs, until, GATED_PAIR } from "./helpers.mjs";
import { DIST } from "./server.mjs";

const FILES = ["kloudconsent.js", "kloudconsent_bg.wasm", "kloudconsent-tool.js", "kloudconsent-tool_bg.wasm"];
const TYPES = { js: "text/javascript", wasm: "application/wasm" };
const sri = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");

let env, next;
/** Which release the server has, and the Cache-Control it sends per file. */
let live = "old";
let cacheControl = () => "no-cache";

/** The next release: every file of dist/ that changes between releases, changed. */
function nextRelease() {
  const files = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(DIST, f))]));
  const name = Buffer.from("\x07release", "latin1");
  const section = Buffer.concat([Buffer.from([0, name.length + 1]), name, Buffer.from("2")]);
  const repin = (file, from, to) => {
    const text = files[file].toString("utf8");
    assert.ok(text.includes(from), `${file} pins ${from}`);
    files[file] = Buffer.from(text.split(from).join(to));
  };
  for (const wasm of ["kloudconsent_bg.wasm", "kloudconsent-tool_bg.wasm"]) {
    const old = sri(files[wasm]);
    files[wasm] = Buffer.concat([files[wasm], section]);
    repin(wasm === "kloudconsent_bg.wasm" ? "kloudconsent.js" : "kloudconsent-tool.js", old, sri(files[wasm]));
  }
  repin("kloudconsent.js", sri(readFileSync(join(DIST, "kloudconsent-tool.js"))), sri(files["kloudconsent-tool.js"]));
  return files;
}

before(async () => {
  env = await launch();
  next = nextRelease();
  for (const file of FILES) {
    env.server.routes.set(`/site/kc/${file}`, (req, res) => {
      res.writeHead(200, { "content-type": TYPES[file.split(".").pop()], "cache-control": cacheControl(file) });
      res.end(live === "old" ? readFileSync(join(DIST, file)) : next[file]);
    });
  }
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>upgraded site</title>
<script src="/site/kc/kloudconsent.js" defer></script></head>
<body><h1>A site</h1><a href="#" id="open-prefs" data-kloudconsent-open>Manage Cookie Preferences</a>${GATED_PAIR}</body></html>`;
  env.server.routes.set("/site/page.html", (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" });
    res.end(page);
  });
});
after(async () => { await env.close(); });

const fetched = (file) => env.server.requests.filter((r) => r.startsWith(`/site/kc/${file}`)).length;

/**
 * A visitor's page of the old release, the loader revalidated on every page
 * and the wasm and the tool cached for a day; `visit(page)` does what the
 * visitor did there, then the site is upgraded and `afterUpgrade(page)` runs.
 */
async function acrossUpgrade(visit, afterUpgrade,
  caching = (file) => (file === "kloudconsent.js" ? "no-cache" : "public, max-age=86400")) {
  live = "old";
  cacheControl = caching;
  const { context, page } = await openPage(env);
  try {
    await page.goto(`${env.server.url}/site/page.html`);
    await waitReady(page);
    await visit(page);
    live = "new";
    await afterUpgrade(page);
  } finally {
    await context.close();
  }
}

test("a returning visitor whose browser cached the old wasm and tool: the new loader applies the decision and opens the tool", async () => {
  let before;
  await acrossUpgrade(async (page) => {
    await button(banner(page), "Manage preferences").click();
    await dialog(page).getByRole("switch").first().waitFor();
    await button(dialog(page), "Accept all").click();
    await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
    before = { wasm: fetched("kloudconsent_bg.wasm"), tool: fetched("kloudconsent-tool.js") };
  }, async (page) => {
    await page.goto(`${env.server.url}/site/page.html?next`);
    await waitReady(page);
    assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all");
    await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
    assert.deepEqual((await gatedRuns(page)).sort(), ["analytics", "marketing"]);
    assert.equal(fetched("kloudconsent_bg.wasm"), before.wasm + 1, "the new wasm was fetched past the cache");
    await page.click("#open-prefs");
    await dialog(page).getByRole("switch").first().waitFor();
    assert.ok(fetched("kloudconsent-tool.js") > before.tool, "the new tool was fetched past the cache");
    assert.deepEqual(await widgetLogs(page), []);
    assert.deepEqual(page.errors, []);
  });
});

test("a first visit after the upgrade, with the old wasm in the cache from an earlier visit: the banner shows", async () => {
  await acrossUpgrade(async (page) => {
    // The old page's idle prefetch of the tool done before the upgrade: one
    // still under way then meets the new files mid-deploy, which it refuses
    // (old pins) and says so, on the old page.
    await page.waitForFunction(() => performance.getEntriesByType("resource")
      .some((e) => e.name.endsWith("/kloudconsent-tool_bg.wasm")));
    await page.waitForTimeout(300);
  }, async (page) => {
    await page.goto(`${env.server.url}/site/page.html?after`);
    await waitReady(page);
    await banner(page).waitFor();
    assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
    assert.deepEqual(await gatedRuns(page), []);
    assert.deepEqual(await widgetLogs(page), []);
  });
});

// Stop 62's review of upgrades: a loader the browser keeps (here for a day;
// heuristics keep one without Cache-Control for days, reloads included)
// refused every new wasm, page after page, until that copy expired.
test("a returning visitor whose browser keeps the old loader meets the new wasm: that page says so and runs nothing; the next page has the new loader and applies the decision", async () => {
  await acrossUpgrade(async (page) => {
    await button(banner(page), "Accept all").click();
    await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  }, async (page) => {
    const loaders = fetched("kloudconsent.js");
    await page.goto(`${env.server.url}/site/page.html?stale`);
    await until(() => widgetLogs(page).some((l) => /could not load .*kloudconsent_bg\.wasm/.test(l)), 10000);
    assert.deepEqual(await gatedRuns(page), []);
    // The refused wasm has the loader fetched again, past the cache.
    await until(() => fetched("kloudconsent.js") > loaders, 10000);
    await page.goto(`${env.server.url}/site/page.html?mended`);
    await waitReady(page);
    assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all");
    await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
    assert.deepEqual(page.errors, []);
  }, (file) => (file === "kloudconsent.js" ? "public, max-age=86400" : "no-store"));
});

