// Reads the visitor's KloudConsent decision from a request's Cookie header,
// with the checks the widget itself applies (docs/stored-decision.md,
// "Reading it on your server"). No dependencies; Node 18+ or any JS runtime.
//
//   import { readConsent } from "./kloudconsent-cookie.mjs";
//   const consent = readConsent(req.headers.cookie, {
//     revision: 1,                       // your config's `revision`
//     categories: ["necessary", "performance", "functionality", "security", "marketing"],
//     required: ["necessary", "security"],
//     sharedCookie: false,               // true with `cookie.domain`, or on plain http
//   });
//   if (consent?.granted("performance")) { ... }   // null: no decision: refuse
//
// It never throws: a missing, malformed, expired, stale or tampered value is
// `null`, which means no consent, exactly as the widget treats it.

const DAY_MS = 86_400_000;
const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const ID = /^[A-Za-z0-9_-]{1,40}$/;
const CONSENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const METHODS = { a: "accept-all", r: "reject-all", c: "custom" };

/** A whole number written as the widget writes it (no sign, no leading 0). */
function whole(text, max) {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
}

/**
 * One cookie value, checked; `null` when it does not count. A revision one
 * above yours counts (a page from a stale cache amends the newer decision);
 * two or more above, the value is not from your site.
 */
export function parseValue(value, { revision, categories, required = [], now = Date.now() }) {
  if (typeof value !== "string" || value.length > 4096) return null;
  const fields = value.split("|");
  if (fields.length !== 8 || fields[0] !== "1") return null;
  const [, rev, decided, expires, method, id, granted, denied] = fields;
  const stored = {
    revision: whole(rev, 4294967295),
    decidedAt: whole(decided, MAX_MS),
    expiresAt: whole(expires, MAX_MS),
    method: METHODS[method],
    id,
  };
  if (Object.values(stored).includes(null) || !stored.method || !CONSENT_ID.test(id)) return null;
  const grants = new Map();
  let count = 0;
  for (const [list, on] of [[granted, true], [denied, false]]) {
    if (list === "") continue;
    for (const entry of list.split(".")) {
      // A service is written `<category>:<service>`; its id is `<category>.<service>`.
      const parts = entry.split(":");
      if (parts.length > 2 || !parts.every((p) => ID.test(p))) return null;
      const key = parts.join(".");
      if (grants.has(key)) return null;
      grants.set(key, on);
      if (parts.length === 1) count++;
    }
  }
  if (count < 1 || count > 64) return null;
  if (stored.decidedAt > now + DAY_MS) return null; // decided in the future
  if (stored.expiresAt <= stored.decidedAt) return null;
  if (stored.expiresAt - stored.decidedAt > 3650 * DAY_MS) return null;
  if (stored.expiresAt <= now) return null; // expired: ask again
  if (stored.revision < revision) return null; // made under an older policy
  if (stored.revision > revision + 1) return null; // not from this site
  if (!categories.some((c) => grants.has(c))) return null;
  return {
    ...stored,
    /** Whether category (or service, `analytics.ga`) `id` is granted. */
    granted(id) {
      const category = String(id).split(".")[0];
      if (!categories.includes(category)) return false;
      return required.includes(category) || grants.get(String(id)) === true;
    },
  };
}

/** Every value of cookie `name` in a raw Cookie header, in header order. */
function values(header, name) {
  const found = [];
  for (const pair of String(header || "").split(";")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq).trim() === name) found.push(pair.slice(eq + 1).trim());
  }
  return found;
}

/**
 * The decision in force for this request, or `null` (no consent). Reads the
 * raw header, not a framework's parsed cookies: several `kloudconsent`
 * cookies can arrive (a host-only one beside a parent-domain one) and
 * frameworks keep either the first or the last; the newest valid one counts.
 *
 * `sharedCookie`: whether a plain `kloudconsent` cookie is yours to trust.
 * True when your config sets `cookie.domain` (every subdomain writes it) or
 * the site is plain http (no `__Host-` cookie there). Otherwise, on https,
 * only `__Host-kloudconsent` counts: a sibling subdomain can plant a plain
 * `kloudconsent` for the parent domain.
 */
export function readConsent(header, options) {
  const names = options.sharedCookie ? ["__Host-kloudconsent", "kloudconsent"] : ["__Host-kloudconsent"];
  let best = null;
  for (const name of names) {
    for (const value of values(header, name)) {
      const read = parseValue(value, options);
      if (read && (!best || read.decidedAt > best.decidedAt)) best = read;
    }
  }
  return best;
}
