// Contract section 4: where the decision lives and how the two stores are
// reconciled on load.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  launch, openPage, recordEvents, events, waitReady, gatedRuns, storedLocal, consentCookies,
  banner, button, hostPage, GATED_PAIR, consentCookie, chromiumOnly, backTo } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const DAY = 86400000;
function localValue({ revision = 1, decided = Date.now() - DAY, expires = Date.now() + 100 * DAY,
  method = "custom", id = "LocalIdLocalIdLocalId1", analytics = false, marketing = true } = {}) {
  return JSON.stringify({
    v: 1,
    categories: { necessary: true, analytics, functionality: false, security: true, marketing },
    method, revision, decidedAt: new Date(decided).toISOString(),
    expiresAt: new Date(expires).toISOString(), id,
  });
}

async function plant(context, { cookie, local }) {
  if (cookie) {
    await context.addCookies([{ name: "kloudconsent", value: cookie, url: env.server.url + "/" }]);
  }
  if (local) {
    await context.addInitScript((v) => {
      if (!sessionStorage.getItem("__planted")) {
        localStorage.setItem("kloudconsent", v);
        sessionStorage.setItem("__planted", "1");
      }
    }, local);
  }
}

// Other tabs act on localStorage's storage event; one whose listener answers
// with a decision of its own must find this decision's cookie already
// written, or its cookie write can land first and be overwritten (the
// randomised review: every tab and localStorage said Reject all while the
// cookie, what a server reads, said Accept all).
test("a decision writes the cookie before localStorage, whose change the other tabs act on", async () => {
  const { context, page } = await openPage(env);
  await context.addInitScript(() => {
    window.__cookieAtLocalWrite = [];
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key === "kloudconsent") window.__cookieAtLocalWrite.push(document.cookie);
      return setItem.call(this, key, value);
    };
  });
  await hostPage(env, page, {});
  await waitReady(page);
  for (const decide of ["acceptAll", "rejectAll"]) {
    await page.evaluate((decide) => window.kloudconsent[decide](), decide);
    const [seen, now] = await page.evaluate(() => [window.__cookieAtLocalWrite.pop(), document.cookie]);
    assert.equal(seen, now, `${decide}: the cookie held the decision when localStorage was written`);
  }
  await context.close();
});

// Stop 41's review: with localStorage full of the page's own data, a Reject
// all reached only the cookie, and the Accept all left in localStorage beat
// it on the next page (without cookie.domain a cookie never overrides a
// valid localStorage record).
test("with localStorage full of the page's data, Reject all after Accept all still holds on the next page", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  await page.evaluate(() => {
    let i = 0;
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 8, 16, 1]) {
      try { for (;;) localStorage.setItem("filler" + i++, "x".repeat(size)); } catch { /* full */ }
    }
    try { for (;;) localStorage.setItem("filler0", localStorage.getItem("filler0") + "x"); } catch { /* full */ }
  });
  await page.reload();
  await waitReady(page);
  // Another tab of the site, open meanwhile: it learns the change of mind,
  // which only the cookie could keep (stop 46's review: it took the old
  // entry's removal for a reset(), forgot the decision and asked again).
  const other = await context.newPage();
  await other.goto(page.url());
  await waitReady(other);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  for (let i = 0; i < 50 && !page.logs.some((l) => l.includes("could not write localStorage")); i++) await page.waitForTimeout(20);
  assert.ok(page.logs.some((l) => l.includes("could not write localStorage")), "the write did fail (the test is set up)");
  await other.waitForFunction(() => window.kloudconsent.get()?.method !== "accept-all");
  assert.equal((await other.evaluate(() => window.kloudconsent.get()))?.method, "reject-all", "the other tab adopts Reject all");
  assert.equal(await banner(other).count(), 0, "and does not ask again");
  assert.deepEqual((await events(other)).map((e) => e.detail?.method ?? null).slice(-1), ["reject-all"]);
  await page.reload();
  await waitReady(page);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "reject-all");
  await page.waitForTimeout(200);
  assert.deepEqual(await gatedRuns(page), [], "nothing ran on the page after the refusal");
  const cookies = await consentCookies(context);
  assert.deepEqual(cookies.map((c) => c.value.split("|")[4]), ["r"], "the cookie says Reject all");
  await context.close();
});

/** Adds a gated inline script of `category` that sets `window[flag]` when it runs. */
const addLateGated = (page, category, flag) => page.evaluate(([category, flag]) => {
  const s = document.createElement("script");
  s.type = "text/plain";
  s.setAttribute("data-consent", category);
  s.text = `window.${flag} = true;`;
  document.body.appendChild(s);
}, [category, flag]);

/** Fills the page's localStorage to its quota, as a site's own data can. */
const fillLocalStorage = (page) => page.evaluate(() => {
  let i = 0;
  for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 8, 16, 1]) {
    try { for (;;) localStorage.setItem("filler" + i++, "x".repeat(size)); } catch { /* full */ }
  }
  try { for (;;) localStorage.setItem("filler0", localStorage.getItem("filler0") + "x"); } catch { /* full */ }
});

// Stop 47's review: with localStorage full before any decision, a decision
// lives in the cookie only, no storage event tells the other tabs, and one
// that had accepted went on running newly added gated scripts after a Reject
// all elsewhere. A tab reads the stores again when the visitor comes back.
test("with localStorage full before any decision, other tabs take up each decision, Reject all and reset() when the visitor comes back to them", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await fillLocalStorage(page);
  const other = await context.newPage();
  other.logs = [];
  other.on("console", (m) => other.logs.push(m.text()));
  await other.goto(page.url());
  await waitReady(other);
  const method = (p) => p.evaluate(() => window.kloudconsent.get()?.method ?? null);
  // Headless tabs are all in view: the visitor's return is the event a
  // browser fires then, a tab coming into view or a window getting focus.
  const comeBack = async (p, how) => {
    await p.bringToFront();
    await p.evaluate((how) => (how === "focus" ? window : document).dispatchEvent(new Event(how)), how);
  };

  await other.evaluate(() => window.kloudconsent.acceptAll());
  await other.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  assert.ok(other.logs.some((l) => l.includes("could not write localStorage")), "the write did fail (the test is set up)");
  await comeBack(page, "visibilitychange");
  await page.waitForFunction(() => window.kloudconsent.get()?.method === "accept-all");
  await banner(page).waitFor({ state: "detached" });
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);

  await page.evaluate(() => window.kloudconsent.rejectAll());
  await comeBack(other, "focus");
  await other.waitForFunction(() => window.kloudconsent.get()?.method === "reject-all");
  await addLateGated(other, "analytics", "__ranAfterReject");
  await other.waitForTimeout(300);
  assert.equal(await other.evaluate(() => window.__ranAfterReject), undefined, "no gated script runs in the other tab after Reject all");

  await comeBack(page, "focus");
  await page.evaluate(() => window.kloudconsent.reset());
  await comeBack(other, "visibilitychange");
  await banner(other).waitFor();
  assert.equal(await method(other), null, "reset() in one tab: the other asks again");
  assert.deepEqual([...page.errors], []);
  await context.close();
});

// Stop 41's review: a tab left open past the decision's expiry went on
// treating it as in force. It is checked when the visitor comes back to the
// tab and when the page's code asks; a switch does nothing else (a third
// look found the first version forgetting a decision no store could keep,
// and repeating its warnings about what the stores held).
/** A page whose one-day decision expires while it stays open (the page's clock moved on). */
async function expiredWhileOpen() {
  const { context, page } = await openPage(env);
  await page.clock.install();
  await hostPage(env, page, { body: GATED_PAIR, config: { expiresAfterDays: 1 } });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.clock.setSystemTime(Date.now() + 2 * DAY);
  return { context, page };
}

test("a tab left open past the decision's expiry asks again when the visitor comes back to it", async () => {
  const { context, page } = await expiredWhileOpen();
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await banner(page).waitFor();
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("analytics")), false);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a tab that stays in view: get() and accepted() no longer count a decision that has expired", async () => {
  const { context, page } = await expiredWhileOpen();
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("analytics")), false);
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  await banner(page).waitFor();
  await context.close();
});

test("a tab that stays in view: set(), a gated script added later and the tool do not use a decision that has expired", async () => {
  const { context, page } = await expiredWhileOpen();
  // A late gated tag: the expired Accept all does not run it.
  await addLateGated(page, "marketing", "__lateRan");
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__lateRan), undefined, "not run under an expired decision");
  // set() amends what is in force: nothing optional, not the expired grants.
  await page.evaluate(() => window.kloudconsent.set({ analytics: true }));
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "custom");
  assert.deepEqual([state.categories.analytics, state.categories.marketing], [true, false]);
  const changes = (await events(page)).filter((e) => e.name === "change").map((e) => e.detail.method);
  assert.deepEqual(changes, ["accept-all", null, "custom"], "the expiry is heard before the new decision");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("tab switches keep a decision no store can hold, and do not repeat warnings about what the stores hold", chromiumOnly("turns cookies off through Chromium's DevTools protocol"), async () => {
  const { context, page } = await openPage(env);
  await context.addInitScript(() => {
    Object.defineProperty(window, "localStorage", { get() { throw new DOMException("blocked", "SecurityError"); } });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setDocumentCookieDisabled", { disabled: true });
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  for (let i = 0; i < 3; i++) await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  assert.equal((await page.evaluate(() => window.kloudconsent.get()))?.method, "accept-all", "the decision holds for the page");
  assert.equal(await banner(page).count(), 0);
  await context.close();

  const second = await openPage(env);
  await plant(second.context, { local: "{not json" });
  await hostPage(env, second.page, { body: GATED_PAIR });
  await waitReady(second.page);
  for (let i = 0; i < 5; i++) await second.page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await second.page.waitForTimeout(100);
  const ignored = second.page.logs.filter((l) => l.includes("ignored a stored decision"));
  assert.equal(ignored.length, 1, ignored.join("\n"));
  await second.context.close();
});

test("a valid cookie alone is honoured and localStorage is rewritten from it", async () => {
  const { context, page } = await openPage(env);
  await plant(context, { cookie: consentCookie() });
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.deepEqual(await gatedRuns(page), ["analytics"]);
  assert.equal(await banner(page).count(), 0);
  const local = JSON.parse(await storedLocal(page));
  assert.equal(local.id, "AbCdEfGhIjKlMnOpQrStUv");
  assert.equal(local.categories.analytics, true);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a valid localStorage record alone is honoured and the cookie is rewritten from it", async () => {
  const { context, page } = await openPage(env);
  await plant(context, { local: localValue() });
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.deepEqual(await gatedRuns(page), ["marketing"]);
  const cookies = await consentCookies(context);
  assert.equal(cookies.length, 1);
  assert.ok(cookies[0].value.includes("LocalIdLocalIdLocalId1"));
  await context.close();
});

test("the newer of two valid records wins and the older store is rewritten", async () => {
  const { context, page } = await openPage(env);
  await plant(context, {
    cookie: consentCookie({ decided: Date.now() - 2 * DAY }),
    local: localValue({ decided: Date.now() - DAY }),
  });
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.id, "LocalIdLocalIdLocalId1");
  const cookies = await consentCookies(context);
  assert.ok(cookies[0].value.includes("LocalIdLocalIdLocalId1"), "cookie rewritten from the newer record");
  await context.close();
});

test("on 127.0.0.1, where no other host can set a cookie, a newer cookie wins over older localStorage, which is rewritten", async () => {
  const { context, page } = await openPage(env);
  await plant(context, {
    cookie: consentCookie({ decided: Date.now() - DAY, id: "CookieIdCookieIdCookie" }),
    local: localValue({ decided: Date.now() - 5 * DAY }),
  });
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.id, "CookieIdCookieIdCookie");
  assert.equal(state.categories.analytics, true, "the cookie's choice");
  assert.equal(JSON.parse(await page.evaluate(() => localStorage.getItem("kloudconsent"))).id, "CookieIdCookieIdCookie",
    "localStorage rewritten from the newer record");
  // The released script loads from its src after `ready`.
  await page.waitForFunction(() => (window.__gatedRuns || []).includes("analytics"));
  assert.deepEqual(await gatedRuns(page), ["analytics"]);
  await context.close();
});

test("a valid record wins over a corrupt one in the other store", async () => {
  const { context, page } = await openPage(env);
  await plant(context, { cookie: consentCookie(), local: "{not json" });
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).id, "AbCdEfGhIjKlMnOpQrStUv");
  assert.equal(JSON.parse(await storedLocal(page)).id, "AbCdEfGhIjKlMnOpQrStUv");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("an expired decision, or one under a lower revision, asks again and runs nothing", async () => {
  for (const [name, cookie, config] of [
    ["expired", consentCookie({ decided: Date.now() - 200 * DAY, expires: Date.now() - DAY }), undefined],
    ["lower revision", consentCookie({ revision: 1 }), { revision: 2 }],
  ]) {
    const { context, page } = await openPage(env);
    await plant(context, { cookie });
    await hostPage(env, page, { body: GATED_PAIR, config });
    await waitReady(page);
    await banner(page).waitFor();
    assert.equal(await page.evaluate(() => window.kloudconsent.get()), null, name);
    await page.waitForTimeout(200);
    assert.deepEqual(await gatedRuns(page), [], name);
    await context.close();
  }
});

// A peer's feature (vanilla-cookieconsent's revision message): a visitor
// asked again after the site raised its revision is told why, first, in the
// banner's description; nobody else sees it.
test("a decision under a lower revision: the banner says first that the policy changed, until the visitor chooses", async () => {
  const de = JSON.parse(readFileSync(new URL("../../i18n/de.json", import.meta.url), "utf8"));
  const notice = (page) => page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    const region = root.querySelector("[role=region]");
    const p = root.getElementById("kc-banner-notice");
    const described = region.getAttribute("aria-describedby").split(" ")
      .map((id) => root.getElementById(id)?.textContent).filter(Boolean).join(" | ");
    return { shown: p && p.getClientRects().length > 0 ? p.textContent : null, described };
  });
  const cases = [
    ["lower revision", consentCookie({ revision: 1 }), { revision: 2 }, "Our Cookie Policy has changed since you last chose, so we are asking again."],
    ["in German", consentCookie({ revision: 1 }), { revision: 2, language: "de" }, de.revisionNotice],
    ["turned off by the site", consentCookie({ revision: 1 }), { revision: 2, texts: { revisionNotice: "" } }, null],
    ["a first visit", undefined, { revision: 2 }, null],
    ["expired", consentCookie({ revision: 2, decided: Date.now() - 200 * DAY, expires: Date.now() - DAY }), { revision: 2 }, null],
  ];
  for (const [name, cookie, config, expected] of cases) {
    const german = name === "in German";
    const region = (page) => page.getByRole("region", { name: german ? de.bannerTitle : "We value your privacy" });
    const { context, page } = await openPage(env);
    await plant(context, { cookie });
    await hostPage(env, page, { body: GATED_PAIR, config });
    await waitReady(page);
    await region(page).waitFor();
    const seen = await notice(page);
    assert.equal(seen.shown, expected, name);
    if (expected) {
      assert.ok(seen.described.startsWith(expected + " | "), `${name}: described first by the notice: ${seen.described}`);
      await button(region(page), german ? de.acceptAll : "Accept all").click();
      await region(page).waitFor({ state: "detached" });
      await page.evaluate(() => window.kloudconsent.reset());
      await region(page).waitFor();
      assert.equal((await notice(page)).shown, null, `${name}: not after the visitor chose`);
      await page.reload();
      await waitReady(page);
      await region(page).waitFor();
      assert.equal((await notice(page)).shown, null, `${name}: not on the next page either`);
    } else {
      assert.ok(!seen.described.includes("Policy has changed"), name);
    }
    assert.deepEqual(page.errors, [], name);
    await context.close();
  }
});

test("a decision under a higher revision than the config's is honoured (a page from a stale cache): from localStorage at any, from a cookie one above", async () => {
  // Contract section 4. A cookie is not this origin's alone (every port of
  // the host, and with cookie.domain every subdomain, writes it), so it is
  // held to the stale-cache case: one above.
  for (const [store, revision, honoured] of [["cookie", 3, true], ["cookie", 5, false], ["local", 3, true], ["local", 5, true]]) {
    const { context, page } = await openPage(env);
    await plant(context, store === "cookie" ? { cookie: consentCookie({ revision }) } : { local: localValue({ revision }) });
    await hostPage(env, page, { body: GATED_PAIR, config: { revision: 2 } });
    await waitReady(page);
    assert.equal((await page.evaluate(() => window.kloudconsent.get()))?.revision ?? null, honoured ? revision : null, `${store} ${revision}`);
    assert.equal(await banner(page).count(), honoured ? 0 : 1);
    await context.close();
  }
});

test("a decision made in one tab applies in the site's other open tabs", async () => {
  const { context, page } = await openPage(env);
  const url = await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => !!window.kloudconsent && document.querySelector("kloud-consent"));
  await banner(other).waitFor();
  await button(banner(page), "Accept all").click();
  await other.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  assert.deepEqual(await other.evaluate(() => window.__gatedRuns), ["analytics", "marketing"]);
  await banner(other).waitFor({ state: "detached" });
  assert.equal((await other.evaluate(() => window.kloudconsent.get())).method, "accept-all");
  // A revoke in the first tab reaches the second too.
  await page.evaluate(() => window.kloudconsent.set({ analytics: false }));
  await other.waitForFunction(() => window.kloudconsent.accepted("analytics") === false);
  await context.close();
});

/**
 * Runs `fn(context, port)` in a Chromium of its own where `*.kloud.test`
 * resolves to the test server (www, app, docs: sibling hosts sharing
 * `cookie.domain` in `fixtures/domain*.html`), the widget's events recorded.
 */
async function onSubdomains(fn) {
  const { chromium } = await import("playwright-core");
  const { CHROMIUM_ARGS } = await import("./helpers.mjs");
  const b = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP *.kloud.test 127.0.0.1"],
  });
  try {
    const context = await b.newContext();
    await recordEvents(context);
    await fn(context, new URL(env.server.url).port);
  } finally {
    await b.close();
  }
}

/** Accept all on www, then app opened: it adopts that decision from the shared cookie. */
async function acceptedOnWwwThenApp(context, port) {
  const www = await context.newPage();
  await www.goto(`http://www.kloud.test:${port}/fixtures/domain.html`);
  await www.getByRole("button", { name: "Accept all" }).click();
  await www.waitForFunction(() => window.kloudconsent.get() !== null);
  const app = await context.newPage();
  await app.goto(`http://app.kloud.test:${port}/fixtures/domain.html`);
  await app.waitForFunction(() => window.kloudconsent && window.kloudconsent.get() !== null);
  return { www, app };
}

test("the cookie carries the configured Domain so subdomains share one decision", async () => {
  // *.kloud.test resolves to the test server in this browser only.
  await onSubdomains(async (context, port) => {
    const page = await context.newPage();
    await page.goto(`http://www.kloud.test:${port}/fixtures/domain.html`);
    await page.getByRole("button", { name: "Reject all" }).click();
    await page.waitForFunction(() => window.kloudconsent.get() !== null);
    const cookies = (await context.cookies()).filter((c) => c.name === "kloudconsent");
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0].domain, ".kloud.test");
    // Another subdomain sees the same decision.
    const page2 = await context.newPage();
    await page2.goto(`http://app.kloud.test:${port}/fixtures/domain.html`);
    await page2.waitForFunction(() => window.kloudconsent && window.kloudconsent.get() !== null);
    assert.equal(await page2.evaluate(() => window.kloudconsent.get().method), "reject-all");
    assert.equal(await page2.getByRole("button", { name: "Reject all" }).count(), 0);
  });
});

test("a tab deciding after a sibling subdomain withdrew amends the withdrawal, not its own stale decision", async () => {
  // A sibling host's tab hears nothing of the shared cookie's change; the
  // page's own set() there must not write back what the sibling withdrew.
  await onSubdomains(async (context, port) => {
    const { www, app } = await acceptedOnWwwThenApp(context, port);
    assert.equal(await app.evaluate(() => window.kloudconsent.get().method), "accept-all");
    await app.evaluate(() => window.kloudconsent.rejectAll());
    // Back on www's tab, unfocused since: the page's own code decides.
    await www.evaluate(() => window.kloudconsent.set({ marketing: false }));
    const state = await www.evaluate(() => window.kloudconsent.get());
    assert.equal(state.method, "reject-all", JSON.stringify(state));
    assert.equal(state.categories.analytics, false, JSON.stringify(state));
    const later = await context.newPage();
    await later.goto(`http://docs.kloud.test:${port}/fixtures/domain.html`);
    await later.waitForFunction(() => window.kloudconsent && window.kloudconsent.get() !== null);
    assert.equal(await later.evaluate(() => window.kloudconsent.accepted("analytics")), false);
  });
});

test("a Reject all in a tab that missed a sibling subdomain's Accept all runs nothing of that Accept all", async () => {
  // The sibling's decision is what the Reject all amends, but it is never
  // applied here on the way: no script, no granting event.
  await onSubdomains(async (context, port) => {
    const www = await context.newPage();
    await www.goto(`http://www.kloud.test:${port}/fixtures/domain-gated.html`);
    await www.getByRole("button", { name: "Reject all" }).waitFor();
    const app = await context.newPage();
    await app.goto(`http://app.kloud.test:${port}/fixtures/domain.html`);
    await app.waitForFunction(() => window.kloudconsent);
    await app.evaluate(() => window.kloudconsent.acceptAll());
    await www.getByRole("button", { name: "Reject all" }).click();
    await www.waitForFunction(() => window.kloudconsent.get()?.method === "reject-all");
    await www.waitForTimeout(300);
    assert.deepEqual(await www.evaluate(() => window.__gatedRuns || []), []);
    const seen = await www.evaluate(() => window.__events.filter((e) => e.name !== "ready")
      .map((e) => e.name + ":" + e.detail.method));
    assert.deepEqual(seen, ["change:reject-all", "consent:reject-all"]);
    const later = await context.newPage();
    await later.goto(`http://docs.kloud.test:${port}/fixtures/domain.html`);
    await later.waitForFunction(() => window.kloudconsent && window.kloudconsent.get() !== null);
    assert.equal(await later.evaluate(() => window.kloudconsent.get().method), "reject-all");
  });
});

test("the preference tool opened in a tab that missed a sibling subdomain's withdrawal shows it, and Save keeps it", async () => {
  await onSubdomains(async (context, port) => {
    const { www, app } = await acceptedOnWwwThenApp(context, port);
    await app.evaluate(() => window.kloudconsent.set({ marketing: false }));
    // www's tab, not brought back: its page's button opens the tool.
    await www.evaluate(() => window.kloudconsent.show());
    const marketing = www.getByRole("dialog").getByRole("switch", { name: "Marketing and communication" });
    await marketing.waitFor();
    assert.equal(await marketing.isChecked(), false, "the tool shows the stores' decision");
    await www.getByRole("dialog").getByRole("button", { name: "Save preferences" }).click();
    await www.waitForFunction(() => !document.querySelector("kloud-consent").shadowRoot.querySelector("[role=dialog]"));
    assert.equal(await www.evaluate(() => window.kloudconsent.accepted("marketing")), false);
    assert.equal(await www.evaluate(() => window.kloudconsent.accepted("analytics")), true);
    const later = await context.newPage();
    await later.goto(`http://docs.kloud.test:${port}/fixtures/domain.html`);
    await later.waitForFunction(() => window.kloudconsent && window.kloudconsent.get() !== null);
    assert.equal(await later.evaluate(() => window.kloudconsent.accepted("marketing")), false);
  });
});

test("on 127.0.0.1 and localhost the cookie is the contract's kloudconsent (Path=/, SameSite=Lax), and an older __Host- one moves to it", async () => {
  // Secure contexts over plain http: `__Host-` would keep no one out there
  // (cookies are not kept apart by port), so the contract's name is used.
  // `localhost.` (the fully qualified form; stop 62's review of origins)
  // had been taken for a host with a parent domain.
  const port = new URL(env.server.url).port;
  for (const host of ["127.0.0.1", "localhost", "localhost."]) {
    const { context, page } = await openPage(env);
    await page.goto(`http://${host}:${port}/fixtures/basic.html`);
    await waitReady(page);
    await button(banner(page), "Reject all").click();
    await page.waitForFunction(() => window.kloudconsent.get() !== null);
    const cookies = await consentCookies(context);
    assert.equal(cookies.length, 1, host + ": " + JSON.stringify(cookies));
    assert.equal(cookies[0].name, "kloudconsent", host);
    assert.equal(cookies[0].path, "/", host);
    assert.equal(cookies[0].sameSite, "Lax", host);
    assert.equal(cookies[0].secure, false, host + ": Secure only on https");
    assert.ok(cookies[0].value.includes(await page.evaluate(() => window.kloudconsent.get().id)), host);
    assert.deepEqual(page.errors, [], host);
    await context.close();
  }

  // A decision stored by an earlier version as __Host-kloudconsent (Secure,
  // written over http by the page itself, as a secure context allows).
  const { context, page } = await openPage(env);
  await page.goto(`${env.server.url}/fixtures/plain.html`);
  await page.evaluate((v) => { document.cookie = `__Host-kloudconsent=${v}; Secure; Path=/; SameSite=Lax`; }, consentCookie());
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.deepEqual(await gatedRuns(page), ["analytics"], "the old cookie's decision is honoured");
  await page.evaluate(() => window.kloudconsent.rejectAll());
  const names = (await consentCookies(context)).map((c) => c.name);
  assert.deepEqual(names, ["kloudconsent"], "the next decision is stored under the contract's name and the old one removed");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// The back/forward cache keeps a page alive but deaf while the visitor is
// elsewhere: a change of mind made on another page of the site must reach
// it when Back brings it again. Chromium delivers the storage events a
// cached page missed when it is restored; WebKit does not, which the
// widget's pageshow hook covers (tests/webkit/storage.test.mjs fails
// without it). Its own browser: Playwright turns the cache off unless asked.
// Back is the page's own `history.back()`: Firefox over BiDi keeps no page
// in the cache for Playwright's goBack, and reports no navigation for a
// restored one (so the page is asked for its URL).
test("Back to a page from the back/forward cache adopts a decision changed while it was away", async () => {
  const own = await launch({ bfcache: true });
  try {
    const { context, page } = await openPage(own);
    await recordEvents(context);
    const first = await hostPage(own, page, { body: GATED_PAIR });
    await waitReady(page);
    await page.evaluate(() => window.kloudconsent.acceptAll());
    await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
    await page.evaluate(() => { window.__marker = "kept"; });
    await hostPage(own, page, { body: GATED_PAIR }); // another page of the site
    await waitReady(page);
    await page.evaluate(() => window.kloudconsent.rejectAll());
    assert.equal(await backTo(page, first), first); // a restored page fires no load event
    await page.waitForFunction(() => window.__marker === "kept", null, { timeout: 5000 })
      .catch(() => assert.fail("this Chromium did not restore the page from its back/forward cache"));
    await page.waitForFunction(() => window.kloudconsent.get()?.method === "reject-all");
    const changes = (await page.evaluate(() => window.__events || [])).filter((e) => e.name === "change");
    assert.equal(changes.length, 2, "a change event for the adopted decision");
    assert.equal(await storedLocal(page) !== null, true);
  } finally {
    await own.close();
  }
});
