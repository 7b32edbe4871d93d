// The visitor's flows in WebKit (Safari's engine): the first layer and its
// three choices, the preference tool fetched on demand (idle prefetch, a
// click while it loads, a failed load and the retry), keyboard-only use with
// the focus trap and focus return, the inert page, :focus-visible.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, resizeWindow, fresh, open, clear, setCookies, js, until, get, gatedRuns, eventNames, pageErrors, storedLocal, pageCookies,
  shadow, bannerShown, button, toolShown, toolGone, press, focused, focusedSoon, waitRuns, settle, hostPage, By, Key,
  consentCookie,
} from "./webkit.mjs";
import { focusedLinksSeen, swapBody } from "../e2e/focus-probe.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const PAGE = "/fixtures/recorded.html";
const ALL_ON = { necessary: true, analytics: true, functionality: true, security: true, marketing: true };
const widgetConsole = (d) => js(d, () => window.__console.filter((l) => l.includes("kloudconsent")));

test("first visit: the banner with three buttons and both links; nothing gated; ready(null)", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  assert.ok(await bannerShown(d));
  for (const name of ["Accept all", "Reject all", "Manage preferences"]) {
    assert.ok(await (await button(d, ".kc-banner", name)).isDisplayed(), name);
  }
  const links = await (await shadow(d)).findElements(By.css(".kc-banner a"));
  assert.deepEqual(await Promise.all(links.map((a) => a.getText())), ["Cookie Policy", "Privacy Policy"]);
  assert.equal(await get(d), null);
  assert.deepEqual(await gatedRuns(d), []);
  assert.deepEqual(await eventNames(d), ["ready"]);
  // The adopted stylesheet applies (constructable stylesheets in WebKit).
  assert.equal(await js(d, () => getComputedStyle(document.querySelector("kloud-consent").shadowRoot
    .querySelector(".kc-banner")).position), "absolute");
  assert.deepEqual(await pageErrors(d), []);
  assert.deepEqual(await widgetConsole(d), []);
});

test("Accept all: both stores (cookie attributes included), each gated script once, events; a reload keeps it", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 2);
  const state = await get(d);
  assert.equal(state.method, "accept-all");
  assert.deepEqual(state.categories, ALL_ON);
  assert.equal(await bannerShown(d), false);
  assert.equal(JSON.parse(await storedLocal(d)).id, state.id);
  const cookie = await d.manage().getCookie("kloudconsent");
  assert.ok(cookie.value.startsWith("1|1|") && cookie.value.includes(state.id), cookie.value);
  assert.equal(cookie.path, "/");
  assert.equal(cookie.sameSite, "Lax");
  assert.ok(cookie.value.length < 300);
  // Max-Age until the decision's expiry (WebDriver reports seconds since the epoch).
  const expiry = Date.parse(state.expiresAt) / 1000;
  assert.ok(Math.abs(cookie.expiry - expiry) < 120, `cookie expiry ${cookie.expiry} vs ${expiry}`);
  assert.deepEqual(await eventNames(d), ["ready", "change", "consent"]);

  await open(env, PAGE);
  await waitRuns(d, 2);
  await settle(d);
  assert.equal(await bannerShown(d), false);
  assert.deepEqual(await gatedRuns(d), ["analytics", "marketing"]);
  assert.deepEqual(await eventNames(d), ["ready", "consent"]);
  assert.equal((await get(d)).id, state.id);
  assert.deepEqual(await pageErrors(d), []);
});

test("Reject all: nothing gated, and a reload keeps it that way", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  await (await button(d, ".kc-banner", "Reject all")).click();
  await until(d, () => window.kloudconsent.get() !== null, "a decision");
  assert.equal((await get(d)).method, "reject-all");
  await open(env, PAGE);
  await settle(d);
  assert.equal(await bannerShown(d), false);
  assert.deepEqual(await gatedRuns(d), []);
  assert.equal(await js(d, () => window.kloudconsent.accepted("analytics")), false);
  assert.equal(await js(d, () => window.kloudconsent.accepted("security")), true);
  assert.deepEqual(await pageErrors(d), []);
});

test("Manage preferences: a custom save stores exactly the chosen categories; required stay on", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  await (await button(d, ".kc-banner", "Manage preferences")).click();
  const root = await toolShown(d);
  const names = await Promise.all((await root.findElements(By.css("[role=switch]")))
    .map((s) => s.getAttribute("aria-label").then((l) => l || js(d, (el) => el.labels[0].textContent.trim(), s))));
  assert.deepEqual(names, ["Strictly necessary", "Performance and analytics", "Functionality", "Security",
    "Marketing and communication"]);
  const analytics = await root.findElement(By.css("#kc-switch-analytics"));
  assert.equal(await analytics.isSelected(), false);
  await analytics.click();
  assert.equal(await analytics.isSelected(), true);
  const necessary = await root.findElement(By.css("#kc-switch-necessary"));
  await js(d, (el) => el.click(), necessary);
  assert.equal(await necessary.isSelected(), true, "a required switch stays on");
  await (await button(d, "[role=dialog]", "Save preferences")).click();
  await waitRuns(d, 1);
  await toolGone(d);
  await settle(d);
  assert.deepEqual(await gatedRuns(d), ["analytics"]);
  const state = await get(d);
  assert.equal(state.method, "custom");
  assert.deepEqual(state.categories, { ...ALL_ON, functionality: false, marketing: false });
  const change = await js(d, () => window.__events.find((e) => e.name === "change").detail.changed);
  assert.deepEqual(change, ["analytics"]);
  assert.equal(await bannerShown(d), false);
  assert.deepEqual(await pageErrors(d), []);
});

test("a double click on Manage preferences opens the tool and decides nothing (its second click lands on the tool)", async () => {
  const d = env.driver;
  // Narrow (the tool is a bottom sheet): Save preferences is where Manage
  // preferences was.
  await resizeWindow(d, 500, 800);
  try {
    await fresh(env, PAGE);
    // Loaded once, as after the idle prefetch: the tool then opens at once.
    await (await button(d, ".kc-banner", "Manage preferences")).click();
    await toolShown(d);
    await press(d, Key.ESCAPE);
    await toolGone(d);
    await d.actions().doubleClick(await button(d, ".kc-banner", "Manage preferences")).perform();
    await toolShown(d);
    await settle(d);
    assert.equal(await get(d), null, "nothing decided");
    assert.deepEqual(await gatedRuns(d), []);
    assert.deepEqual(await eventNames(d), ["ready"]);
    // A single click right after is the visitor's own.
    await (await button(d, "[role=dialog]", "Accept all")).click();
    await toolGone(d);
    assert.equal((await get(d)).method, "accept-all");
    assert.deepEqual(await pageErrors(d), []);
  } finally {
    await resizeWindow(d, 1024, 768);
  }
});

test("the tool's module: never fetched on a returning visit; fetched once when the banner is idle", async () => {
  const d = env.driver;
  const toolRequests = () => env.server.requests.filter((p) => /kloudconsent-tool(\.js|_bg\.wasm)$/.test(p));
  // Returning visitor: a stored decision, no UI, no tool, even after the idle delay.
  await clear(env);
  await setCookies(env, ["kloudconsent=" + consentCookie() + "; Path=/"]);
  env.server.requests.length = 0;
  await open(env, PAGE);
  await d.sleep(2500); // longer than the widget's idle fallback (WebKit has no requestIdleCallback)
  assert.deepEqual(toolRequests(), []);
  assert.equal((await d.findElements(By.css("kloud-consent"))).length, 0, "no UI is built either");
  // First visit: once the banner has been idle, script and wasm are fetched, once each.
  await fresh(env, PAGE);
  env.server.requests.length = 0;
  await open(env, PAGE);
  await d.wait(() => toolRequests().length === 2, 15000, "the idle prefetch");
  await (await button(d, ".kc-banner", "Manage preferences")).click();
  await toolShown(d);
  assert.deepEqual(toolRequests().map((p) => p.slice(1)), ["kloudconsent-tool.js", "kloudconsent-tool_bg.wasm"]);
  assert.deepEqual(await pageErrors(d), []);
});

test("a click while the tool loads: Manage preferences is busy, then the tool opens", async () => {
  const d = env.driver;
  let release;
  const held = new Promise((r) => { release = r; });
  env.server.routes.set("/kloudconsent-tool.js", async (req, res, url, next) => {
    await held;
    return next();
  });
  try {
    await fresh(env, PAGE);
    const manage = await button(d, ".kc-banner", "Manage preferences");
    await manage.click();
    assert.equal(await manage.getAttribute("aria-busy"), "true");
    release();
    await toolShown(d);
    assert.equal(await focusedSoon(d, "dialog"), "dialog", "focus moves into the tool once it is there");
    assert.deepEqual(await pageErrors(d), []);
  } finally {
    release();
    env.server.routes.delete("/kloudconsent-tool.js");
  }
});

test("the tool failing to load: a message, one console.error naming the URL, working buttons, a retry", async () => {
  const d = env.driver;
  env.server.routes.set("/kloudconsent-tool.js", async (req, res) => {
    res.writeHead(404, { "content-type": "text/plain", "cache-control": "no-store" });
    res.end("not found");
  });
  try {
    await fresh(env, PAGE);
    await (await button(d, ".kc-banner", "Manage preferences")).click();
    // ("Loading your cookie preferences…" comes first.)
    const status = await until(d, () => {
      const text = document.querySelector("kloud-consent").shadowRoot.querySelector("[role=status]").textContent;
      return /could not be loaded/.test(text) && text;
    }, "the failure message");
    assert.match(status, /could not be loaded/);
    const errors = (await widgetConsole(d)).filter((l) => l.startsWith("error:"));
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(errors[0], /kloudconsent-tool\.js/);
    env.server.routes.delete("/kloudconsent-tool.js");
    await (await button(d, ".kc-banner", "Manage preferences")).click();
    await toolShown(d);
    await (await button(d, "[role=dialog]", "Reject all")).click();
    await toolGone(d);
    assert.equal((await get(d)).method, "reject-all");
    assert.deepEqual(await pageErrors(d), []);
  } finally {
    env.server.routes.delete("/kloudconsent-tool.js");
  }
});

test("the API called from a test's script while the tool gives focus back to the page's link: no internal error", async () => {
  // WebKit runs microtasks queued by a focus listener inside `focus()` when
  // WebDriver runs the script: the engine must not be mid-draw then.
  const d = env.driver;
  for (const [call, method] of [["hide", undefined], ["acceptAll", "accept-all"], ["rejectAll", "reject-all"]]) {
    await fresh(env, "/fixtures/recorded.html");
    await (await d.findElement(By.css("#open-prefs"))).click();
    await toolShown(d);
    await js(d, (call) => { window.kloudconsent[call](); }, call);
    await toolGone(d);
    await settle(d);
    assert.deepEqual(await widgetConsole(d), [], call);
    assert.equal((await get(d))?.method, method, call);
    assert.equal(await focused(d), "page:a#open-prefs", call);
  }
});

test("keyboard only: Tab, Space/Enter and Escape complete a custom choice; focus trapped and returned", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  const tab = async (expected, shift = false) => {
    await press(d, shift ? [Key.SHIFT, Key.TAB] : Key.TAB);
    assert.equal(await focused(d), expected);
  };
  await tab("page:a#open-prefs");
  for (const stop of ["link:Cookie Policy", "link:Privacy Policy", "button:Accept all", "button:Reject all",
    "button:Manage preferences"]) {
    await tab(stop);
  }
  // The ring shows for keyboard focus (:focus-visible inside the shadow root).
  assert.deepEqual(await js(d, () => {
    const el = document.querySelector("kloud-consent").shadowRoot.activeElement;
    return [el.matches(":focus-visible"), getComputedStyle(el).outlineStyle];
  }), [true, "solid"]);
  await press(d, Key.ENTER);
  await toolShown(d);
  assert.equal(await focusedSoon(d, "dialog"), "dialog", "focus moves into the dialog");
  // Each category with cookie rows has its table's disclosure after its switch,
  // named by its table's caption: four "Cookies and storage" told apart.
  const table = (category) => `SUMMARY:Cookies and storage used by ${category}`;
  const stops = ["button:Close", "link:Cookie Policy", "link:Privacy Policy", "switch:Strictly necessary", table("Strictly necessary"),
    "switch:Performance and analytics", table("Performance and analytics"), "switch:Functionality", "switch:Security", table("Security"),
    "switch:Marketing and communication", table("Marketing and communication"), "button:Accept all", "button:Reject all", "button:Save preferences"];
  for (const stop of stops) await tab(stop);
  await tab("button:Close"); // wraps: the focus trap
  await tab("button:Save preferences", true);
  await press(d, Key.ESCAPE);
  await toolGone(d);
  assert.equal(await focused(d), "button:Manage preferences", "back to the banner's Manage preferences");
  assert.equal(await get(d), null, "Escape decides nothing");
  await press(d, Key.SPACE);
  await toolShown(d);
  assert.equal(await focusedSoon(d, "dialog"), "dialog"); // Tab starts from the dialog
  for (const stop of stops.slice(0, 6)) await tab(stop); // to analytics
  await press(d, Key.SPACE);
  for (const stop of stops.slice(6, 11)) await tab(stop); // to marketing
  await press(d, Key.SPACE, Key.SPACE);
  for (const stop of stops.slice(11)) await tab(stop);
  await press(d, Key.ENTER);
  await toolGone(d);
  assert.equal(await bannerShown(d), false);
  assert.equal(await focused(d), "page:body", "the opener is gone: focus lands on the page");
  const state = await get(d);
  assert.equal(state.method, "custom");
  assert.deepEqual(state.categories, { ...ALL_ON, functionality: false, marketing: false });
  // The page's link reopens the tool by keyboard; Escape returns to it.
  await tab("page:a#open-prefs");
  await press(d, Key.ENTER);
  await toolShown(d);
  assert.equal(await focusedSoon(d, "dialog"), "dialog");
  await press(d, Key.ESCAPE);
  await toolGone(d);
  assert.equal(await focused(d), "page:a#open-prefs");
  assert.deepEqual(await pageErrors(d), []);
});

test("the trap holds for 25 Tabs each way and a click on the backdrop; the page behind is inert, then released", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  await js(d, () => {
    const aside = document.createElement("aside");
    aside.id = "already-inert";
    aside.inert = true;
    document.body.append(aside);
  });
  await (await button(d, ".kc-banner", "Manage preferences")).click();
  await toolShown(d);
  const inDialog = () => js(d, () => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    return document.activeElement === root.host && !!root.activeElement?.closest(".kc-dialog");
  });
  for (const key of [Key.TAB, [Key.SHIFT, Key.TAB]]) {
    for (let i = 0; i < 25; i++) {
      await press(d, key);
      assert.ok(await inDialog(), `Tab #${i + 1} stays in the dialog`);
    }
  }
  const overlay = await (await shadow(d)).findElement(By.css(".kc-overlay"));
  await d.actions().move({ origin: overlay, x: 0, y: 0 }).move({ x: 4, y: 4, origin: "viewport" }).click().perform();
  assert.ok(await inDialog(), "a click on the backdrop keeps focus in the dialog");
  const inertState = () => js(d, () => [...document.body.children]
    .filter((el) => el.tagName !== "SCRIPT")
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}:${el.inert}`));
  assert.deepEqual(await inertState(), ["h1:true", "a#open-prefs:true", "kloud-consent:false", "aside#already-inert:true"]);
  await js(d, () => document.getElementById("open-prefs").focus());
  assert.ok(await inDialog(), "an inert page link cannot take focus");
  await press(d, Key.ESCAPE);
  await toolGone(d);
  assert.deepEqual(await inertState(), ["h1:false", "a#open-prefs:false", "kloud-consent:false", "aside#already-inert:true"]);
  assert.deepEqual(await pageErrors(d), []);
});

test("focus returns to a page button that called kloudconsent.show(), and to the page when the opener is gone", async () => {
  const d = env.driver;
  const path = hostPage(env, { body: `<button id="settings" type="button">Cookie settings</button>
    <script>document.getElementById("settings").onclick = function () { window.kloudconsent.show(); };</script>` });
  await fresh(env, path);
  await (await button(d, ".kc-banner", "Reject all")).click();
  await until(d, () => window.kloudconsent.get() !== null, "a decision");
  await js(d, () => document.getElementById("settings").focus());
  await press(d, Key.ENTER);
  await toolShown(d);
  assert.equal(await focusedSoon(d, "dialog"), "dialog");
  await press(d, Key.ESCAPE);
  await toolGone(d);
  assert.equal(await focused(d), "page:button#settings");
  // Opened from the page link, which is removed while the tool is open.
  await d.findElement(By.css("#open-prefs")).click();
  await toolShown(d);
  await js(d, () => document.getElementById("open-prefs").remove());
  await (await button(d, "[role=dialog]", "Accept all")).click();
  await toolGone(d);
  assert.equal(await focused(d), "page:body");
  assert.deepEqual(await pageErrors(d), []);
});

// As tests/e2e/focus-obscured.test.mjs and spa-dynamics.test.mjs, in WebKit:
// a focused page link is never left behind the banner, and a page that
// swaps its <body> keeps the widget and its openers.
test("WebKit: focused page links are clear of the banner; after a body swap the banner is back and the new opener opens the tool", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, {}));
  await until(d, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-banner"), "the banner");
  const seen = await js(d, focusedLinksSeen);
  assert.ok(seen.every(Boolean), JSON.stringify(seen));
  await js(d, swapBody);
  await until(d, () => document.querySelector("kloud-consent")?.isConnected === true, "the widget back in the page");
  assert.ok(await bannerShown(d));
  await js(d, () => document.getElementById("settings").click());
  await until(d, () => !!document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-cat"), "the tool");
  assert.deepEqual(await pageErrors(d), []);
});

test("the keys that scroll move the open tool's list, not the page behind it (WebKit scrolled the page from the dialog and its buttons)", async () => {
  const d = env.driver;
  const long = "<p>Some of the host page's own text, long enough to scroll.</p>".repeat(120);
  await fresh(env, hostPage(env, { body: long }));
  await bannerShown(d);
  await js(d, () => window.scrollTo(0, 300));
  await (await button(d, ".kc-banner", "Manage preferences")).click();
  await toolShown(d);
  assert.equal(await focusedSoon(d, "dialog"), "dialog");
  const state = () => js(d, () => ({
    page: window.scrollY,
    list: document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-dialog-scroll").scrollTop,
  }));
  for (const key of [Key.PAGE_DOWN, Key.SPACE, Key.END]) {
    await press(d, key);
    await settle(d);
    assert.equal((await state()).page, 300, "the page stays where it was");
  }
  assert.ok((await state()).list > 0, "the list scrolled");
  await press(d, Key.TAB); // Close
  await press(d, Key.HOME);
  await settle(d);
  assert.deepEqual(await state(), { page: 300, list: 0 });
  assert.deepEqual(await pageErrors(d), []);
});
