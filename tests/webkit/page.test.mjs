// The widget and the host page in WebKit: privacy signals (WebKit has no
// navigator.doNotTrack and no Global Privacy Control of its own, so only a
// page or an extension can set them), gated scripts (order, attributes,
// added later: MutationObserver), gated embeds and their placeholders, the
// events and the JS API, receipts (navigator.sendBeacon), a strict and a
// nonce Content-Security-Policy, and the wasm served with a wrong MIME type
// (no streaming compilation).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  launch, fresh, open, js, jsAsync, until, get, gatedRuns, eventNames, pageErrors, storedLocal, pageCookies,
  bannerShown, button, toolShown, toolGone, waitRuns, settle, hostPage, By,
} from "./webkit.mjs";
import { NONCE } from "../e2e/server.mjs";
import { insertLikeJqueryHtml } from "../e2e/page-copies.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const GATED_PAIR = `
<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>
<script type="text/plain" data-consent="marketing" src="/demo/marketing.js"></script>`;
const REFUSED = { necessary: true, analytics: false, functionality: false, security: true, marketing: false };
const widgetConsole = (d, type) => js(d, (type) => window.__console
  .filter((l) => l.startsWith(type + ": kloudconsent")), type);

// ---- privacy signals ----------------------------------------------------------

test("WebKit itself sends no signal: navigator.doNotTrack is absent, and the banner asks", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { body: GATED_PAIR }));
  const signals = await js(d, () => ({
    dntOnNavigator: "doNotTrack" in navigator, dntOnWindow: "doNotTrack" in window,
    gpc: "globalPrivacyControl" in navigator,
  }));
  assert.deepEqual(signals, { dntOnNavigator: false, dntOnWindow: false, gpc: false },
    "if WebKit ever adds one, the signal tests below should use it instead");
  assert.ok(await bannerShown(d));
  assert.equal(await get(d), null);
});

const SIGNALS = {
  // What a privacy extension (or Safari before 12.1) sets.
  "navigator.globalPrivacyControl": `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: function () { return true; } });`,
  "navigator.doNotTrack": `Object.defineProperty(Navigator.prototype, "doNotTrack", { get: function () { return "1"; } });`,
  "window.doNotTrack": `Object.defineProperty(window, "doNotTrack", { value: "1" });`,
};
for (const [name, setSignal] of Object.entries(SIGNALS)) {
  test(`${name}: optional categories denied, no banner, method "signal", nothing stored; an explicit choice wins`, async () => {
    const d = env.driver;
    const path = hostPage(env, { head: `<script>${setSignal}</script>`, body: GATED_PAIR });
    await fresh(env, path);
    await settle(d);
    assert.equal(await bannerShown(d), false);
    const state = await get(d);
    assert.equal(state.method, "signal");
    assert.deepEqual(state.categories, REFUSED);
    assert.deepEqual(await gatedRuns(d), []);
    assert.equal(await storedLocal(d), null);
    assert.deepEqual(await pageCookies(d), []);
    // The tool stays reachable; a choice there is stored and beats the signal.
    await js(d, () => window.kloudconsent.show());
    await toolShown(d);
    await (await button(d, "[role=dialog]", "Accept all")).click();
    await waitRuns(d, 2);
    await open(env, path);
    assert.equal((await get(d)).method, "accept-all");
    assert.deepEqual(await pageErrors(d), []);
  });
}

// ---- gated scripts --------------------------------------------------------------

/**
 * Runs `fn` with /fixtures/gated/slow.js held back 400 ms, so that a gated
 * script released after it that did not wait for it would overtake it.
 */
async function withSlowScript(fn) {
  env.server.routes.set("/fixtures/gated/slow.js", async (req, res, url, next) => {
    await new Promise((r) => setTimeout(r, 400));
    return next();
  });
  try {
    await fn();
  } finally {
    env.server.routes.delete("/fixtures/gated/slow.js");
  }
}

test("gated scripts run in document order (a slow external one before the inline one after it), each once", async () => {
  const d = env.driver;
  await withSlowScript(async () => {
    await fresh(env, hostPage(env, { body: `
      <script type="text/plain" data-consent="analytics" src="/fixtures/gated/slow.js"></script>
      <script type="text/plain" data-consent="analytics">window.__order = (window.__order || []).concat("inline-2");</script>
      <script type="text/plain" data-consent="marketing">window.__order = (window.__order || []).concat("marketing-3");</script>
      <script type="text/plain" data-consent="analytics marketing">window.__order = (window.__order || []).concat("both-4");</script>` }));
    await js(d, () => window.kloudconsent.set({ analytics: true }));
    await until(d, () => (window.__order || []).length === 2, "two scripts");
    await settle(d);
    assert.deepEqual(await js(d, () => window.__order), ["external-1", "inline-2"]);
    await js(d, () => window.kloudconsent.set({ marketing: true }));
    await until(d, () => (window.__order || []).length === 4, "four scripts");
    await js(d, () => window.kloudconsent.acceptAll());
    await settle(d);
    assert.deepEqual(await js(d, () => window.__order), ["external-1", "inline-2", "marketing-3", "both-4"]);
    assert.deepEqual(await pageErrors(d), []);
  });
});

test("an activated script keeps id, async, crossorigin, integrity and data attributes", async () => {
  const d = env.driver;
  const body = readFileSync(new URL("../e2e/pages/gated/attrs.js", import.meta.url));
  const integrity = "sha256-" + createHash("sha256").update(body).digest("base64");
  await fresh(env, hostPage(env, { body: `
    <script type="text/plain" data-consent="analytics" src="/fixtures/gated/attrs.js" id="tag-1"
            async crossorigin="anonymous" integrity="${integrity}" data-extra="kept"></script>` }));
  await (await button(d, ".kc-banner", "Accept all")).click();
  const attrs = await until(d, () => window.__attrs, "the gated script");
  assert.equal(attrs.id, "tag-1");
  assert.equal(attrs.async, true);
  assert.equal(attrs.crossOrigin, "anonymous");
  assert.equal(attrs.integrity, integrity);
  assert.equal(attrs.extra, "kept");
  assert.notEqual(attrs.type, "text/plain");
});

test("released scripts (inline, external with and without async, modules) each run once, in order, with the site's onload; a copy of their HTML run as jQuery's .html() does runs none, also after Reject all", async () => {
  const d = env.driver;
  await withSlowScript(async () => {
    await fresh(env, hostPage(env, { body: `
      <div id="region">
        <script type="text/plain" data-consent="analytics" src="/fixtures/gated/slow.js" onload="window.__onload = true"></script>
        <script type="text/plain" data-consent="analytics">window.__order = (window.__order || []).concat("inline-2");</script>
        <script type="text/plain" data-consent="analytics" async src="/fixtures/gated/named.js?name=async"></script>
        <script type="text/plain" data-consent="analytics" data-type="module">window.__order = (window.__order || []).concat("module");</script>
        <script type="text/plain" data-consent="analytics" data-type="module" src="/fixtures/gated/named.js?name=module-src"></script>
      </div>
      <div id="copy"></div>` }));
    await (await button(d, ".kc-banner", "Accept all")).click();
    await until(d, () => (window.__order || []).length === 3 && (window.__gatedRuns || []).length === 2 && window.__onload, "every script");
    const copy = async () => js(d, insertLikeJqueryHtml, await js(d, () => document.getElementById("region").innerHTML));
    await copy();
    await js(d, () => window.kloudconsent.rejectAll());
    await copy();
    await settle(d);
    assert.deepEqual(await js(d, () => window.__order.slice(0, 2)), ["external-1", "inline-2"]);
    assert.deepEqual((await js(d, () => window.__order)).sort(), ["external-1", "inline-2", "module"]);
    assert.deepEqual((await gatedRuns(d)).sort(), ["async", "named"], "a module has no currentScript: named.js records \"named\"");
    assert.deepEqual(await pageErrors(d), []);
  });
});

test("gated tags added later wait for consent or run at once; an unknown category never runs and warns", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, {}));
  const add = (category, value) => js(d, (c, v) => {
    const s = document.createElement("script");
    s.type = "text/plain";
    s.dataset.consent = c;
    s.textContent = `window.__late = (window.__late || []).concat(${JSON.stringify(v)});`;
    document.body.appendChild(s);
  }, category, value);
  await add("analytics", "early");
  await settle(d);
  assert.equal(await js(d, () => window.__late), null, "not before consent");
  await js(d, () => window.kloudconsent.set({ analytics: true }));
  await until(d, () => (window.__late || []).length === 1, "the early tag");
  await add("analytics", "after");
  await add("marketing", "denied");
  await add("advertising", "unknown");
  await until(d, () => (window.__late || []).length === 2, "the late tag");
  await settle(d);
  assert.deepEqual(await js(d, () => window.__late), ["early", "after"]);
  const warnings = (await widgetConsole(d, "warn")).filter((l) => l.includes("advertising"));
  assert.equal(warnings.length, 1, warnings.join("\n"));
});

// ---- gated embeds -----------------------------------------------------------------

const EMBEDS = `
  <iframe id="video" data-consent="marketing" data-src="/fixtures/marketing/frame.html"
          width="480" height="270" title="Product tour video"></iframe>
  <p>An inline chart <img id="chart" data-consent="analytics" data-src="/fixtures/marketing/pixel.svg"
     width="160" height="90" alt="Visitors chart"> in a sentence.</p>`;
const embedState = (d) => js(d, () => Object.fromEntries(["video", "chart"].map((id) => {
  const el = document.getElementById(id);
  const prev = el.previousElementSibling;
  const host = prev && prev.localName === "kloud-consent-placeholder" ? prev : null;
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); };
  return [id, { box: box(el), placeholder: host && box(host), src: el.getAttribute("src"),
    text: host && host.shadowRoot.textContent }];
})));
const placeholderButton = async (d, id, name) => {
  const host = await d.findElement(By.xpath(`//*[@id="${id}"]/preceding-sibling::*[1]`));
  for (const b of await (await host.getShadowRoot()).findElements(By.css("button"))) {
    if ((await b.getText()).trim() === name) {
      // A small placeholder scrolls: its buttons may sit below its edge, as
      // a visitor sees them. WebKit's driver does not scroll the box for the
      // click (it refuses one whose centre is outside); the visitor would.
      await d.executeScript("arguments[0].scrollIntoView({ block: 'nearest' })", b);
      return b;
    }
  }
  throw new Error(`no ${name} on the placeholder of #${id}`);
};

for (const csp of ["", "?csp=strict"]) {
  test(`embeds: same-size placeholders; Allow once loads one for this page; Allow always stores it${csp && " (strict CSP)"}`, async () => {
    const d = env.driver;
    const path = hostPage(env, { head: `<link rel="stylesheet" href="/fixtures/marketing/embeds.css">`, body: EMBEDS });
    await fresh(env, path + csp);
    await until(d, () => document.querySelectorAll("kloud-consent-placeholder").length === 2, "two placeholders");
    const blocked = await embedState(d);
    for (const id of ["video", "chart"]) {
      assert.equal(blocked[id].src, null, `${id} has no src`);
      assert.deepEqual(blocked[id].placeholder, blocked[id].box, `${id}: the placeholder covers exactly its box`);
    }
    assert.deepEqual(blocked.video.box.slice(2), [484, 274]);
    assert.match(blocked.video.text, /allow Marketing and communication cookies/);
    assert.match(blocked.chart.text, /allow Performance and analytics cookies/);

    await (await placeholderButton(d, "video", "Allow once")).click();
    await until(d, () => document.getElementById("video").getAttribute("src"), "the video's src");
    let s = await embedState(d);
    assert.equal(s.video.placeholder, null);
    assert.deepEqual(s.video.box, blocked.video.box, "same box before and after");
    assert.equal(await js(d, () => document.activeElement.id), "video", "focus moves to the content");
    assert.equal(await get(d), null, "Allow once stores nothing");
    assert.deepEqual(s.chart, blocked.chart);

    await (await placeholderButton(d, "chart", "Allow always")).click();
    await until(d, () => window.kloudconsent.get() !== null, "a decision");
    assert.equal((await get(d)).categories.analytics, true);
    s = await embedState(d);
    assert.equal(s.chart.src, "/fixtures/marketing/pixel.svg");
    assert.deepEqual(s.chart.box, blocked.chart.box);
    // Revoking puts the placeholder back.
    await js(d, () => window.kloudconsent.set({ analytics: false }));
    await until(d, () => document.querySelectorAll("kloud-consent-placeholder").length === 1, "the placeholder back");
    assert.deepEqual((await embedState(d)).chart, blocked.chart);
    assert.deepEqual(await js(d, () => window.__violations), []);
    assert.deepEqual(await pageErrors(d), []);
  });
}

test("an embed added later is gated the same way", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, {}));
  await js(d, () => {
    const f = document.createElement("iframe");
    f.id = "late";
    f.dataset.consent = "marketing";
    f.dataset.src = "/fixtures/marketing/frame.html";
    document.body.append(f);
  });
  await until(d, () => document.querySelectorAll("kloud-consent-placeholder").length === 1, "a placeholder");
  assert.equal(await js(d, () => document.getElementById("late").getAttribute("src")), null);
  await js(d, () => window.kloudconsent.acceptAll());
  await until(d, () => document.getElementById("late").getAttribute("src"), "the src");
});

// ---- events and API ----------------------------------------------------------------

test("set() keeps ids not named; accepted() follows; change lists what changed; reset() asks again", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { body: GATED_PAIR }));
  await js(d, () => window.kloudconsent.set({ analytics: true }));
  await waitRuns(d, 1);
  await js(d, () => window.kloudconsent.set({ marketing: true }));
  await waitRuns(d, 2);
  const state = await get(d);
  assert.equal(state.method, "custom");
  assert.deepEqual(state.categories, { ...REFUSED, analytics: true, marketing: true });
  assert.equal(await js(d, () => window.kloudconsent.accepted("marketing")), true);
  const changes = await js(d, () => window.__events.filter((e) => e.name === "change").map((e) => e.detail.changed));
  assert.deepEqual(changes, [["analytics"], ["marketing"]]);
  await js(d, () => window.kloudconsent.reset());
  assert.equal(await get(d), null);
  assert.equal(await storedLocal(d), null);
  assert.deepEqual(await pageCookies(d), []);
  assert.ok(await bannerShown(d));
  assert.deepEqual(await pageErrors(d), []);
});

test("on() with or without the prefix, unsubscribe, a late ready; ready and consent on each load", async () => {
  const d = env.driver;
  const path = hostPage(env, {});
  await fresh(env, path);
  const result = await jsAsync(d, async () => {
    const seen = [];
    const off1 = window.kloudconsent.on("change", (x) => seen.push(["change", x.method, x.changed]));
    const off2 = window.kloudconsent.on("kloudconsent:consent", (x) => seen.push(["consent", x.method]));
    const late = await new Promise((r) => window.kloudconsent.on("ready", (x) => r(x)));
    window.kloudconsent.rejectAll();
    off1(); off2();
    window.kloudconsent.acceptAll();
    return { seen, late };
  });
  assert.deepEqual(result, { seen: [["change", "reject-all", []], ["consent", "reject-all"]], late: null });
  await open(env, path);
  assert.deepEqual(await eventNames(d), ["ready", "consent"]);
  const [ready, consent] = await js(d, () => window.__events.map((e) => e.detail));
  assert.equal(ready.method, "accept-all");
  assert.deepEqual(ready, consent);
});

test("a page listener that throws does not break the widget; hide() closes the tool", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { body: `${GATED_PAIR}<script>
    window.addEventListener("kloudconsent:change", function () { throw new Error("page bug"); });
  </script>` }));
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 2);
  assert.equal(await bannerShown(d), false);
  assert.deepEqual(await pageErrors(d), ["Error: page bug"], "the page's own error, nothing of ours");
  await d.findElement(By.css("#open-prefs")).click();
  await toolShown(d);
  await js(d, () => window.kloudconsent.hide());
  await toolGone(d);
});

test("each decision is sent as a receipt through navigator.sendBeacon", async () => {
  const d = env.driver;
  env.server.receipts.length = 0;
  await fresh(env, hostPage(env, { config: { receiptUrl: "/__receipts" } }));
  await (await button(d, ".kc-banner", "Accept all")).click();
  await d.wait(() => env.server.receipts.length === 1, 10000, "the receipt");
  const [receipt] = env.server.receipts;
  assert.equal(receipt.method, "POST");
  assert.match(receipt.type, /^text\/plain;charset=UTF-8$/i);
  const body = JSON.parse(receipt.body);
  assert.equal(body.id, (await get(d)).id);
  assert.equal(body.method, "accept-all");
  assert.deepEqual(await widgetConsole(d, "warn"), []);
});

// ---- Content-Security-Policy ------------------------------------------------------

test("strict CSP: banner, styles, the lazily loaded tool, a decision and gated scripts work; no violation", async () => {
  const d = env.driver;
  const path = hostPage(env, { body: GATED_PAIR });
  await fresh(env, path + "?csp=strict");
  assert.ok(await bannerShown(d));
  assert.equal(await js(d, () => getComputedStyle(document.querySelector("kloud-consent").shadowRoot
    .querySelector(".kc-banner")).position), "absolute", "the adopted stylesheet applies");
  await (await button(d, ".kc-banner", "Manage preferences")).click();
  const root = await toolShown(d);
  assert.equal(await js(d, () => getComputedStyle(document.querySelector("kloud-consent").shadowRoot
    .querySelector(".kc-dialog-head")).display), "flex", "the tool's own sheet applies");
  await (await root.findElement(By.css("#kc-switch-analytics"))).click();
  await (await button(d, "[role=dialog]", "Save preferences")).click();
  await waitRuns(d, 1);
  await open(env, path + "?csp=strict");
  await waitRuns(d, 1);
  assert.deepEqual(await gatedRuns(d), ["analytics"]);
  assert.deepEqual(await js(d, () => window.__violations), []);
  assert.deepEqual(await pageErrors(d), []);
  assert.deepEqual(await widgetConsole(d, "error"), []);
});

test("nonce CSP: the embed tag's nonce lets activated inline gated scripts run; without it they are blocked", async () => {
  const d = env.driver;
  const body = `
    <script type="text/plain" data-consent="analytics">window.__gatedRuns = (window.__gatedRuns || []).concat("inline-analytics");</script>
    <script type="text/plain" data-consent="marketing" src="/demo/marketing.js"></script>
    <script type="text/plain" data-consent="!analytics">window.__gatedRuns = (window.__gatedRuns || []).concat("inline-cleanup");</script>`;
  await fresh(env, hostPage(env, { scriptAttrs: `nonce="${NONCE}"`, body }) + "?csp=nonce");
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 2);
  assert.deepEqual(await gatedRuns(d), ["inline-analytics", "marketing"]);
  await js(d, () => window.kloudconsent.set({ analytics: false }));
  await until(d, () => (window.__gatedRuns || []).includes("inline-cleanup"), "the clean-up script");
  assert.deepEqual(await js(d, () => window.__violations), []);

  // Control: the same page without the nonce on the embed tag.
  await fresh(env, hostPage(env, { body }) + "?csp=nonce");
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 1);
  await until(d, () => window.__violations.length > 0, "a violation");
  assert.deepEqual(await gatedRuns(d), ["marketing"]);
  assert.match((await js(d, () => window.__violations))[0], /^script-src/);
});

// ---- wasm delivery ---------------------------------------------------------------------

test("wasm served without application/wasm (no streaming compilation) still boots, with one warning per module naming it", async () => {
  const d = env.driver;
  for (const file of ["/kloudconsent_bg.wasm", "/kloudconsent-tool_bg.wasm"]) {
    env.server.routes.set(file, async (req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "cache-control": "no-store" });
      res.end(readFileSync(new URL("../../dist" + file, import.meta.url)));
    });
  }
  try {
    await fresh(env, hostPage(env, { body: GATED_PAIR }));
    assert.ok(await bannerShown(d));
    await (await button(d, ".kc-banner", "Manage preferences")).click();
    await toolShown(d);
    await (await button(d, "[role=dialog]", "Accept all")).click();
    await waitRuns(d, 2);
    assert.deepEqual(await pageErrors(d), []);
    // The glue says why it fell back, once per module, naming it; nothing else.
    const logs = await js(d, () => window.__console);
    assert.equal(logs.length, 2, logs.join("\n"));
    assert.match(logs[0], /^warn: kloudconsent: http:\/\/\S+\/kloudconsent_bg\.wasm is not served as application\/wasm; /);
    assert.match(logs[1], /^warn: kloudconsent: http:\/\/\S+\/kloudconsent-tool_bg\.wasm is not served as application\/wasm; /);
  } finally {
    env.server.routes.delete("/kloudconsent_bg.wasm");
    env.server.routes.delete("/kloudconsent-tool_bg.wasm");
  }
});
