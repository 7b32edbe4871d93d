// A slow or stalled connection: what is waited for, for how long, and what
// the visitor can still do. Nothing is given up on while the engine could not
// have used it anyway (the wasm still on its way), a file that hangs keeps
// nothing else waiting for ever, and a click on a page's opener made while
// the widget loads is kept, not lost.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, hostPage, waitReady, banner, dialog, button, gatedRuns, widgetLogs, GATED_PAIR, until } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** Holds every request matching `glob` for `ms` (or until `release()` when ms is null), then serves it. */
async function hold(page, glob, ms = null) {
  let release;
  const held = ms === null ? new Promise((r) => { release = r; }) : new Promise((r) => setTimeout(r, ms));
  await page.route(glob, async (route) => { await held; await route.continue().catch(() => {}); });
  return () => release?.();
}

const SITE_CONFIG = {
  revision: 1,
  categories: [
    { id: "necessary", label: "Necessary", required: true, description: "Needed." },
    { id: "analytics", label: "Analytics", description: "Counting visits." },
    { id: "marketing", label: "Marketing", description: "Ads." },
  ],
  texts: { bannerTitle: "Cookies on Example Shop", bannerBody: "We count visits if you allow it." },
};

test("a config that arrives before the wasm is used, though later than 4 s", async () => {
  const { context, page } = await openPage(env);
  const config = "/__config?delay=4500&body=" + encodeURIComponent(JSON.stringify(SITE_CONFIG));
  await hold(page, "**/kloudconsent_bg.wasm", 7000);
  await hostPage(env, page, { scriptAttrs: `data-config="${config}"`, body: GATED_PAIR });
  await page.getByRole("region", { name: "Cookies on Example Shop" }).waitFor({ timeout: 15000 });
  assert.deepEqual(widgetLogs(page, "error"), []);
  assert.deepEqual(await gatedRuns(page), []);
  await context.close();
});

test("a translation that arrives before the wasm is used, though later than 3 s", async () => {
  const { context, page } = await openPage(env);
  await hold(page, "**/i18n/de.json", 4000);
  await hold(page, "**/kloudconsent_bg.wasm", 6500);
  await hostPage(env, page, { config: { language: "de" } });
  await page.locator("kloud-consent").waitFor({ state: "attached", timeout: 15000 });
  await page.getByRole("button", { name: "Alle akzeptieren" }).waitFor({ timeout: 5000 });
  assert.deepEqual(widgetLogs(page, "warning"), []);
  await context.close();
});

test("a stalled embeds script keeps nothing else waiting: banner, decision and scripts work; one console.error", async () => {
  const { context, page } = await openPage(env);
  const release = await hold(page, "**/kloudconsent-embeds.js");
  // The stalled script holds the page's load event: no waiting for it.
  const url = env.server.url + "/fixtures/stalled-embeds.html";
  await context.route(url, (route) => route.fulfill({ contentType: "text/html", body: `<!doctype html><html lang="en">
    <head><script src="/kloudconsent.js" defer></script></head><body>${GATED_PAIR}
    <iframe data-consent="marketing" data-src="/demo/services.html" title="video" width="300" height="150"></iframe></body></html>` }));
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await banner(page).waitFor({ timeout: 12000 });
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  const errors = widgetLogs(page, "error");
  assert.equal(errors.length, 1, String(errors));
  assert.match(errors[0], /kloudconsent-embeds\.js timed out after 4000 ms; the widget starts without it/);
  assert.equal(await page.locator("iframe[data-consent]").getAttribute("src"), null, "the embed stays blocked meanwhile");
  // It arrives after all: the embed takes the decision in force.
  release();
  await page.waitForFunction(() => document.querySelector("iframe[data-consent]").getAttribute("src") === "/demo/services.html");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a stalled preference tool: after 10 s of busy the visitor is told, can still decide, and the tool opens once it arrives", async () => {
  const { context, page } = await openPage(env);
  const release = await hold(page, "**/kloudconsent-tool.js");
  await hostPage(env, page, { body: GATED_PAIR });
  await button(banner(page), "Manage preferences").click();
  const manage = button(banner(page), "Manage preferences");
  assert.equal(await manage.getAttribute("aria-busy"), "true");
  await banner(page).getByText("could not be loaded").waitFor({ timeout: 14000 });
  assert.equal(await manage.getAttribute("aria-busy"), null);
  const errors = widgetLogs(page, "error");
  assert.equal(errors.length, 1, String(errors));
  assert.match(errors[0], /kloudconsent-tool\.js or its wasm did not arrive within 10 s/);
  release();
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("kloudconsent-tool_bg.wasm")));
  await manage.click();
  await dialog(page).getByRole("switch").first().waitFor();
  await button(dialog(page), "Reject all").click();
  await dialog(page).waitFor({ state: "detached" });
  assert.deepEqual(await gatedRuns(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

// The second case sets the clock an hour back while the tool is awaited
// (a clock synchronised meanwhile, or a test's fake timers): the limit is
// counted, not read from the clock.
const CLOCK_BACK = () => { const real = Date.now; Date.now = () => real.call(Date) - 3600e3; };
for (const [name, meanwhile] of [
  ["a stalled tool from a page's link: the loading dialog turns into the failure dialog, whose Reject all works", null],
  ["a stalled tool while the clock is set back (or a page fakes Date.now): the visitor is still told after 10 s", CLOCK_BACK],
]) {
  test(name, async () => {
    const { context, page } = await openPage(env);
    await hold(page, "**/kloudconsent-tool.js");
    await hostPage(env, page, { body: GATED_PAIR });
    await banner(page).waitFor();
    await page.click("#open-prefs");
    if (meanwhile) {
      await page.waitForTimeout(2500);
      await page.evaluate(meanwhile);
    }
    await dialog(page).getByText("could not be loaded").waitFor({ timeout: 14000 });
    await button(dialog(page), "Reject all").click();
    await dialog(page).waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => window.kloudconsent.get().method), "reject-all");
    assert.deepEqual(await gatedRuns(page), []);
    await context.close();
  });
}

test("a page's opener clicked while the widget loads opens the tool once it has started, and follows no href=\"#\"", async () => {
  const { context, page } = await openPage(env);
  await hold(page, "**/kloudconsent_bg.wasm", 2500);
  const url = await hostPage(env, page, { body: GATED_PAIR });
  await page.evaluate(() => history.replaceState(null, "", "#/account"));
  await page.click("#open-prefs");
  assert.equal(await page.evaluate(() => location.hash), "#/account");
  await dialog(page).getByRole("switch").first().waitFor({ timeout: 15000 });
  assert.equal(await page.evaluate(() => location.hash), "#/account");
  assert.ok(url);
  await context.close();
});

test("before the widget has started, a link to another page is followed; a click kept for later is dropped if the visitor moved on", async () => {
  const { context, page } = await openPage(env);
  // Each load's wasm comes 2.5 s after it was asked for.
  await page.route("**/kloudconsent_bg.wasm", async (route) => {
    await new Promise((r) => setTimeout(r, 2500));
    await route.continue().catch(() => {});
  });
  await hostPage(env, page, {
    body: GATED_PAIR + '<a href="/fixtures/plain.html" id="policy" data-kloudconsent-open>Cookie settings</a><input id="search">',
  });
  // The widget may never start (a stalled download, no WebAssembly): the cookie policy opens.
  await Promise.all([page.waitForURL("**/fixtures/plain.html"), page.click("#policy")]);
  await page.goBack();
  await page.click("#open-prefs");
  await page.click("#search");
  await page.keyboard.type("cookie pol");
  await waitReady(page);
  await page.keyboard.type("icy");
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue("#search"), "cookie policy", "the tool did not open over the field");
  assert.equal(await dialog(page).count(), 0);
  await context.close();
});

test("without WebAssembly: nothing gated runs, one console.error, and an opener's own href is followed", async () => {
  const { context, page } = await openPage(env);
  await context.addInitScript(() => { delete window.WebAssembly; });
  await hostPage(env, page, {
    body: GATED_PAIR + '<a href="/fixtures/plain.html" id="policy" data-kloudconsent-open>Cookie settings</a>',
  });
  await page.waitForFunction(() => document.readyState === "complete");
  await until(() => widgetLogs(page, "error").length > 0, 10000);
  await page.waitForTimeout(300);
  const errors = widgetLogs(page, "error");
  assert.equal(errors.length, 1, String(errors));
  assert.match(errors[0], /could not start.*nothing gated will run/);
  assert.deepEqual(await gatedRuns(page), []);
  await Promise.all([page.waitForURL("**/fixtures/plain.html"), page.click("#policy")]);
  await context.close();
});

test("Astro's view transitions, which run every script not marked as run, do not run a released script twice", async () => {
  const { context, page } = await openPage(env);
  // What Astro's router does after swapping in a page (astro/src/transitions/router.ts, runScripts).
  const runScripts = () => {
    for (const script of document.getElementsByTagName("script")) {
      if (script.dataset.astroExec === "") continue;
      const type = script.getAttribute("type");
      if (type && type !== "module" && type !== "text/javascript") continue;
      const copy = document.createElement("script");
      copy.innerHTML = script.innerHTML;
      for (const a of script.attributes) copy.setAttribute(a.name, a.value);
      copy.dataset.astroExec = "";
      script.replaceWith(copy);
    }
  };
  await hostPage(env, page, {
    body: '<script type="text/plain" data-consent="analytics">(window.__gatedRuns = window.__gatedRuns || []).push("inline")</script>',
  });
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  await page.evaluate(`(${runScripts})()`);
  await page.waitForTimeout(200);
  assert.deepEqual(await gatedRuns(page), ["inline"]);
  await context.close();
});
