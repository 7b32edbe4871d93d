// The page's own top layer: a modal <dialog> or a popover sits above the
// widget whatever its z-index, and a modal one makes the rest of the page
// (the widget included) inert. An opener inside one, or a show() called
// from inside one, must not open the tool out of reach (stop 51's reviews);
// nor a fullscreen element, nor a menu in a page component's shadow root (stop 52's).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, button, hostPage, focusedId as focused, storeDecision } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** A stored decision (analytics granted) in the context's cookie. */
const decided = (context) => storeDecision(context, env.server.url);


/** The widget's dialog (the page's own may be open too). */
const tool = (page) => page.locator("kloud-consent").getByRole("dialog");

/**
 * Opens a page with `body`, clicks each of `clicks` in turn, then uses the
 * tool (its analytics switch, then Save preferences) and says where focus
 * went and which of `watch`'s elements are still open.
 */
async function useToolFrom(body, clicks, watch) {
  const { context, page } = await openPage(env);
  await decided(context);
  await hostPage(env, page, { body });
  await waitReady(page);
  for (const c of clicks) await page.click(c);
  await tool(page).getByRole("switch", { name: "Performance and analytics" }).click({ timeout: 5000 });
  const open = await page.evaluate((ids) => ids.filter((id) => {
    const el = document.getElementById(id);
    return el.open || el.matches(":popover-open");
  }), watch);
  await button(tool(page), "Save preferences").click();
  await tool(page).waitFor({ state: "detached" });
  const result = { open, focus: await focused(page), analytics: (await page.evaluate(() => window.kloudconsent.get())).categories.analytics };
  assert.deepEqual(page.errors, []);
  await context.close();
  return result;
}

const MENU = `<button id="menu-button" onclick="document.getElementById('menu').showModal()">Menu</button>
  <dialog id="menu"><a href="#" id="in-menu" data-kloudconsent-open>Cookie settings</a>
  <button id="show-in-menu" onclick="kloudconsent.show()">Privacy settings</button></dialog>`;

for (const [how, opener] of [["link", "#in-menu"], ["show()", "#show-in-menu"]]) {
  test(`an opener in the page's modal <dialog> menu (${how}): the menu closes, the tool works, focus returns to the menu's button`, async () => {
    assert.deepEqual(await useToolFrom(MENU, ["#menu-button", opener], ["menu"]),
      { open: [], focus: "menu-button", analytics: false });
  });
}

test("a submenu's modal opened from a menu's modal, side by side: both close, focus returns to the first menu's button", async () => {
  const body = `<button id="menu-button" onclick="document.getElementById('a').showModal()">Menu</button>
    <dialog id="a"><button id="more" onclick="document.getElementById('b').showModal()">More</button></dialog>
    <dialog id="b"><a href="#" id="in-b" data-kloudconsent-open>Cookie settings</a></dialog>`;
  assert.deepEqual(await useToolFrom(body, ["#menu-button", "#more", "#in-b"], ["a", "b"]),
    { open: [], focus: "menu-button", analytics: false });
});

// A manual popover hands focus back to nothing (Chromium, Firefox): focus
// then goes to the page, whose next Tab starts at its top.
for (const [kind, back] of [["auto", "menu-button"], ["manual", "body"]]) {
  test(`an opener in a popover="${kind}" menu: the popover closes, focus returns to ${back}`, async () => {
    const body = `<button id="menu-button" popovertarget="pop">Menu</button>
      <div id="pop" popover="${kind}"><a href="#" id="in-pop" data-kloudconsent-open>Cookie settings</a></div>`;
    assert.deepEqual(await useToolFrom(body, ["#menu-button", "#in-pop"], ["pop"]),
      { open: [], focus: back, analytics: false });
  });
}

test("a non-modal <dialog> stays open: focus returns to its link", async () => {
  const body = `<dialog id="panel" open><a href="#" id="in-panel" data-kloudconsent-open>Cookie settings</a></dialog>`;
  assert.deepEqual(await useToolFrom(body, ["#in-panel"], ["panel"]),
    { open: ["panel"], focus: "in-panel", analytics: false });
});

test("an opener in a modal <dialog> inside a page component's shadow root: the menu closes, focus returns to the component's menu button", async () => {
  const body = `<x-nav></x-nav><script>
    customElements.define("x-nav", class extends HTMLElement { connectedCallback() {
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML = '<button id="menu-button">Menu</button>' +
        '<dialog id="menu"><a href="#" id="in-menu" data-kloudconsent-open>Cookie settings</a></dialog>';
      root.getElementById("menu-button").onclick = () => root.getElementById("menu").showModal();
    } });</script>`;
  assert.deepEqual(await useToolFrom(body, ["#menu-button", "#in-menu"], []),
    { open: [], focus: "menu-button", analytics: false });
});

test("a page's modal opened while focus is on the banner, an opener in it: Escape in the tool gives focus back to the banner", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: `<dialog id="news"><a href="#" id="in-news" data-kloudconsent-open>Cookie settings</a></dialog>` });
  await waitReady(page);
  await button(page.locator("kloud-consent .kc-banner"), "Accept all").focus();
  await page.evaluate(() => document.getElementById("news").showModal());
  await page.click("#in-news");
  await tool(page).getByRole("switch").first().waitFor();
  await page.keyboard.press("Escape");
  await tool(page).waitFor({ state: "detached" });
  const where = await page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    return { inBanner: !!root.activeElement?.closest(".kc-banner"), newsOpen: document.getElementById("news").open };
  });
  assert.deepEqual(where, { inBanner: true, newsOpen: false });
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null, "nothing decided");
  assert.deepEqual(page.errors, []);
  await context.close();
});

const PLAYER = `<div id="player" style="background:#000;padding:40px">
  <button id="full" onclick="document.getElementById('player').requestFullscreen()">Full screen</button>
  <a href="#" id="in-player" data-kloudconsent-open>Cookie settings</a>
  <button id="show-in-player" onclick="kloudconsent.show()">Privacy settings</button></div>`;

for (const [how, opener] of [["link", "#in-player"], ["show()", "#show-in-player"]]) {
  test(`an opener in a fullscreen video player (${how}), the tool's module loaded or not: fullscreen ends, focus goes into the tool and back to the opener`, async () => {
    const { context, page } = await openPage(env);
    await decided(context);
    await hostPage(env, page, { body: PLAYER });
    await waitReady(page);
    for (const loaded of [false, true]) {
      // The second time the tool's module is there already: it opens at once,
      // while fullscreen is still ending.
      await page.click("#full");
      await page.waitForFunction(() => document.fullscreenElement?.id === "player");
      await page.click(opener);
      await tool(page).waitFor();
      await page.waitForFunction(() => !document.fullscreenElement);
      await page.waitForFunction(() => document.querySelector("kloud-consent").shadowRoot.activeElement,
        null, { timeout: 3000 }).catch(() => assert.fail(`focus is in the tool (module loaded: ${loaded})`));
      if (loaded) await tool(page).getByRole("switch", { name: "Performance and analytics" }).click({ timeout: 5000 });
      if (loaded) await button(tool(page), "Save preferences").click();
      else await page.keyboard.press("Escape");
      await tool(page).waitFor({ state: "detached" });
      assert.equal(await focused(page), opener.slice(1));
    }
    assert.equal((await page.evaluate(() => window.kloudconsent.get())).categories.analytics, false);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
