// Contract sections 1, 8, 9: where the config comes from, what it may change,
// and what happens when it is bad.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, banner, dialog, button, hostPage, gatedRuns, toolShown } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const SITE = {
  revision: 3,
  categories: [
    { id: "necessary", label: "Essential", required: true, description: "Needed." },
    { id: "stats", label: "Statistics", description: "Counting visits.", providers: ["Plausible"] },
  ],
  texts: { bannerTitle: "Cookies on Example", acceptAll: "Accept all" },
};

const errors = (page) => page.logs.filter((l) => l.startsWith("error:"));

test("an inline #kloudconsent-config replaces categories and texts", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { config: SITE, body: `<script type="text/plain" data-consent="stats">window.__stats = 1</script>` });
  await waitReady(page);
  await page.getByRole("region", { name: "Cookies on Example" }).waitFor();
  await button(page, "Manage preferences").click();
  const d = dialog(page);
  await d.getByRole("switch").first().waitFor(); // the tool, not its loading dialog
  assert.equal(await d.getByRole("switch").count(), 2);
  assert.equal(await d.getByRole("switch", { name: "Statistics" }).isChecked(), false);
  assert.ok((await d.innerText()).includes("Plausible"));
  await button(d, "Accept all").click();
  await page.waitForFunction(() => window.__stats === 1);
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.revision, 3);
  assert.deepEqual(state.categories, { necessary: true, stats: true });
  assert.deepEqual(errors(page), []);
  await context.close();
});

test("data-config on the script tag wins over an inline config", async () => {
  const { context, page } = await openPage(env);
  const remote = encodeURIComponent(JSON.stringify({ texts: { bannerTitle: "From data-config" } }));
  await hostPage(env, page, {
    config: { texts: { bannerTitle: "From inline" } },
    scriptAttrs: `data-config="/__config?body=${remote}"`,
  });
  await waitReady(page);
  await page.getByRole("region", { name: "From data-config" }).waitFor();
  assert.deepEqual(errors(page), []);
  await context.close();
});

for (const [name, opts, needle] of [
  ["invalid JSON inline", { config: "{ not json" }, "not valid JSON"],
  ["a field of the wrong type", { config: { revision: "two" } }, "revision"],
  ["a category without a label", { config: { categories: [{ id: "x" }] } }, "categories[0].label"],
  ["a failed data-config fetch (404)", { scriptAttrs: `data-config="/__config?status=404"` }, "404"],
]) {
  test(`${name}: one clear console.error naming the problem, and the built-in default`, async () => {
    const { context, page } = await openPage(env);
    await hostPage(env, page, opts);
    await waitReady(page);
    await banner(page).waitFor();
    const errs = errors(page).filter((l) => !l.includes("Failed to load resource"));
    assert.equal(errs.length, 1, errs.join("\n"));
    assert.ok(errs[0].includes("kloudconsent") && errs[0].includes(needle), errs[0]);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test("every text from config is rendered as text, never as markup", async () => {
  const { context, page } = await openPage(env);
  const evil = `<img src=x onerror="window.__pwned=1"><b>bold</b>`;
  await hostPage(env, page, {
    config: {
      texts: { bannerTitle: evil, bannerBody: evil, acceptAll: evil, prefsTitle: evil },
      categories: [{ id: "necessary", label: evil, description: evil, providers: [evil], required: true }],
    },
  });
  await waitReady(page);
  const region = page.getByRole("region", { name: evil });
  await region.waitFor();
  await button(page, "Manage preferences").click();
  await toolShown(page);
  const counts = await page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    return { img: root.querySelectorAll("img").length, b: root.querySelectorAll("b").length };
  });
  assert.deepEqual(counts, { img: 0, b: 0 });
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await context.close();
});

test("embedding the tag twice gives one widget", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {
    body: `<script src="/kloudconsent.js" defer></script>
           <script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>`,
  });
  await waitReady(page);
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.src = "/kloudconsent.js";
    document.body.appendChild(s);
  });
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => document.querySelectorAll("kloud-consent").length), 1);
  assert.equal(await page.getByRole("button", { name: "Accept all" }).count(), 1);
  await page.getByRole("button", { name: "Accept all" }).click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length >= 1);
  await page.waitForTimeout(200);
  assert.deepEqual(await gatedRuns(page), ["analytics"]);
  assert.deepEqual(page.errors, []);
  await context.close();
});
