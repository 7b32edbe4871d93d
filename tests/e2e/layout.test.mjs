// The banner sits over the page without moving it, and the page under it
// keeps working (the banner is not modal; only the preference tool is).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, banner, hostPage } from "./helpers.mjs";

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
