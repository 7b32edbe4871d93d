// Bad config (contract section 8): invalid JSON, wrong types, missing
// required fields, unsafe links, failed and slow fetches, a broken inline
// config. Each gives exactly one console.error that names the problem (the
// field, for a field), the built-in default in full (nothing of the bad config
// half-applied), and no page error. Markup in every text field of a valid
// config is shown as text: no element is injected.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, banner, dialog, button, widgetLogs, shadowSummary, configTextKeys, consentCookie,
  toolShown,
} from "./helpers.mjs";

// Every text key, read from the config parser itself so the list cannot drift.
const TEXT_KEYS = configTextKeys();

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const configUrl = (body, extra = "") => `/__config?body=${encodeURIComponent(body)}${extra}`;
const page_ = (config) => `/fixtures/config.html?config=${encodeURIComponent(config)}`;

// [name, data-config URL, text the one console.error must contain]
const CASES = [
  ["invalid JSON", configUrl('{"revision": 2,'), "config is not valid JSON"],
  ["empty body", configUrl(""), "config is not valid JSON"],
  ["an HTML error page served as 200", configUrl("<!doctype html><h1>Oops</h1>"), "config is not valid JSON"],
  ["JSON null", configUrl("null"), "config must be a JSON object, got null"],
  ["an array", configUrl("[]"), "config must be a JSON object, got an array"],
  ["revision as a string", configUrl('{"revision":"2"}'), "`revision`: expected a whole number"],
  ["negative revision", configUrl('{"revision":-1}'), "`revision`"],
  ["expiresAfterDays too large", configUrl('{"expiresAfterDays":1e9}'), "`expiresAfterDays`"],
  ["category without label", configUrl('{"categories":[{"id":"x"}]}'), "`categories[0].label`: is required"],
  ["category without id", configUrl('{"categories":[{"label":"X"}]}'), "`categories[0].id`: is required"],
  ["category id with markup", configUrl('{"categories":[{"id":"<b>","label":"X"}]}'), "`categories[0].id`"],
  ["empty category list", configUrl('{"categories":[]}'), "`categories`: must list at least one"],
  ["categories as a string", configUrl('{"categories":"analytics"}'), "`categories`: expected an array, got a string"],
  ["a text as a number, after a valid one", configUrl('{"revision":2,"texts":{"bannerTitle":"Custom","acceptAll":42}}'), "`texts.acceptAll`: expected a string, got a number"],
  ["javascript: policy link", configUrl('{"texts":{"cookiePolicyUrl":"javascript:alert(1)"}}'), "`texts.cookiePolicyUrl`"],
  ["cookie domain with attributes", configUrl('{"cookie":{"domain":"kloud.test; Secure"}}'), "`cookie.domain`"],
  ["googleConsentMode as a string", configUrl('{"googleConsentMode":"yes"}'), "`googleConsentMode`"],
  ["receiptUrl with a data: URL", configUrl('{"receiptUrl":"data:text/html,x"}'), "`receiptUrl`"],
  ["HTTP 404", configUrl("{}", "&status=404"), "could not be fetched (HTTP 404)"],
  ["HTTP 500", configUrl("{}", "&status=500"), "could not be fetched (HTTP 500)"],
  ["a URL that cannot be fetched", "http://127.0.0.1:1/config.json", "could not be fetched"],
];

async function expectDefaultWithOneError(path, mustContain, { wait = 15000 } = {}) {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + path);
  await page.waitForFunction(() => (window.__events || []).some((e) => e.name === "ready"), null, { timeout: wait });
  const b = banner(page);
  await b.waitFor({ timeout: 5000 });
  assert.ok(await b.isVisible(), "the default banner (its default title names it)");
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  const errors = widgetLogs(page, "error");
  assert.equal(errors.length, 1, "exactly one console.error: " + page.logs.join(" | "));
  assert.ok(errors[0].includes(mustContain), `${errors[0]} names ${mustContain}`);
  assert.match(errors[0], /built-in default/);
  // The default categories, none of the bad config's.
  await button(b, "Manage preferences").click();
  // The tool is fetched on first need: wait for it.
  await dialog(page).getByRole("switch").first().waitFor();
  const labels = await dialog(page).getByRole("switch").evaluateAll((els) => els.map((e) => e.labels[0].textContent));
  assert.deepEqual(labels, ["Strictly necessary", "Performance and analytics", "Functionality", "Security", "Marketing and communication"]);
  assert.deepEqual(page.errors, []);
  await context.close();
}

test(`bad configs (${CASES.length + 2} cases): one clear console.error, the built-in default, no page error`, async (t) => {
  for (const [name, url, mustContain] of CASES) {
    await t.test(name, () => expectDefaultWithOneError(page_(url), mustContain));
  }
  await t.test("a broken inline config", () =>
    expectDefaultWithOneError("/fixtures/inline-config.html", "config is not valid JSON"));
  await t.test("a config slower than the 4 s timeout", () =>
    expectDefaultWithOneError(page_(configUrl('{"revision":2}', "&delay=6000")), "timed out after 4000 ms"));
});

test("markup in every text field, label, description and provider is rendered as text", async () => {
  const mark = (what) => `<img src=x onerror="window.__xss='${what}'"><b>${what}</b><script>window.__xss=1</script>`;
  assert.equal(TEXT_KEYS.length, 31);
  const texts = Object.fromEntries(TEXT_KEYS.map((k) => [k, mark(k)]));
  // Links must stay http(s) or site-relative; markup without spaces is a valid path.
  texts.cookiePolicyUrl = `/"><img/src=x/onerror=window.__xss=1>`;
  texts.privacyPolicyUrl = `/'><svg/onload=window.__xss=1>`;
  const config = {
    texts,
    categories: [
      { id: "necessary", label: mark("label"), description: mark("description"), required: true, providers: [mark("provider")] },
      { id: "analytics", label: mark("label2"), description: mark("description2"),
        cookies: [{ name: "_x", provider: mark("rowProvider"), purpose: mark("purpose"), duration: mark("duration") }],
        services: [{ id: "s", label: mark("service"), description: mark("serviceDescription"), provider: mark("serviceProvider") }] },
    ],
  };
  const { context, page } = await openPage(env);
  // A decision under an older revision, so the banner shows revisionNotice too.
  await context.addCookies([{ name: "kloudconsent", value: consentCookie({ revision: 0 }), url: env.server.url + "/" }]);
  await page.goto(env.server.url + page_(configUrl(JSON.stringify(config))));
  await waitReady(page);
  const host = page.locator("kloud-consent");
  await host.locator("#kc-banner-title").waitFor();
  assert.equal(await host.locator("#kc-banner-title").textContent(), texts.bannerTitle);
  assert.equal(await host.locator(".kc-banner a").first().getAttribute("href"), env.server.url + texts.cookiePolicyUrl,
    "as written, after the page's origin");
  const shownLiterally = async (keys) => {
    const shadow = await shadowSummary(page);
    for (const key of keys) assert.ok(shadow.text.includes(texts[key]), `${key} shown literally`);
    const injected = shadow.foreign.filter((t) => ["img", "b", "script", "svg", "iframe"].includes(t));
    assert.deepEqual(injected, [], "no element injected");
    return shadow;
  };
  await shownLiterally(["bannerTitle", "revisionNotice", "bannerBody", "acceptAll", "rejectAll", "manage", "cookiePolicyLabel", "privacyPolicyLabel"]);
  await host.locator(".kc-banner .kc-secondary").click();
  await toolShown(page);
  const shadow = await shownLiterally(["prefsTitle", "prefsBody", "save", "alwaysOn", "providersLabel", "acceptAll", "rejectAll"]);
  assert.equal(await dialog(page).getByRole("button", { name: texts.close }).count(), 1, "close label as its name");
  for (const what of ["label", "description", "provider", "service", "serviceDescription", "serviceProvider"]) {
    assert.ok(shadow.text.includes(mark(what)), what);
  }
  // The cookie table's cells and the texts around it, once opened.
  await dialog(page).getByText(texts.cookiesSummary, { exact: true }).click();
  const opened = await shownLiterally(["cookiesSummary", "cookieTableCaption", "cookieName", "cookieProvider", "cookiePurpose", "cookieDuration"]);
  for (const what of ["rowProvider", "purpose", "duration"]) assert.ok(opened.text.includes(mark(what)), what);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(widgetLogs(page, "error"), []);
  assert.deepEqual(page.errors, []);
  await context.close();

  // The texts of the core's own small dialog: shown while the tool loads
  // (held back here) and when it cannot load (then refused).
  const second = await openPage(env);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await second.page.route("**/kloudconsent-tool.js", async (route) => { await held; await route.fulfill({ status: 404, body: "" }); });
  await second.page.goto(env.server.url + page_(configUrl(JSON.stringify({ texts, signals: { showBanner: false } }))));
  await waitReady(second.page);
  await second.page.evaluate(() => window.kloudconsent.show());
  await dialog(second.page).waitFor();
  const loading = await shadowSummary(second.page);
  assert.ok(loading.text.includes(texts.loading) && loading.text.includes(texts.prefsTitle), "loading shown literally");
  release();
  await dialog(second.page).getByRole("button", { name: texts.acceptAll }).waitFor();
  const failed = await shadowSummary(second.page);
  assert.ok(failed.text.includes(texts.toolFailed), "toolFailed shown literally");
  assert.deepEqual(failed.foreign.filter((t) => ["img", "b", "script", "svg", "iframe"].includes(t)), []);
  assert.equal(await second.page.evaluate(() => window.__xss), undefined);
  await second.context.close();
});
