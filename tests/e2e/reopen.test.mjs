// The reopen button (`reopenButton`, docs/languages.md "Reopen button"): off
// by default; once a decision exists, a small floating button that opens
// the preference tool, reachable with Tab, hidden while the banner or the
// tool is up (focus comes back to it when the tool closes), in the corner
// or on the side the site chose, so it stays off the page's own controls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, banner, dialog, button, hostPage, consentCookie, ENGINE } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const VIEWPORT_META = `<meta name="viewport" content="width=device-width, initial-scale=1">`;
const reopen = (page) => page.getByRole("button", { name: "Cookie settings", exact: true });
/** Whether the focused element is the reopen button (inside the shadow root). */
const reopenFocused = (page) => page.evaluate(() =>
  !!document.querySelector("kloud-consent")?.shadowRoot.activeElement?.matches(".kc-reopen"));

async function decided(context) {
  await context.addCookies([{
    name: "kloudconsent", url: env.server.url,
    value: consentCookie({ granted: "necessary.security", denied: "analytics.functionality.marketing", method: "r" }),
  }]);
}

test("off by default: a returning visitor gets no button and no widget element", async () => {
  const { context, page } = await openPage(env);
  await decided(context);
  await hostPage(env, page, { config: {} });
  await waitReady(page);
  await page.waitForTimeout(300);
  assert.equal(await page.locator("kloud-consent").count(), 0);
  await context.close();
});

test("it appears once a decision exists, not while the banner is up", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { config: { reopenButton: true } });
  await waitReady(page);
  await banner(page).waitFor();
  assert.equal(await reopen(page).isVisible(), false, "hidden while the banner asks");
  await button(banner(page), "Reject all").click();
  await reopen(page).waitFor();
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("under a privacy signal (no banner) it is there at once, so a page with no link to the tool still offers it; a choice made there is stored", async () => {
  const { context, page } = await openPage(env);
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
  await hostPage(env, page, { config: { reopenButton: true } });
  await waitReady(page);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "signal");
  await reopen(page).waitFor();
  assert.equal(await banner(page).count(), 0, "the signal answers: no banner");
  await reopen(page).click();
  const tool = dialog(page);
  await tool.getByRole("switch", { name: "Performance and analytics" }).waitFor();
  // Closed without choosing: the signal still answers, the button is back.
  await page.keyboard.press("Escape");
  await tool.waitFor({ state: "detached" });
  await reopen(page).waitFor();
  assert.ok(await reopenFocused(page), "focus is back on the button");
  await reopen(page).click();
  await tool.getByRole("switch", { name: "Performance and analytics" }).click();
  await button(tool, "Save preferences").click();
  await tool.waitFor({ state: "detached" });
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "custom");
  assert.equal(state.categories.analytics, true, "the explicit choice wins over the signal");
  await reopen(page).waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("under a privacy signal, reset() asks with the banner; hide() then leaves the button, not nothing", async () => {
  const { context, page } = await openPage(env);
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
  await hostPage(env, page, { config: { reopenButton: true } });
  await waitReady(page);
  await reopen(page).waitFor();
  await page.evaluate(() => window.kloudconsent.reset());
  await banner(page).waitFor();
  assert.equal(await reopen(page).isVisible(), false);
  await page.evaluate(() => window.kloudconsent.hide());
  await reopen(page).waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("keyboard: Tab reaches it, Enter opens the tool (the button hides), closing the tool focuses it again", async () => {
  const { context, page } = await openPage(env);
  await decided(context);
  await hostPage(env, page, { config: { reopenButton: { position: "bottom-right" } } });
  await waitReady(page);
  await reopen(page).waitFor();
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await reopenFocused(page);
  }
  assert.ok(reached, "Tab reaches the button");
  await page.keyboard.press("Enter");
  await dialog(page).getByRole("switch").first().waitFor();
  assert.equal(await reopen(page).isVisible(), false, "hidden while the tool is open");
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  await reopen(page).waitFor();
  assert.ok(await reopenFocused(page), "focus is back on the button");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("after Accept all on a short phone page with embeds it stays on the screen (Firefox then counts <body> as focused)", async () => {
  const { context, page } = await openPage(env, { viewport: { width: 320, height: 568 } });
  await hostPage(env, page, {
    config: { reopenButton: true }, head: VIEWPORT_META,
    body: `<style>body { margin: 0 }</style><p>Embeds:</p>
<iframe data-consent="marketing" data-src="/fixtures/marketing/frame.html" width="320" height="180"></iframe><br>
<iframe data-consent="marketing" data-src="/fixtures/marketing/frame.html" width="200" height="120"></iframe>`,
  });
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await reopen(page).waitFor();
  await page.waitForTimeout(300);
  const [box, height] = await page.evaluate(() => {
    const r = document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-reopen").getBoundingClientRect();
    return [{ top: r.top, bottom: r.bottom }, document.documentElement.clientHeight];
  });
  assert.ok(box.top >= 0 && box.bottom <= height, `inside the screen: ${JSON.stringify(box)} of ${height}`);
  await context.close();
});

test("a returning visitor sees it at once; its label is configurable", async () => {
  const { context, page } = await openPage(env);
  await decided(context);
  await hostPage(env, page, { config: { reopenButton: { label: "Privacy choices" } } });
  await waitReady(page);
  await page.getByRole("button", { name: "Privacy choices", exact: true }).click();
  await dialog(page).getByRole("switch").first().waitFor();
  await context.close();
});

test("its label follows the language (a built-in translation)", async () => {
  const { context, page } = await openPage(env);
  await decided(context);
  await hostPage(env, page, { config: { language: "de", reopenButton: true } });
  await waitReady(page);
  await page.getByRole("button", { name: "Cookie-Einstellungen", exact: true }).waitFor();
  await context.close();
});

test("position: each setting puts it in its place on a 360 px phone, inside the screen and 44 px square", async () => {
  const W = 360, H = 740;
  for (const position of ["bottom-left", "bottom-right", "left", "right"]) {
    const { context, page } = await openPage(env, { viewport: { width: W, height: H }, isMobile: true, hasTouch: true });
    await decided(context);
    await hostPage(env, page, { head: VIEWPORT_META, config: { reopenButton: { position } } });
    await waitReady(page);
    const box = await reopen(page).boundingBox();
    assert.ok(box, position);
    assert.equal(Math.round(box.width), 44, position);
    assert.equal(Math.round(box.height), 44, position);
    const left = position.endsWith("left");
    assert.ok(left ? box.x <= 16 : W - (box.x + box.width) <= 16, `${position}: on its side (${JSON.stringify(box)})`);
    assert.ok(box.x >= 0 && box.x + box.width <= W, `${position}: inside the screen`);
    const middle = box.y + box.height / 2;
    if (position.startsWith("bottom")) assert.ok(H - (box.y + box.height) <= 16, `${position}: at the bottom`);
    else assert.ok(Math.abs(middle - H / 2) <= 2, `${position}: halfway up (${middle})`);
    // A tap at its centre reaches it (nothing of the widget's covers it);
    // a click where Playwright's Firefox has no touch screen.
    const pointer = ENGINE === "firefox" ? page.mouse.click.bind(page.mouse) : page.touchscreen.tap.bind(page.touchscreen);
    await pointer(box.x + box.width / 2, box.y + box.height / 2);
    await dialog(page).getByRole("switch").first().waitFor();
    await context.close();
  }
});
