// The banner sits over the page without moving it, and the page under it
// keeps working (the banner is not modal; only the preference tool is).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, banner, button, hostPage, chromiumOnly, GATED_PAIR, gatedRuns } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

test("showing the banner causes no layout shift and the page stays usable", async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
    const { context, page } = await openPage(env, { viewport });
    await context.addInitScript(() => {
      window.__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    await page.goto(env.server.url + "/");
    await waitReady(page);
    await banner(page).waitFor();
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.__cls), 0, `CLS at ${viewport.width}px`);
    // The page under the banner still takes clicks.
    await page.evaluate(() => { window.__clicked = 0; document.querySelector(".cta").addEventListener("click", (e) => { e.preventDefault(); window.__clicked++; }); });
    await page.click(".cta");
    assert.equal(await page.evaluate(() => window.__clicked), 1);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test("the host element takes no space in the page flow", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  const box = await page.evaluate(() => {
    const r = document.querySelector("kloud-consent").getBoundingClientRect();
    return { w: r.width, h: r.height };
  });
  assert.deepEqual(box, { w: 0, h: 0 });
  await context.close();
});

// Text sizes follow the visitor's default font size (the browser's
// setting, `medium`), never the page's own root font size: at the default
// 16 px they are the designed pixel sizes, at 24 px one and a half times
// them, and a page that sets `html { font-size: 10px }` changes nothing.
test("text sizes: the designed px at the browser's default, scaled with the visitor's larger default, deaf to the page's root font size", chromiumOnly("sets the browser's default font size through Chromium's DevTools protocol"), async () => {
  const config = {
    categories: [
      { id: "necessary", required: true, label: "Necessary", description: "Needed.",
        cookies: [{ name: "sid", provider: "KloudStack", purpose: "Session", duration: "session" }] },
      { id: "analytics", label: "Analytics", description: "Counts visits.", provider: "KloudStack",
        services: [{ id: "ga", label: "Google Analytics" }] },
    ],
  };
  const sizes = (page) => page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    const px = (selector) => {
      const el = root.querySelector(selector);
      return el ? parseFloat(getComputedStyle(el).fontSize) : null;
    };
    return {
      body: px(".kc-body"), title: px(".kc-title"), button: px(".kc-btn"),
      toolTitle: px(".kc-dialog-head .kc-title"), label: px(".kc-cat > .kc-cat-head .kc-cat-label"),
      service: px(".kc-service .kc-cat-label"), alwaysOn: px(".kc-always-on"), summary: px(".kc-cookies summary"),
      table: px(".kc-table"), caption: px(".kc-table caption"), code: px(".kc-table code"),
    };
  });
  const designed = { body: 15, title: 17, button: 15, toolTitle: 19, label: 16, service: 15, alwaysOn: 13,
    summary: 14, table: 13, caption: 13, code: 12 };
  for (const [standard, head] of [[16, ""], [24, ""], [16, "<style>html { font-size: 10px }</style>"]]) {
    const { context, page } = await openPage(env, { viewport: { width: 1280, height: 900 } });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard } });
    // Stop 47's review: an embed's placeholder kept 14 px whatever the
    // visitor's default size (12 px on a small embed).
    await hostPage(env, page, { config, head, body: `
      <iframe data-consent="analytics" data-src="/fixtures/marketing/frame.html" width="480" height="270"></iframe>
      <iframe data-consent="analytics" data-src="/fixtures/marketing/frame.html" width="240" height="135"></iframe>` });
    await waitReady(page);
    await banner(page).waitFor();
    await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 2);
    const placeholders = await page.evaluate(() => [...document.querySelectorAll("kloud-consent-placeholder")]
      .map((p) => parseFloat(getComputedStyle(p.shadowRoot.querySelector(".ph")).fontSize)));
    assert.deepEqual(placeholders.map((px) => Math.round(px * 10) / 10), [14, 12].map((px) => px * standard / 16),
      `placeholders at ${standard} px ${head}`);
    const banner16 = await sizes(page);
    await page.evaluate(() => window.kloudconsent.show());
    await page.waitForFunction(() => document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-table"));
    const all = { ...await sizes(page), body: banner16.body, title: banner16.title, button: banner16.button };
    for (const [key, px] of Object.entries(designed)) {
      assert.ok(Math.abs(all[key] - px * standard / 16) < 0.1, `${key} at ${standard} px ${head}: ${all[key]} px`);
    }
    await context.close();
  }
});

test("a page's transform, filter, will-change or contain on <body> never carries the banner or the tool off the screen", async () => {
  // Each makes <body> the box that `position: fixed` inside it is placed in:
  // the widget sits after <body> so that none of them encloses it.
  for (const css of ["transform: translateZ(0)", "filter: blur(0)", "will-change: transform", "contain: paint"]) {
    const { context, page } = await openPage(env, { viewport: { width: 1280, height: 800 } });
    await hostPage(env, page, {
      head: `<style>body { ${css}; margin: 0 } .tall { height: 4000px }</style>`,
      body: `<div class="tall">Long page</div>`,
    });
    await waitReady(page);
    await banner(page).waitFor();
    assert.equal(await page.evaluate(() => document.querySelector("kloud-consent").parentNode.localName), "html",
      `${css}: placed after <body>`);
    await page.mouse.wheel(0, 1200);
    await page.waitForFunction(() => window.scrollY >= 1200);
    const box = await banner(page).boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= 800, `${css}: banner at ${box.y}…${box.y + box.height}`);
    await banner(page).getByRole("button", { name: "Manage preferences" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("switch").first().waitFor();
    const d = await dialog.boundingBox();
    assert.ok(d.y >= 0 && d.y + d.height <= 800, `${css}: tool at ${d.y}…${d.y + d.height}`);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test("a page's zoom on <html> (or <body>) leaves the widget at the visitor's size, on the screen", async () => {
  const measure = async (css) => {
    const { context, page } = await openPage(env, { viewport: { width: 1280, height: 800 } });
    await hostPage(env, page, { head: css ? `<style>${css}</style>` : "" });
    await waitReady(page);
    await banner(page).waitFor();
    await page.waitForTimeout(300);
    const box = await banner(page).boundingBox();
    const manage = await banner(page).getByRole("button", { name: "Manage preferences" }).boundingBox();
    assert.deepEqual(page.errors, []);
    await context.close();
    return { box, manage };
  };
  const plain = await measure("");
  for (const css of ["html { zoom: 1.25 }", "html { zoom: 0.8 }", "body { zoom: 2 }"]) {
    const { box, manage } = await measure(css);
    assert.ok(box.y >= 0 && box.y + box.height <= 800.5, `${css}: banner at ${box.y}…${box.y + box.height}`);
    assert.ok(Math.abs(box.y + box.height - (plain.box.y + plain.box.height)) < 1, `${css}: at the bottom as without it`);
    assert.ok(Math.abs(manage.height - plain.manage.height) < 1, `${css}: buttons at their own size`);
  }
});

test("on an ordinary page the widget's element ends <body>, so a site's --kc-* properties on <body> theme it", async () => {
  const { context, page } = await openPage(env, { viewport: { width: 1280, height: 800 } });
  await hostPage(env, page, { head: "<style>body.brand { --kc-accent: rgb(0, 107, 79); --kc-radius: 0px }</style>",
    body: "<script>document.body.className = 'brand'</script>" });
  await waitReady(page);
  await banner(page).waitFor();
  assert.equal(await page.evaluate(() => document.body.lastElementChild.localName), "kloud-consent");
  const accept = banner(page).getByRole("button", { name: "Accept all" });
  assert.equal(await accept.evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(0, 107, 79)");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("the banner is not printed over the page", chromiumOnly("no print media emulation"), async () => {
  const { context, page } = await openPage(env, { viewport: { width: 1280, height: 800 } });
  await hostPage(env, page, {});
  await waitReady(page);
  await banner(page).waitFor();
  await page.emulateMedia({ media: "print" });
  await banner(page).waitFor({ state: "hidden" });
  await page.emulateMedia({ media: "screen" });
  await banner(page).waitFor();
  await context.close();
});

// A short, wide screen (a landscape phone, 1280×800 at 200%): the buttons
// stack beside the text in equal widths, and the box layout becomes the
// bar, so that the banner leaves most of the page in sight. Before, on
// 844×390 the bar covered 59% of the screen and the box 85%.
for (const [layout, viewport, most] of [
  ["bar", { width: 844, height: 390 }, 0.5], ["box", { width: 844, height: 390 }, 0.5],
  ["bar", { width: 667, height: 375 }, 0.56], ["bar", { width: 640, height: 400 }, 0.58],
]) {
  test(`${viewport.width}×${viewport.height}, ${layout}: the buttons beside the text, in equal widths, the banner under ${Math.round(most * 100)}% of the screen`, async () => {
    const { context, page } = await openPage(env, { viewport });
    await hostPage(env, page, { config: layout === "box" ? { layout } : undefined, body: GATED_PAIR });
    await waitReady(page);
    await banner(page).waitFor();
    const shape = await page.evaluate(() => {
      const root = document.querySelector("kloud-consent").shadowRoot, box = (el) => el.getBoundingClientRect();
      const bar = box(root.querySelector(".kc-banner")), text = box(root.querySelector(".kc-banner-text"));
      const buttons = [...root.querySelectorAll(".kc-banner button")].map((b) => {
        const r = box(b);
        return { left: Math.round(r.left), width: Math.round(r.width), hit: root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b };
      });
      return { share: bar.height / innerHeight, onScreen: bar.top >= 0 && bar.bottom <= innerHeight, besideText: buttons.every((b) => b.left >= text.right), buttons };
    });
    assert.equal(shape.buttons.length, 3);
    assert.ok(shape.share < most, `the banner covers ${Math.round(shape.share * 100)}% of the screen`);
    assert.ok(shape.onScreen, "the whole banner is on the screen");
    assert.ok(shape.besideText, "the buttons stand beside the text");
    assert.ok(shape.buttons.every((b) => b.hit), "every button is there to be clicked");
    assert.deepEqual(new Set(shape.buttons.map((b) => `${b.left} ${b.width}`)).size, 1, "one column, equal widths (equal prominence)");
    await button(banner(page), "Reject all").click();
    await page.waitForFunction(() => window.kloudconsent.get()?.method === "reject-all");
    assert.deepEqual(await gatedRuns(page), [], "Reject all released nothing");
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

// Narrower than 40em (640 px at the default font size), the text beside the
// buttons would be a tall, thin column: an old small phone turned sideways
// keeps the row of buttons below the text.
test("568×320: the buttons stay in a row below the text", async () => {
  const { context, page } = await openPage(env, { viewport: { width: 568, height: 320 } });
  await hostPage(env, page, {});
  await waitReady(page);
  await banner(page).waitFor();
  const { textBottom, tops } = await page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    return {
      textBottom: Math.round(root.querySelector(".kc-banner-text").getBoundingClientRect().bottom),
      tops: [...root.querySelectorAll(".kc-banner button")].map((b) => Math.round(b.getBoundingClientRect().top)),
    };
  });
  assert.equal(tops.length, 3);
  assert.ok(tops.every((top) => top >= textBottom), "below the text");
  assert.equal(new Set(tops).size, 1, "in one row");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// The box is the bar on every short screen: at 568×320 its 400 px card
// filled the screen top to bottom with Manage preferences below its fold.
test("568×320, box: the bar, with all three buttons in sight without scrolling it", async () => {
  const { context, page } = await openPage(env, { viewport: { width: 568, height: 320 } });
  await hostPage(env, page, { config: { layout: "box" } });
  await waitReady(page);
  await banner(page).waitFor();
  const shape = await page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot, bar = root.querySelector(".kc-banner");
    return {
      fullWidth: Math.round(bar.getBoundingClientRect().width) >= innerWidth - 40,
      scrolls: bar.scrollHeight > bar.clientHeight + 1,
      hit: [...root.querySelectorAll(".kc-banner button")].map((b) => {
        const r = b.getBoundingClientRect();
        return r.bottom <= innerHeight && root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b;
      }),
    };
  });
  assert.deepEqual(shape, { fullWidth: true, scrolls: false, hit: [true, true, true] });
  await context.close();
});

// What counts as wide is what the visitor sees, not the layout width a
// media query reads: a page wider than a phone, turned sideways, is zoomed
// in (740 px of layout shown in 508), and there the buttons' column had
// fallen below the text, Accept all on the screen and Reject all under it.
test("a wide page on a phone turned sideways: Accept all and Reject all side by side, as shown", chromiumOnly("no mobile emulation (isMobile)"), async () => {
  const { context, page } = await openPage(env, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await page.goto(env.server.url + "/fixtures/wide.html");
  await waitReady(page);
  await banner(page).waitFor();
  await page.setViewportSize({ width: 740, height: 360 });
  await page.waitForFunction(() => visualViewport.width < 640 && document.querySelector("kloud-consent").hasAttribute("data-kc-short"));
  const tops = await page.evaluate(() => [...document.querySelector("kloud-consent").shadowRoot.querySelectorAll(".kc-banner .kc-primary")]
    .map((b) => Math.round(b.getBoundingClientRect().top)));
  assert.equal(tops.length, 2);
  assert.equal(tops[0], tops[1], "Accept all and Reject all in one row");
  assert.equal(await page.evaluate(() => document.querySelector("kloud-consent").hasAttribute("data-kc-wide")), false);
  await context.close();
});

test("a long word in an embed placeholder's text wraps inside it; its buttons keep their words whole", async () => {
  // Stop 60's languages review: a German compound in a site's placeholder
  // text was cut off on both sides of a 300 px embed.
  const word = "Datenschutzgrundverordnungsdurchführungsbestimmungsänderungsverordnung";
  const { context, page } = await openPage(env, { viewport: { width: 800, height: 600 } });
  await hostPage(env, page, {
    config: { texts: { placeholderBody: `Blockiert: ${word} {category}` } },
    body: `<iframe data-consent="analytics" data-src="/fixtures/marketing/frame.html" width="300" height="200"></iframe>
      <iframe data-consent="analytics" data-src="/fixtures/marketing/frame.html" width="134" height="204"></iframe>`,
  });
  await waitReady(page);
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 2);
  const boxes = await page.evaluate(() => [...document.querySelectorAll("kloud-consent-placeholder")].map((host) => {
    const root = host.shadowRoot;
    const p = root.querySelector("p");
    return {
      text: p.textContent.slice(0, 12),
      overflows: p.scrollWidth > p.clientWidth + 1,
      // Each button's label breaks only between words: no line is a piece of one.
      buttons: [...root.querySelectorAll("button")].map((b) => {
        const range = document.createRange();
        range.selectNodeContents(b);
        return { lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size,
          words: b.textContent.trim().split(/\s+/).length };
      }),
    };
  }));
  for (const box of boxes) {
    assert.equal(box.text, "Blockiert: D");
    assert.equal(box.overflows, false, JSON.stringify(box));
    for (const b of box.buttons) assert.ok(b.lines <= b.words, JSON.stringify(box));
  }
  await context.close();
});
