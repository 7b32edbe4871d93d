// How each kind of docs snippet is checked (CONTRIBUTING.md, "The docs'
// snippets are tested"). Every check throws an AssertionError naming what the
// snippet promised and did not do.
import assert from "node:assert/strict";
import { waitReady, ENGINE } from "./helpers.mjs";
import {
  SITE, openSite, hostHtml, eventually, settle, problems,
} from "./docs-snippets-site.mjs";
import {
  categoriesOf, checkConfigBeforeDecision, checkConfigAfterAccept, checkConsentUpdate, checkSignals, dataLayer,
} from "./docs-snippets-config.mjs";

let pageCounter = 0;

/**
 * Checks one snippet `{kind, options, code}`. `served` maps site paths to
 * config texts that the file's `serveAs` snippets provide.
 */
export async function checkSnippet(env, snippet, served = {}) {
  const check = { config: checkConfig, html: checkHtml, js: checkJs, css: checkCss }[snippet.kind];
  return check(env, snippet, served);
}

/**
 * Serves `html` at a fresh path of the site, opens it (after `init`, an init
 * script, if given), waits for the widget's ready event.
 */
async function visit(env, html, served, contextOptions = {}, init = null) {
  const path = `/docs-snippet-${++pageCounter}.html`;
  const files = { [path]: { body: html, type: "text/html; charset=utf-8" } };
  for (const [p, body] of Object.entries(served)) files[p] = { body, type: "application/json" };
  const site = await openSite(env, files, contextOptions);
  if (init) await site.context.addInitScript(init);
  site.url = SITE + path;
  await site.page.goto(site.url);
  await waitReady(site.page);
  // A config the widget refused shows as its console error, not as a
  // missing banner text ten seconds later.
  const refused = site.page.logs.filter((l) => l.startsWith("error: kloudconsent"));
  if (refused.length) {
    await site.context.close();
    assert.fail(refused.join("\n"));
  }
  return site;
}

// ---- config ----------------------------------------------------------------

/** A config snippet is an inline config on a page with an embed of its first optional category. */
async function checkConfig(env, { code, options }, served) {
  let config;
  try { config = JSON.parse(code); } catch (e) { assert.fail(`the config is not valid JSON: ${e.message}`); }
  const optional = categoriesOf(config).find((c) => !c.required);
  const embed = optional
    ? `<iframe data-consent="${optional.id}" data-src="https://embed.example.net/video" width="400" height="300" title="A gated embed"></iframe>`
    : "";
  const snippet = `<script type="application/json" id="kloudconsent-config">\n${code}\n</script>\n${embed}`;
  await checkHtml(env, { code: snippet, options }, served);
  if (config.signals) {
    const gpc = () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });
    const site = await visit(env, hostHtml({ snippet }), served, {}, gpc);
    try {
      await checkSignals(site.page, config);
      assert.deepEqual(problems(site.page), [], "no console errors or warnings");
    } finally {
      await site.context.close();
    }
  }
}

// ---- html ------------------------------------------------------------------

/**
 * An html snippet in a host page: no errors; nothing gated before a decision;
 * clean-up scripts after Reject all; everything gated after Accept all; each
 * dist file fetched once; Consent Mode's default before Google's tags; an
 * inline or data-config config checked as a config snippet is.
 */
async function checkHtml(env, { code, options }, served) {
  const html = hostHtml({ snippet: code, config: options.config, body: options.body });
  const site = await visit(env, html, served);
  const { page, requests } = site;
  try {
    const config = await pageConfig(page, served, options.config);
    const expected = options.expectRequests || [];
    await checkConfigBeforeDecision(page, config);
    await checkGoogleOrder(page);
    await checkGating(page, requests, "undecided");
    for (const url of expected) assert.ok(!requests.some((r) => r.url === url), `${url} requested before a decision`);
    await checkOpeners(page);

    await page.evaluate(() => window.kloudconsent.rejectAll());
    await checkGating(page, requests, "rejected");

    await page.evaluate(() => window.kloudconsent.acceptAll());
    await checkGating(page, requests, "accepted");
    for (const url of expected) await eventually(() => assert.ok(requests.some((r) => r.url === url), `${url} requested after Accept all`));
    await checkConfigAfterAccept(page, config, requests);
    await checkGoogleOrder(page);
    if ((await dataLayer(page)).some((e) => e.args && e.args[1] === "default")) {
      await checkConsentUpdate(page, await page.evaluate(() => window.kloudconsent.get()));
    }
    // Firefox downloads a preloaded wasm a second time (security.md, "The
    // wasm preload hint"); every other file, and every file in Chromium, once.
    const twice = (file) => ENGINE === "firefox" && file === "kloudconsent_bg.wasm" && /rel="preload"/.test(code);
    for (const [file, hits] of Object.entries(site.distHits)) assert.equal(hits, twice(file) ? 2 : 1, `${file} fetched ${hits} times`);
    await settle(page);
    assert.deepEqual(problems(page), [], "no page errors, console errors or warnings");
  } finally {
    await site.context.close();
  }
}

/** The config the page runs with: its data-config file, its inline config, or none. */
async function pageConfig(page, served, fallback) {
  const { url, inline } = await page.evaluate(() => ({
    url: document.querySelector("script[data-config]")?.getAttribute("data-config") || null,
    inline: document.getElementById("kloudconsent-config")?.textContent ?? null,
  }));
  if (url) {
    const path = new URL(url, SITE).pathname;
    assert.ok(served[path], `data-config="${url}": no config snippet of this file is served there (option serveAs)`);
    return JSON.parse(served[path]);
  }
  if (inline !== null) {
    try { return JSON.parse(inline); } catch (e) { assert.fail(`the inline config is not valid JSON: ${e.message}`); }
  }
  return fallback || {};
}

/**
 * Every gated script and embed is in the state the decision in force allows:
 * run/loaded exactly when every category it names is granted; a clean-up
 * script (`!id`) run once a stored decision refuses it (never undone). An
 * external script that ran was requested; one that did not, was not.
 */
async function checkGating(page, requests, phase) {
  await eventually(async () => {
    const wrong = await page.evaluate((phase) => {
      const kc = window.kloudconsent;
      const decided = !!kc.get() && kc.get().method !== "signal";
      const out = [];
      for (const el of document.querySelectorAll("script[data-consent], iframe[data-consent], img[data-consent], video[data-consent]")) {
        const ids = el.getAttribute("data-consent").trim().split(/\s+/);
        const cleanup = ids.every((id) => id.startsWith("!"));
        const allowed = cleanup
          ? decided && ids.every((id) => !kc.accepted(id.slice(1)))
          : ids.every((id) => kc.accepted(id));
        // An embed "ran" once it has any src; it must be the data-src (an
        // embed written with a plain src is not gated at all).
        const done = el.localName === "script" ? el.type !== "text/plain" : !!el.getAttribute("src");
        if (el.localName !== "script" && done && (el.getAttribute("src") !== el.getAttribute("data-src")
            || (el.hasAttribute("data-srcset") && el.getAttribute("srcset") !== el.getAttribute("data-srcset")))) {
          out.push(`${phase}: <${el.localName} data-consent> has a src that is not its data-src (or srcset not its data-srcset)`);
        }
        const what = `<${el.localName} data-consent="${el.getAttribute("data-consent")}"${el.getAttribute("src") || el.getAttribute("data-src") ? ` ${el.getAttribute("src") || el.getAttribute("data-src")}` : ""}>`;
        if (cleanup && done && !allowed && phase === "accepted") continue; // ran on Reject all; stays run
        if (done !== allowed) out.push(`${phase}: ${what} ${done ? "ran/loaded" : "did not run/load"}`);
      }
      return out;
    }, phase);
    assert.deepEqual(wrong, [], "gated scripts and embeds follow the decision");
  });
  await eventually(async () => {
    const gated = await page.evaluate(() => [...document.querySelectorAll("script[data-consent][src]")]
      .map((s) => ({ src: s.src, ran: s.type !== "text/plain" })));
    for (const { src, ran } of gated) {
      assert.equal(requests.some((r) => r.url === src), ran, `${phase}: ${src} ${ran ? "not requested although released" : "requested although still gated"}`);
    }
  });
}

/** With Consent Mode, the `default` comes before Google's tags start (gtag('js') or GTM's gtm.js). */
async function checkGoogleOrder(page) {
  const layer = await dataLayer(page);
  const google = layer.findIndex((e) => (e.args && e.args[0] === "js") || (e.obj && e.obj.event === "gtm.js"));
  if (google < 0) return;
  const consent = layer.findIndex((e) => e.args && e.args[0] === "consent" && e.args[1] === "default");
  assert.ok(consent >= 0 && consent < google, `gtag('consent', 'default') at ${consent}, Google's tag started at ${google}`);
}

/** Each `data-kloudconsent-open` element opens the preference tool; Escape closes it. */
async function checkOpeners(page) {
  const openers = page.locator("[data-kloudconsent-open]");
  for (let i = 0; i < await openers.count(); i++) {
    await openers.nth(i).click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
  }
}

// ---- js --------------------------------------------------------------------

/** `expr; // → value` lines become assertions; the rest runs as written. */
export function instrument(code) {
  let assertions = 0;
  const out = code.split("\n").map((line, i) => {
    const m = /^(\s*)(.+?);?\s*\/\/\s*→\s*(.+?)\s*$/.exec(line);
    if (!m) return line;
    assertions++;
    return `${m[1]}__expect((${m[2]}), (${m[3]}), ${JSON.stringify(`line ${i + 1}: ${m[2].trim()}`)});`;
  });
  return { code: out.join("\n"), assertions };
}

/** A js snippet runs on a page with the widget started: no throw, no console error, every `// →` holds. */
async function checkJs(env, { code, options }, served) {
  const html = hostHtml({ config: options.config, body: options.body });
  const site = await visit(env, html, served);
  const { page } = site;
  try {
    await page.evaluate(() => {
      window.__expectFailures = [];
      window.__expect = (actual, expected, where) => {
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          window.__expectFailures.push(`${where}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
        }
      };
    });
    await page.addScriptTag({ content: instrument(code).code });
    await settle(page);
    assert.deepEqual(await page.evaluate(() => window.__expectFailures), [], "the snippet's `// →` assertions");
    assert.deepEqual(problems(page), [], "no page errors, console errors or warnings");
  } finally {
    await site.context.close();
  }
}

// ---- css -------------------------------------------------------------------

/** `prop: value` declarations of the innermost blocks of `css`, and how many such blocks it has. */
export function declarations(css) {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const decls = [];
  let blocks = 0;
  const re = /\{([^{}]*)\}/g;
  for (let m; (m = re.exec(text));) {
    blocks++;
    for (const part of m[1].split(";")) {
      const d = /^\s*([-\w]+)\s*:\s*([\s\S]+?)\s*$/.exec(part);
      if (d) decls.push({ property: d[1].toLowerCase(), value: d[2] });
      else if (part.trim()) decls.push({ property: part.trim(), value: "" });
    }
  }
  return { decls, blocks };
}

/**
 * A css snippet is parsed by the browser (CSSOM) and added to a host page with
 * the banner and a placeholder up. Every declaration survives parsing, every
 * rule matches an element (through ::part() too), every declared property
 * changes that element's computed style, and `--kc-*` properties change what
 * is drawn inside the widget.
 */
async function checkCss(env, { code, options }, served) {
  const body = options.body ?? `<iframe data-consent="marketing" data-src="https://embed.example.net/video" width="400" height="300" title="A gated embed"></iframe>`;
  const html = hostHtml({ config: options.config, body });
  const site = await visit(env, html, served, options.colorScheme ? { colorScheme: options.colorScheme } : {});
  const { page } = site;
  try {
    await page.locator("kloud-consent").waitFor({ state: "attached" });
    await settle(page);
    const { decls, blocks } = declarations(code);
    const result = await page.evaluate(({ css, decls, blocks }) => {
      const errors = [];
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      const rules = [];
      (function walk(list) {
        for (const r of list) {
          if (r instanceof CSSStyleRule) rules.push(r);
          else if (r instanceof CSSMediaRule) {
            if (!matchMedia(r.media.mediaText).matches) errors.push(`@media ${r.media.mediaText} does not match (option colorScheme?)`);
            walk(r.cssRules);
          } else if (r.cssRules) walk(r.cssRules);
        }
      })(sheet.cssRules);
      if (rules.length !== blocks) errors.push(`${blocks} rule blocks written, ${rules.length} parsed`);
      for (const { property } of decls) {
        if (!rules.some((r) => r.style.getPropertyValue(property) !== "")) errors.push(`\`${property}\` was dropped by the parser`);
      }
      // Elements each rule selects (a ::part() rule: the parts inside the matching hosts).
      const targets = (selector) => {
        const part = /^(.*)::part\(([\w-]+)\)$/.exec(selector.trim());
        if (!part) return [...document.querySelectorAll(selector)];
        return [...document.querySelectorAll(part[1])].flatMap((h) =>
          h.shadowRoot ? [...h.shadowRoot.querySelectorAll(`[part~="${part[2]}"]`)] : []);
      };
      const plan = rules.flatMap((r) => r.selectorText.split(",").map((selector) => {
        const els = targets(selector);
        if (!els.length) errors.push(`\`${selector.trim()}\` selects nothing on the page`);
        // The properties as written (a shorthand stays one), of this rule.
        const props = [...new Set(decls.map((d) => d.property))].filter((p) => r.style.getPropertyValue(p) !== "");
        return { selector, els, props };
      }));
      const widgetLook = () => [...document.querySelectorAll("kloud-consent, kloud-consent-placeholder")]
        .flatMap((h) => [...h.shadowRoot.querySelectorAll("*")])
        // Custom properties left out: they inherit whether or not anything uses them.
        .map((e) => { const cs = getComputedStyle(e); return [...cs].filter((p) => !p.startsWith("--")).map((p) => cs.getPropertyValue(p)).join(";"); })
        .join("\n");
      const before = plan.map(({ els, props }) => els.map((e) => props.map((p) => getComputedStyle(e).getPropertyValue(p))));
      const lookBefore = widgetLook();
      const style = document.createElement("style");
      style.textContent = css;
      document.head.append(style);
      plan.forEach(({ selector, els, props }, i) => els.forEach((e, j) => props.forEach((p, k) => {
        if (getComputedStyle(e).getPropertyValue(p) === before[i][j][k]) {
          errors.push(`\`${selector.trim()} { ${p} }\` does not change <${e.localName}${e.getAttribute("part") ? ` part="${e.getAttribute("part")}"` : ""}>`);
        }
      })));
      if (decls.some((d) => d.property.startsWith("--kc-")) && widgetLook() === lookBefore) {
        errors.push("the --kc-* properties change nothing drawn inside the widget");
      }
      return errors;
    }, { css: code, decls, blocks });
    assert.deepEqual(result, [], "the CSS parses, selects and applies");
    assert.deepEqual(problems(page), [], "no page errors, console errors or warnings");
  } finally {
    await site.context.close();
  }
}
