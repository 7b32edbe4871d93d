// WebKit and the page's own top layer (tests/e2e/top-layer.test.mjs has the
// full set in Chromium and Firefox): a fullscreen player, where WebKit's
// dialog could not take focus until fullscreen had ended, and a modal menu
// in a page component's shadow root. Real pointer clicks and keys.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, hostPage, open, clear, setCookies, js, until, press, Key, consentCookie, focusedSoon,
  toolShown, toolGone, pageErrors, resizeWindow } from "./webkit.mjs";

let env;
before(async () => {
  env = await launch();
  await resizeWindow(env.driver, 1280, 720);
});
after(async () => { await env?.close(); });

/** A page with `body` and a stored decision (analytics granted). */
async function pageWith(body) {
  await clear(env);
  await setCookies(env, ["kloudconsent=" + consentCookie({ granted: "necessary.analytics.security", denied: "functionality.marketing" }) + "; path=/"]);
  await open(env, hostPage(env, { body }));
}

/** Clicks at the centre of `path` ("host >> inner" reaches into an open shadow root), with a real pointer. */
async function click(path) {
  const d = env.driver;
  const xy = await js(d, (path) => {
    const [outer, inner] = path.split(" >> ");
    let el = document.querySelector(outer);
    if (inner) el = el.shadowRoot.querySelector(inner);
    const r = el.getBoundingClientRect();
    return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
  }, path);
  await d.actions().move({ x: xy[0], y: xy[1], origin: "viewport" }).click().perform();
}

/** The focused element's id, inside shadow roots too. */
const deepFocus = () => js(env.driver, () => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el && (el.id || el.localName);
});

test("WebKit: a link in a fullscreen video player ends fullscreen; focus goes into the tool, and Escape gives it back to the link", async () => {
  const d = env.driver;
  await pageWith(`<div id="player" style="background:#000;padding:40px">
    <button id="full" onclick="document.getElementById('player').requestFullscreen()">Full screen</button>
    <a href="#" id="in-player" data-kloudconsent-open>Cookie settings</a></div>`);
  await click("#full");
  await until(d, () => document.fullscreenElement?.id === "player", "fullscreen");
  await click("#in-player");
  await toolShown(d);
  await until(d, () => !document.fullscreenElement, "fullscreen to end");
  assert.equal(await focusedSoon(d, "dialog"), "dialog", "focus in the tool");
  await press(d, Key.ESCAPE);
  await toolGone(d);
  assert.equal(await deepFocus(), "in-player");
  assert.deepEqual(await pageErrors(d), []);
});

test("WebKit: a link in a modal menu inside a page component's shadow root closes the menu; focus comes back to the component's menu button", async () => {
  const d = env.driver;
  await pageWith(`<x-nav></x-nav><script>
    customElements.define("x-nav", class extends HTMLElement { connectedCallback() {
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML = '<button id="menu-button">Menu</button>' +
        '<dialog id="menu"><a href="#" id="in-menu" data-kloudconsent-open>Cookie settings</a></dialog>';
      root.getElementById("menu-button").onclick = () => root.getElementById("menu").showModal();
    } });</script>`);
  await click("x-nav >> #menu-button");
  await until(d, () => document.querySelector("x-nav").shadowRoot.getElementById("menu").open, "the menu");
  await click("x-nav >> #in-menu");
  await toolShown(d);
  assert.equal(await js(d, () => document.querySelector("x-nav").shadowRoot.getElementById("menu").open), false);
  await press(d, Key.ESCAPE);
  await toolGone(d);
  assert.equal(await deepFocus(), "menu-button");
  assert.deepEqual(await pageErrors(d), []);
});
