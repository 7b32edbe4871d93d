// Reads the visitor's KloudConsent decision from a request's Cookie header,
// with the checks the widget itself applies (docs/stored-decision.md,
// "Reading it on your server"). No dependencies; Node 18+ or any JS runtime.
//
//   import { readConsent } from "./kloudconsent-cookie.mjs";
//   const consent = readConsent(req.headers.cookie, {
//     revision: 1,                       // your config's `revision`
//     categories: ["necessary", "analytics", "functionality", "security", "marketing"],
//     required: ["necessary", "security"],
//     services: { analytics: ["ga", "appinsights"] }, // if your categories have services
//     sharedCookie: false,               // see readConsent below
//   });
//   if (consent?.granted("analytics")) { ... }   // null: no decision: refuse
//
// It never throws on what the request carries: a missing, malformed,
// expired, stale or tampered value is `null`, which means no consent,
// exactly as the widget treats it. Options that make no sense (your code's
// mistake, not the visitor's) throw a TypeError at once.

const DAY_MS = 86_400_000;
const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const ID = /^[A-Za-z0-9_-]{1,40}$/;
const CONSENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const METHODS = new Map([["a", "accept-all"], ["r", "reject-all"], ["c", "custom"]]);
// The widget trims ASCII whitespace only (not JavaScript's wider `trim()`).
const trim = (s) => s.replace(/^[ \t\n\f\r]+|[ \t\n\f\r]+$/g, "");

/** A whole number written as the widget writes it (no sign, no leading 0). */
function whole(text, max) {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(text)) return null;
  const n = Number(text);
  return n <= max ? n : null;
}

/** Your options, checked once: a wrong one would silently count or refuse everything. */
function checked({ revision, categories, required = [], services = {}, now = Date.now() } = {}) {
  const ids = (list, what) => {
    if (!Array.isArray(list) || !list.every((id) => typeof id === "string" && ID.test(id))) {
      throw new TypeError(`kloudconsent-cookie: ${what} must be an array of ids`);
    }
    return list;
  };
  if (!Number.isInteger(revision) || revision < 0 || revision > 4294967295) {
    throw new TypeError("kloudconsent-cookie: revision must be your config's revision, a whole number");
  }
  if (!Number.isFinite(now)) throw new TypeError("kloudconsent-cookie: now must be Unix milliseconds");
  if (typeof services !== "object" || services === null) {
    throw new TypeError("kloudconsent-cookie: services must be {category: [service ids]}");
  }
  const byCategory = new Map(Object.entries(services).map(([c, s]) => [c, ids(s, `services.${c}`)]));
  return { revision, categories: ids(categories, "categories"), required: ids(required, "required"),
    services: byCategory, now };
}

/**
 * One cookie value, checked; `null` when it does not count. A revision one
 * above yours counts (a page from a stale cache amends the newer decision);
 * two or more above, the value is not from your site.
 */
export function parseValue(value, options) {
  const { revision, categories, required, services, now } = checked(options);
  if (typeof value !== "string" || value.length > 4096) return null;
  const fields = value.split("|");
  if (fields.length !== 8 || fields[0] !== "1") return null;
  const [, rev, decided, expires, method, id, granted, denied] = fields;
  const stored = {
    revision: whole(rev, 4294967295),
    decidedAt: whole(decided, MAX_MS),
    expiresAt: whole(expires, MAX_MS),
    method: METHODS.get(method) ?? null,
    id,
  };
  if (Object.values(stored).includes(null) || !CONSENT_ID.test(id)) return null;
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
  /** As the widget's `accepted(id)`: a category, or a service as `analytics.ga`. */
  const isGranted = (id) => {
    const [category, service, ...rest] = String(id).split(".");
    const known = services.get(category) || [];
    if (!categories.includes(category) || rest.length) return false;
    if (service !== undefined && !known.includes(service)) return false; // not your service
    if (required.includes(category)) return true;
    // A category with services is granted exactly when one of them is.
    if (service === undefined && known.length) return known.some((s) => grants.get(`${category}.${s}`) === true);
    return grants.get(String(id)) === true;
  };
  return { ...stored, granted: isGranted };
}

/** Every value of cookie `name` in a raw Cookie header, in header order. */
function values(header, name) {
  const text = Array.isArray(header) ? header.join("; ") : typeof header === "string" ? header : "";
  const found = [];
  for (const pair of text.split(";")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && trim(pair.slice(0, eq)) === name) found.push(trim(pair.slice(eq + 1)));
  }
  return found;
}

/**
 * The decision in force for this request, or `null` (no consent). Reads the
 * raw header (`req.headers.cookie`), not a framework's parsed cookies: several
 * `kloudconsent` cookies can arrive (a host-only one beside a parent-domain
 * one) and frameworks keep either the first or the last; the newest valid
 * one counts, as in the widget (one dated in the future counts as older than
 * any other).
 *
 * `sharedCookie`: whether a plain `kloudconsent` cookie is yours to trust.
 * True when your config sets `cookie.domain` (every subdomain writes it), on
 * plain http, and on hosts with no parent domain (`localhost`, an IP
 * address, a one-label intranet name), where the widget writes that name
 * even on https. False on an https site without `cookie.domain`: only
 * `__Host-kloudconsent` counts there, since a sibling subdomain can plant a
 * plain `kloudconsent` for the parent domain.
 */
export function readConsent(header, options) {
  const { now } = checked(options);
  const at = { ...options, now };
  const names = options.sharedCookie ? ["__Host-kloudconsent", "kloudconsent"] : ["__Host-kloudconsent"];
  const when = (r) => (r.decidedAt > now ? -Infinity : r.decidedAt);
  let best = null;
  for (const name of names) {
    for (const value of values(header, name)) {
      const read = parseValue(value, at);
      if (read && (!best || when(read) > when(best))) best = read;
    }
  }
  return best;
}
