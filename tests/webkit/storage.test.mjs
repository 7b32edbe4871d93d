// Where the decision lives, in WebKit: the two stores repair each other; a
// decision left only in localStorage (what Safari's Intelligent Tracking
// Prevention does: it caps cookies set from script at 7 days, so the cookie
// expires while localStorage stays) is honoured and rewrites the cookie; a
// localStorage that throws (Safari's private windows before version 11)
// leaves the cookie alone serving; every hostile stored value of the Chromium
// suite (tests/e2e/hostile-cases.mjs) gets the same answer here, on a page
// served as www.kloud.test so that host-only and Domain cookies both reach it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, fresh, open, clear, setCookies, js, get, gatedRuns, pageErrors, storedLocal, pageCookies, bannerShown,
  button, waitRuns, settle, hostPage, until, localRecord, consentCookie, By,
} from "./webkit.mjs";
import { CASES as ALL_CASES } from "../e2e/hostile-cases.mjs";

// The rows that need no secure context (MiniBrowser serves this suite over
// plain http) and no click first.
const CASES = ALL_CASES.filter((c) => !c.secure && !c.decide);

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const PAGE = "/fixtures/recorded.html";
const DAY = 86400000;

/** Plants values on a clean origin (from a page without the widget), then opens `path` there. */
async function planted({ cookies = [], local, path = PAGE, origin = env.server.url }) {
  await clear(env, origin);
  await setCookies(env, cookies);
  if (local !== undefined) await js(env.driver, (v) => localStorage.setItem("kloudconsent", v), local);
  await open(env, path, origin);
}

test("a decision only in localStorage (the cookie lost to ITP's 7-day cap) is honoured and rewrites the cookie", async () => {
  const d = env.driver;
  const expires = Date.now() + 100 * DAY;
  await planted({ local: localRecord({ expires }) });
  await waitRuns(d, 1);
  await settle(d);
  assert.deepEqual(await gatedRuns(d), ["marketing"]);
  assert.equal(await bannerShown(d), false);
  const values = await pageCookies(d);
  assert.equal(values.length, 1, "the cookie is back");
  assert.ok(values[0].startsWith("1|1|") && values[0].includes("LocalIdLocalIdLocalId1"), values[0]);
  const cookie = await d.manage().getCookie("kloudconsent");
  assert.equal(cookie.sameSite, "Lax");
  assert.ok(Math.abs(cookie.expiry - expires / 1000) < 120, "Max-Age runs to the decision's own expiry");
  // And the rewritten cookie alone carries the decision on the next visit.
  await js(d, () => localStorage.clear());
  await open(env, PAGE);
  await waitRuns(d, 1);
  assert.equal((await get(d)).id, "LocalIdLocalIdLocalId1");
  assert.equal(JSON.parse(await storedLocal(d)).id, "LocalIdLocalIdLocalId1", "localStorage rewritten in turn");
  assert.deepEqual(await pageErrors(d), []);
});

test("a valid cookie alone is honoured and localStorage is rewritten from it", async () => {
  const d = env.driver;
  await planted({ cookies: ["kloudconsent=" + consentCookie() + "; Path=/"] });
  await waitRuns(d, 1);
  assert.deepEqual(await gatedRuns(d), ["analytics"]);
  assert.equal(JSON.parse(await storedLocal(d)).id, "AbCdEfGhIjKlMnOpQrStUv");
  assert.deepEqual(await pageErrors(d), []);
});

test("the newer of two valid records wins and the older store is rewritten", async () => {
  const d = env.driver;
  await planted({
    cookies: ["kloudconsent=" + consentCookie({ decided: Date.now() - 2 * DAY }) + "; Path=/"],
    local: localRecord({ decided: Date.now() - DAY }),
  });
  assert.equal((await get(d)).id, "LocalIdLocalIdLocalId1");
  const values = await pageCookies(d);
  assert.ok(values.length === 1 && values[0].includes("LocalIdLocalIdLocalId1"), values.join(", "));
});

test("localStorage that throws (old Safari private windows): the cookie alone serves, nothing throws", async () => {
  const d = env.driver;
  const path = hostPage(env, {
    head: `<script>
      Storage.prototype.setItem = function () {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };</script>`,
    body: `<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>`,
  });
  await fresh(env, path);
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 1);
  assert.equal((await get(d)).method, "accept-all");
  assert.equal(await storedLocal(d), null);
  assert.equal((await pageCookies(d)).length, 1);
  await open(env, path);
  await waitRuns(d, 1);
  assert.equal((await get(d)).method, "accept-all", "the cookie carried it");
  assert.equal(await bannerShown(d), false);
  assert.deepEqual(await pageErrors(d), []);
});

test(`hostile stored values (${CASES.length} cases): banner or decision as the contract says, no page error`, async (t) => {
  const d = env.driver;
  const origin = env.kloudOrigin;
  for (const c of CASES) {
    await t.test(c.name, async () => {
      const cookies = (c.cookies || []).map(([value, where]) =>
        `kloudconsent=${value}; Path=/${where === "parent" ? "; Domain=.kloud.test" : ""}`);
      await planted({ cookies, local: c.local, path: "/fixtures/recorded.html", origin });
      const { method, runs } = c.expect;
      if (runs.length) await waitRuns(d, runs.length);
      await settle(d);
      const state = await get(d);
      assert.equal(state?.method ?? null, method, "get().method");
      assert.deepEqual(await gatedRuns(d), runs, "gated scripts that ran");
      const logs = await js(d, () => window.__console);
      if (method === null) {
        assert.ok(await bannerShown(d), "banner shown");
        assert.ok(logs.some((l) => l.startsWith("warn: kloudconsent") && l.includes("ignored a stored decision")),
          "the ignored value is reported: " + logs.join(" | "));
      } else {
        assert.equal(await bannerShown(d), false, "no banner");
        if (c.expect.categories) assert.deepEqual(state.categories, c.expect.categories);
      }
      if (c.expect.rewritesCookie) {
        const values = await pageCookies(d);
        assert.ok(values.some((v) => v.startsWith("1|1|") && v.includes(state.id)), values.join(", "));
      }
      if (c.expect.rewritesLocal) assert.equal(JSON.parse(await storedLocal(d)).id, state.id);
      if (method !== null) {
        await js(d, () => window.kloudconsent.show());
        // The tool's own dialog, not the core's loading one (`.kc-shell`),
        // which it replaces; and a boolean, not the element: an element
        // handed back to WebDriver can go stale before it is read.
        await until(d, () => !!document.querySelector("kloud-consent")?.shadowRoot
          ?.querySelector(".kc-dialog:not(.kc-shell)"), "the preference tool", 15000);
      }
      const tags = await js(d, () => [...document.querySelector("kloud-consent").shadowRoot.querySelectorAll("*")]
        .map((e) => e.localName));
      assert.ok(!tags.some((t) => ["img", "script", "iframe"].includes(t)), "no element injected");
      assert.equal(await js(d, () => window.__xss), null);
      assert.deepEqual(await pageErrors(d), [], "no page error");
      assert.deepEqual(logs.filter((l) => l.startsWith("error:")), [], "no console error");
    });
  }
});

test("a decision made in one window applies in the site's other open window", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  const first = await d.getWindowHandle();
  await d.switchTo().newWindow("tab");
  await open(env, PAGE);
  assert.ok(await bannerShown(d));
  const second = await d.getWindowHandle();
  await d.switchTo().window(first);
  await (await button(d, ".kc-banner", "Accept all")).click();
  await waitRuns(d, 2);
  await d.switchTo().window(second);
  await waitRuns(d, 2);
  assert.deepEqual(await gatedRuns(d), ["analytics", "marketing"]);
  assert.equal(await bannerShown(d), false);
  await d.close();
  await d.switchTo().window(first);
  assert.equal((await d.findElements(By.css("kloud-consent"))).length, 1);
});

// WebKit's cookie jar reaches another tab later than localStorage's event:
// the other tab must adopt the cleared stores, not heal localStorage from
// the cookie it still sees (which undid reset() in 9 runs of 10).
test("reset() in one window, after the other learned the decision by sync, stays reset in both and after a reload", async () => {
  const d = env.driver;
  for (const wait of [300, 1000]) {
    await fresh(env, PAGE);
    const first = await d.getWindowHandle();
    await d.switchTo().newWindow("tab");
    await open(env, PAGE);
    const second = await d.getWindowHandle();
    await d.switchTo().window(first);
    await js(d, () => window.kloudconsent.acceptAll());
    await d.sleep(wait);
    await js(d, () => window.kloudconsent.reset());
    await d.sleep(2000);
    assert.equal(await get(d), null, "reset holds in this window");
    assert.equal(await storedLocal(d), null, "localStorage stays empty");
    assert.ok(!(await js(d, () => document.cookie)).includes("kloudconsent="), "the cookie stays gone");
    await d.switchTo().window(second);
    assert.equal(await get(d), null, "the other window forgot it too");
    await d.close();
    await d.switchTo().window(first);
    await open(env, PAGE);
    assert.equal(await get(d), null, "a reload asks again");
    assert.ok(await bannerShown(d));
  }
});

// WebKit's page cache restores a page that heard no storage event while it
// was away (Chromium delivers them on restore; WebKit does not): without
// the pageshow hook the restored page kept the old decision.
test("Back to a page from the page cache adopts a decision changed on another page meanwhile", async () => {
  const d = env.driver;
  await fresh(env, PAGE);
  await js(d, () => { window.__marker = "kept"; window.kloudconsent.acceptAll(); });
  await waitRuns(d, 2);
  await open(env, PAGE + "?another-page");
  await js(d, () => window.kloudconsent.rejectAll());
  await d.navigate().back();
  await until(d, () => window.__marker === "kept", "the page restored from the page cache");
  await until(d, () => window.kloudconsent.get()?.method === "reject-all", "the restored page adopts reject-all");
  const changes = await js(d, () => window.__events.filter((e) => e.name === "change").length);
  assert.equal(changes, 2);
});
