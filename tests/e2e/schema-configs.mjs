// The configs schema.test.mjs feeds both the JSON Schema (ajv) and the
// widget's own parser: every example config of the docs and the tests, a
// table of bad configs (each naming the field both must blame), a table of
// good edge cases, and the few differences the schema has on purpose.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { allSnippets, ROOT } from "./docs-snippets-extract.mjs";

const INLINE = /<script type="application\/json" id="kloudconsent-config">([\s\S]*?)<\/script>/g;

/** Test fixtures whose config is broken on purpose (bad-config.test.mjs): both must refuse these. */
export const BROKEN_FIXTURES = ["tests/e2e/pages/inline-config.html"];

/** Every example config: `{where, text}`, from the docs, the test fixtures and the examples. */
export function exampleConfigs() {
  const out = [];
  for (const s of allSnippets()) {
    const where = `${s.file}:${s.line}`;
    if (s.kind === "config") out.push({ where, text: s.code });
    if (s.kind === "html") for (const m of s.code.matchAll(INLINE)) out.push({ where, text: m[1] });
    if (s.options.config) out.push({ where: `${where} (option config)`, text: JSON.stringify(s.options.config) });
  }
  for (const file of files("tests/e2e/pages").concat(files("examples"))) {
    const text = readFileSync(join(ROOT, file), "utf8");
    if (file.endsWith(".html")) for (const m of text.matchAll(INLINE)) out.push({ where: file, text: m[1] });
    else if (file.endsWith(".json") && !file.endsWith("package.json")) out.push({ where: file, text });
  }
  return out;
}

function files(dir) {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes("node_modules") && !/[\\/]build([\\/]|$)/.test(relative(ROOT, e.parentPath)))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

const cat = (extra = {}) => ({ id: "analytics", label: "Analytics", ...extra });
const cats = (...list) => ({ categories: list });
const gcm = (mode) => ({ googleConsentMode: mode });
const region = (extra) => gcm({ regions: [{ region: ["AU"], ...extra }] });
const many = (n) => Array.from({ length: n }, (_, i) => cat({ id: `c${i}` }));

/**
 * Bad configs: `[name, config, field]`. Both the schema and the parser must
 * refuse each, and both must blame `field` (the parser's spelling:
 * `categories[0].id`; "" is the whole config).
 */
export const BAD = [
  ["revision below 0", { revision: -1 }, "revision"],
  ["revision with a fraction", { revision: 1.5 }, "revision"],
  ["revision as a string", { revision: "2" }, "revision"],
  ["revision above 2^32-1", { revision: 4294967296 }, "revision"],
  ["expiresAfterDays 0", { expiresAfterDays: 0 }, "expiresAfterDays"],
  ["expiresAfterDays above ten years", { expiresAfterDays: 3651 }, "expiresAfterDays"],
  ["no categories", cats(), "categories"],
  ["65 categories", cats(...many(65)), "categories"],
  ["categories as an object", { categories: { analytics: cat() } }, "categories"],
  ["a category that is null", cats(cat(), null), "categories[1]"],
  ["a category without an id", cats({ label: "Analytics" }), "categories[0].id"],
  ["an id with a space", cats(cat({ id: "web analytics" })), "categories[0].id"],
  ["an id of 41 characters", cats(cat({ id: "a".repeat(41) })), "categories[0].id"],
  ["an empty id", cats(cat({ id: "" })), "categories[0].id"],
  ["an id with a dot", cats(cat({ id: "ga.4" })), "categories[0].id"],
  ["a category without a label", cats({ id: "analytics" }), "categories[0].label"],
  ["an empty label", cats(cat({ label: "" })), "categories[0].label"],
  ["a blank label", cats(cat({ label: " \t\n" })), "categories[0].label"],
  ["a label of only U+0085 (Unicode white space, not JavaScript's \\s)", cats(cat({ label: "\u0085" })), "categories[0].label"],
  ["a label of only ideographic spaces", cats(cat({ label: "\u3000\u3000" })), "categories[0].label"],
  ["a label as a number", cats(cat({ label: 5 })), "categories[0].label"],
  ["a description as a number", cats(cat({ description: 5 })), "categories[0].description"],
  ["required as a string", cats(cat({ required: "yes" })), "categories[0].required"],
  ["providers as a string", cats(cat({ providers: "Azure" })), "categories[0].providers"],
  ["a provider as a number", cats(cat({ providers: [1] })), "categories[0].providers[0]"],
  ["a bare * cookie", cats(cat({ cookies: ["*"] })), "categories[0].cookies[0]"],
  ["a cookie ending in **", cats(cat({ cookies: ["_ga**"] })), "categories[0].cookies[0]"],
  ["a cookie with * inside", cats(cat({ cookies: ["_g*a"] })), "categories[0].cookies[0]"],
  ["a cookie with a space", cats(cat({ cookies: ["my cookie"] })), "categories[0].cookies[0]"],
  ["a cookie with =", cats(cat({ cookies: ["a=b"] })), "categories[0].cookies[0]"],
  ["a cookie of 201 characters", cats(cat({ cookies: ["x".repeat(201)] })), "categories[0].cookies[0]"],
  ["a cookie name with a non-ASCII letter", cats(cat({ cookies: ["café"] })), "categories[0].cookies[0]"],
  ["cookie as a string", { cookie: ".example.com" }, "cookie"],
  ["a cookie domain with a path", { cookie: { domain: "example.com/" } }, "cookie.domain"],
  ["a cookie domain with an empty label", { cookie: { domain: "example..com" } }, "cookie.domain"],
  ["a cookie domain of a dot", { cookie: { domain: "." } }, "cookie.domain"],
  ["a cookie domain with a port", { cookie: { domain: "example.com:443" } }, "cookie.domain"],
  ["a cookie domain of 254 characters", { cookie: { domain: "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(62) } }, "cookie.domain"],
  ["signals as true", { signals: true }, "signals"],
  ["signals.showBanner as a string", { signals: { showBanner: "true" } }, "signals.showBanner"],
  ["googleConsentMode as a string", gcm("yes"), "googleConsentMode"],
  ["googleConsentMode as 1", gcm(1), "googleConsentMode"],
  ["wait_for_update above a minute", gcm({ wait_for_update: 60001 }), "googleConsentMode.wait_for_update"],
  ["wait_for_update below 0", gcm({ wait_for_update: -5 }), "googleConsentMode.wait_for_update"],
  ["regions as an object", gcm({ regions: { AU: {} } }), "googleConsentMode.regions"],
  ["a region without codes", gcm({ regions: [{ analytics_storage: "granted" }] }), "googleConsentMode.regions[0].region"],
  ["a region with no codes", region({ region: [] }), "googleConsentMode.regions[0].region"],
  ["a lower-case region code", region({ region: ["au"] }), "googleConsentMode.regions[0].region[0]"],
  ["a region code with an empty subdivision", region({ region: ["AU-"] }), "googleConsentMode.regions[0].region[0]"],
  ["a three-letter region code", region({ region: ["AUS"] }), "googleConsentMode.regions[0].region[0]"],
  ["a subdivision of four characters", region({ region: ["AU-NSWX"] }), "googleConsentMode.regions[0].region[0]"],
  ["a signal that is not granted or denied", region({ analytics_storage: "yes" }), "googleConsentMode.regions[0].analytics_storage"],
  ["a javascript: receipt URL", { receiptUrl: "javascript:alert(1)" }, "receiptUrl"],
  ["a receipt URL of only https://", { receiptUrl: "https://" }, "receiptUrl"],
  ["a receipt URL with a space", { receiptUrl: "https://example.net/a b" }, "receiptUrl"],
  ["a receipt URL with a no-break space", { receiptUrl: "https://example.net/a\u00a0" }, "receiptUrl"],
  ["a receipt URL with a NUL", { receiptUrl: "https://example.net/\u0000" }, "receiptUrl"],
  ["a receipt URL with a tab before the scheme", { receiptUrl: "\thttps://example.net/" }, "receiptUrl"],
  ["an ftp: receipt URL", { receiptUrl: "ftp://example.net/" }, "receiptUrl"],
  ["a protocol-relative link (another host, not a path)", { texts: { privacyPolicyUrl: "//example.net/privacy" } }, "texts.privacyPolicyUrl"],
  ["a /\\ link (browsers read another host)", { receiptUrl: "/\\example.net/r" }, "receiptUrl"],
  ["a receipt URL of 2049 characters", { receiptUrl: "https://example.net/" + "a".repeat(2029) }, "receiptUrl"],
  ["texts as an array", { texts: [] }, "texts"],
  ["an empty button text", { texts: { acceptAll: "" } }, "texts.acceptAll"],
  ["a blank loading text", { texts: { loading: "   " } }, "texts.loading"],
  ["a button text as a number", { texts: { rejectAll: 3 } }, "texts.rejectAll"],
  ["a banner body as a number", { texts: { bannerBody: 5 } }, "texts.bannerBody"],
  ["a data: policy link", { texts: { cookiePolicyUrl: "data:text/html,hi" } }, "texts.cookiePolicyUrl"],
  ["a policy link without a scheme", { texts: { privacyPolicyUrl: "example.com/privacy" } }, "texts.privacyPolicyUrl"],
  ["a one-letter language", { language: "e" }, "language"],
  ["a language with an underscore", { language: "en_AU" }, "language"],
  ["a language ending in -", { language: "en-" }, "language"],
  ["a language subtag of 9 characters", { language: "en-abcdefghi" }, "language"],
  ["a language of 36 characters", { language: "en-aaaaaaaa-bbbbbbbb-cccccccc-dddddd" }, "language"],
  ["fallbackLanguage auto", { language: "auto", fallbackLanguage: "auto" }, "fallbackLanguage"],
  ["fallbackLanguage with an underscore", { fallbackLanguage: "de_DE" }, "fallbackLanguage"],
  ["translations as an array", { translations: [] }, "translations"],
  ["a translation as a string", { translations: { de: "Deutsch" } }, "translations.de"],
  ["a translation text as a number", { translations: { de: { acceptAll: 1 } } }, "translations.de.acceptAll"],
  ["a translated category label as a number", { translations: { de: { categories: { analytics: { label: 2 } } } } }, "translations.de.categories.analytics.label"],
  ["reopenButton as a string", { reopenButton: "yes" }, "reopenButton"],
  ["a reopen position that does not exist", { reopenButton: { position: "top" } }, "reopenButton.position"],
  ["an empty reopen label", { reopenButton: { label: "" } }, "reopenButton.label"],
  ["an empty reopenLabel text", { texts: { reopenLabel: " " } }, "texts.reopenLabel"],
  ["dir auto", { dir: "auto" }, "dir"],
  ["theme Dark (case matters)", { theme: "Dark" }, "theme"],
  ["layout modal", { layout: "modal" }, "layout"],
  ["a config that is an array", [], ""],
  ["a config that is null", null, ""],
  ["a config that is a string", "revision 2", ""],
];

/** Good edge cases: both must accept each. */
export const GOOD = [
  ["the empty config", {}],
  ["revision 0", { revision: 0 }],
  ["revision 2^32-1", { revision: 4294967295 }],
  ["revision written 1e2", JSON.parse('{"revision": 1e2}')],
  ["expiresAfterDays 1", { expiresAfterDays: 1 }],
  ["expiresAfterDays 3650", { expiresAfterDays: 3650 }],
  ["64 categories", cats(...many(64))],
  ["an id of 40 characters of every allowed kind", cats(cat({ id: "Aa0_-".repeat(8) }))],
  ["every cookie-name character and a prefix", cats(cat({ cookies: ["!#$%&'+-.^_`|~09AZaz", "_ga_*", "x".repeat(200) + "*"] }))],
  ["a label of one letter in spaces", cats(cat({ label: "  x  " }))],
  ["a label of only U+FEFF (not white space to the parser)", cats(cat({ label: "\ufeff" }))],
  ["empty description, providers and cookies", cats(cat({ description: "", providers: [""], cookies: [] }))],
  ["nulls for every optional key", {
    revision: null, expiresAfterDays: null, categories: null, cookie: { domain: null }, signals: { showBanner: null },
    googleConsentMode: null, receiptUrl: null, texts: { bannerTitle: null }, language: null, dir: null, theme: null, layout: null,
  }],
  ["nulls inside a category", cats(cat({ description: null, required: null, providers: null, cookies: null }))],
  ["a cookie domain without a dot", { cookie: { domain: "localhost" } }],
  ["a cookie domain of 253 characters after its dot", { cookie: { domain: "." + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61) } }],
  ["googleConsentMode false", gcm(false)],
  ["an empty Consent Mode object", gcm({})],
  ["wait_for_update 0", gcm({ wait_for_update: 0 })],
  ["wait_for_update 60000", gcm({ wait_for_update: 60000 })],
  ["regions with subdivisions and every signal", gcm({ regions: [{
    region: ["AU", "AU-NSW", "US-CA", "GB-1"], ad_storage: "granted", ad_user_data: "denied", ad_personalization: "granted",
    analytics_storage: "granted", functionality_storage: "denied", personalization_storage: "granted", security_storage: "granted",
  }] })],
  ["an unknown key in a region that is null", region({ ads_storage: null })],
  ["upper-case schemes, the root path, a path", {
    receiptUrl: "HTTPS://example.net/r", texts: { cookiePolicyUrl: "/", privacyPolicyUrl: "/legal/privacy" },
  }],
  ["a link of 2048 characters", { receiptUrl: "https://example.net/" + "a".repeat(2028) }],
  ["a link with non-ASCII letters", { receiptUrl: "https://例え.jp/クッキー" }],
  ["empty bodies", { texts: { bannerBody: "", prefsBody: "" } }],
  ["languages", { language: "zh-Hant-TW" }],
  ["a language of 35 characters", { language: "en-aaaaaaaa-bbbbbbbb-cccccccc-ddddd" }],
  ["every enum value", { dir: "rtl", theme: "dark", layout: "box" }],
  ["language auto with a fallback and translations", {
    language: "auto", fallbackLanguage: "en-GB",
    translations: { de: { acceptAll: "Alle akzeptieren", categories: { analytics: { label: "Statistik", description: "" } } }, "pt-BR": {} },
  }],
  ["reopenButton true, false and every position", { reopenButton: true }],
  ["reopenButton false", { reopenButton: false }],
  ["reopenButton bottom-right with a label", { reopenButton: { position: "bottom-right", label: "Privacy" } }],
  ["reopenButton left", { reopenButton: { position: "left" } }],
  ["reopenButton right", { reopenButton: { position: "right" } }],
  ["$schema", { $schema: "https://cdn.jsdelivr.net/npm/kloudconsent/kloudconsent.schema.json", revision: 2 }],
];

/**
 * Where the schema differs from the parser on purpose (docs/configuration.md
 * says so): `[name, config, parserAccepts, schemaAccepts]`.
 */
export const DIFFERENCES = [
  // The widget ignores unknown keys (a newer config, an older widget); the
  // schema flags them, since in a hand-written config they are typos.
  ["an unknown top-level key (a typo)", { expiresAfterDay: 30 }, true, false],
  ["an unknown key in a category", cats(cat({ requried: true })), true, false],
  ["an unknown text key", { texts: { acceptAl: "OK" } }, true, false],
  ["an unknown key in a Consent Mode region", region({ ads_storage: "granted", wait_for_update: 500 }), true, false],
  // A translation's texts are checked by the widget as under `texts`; the
  // schema only asks for strings there (it cannot reuse the texts rules in
  // an object that also holds `categories`).
  ["a blank text in a translation", { translations: { de: { acceptAll: " " } } }, false, true],
  // JSON Schema cannot know the config's category ids inside a translation.
  ["a translation naming a category the config does not have", { translations: { de: { categories: { ads: { label: "Werbung" } } } } }, false, true],
  // JSON Schema cannot compare one array item's field with another's.
  ["two categories with the same id", cats(cat(), cat()), false, true],
  ["two services of a category with the same id", cats(cat({ services: [{ id: "ga", label: "GA" }, { id: "ga", label: "GA 4" }] })), false, true],
  // The stored decision's ids share a byte budget (they go into the
  // cookie); the schema caps each id and the number of categories, not
  // their sum.
  ["64 categories whose 40-character ids take more than 3,072 bytes", { categories: Array.from({ length: 64 }, (_, i) => cat({ id: `category-${String(i).padStart(2, "0")}-${"x".repeat(28)}` })) }, false, true],
  // JSON Schema counts characters; the parser counts UTF-8 bytes.
  ["a link of 2048 characters but more bytes", { receiptUrl: "https://example.net/" + "é".repeat(2028) }, false, true],
];
