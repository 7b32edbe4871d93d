// Languages (docs/languages.md): `language: "auto"` picks the page's
// <html lang>, then the browser's languages, then `fallbackLanguage`; a
// site's own `translations` beat the built-in ones; the built-in ones are
// small files next to the wasm (dist/i18n/<lang>.json), fetched only by a
// visitor who needs one, each pinned by its SHA-384 through the pinned
// dist/i18n/index.json. One test per built-in language: it is drawn from
// its file, and the banner holds at 360 px (long German and Finnish
// buttons; Arabic right to left).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openPage, waitReady, button, widgetLogs, chromiumOnly, toolShown } from "./helpers.mjs";
import { buttonsOnScreen, ON_SCREEN } from "./focus-probe.mjs";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");
const INDEX = JSON.parse(readFileSync(join(dist, "i18n", "index.json"), "utf8"));
const file = (lang) => JSON.parse(readFileSync(join(dist, "i18n", lang + ".json"), "utf8"));

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/**
 * Serves a host page with `<html lang>` = `lang` (none when null) and an
 * inline config, and records the requests for dist/i18n/ in `page.i18n`.
 */
let counter = 0;
async function langPage(page, { lang, config = { language: "auto" }, body = "" }) {
  page.i18n = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/i18n/")) page.i18n.push(path);
  });
  const url = `${env.server.url}/fixtures/lang-${++counter}.html`;
  const html = `<!doctype html><html${lang == null ? "" : ` lang="${lang}"`}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>languages</title>
<script type="application/json" id="kloudconsent-config">${JSON.stringify(config)}</script>
<script src="/kloudconsent.js" defer></script></head>
<body><h1>Host page</h1><a href="#" id="open-prefs" data-kloudconsent-open>Cookies</a>${body}</body></html>`;
  await page.context().route(url, (route) => route.fulfill({ body: html, contentType: "text/html; charset=utf-8" }));
  await page.goto(url);
  await waitReady(page);
  // Drawn a task after ready (its host element only then): every page here is undecided.
  await page.locator("kloud-consent .kc-banner").waitFor();
}

/** The `lang` and `dir` of the widget's frame (inside its shadow root). */
const frameLang = (page) => page.evaluate(() => {
  const f = document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-frame");
  return { lang: f.getAttribute("lang"), dir: f.getAttribute("dir") };
});

test("an English page with language: auto fetches no translation", async () => {
  const { context, page } = await openPage(env, { locale: "en-GB" });
  await langPage(page, { lang: "en" });
  await page.getByRole("region", { name: "We value your privacy" }).waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(page.i18n, []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("auto: the page's <html lang> comes first; the file and its pinned index are fetched once", async () => {
  const { context, page } = await openPage(env, { locale: "fr-FR" });
  await langPage(page, { lang: "de-AT" });
  const de = file("de");
  const region = page.getByRole("region", { name: de.bannerTitle });
  await region.waitFor();
  for (const key of ["acceptAll", "rejectAll", "manage"]) await button(region, de[key]).waitFor();
  assert.deepEqual(await frameLang(page), { lang: "de", dir: "ltr" });
  assert.deepEqual(page.i18n.sort(), ["/i18n/de.json", "/i18n/index.json"]);
  // The preference tool speaks it too.
  await button(region, de.manage).click();
  const dialog = page.getByRole("dialog", { name: de.prefsTitle });
  await button(dialog, de.save).waitFor();
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("auto without <html lang>: the browser's languages, in order", async () => {
  const { context, page } = await openPage(env, { locale: "fi-FI" });
  await langPage(page, { lang: null });
  await page.getByRole("region", { name: file("fi").bannerTitle }).waitFor();
  assert.equal((await frameLang(page)).lang, "fi");
  await context.close();
});

test("auto with no language the widget has: the fallback language, nothing fetched", async () => {
  const { context, page } = await openPage(env, { locale: "sw-KE" });
  await langPage(page, { lang: "sw", config: { language: "auto", fallbackLanguage: "en-GB" } });
  await page.getByRole("region", { name: "We value your privacy" }).waitFor();
  assert.equal((await frameLang(page)).lang, "en-GB");
  assert.deepEqual(page.i18n, []);
  await context.close();
});

test("a site's own translation beats the built-in one, which fills in the rest", async () => {
  const { context, page } = await openPage(env, { locale: "de-DE" });
  const config = {
    language: "auto",
    translations: { de: { acceptAll: "Ja, gerne", categories: { analytics: { label: "Reichweitenmessung" } } } },
  };
  await langPage(page, { lang: "de", config });
  const de = file("de");
  const region = page.getByRole("region", { name: de.bannerTitle });
  await button(region, "Ja, gerne").waitFor();
  await button(region, de.rejectAll).waitFor();
  await button(region, de.manage).click();
  await page.getByRole("switch", { name: "Reichweitenmessung" }).waitFor();
  await context.close();
});

// The built-in policy's descriptions, providers and cookie rows exist only
// in English. In a German dialog they say lang="en", so a screen reader
// reads them with an English voice (WCAG 3.1.2); a description the site's
// translation gave is shown (it was replaced by the English one) and takes
// the dialog's language.
test("a German dialog: the built-in English texts say lang=en; a site's translated description is shown, in German", async () => {
  const { context, page } = await openPage(env, { locale: "de-DE" });
  const config = {
    language: "auto",
    translations: { de: { categories: { marketing: { description: "Werbung und Newsletter, nur mit Ihrer Einwilligung." } } } },
  };
  await langPage(page, { lang: "de", config });
  await page.click("#open-prefs");
  await page.getByRole("switch", { name: file("de").categories.marketing.label }).waitFor();
  const seen = await page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    const cats = [...root.querySelectorAll(".kc-cat")];
    const closestLang = (el) => el.closest("[lang]").getAttribute("lang");
    return {
      dialog: root.querySelector(".kc-overlay").getAttribute("lang"),
      descriptions: cats.map((c) => [c.querySelector(".kc-cat-desc").textContent.slice(0, 24), closestLang(c.querySelector(".kc-cat-desc"))]),
      providers: closestLang(root.querySelector(".kc-providers > span:last-child")),
      providersLabel: closestLang(root.querySelector(".kc-providers-label")),
      rows: [...root.querySelectorAll(".kc-table tbody td")].slice(0, 3).map(closestLang),
      caption: closestLang(root.querySelector(".kc-table caption")),
    };
  });
  assert.equal(seen.dialog, "de");
  assert.deepEqual(seen.descriptions.map(([, lang]) => lang), ["en", "en", "en", "en", "de"], JSON.stringify(seen.descriptions));
  assert.equal(seen.descriptions[4][0], "Werbung und Newsletter, ");
  assert.deepEqual([seen.providers, seen.providersLabel, seen.caption], ["en", "de", "de"]);
  assert.deepEqual(seen.rows, ["en", "en", "en"]);
  await context.close();
});

test("a fixed language other than English: its translation is fetched, whatever the browser speaks", async () => {
  const { context, page } = await openPage(env, { locale: "en-AU" });
  const fr = file("fr");
  await langPage(page, { lang: "fr", config: { language: "fr" } });
  await page.getByRole("region", { name: fr.bannerTitle }).waitFor();
  assert.deepEqual(page.i18n.sort(), ["/i18n/fr.json", "/i18n/index.json"]);
  await context.close();
});

// A refused file is named in the one warning, with why. Stop 62's review
// of upgrades: a service worker's precache of the widget's files without
// .json left the old loader meeting a new index after each deploy, and the
// warning named de.json (never asked for) and "Failed to fetch".
for (const [what, path, body, warning] of [
  ["a translation", "i18n/de.json", () => ({ ...file("de"), acceptAll: "Alles erlauben (gefälscht)" }),
    /the translation \S+\/i18n\/de\.json is missing, unreachable, or not this build's \(it must match the SHA-384 built into i18n\/index\.json\); falling back to English\.$/],
  ["the translations' index", "i18n/index.json", () => ({ ...INDEX, xx: INDEX.de }),
    /the translation \S+\/i18n\/de\.json was not fetched: \S+\/i18n\/index\.json is missing, unreachable, or not this build's \(it must match the SHA-384 built into kloudconsent\.js\); falling back to English\.$/],
]) {
  test(`${what} that does not match its pinned hash is refused: English, one warning naming it, no error`, async () => {
    const { context, page } = await openPage(env, { locale: "de-DE" });
    await context.route(`**/${path}`, (route) => route.fulfill({ body: JSON.stringify(body()), contentType: "application/json" }));
    await langPage(page, { lang: "de" });
    const region = page.getByRole("region", { name: "We value your privacy" });
    await button(region, "Accept all").waitFor();
    const warnings = widgetLogs(page, "warning");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], warning);
    if (path === "i18n/index.json") assert.ok(!page.i18n.includes("/i18n/de.json"), "de.json is not asked for");
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

// Stop 46's reviews: a placeholder took the page's lang and dir, so on an
// Arabic page without dir its Arabic text was laid out left to right, and an
// English fallback was marked as the page's language.
test("Japanese button labels on a 320 px phone break between phrases, not inside a word", chromiumOnly("no word-break: auto-phrase"), async () => {
  const { context, page } = await openPage(env, { viewport: { width: 320, height: 568 }, isMobile: true, hasTouch: true });
  await langPage(page, { lang: "ja", config: { language: "ja" } });
  // The line each character of the label is drawn on (its top, rounded).
  const lines = await page.evaluate(() => {
    const b = document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-banner .kc-primary");
    const text = b.firstChild.nodeType === 3 ? b.firstChild : b.querySelector("*").firstChild;
    const range = document.createRange();
    return [...text.data].map((c, i) => {
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      return [c, Math.round(range.getBoundingClientRect().top)];
    });
  });
  const label = lines.map(([c]) => c).join("");
  assert.equal(label, file("ja").acceptAll);
  const tops = new Set(lines.map(([, top]) => top));
  assert.equal(tops.size, 2, "the label wraps at 320 px (control): " + JSON.stringify(lines));
  // すべて | 受け入れる: the verb stays whole.
  const verb = lines.slice(label.indexOf("受"));
  assert.equal(new Set(verb.map(([, top]) => top)).size, 1, JSON.stringify(lines));
  await context.close();
});

test("Korean text on a 320 px phone breaks between words, not between the syllables of one", async () => {
  const { context, page } = await openPage(env, { viewport: { width: 320, height: 568 }, isMobile: true, hasTouch: true });
  await langPage(page, { lang: "ko", config: { language: "ko" } });
  // Each word of the banner's text: the lines its syllables are drawn on.
  const words = await page.evaluate(() => {
    const text = document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-banner .kc-body").firstChild;
    const range = document.createRange(), out = [];
    let at = 0;
    for (const word of text.data.split(" ")) {
      const tops = new Set();
      for (let i = 0; i < word.length; i++) {
        range.setStart(text, at + i);
        range.setEnd(text, at + i + 1);
        tops.add(Math.round(range.getBoundingClientRect().top));
      }
      out.push([word, tops.size]);
      at += word.length + 1;
    }
    return out;
  });
  assert.equal(words.map(([w]) => w).join(" "), file("ko").bannerBody);
  assert.deepEqual(words.filter(([, lines]) => lines > 1), [], "no word split over two lines");
  await context.close();
});

test("an embed's placeholder speaks the widget's language and direction, not the page's", async () => {
  const EMBED = `<iframe data-consent="marketing" data-src="/fixtures/marketing/frame.html" width="480" height="270"></iframe>`;
  const cases = [
    { lang: "ar", config: { language: "auto" }, want: { lang: "ar", dir: "rtl", once: file("ar").allowOnce } },
    { lang: "en", config: { language: "ar" }, want: { lang: "ar", dir: "rtl", once: file("ar").allowOnce } },
    { lang: "tr", config: { language: "auto" }, want: { lang: "en", dir: "ltr", once: "Allow once" } },
    // Stop 47's review: a line break in a label (which a button shows as a
    // space) shifted the fields after it: no name on Allow always, no lang,
    // the page's direction.
    { lang: "en", config: { dir: "rtl", texts: { allowOnce: "Allow\nonce" } }, want: { lang: "en-AU", dir: "rtl", once: "Allow once" } },
  ];
  for (const c of cases) {
    const { context, page } = await openPage(env);
    await langPage(page, { lang: c.lang, config: c.config, body: EMBED });
    await page.waitForFunction(() => !!document.querySelector("kloud-consent-placeholder"));
    const seen = await page.evaluate(() => {
      const host = document.querySelector("kloud-consent-placeholder");
      const [once, always] = host.shadowRoot.querySelectorAll("button");
      return {
        lang: host.lang, dir: getComputedStyle(host.shadowRoot.querySelector(".text")).direction, once: once.textContent,
        // Right to left, Allow once comes first from the right.
        order: once.getBoundingClientRect().left > always.getBoundingClientRect().left ? "rtl" : "ltr",
      };
    });
    assert.deepEqual(seen, { ...c.want, order: c.want.dir }, `page lang=${c.lang}, config ${JSON.stringify(c.config)}`);
    await context.close();
  }
});

/** Where every part of the banner is, at the current viewport. */
const bannerBoxes = (page) => page.evaluate(() => {
  const root = document.querySelector("kloud-consent").shadowRoot;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, overflow: el.scrollWidth - el.clientWidth };
  };
  const banner = root.querySelector(".kc-banner");
  return {
    banner: box(banner),
    direction: getComputedStyle(banner).direction,
    buttons: [...banner.querySelectorAll("button")].map((b) => ({ text: b.textContent, ...box(b) })),
    pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
});

for (const lang of Object.keys(INDEX).filter((l) => l !== "en")) {
  test(`${lang}: every text comes from i18n/${lang}.json and the banner holds at 360 px`, async () => {
    const t = file(lang);
    const { context, page } = await openPage(env, { viewport: { width: 360, height: 740 }, locale: "en-US" });
    await langPage(page, { lang });
    const region = page.getByRole("region", { name: t.bannerTitle });
    await region.waitFor();
    const layout = await bannerBoxes(page);
    assert.deepEqual(layout.buttons.map((b) => b.text), [t.acceptAll, t.rejectAll, t.manage]);
    const where = JSON.stringify(layout);
    assert.ok(layout.banner.left >= 0 && layout.banner.right <= 360, `banner inside the screen: ${where}`);
    for (const b of layout.buttons) {
      assert.ok(b.left >= layout.banner.left && b.right <= layout.banner.right, `button "${b.text}" inside the banner: ${where}`);
      assert.ok(b.overflow <= 0, `button "${b.text}" wraps rather than overflows: ${where}`);
    }
    assert.equal(layout.pageOverflow, 0, "nothing widens the page");
    const rtl = lang === "ar";
    assert.deepEqual(await frameLang(page), { lang, dir: rtl ? "rtl" : "ltr" });
    assert.equal(layout.direction, rtl ? "rtl" : "ltr");
    const [accept, reject] = layout.buttons;
    assert.ok(rtl ? accept.left > reject.left : accept.left < reject.left,
      `Accept comes first in reading order (${rtl ? "right" : "left"}): ${where}`);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(widgetLogs(page, "warning"), []);
    await context.close();
  });
}

// German at a 32 px default font size on a 320 px phone, and on a 280 px
// fold phone, where "Einstellungen" of Einstellungen verwalten is wider
// than the whole button row (it pushed the button past the banner's edge).
for (const [width, height] of [[320, 568], [280, 653]]) {
  test(`German on a ${width} px phone at a 32 px default font size: the banner does not scroll sideways (a policy link's or a button's one long word breaks)`, chromiumOnly("sets the browser's default font size through Chromium's DevTools protocol"), async () => {
    const { context, page } = await openPage(env, { viewport: { width, height } });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32 } });
    await langPage(page, { lang: "de" });
    assert.deepEqual(await page.evaluate(buttonsOnScreen), ON_SCREEN);
    await context.close();
  });
}

// The box's two button columns and a phone's button rows: a label longer
// than its half wraps between words, and where two such words do not fit
// side by side each button takes its own row; no label is cut or scrolls
// the banner sideways (German, Irish and Polish at the default size and at
// a large default font size).
for (const [layout, width, height] of [["box", 1280, 800], ["bar", 360, 740]]) {
  test(`${layout} at ${width} px, long languages at 16 and 32 px default font sizes: every button shows its whole label, Accept and Reject alike`, chromiumOnly("sets the browser's default font size through Chromium's DevTools protocol"), async () => {
    const { context, page } = await openPage(env, { viewport: { width, height } });
    const cdp = await context.newCDPSession(page);
    for (const size of [16, 32]) {
      await cdp.send("Page.setFontSizes", { fontSizes: { standard: size } });
      for (const lang of ["de", "ga", "pl"]) {
        await langPage(page, { lang, config: { language: "auto", layout } });
        const fit = await page.evaluate(() => {
          const banner = document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-banner");
          const buttons = [...banner.querySelectorAll(".kc-btn")];
          return {
            sideways: banner.scrollWidth - banner.clientWidth,
            cut: buttons.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.textContent),
            // A label split inside a word shows as more lines than its words.
            split: buttons.filter((b) => {
              const range = document.createRange();
              range.selectNodeContents(b);
              const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
              return lines > b.textContent.trim().split(/\s+/).length;
            }).map((b) => b.textContent),
          };
        });
        assert.deepEqual(fit, { sideways: 0, cut: [], split: [] }, `${lang} at ${size} px`);
      }
    }
    await context.close();
  });
}

// A word wider than a whole button row (a site's "Datenschutzeinstellungen"
// at 200% zoom on a 360 px phone: 180 CSS px; the built-in German
// "Einstellungen" on a 280 px fold phone at a 32 px default font size)
// where the browser cannot hyphenate (Chromium and WebKit on Linux): the
// button stays in its row and the word breaks. It had been as wide as the
// word, past the banner's edge (tapped there, it missed), and in the tool's
// foot past the screen's left edge, where no scrolling reaches (stop 57's
// review of small screens).
const LONG_WORDS = { language: "de", texts: { manage: "Datenschutzeinstellungen verwalten", save: "Datenschutzeinstellungen speichern" } };
test("a site's word wider than a button row, 180 px wide: the banner's and the tool's buttons stay on the screen", async () => {
  const { context, page } = await openPage(env, { viewport: { width: 180, height: 370 } });
  await langPage(page, { lang: "de", config: LONG_WORDS });
  assert.deepEqual(await page.evaluate(buttonsOnScreen), ON_SCREEN);
  await button(page, "Datenschutzeinstellungen verwalten").click();
  await toolShown(page);
  assert.deepEqual(await page.evaluate(buttonsOnScreen), ON_SCREEN);
  assert.deepEqual(page.errors, []);
  await context.close();
});
