// What marketers and site owners plug into (issue #5): Google Consent Mode v2
// and the dataLayer event, gated embeds with their placeholder, consent
// receipts, and clean-up scripts. Fixture pages: tests/e2e/pages/marketing/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, gatedRuns, storedLocal, consentCookies,
  banner, dialog, button, hostPage,
  toolShown,
  bannerSoon,
  until,
  backTo,
} from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const PAGES = "/fixtures/marketing/";

async function fresh(path, { init } = {}) {
  const { context, page } = await openPage(env);
  if (init) await context.addInitScript(init);
  await page.goto(env.server.url + PAGES + path);
  await waitReady(page);
  return { context, page };
}

async function reload(page) {
  await page.reload();
  await waitReady(page);
}

const withGpc = () => {
  Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });
};

// ---- Google Consent Mode v2 and dataLayer ---------------------------------

/** dataLayer, with gtag's Arguments objects as {args: [...]}. */
const layer = (page) => page.evaluate(() => (window.dataLayer || []).map((e) =>
  Object.prototype.toString.call(e) === "[object Arguments]" ? { args: Array.from(e) } : e));

const SIGNALS = ["ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
  "functionality_storage", "personalization_storage", "security_storage"];
const signals = (granted) => Object.fromEntries(SIGNALS.map((s) =>
  [s, granted.includes(s) || s === "security_storage" ? "granted" : "denied"]));
const DENIED = signals([]);
const GRANTED = signals(SIGNALS);
const DEFAULTS = [
  { args: ["consent", "default", { ...DENIED, wait_for_update: 500 }] },
  { args: ["consent", "default", { analytics_storage: "granted", region: ["AU-NSW"] }] },
];
const update = (s) => ({ args: ["consent", "update", s] });
const cats = (granted) => Object.fromEntries(
  ["necessary", "analytics", "functionality", "security", "marketing"].map((c) =>
    [c, ["necessary", "security", ...granted].includes(c)]));
const kcEvent = (granted, method) =>
  ({ event: "kloudconsent_update", kloudconsent: cats(granted), kloudconsentMethod: method });
const ALL = ["analytics", "functionality", "marketing"];

test("Consent Mode: the defaults are in dataLayer before the next tag runs; nothing more while undecided", async () => {
  const { context, page } = await fresh("gcm-inline.html");
  // tag.js ran synchronously right after the widget's tag, long before the wasm.
  assert.deepEqual(await page.evaluate(() => window.__tagSaw), DEFAULTS.map((d) => d.args));
  assert.deepEqual(await layer(page), DEFAULTS);
  assert.equal(await page.evaluate(() => typeof window.gtag), "undefined", "window.gtag left to the site");
  assert.deepEqual(lateDefaultWarnings(page), [], "the default came first: nothing to warn about");
  assert.deepEqual(page.errors, []);
  await context.close();
});

const lateDefaultWarnings = (page) => page.logs.filter((l) => /started before Consent Mode's default/.test(l));

test("Consent Mode: gtag's config before the widget's default (a deferred tag above the GA4 snippet) gets one console warning; GTM's start and a page's own default first do not", async () => {
  const snippets = {
    ga4: `<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}
      gtag("js", new Date()); gtag("config", "G-TEST");</script>`,
    gtm: `<script>(window.dataLayer = window.dataLayer || []).push({"gtm.start": Date.now(), event: "gtm.js"});</script>`,
    // The page's own default before its config: Google's tags saw a default first.
    ownDefault: `<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}
      gtag("consent", "default", {ad_storage: "denied", analytics_storage: "denied"}); gtag("js", new Date()); gtag("config", "G-TEST");</script>`,
  };
  // A plain array is not a gtag command (Google ignores it): no warning.
  snippets.plainArray = `<script>window.dataLayer = [["config", "G-TEST"]];</script>`;
  for (const [name, snippet] of Object.entries(snippets)) {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { config: { googleConsentMode: true }, body: snippet });
    await waitReady(page);
    // GTM: a Consent Initialization tag in the container may still set the default first.
    assert.equal(lateDefaultWarnings(page).length, name === "ga4" ? 1 : 0, `${name}: ${page.logs.join("\n")}`);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test("Consent Mode: a page that writes `dataLayer = [...]` after the tag gets the defaults again, before any update", async () => {
  // GTM's instructions put `dataLayer = [{...}]` above its snippet; below
  // the widget's tag that throws away the defaults it had pushed.
  const { context, page } = await openPage(env);
  const url = env.server.url + PAGES + "gcm-replaced-layer.html";
  env.server.routes.set(PAGES + "gcm-replaced-layer.html", (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GTM</title>
<script type="application/json" id="kloudconsent-config">{"googleConsentMode": {"wait_for_update": 500, "regions": [{"region": ["AU-NSW"], "analytics_storage": "granted"}]}}</script>
<script src="/kloudconsent.js"></script>
<script>dataLayer = [{ pageType: "article" }];</script>
</head><body><h1>Article</h1></body></html>`);
  });
  await page.goto(url);
  await waitReady(page);
  assert.deepEqual(await layer(page), [{ pageType: "article" }, ...DEFAULTS]);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => window.dataLayer.length >= 5);
  assert.deepEqual((await layer(page)).slice(3), [update(GRANTED), kcEvent(ALL, "accept-all")]);
  assert.equal(page.logs.filter((l) => l.includes("window.dataLayer was replaced")).length, 1, page.logs.join("\n"));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Consent Mode: a page that sets `dataLayer` to something that is not an array gets no uncaught error from the widget", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { config: { googleConsentMode: true }, body: `<script>dataLayer = "oops";</script>` });
  await waitReady(page);
  await page.waitForTimeout(200);
  assert.deepEqual(page.errors, []);
  assert.equal(page.logs.filter((l) => l.includes("window.dataLayer was replaced")).length, 0);
  await context.close();
});

test("Consent Mode: Accept all sends the update then the kloudconsent_update event; every reload repeats them", async () => {
  const { context, page } = await fresh("gcm-inline.html");
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => window.dataLayer.length === 4);
  const accepted = [...DEFAULTS, update(GRANTED), kcEvent(ALL, "accept-all")];
  assert.deepEqual(await layer(page), accepted);
  // The gated analytics script ran after the update reached dataLayer.
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  await reload(page);
  assert.deepEqual(await layer(page), accepted, "defaults first, then the stored decision");
  await reload(page);
  assert.deepEqual(await layer(page), accepted);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Consent Mode: a custom save, set() and reset() each send exactly their signals and an event", async () => {
  const { context, page } = await fresh("gcm-inline.html");
  await button(banner(page), "Manage preferences").click();
  await dialog(page).getByRole("switch", { name: "Performance and analytics" }).click();
  await button(dialog(page), "Save preferences").click();
  await page.waitForFunction(() => window.dataLayer.length === 4);
  const custom = [update(signals(["analytics_storage"])), kcEvent(["analytics"], "custom")];
  assert.deepEqual(await layer(page), [...DEFAULTS, ...custom]);

  await page.evaluate(() => window.kloudconsent.set({ marketing: true }));
  const ads = signals(["analytics_storage", "ad_storage", "ad_user_data", "ad_personalization"]);
  const more = [update(ads), kcEvent(["analytics", "marketing"], "custom")];
  assert.deepEqual(await layer(page), [...DEFAULTS, ...custom, ...more]);

  await reload(page);
  assert.deepEqual(await layer(page), [...DEFAULTS, ...more]);

  // Forgetting the decision takes everything optional back.
  await page.evaluate(() => window.kloudconsent.reset());
  assert.deepEqual(await layer(page), [...DEFAULTS, ...more, update(DENIED), kcEvent([], null)]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Consent Mode: with data-config the engine sends the same defaults at boot, before any update", async () => {
  const { context, page } = await fresh("gcm-fetched.html");
  assert.deepEqual(await layer(page), DEFAULTS, "identical to the loader's inline path");
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await reload(page);
  assert.deepEqual(await layer(page), [...DEFAULTS, update(DENIED), kcEvent([], "reject-all")]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Consent Mode: under Global Privacy Control the update denies everything optional (method signal)", async () => {
  const { context, page } = await fresh("gcm-inline.html", { init: withGpc });
  assert.deepEqual(await layer(page), [...DEFAULTS, update(DENIED), kcEvent([], "signal")]);
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Consent Mode: a config without a security category keeps security_storage granted in every update", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { config: {
    googleConsentMode: true,
    categories: [{ id: "necessary", label: "Necessary", required: true }, { id: "analytics", label: "Analytics" }],
  } });
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await page.evaluate(() => window.kloudconsent.rejectAll());
  const calls = (await layer(page)).filter((e) => e.args?.[0] === "consent").map((e) => [e.args[1], e.args[2]]);
  assert.deepEqual(calls.map(([kind]) => kind), ["default", "update", "update"]);
  assert.equal(calls[0][1].security_storage, "granted", "default");
  assert.deepEqual(calls[1][1], signals(["analytics_storage"]), "Accept all: analytics granted, security kept");
  assert.deepEqual(calls[2][1], DENIED, "Reject all: back to the defaults");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Consent Mode: a config whose categories differ from the defaults' assumption tells Google at start, while undecided, only those signals", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { config: {
    googleConsentMode: { regions: [{ region: ["NZ"], ad_storage: "granted" }] },
    categories: [{ id: "necessary", label: "Necessary", required: true },
      { id: "analytics", label: "Analytics", required: true },
      { id: "marketing", label: "Marketing" }, { id: "security", label: "Security" }],
  }, body: `<script type="text/plain" data-consent="analytics">window.__analyticsRan = true;</script>` });
  await waitReady(page);
  await page.waitForFunction(() => window.__analyticsRan, null, { timeout: 5000 });
  const calls = (await layer(page)).filter((e) => e.args?.[0] === "consent").map((e) => [e.args[1], e.args[2]]);
  assert.deepEqual(calls, [
    ["default", DENIED],
    ["default", { ad_storage: "granted", region: ["NZ"] }],
    // A required analytics runs its gated scripts without a choice; an
    // optional security is not granted before one. The region's ad_storage
    // stands.
    ["update", { analytics_storage: "granted", security_storage: "denied" }],
  ]);
  assert.equal((await layer(page)).filter((e) => e.event === "kloudconsent_update").length, 0, "no decision: no event");
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.evaluate(() => window.kloudconsent.reset());
  const last = (await layer(page)).filter((e) => e.args?.[1] === "update").at(-1).args[2];
  assert.deepEqual(last, { ...DENIED, analytics_storage: "granted", security_storage: "denied" }, "reset() says the same");
  assert.deepEqual(page.errors, []);
  await context.close();
});

/**
 * Accept all on a page whose config the engine refused: Consent Mode stays
 * on (one default, then a granted update) and one console.error says so.
 */
async function acceptAllUnderRefusedConfig(page, config, message) {
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => window.dataLayer.some((e) => e.event === "kloudconsent_update"));
  const calls = (await layer(page)).filter((e) => e.args?.[0] === "consent").map((e) => e.args[1]);
  assert.deepEqual(calls, ["default", "update"], JSON.stringify(config));
  assert.deepEqual((await layer(page)).find((e) => e.args?.[1] === "update").args[2], GRANTED);
  const errors = page.logs.filter((l) => l.startsWith("error:"));
  assert.equal(errors.length, 1, JSON.stringify(config));
  assert.match(errors[0], message);
  assert.deepEqual(page.errors, []);
}

test("Consent Mode: a refused config that asked for it keeps it on, so Accept all still sends the update", async () => {
  // The loader sends an inline config's defaults while the page parses, before
  // the engine refuses the config for another field (or for the Consent Mode
  // part itself): the built-in default it falls back to keeps Consent Mode on,
  // or the page's Google tags would stay denied after the visitor accepted.
  for (const config of [
    { googleConsentMode: { wait_for_update: 500 }, revision: -1 },
    { googleConsentMode: true, texts: { acceptAll: "" } },
    { googleConsentMode: { wait_for_update: "soon" } },
  ]) {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { config });
    await acceptAllUnderRefusedConfig(page, config, /using the built-in default/);
    await context.close();
  }
});

test("Consent Mode: a refused data-config file that asked for it keeps it on too (GTM sets the defaults on such a page)", async () => {
  for (const config of [
    { googleConsentMode: { wait_for_update: 500 }, revision: "2" },
    { googleConsentMode: { regions: "AU" } },
  ]) {
    const { context, page } = await openPage(env);
    await context.route("**/site-consent.json", (route) => route.fulfill({ body: JSON.stringify(config), contentType: "application/json" }));
    await hostPage(env, page, { scriptAttrs: 'data-config="/site-consent.json"' });
    await acceptAllUnderRefusedConfig(page, config, /using the built-in default\. \(config from data-config /);
    await context.close();
  }
});

test("Consent Mode: a page's own gtag and dataLayer keep working and carry our commands", async () => {
  const { context, page } = await fresh("gcm-own-gtag.html");
  const own = [{ site: "before-widget" }, { args: ["js", "2026-11-28"] }, { args: ["config", "G-TEST"] }];
  assert.deepEqual(await layer(page), [...own, { args: ["consent", "default", DENIED] }]);
  assert.equal(await page.evaluate(() => window.__ownGtagCalls), 3, "our default went through their gtag");
  await page.evaluate(() => window.kloudconsent.acceptAll());
  assert.deepEqual(await layer(page), [
    ...own, { args: ["consent", "default", DENIED] }, update(GRANTED), kcEvent(ALL, "accept-all"),
  ]);
  assert.equal(await page.evaluate(() => window.__ownGtagCalls), 4);
  assert.match(await page.evaluate(() => String(window.gtag)), /__ownGtagCalls/, "their gtag is still theirs");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// ---- gated embeds -------------------------------------------------------------

const EMBEDS = ["video", "map", "chart", "clip"];

/** Each embed's box, its placeholder's box (null when none) and its src. */
const embedState = (page) => page.evaluate((ids) => Object.fromEntries(ids.map((id) => {
  const el = document.getElementById(id);
  const prev = el.previousElementSibling;
  const host = prev && prev.localName === "kloud-consent-placeholder" ? prev : null;
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); };
  return [id, {
    box: box(el), placeholder: host && box(host), src: el.getAttribute("src"), srcset: el.getAttribute("srcset"),
    text: host && host.shadowRoot.textContent, visibility: getComputedStyle(el).visibility,
  }];
})), EMBEDS);
const placeholderOf = (page, id) => page.locator(`#${id}`).locator("xpath=preceding-sibling::*[1]");
// (Playwright's Firefox names a frame that never navigated "", not about:blank.)
const frameUrls = (page) => page.frames().slice(1).map((f) => f.url() || "about:blank");
const layoutShift = (page) => page.evaluate(() => window.__layoutShift);
const MARKETING = "This content is blocked until you allow Marketing and communication cookies.Allow onceAllow always";

for (const csp of ["", "?csp=strict"]) {
  test(`embeds wait without src behind a same-size placeholder naming the category${csp && " (strict CSP)"}`, async () => {
    const { context, page } = await fresh("embeds.html" + csp);
    const s = await embedState(page);
    for (const id of EMBEDS) {
      assert.equal(s[id].src, null, `${id} has no src`);
      assert.deepEqual(s[id].placeholder, s[id].box, `${id}: placeholder covers exactly its box`);
      assert.equal(s[id].visibility, "hidden");
    }
    assert.deepEqual(s.video.box.slice(2), [484, 274], "the iframe keeps its own size (480×270 + border)");
    assert.equal(s.video.text, MARKETING);
    assert.equal(s.clip.text, MARKETING);
    assert.match(s.chart.text, /allow Performance and analytics cookies/);
    assert.match(s.map.text, /allow Functionality cookies/);
    assert.deepEqual(frameUrls(page), ["about:blank", "about:blank"], "both frames are blank");
    assert.equal(await page.getAttribute("#chart", "alt"), null, "alt text would collapse the image box");
    assert.equal(await page.getByRole("button", { name: "Allow once" }).count(), 4);
    assert.equal(await page.getByRole("button", { name: "Allow always" }).count(), 4);
    assert.equal(await placeholderOf(page, "video").evaluate((h) => getComputedStyle(h).position), "absolute",
      "the adopted stylesheet applies");
    assert.ok(!page.logs.some((l) => /Content Security Policy|Refused/.test(l)), page.logs.join("\n"));
    assert.equal(await layoutShift(page), 0);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test("several placeholders' Allow buttons are told apart: each group is named after its embed's title or alt", async () => {
  const { context, page } = await fresh("embeds.html");
  const named = await page.evaluate(() => ["video", "map", "chart", "clip"].map((id) => {
    const group = document.getElementById(id).previousElementSibling.shadowRoot.querySelector("[part=placeholder]");
    return [id, group.getAttribute("role"), group.getAttribute("aria-label")];
  }));
  // The fixture's titles and the image's alt (held by the widget while the image is blocked).
  assert.deepEqual(named, [["video", "group", "Product tour video"], ["map", "group", "Map"],
    ["chart", "group", "Visitors chart"], ["clip", null, null]]);
  await button(placeholderOf(page, "map").getByRole("group", { name: "Map" }), "Allow once").click();
  await page.waitForFunction(() => document.getElementById("map").getAttribute("src"));
  await context.close();
});

test("Allow once loads that embed for this page only, in the same box, and stores nothing", async () => {
  const { context, page } = await fresh("embeds.html");
  const before = await embedState(page);
  await button(placeholderOf(page, "video"), "Allow once").click();
  await page.waitForFunction(() => document.getElementById("video").getAttribute("src"));
  const s = await embedState(page);
  assert.equal(s.video.src, "/fixtures/marketing/frame.html");
  assert.equal(s.video.placeholder, null);
  assert.equal(s.video.visibility, "visible");
  assert.deepEqual(s.video.box, before.video.box, "same box before and after");
  for (const id of ["map", "chart", "clip"]) assert.deepEqual(s[id], before[id], `${id} untouched`);
  assert.equal(await page.evaluate(() => document.activeElement.id), "video", "focus moves to the content");
  await page.waitForFunction(() => document.getElementById("video").contentDocument?.body?.textContent.includes("third-party"));
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.equal(await storedLocal(page), null);
  assert.deepEqual(await consentCookies(context), []);
  assert.ok(await bannerSoon(page), "still undecided");
  assert.equal(await layoutShift(page), 0);
  await reload(page);
  assert.deepEqual(await embedState(page), before, "blocked again on the next page");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Stop 63's review of long-lived pages: an app that reuses the element for
// its next route's video (a new data-src) loaded the new URL on the old
// Allow once.
test("an embed allowed once and given a new data-src by the page (an app's next route) asks again; the same URL stays loaded", async () => {
  const { context, page } = await fresh("embeds.html");
  await button(placeholderOf(page, "video"), "Allow once").click();
  await page.waitForFunction(() => document.getElementById("video").getAttribute("src"));
  // Something else on the element changes: it stays loaded.
  await page.evaluate(() => document.getElementById("video").setAttribute("tabindex", "0"));
  await page.waitForTimeout(200);
  assert.equal(await page.getAttribute("#video", "src"), "/fixtures/marketing/frame.html");
  await page.evaluate(() => document.getElementById("video").setAttribute("data-src", "/fixtures/marketing/frame.html?next"));
  await placeholderOf(page, "video").getByRole("button", { name: "Allow once" }).waitFor();
  assert.equal(await page.getAttribute("#video", "src"), null, "the new URL waits for its own Allow");
  await button(placeholderOf(page, "video"), "Allow once").click();
  await page.waitForFunction(() => document.getElementById("video").getAttribute("src") === "/fixtures/marketing/frame.html?next");
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Allow once on an image or a video without controls: focus moves to it (tabindex -1, out of the Tab order) and Tab goes on from there", async () => {
  const { context, page } = await fresh("embeds.html");
  const focus = () => page.evaluate(() => {
    const a = document.activeElement;
    return a.localName === "kloud-consent-placeholder" ? "placeholder of " + a.nextElementSibling.id : a.id;
  });
  await button(placeholderOf(page, "chart"), "Allow once").click();
  await page.waitForFunction(() => document.getElementById("chart").getAttribute("src"));
  assert.equal(await focus(), "chart", "not the page's start");
  assert.equal(await page.getAttribute("#chart", "tabindex"), "-1");
  await page.keyboard.press("Tab");
  assert.equal(await focus(), "placeholder of clip", "the next control after the image");
  await page.keyboard.press("Enter"); // the clip's Allow once
  await page.waitForFunction(() => document.getElementById("clip").getAttribute("src"));
  assert.equal(await focus(), "clip");
  // A frame takes focus as it is: no tabindex of ours.
  await button(placeholderOf(page, "video"), "Allow once").click();
  await page.waitForFunction(() => document.getElementById("video").getAttribute("src"));
  assert.equal(await focus(), "video");
  assert.equal(await page.getAttribute("#video", "tabindex"), null);
  assert.deepEqual(page.errors, []);
  await context.close();
  // Allow always too.
  const again = await fresh("embeds.html");
  await button(placeholderOf(again.page, "chart"), "Allow always").click();
  await again.page.waitForFunction(() => document.getElementById("chart").getAttribute("src"));
  assert.equal(await again.page.evaluate(() => document.activeElement.id), "chart");
  await again.context.close();
});

test("Allow always stores the category as granted and loads every embed that needs it", async () => {
  const { context, page } = await fresh("embeds.html");
  const before = await embedState(page);
  await button(placeholderOf(page, "video"), "Allow always").click();
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "custom");
  assert.deepEqual(state.categories, cats(["marketing"]));
  assert.equal(await banner(page).count(), 0, "a decision closes the banner");
  const s = await embedState(page);
  assert.equal(s.video.src, "/fixtures/marketing/frame.html");
  assert.equal(s.clip.src, "/fixtures/marketing/clip.webm");
  for (const id of ["video", "clip"]) {
    assert.equal(s[id].placeholder, null);
    assert.deepEqual(s[id].box, before[id].box);
  }
  assert.deepEqual([s.map.src, s.chart.src], [null, null], "other categories stay blocked");
  await reload(page);
  const again = await embedState(page);
  assert.deepEqual([again.video.src, again.video.placeholder], ["/fixtures/marketing/frame.html", null]);
  assert.equal(await layoutShift(page), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("revoking a category puts the placeholder back and unloads the content", async () => {
  const { context, page } = await fresh("embeds.html");
  const blocked = await embedState(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 0);
  const loaded = await embedState(page);
  assert.deepEqual(EMBEDS.map((id) => loaded[id].box), EMBEDS.map((id) => blocked[id].box));
  await page.waitForFunction(() => document.getElementById("chart").complete);
  assert.deepEqual(await page.evaluate(() => document.getElementById("chart").naturalWidth), 160);
  assert.equal(await page.getAttribute("#chart", "alt"), "Visitors chart", "alt text is back");
  assert.equal(loaded.chart.srcset, "/fixtures/marketing/pixel.svg 2x");

  await page.evaluate(() => window.kloudconsent.set({ marketing: false, analytics: false }));
  const s = await embedState(page);
  for (const id of ["video", "clip", "chart"]) assert.deepEqual(s[id], blocked[id], `${id} blocked again`);
  assert.deepEqual(s.map, loaded.map, "map still loaded");
  await page.waitForFunction(() => document.getElementById("video").contentDocument?.URL === "about:blank");
  assert.equal(await layoutShift(page), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("revoking a loaded iframe adds no history entry: one Back leaves the page, and the refused content is not fetched again", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + PAGES + "cleanup.html");
  await waitReady(page);
  const before = env.server.url + PAGES + "cleanup.html";
  await page.goto(env.server.url + PAGES + "embeds.html");
  await waitReady(page);
  const length = await page.evaluate(() => history.length);
  const loaded = () => page.waitForFunction(() => document.getElementById("video").contentDocument?.URL.endsWith("frame.html"));
  const blank = () => page.waitForFunction(() => document.getElementById("video").contentDocument?.URL === "about:blank");
  // Granted and refused twice: every way a decision can take it back.
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await loaded();
  await page.evaluate(() => window.kloudconsent.set({ marketing: false }));
  await blank();
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await loaded();
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await blank();
  assert.equal(await page.evaluate(() => history.length), length, "no entry in the tab's history");
  assert.equal(await page.evaluate(() => document.querySelectorAll("#video").length), 1, "the same element, once");
  const fetched = env.server.requests.filter((r) => r === PAGES + "frame.html").length;
  assert.equal(await backTo(page, before), before, "one Back left the page");
  assert.equal(env.server.requests.filter((r) => r === PAGES + "frame.html").length, fetched, "the refused frame was not loaded again");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("embeds added later are gated the same way; a removed embed takes its placeholder along", async () => {
  const { context, page } = await fresh("embeds.html");
  const add = (id) => page.evaluate((id) => {
    const f = document.createElement("iframe");
    Object.assign(f, { id, width: 200, height: 100 });
    f.setAttribute("data-consent", "marketing");
    f.setAttribute("data-src", "/fixtures/marketing/frame.html?" + id);
    document.getElementById("end").before(f);
  }, id);
  await add("late");
  await placeholderOf(page, "late").getByRole("button", { name: "Allow always" }).waitFor();
  assert.equal(await page.getAttribute("#late", "src"), null);
  await page.evaluate(() => document.getElementById("clip").remove());
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 4);

  await page.evaluate(() => window.kloudconsent.set({ marketing: true }));
  assert.equal(await page.getAttribute("#late", "src"), "/fixtures/marketing/frame.html?late");
  await add("later");
  await page.waitForFunction(() => document.getElementById("later").getAttribute("src"));
  assert.equal(await page.locator("#later").evaluate((f) => f.previousElementSibling.localName), "iframe",
    "no placeholder for an allowed embed");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// ---- proof of consent -----------------------------------------------------------

test("each decision is sent as a small JSON receipt with the page's origin only (no Referer either), and the tool shows the consent id", async () => {
  env.server.receipts.length = 0;
  const { context, page } = await fresh("receipts.html?email=someone%40example.com#top");
  await button(banner(page), "Accept all").click();
  await until(() => env.server.receipts.length === 1);
  const state = await page.evaluate(() => window.kloudconsent.get());
  const [first] = env.server.receipts;
  assert.equal(first.method, "POST");
  assert.equal(first.type, "text/plain;charset=UTF-8", "a CORS-safelisted type: no preflight");
  assert.equal(first.referer, undefined, "no Referer: the page's path and query stay out of the service's (and its proxy's) logs");
  const body = JSON.parse(first.body);
  assert.deepEqual(Object.keys(body), ["id", "decidedAt", "expiresAt", "categories", "revision", "method", "url", "language", "via"]);
  assert.deepEqual(body, {
    id: state.id, decidedAt: state.decidedAt, expiresAt: state.expiresAt, categories: state.categories,
    revision: 1, method: "accept-all", url: env.server.url, language: "en-AU", via: "banner",
  });
  assert.ok(first.body.length < 400, `small: ${first.body.length} bytes`);

  await page.evaluate(() => window.kloudconsent.show());
  await toolShown(page);
  const text = await dialog(page).innerText();
  assert.ok(text.includes(`Your consent ID: ${state.id}`), text);
  assert.ok(text.includes(`Decided on: ${state.decidedAt.slice(0, 10)}`), text);
  await dialog(page).getByRole("switch", { name: "Marketing and communication" }).click();
  await button(dialog(page), "Save preferences").click();
  await until(() => env.server.receipts.length === 2);
  const second = JSON.parse(env.server.receipts[1].body);
  assert.equal(second.id, state.id, "one visitor, one consent id");
  assert.equal(second.method, "custom");
  assert.equal(second.categories.marketing, false);
  assert.equal(second.via, "tool");
  assert.deepEqual(page.errors, []);
  await context.close();
});

/**
 * Serves a page at PAGES + `name` whose inline config is `config` and whose
 * body holds `body` after its heading; returns its path.
 */
function receiptsPage(name, config, body = "") {
  const path = PAGES + name;
  env.server.routes.set(path, (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>receipts</title>
<script type="application/json" id="kloudconsent-config">${JSON.stringify(config)}</script>
<script src="/kloudconsent.js" defer></script></head><body><h1>Receipts</h1>${body}</body></html>`);
  });
  return path;
}

test("a receipt says where the decision was made (banner, tool, the page's script, an embed) and which privacy signal it overrode", async () => {
  const bodies = () => env.server.receipts.map((r) => JSON.parse(r.body));
  const path = receiptsPage("receipts-via.html", { receiptUrl: "/__receipts", signals: { showBanner: true } },
    `<iframe data-consent="marketing" data-src="/fixtures/marketing/frame.html" style="width:400px;height:240px"></iframe>`);
  env.server.receipts.length = 0;
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + path);
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await page.evaluate(() => window.kloudconsent.set({ analytics: true }));
  await until(() => env.server.receipts.length === 3);
  await page.locator("kloud-consent-placeholder").getByRole("button", { name: "Allow always" }).click();
  await until(() => env.server.receipts.length === 4);
  assert.deepEqual(bodies().map((b) => [b.method, b.via, b.signal]),
    [["accept-all", "api", undefined], ["reject-all", "api", undefined], ["custom", "api", undefined], ["custom", "embed", undefined]]);
  await context.close();

  // Global Privacy Control on, and the site asks anyway: the choice overrides it, and the receipt says so.
  env.server.receipts.length = 0;
  const gpc = await fresh(path.slice(PAGES.length), { init: withGpc });
  await button(banner(gpc.page), "Reject all").click();
  await until(() => env.server.receipts.length === 1);
  assert.deepEqual([bodies()[0].via, bodies()[0].signal], ["banner", "gpc"]);
  await gpc.context.close();

  // The tool could not load: the dialog standing in for it decides as the
  // tool (stop 51's review: it said "banner").
  env.server.receipts.length = 0;
  const failed = await openPage(env);
  await failed.page.route("**/kloudconsent-tool.js", (route) => route.fulfill({ status: 404, body: "" }));
  await failed.page.goto(env.server.url + path);
  await waitReady(failed.page);
  await failed.page.evaluate(() => window.kloudconsent.show());
  await button(dialog(failed.page), "Reject all").click();
  await until(() => env.server.receipts.length === 1);
  assert.deepEqual([bodies()[0].method, bodies()[0].via], ["reject-all", "tool"]);
  await failed.context.close();
});

test("a receipt that cannot be sent only warns; the decision stands", async () => {
  const { context, page } = await fresh("receipts-broken.html");
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  assert.equal(await banner(page).count(), 0);
  assert.ok(await storedLocal(page));
  assert.ok(page.logs.some((l) => l.startsWith("warning: kloudconsent: could not send the consent receipt")),
    page.logs.join("\n"));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a receipt answered 408 (its body came too slowly) or 429 (rate limited) is kept for the next page load", async () => {
  for (const answer of [408, 429]) {
    const got = [];
    env.server.routes.set(`/__later${answer}`, async (req, res) => {
      for await (const chunk of req) void chunk;
      got.push(answer);
      res.writeHead(answer, { "access-control-allow-origin": req.headers.origin || "*" });
      res.end();
    });
    const path = receiptsPage(`receipts-later${answer}.html`, { receiptUrl: `${env.server.url}/__later${answer}` });
    const { context, page } = await openPage(env);
    await page.goto(env.server.url + path);
    await waitReady(page);
    await button(banner(page), "Reject all").click();
    await until(() => got.length === 1);
    await page.waitForTimeout(200);
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem("kloudconsent-receipts") || "[]").length);
    assert.equal(kept, 1, `a ${answer} keeps it`);
    assert.ok(page.logs.some((l) => l.includes(`HTTP ${answer}`) && l.includes("sent again")), page.logs.join("\n"));
    await context.close();
  }
});

test("a receipt the service could not take (503, down) is kept and sent on the next page load; a refused one is not", async () => {
  // The receipt endpoint answers what `answer` says, with CORS headers as the receipt service does.
  let answer = 503;
  const got = [];
  env.server.routes.set("/__flaky", async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    got.push({ status: answer, body });
    if (answer === 0) return req.socket.destroy(); // the service is down
    res.writeHead(answer, { "access-control-allow-origin": req.headers.origin || "*" });
    res.end();
  });
  const path = receiptsPage("receipts-flaky.html", { receiptUrl: `${env.server.url}/__flaky` });
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + path);
  await waitReady(page);
  const kept = () => page.evaluate(() => JSON.parse(localStorage.getItem("kloudconsent-receipts") || "[]").length);
  await button(banner(page), "Accept all").click();
  await until(() => got.length === 1);
  await page.waitForTimeout(200);
  assert.equal(await kept(), 1, "a 503 keeps it");
  assert.ok(page.logs.some((l) => l.includes("could not send the consent receipt") && l.includes("HTTP 503")), page.logs.join("\n"));
  // The next page: the service is down altogether; then back.
  // (Chromium itself tries once more on a connection closed without an answer.)
  answer = 0;
  await page.reload();
  await waitReady(page);
  await until(() => got.length >= 2);
  await page.waitForTimeout(300);
  assert.equal(await kept(), 1, "still kept while the service is down");
  answer = 201;
  const before = got.length;
  await page.reload();
  await waitReady(page);
  await until(() => got.length === before + 1);
  await page.waitForFunction(() => localStorage.getItem("kloudconsent-receipts") === null);
  assert.equal(got[before].body, got[0].body, "the same receipt, sent again");
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(JSON.parse(got[before].body).id, state.id);
  // Nothing left to send: the next load sends nothing.
  await page.reload();
  await waitReady(page);
  await page.waitForTimeout(300);
  assert.equal(got.length, before + 1);
  // A refusal for good (400) is not kept, and says so.
  answer = 400;
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await until(() => got.length === before + 2);
  await page.waitForTimeout(200);
  assert.equal(await kept(), 0);
  assert.ok(page.logs.some((l) => l.includes("refused a consent receipt (HTTP 400)")), page.logs.join("\n"));
  assert.deepEqual(page.errors, []);

  // While the service fails, a newer decision replaces the one not yet
  // delivered (sent again later it would arrive last, and read as the
  // decision in force); each decision is one request.
  answer = 503;
  const start = got.length;
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await until(() => got.length === start + 1);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await until(() => got.length === start + 2);
  await page.waitForTimeout(300);
  assert.equal(got.length, start + 2, "one request per decision, no resends on the same page");
  const keptBodies = await page.evaluate(() => JSON.parse(localStorage.getItem("kloudconsent-receipts")).map((k) => JSON.parse(k[1]).method));
  assert.deepEqual(keptBodies, ["reject-all"]);
  answer = 201;
  await page.reload();
  await waitReady(page);
  await until(() => got.length === start + 3);
  assert.equal(JSON.parse(got[start + 2].body).method, "reject-all", "only the decision in force is sent again");
  await page.waitForFunction(() => localStorage.getItem("kloudconsent-receipts") === null);

  // A page without receiptUrl drops what is kept, sending nothing.
  await page.evaluate(() => localStorage.setItem("kloudconsent-receipts", JSON.stringify([["https://old.example/r", "{}", 1]])));
  await page.goto(env.server.url + "/fixtures/plain.html");
  await hostPage(env, page, {});
  await waitReady(page);
  await page.waitForFunction(() => localStorage.getItem("kloudconsent-receipts") === null);
  await context.close();
});

test("a receipt endpoint that redirects (a trailing-slash 301, a 302 to a page) does not end the receipt: it is kept, sent again, and the warning says why", async () => {
  // The redirect's target answers 200, as a site's fallback page would:
  // followed, that 200 would end a receipt that reached no service.
  const got = [];
  const answer = (status) => async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    got.push({ method: req.method, body });
    res.writeHead(status, { "access-control-allow-origin": req.headers.origin || "*", location: "/__moved/page" });
    res.end("ok");
  };
  env.server.routes.set("/__moved", answer(302));
  env.server.routes.set("/__moved/page", answer(200));
  const path = receiptsPage("receipts-redirect.html", { receiptUrl: `${env.server.url}/__moved` });
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + path);
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await until(() => page.logs.some((l) => l.includes("could not send the consent receipt")));
  await page.waitForTimeout(300);
  const warning = page.logs.find((l) => l.includes("could not send the consent receipt"));
  assert.ok(warning.includes("redirect") && warning.includes("it is kept and sent again"), warning);
  assert.deepEqual(got.map((g) => g.method), ["POST"], "the redirect was not followed");
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem("kloudconsent-receipts") || "[]").length);
  assert.equal(kept, 1, "the receipt is kept for the next page load");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a receipt neither sent nor kept (the service down, localStorage full) says it is lost, not kept", async () => {
  const got = [];
  env.server.routes.set("/__down-full", async (req, res) => {
    for await (const chunk of req) got.push(String(chunk));
    res.writeHead(503, { "access-control-allow-origin": req.headers.origin || "*" });
    res.end();
  });
  const path = receiptsPage("receipts-full.html", { receiptUrl: `${env.server.url}/__down-full` });
  const { context, page } = await openPage(env);
  // A localStorage at its quota: every write throws, as Chromium's does.
  await context.addInitScript(() => {
    Storage.prototype.setItem = function () { throw new DOMException("The quota has been exceeded.", "QuotaExceededError"); };
  });
  await page.goto(env.server.url + path);
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await until(() => got.length === 1);
  await until(() => page.logs.some((l) => l.includes("could not send the consent receipt")));
  const warning = page.logs.find((l) => l.includes("could not send the consent receipt"));
  assert.ok(warning.includes("HTTP 503") && warning.includes("so it is lost") && !warning.includes("it is kept"), warning);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all", "the decision stands (the cookie)");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a receipt replaced by the visitor's newer decision while the service fails is not called lost", async () => {
  const got = [];
  env.server.routes.set("/__slow-down", async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    got.push(body);
    await new Promise((r) => setTimeout(r, 600));
    res.writeHead(503, { "access-control-allow-origin": req.headers.origin || "*" });
    res.end();
  });
  const path = receiptsPage("receipts-replaced.html", { receiptUrl: `${env.server.url}/__slow-down` });
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + path);
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await until(() => got.length === 1);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await until(() => page.logs.some((l) => l.includes("could not send the consent receipt")));
  const warning = page.logs.find((l) => l.includes("could not send the consent receipt"));
  assert.ok(warning.includes("it is kept and sent again") && !warning.includes("lost"), warning);
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem("kloudconsent-receipts")).map((k) => JSON.parse(k[1]).method));
  assert.deepEqual(kept, ["reject-all"]);
  await context.close();
});

// ---- clean-up scripts ----------------------------------------------------------

const cleanups = (page) => page.evaluate(() => window.__cleanups || []);
const settle = (page) => page.waitForTimeout(300);

test("clean-up scripts never run while undecided, under a privacy signal, or when the category is granted", async () => {
  for (const init of [undefined, withGpc]) {
    const { context, page } = await fresh("cleanup.html", { init });
    await settle(page);
    assert.deepEqual(await cleanups(page), [], init ? "signal" : "undecided");
    await context.close();
  }
  const { context, page } = await fresh("cleanup.html");
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  await reload(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  await settle(page);
  assert.deepEqual(await cleanups(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("clean-up scripts run on Reject all, once, and again on every page load while refused", async () => {
  const { context, page } = await fresh("cleanup.html");
  await button(banner(page), "Reject all").click();
  await page.waitForFunction(() => (window.__cleanups || []).length === 2);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await settle(page);
  assert.deepEqual(await cleanups(page), ["analytics", "marketing"], "at most once per page");
  for (let i = 0; i < 2; i++) {
    await reload(page);
    await page.waitForFunction(() => (window.__cleanups || []).length === 2);
    await settle(page);
    assert.deepEqual(await cleanups(page), ["analytics", "marketing"]);
  }
  assert.deepEqual(await gatedRuns(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("clean-up scripts run when a granted category is revoked, or a custom save leaves it out", async () => {
  {
    const { context, page } = await fresh("cleanup.html");
    await page.evaluate(() => window.kloudconsent.acceptAll());
    await settle(page);
    assert.deepEqual(await cleanups(page), []);
    await page.evaluate(() => window.kloudconsent.set({ analytics: false }));
    await page.waitForFunction(() => (window.__cleanups || []).length === 1);
    await settle(page);
    assert.deepEqual(await cleanups(page), ["analytics"]);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
  const { context, page } = await fresh("cleanup.html");
  await button(banner(page), "Manage preferences").click();
  await dialog(page).getByRole("switch", { name: "Marketing and communication" }).click();
  await button(dialog(page), "Save preferences").click();
  await page.waitForFunction(() => (window.__cleanups || []).length === 1);
  await settle(page);
  assert.deepEqual(await cleanups(page), ["analytics"]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("an embed allowed once does not come back on Back after Reject all (the browser gives a frame from the page's HTML its last URL); one allowed always loads", async () => {
  const { context, page } = await openPage(env);
  const loads = [];
  page.on("request", (r) => { if (r.url().includes("/fixtures/marketing/frame.html")) loads.push(new URL(r.url()).search); });
  // An unload listener keeps the page out of the back/forward cache, so
  // Back parses it anew, as it does for most pages in Firefox and for
  // pages sent with `Cache-Control: no-store`.
  const body = `<iframe id="once" data-consent="marketing" data-src="/fixtures/marketing/frame.html?once" width="300" height="170" title="Once"></iframe>
    <a id="next" href="/fixtures/plain.html">Next page</a>
    <script>addEventListener("unload", function () {});</script>`;
  await hostPage(env, page, { body });
  await waitReady(page);
  await page.getByRole("button", { name: "Allow once" }).click();
  await page.waitForFunction(() => document.getElementById("once").getAttribute("src"));
  await button(banner(page), "Reject all").click();
  await page.waitForFunction(() => window.kloudconsent.get()?.method === "reject-all");
  await page.waitForTimeout(300);
  assert.deepEqual(loads, ["?once"]);
  const frameUrl = () => page.evaluate(() => {
    const f = document.getElementById("once");
    try { return f.contentWindow.location.href; } catch { return "cross-origin"; }
  });
  await page.click("#next");
  await page.waitForURL(/plain\.html/);
  await page.goBack();
  await waitReady(page);
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => performance.getEntriesByType("navigation")[0].type), "back_forward",
    "the page was parsed anew on Back (not from the back/forward cache)");
  assert.deepEqual(loads, ["?once"], "not fetched again on Back");
  assert.equal(await frameUrl(), "about:blank");
  assert.equal(await page.evaluate(() => document.getElementById("once").hasAttribute("src")), false);

  // Allowed always: Back loads it (the browser may fetch it twice: the URL
  // it gives the frame back, then the widget's).
  await page.getByRole("button", { name: "Allow always" }).click();
  await page.waitForFunction(() => document.getElementById("once").getAttribute("src"));
  await page.click("#next");
  await page.waitForURL(/plain\.html/);
  loads.length = 0;
  await page.goBack();
  await waitReady(page);
  await page.waitForFunction(() => document.getElementById("once").getAttribute("src"));
  assert.ok(loads.length >= 1 && loads.every((l) => l === "?once"), String(loads));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("placeholders in boxes that scroll (a carousel, a panel) with a position of their own, as marketers.md advises, stay over their embeds as the box scrolls, and none shows outside it", async () => {
  const { context, page } = await openPage(env);
  const frame = (id) => `<div><iframe id="${id}" data-consent="marketing" data-src="/fixtures/marketing/frame.html?${id}" title="${id}"></iframe></div>`;
  await hostPage(env, page, {
    head: `<style>
      #car { display: flex; overflow-x: auto; scroll-snap-type: x mandatory; width: 660px; gap: 10px; position: relative; }
      #car > div { flex: 0 0 640px; scroll-snap-align: start; }
      #panel { height: 300px; width: 660px; overflow: auto; position: relative; border: 6px solid #333; }
      iframe { width: 640px; height: 240px; border: 0; display: block; }
    </style>`,
    body: `<div id="car">${frame("c0")}${frame("c1")}${frame("c2")}</div><div id="panel">${frame("p0")}${frame("p1")}${frame("p2")}</div>`,
  });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.hide());
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 6);
  const check = () => page.evaluate(() => {
    const out = [];
    for (const box of [document.getElementById("car"), document.getElementById("panel")]) {
      // What the box shows: inside its borders and scrollbar.
      const b = box.getBoundingClientRect(), left = b.left + box.clientLeft, top = b.top + box.clientTop;
      const k = { left, top, right: left + box.clientWidth, bottom: top + box.clientHeight };
      for (const f of box.querySelectorAll("iframe")) {
        const r = f.getBoundingClientRect(), ph = f.previousElementSibling, p = ph.getBoundingClientRect();
        if (Math.abs(p.x - r.x) > 1 || Math.abs(p.y - r.y) > 1) out.push(`${f.id}'s placeholder is ${Math.round(p.x - r.x)},${Math.round(p.y - r.y)} px off`);
        // Points of the embed's box outside the scrolling box show the page.
        for (const [x, y] of [[r.left + 20, r.top + 20], [r.right - 20, r.bottom - 20]]) {
          const inside = x > k.left && x < k.right && y > k.top && y < k.bottom;
          const hit = document.elementFromPoint(x, y);
          if (!inside && hit === ph) out.push(`${f.id}'s placeholder shows at ${Math.round(x)},${Math.round(y)}, outside its box`);
          if (inside && x < innerWidth && y < innerHeight && hit !== ph) out.push(`${f.id}'s placeholder missing at ${Math.round(x)},${Math.round(y)}`);
        }
      }
    }
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) out.push("the page scrolls sideways");
    return out;
  });
  assert.deepEqual(await check(), [], "before scrolling");
  await page.evaluate(() => {
    document.getElementById("car").scrollLeft = 650;
    document.getElementById("panel").scrollTop = 200;
  });
  await page.waitForTimeout(300);
  assert.deepEqual(await check(), [], "after scrolling both boxes");
  await page.getByRole("group", { name: "c1" }).getByRole("button", { name: "Allow once" }).click();
  await page.waitForFunction(() => document.getElementById("c1").getAttribute("src"));
  assert.equal(await page.evaluate(() => document.getElementById("c0").getAttribute("src")), null);

  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a placeholder whose text overflows its box is no Tab stop of its own (Firefox made the scrolling box one): Tab goes from the page to its two buttons and on", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {
    body: `<a id="before" href="#x">Before</a>
      <img id="map" data-consent="marketing" data-src="/fixtures/marketing/pixel.svg" alt="Office map" width="200" height="100">
      <a id="after" href="#y">After</a>`,
  });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.hide());
  await page.waitForFunction(() => document.querySelector("kloud-consent-placeholder"));
  const overflows = await page.evaluate(() => {
    const ph = document.querySelector("kloud-consent-placeholder").shadowRoot.querySelector(".ph");
    return ph.scrollHeight > ph.clientHeight;
  });
  assert.ok(overflows, "the text overflows the 200x100 box (the case that made a Tab stop)");
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return a.localName === "kloud-consent-placeholder" ? a.shadowRoot.activeElement.textContent || a.shadowRoot.activeElement.className : a.id;
  });
  await page.focus("#before");
  const order = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Tab");
    order.push(await focused());
  }
  assert.deepEqual(order, ["Allow once", "Allow always", "after"]);
  await context.close();
});

test("a carousel's hidden slides (aria-hidden, as Splide and Slick mark them) keep their placeholders' buttons out of Tab's order, and back in when shown", async () => {
  const { context, page } = await openPage(env);
  const slide = (id, hidden) => `<li class="slide"${hidden ? ' aria-hidden="true"' : ""}><iframe id="${id}" data-consent="marketing"
    data-src="/fixtures/marketing/frame.html?${id}" title="${id}"${hidden ? ' tabindex="-1"' : ""}></iframe></li>`;
  await hostPage(env, page, {
    head: `<style>
      .track { position: relative; overflow: hidden; width: 420px; }
      .list { display: flex; margin: 0; padding: 0; list-style: none; transition: none; }
      .slide { flex: 0 0 420px; }
      iframe { width: 400px; height: 225px; border: 0; display: block; }
    </style>`,
    body: `<div class="track"><ul class="list">${slide("s0", false)}${slide("s1", true)}${slide("s2", true)}</ul></div><a id="after" href="#x">After</a>`,
  });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.hide());
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 3);
  const focusedName = () => page.evaluate(() => {
    const a = document.activeElement;
    if (a.localName !== "kloud-consent-placeholder") return a.id || a.localName;
    return a.nextElementSibling.id + ":" + a.shadowRoot.activeElement.textContent;
  });
  await page.getByRole("group", { name: "s0" }).getByRole("button", { name: "Allow always" }).focus();
  await page.keyboard.press("Tab");
  assert.equal(await focusedName(), "after", "past the hidden slides");
  assert.equal(await page.evaluate(() => document.querySelector(".track").scrollLeft), 0, "the carousel's box did not scroll");
  // The carousel moves on: slide 1 shown, slide 0 hidden.
  await page.evaluate(() => {
    const [a, b] = document.querySelectorAll(".slide");
    a.setAttribute("aria-hidden", "true");
    a.querySelector("iframe").setAttribute("tabindex", "-1");
    b.removeAttribute("aria-hidden");
    b.querySelector("iframe").removeAttribute("tabindex");
    document.querySelector(".list").style.transform = "translateX(-420px)";
  });
  await page.waitForTimeout(200);
  await page.focus("#after");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focusedName(), "s1:Allow always");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await focusedName(), "s1:Allow once");
  await page.keyboard.press("Shift+Tab");
  assert.notEqual(await focusedName(), "s0:Allow always", "the slide now hidden is left out");
  await context.close();
});
