// Host pages that load libraries which replace or extend JavaScript's and the
// DOM's globals, as many older sites still do: MooTools (Joomla 3 ships it)
// replaces the global `Document` and gives every element a `load()` that
// fetches the page again and runs each of its scripts; Prototype.js gives
// arrays a `toJSON` that returns a string and a `find` that needs `this.each`.
// The stand-ins below do exactly what those libraries' code does to the
// globals the widget touches (their sources are not on npm as browser builds).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, gatedRuns, banner, dialog, button, widgetLogs, toolShown } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** MooTools 1.3–1.6: Browser.js and Element.js, as far as they touch what the widget uses. */
const MOOTOOLS = `<script>
// Browser.js: this.Document = document.$constructor = new Type("Document", function(){});
window.Document = document.$constructor = function () {};
Document.prototype.$family = function () { return "document"; };
// Element.js: Element.implement({load: ...}): a Request.HTML GET of the page whose
// answer is written into the element, evaluating every <script> in it, whatever its type.
Element.prototype.load = function () {
  window.__mooLoads = (window.__mooLoads || 0) + 1;
  document.querySelectorAll("script:not([src])").forEach(function (s) {
    try { (0, eval)(s.text); } catch (e) {}
  });
};
</script>`;

/** Prototype.js 1.6.1 (Array#toJSON) and 1.6–1.7.3 (Enumerable#find as Array#find). */
const PROTOTYPE = `<script>
Array.prototype.each = Array.prototype.forEach;
Array.prototype.toJSON = function () {
  return "[" + Array.prototype.map.call(this, function (v) { return JSON.stringify(v); }).join(", ") + "]";
};
Array.prototype.find = function (iterator) {
  var found;
  this.each(function (v, i) { if (found === undefined && iterator(v, i)) found = v; });
  return found;
};
</script>`;

const GATED = `<script>window.__gatedRuns = window.__gatedRuns || [];</script>
<script type="text/plain" data-consent="analytics">window.__gatedRuns.push("analytics");</script>
<script type="text/plain" data-consent="marketing">window.__gatedRuns.push("marketing");</script>`;

/**
 * A host page with `lib` before the widget's tag (the tag deferred) or after
 * it (the tag synchronous, as marketers.md asks for Consent Mode).
 */
let pages = 0;
async function libPage(page, { lib, where, body = GATED, config }) {
  const url = `${env.server.url}/fixtures/libraries-${++pages}.html`;
  const inline = config ? `<script type="application/json" id="kloudconsent-config">${JSON.stringify(config)}</script>` : "";
  const tag = where === "before" ? `<script src="/kloudconsent.js" defer></script>` : `<script src="/kloudconsent.js"></script>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>library host</title>
${where === "before" ? lib : ""}${inline}${tag}${where === "after" ? lib : ""}</head>
<body><h1>A page with a library</h1><p><a href="#" data-kloudconsent-open>Manage Cookie Preferences</a></p>
${body}</body></html>`;
  await page.context().route(url, (route) => route.fulfill({ body: html, contentType: "text/html; charset=utf-8" }));
  await page.goto(url);
  return url;
}

for (const where of ["before", "after"]) {
  test(`MooTools ${where} the widget's tag (the global Document replaced): banner, tool, decisions and the reopen link work`, async () => {
    const { context, page } = await openPage(env);
    await libPage(page, { lib: MOOTOOLS, where });
    await waitReady(page);
    await banner(page).waitFor();
    assert.deepEqual(await gatedRuns(page), [], "nothing gated before a choice");
    await button(banner(page), "Manage preferences").click();
    await toolShown(page);
    await dialog(page).getByRole("switch", { name: "Performance and analytics" }).click();
    await button(dialog(page), "Save preferences").click();
    await dialog(page).waitFor({ state: "hidden" });
    assert.deepEqual(await gatedRuns(page), ["analytics"]);
    // A returning visit: the page's link opens the tool again.
    await page.reload();
    await waitReady(page);
    assert.deepEqual(await gatedRuns(page), ["analytics"]);
    await page.getByRole("link", { name: "Manage Cookie Preferences" }).click();
    await toolShown(page);
    assert.equal(await page.evaluate(() => typeof window.kloudconsent.get().categories), "object");
    assert.deepEqual(page.errors, []);
    assert.deepEqual(widgetLogs(page), []);
    await context.close();
  });
}

test("MooTools' Element#load (it runs the page's scripts again) is never called on an embed: Allow once on a picture's image, taking back an iframe", async () => {
  const { context, page } = await openPage(env);
  const body = `${GATED}
<picture><source data-srcset="/fixtures/marketing/pixel.svg" type="image/svg+xml">
<img data-consent="analytics" data-src="/fixtures/marketing/pixel.svg" alt="A chart" width="300" height="200"></picture>
<iframe data-consent="analytics" data-src="/fixtures/marketing/frame.html" title="A map" width="300" height="200"></iframe>`;
  await libPage(page, { lib: MOOTOOLS, where: "after", body });
  await waitReady(page);
  await page.getByRole("button", { name: "Allow once" }).first().click();
  await page.waitForFunction(() => document.querySelector("img[data-consent]").getAttribute("src"));
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null, "Allow once decides nothing");
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => document.querySelector("iframe[data-consent]").getAttribute("src"));
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await page.waitForFunction(() => !document.querySelector("iframe[data-consent]").getAttribute("src"));
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__mooLoads || 0), 0, "no element's load() but a media element's own");
  assert.deepEqual(await gatedRuns(page), ["analytics", "marketing"], "each ran once, on Accept all, and never again");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Prototype.js 1.6 (Array#toJSON): a receipt the service could not take is kept as the widget wrote it and sent again", async () => {
  const got = [];
  let status = 503;
  env.server.routes.set("/__receipts-prototype", async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    got.push(text);
    res.writeHead(status, { "access-control-allow-origin": req.headers.origin || "*" });
    res.end();
  });
  const { context, page } = await openPage(env);
  await libPage(page, { lib: PROTOTYPE, where: "before", config: { receiptUrl: `${env.server.url}/__receipts-prototype` } });
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => localStorage.getItem("kloudconsent-receipts"));
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem("kloudconsent-receipts")));
  assert.ok(Array.isArray(kept) && Array.isArray(kept[0]) && typeof kept[0][1] === "string", JSON.stringify(kept));
  // The receipt is kept before it is sent; the warning comes with the 503.
  const warned = () => page.logs.some((l) => l.includes("it is kept and sent again"));
  for (let i = 0; i < 50 && !warned(); i++) await page.waitForTimeout(100);
  assert.ok(warned(), page.logs.join("\n"));
  status = 201;
  await page.reload();
  await waitReady(page);
  await page.waitForFunction(() => localStorage.getItem("kloudconsent-receipts") === null);
  assert.equal(got.length, 2);
  assert.equal(got[1], got[0], "the same receipt, sent again");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Prototype.js (Array#find needs this.each): scrolling the preference tool throws nothing", async () => {
  const { context, page } = await openPage(env, { viewport: { width: 390, height: 500 } });
  await libPage(page, { lib: PROTOTYPE, where: "before" });
  await waitReady(page);
  await button(banner(page), "Manage preferences").click();
  await toolShown(page);
  await page.evaluate(() => { document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-dialog-scroll").scrollTop = 200; });
  await page.waitForTimeout(300);
  assert.ok(await page.evaluate(() => document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-dialog-scroll").scrollTop) > 0,
    "the list scrolled");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a page (or an extension's script) that wraps createElement on HTMLDocument.prototype: the widget starts, draws and gates as usual", async () => {
  const { context, page } = await openPage(env);
  await libPage(page, {
    where: "before",
    lib: `<script>HTMLDocument.prototype.createElement = function (t, o) { return Document.prototype.createElement.call(this, t, o); };</script>`,
  });
  await waitReady(page);
  await button(banner(page), "Manage preferences").click();
  await toolShown(page);
  await button(dialog(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  assert.deepEqual(await gatedRuns(page), ["analytics", "marketing"]);
  assert.deepEqual(page.errors, []);
  await context.close();
});
