// Shared set-up for the end-to-end tests: one Chromium per test file, a fresh
// context per test, a page that records page errors and console messages,
// and the local server in front of dist/. The Chromium is Debian's headless
// shell unless a file needs the full browser (see `launch`). With KLOUDCONSENT_E2E_BROWSER=firefox
// the same tests drive Firefox ESR instead, through Playwright's WebDriver
// BiDi support (`channel: "moz-firefox"`); what that cannot do (Chromium's
// DevTools protocol, device emulation, media emulation) is skipped there by
// `chromiumOnly`, each with its reason.
import { chromium, firefox } from "playwright-core";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { startServer } from "./server.mjs";

export const CHROMIUM_ARGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--no-first-run",
  "--disable-sync",
];

/** The engine these tests drive: "chromium", or "firefox" (Firefox ESR over WebDriver BiDi). */
export const ENGINE = process.env.KLOUDCONSENT_E2E_BROWSER === "firefox" ? "firefox" : "chromium";

/**
 * `test()`'s options for a test that needs what only Playwright's Chromium
 * offers: skipped in Firefox with `why` (the harness's limit, not the
 * widget's; the same behaviour in Firefox is covered where it can be).
 */
export const chromiumOnly = (why) => ({ skip: ENGINE === "firefox" && `Firefox over WebDriver BiDi: ${why}` });

/**
 * Chromium resolves every `*.kloud.test` host to the local server, so a test
 * can use real domain cookies (`Domain=.kloud.test` next to a host-only one).
 */
export const KLOUD_TEST_ARGS = ["--host-resolver-rules=MAP *.kloud.test 127.0.0.1"];

/**
 * The Chromium most files drive: Debian's `chromium-headless-shell`, the same
 * engine (Blink, V8) and version as the `chromium` package, built without
 * the browser's window and profile layer; it is what Playwright itself runs
 * for headless Chromium. On the 2-core machines here a file needs less than
 * half the CPU there, so the Chromium level takes about 9 minutes instead of
 * 17 (CONTRIBUTING.md, "Tests"). What only the full browser has (the
 * back/forward cache) runs in `chromium`: `launch({ fullChromium: true })`,
 * or KLOUDCONSENT_E2E_CHROMIUM=full for every file.
 */
export const HEADLESS_SHELL = process.env.CHROMIUM_HEADLESS_SHELL || "/usr/bin/chromium-headless-shell";

/**
 * Starts the server and the browser; call from `before`. `args` are extra
 * Chromium flags, or a function of the server's URL returning them; `root`
 * serves that directory instead of dist/, `mounts` more directories beside
 * it (server.mjs). `bfcache` keeps the
 * back/forward cache on (Playwright turns it off by default), which only the
 * full browser has, so it implies `fullChromium`.
 */
export async function launch({ args = [], root, mounts, bfcache = false, fullChromium = bfcache } = {}) {
  const full = fullChromium || process.env.KLOUDCONSENT_E2E_CHROMIUM === "full";
  if (ENGINE === "chromium" && !full && !existsSync(HEADLESS_SHELL)) {
    throw new Error(`no Chromium headless shell at ${HEADLESS_SHELL}: run scripts/setup.sh ` +
      "(it installs Debian's chromium-headless-shell), or set KLOUDCONSENT_E2E_CHROMIUM=full to use the full browser");
  }
  const server = await startServer({ root, mounts });
  const extra = typeof args === "function" ? args(server.url) : args;
  const browser = ENGINE === "firefox" ? await firefox.launch({
    channel: "moz-firefox", executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr", headless: true,
    // Every host name reaches the local server, as Chromium's resolver rule does.
    firefoxUserPrefs: { "network.dns.forceResolve": "127.0.0.1" },
  }) : await chromium.launch({
    executablePath: full ? process.env.CHROMIUM || "/usr/bin/chromium" : HEADLESS_SHELL,
    // The shell is headless by construction: it takes no --headless=new.
    args: [...(full ? CHROMIUM_ARGS : CHROMIUM_ARGS.filter((a) => a !== "--headless=new")), ...extra],
    ignoreDefaultArgs: bfcache ? ["--disable-back-forward-cache"] : [],
  });
  return {
    server,
    browser,
    async close() { await browser.close(); await server.close(); },
  };
}

/**
 * A fresh context and page. `page.errors` collects uncaught page errors,
 * `page.logs` console messages (`type: text`). Options go to newContext.
 */
export async function openPage(env, options = {}) {
  const context = await env.browser.newContext(options);
  blankSafeInitScripts(context);
  const page = await context.newPage();
  page.errors = [];
  page.logs = [];
  recordPageErrors(page);
  page.on("console", (m) => page.logs.push(`${m.type()}: ${m.text()}`));
  await recordEvents(context);
  return { context, page };
}

/**
 * Collects the page's uncaught errors in `page.errors`. Firefox reports a
 * failed integrity check (a test's tampered file) and a CSP refusal as page
 * errors: the browser's messages, not a script's exceptions (tests that
 * count violations listen for them themselves), so they are left out.
 */
export function recordPageErrors(page) {
  page.on("pageerror", (e) => {
    if (ENGINE === "firefox" && /hashes in the integrity attribute|Content-Security-Policy: The page’s settings/.test(String(e))) return;
    page.errors.push(String(e));
  });
}

/**
 * Playwright's Firefox runs init scripts in a new page's first, blank
 * document too (its location still ""), whose storage throws; Chromium's
 * does not. There, the context's init scripts skip that document.
 */
export function blankSafeInitScripts(context) {
  if (ENGINE !== "firefox") return;
  const add = context.addInitScript.bind(context);
  context.addInitScript = (script, arg) => add(typeof script !== "function" ? script
    : `if (location.href && location.href !== "about:blank") (${script})(${arg === undefined ? "" : JSON.stringify(arg)});`);
}

/** Records every kloudconsent:* event, from before any page script runs (openPage does this). */
export async function recordEvents(context) {
  await context.addInitScript(() => {
    if (window.__events) return;
    window.__events = [];
    for (const name of ["ready", "consent", "change"]) {
      window.addEventListener("kloudconsent:" + name, (e) => {
        window.__events.push({ name, detail: e.detail });
      });
    }
  });
}

/** Resolves once the widget has booted (its ready event fired). */
export async function waitReady(page) {
  await page.waitForFunction(() => (window.__events || []).some((e) => e.name === "ready"), null, { timeout: 15000 });
}

/**
 * Records the values of the page's layout shifts from now on (none where
 * the engine has no such entries: Firefox); `shiftsSince` reads them.
 */
export const watchShifts = (page) => page.evaluate(() => {
  window.__shifts = [];
  if (PerformanceObserver.supportedEntryTypes.includes("layout-shift")) {
    new PerformanceObserver((list) => { window.__shifts.push(...list.getEntries().map((e) => e.value)); })
      .observe({ type: "layout-shift" });
  }
});
export const shiftsSince = (page) => page.evaluate(() => window.__shifts);
/** Resolves after the page has drawn two more frames (what a resize or a scroll set off has been laid out). */
export const twoFrames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
export const gatedRuns = (page) => page.evaluate(() => window.__gatedRuns || []);
export const events = (page) => page.evaluate(() => window.__events || []);
export const storedLocal = (page) => page.evaluate(() => localStorage.getItem("kloudconsent"));
/**
 * The consent cookies: `__Host-kloudconsent` where the page is a secure
 * context on a host with a parent domain (https, and `*.kloud.localhost`
 * here), else `kloudconsent` (127.0.0.1 and localhost included).
 */
export async function consentCookies(context) {
  return (await context.cookies()).filter((c) => c.name === "kloudconsent" || c.name === "__Host-kloudconsent");
}

/** The banner region and the preference dialog, by role (inside the shadow root). */
export const banner = (page) => page.getByRole("region", { name: "We value your privacy" });
export const dialog = (page) => page.getByRole("dialog");
/**
 * Whether the banner shows within 5 s. The widget draws a task after its
 * ready event, so reading the banner's visibility right after `waitReady`
 * can read "not yet drawn" on a busy machine.
 */
export const bannerSoon = (page) => banner(page).waitFor({ timeout: 5000 }).then(() => true, () => false);
export const button = (scope, name) => scope.getByRole("button", { name, exact: true });
/**
 * Polls a test-side condition (a log line, a request seen) every 50 ms until
 * it holds; fails after `ms` (5 s unless told). For what arrives over the network, where a
 * fixed sleep passes on an idle machine and fails on a busy one.
 */
export async function until(predicate, ms = 5000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${predicate}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Back, by the page's own `history.back()` (Firefox over BiDi reports no
 * navigation for a page restored from its back/forward cache), called from
 * a timer so that the evaluate has answered before the page goes away (a
 * context destroyed mid-answer failed a fresh-machine run); then the URL
 * the page reports, once it is `url` or after 10 s.
 */
export async function backTo(page, url) {
  await page.evaluate(() => { setTimeout(() => history.back()); });
  const here = () => page.evaluate(() => location.href).catch(() => "");
  for (let i = 0; i < 100 && await here() !== url; i++) await page.waitForTimeout(100);
  return here();
}

/**
 * Waits for the preference tool itself. While the tool's code is on its way
 * (a busy machine, a slow network) the core shows a small loading dialog
 * with the same role; reading the dialog before the tool replaces it reads
 * "Loading your cookie preferences…". Every tool has a switch (strictly
 * necessary's, always on), the loading dialog none.
 */
export const toolShown = (page) => dialog(page).getByRole("switch").first().waitFor();

/**
 * Serves a generated host page at a unique path on the test server (via
 * Playwright routing, so it is same-origin with dist/) and navigates to it.
 * `config` becomes an inline #kloudconsent-config; `scriptAttrs` go on the
 * embed tag; `body` is extra markup (gated scripts etc.).
 */
let pageCounter = 0;
export async function hostPage(env, page, { config, scriptAttrs = "", body = "", head = "", path } = {}) {
  const url = `${env.server.url}${path || `/fixtures/generated-${++pageCounter}.html`}`;
  const inline = config === undefined ? ""
    : `<script type="application/json" id="kloudconsent-config">${typeof config === "string" ? config : JSON.stringify(config)}</script>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>generated host</title>${head}
${inline}
<script src="/kloudconsent.js" ${scriptAttrs} defer></script></head>
<body><h1>Generated host page</h1><a href="#" id="open-prefs" data-kloudconsent-open>Manage Cookie Preferences</a>
${body}</body></html>`;
  await page.context().route(url, (route) => route.fulfill({ body: html, contentType: "text/html; charset=utf-8" }));
  await page.goto(url);
  return url;
}

/** Standard gated pair used by many tests. */
export const GATED_PAIR = `
<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>
<script type="text/plain" data-consent="marketing" src="/demo/marketing.js"></script>`;
/** Console errors and warnings the widget logged (they all start with `kloudconsent`). */
export const widgetLogs = (page, type = "error") =>
  page.logs.filter((l) => l.startsWith(type + ": kloudconsent"));

/** The text of every element in the widget's shadow root, and its element count. */
export const shadowSummary = (page) => page.evaluate(() => {
  const root = document.querySelector("kloud-consent")?.shadowRoot;
  if (!root) return null;
  const tags = [...root.querySelectorAll("*")].map((e) => e.localName);
  // Elements that are not the widget's own: the close button's drawn icon is
  // the only <svg> the widget renders itself.
  const foreign = [...root.querySelectorAll("*")]
    .filter((e) => !(e.closest(".kc-close") && ["svg", "path"].includes(e.localName)))
    .map((e) => e.localName);
  return { tags, foreign, text: root.textContent };
});

/**
 * A `kloudconsent` cookie value in the documented format (docs/stored-decision.md,
 * "Cookie format"), valid by default: decided a day ago, expiring in 100 days.
 */
const DAY = 86400000;
export function consentCookie({ revision = 1, decided = Date.now() - DAY, expires = Date.now() + 100 * DAY,
  method = "c", id = "AbCdEfGhIjKlMnOpQrStUv", granted = "necessary.security.analytics",
  denied = "functionality.marketing" } = {}) {
  return `1|${revision}|${decided}|${expires}|${method}|${id}|${granted}|${denied}`;
}

/**
 * The source of the domain's config parser (`crates/domain/src/config.rs`,
 * or every file of `crates/domain/src/config/` once it is split), for tests
 * that read the key lists from the parser itself so they cannot drift.
 */
export function configParserSource() {
  const root = new URL("../../crates/domain/src/", import.meta.url);
  const single = new URL("config.rs", root);
  if (existsSync(single)) return readFileSync(single, "utf8");
  const dir = new URL("config/", root);
  return readdirSync(dir).filter((f) => f.endsWith(".rs")).sort()
    .map((f) => readFileSync(new URL(f, dir), "utf8")).join("\n");
}

/**
 * The config's `texts` keys in order, read from the one list in the parser
 * (`texts! { "bannerTitle" => banner_title = "..."; ... }` in
 * crates/domain/src/config/texts.rs), so tests and docs cannot drift from it.
 */
export function configTextKeys() {
  const list = configParserSource().split("\ntexts! {\n")[1];
  if (!list) throw new Error("the texts! list was not found in crates/domain/src/config");
  return [...list.split("\n}\n")[0].matchAll(/^\s*"(\w+)" => \w+ =/gm)].map((m) => m[1]);
}

/** The focused element's id (or tag name), looking into shadow roots. */
export const focusedId = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? el.id || el.localName : null;
});

/** A stored custom decision, analytics granted, in the context's cookie for `url`. */
export async function storeDecision(context, url) {
  await context.addCookies([{
    name: "kloudconsent", url,
    value: consentCookie({ granted: "necessary.analytics.security", denied: "functionality.marketing", method: "c" }),
  }]);
}
