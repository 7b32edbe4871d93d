// The core end-to-end flows in a second engine: Firefox ESR through WebDriver
// (selenium-webdriver + geckodriver). First visit, accept, reject, custom
// save, reload, DNT/GPC and gating, against the same dist/ and server as the
// Chromium suite. The shadow root is reached with getShadowRoot().
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { By, Key } from "selenium-webdriver";
import { launch, startFirefox, js, button } from "./firefox.mjs";
import { focusedLinksSeen, shortScreenLinksSeen, swapBody } from "../e2e/focus-probe.mjs";

const PAGE = "/fixtures/recorded.html";

let env;
let server;
let driver;
before(async () => { ({ server, driver } = env = await launch()); });
after(async () => { await env?.close(); });

const gatedRuns = (d) => js(d, () => window.__gatedRuns || []);
const eventNames = (d) => js(d, () => window.__events.map((e) => e.name));
const errors = (d) => js(d, () => window.__errors);
const get = (d) => js(d, () => window.kloudconsent.get());

/** A clean origin: no cookies, no localStorage, then the page, ready. */
async function fresh(d = driver, path = PAGE) {
  await d.get(server.url + "/fixtures/plain.html");
  await d.manage().deleteAllCookies();
  await js(d, () => localStorage.clear());
  return open(d, path);
}

async function open(d, path = PAGE) {
  await d.get(server.url + path);
  await d.wait(() => js(d, () => window.__events.some((e) => e.name === "ready")), 15000, "ready");
  // Let Yew's deferred render and released scripts run.
  await d.sleep(150);
}

async function shadow(d) {
  const host = await d.findElement(By.css("kloud-consent"));
  return host.getShadowRoot();
}

async function bannerShown(d) {
  // No host element: the widget has shown nothing yet (it is built on first show).
  const hosts = await d.findElements(By.css("kloud-consent"));
  if (hosts.length === 0) return false;
  return (await (await hosts[0].getShadowRoot()).findElements(By.css(".kc-banner"))).length === 1;
}

const waitRuns = (d, n) => d.wait(async () => (await gatedRuns(d)).length >= n, 5000, `${n} gated runs`);

test("first visit: banner with three buttons and both links; nothing gated; ready(null)", async () => {
  await fresh();
  assert.ok(await bannerShown(driver));
  for (const name of ["Accept all", "Reject all", "Manage preferences"]) await button(driver, ".kc-banner", name);
  const root = await shadow(driver);
  const links = await root.findElements(By.css(".kc-banner a"));
  assert.deepEqual(await Promise.all(links.map((a) => a.getText())), ["Cookie Policy", "Privacy Policy"]);
  assert.equal(await get(driver), null);
  assert.deepEqual(await gatedRuns(driver), []);
  assert.deepEqual(await eventNames(driver), ["ready"]);
  assert.deepEqual(await errors(driver), []);
});

test("Accept all: both stores, each gated script once, change then consent; a reload keeps it", async () => {
  await fresh();
  await (await button(driver, ".kc-banner", "Accept all")).click();
  await waitRuns(driver, 2);
  assert.deepEqual(await gatedRuns(driver), ["analytics", "marketing"]);
  assert.equal(await bannerShown(driver), false);
  const state = await get(driver);
  assert.equal(state.method, "accept-all");
  assert.equal(JSON.parse(await js(driver, () => localStorage.getItem("kloudconsent"))).id, state.id);
  // On 127.0.0.1 the cookie has the contract's name (`__Host-` keeps no
  // one out on a loopback host), and Secure only on https.
  const cookie = await driver.manage().getCookie("kloudconsent");
  assert.ok(cookie.value.startsWith("1|1|") && cookie.value.includes(state.id));
  assert.equal(cookie.sameSite, "Lax");
  assert.equal(cookie.secure, false);
  assert.equal(cookie.path, "/");
  assert.deepEqual(await eventNames(driver), ["ready", "change", "consent"]);

  await open(driver);
  await waitRuns(driver, 2);
  assert.equal(await bannerShown(driver), false);
  assert.deepEqual(await gatedRuns(driver), ["analytics", "marketing"]);
  assert.deepEqual(await eventNames(driver), ["ready", "consent"]);
  assert.equal((await get(driver)).id, state.id);
  assert.deepEqual(await errors(driver), []);
});

test("Reject all: nothing gated, and a reload keeps it that way", async () => {
  await fresh();
  await (await button(driver, ".kc-banner", "Reject all")).click();
  await driver.wait(async () => (await get(driver)) !== null, 5000);
  assert.equal((await get(driver)).method, "reject-all");
  await open(driver);
  assert.equal(await bannerShown(driver), false);
  assert.deepEqual(await gatedRuns(driver), []);
  assert.equal(await js(driver, () => window.kloudconsent.accepted("analytics")), false);
  assert.equal(await js(driver, () => window.kloudconsent.accepted("security")), true);
  assert.deepEqual(await errors(driver), []);
});

test("custom save in the preference tool stores exactly the chosen categories; required stay on", async () => {
  await fresh();
  await (await button(driver, ".kc-banner", "Manage preferences")).click();
  const root = await shadow(driver);
  await driver.wait(async () => (await root.findElements(By.css("[role=dialog]"))).length === 1, 5000);
  const analytics = await root.findElement(By.css("#kc-switch-analytics"));
  assert.equal(await analytics.isSelected(), false);
  await analytics.click();
  assert.equal(await analytics.isSelected(), true);
  const necessary = await root.findElement(By.css("#kc-switch-necessary"));
  await driver.executeScript("arguments[0].click()", necessary);
  assert.equal(await necessary.isSelected(), true, "required stays on");
  await (await button(driver, "[role=dialog]", "Save preferences")).click();
  await waitRuns(driver, 1);
  await driver.sleep(200);
  assert.deepEqual(await gatedRuns(driver), ["analytics"]);
  const state = await get(driver);
  assert.equal(state.method, "custom");
  assert.deepEqual(state.categories, { necessary: true, analytics: true, functionality: false, security: true, marketing: false });
  const change = await js(driver, () => window.__events.find((e) => e.name === "change").detail.changed);
  assert.deepEqual(change, ["analytics"]);
  assert.equal(await bannerShown(driver), false);
  assert.deepEqual(await errors(driver), []);
});

test("gating: a gated script added after the decision runs; an unknown category never runs", async () => {
  await fresh();
  await (await button(driver, ".kc-banner", "Accept all")).click();
  await waitRuns(driver, 2);
  await js(driver, () => {
    for (const [gate, name] of [["analytics", "late"], ["nonsense", "unknown"]]) {
      const s = document.createElement("script");
      s.type = "text/plain";
      s.dataset.consent = gate;
      s.textContent = `window.__gatedRuns.push(${JSON.stringify(name)})`;
      document.body.appendChild(s);
    }
  });
  await waitRuns(driver, 3);
  await driver.sleep(200);
  assert.deepEqual(await gatedRuns(driver), ["analytics", "marketing", "late"]);
  assert.deepEqual(await errors(driver), []);
});

test("Global Privacy Control / Do Not Track: no banner, method signal, nothing gated; an explicit choice wins", async () => {
  const d = await startFirefox({
    "privacy.globalprivacycontrol.enabled": true,
    "privacy.donottrackheader.enabled": true,
  });
  try {
    await fresh(d);
    const signals = await js(d, () => [navigator.globalPrivacyControl, navigator.doNotTrack]);
    assert.ok(signals[0] === true || signals[1] === "1", `a signal is on: ${JSON.stringify(signals)}`);
    assert.equal(await bannerShown(d), false);
    assert.equal((await get(d)).method, "signal");
    assert.deepEqual(await gatedRuns(d), []);
    await js(d, () => window.kloudconsent.show());
    await (await button(d, "[role=dialog]", "Accept all")).click();
    await waitRuns(d, 2);
    await open(d);
    assert.equal((await get(d)).method, "accept-all", "the stored choice beats the signal");
    assert.deepEqual(await errors(d), []);
  } finally {
    await d.quit();
  }
});

/** Whether the page has fetched the embeds' script (dist/kloudconsent-embeds.js). */
const fetchedEmbeds = (d) => js(d, () => performance.getEntriesByType("resource")
  .some((e) => /\/kloudconsent-embeds\.js$/.test(e.name)));

test("gated embeds: their script is fetched (pinned) only by a page that has one; placeholders and Allow always work", async () => {
  await fresh();
  assert.equal(await fetchedEmbeds(driver), false, "a page without embeds never fetches it");
  await driver.get(server.url + "/fixtures/marketing/embeds.html");
  await driver.wait(() => js(driver, () => document.querySelectorAll("kloud-consent-placeholder").length === 4), 15000, "placeholders");
  assert.equal(await fetchedEmbeds(driver), true);
  const srcs = () => js(driver, () => ["video", "clip", "map"].map((id) => document.getElementById(id).getAttribute("src")));
  assert.deepEqual(await srcs(), [null, null, null]);
  let always = null;
  for (const h of await driver.findElements(By.css("kloud-consent-placeholder"))) {
    const next = await js(driver, (el) => el.nextElementSibling.id, h);
    if (next === "video") always = await (await h.getShadowRoot()).findElement(By.css("button.always"));
  }
  await always.click();
  await driver.wait(async () => (await srcs())[0] !== null, 5000, "the video loads");
  assert.deepEqual(await srcs(), ["/fixtures/marketing/frame.html", "/fixtures/marketing/clip.webm", null]);
  assert.deepEqual(await js(driver, () => window.kloudconsent.get().categories.marketing), true);
  assert.equal(await js(driver, () => document.querySelectorAll("kloud-consent-placeholder").length), 2);
});

test("preference tool: Tab goes from Close to the Cookie Policy link (the scrolling list is no stop of its own); a wheel over the backdrop leaves the page still", async () => {
  await fresh();
  await js(driver, () => {
    const tall = document.createElement("div");
    tall.style.height = "5000px";
    document.body.append(tall);
  });
  await (await button(driver, ".kc-banner", "Manage preferences")).click();
  const close = await button(driver, "[role=dialog]", "Close");
  await js(driver, (c) => c.focus(), close);
  await driver.actions().sendKeys(Key.TAB).perform();
  const active = await js(driver, () => {
    const a = document.querySelector("kloud-consent").shadowRoot.activeElement;
    return a ? a.tagName + ": " + a.textContent.trim() : null;
  });
  assert.equal(active, "A: Cookie Policy");
  const root = await shadow(driver);
  const overlay = await root.findElement(By.css(".kc-overlay"));
  const { w, h } = await js(driver, () => ({ w: innerWidth, h: innerHeight }));
  // WebDriver's wheel offsets are from the element's centre: near the
  // top-left corner (clear of the page's scrollbar).
  for (let i = 0; i < 3; i++) {
    await driver.actions().scroll(-Math.floor(w / 2) + 30, -Math.floor(h / 2) + 30, 0, 300, overlay).perform();
  }
  await driver.sleep(200);
  assert.equal(await js(driver, () => scrollY), 0, "the page behind the modal did not move");
  await js(driver, () => window.kloudconsent.hide());
  assert.deepEqual(await errors(driver), []);
});

// As tests/e2e/focus-obscured.test.mjs and spa-dynamics.test.mjs, in Firefox:
// a focused page link is never left behind the banner, and a page that
// swaps its <body> keeps the widget and its openers.
test("Firefox: focused page links are clear of the banner; after a body swap the banner is back and the new opener opens the tool", async () => {
  const d = driver;
  await fresh(d);
  await d.wait(() => js(d, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-banner")), 15000);
  const seen = await js(d, focusedLinksSeen);
  assert.ok(seen.every(Boolean), JSON.stringify(seen));
  await js(d, swapBody);
  await d.wait(() => js(d, () => document.querySelector("kloud-consent")?.isConnected === true), 5000);
  await js(d, () => document.getElementById("settings").click());
  await d.wait(() => js(d, () => !!document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-cat")), 15000);
  assert.deepEqual(await errors(d), []);
});

// As focus-obscured.test.mjs's short screens (200% zoom of 1280×800), in
// Firefox: the banner fills over half the window, and sinks out of the way
// of a focused link that neither scrolling nor the top would clear.
test("Firefox, a short window (640×400): no focused page link is hidden behind the banner", async () => {
  const d = driver;
  const before = await d.manage().window().getRect();
  try {
    await d.manage().window().setRect({ width: 640, height: 400 });
    await fresh(d);
    await d.wait(() => js(d, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-banner")), 15000);
    const tall = await js(d, () => document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-banner")
      .getBoundingClientRect().height > innerHeight / 2);
    assert.ok(tall, "the banner fills over half of this window");
    const seen = await js(d, shortScreenLinksSeen);
    assert.ok(seen.every(Boolean), JSON.stringify(seen));
    assert.deepEqual(await errors(d), []);
  } finally {
    await d.manage().window().setRect({ width: before.width, height: before.height });
  }
});
