// The hostile stored values (cookies and localStorage records the widget
// must refuse or honour exactly as the contract says), shared by the
// Chromium suite (hostile-storage.test.mjs) and the WebKit suite
// (tests/webkit/storage.test.mjs), so both engines answer the same rows.
// Rows marked `secure` need a secure context and rows with `decide` click a
// banner button first; the WebKit suite runs the others.

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
export const CASES = [
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
