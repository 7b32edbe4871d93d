// The JSON the wasm reads in a real page (crates/json): a site's
// inline config, a broken one, and kloudconsent.set() from page code.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, banner } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** Serves `head` as the head of a host page at /fixtures/custom.html. */
async function hostPage(page, head) {
  await page.route("**/fixtures/custom.html", (route) => route.fulfill({
    contentType: "text/html",
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>custom</title>${head}` +
      `<script src="/kloudconsent.js" defer></script></head><body><h1>Host</h1></body></html>`,
  }));
  await page.goto(env.server.url + "/fixtures/custom.html");
  await waitReady(page);
}

test("an inline config with escapes and a whole float is read", async () => {
  const { context, page } = await openPage(env);
  const config = String.raw`{"revision": 2.0, "texts": {"bannerTitle": "Caf\u00e9 cookies \ud83c\udf6a \"ok\""}}`;
  await hostPage(page, `<script type="application/json" id="kloudconsent-config">${config}</script>`);
  const region = page.getByRole("region", { name: "Café cookies 🍪 \"ok\"" });
  await region.waitFor({ state: "visible" });
  await region.getByRole("button", { name: "Accept all", exact: true }).click();
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).revision, 2);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a config that is not JSON is reported with its position and the default is used", async () => {
  const { context, page } = await openPage(env);
  await hostPage(page, `<script type="application/json" id="kloudconsent-config">{"revision": 1,}</script>`);
  await banner(page).waitFor({ state: "visible" });
  // The browser's own JSON.parse reads it: its message names the position
  // (Chromium and Firefox both say "line 1 column 16").
  assert.ok(page.logs.some((l) => l.startsWith("error:") &&
    l.includes("config is not valid JSON: ") && l.includes("line 1 column 16") &&
    l.includes("using the built-in default")), page.logs.join("\n"));
  await context.close();
});

test("kloudconsent.set() applies known ids, names unknown ones, and rejects non-booleans", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/fixtures/basic.html");
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.set({ analytics: "yes" }));
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.ok(page.logs.some((l) => l.includes("set(): `analytics` must be true or false; nothing was changed.")),
    page.logs.join("\n"));
  await page.evaluate(() => window.kloudconsent.set({ zz: true, analytics: true, "a\"b": false }));
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.categories.analytics, true);
  assert.equal(state.categories.marketing, false);
  assert.ok(page.logs.some((l) => l.includes("set(): ignored unknown categories `zz`, `a\"b`.")),
    page.logs.join("\n"));
  assert.deepEqual(page.errors, []);
  await context.close();
});
