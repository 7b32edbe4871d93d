// The walking skeleton: first visit → banner; Accept all / Reject all persist
// to both stores, release exactly the allowed gated scripts once, fire the
// events; a reload shows no banner and honours the stored decision.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, gatedRuns, events, storedLocal,
  consentCookies, banner, button,
} from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

test("first visit shows the banner with three buttons and both policy links; nothing gated runs", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/fixtures/basic.html");
  await waitReady(page);
  const b = banner(page);
  await b.waitFor({ state: "visible" });
  for (const name of ["Accept all", "Reject all", "Manage preferences"]) {
    assert.ok(await button(b, name).isVisible(), `button ${name}`);
  }
  assert.equal(await b.getByRole("link", { name: "Cookie Policy" }).getAttribute("href"),
    "https://kloudstack.com.au/cookie-policy/");
  assert.equal(await b.getByRole("link", { name: "Privacy Policy" }).getAttribute("href"),
    "https://kloudstack.com.au/privacy-policy/");
  assert.deepEqual(await gatedRuns(page), []);
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  const ev = await events(page);
  assert.deepEqual(ev.map((e) => e.name), ["ready"]);
  assert.equal(ev[0].detail, null);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Accept all persists to both stores, runs each gated script once, fires change and consent", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/fixtures/basic.html");
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  assert.deepEqual(await gatedRuns(page), ["analytics", "marketing"]);
  assert.equal(await banner(page).count(), 0, "banner closed");

  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "accept-all");
  assert.deepEqual(state.categories, {
    necessary: true, analytics: true, functionality: true, security: true, marketing: true,
  });
  assert.match(state.decidedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const local = JSON.parse(await storedLocal(page));
  assert.equal(local.id, state.id);
  const cookies = await consentCookies(context);
  assert.equal(cookies.length, 1);
  assert.equal(cookies[0].path, "/");
  assert.equal(cookies[0].sameSite, "Lax");
  assert.ok(cookies[0].value.length < 300);
  assert.ok(cookies[0].value.includes(state.id));

  const names = (await events(page)).map((e) => e.name);
  assert.deepEqual(names, ["ready", "change", "consent"]);
  const change = (await events(page))[1].detail;
  assert.deepEqual(change.changed, ["analytics", "functionality", "marketing"]);

  // A reload: no banner, the decision holds, scripts run once on this page.
  await page.reload();
  await waitReady(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(await gatedRuns(page), ["analytics", "marketing"]);
  assert.deepEqual((await events(page)).map((e) => e.name), ["ready", "consent"]);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).id, state.id);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("Reject all persists, runs nothing gated, and a reload keeps it that way", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/fixtures/basic.html");
  await waitReady(page);
  await button(banner(page), "Reject all").click();
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "reject-all");
  assert.deepEqual(state.categories, {
    necessary: true, analytics: false, functionality: false, security: true, marketing: false,
  });
  assert.equal((await consentCookies(context)).length, 1);
  assert.ok(await storedLocal(page));
  const change = (await events(page)).find((e) => e.name === "change");
  assert.deepEqual(change.detail.changed, []);
  await page.reload();
  await waitReady(page);
  await page.waitForTimeout(300);
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(await gatedRuns(page), []);
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("analytics")), false);
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("necessary")), true);
  assert.deepEqual(page.errors, []);
  await context.close();
});
