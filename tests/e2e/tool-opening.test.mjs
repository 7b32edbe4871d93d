// Opening the preference tool as visitors do it, beyond the lazy path itself
// (lazy-tool.test.mjs): an opener that is a wrapper round the focused link,
// a visitor who moves on while the tool loads from the banner, the loading
// text in the banner's live region, and another tab forgetting the decision
// (reset) or clearing localStorage (a site's logout) while the tool is open.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, banner, dialog, button, hostPage, chromiumOnly, focusedId as focused, storeDecision } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** Holds the tool's script until the returned function is called. */
async function holdTool(page) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/kloudconsent-tool.js", async (route) => { await held; await route.continue(); });
  return () => release();
}

/** A stored decision (analytics granted) in the context's cookie. */
const decided = (context) => storeDecision(context, env.server.url);


test("a wrapper opener (<li data-kloudconsent-open> round a link): closing the tool puts focus back on the link", async () => {
  const { context, page } = await openPage(env);
  await decided(context);
  await hostPage(env, page, {
    body: `<nav><ul><li data-kloudconsent-open><a href="#" id="inner">Cookie settings</a></li></ul></nav>
      <p><a href="#next" id="next">Next link</a></p>`,
  });
  await waitReady(page);
  await page.focus("#inner");
  await page.keyboard.press("Enter");
  await dialog(page).getByRole("switch").first().waitFor();
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "inner", "focus is back where the visitor was");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "next", "and Tab goes on from there");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("moving on while the tool loads from the banner: it never opens over the page or takes focus later", async () => {
  const { context, page } = await openPage(env);
  const release = await holdTool(page);
  await hostPage(env, page, { body: `<label>Search <input id="q"></label>` });
  await waitReady(page);
  const manage = button(banner(page), "Manage preferences");
  await manage.click();
  assert.equal(await manage.getAttribute("aria-busy"), "true");
  await page.click("#q");
  await page.keyboard.type("hello");
  assert.equal(await manage.getAttribute("aria-busy"), null, "no longer busy");
  release();
  await page.waitForFunction(() => performance.getEntriesByType("resource")
    .some((e) => e.name.endsWith("kloudconsent-tool_bg.wasm")));
  await page.waitForTimeout(500);
  await page.keyboard.type(" world");
  assert.equal(await page.inputValue("#q"), "hello world", "every key reached the field");
  assert.equal(await dialog(page).count(), 0, "no tool popped up");
  assert.equal(await banner(page).count(), 1, "the banner still asks");
  // Manage preferences then opens the tool, which has arrived, at once.
  await manage.click();
  await dialog(page).getByRole("switch").first().waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a press on the page's text while the tool loads from the banner (no focus moves, as in Safari) also drops the open", async () => {
  const { context, page } = await openPage(env);
  const release = await holdTool(page);
  await hostPage(env, page, { body: `<p id="text">Some article text to read.</p>` });
  await waitReady(page);
  const manage = button(banner(page), "Manage preferences");
  await manage.click();
  assert.equal(await manage.getAttribute("aria-busy"), "true");
  await page.click("#text");
  assert.equal(await manage.getAttribute("aria-busy"), null);
  release();
  await page.waitForFunction(() => performance.getEntriesByType("resource")
    .some((e) => e.name.endsWith("kloudconsent-tool_bg.wasm")));
  await page.waitForTimeout(500);
  assert.equal(await dialog(page).count(), 0, "no tool popped up");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Escape on the busy banner drops the open; the banner's live region says the tool is loading meanwhile", async () => {
  const { context, page } = await openPage(env);
  const release = await holdTool(page);
  await hostPage(env, page, {});
  await waitReady(page);
  const manage = button(banner(page), "Manage preferences");
  await manage.focus();
  await page.keyboard.press("Enter");
  // aria-busy alone is not spoken by many screen readers: the status says it.
  await assert.doesNotReject(banner(page).getByRole("status")
    .filter({ hasText: "Loading your cookie preferences" }).waitFor());
  await page.keyboard.press("Escape");
  assert.equal(await manage.getAttribute("aria-busy"), null);
  assert.equal((await banner(page).locator(".kc-status").textContent()).trim(), "", "the status is empty again");
  release();
  await page.waitForFunction(() => performance.getEntriesByType("resource")
    .some((e) => e.name.endsWith("kloudconsent-tool_bg.wasm")));
  await page.waitForTimeout(500);
  assert.equal(await dialog(page).count(), 0, "no tool popped up");
  assert.equal(await manage.evaluate((b) => b.matches(":focus")), true, "focus stays on Manage preferences");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("another tab's reset() while the tool is open: closing it brings the banner back", async () => {
  const { context, page } = await openPage(env);
  await decided(context);
  const url = await hostPage(env, page, {});
  await waitReady(page);
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => window.kloudconsent && window.kloudconsent.get() !== null);
  await page.click("#open-prefs");
  await dialog(page).getByRole("switch").first().waitFor();
  await other.evaluate(() => window.kloudconsent.reset());
  await page.waitForFunction(() => window.kloudconsent.get() === null);
  await page.bringToFront();
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  await banner(page).waitFor();
  assert.equal(await page.evaluate(() => document.querySelectorAll("[inert]").length), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Another tab's decision or reset() adds or removes the consent-id line at
// the end of the open tool's list. Yew matches unkeyed children from the
// end, so that redrew the intro and the list, and focus on the intro's
// Cookie Policy link fell to <body> (found by a randomised review).
test("another tab deciding or resetting while the tool is open leaves focus where the visitor had it", async () => {
  const { context, page } = await openPage(env);
  const url = await hostPage(env, page, {});
  await waitReady(page);
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => window.kloudconsent && typeof window.kloudconsent.get === "function");
  await page.bringToFront();
  await page.click("#open-prefs");
  await dialog(page).getByRole("switch").first().waitFor();
  const policy = dialog(page).getByRole("link", { name: "Cookie Policy" });
  await policy.focus();
  const onPolicy = () => page.evaluate(() => document.querySelector("kloud-consent").shadowRoot.activeElement?.textContent);
  for (const change of ["acceptAll", "reset"]) {
    await other.evaluate((change) => window.kloudconsent[change](), change);
    await page.waitForFunction((decided) => (window.kloudconsent.get() !== null) === decided, change === "acceptAll");
    await page.waitForFunction(() => !!document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-receipt") === (window.kloudconsent.get() !== null));
    assert.equal(await onPolicy(), "Cookie Policy", `after the other tab's ${change}()`);
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("another tab clearing localStorage (a site's logout) leaves the decision in force: the cookie still holds it", async () => {
  const { context, page } = await openPage(env);
  const url = await hostPage(env, page, {});
  await waitReady(page);
  await button(banner(page), "Manage preferences").click();
  const analytics = dialog(page).getByRole("switch", { name: "Performance and analytics" });
  await analytics.click();
  await button(dialog(page), "Save preferences").click();
  await dialog(page).waitFor({ state: "detached" });
  const before = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(before.categories.analytics, true);
  // Reopened, with an unsaved change.
  await page.click("#open-prefs");
  const marketing = dialog(page).getByRole("switch", { name: "Marketing and communication" });
  await marketing.click();
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => window.kloudconsent && window.kloudconsent.get() !== null);
  const events = await page.evaluate(() => {
    window.__changes = 0;
    window.addEventListener("kloudconsent:change", () => { window.__changes++; });
  });
  assert.equal(events, undefined);
  await other.evaluate(() => { localStorage.clear(); });
  await other.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  await page.bringToFront();
  assert.deepEqual(await page.evaluate(() => window.kloudconsent.get()), before, "still decided");
  assert.equal(await page.evaluate(() => window.__changes), 0, "nothing changed");
  assert.equal(await marketing.getAttribute("aria-checked") ?? String(await marketing.isChecked()), "true",
    "the visitor's unsaved switch is kept");
  assert.equal(await banner(page).count(), 0);
  await button(dialog(page), "Save preferences").click();
  const saved = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(saved.categories.analytics, true);
  assert.equal(saved.categories.marketing, true);
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Yew never removes the listeners an app puts on its root element: an app
// per opening left a detached <div>, 4 listeners and about 1 KB of the
// tool's wasm memory behind on every close (600 openings: 2,400 listeners,
// 0.7 MB). The tool now keeps one app for the page's life. Counted with
// the DevTools protocol after a garbage collection, holding no handles.
test("opening and closing the tool 30 times leaves no detached elements behind, and each opening starts fresh", chromiumOnly("counts detached elements through Chromium's DevTools protocol"), async () => {
  const { context, page } = await openPage(env);
  await decided(context);
  await hostPage(env, page, {});
  await waitReady(page);
  const cdp = await context.newCDPSession(page);
  const census = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const { result: proto } = await cdp.send("Runtime.evaluate", { expression: "HTMLDivElement.prototype" });
    const { objects } = await cdp.send("Runtime.queryObjects", { prototypeObjectId: proto.objectId });
    const { result } = await cdp.send("Runtime.callFunctionOn", {
      objectId: objects.objectId, returnByValue: true,
      functionDeclaration: "function () { return this.filter((d) => !d.isConnected).length; }",
    });
    await cdp.send("Runtime.releaseObjectGroup", { objectGroup: "" }).catch(() => {});
    return result.value;
  };
  const cycle = () => page.evaluate(async () => {
    const root = () => document.querySelector("kloud-consent").shadowRoot;
    const until = (f) => new Promise((r) => { const t = () => (f() ? r() : requestAnimationFrame(t)); t(); });
    window.kloudconsent.show();
    await until(() => root().querySelector("[role=dialog] [role=switch]"));
    window.kloudconsent.hide();
    await until(() => !root().querySelector("[role=dialog]"));
  });
  await cycle(); // the tool's module, loaded once
  await cycle();
  const before = await census();
  for (let i = 0; i < 30; i++) await cycle();
  const after = await census();
  // The last closed dialogs may still be held for a moment (at either
  // census; on 2026-12-07 runs of this test alone left 11 divs over 9 on
  // the builds before and after that day's changes alike): a leak would be
  // 30 dialogs' worth, not two.
  const perDialog = await page.evaluate(async () => {
    window.kloudconsent.show();
    const root = document.querySelector("kloud-consent").shadowRoot;
    await new Promise((r) => { const t = () => (root.querySelector("[role=dialog] [role=switch]") ? r() : requestAnimationFrame(t)); t(); });
    const n = root.querySelector("[role=dialog]").querySelectorAll("div").length + 1;
    window.kloudconsent.hide();
    return n;
  });
  assert.ok(after - before <= 2 * perDialog,
    `detached <div>s: ${before} before, ${after} after 30 openings (one dialog has ${perDialog})`);
  // Each opening starts from the stored decision, not from what the last one left.
  await page.evaluate(() => window.kloudconsent.show());
  const d = dialog(page);
  await d.getByRole("switch", { name: "Functionality" }).click();
  await d.locator("details.kc-cookies summary").first().click();
  await page.evaluate(() => window.kloudconsent.hide());
  await d.waitFor({ state: "detached" });
  await page.evaluate(() => window.kloudconsent.show());
  assert.equal(await d.getByRole("switch", { name: "Functionality" }).isChecked(), false, "the unsaved switch is gone");
  assert.equal(await d.locator("details.kc-cookies[open]").count(), 0, "the disclosures are closed again");
  assert.equal(await d.getByRole("switch", { name: "Performance and analytics" }).isChecked(), true);
  // The same when a page closes and opens it in one task (a router), before
  // the last opening was ever drawn closed: its dialog is drawn over, and
  // what the visitor left open or scrolled is put back.
  await d.getByRole("switch", { name: "Functionality" }).click();
  await d.locator("details.kc-cookies summary").first().click();
  await d.locator(".kc-dialog-scroll").evaluate((e) => { e.scrollTop = 300; });
  await page.evaluate(() => { window.kloudconsent.hide(); window.kloudconsent.show(); });
  await page.waitForTimeout(200);
  // The tool gives focus in an effect, which Yew may run a task later on a busy machine.
  await page.waitForFunction(() => document.querySelector("kloud-consent").shadowRoot.activeElement?.getAttribute("role") === "dialog",
    null, { timeout: 5000 }).catch(() => {});
  assert.equal(await d.getByRole("switch", { name: "Functionality" }).isChecked(), false, "hide();show(): the unsaved switch is gone");
  assert.equal(await d.locator("details.kc-cookies[open]").count(), 0, "hide();show(): the disclosures are closed");
  assert.equal(await d.locator(".kc-dialog-scroll").evaluate((e) => e.scrollTop), 0, "hide();show(): the list at the top");
  assert.equal(await page.evaluate(() => document.querySelector("kloud-consent").shadowRoot.activeElement?.getAttribute("role")),
    "dialog", "hide();show(): focus on the dialog");
  assert.deepEqual(page.errors, []);
  await context.close();
});
