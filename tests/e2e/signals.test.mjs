// Contract section 5: Do Not Track and Global Privacy Control.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, gatedRuns, storedLocal, banner, dialog, button, hostPage,
  GATED_PAIR, events,
} from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const SIGNALS = {
  "navigator.doNotTrack": () => Object.defineProperty(Navigator.prototype, "doNotTrack", { get: () => "1" }),
  "window.doNotTrack": () => Object.defineProperty(window, "doNotTrack", { value: "1" }),
  "navigator.globalPrivacyControl": () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }),
};

for (const [name, setSignal] of Object.entries(SIGNALS)) {
  test(`${name}: optional categories denied, no banner, get() reports method "signal", nothing stored`, async () => {
    const { context, page } = await openPage(env);
    await context.addInitScript(setSignal);
    await hostPage(env, page, { body: GATED_PAIR });
    await waitReady(page);
    await page.waitForTimeout(300);
    assert.equal(await banner(page).count(), 0);
    const state = await page.evaluate(() => window.kloudconsent.get());
    assert.equal(state.method, "signal");
    assert.deepEqual(state.categories, {
      necessary: true, analytics: false, functionality: false, security: true, marketing: false,
    });
    assert.deepEqual(await gatedRuns(page), []);
    assert.equal(await storedLocal(page), null);
    const ready = (await events(page)).find((e) => e.name === "ready");
    assert.equal(ready.detail.method, "signal");
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test("with a signal, an explicit choice in the preference tool is stored and wins, also after reload", async () => {
  const { context, page } = await openPage(env);
  await context.addInitScript(SIGNALS["navigator.globalPrivacyControl"]);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.click("#open-prefs");
  const d = dialog(page);
  await d.getByRole("switch", { name: "Performance and analytics" }).click();
  await button(d, "Save preferences").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "custom");
  await page.reload();
  await waitReady(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.deepEqual(await gatedRuns(page), ["analytics"]);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "custom");
  await context.close();
});

test("config signals.showBanner shows the banner even when a signal applies", async () => {
  const { context, page } = await openPage(env);
  await context.addInitScript(SIGNALS["navigator.doNotTrack"]);
  await hostPage(env, page, { body: GATED_PAIR, config: { signals: { showBanner: true } } });
  await waitReady(page);
  await banner(page).waitFor();
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "signal");
  assert.deepEqual(await gatedRuns(page), []);
  await context.close();
});
