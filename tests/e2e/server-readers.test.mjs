// The reference server readers in examples/server/ (Node and Python) against
// the widget itself: for cookies the widget wrote, they read what
// `kloudconsent.get()` says; for values anyone could write, they count
// exactly those the widget counts (docs/stored-decision.md, "Reading it on
// your server").
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readConsent } from "../../examples/server/kloudconsent-cookie.mjs";
import { launch, openPage, hostPage, waitReady, consentCookie } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const DAY = 86400000;
const CONFIG = {
  revision: 3,
  categories: [
    { id: "necessary", label: "Strictly necessary", required: true },
    { id: "analytics", label: "Performance and analytics", services: [
      { id: "appinsights", label: "Application Insights" },
      { id: "ga", label: "Google Analytics" },
    ] },
    { id: "functionality", label: "Functionality" },
    { id: "security", label: "Security", required: true },
    { id: "marketing", label: "Marketing and communication" },
  ],
};
const IDS = ["necessary", "analytics", "analytics.appinsights", "analytics.ga", "functionality",
  "security", "marketing", "unknown", "necessary.x", "analytics.unknown", "analytics.ga.x"];
const OPTIONS = {
  revision: 3,
  categories: ["necessary", "analytics", "functionality", "security", "marketing"],
  required: ["necessary", "security"],
  services: { analytics: ["appinsights", "ga"] },
  sharedCookie: true, // plain http on 127.0.0.1: the cookie is `kloudconsent`
};

/** What a reader makes of a Cookie header: null, or the decision's fields and grants. */
function summary(consent) {
  if (!consent) return null;
  return { method: consent.method, id: consent.id, revision: consent.revision,
    grants: Object.fromEntries(IDS.map((id) => [id, consent.granted(id)])) };
}

const PYTHON = `
import json, sys
sys.path.insert(0, sys.argv[1])
from kloudconsent_cookie import read_consent
ids, opts, headers = json.loads(sys.stdin.read())
out = []
for header in headers:
    c = read_consent(header, revision=opts["revision"], categories=opts["categories"],
        required=opts["required"], services=opts["services"], shared_cookie=opts["sharedCookie"])
    out.append(None if c is None else {"method": c.method, "id": c.id, "revision": c.revision,
        "grants": {i: c.granted(i) for i in ids}})
print(json.dumps(out))
`;
const examples = fileURLToPath(new URL("../../examples/server/", import.meta.url));
function python(headers) {
  const out = execFileSync("python3", ["-c", PYTHON, examples], {
    input: JSON.stringify([IDS, OPTIONS, headers]),
  });
  return JSON.parse(out);
}

/** What the widget makes of the page's cookies: `get()` and `accepted()` of each id. */
const widgetView = (page) => page.evaluate((ids) => {
  const s = window.kloudconsent.get();
  if (!s) return null;
  return { method: s.method, id: s.id, revision: null,
    grants: Object.fromEntries(ids.map((id) => [id, window.kloudconsent.accepted(id)])) };
}, IDS);

async function header(context) {
  const cookies = await context.cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

test("the reference readers read every decision the widget writes as get() does", async () => {
  const decisions = [
    (k) => k.acceptAll(),
    (k) => k.rejectAll(),
    (k) => k.set({ analytics: false, marketing: true }),
    (k) => k.set({ "analytics.ga": true, functionality: true }),
  ];
  const headers = [];
  const views = [];
  for (const decide of decisions) {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { config: CONFIG });
    await waitReady(page);
    await page.evaluate(`(${decide})(window.kloudconsent)`);
    const view = await widgetView(page);
    assert.ok(view, "the widget holds a decision");
    const h = await header(context);
    const read = summary(readConsent(`other=1; ${h}; last=2`, OPTIONS));
    assert.ok(read, h);
    assert.equal(read.revision, 3);
    assert.deepEqual({ ...read, revision: null }, view, h);
    headers.push(`other=1; ${h}; last=2`);
    views.push(view);
    await context.close();
  }
  const py = python(headers);
  py.forEach((read, i) => assert.deepEqual({ ...read, revision: null }, views[i], headers[i]));
});

test("the reference readers refuse exactly the cookie values the widget refuses", async () => {
  const now = Date.now();
  const c = (o) => consentCookie({ revision: 3, granted: "necessary.security.analytics:ga.analytics",
    denied: "analytics:appinsights.functionality.marketing", ...o });
  const values = {
    valid: c(),
    "one revision ahead": c({ revision: 4 }),
    "two revisions ahead": c({ revision: 5 }),
    "an older revision": c({ revision: 2 }),
    "decided two days ahead": c({ decided: now + 2 * DAY }),
    "decided half a day ahead": c({ decided: now + DAY / 2 }),
    "expired": c({ decided: now - 10 * DAY, expires: now - DAY }),
    "expiring before it was decided": c({ decided: now - DAY, expires: now - 2 * DAY }),
    "lasting over 3650 days": c({ decided: now - DAY, expires: now + 3651 * DAY }),
    "expiring in the year 5000": c({ expires: 95617584000000 }),
    "no category shared": c({ granted: "other", denied: "" }),
    "an unknown method": c({ method: "x" }),
    "a method named constructor": c({ method: "constructor" }),
    "a method named __proto__": c({ method: "__proto__" }),
    "a category granted, its services refused": c({ granted: "necessary.security.analytics",
      denied: "analytics:ga.analytics:appinsights.functionality.marketing" }),
    "a service granted, its category refused": c({ granted: "necessary.security.analytics:ga",
      denied: "analytics.analytics:appinsights.functionality.marketing" }),
    "a service the site does not have": c({ granted: "necessary.security.analytics.analytics:unknown" }),
    "an id with a !": c({ id: "abc!defgh" }),
    "a short id": c({ id: "abc" }),
    "seven fields": c().split("|").slice(0, 7).join("|"),
    "nine fields": c() + "|x",
    "a number in exponent form": c({ expires: "1e13" }),
    "a number with a sign": c({ revision: "+3" }),
    "a leading zero": c({ revision: "03" }),
    "a category in both lists": c({ granted: "necessary.analytics", denied: "analytics" }),
    "an empty entry": c({ granted: "necessary..analytics" }),
    "a service of a service": c({ granted: "necessary.analytics:ga:x" }),
    "version 2": "2" + c().slice(1),
    "percent-encoded": encodeURIComponent(c()),
    "quoted": `"${c()}"`,
    "no granted list": c({ granted: "" }),
  };
  const names = Object.keys(values);
  const widget = [];
  for (const name of names) {
    const { context, page } = await openPage(env);
    await context.addCookies([{ name: "kloudconsent", value: values[name], url: env.server.url + "/" }]);
    await hostPage(env, page, { config: CONFIG });
    await waitReady(page);
    widget.push(await widgetView(page));
    await context.close();
  }
  const headers = names.map((name) => `kloudconsent=${values[name]}`);
  const py = python(headers);
  names.forEach((name, i) => {
    const node = summary(readConsent(headers[i], OPTIONS));
    const w = widget[i];
    assert.equal(node !== null, w !== null, `${name}: the Node reader ${node ? "counts" : "refuses"} it, the widget ${w ? "counts" : "refuses"} it`);
    assert.equal(py[i] !== null, w !== null, `${name}: the Python reader disagrees with the widget`);
    if (w) {
      assert.deepEqual({ ...node, revision: null }, w, name);
      assert.deepEqual({ ...py[i], revision: null }, w, name);
    }
  });
  // The cases that matter most, spelled out.
  assert.equal(widget[names.indexOf("valid")]?.method, "custom");
  assert.equal(widget[names.indexOf("two revisions ahead")], null);
  assert.equal(widget[names.indexOf("percent-encoded")], null);
});

test("of several consent cookies the newest valid one counts, and on https a plain one only when trusted", () => {
  const now = Date.now();
  const older = consentCookie({ revision: 3, decided: now - 5 * DAY, method: "r", granted: "necessary.security",
    denied: "analytics.functionality.marketing" });
  const newer = consentCookie({ revision: 3, decided: now - DAY, method: "a",
    granted: "necessary.security.analytics.functionality.marketing", denied: "" });
  const broken = "1|3|x";
  for (const h of [`kloudconsent=${older}; kloudconsent=${newer}`, `kloudconsent=${newer}; kloudconsent=${broken}; kloudconsent=${older}`]) {
    assert.equal(readConsent(h, OPTIONS).method, "accept-all", h);
    assert.equal(python([h])[0].method, "accept-all", h);
  }
  // https without cookie.domain: a plain kloudconsent may come from a sibling.
  const https = { ...OPTIONS, sharedCookie: false };
  const planted = `__Host-kloudconsent=${older}; kloudconsent=${newer}`;
  assert.equal(readConsent(planted, https).method, "reject-all");
  assert.equal(readConsent(`kloudconsent=${newer}`, https), null);
  assert.equal(readConsent(undefined, https), null);
  assert.equal(readConsent("", OPTIONS), null);
  // One dated in the future counts as older than any other, as in the widget.
  const ahead = consentCookie({ revision: 3, decided: now + DAY / 2, method: "a",
    granted: "necessary.security.analytics.functionality.marketing", denied: "" });
  const h = `kloudconsent=${older}; kloudconsent=${ahead}`;
  assert.equal(readConsent(h, OPTIONS).method, "reject-all");
  assert.equal(python([h])[0].method, "reject-all");
  // A mistake in the options is the server's own: said at once, not read as "no consent".
  for (const bad of [{ ...OPTIONS, revision: "3" }, { ...OPTIONS, revision: undefined },
    { ...OPTIONS, categories: undefined }, { ...OPTIONS, required: "necessary" }, { ...OPTIONS, now: new Date() }]) {
    assert.throws(() => readConsent(h, bad), TypeError, JSON.stringify(bad));
  }
});
