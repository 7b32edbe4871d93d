// Bad stored input (contract section 4): hostile, corrupt, oversized,
// tampered, future and duplicate values in the `kloudconsent` cookie and
// localStorage. Each row plants values before the widget runs and checks that
// either the banner shows with nothing gated run (no decision), or the stored
// decision is honoured exactly as the contract says, and that no page error
// is thrown. The page is served as www.kloud.test so that a host-only cookie
// and a `Domain=.kloud.test` cookie of the same name can both reach it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, gatedRuns, banner, button, storedLocal,
  KLOUD_TEST_ARGS, widgetLogs, shadowSummary,
} from "./helpers.mjs";

let env;
before(async () => { env = await launch({ args: KLOUD_TEST_ARGS }); });
after(async () => { await env.close(); });

/**
 * Where a row runs: www.kloud.test (plain http), or for `secure` rows
 * www.kloud.localhost, which Chromium treats as a secure context that takes
 * `__Host-` cookies, as https would (and `*.localhost` resolves to this
 * machine without a host-resolver rule).
 */
function site(secure) {
  const parent = secure ? "kloud.localhost" : "kloud.test";
  return { origin: env.server.url.replace("127.0.0.1", "www." + parent), parent: "." + parent, host: "www." + parent };
}

const NOW = Date.now();
const DAY = 86_400_000;
const ID = "AAECAwQFBgcICQoLDA0ODw";
const ALL = "necessary.analytics.functionality.security.marketing";
const iso = (ms) => new Date(ms).toISOString();

/** A cookie value in format 1; any field can be overridden with raw text. */
function cookie(f = {}) {
  const d = { v: 1, rev: 1, at: NOW - 60_000, exp: NOW + 180 * DAY, m: "a", id: ID, granted: ALL, denied: "" };
  const x = { ...d, ...f };
  return [x.v, x.rev, x.at, x.exp, x.m, x.id, x.granted, x.denied].join("|");
}

/** A localStorage record (JSON text); `f` overrides or adds keys. */
function local(f = {}) {
  return JSON.stringify({
    v: 1,
    categories: { necessary: true, analytics: true, functionality: true, security: true, marketing: true },
    method: "accept-all", revision: 1, decidedAt: iso(NOW - 60_000), expiresAt: iso(NOW + 180 * DAY), id: ID,
    ...f,
  });
}

const REJECTED = { necessary: true, analytics: false, functionality: false, security: true, marketing: false };
const REJECT_FIELDS = { m: "r", granted: "necessary.security", denied: "analytics.functionality.marketing" };
const CUSTOM_ANALYTICS = { necessary: true, analytics: true, functionality: false, security: true, marketing: false };

// Each row: cookies as [value, "host" | "parent"], an optional localStorage
// value, and what must follow: `method` null (no decision: banner, nothing
// gated) or the honoured method and the gated scripts that must run.
const NONE = { method: null, runs: [] };
const ACCEPTED = { method: "accept-all", runs: ["analytics", "marketing"] };
const CASES = [
  // ---- cookie only
  { name: "cookie: garbage", cookies: [["hello-world"]], expect: NONE },
  { name: "cookie: empty value", cookies: [[""]], expect: NONE },
  { name: "cookie: truncated (5 of 8 fields)", cookies: [[cookie().split("|").slice(0, 5).join("|")]], expect: NONE },
  { name: "cookie: 4000 bytes", cookies: [["1|" + "A".repeat(3998)]], expect: NONE },
  { name: "cookie: future format version 2", cookies: [[cookie({ v: 2 })]], expect: NONE },
  { name: "cookie: decided two days in the future", cookies: [[cookie({ at: NOW + 2 * DAY })]], expect: NONE },
  { name: "cookie: decided an hour ahead (clock skew) is honoured", cookies: [[cookie({ at: NOW + 3_600_000 })]], expect: ACCEPTED },
  { name: "cookie: NaN revision", cookies: [[cookie({ rev: "NaN" })]], expect: NONE },
  { name: "cookie: NaN and Infinity timestamps", cookies: [[cookie({ at: "NaN", exp: "Infinity" })]], expect: NONE },
  { name: "cookie: negative and exponent timestamps", cookies: [[cookie({ at: "-1", exp: "1e13" })]], expect: NONE },
  { name: "cookie: 20-digit timestamp", cookies: [[cookie({ exp: "99999999999999999999" })]], expect: NONE },
  { name: "cookie: only categories unknown to the config", cookies: [[cookie({ granted: "tracking.ads", denied: "" })]], expect: NONE },
  {
    name: "cookie: known and unknown categories: known ones honoured, unknown ignored",
    cookies: [[cookie({ m: "c", granted: "necessary.analytics.tracking", denied: "marketing" })]],
    expect: { method: "custom", runs: ["analytics"], categories: CUSTOM_ANALYTICS },
  },
  { name: "cookie: expired", cookies: [[cookie({ at: NOW - 200 * DAY, exp: NOW - DAY })]], expect: NONE },
  { name: "cookie: lower revision than the config", cookies: [[cookie({ rev: 0 })]], expect: NONE },
  { name: "cookie: one revision above the config's is honoured (a page from a stale cache)", cookies: [[cookie({ rev: 2 })]], expect: ACCEPTED },
  { name: "cookie: two revisions above the config's is refused", cookies: [[cookie({ rev: 3 })]], expect: NONE },
  { name: "cookie: revision 7 is refused", cookies: [[cookie({ rev: 7 })]], expect: NONE },
  { name: "cookie: method `s` (a signal is never stored)", cookies: [[cookie({ m: "s" })]], expect: NONE },
  { name: "cookie: quoted value", cookies: [['"' + cookie() + '"']], expect: NONE },
  { name: "cookie: markup", cookies: [["<img/src=x/onerror=window.__xss=1>"]], expect: NONE },
  { name: "cookie: duplicate category", cookies: [[cookie({ granted: "analytics.analytics" })]], expect: NONE },
  // ---- two cookies of the same name: host-only and Domain=.kloud.test
  {
    name: "two cookies: the newer (parent domain, reject-all) wins over the older host-only accept-all",
    cookies: [[cookie({ at: NOW - 2 * DAY })], [cookie({ m: "r", granted: "necessary.security", denied: "analytics.functionality.marketing" }), "parent"]],
    expect: { method: "reject-all", runs: [], categories: REJECTED },
  },
  {
    name: "two cookies: the newer (host-only, accept-all) wins over the older parent reject-all",
    cookies: [[cookie()], [cookie({ at: NOW - 2 * DAY, m: "r", granted: "necessary.security", denied: "analytics.functionality.marketing" }), "parent"]],
    expect: ACCEPTED,
  },
  {
    name: "two cookies: a garbage host-only one does not hide a valid parent one",
    cookies: [["garbage"], [cookie({ m: "c", granted: "necessary.security.analytics", denied: "functionality.marketing" }), "parent"]],
    expect: { method: "custom", runs: ["analytics"], categories: CUSTOM_ANALYTICS },
  },
  { name: "two cookies: both invalid", cookies: [["1|x"], [cookie({ v: 9 }), "parent"]], expect: NONE },
  {
    name: "two cookies: one dated 23 hours ahead never beats one from the past",
    cookies: [[cookie(REJECT_FIELDS)], [cookie({ at: NOW + 23 * 3_600_000 }), "parent"]],
    expect: { method: "reject-all", runs: [], categories: REJECTED },
  },
  // ---- localStorage only
  { name: "localStorage: garbage", local: "{{{ not json", expect: NONE },
  { name: "localStorage: truncated JSON", local: local().slice(0, 80), expect: NONE },
  { name: "localStorage: 10 KB value", local: local({ id: "A".repeat(10_000) }), expect: NONE },
  { name: "localStorage: wrong type for a category", local: local({ categories: { necessary: true, analytics: "yes" } }), expect: NONE },
  { name: "localStorage: an array", local: "[1,2,3]", expect: NONE },
  { name: "localStorage: JSON null", local: "null", expect: NONE },
  { name: "localStorage: future version 2", local: local({ v: 2 }), expect: NONE },
  { name: "localStorage: version as a string", local: local({ v: "1" }), expect: NONE },
  { name: "localStorage: decided two days in the future", local: local({ decidedAt: iso(NOW + 2 * DAY) }), expect: NONE },
  { name: "localStorage: only unknown categories", local: local({ categories: { tracking: true } }), expect: NONE },
  { name: "localStorage: NaN-like numbers", local: local({ revision: "NaN", decidedAt: "NaN" }), expect: NONE },
  { name: "localStorage: bare NaN literal", local: local().replace('"revision":1', '"revision":NaN'), expect: NONE },
  { name: "localStorage: revision 1e400", local: local().replace('"revision":1', '"revision":1e400'), expect: NONE },
  { name: "localStorage: __proto__ key", local: local().replace('{"v":1', '{"__proto__":{"x":1},"v":1'), expect: NONE },
  { name: "localStorage: time with an offset", local: local({ decidedAt: "2026-11-28T12:00:00.000+10:00" }), expect: NONE },
  { name: "localStorage: markup in the id", local: local({ id: "<img src=x onerror=window.__xss=1>" }), expect: NONE },
  // ---- both stores
  {
    name: "both: a valid localStorage record beats a garbage cookie, and the cookie is rewritten",
    local: local({ method: "custom", categories: CUSTOM_ANALYTICS }),
    cookies: [["garbage"]],
    expect: { method: "custom", runs: ["analytics"], categories: CUSTOM_ANALYTICS, rewritesCookie: true },
  },
  {
    name: "both: a valid cookie beats garbage localStorage, and localStorage is rewritten",
    local: "garbage", cookies: [[cookie()]],
    expect: { ...ACCEPTED, rewritesLocal: true },
  },
  {
    name: "both: without cookie.domain a newer cookie never overrides a valid localStorage record",
    local: local({ method: "reject-all", categories: REJECTED, decidedAt: iso(NOW - 3 * DAY) }),
    cookies: [[cookie()]],
    expect: { method: "reject-all", runs: [], categories: REJECTED, rewritesCookie: true },
  },
  // ---- a sibling subdomain (evil.kloud.test) writes Domain=.kloud.test (issue 18, finding 5)
  {
    name: "sibling: a parent-domain accept-all dated 23 hours ahead does not flip localStorage's reject-all",
    local: local({ method: "reject-all", categories: REJECTED }),
    cookies: [[cookie({ at: NOW + 23 * 3_600_000 }), "parent"]],
    expect: { method: "reject-all", runs: [], categories: REJECTED, localKept: true },
  },
  {
    name: "sibling: a newer parent-domain accept-all under revision 2 does not flip localStorage's reject-all",
    local: local({ method: "reject-all", categories: REJECTED, decidedAt: iso(NOW - 3_600_000) }),
    cookies: [[cookie({ rev: 2, at: NOW - 1000 }), "parent"]],
    expect: { method: "reject-all", runs: [], categories: REJECTED, localKept: true },
  },
  // ---- a secure context (https, or here www.kloud.localhost, which Chromium
  // treats as one): the cookie is __Host-kloudconsent, which no other host can write.
  {
    name: "secure: Reject all is stored in __Host-kloudconsent (host-only, Secure, Path=/)", secure: true,
    decide: "Reject all",
    expect: { method: "reject-all", runs: [], categories: REJECTED, consentCookies: [["__Host-kloudconsent", "HOST", true]] },
  },
  {
    name: "secure: an old host-only kloudconsent alone is honoured and moved to __Host-kloudconsent", secure: true,
    cookies: [[cookie()]],
    expect: { ...ACCEPTED, consentCookies: [["__Host-kloudconsent", "HOST", true]] },
  },
  {
    name: "secure: __Host-kloudconsent beats a newer parent-domain kloudconsent when localStorage is empty", secure: true,
    cookies: [[cookie({ ...REJECT_FIELDS, at: NOW - DAY }), "host", "__Host-kloudconsent"], [cookie({ at: NOW - 1000 }), "parent"]],
    expect: {
      method: "reject-all", runs: [], categories: REJECTED,
      consentCookies: [["__Host-kloudconsent", "HOST", true], ["kloudconsent", "PARENT", false]],
    },
  },
];

/** Lets Yew's deferred render and any released script run. */
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));

test(`hostile stored values (${CASES.length} cases): banner or decision as the contract says, no page error`, async (t) => {
  assert.ok(CASES.length >= 20);
  for (const c of CASES) {
    await t.test(c.name, async () => {
      const { origin, parent, host } = site(c.secure);
      const { context, page } = await openPage(env);
      const planted = (c.cookies || []).map(([value, where, name = "kloudconsent"]) => ({ name, value, where }));
      const cookies = planted.filter((k) => !k.name.startsWith("__Host-")).map(({ name, value, where }) => ({
        name, value, ...(where === "parent" ? { domain: parent, path: "/" } : { url: origin + "/" }),
      }));
      if (cookies.length) await context.addCookies(cookies);
      // A `__Host-` cookie over http: written by the page itself (the
      // browser's cookie API refuses a Secure cookie for an http URL).
      const hostOnly = planted.filter((k) => k.name.startsWith("__Host-"));
      if (hostOnly.length) {
        await page.goto(origin + "/fixtures/plain.html");
        await page.evaluate((list) => {
          for (const k of list) document.cookie = `${k.name}=${k.value}; Secure; Path=/; SameSite=Lax`;
        }, hostOnly);
      }
      if (c.local !== undefined) {
        await context.addInitScript((v) => {
          if (!sessionStorage.getItem("planted")) {
            localStorage.setItem("kloudconsent", v);
            sessionStorage.setItem("planted", "1");
          }
        }, c.local);
      }
      await page.goto(origin + "/fixtures/basic.html");
      await waitReady(page);
      if (c.decide) {
        await button(banner(page), c.decide).click();
        await page.waitForFunction(() => window.kloudconsent.get() !== null);
      }
      const { method, runs } = c.expect;
      if (runs.length) await page.waitForFunction((n) => (window.__gatedRuns || []).length >= n, runs.length);
      await settle(page);

      const state = await page.evaluate(() => window.kloudconsent.get());
      assert.equal(state?.method ?? null, method, "get().method");
      assert.deepEqual(await gatedRuns(page), runs, "gated scripts that ran");
      if (method === null) {
        assert.ok(await banner(page).isVisible(), "banner shown");
        assert.ok(widgetLogs(page, "warning").some((l) => l.includes("ignored a stored decision")),
          "the ignored value is reported: " + page.logs.join(" | "));
      } else {
        assert.equal(await banner(page).count(), 0, "no banner");
        if (c.expect.categories) assert.deepEqual(state.categories, c.expect.categories);
      }
      if (c.expect.rewritesCookie) {
        const values = (await context.cookies()).filter((k) => k.name === "kloudconsent").map((k) => k.value);
        assert.ok(values.some((v) => v.startsWith("1|1|") && v.includes(state.id)), values.join(", "));
      }
      if (c.expect.rewritesLocal) assert.equal(JSON.parse(await storedLocal(page)).id, state.id);
      if (c.expect.localKept) assert.equal(await storedLocal(page), c.local, "localStorage untouched");
      if (c.expect.consentCookies) {
        const found = (await context.cookies()).filter((k) => k.name.includes("kloudconsent"))
          .map((k) => [k.name, k.domain.replace(host, "HOST").replace(parent, "PARENT"), k.secure]).sort();
        assert.deepEqual(found, c.expect.consentCookies);
      }
      if (method !== null) {
        // Decided: nothing is rendered until shown, so open the preference
        // tool, which displays what was read from storage.
        await page.evaluate(() => window.kloudconsent.show());
        await page.waitForFunction(() => document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-dialog"));
      }
      const shadow = await shadowSummary(page);
      assert.ok(shadow, "the widget rendered");
      assert.ok(!shadow.tags.some((t) => ["img", "script", "iframe"].includes(t)), "no element injected");
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      assert.deepEqual(page.errors, [], "no page error");
      assert.deepEqual(widgetLogs(page, "error"), [], "no console error");
      await context.close();
    });
  }
});
