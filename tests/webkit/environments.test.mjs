// Host environments where engines differ, in WebKit: a sandboxed iframe
// (opaque origin: WebKit refuses storage and cookies there), a host page whose
// CSS styles *, div and button with !important (WebKit's cascade across the
// shadow boundary), the tag embedded twice or injected late, the widget's
// frame following window.visualViewport when the window changes size, and a
// page's CSS zoom (WebKit has no currentCSSZoom), and a word wider than a
// button row (no hyphenation for it here).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, resizeWindow, fresh, clear, js, jsAsync, until, get, gatedRuns, eventNames, pageErrors, bannerShown, button,
  toolShown, toolGone, waitRuns, settle, hostPage, By,
} from "./webkit.mjs";
import { buttonsOnScreen, ON_SCREEN } from "../e2e/focus-probe.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => {
  await env?.driver.manage().window().setRect({ x: 128, y: 128, width: 1024, height: 768 }).catch(() => {});
  await env?.close();
});

test("in a sandboxed iframe (opaque origin, storage and cookies refused, srcdoc, data-config) the widget works", async () => {
  const d = env.driver;
  await d.get(env.server.url + "/fixtures/sandbox.html");
  const frame = await d.findElement(By.css("#frame"));
  await d.switchTo().frame(frame);
  try {
    await d.wait(async () => (await d.findElements(By.css("kloud-consent"))).length === 1, 20000, "the framed banner");
    await until(d, () => !!window.kloudconsent, "the API in the frame");
    assert.equal(await get(d), null);
    await (await button(d, ".kc-banner", "Accept all")).click();
    await waitRuns(d, 1);
    assert.equal((await get(d)).method, "accept-all");
    assert.equal(await bannerShown(d), false);
  } finally {
    await d.switchTo().defaultContent();
  }
});

test("aggressive host CSS on *, div and button does not change the widget (computed styles and boxes)", async () => {
  const d = env.driver;
  const PROPS = [
    "display", "position", "visibility", "opacity", "transform", "color", "background-color",
    "font-family", "font-size", "font-style", "font-weight", "font-variant-caps", "line-height",
    "letter-spacing", "word-spacing", "text-transform", "text-indent", "text-shadow", "text-align",
    "direction", "white-space", "cursor", "border-top-style", "border-top-width", "padding-top",
    "padding-left", "margin-top", "box-sizing", "pointer-events", "-webkit-text-fill-color",
  ];
  const snapshot = () => jsAsync(d, async (props) => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    await Promise.all(root.getAnimations().map((a) => a.finished));
    return [...root.querySelectorAll("*")].map((el) => {
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        el: el.localName + "." + el.getAttribute("class"),
        box: [r.x, r.y, r.width, r.height].map(Math.round).join(","),
        ...Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)])),
      };
    });
  }, PROPS);
  const states = {};
  const plainPage = hostPage(env, {});
  const hostilePage = hostPage(env, { head: `<link rel="stylesheet" href="/fixtures/hostile.css">` });
  for (const path of [plainPage, hostilePage]) {
    await fresh(env, path);
    const bannerState = await snapshot();
    await (await button(d, ".kc-banner", "Manage preferences")).click();
    await toolShown(d);
    states[path] = { bannerState, dialogState: await snapshot() };
    await (await button(d, "[role=dialog]", "Reject all")).click();
    await toolGone(d);
    assert.deepEqual(await pageErrors(d), []);
  }
  const [plain, hostile] = [states[plainPage], states[hostilePage]];
  assert.ok(plain.bannerState.length > 5 && plain.dialogState.length > 20);
  // Every element's every property, as "layer element property: plain vs hostile".
  const diffs = [];
  for (const layer of ["bannerState", "dialogState"]) {
    assert.equal(hostile[layer].length, plain[layer].length, `${layer}: the same elements`);
    plain[layer].forEach((el, i) => {
      for (const [prop, value] of Object.entries(el)) {
        if (hostile[layer][i][prop] !== value) diffs.push(`${layer} ${el.el} ${prop}: ${value} vs ${hostile[layer][i][prop]}`);
      }
    });
  }
  assert.deepEqual(diffs, []);
});

test("embedded twice: one widget, each gated script runs once", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, {
    head: `<script src="/kloudconsent.js" defer></script><script src="/kloudconsent.js"></script>`,
    body: `<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>
      <script type="text/plain" data-consent="marketing" src="/demo/marketing.js"></script>`,
  }));
  assert.equal((await d.findElements(By.css("kloud-consent"))).length, 1);
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 2);
  await settle(d);
  assert.deepEqual(await gatedRuns(d), ["analytics", "marketing"]);
  assert.deepEqual(await eventNames(d), ["ready", "change", "consent"]);
  assert.deepEqual(await pageErrors(d), []);
});

test("injected after the load event: works the same", async () => {
  const d = env.driver;
  await clear(env);
  // A page of its own with no tag: the test injects it once loaded.
  env.server.routes.set("/fixtures/webkit-late.html", async (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><script src="/fixtures/record.js"></script></head><body>
      <script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script></body></html>`);
  });
  await d.get(env.server.url + "/fixtures/webkit-late.html");
  await until(d, () => document.readyState === "complete", "load");
  await js(d, () => {
    const s = document.createElement("script");
    s.src = "/kloudconsent.js";
    document.body.appendChild(s);
  });
  await until(d, () => window.__events.some((e) => e.name === "ready"), "ready");
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 1);
  assert.deepEqual(await pageErrors(d), []);
});

test("the widget's frame follows window.visualViewport when the window is resized; the banner stays inside", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { body: "<p>text</p>".repeat(100) }));
  const geometry = () => js(d, () => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    const f = root.querySelector(".kc-frame").getBoundingClientRect();
    const b = root.querySelector(".kc-banner").getBoundingClientRect();
    const v = window.visualViewport;
    return {
      frame: [f.left, f.top, f.width, f.height].map(Math.round),
      viewport: [v.offsetLeft, v.offsetTop, v.width, v.height].map(Math.round),
      bannerInside: b.left >= f.left && b.right <= f.right && b.top >= f.top && b.bottom <= f.bottom,
    };
  });
  for (const [width, height] of [[1024, 768], [480, 600]]) {
    await resizeWindow(d, width, height);
    await d.wait(async () => {
      const g = await geometry();
      return g.frame.join() === g.viewport.join();
    }, 10000, `the frame at ${width}×${height}`);
    assert.ok((await geometry()).bannerInside);
  }
  assert.deepEqual(await pageErrors(d), []);
});

// A short, wide window (a phone turned sideways): the banner's buttons stand
// in one column beside the text, so it leaves most of the window in sight.
test("a short, wide window: the buttons beside the text in equal widths, the banner under half the window", async () => {
  const d = env.driver;
  await resizeWindow(d, 900, 440);
  await fresh(env, hostPage(env, { body: "<p>text</p>".repeat(40) }));
  await until(d, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-banner"), "the banner");
  await settle(d);
  const shape = await js(d, () => {
    const host = document.querySelector("kloud-consent"), root = host.shadowRoot;
    const bar = root.querySelector(".kc-banner").getBoundingClientRect();
    const text = root.querySelector(".kc-banner-text").getBoundingClientRect();
    const buttons = [...root.querySelectorAll(".kc-banner button")].map((b) => b.getBoundingClientRect());
    return {
      short: host.hasAttribute("data-kc-short") && innerHeight < 481 && innerWidth >= 640,
      share: bar.height / innerHeight,
      beside: buttons.every((r) => r.left >= text.right),
      columns: new Set(buttons.map((r) => `${Math.round(r.left)} ${Math.round(r.width)}`)).size,
    };
  });
  assert.ok(shape.short, "precondition: a short, wide window");
  assert.ok(shape.share < 0.5, `the banner covers ${Math.round(shape.share * 100)}% of the window`);
  assert.deepEqual([shape.beside, shape.columns], [true, 1]);
  await (await button(d, ".kc-banner", "Reject all")).click();
  await until(d, () => window.kloudconsent.get()?.method === "reject-all", "Reject all");
  assert.deepEqual(await gatedRuns(d), []);
  assert.deepEqual(await pageErrors(d), []);
  await resizeWindow(d, 1024, 768);
});

// A word wider than a whole button row, where WebKit on Linux has no
// hyphenation for it: the button stays in its row and the word breaks. It
// had been as wide as the word, past the banner's edge, and in the tool's
// foot past the screen's left edge. 180 CSS px is a 360 px phone at 200%
// zoom; the page is an iframe of that size (MiniBrowser's window cannot be
// that narrow).
test("a site's word wider than a button row, 180 px wide: the banner's and the tool's buttons stay on the screen", async () => {
  const d = env.driver;
  const config = { language: "de", texts: { manage: "Datenschutzeinstellungen verwalten", save: "Datenschutzeinstellungen speichern" } };
  // The host page's own heading made that page scroll sideways at 180 px,
  // which is not the widget's to answer for: a smaller one.
  const inner = hostPage(env, { config, head: '<meta name="viewport" content="width=device-width, initial-scale=1"><style>h1 { font-size: 1em }</style>' });
  const outer = "/fixtures/webkit-narrow-frame.html";
  env.server.routes.set(outer, async (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html><body style="margin:0"><iframe id="f" src="${inner}" style="border:0;width:180px;height:370px"></iframe>`);
  });
  await clear(env);
  await d.get(env.server.url + outer);
  await d.switchTo().frame(await d.findElement(By.id("f")));
  try {
    await until(d, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-banner .kc-actions button"), "the banner", 20000);
    await settle(d);
    assert.deepEqual(await js(d, buttonsOnScreen), ON_SCREEN);
    await js(d, () => window.kloudconsent.show());
    await until(d, () => !!document.querySelector("kloud-consent").shadowRoot.querySelector("[role=dialog] [role=switch]"), "the tool", 20000);
    await settle(d);
    assert.deepEqual(await js(d, buttonsOnScreen), ON_SCREEN);
    assert.deepEqual(await pageErrors(d), []);
  } finally {
    await d.switchTo().defaultContent();
  }
});

// WebKit reports the unzoomed boxes from getBoundingClientRect under a page's
// zoom, so this test asks what a visitor meets: what is drawn at the bottom
// of the window, and whether Accept all and the tool's Save take a click
// (before the fix, the banner lay below the window and WebDriver could not
// click it).
test("a page's zoom on <html> or <body> leaves the banner and the tool on the screen and clickable", async () => {
  const d = env.driver;
  await resizeWindow(d, 1024, 768);
  for (const css of ["html { zoom: 1.25 }", "html { zoom: 0.8 }", "body { zoom: 2 }"]) {
    await fresh(env, hostPage(env, { head: `<style>${css}</style>`, body: "<p>text</p>".repeat(40) }));
    await until(d, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-banner"), "the banner");
    await settle(d);
    const atBottom = await js(d, () => document.elementFromPoint(innerWidth / 2, innerHeight - 40)?.localName);
    assert.equal(atBottom, "kloud-consent", `${css}: the banner is drawn at the bottom of the window`);
    if (css.startsWith("body")) {
      await (await button(d, ".kc-banner", "Manage preferences")).click();
      await toolShown(d);
      await settle(d);
      const centre = await js(d, () => document.elementFromPoint(innerWidth / 2, innerHeight / 2)?.localName);
      assert.equal(centre, "kloud-consent", `${css}: the tool covers the middle of the window`);
      await (await button(d, "[role=dialog]", "Save preferences")).click();
      await toolGone(d);
      assert.equal((await get(d)).method, "custom", css);
    } else {
      await (await button(d, ".kc-banner", "Accept all")).click();
      await until(d, () => window.kloudconsent.get() !== null, `${css}: the decision`);
    }
  }
  assert.deepEqual(await pageErrors(d), []);
});

// Stop 63's WebKit review: WebKit (no currentCSSZoom) reports a box under
// the page's `zoom` divided by it, so a focused link under the banner or
// the reopen button looked clear of it and stayed hidden (WCAG 2.4.11).
test("a page's zoom (1.5 on <html>): a focused link under the banner, or under a reopen button at the middle of a side, is moved clear of", async () => {
  const d = env.driver;
  await resizeWindow(d, 1024, 700);
  const fixed = "<style>html, body { margin: 0; height: 100%; overflow: hidden } html { zoom: 1.5 }</style>";
  for (const [config, where] of [[undefined, "bottom: 20px"], [{ reopenButton: { position: "left" } }, "top: calc(50% - 6px)"]]) {
    await fresh(env, hostPage(env, { config, head: fixed,
      body: `<a id="t" href="#t" style="position: absolute; left: 6px; ${where}; font-size: 14px">A link</a>` }));
    if (config) {
      await (await button(d, ".kc-banner", "Reject all")).click();
      await until(d, () => !!document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-reopen:not([hidden])"), "the reopen button");
    }
    await settle(d);
    await js(d, () => document.getElementById("t").focus());
    await settle(d);
    // Where the link is drawn (its reported box is 1.5 times too small):
    // a line through it, under the widget's left end, meets it.
    const hits = await js(d, () => {
      const link = document.getElementById("t"), seen = [];
      for (let y = 0; y < innerHeight; y += 2) {
        const hit = document.elementFromPoint(30, y);
        if (hit === link || hit?.localName === "kloud-consent") seen.push(hit.localName);
      }
      return seen;
    });
    assert.ok(hits.includes("a"), `${JSON.stringify(config)}: the focused link is seen (${hits.length} points, all on the widget)`);
  }
  assert.deepEqual(await pageErrors(d), []);
});
