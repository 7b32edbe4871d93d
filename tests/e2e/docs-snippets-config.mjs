// What a config snippet promises, checked on the live widget: each key that a
// page can observe must have taken effect. Keys left out are checked against
// the built-in defaults that docs/configuration.md lists (read from its
// tables, so the docs' defaults are tested too).
import assert from "node:assert/strict";
import { eventually, settle } from "./docs-snippets-site.mjs";
import { ENGINE } from "./helpers.mjs";
import { markdownTable, ROOT } from "./docs-snippets-extract.mjs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DAY_MS = 86400000;
// The defaults as docs/configuration.md lists them: every check below that a
// snippet leaves at its default compares the live widget with the docs.
const DEFAULT_TEXTS = Object.fromEntries(
  markdownTable("docs/configuration.md", "| `texts` key |").map(([key, value]) => [key, value]));
const DEFAULT_CATEGORIES = markdownTable("docs/configuration.md", "| id | label | default |")
  .map(([id, label, , switchable]) => ({ id, label, required: switchable === "no" }));
const GCM_SIGNALS = ["ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
  "functionality_storage", "personalization_storage", "security_storage"];

/**
 * The built-in translation a config is shown with (docs/languages.md): that
 * of the config's own language, unless English. The snippet pages are
 * <html lang="en">, so "auto" serves the config's own language too.
 */
function builtinOf(config) {
  const lang = config.language === "auto" ? config.fallbackLanguage || "en" : config.language || "en-AU";
  const file = join(ROOT, "dist", "i18n", lang.split("-")[0].toLowerCase() + ".json");
  return !lang.toLowerCase().startsWith("en") && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
}

/** The config's categories (or the defaults, with the built-in translation's labels). */
export const categoriesOf = (config) => config.categories || DEFAULT_CATEGORIES.map((c) =>
  ({ ...c, label: builtinOf(config).categories?.[c.id]?.label || c.label }));
/** The texts shown: the config's own beat the built-in translation's, which beat the defaults. */
const textsOf = (config) => {
  const { categories, ...builtin } = builtinOf(config);
  return { ...DEFAULT_TEXTS, ...builtin, ...(config.texts || {}) };
};

/** `window.dataLayer` with `arguments` objects turned into `{args: [...]}`. */
export const dataLayer = (page) => page.evaluate(() => (window.dataLayer || []).map((e) =>
  Object.prototype.toString.call(e) === "[object Arguments]" ? { args: Array.from(e) } : { obj: e }));

/** First visit, undecided: banner, host attributes, placeholders, preference tool, Consent Mode defaults. */
export async function checkConfigBeforeDecision(page, config) {
  const texts = textsOf(config);
  const banner = page.getByRole("region", { name: texts.bannerTitle, exact: true });
  await banner.waitFor({ timeout: 10000 });
  for (const key of ["acceptAll", "rejectAll", "manage"]) {
    assert.equal(await banner.getByRole("button", { name: texts[key], exact: true }).count(), 1, `banner button texts.${key}`);
  }
  if (texts.bannerBody) assert.ok((await banner.innerText()).includes(texts.bannerBody), "banner shows texts.bannerBody");
  await checkPolicyLinks(banner, texts);
  const host = await page.evaluate(() => {
    const h = document.querySelector("kloud-consent");
    return { lang: h.lang, dir: h.dir, theme: h.dataset.theme, layout: h.dataset.layout };
  });
  assert.deepEqual(host, {
    // The snippet pages are <html lang="en">: "auto" serves them the
    // config's own language (docs/languages.md).
    lang: config.language === "auto" ? config.fallbackLanguage || "en" : config.language || "en-AU", dir: config.dir || "ltr",
    theme: config.theme || "auto", layout: config.layout || "bar",
  }, "language, dir, theme and layout on <kloud-consent>");
  await checkPlaceholders(page, config, texts);
  await checkPreferenceTool(page, config, texts);
  if (config.googleConsentMode) await checkConsentDefaults(page, config.googleConsentMode);
}

async function checkPolicyLinks(scope, texts) {
  for (const which of ["cookiePolicy", "privacyPolicy"]) {
    const link = scope.getByRole("link", { name: texts[which + "Label"], exact: true });
    // A path on the site is written with the page's origin (docs/configuration.md).
    const url = texts[which + "Url"], origin = new URL(scope.page().url()).origin;
    assert.equal(await link.getAttribute("href"), url.startsWith("/") ? origin + url : url, `texts.${which}Url`);
  }
}

/** Each placeholder names its embed's category in texts.placeholderBody and offers the two buttons. */
async function checkPlaceholders(page, config, texts) {
  const labels = Object.fromEntries(categoriesOf(config).map((c) => [c.id, c.label]));
  const found = await page.evaluate(() => [...document.querySelectorAll("kloud-consent-placeholder")].map((p) => ({
    consent: p.nextElementSibling && p.nextElementSibling.getAttribute("data-consent"),
    text: p.shadowRoot.textContent,
    buttons: [...p.shadowRoot.querySelectorAll("button")].map((b) => b.textContent.trim()),
  })));
  for (const p of found) {
    if (!labels[p.consent]) continue; // several categories: the wording is the widget's to choose
    assert.ok(p.text.includes(texts.placeholderBody.replaceAll("{category}", labels[p.consent])), `placeholder text: ${p.text}`);
    assert.deepEqual(p.buttons, [texts.allowOnce, texts.allowAlways], "placeholder buttons");
  }
}

/** Opens the tool with show(): title, texts, one switch per category; Escape closes it. */
async function checkPreferenceTool(page, config, texts) {
  await page.evaluate(() => window.kloudconsent.show());
  const dialog = page.getByRole("dialog", { name: texts.prefsTitle, exact: true });
  // The tool is fetched on first need: until it is there, the core's small
  // loading dialog (same title, no switches) stands in for it.
  await dialog.getByRole("switch").first().waitFor();
  const shown = await dialog.innerText();
  const categories = categoriesOf(config);
  // A category with services has a checkbox (it can be mixed) and each
  // service a switch (docs/services-and-cookie-table.md).
  const switches = categories.reduce((n, c) => n + ((c.services || []).length || 1), 0);
  assert.equal(await dialog.getByRole("switch").count(), switches, "one switch per category or service");
  for (const c of categories) {
    const services = c.services || [];
    const role = services.length ? "checkbox" : "switch";
    const sw = dialog.getByRole(role, { name: c.label, exact: true });
    assert.equal(await sw.isChecked(), !!c.required, `${role} ${c.id}`);
    for (const s of services) {
      const own = dialog.getByRole("switch", { name: s.label, exact: true });
      assert.equal(await own.isChecked(), !!c.required, `switch ${c.id}.${s.id}`);
    }
    const words = [c.description, ...(c.providers || []), ...services.flatMap((s) => [s.description, s.provider])];
    for (const text of words.filter(Boolean)) {
      assert.ok(shown.includes(text), `the tool shows ${JSON.stringify(text)}`);
    }
  }
  if (texts.prefsBody) assert.ok(shown.includes(texts.prefsBody), "the tool shows texts.prefsBody");
  if (categories.some((c) => c.required)) assert.ok(shown.includes(texts.alwaysOn), "texts.alwaysOn");
  if (categories.some((c) => (c.providers || []).length)) assert.ok(shown.includes(texts.providersLabel), "texts.providersLabel");
  for (const key of ["save", "acceptAll", "rejectAll", "close"]) {
    assert.equal(await dialog.getByRole("button", { name: texts[key], exact: true }).count(), 1, `tool button texts.${key}`);
  }
  await checkPolicyLinks(dialog, texts);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
}

async function checkConsentDefaults(page, mode) {
  const defaults = (await dataLayer(page)).filter((e) => e.args && e.args[0] === "consent" && e.args[1] === "default");
  const base = Object.fromEntries(GCM_SIGNALS.map((s) => [s, s === "security_storage" ? "granted" : "denied"]));
  if (typeof mode.wait_for_update === "number") base.wait_for_update = mode.wait_for_update;
  assert.deepEqual(defaults[0] && defaults[0].args[2], base, "gtag('consent', 'default', ...)");
  const regions = mode.regions || [];
  assert.deepEqual(defaults.slice(1).map((d) => d.args[2].region), regions.map((r) => r.region), "one default per region");
}

/** After kloudconsent.acceptAll(): the decision, the cookie, the consent id in the tool, Consent Mode, the receipt. */
export async function checkConfigAfterAccept(page, config, requests) {
  const state = await page.evaluate(() => window.kloudconsent.get());
  const categories = categoriesOf(config);
  assert.deepEqual(state.categories, Object.fromEntries(categories.map((c) => [c.id, true])), "get().categories");
  assert.equal(state.method, "accept-all");
  assert.equal(state.revision, config.revision ?? 1, "revision");
  assert.equal(Date.parse(state.expiresAt) - Date.parse(state.decidedAt), (config.expiresAfterDays ?? 182) * DAY_MS, "expiresAfterDays");
  // On https a host-only cookie is `__Host-kloudconsent`; one shared with
  // a parent domain (`cookie.domain`) cannot be, and keeps the plain name.
  const cookies = (await page.context().cookies()).filter((c) => /^(__Host-)?kloudconsent$/.test(c.name));
  assert.equal(cookies.length, 1, "one consent cookie");
  const domain = config.cookie && config.cookie.domain;
  assert.equal(cookies[0].name, domain ? "kloudconsent" : "__Host-kloudconsent", "cookie name");
  assert.equal(cookies[0].domain, domain ? "." + domain.replace(/^\./, "") : "www.kloudstack.com.au", "cookie.domain");
  assert.ok(cookies[0].secure, "Secure on https");
  const texts = textsOf(config);
  await page.evaluate(() => window.kloudconsent.show());
  const dialog = page.getByRole("dialog", { name: texts.prefsTitle, exact: true });
  // The tool is fetched on first need: until it is there, the core's small
  // loading dialog (same title, no switches) stands in for it.
  await dialog.getByRole("switch").first().waitFor();
  const shown = await dialog.innerText();
  for (const text of [texts.consentIdLabel, texts.consentDateLabel, state.id]) {
    assert.ok(shown.includes(text), `the tool shows ${JSON.stringify(text)} after a decision`);
  }
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  if (config.googleConsentMode) await checkConsentUpdate(page, state);
  if (config.receiptUrl) {
    // (Playwright's Firefox cannot read a request's body: there the POST is checked, not its id.)
    await eventually(() => assert.ok(requests.some((r) => r.url === config.receiptUrl && r.method === "POST"
      && (ENGINE === "firefox" && r.body == null || JSON.parse(r.body || "{}").id === state.id)),
    `a receipt for ${state.id} at ${config.receiptUrl}`));
  }
}

/** The last `update` carries the decision; a kloudconsent_update event follows it. */
export async function checkConsentUpdate(page, state) {
  const layer = await dataLayer(page);
  const updates = layer.filter((e) => e.args && e.args[0] === "consent" && e.args[1] === "update");
  assert.ok(updates.length, "gtag('consent', 'update', ...) after a decision");
  const last = updates[updates.length - 1].args[2];
  if ("analytics" in state.categories) {
    assert.equal(last.analytics_storage, state.categories.analytics ? "granted" : "denied", "analytics_storage");
  }
  const events = layer.filter((e) => e.obj && e.obj.event === "kloudconsent_update");
  assert.ok(events.length, "a kloudconsent_update dataLayer event");
  assert.deepEqual(events[events.length - 1].obj.kloudconsent, state.categories, "the event's kloudconsent");
}

/** With Global Privacy Control on: the banner shows only with signals.showBanner; get() says "signal". */
export async function checkSignals(page, config) {
  await settle(page);
  const shown = await page.getByRole("region", { name: textsOf(config).bannerTitle, exact: true }).count();
  assert.equal(shown, config.signals.showBanner ? 1 : 0, "signals.showBanner under Global Privacy Control");
  assert.equal(await page.evaluate(() => window.kloudconsent.get().method), "signal");
}
