// Strict Content-Security-Policy (no inline script or style, no eval): the
// widget works unchanged, and a `securitypolicyviolation` listener installed
// before anything runs stays silent. Under a nonce CSP the embed tag's nonce
// is given to every inline gated script the widget activates.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  launch, openPage, waitReady, gatedRuns, banner, dialog, button, widgetLogs,
  toolShown,
} from "./helpers.mjs";
import { STRICT_CSP, NONCE } from "./server.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** A page whose CSP violations are recorded from before any of its scripts run. */
async function openWatched(path) {
  const { context, page } = await openPage(env);
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  const response = await page.goto(env.server.url + path);
  await waitReady(page);
  return { context, page, csp: response.headers()["content-security-policy"] };
}

const violations = (page) => page.evaluate(() => window.__violations);
const refused = (page) => page.logs.filter((l) => /Content Security Policy|Refused to/i.test(l));

test("strict CSP: banner, styles, preference tool, decision and gated scripts all work; no violation", async () => {
  const { context, page, csp } = await openWatched("/fixtures/basic.html?csp=strict");
  assert.equal(csp, STRICT_CSP);
  const b = banner(page);
  await b.waitFor();
  // The constructable stylesheet applied (a blocked <style> would leave it static;
  // the banner is placed in the widget's viewport frame).
  assert.equal(await b.evaluate((el) => getComputedStyle(el).position), "absolute");
  await button(b, "Manage preferences").click();
  await toolShown(page);
  await dialog(page).getByRole("switch", { name: "Performance and analytics" }).click();
  await button(dialog(page), "Save preferences").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.deepEqual(await gatedRuns(page), ["analytics"]);
  await page.reload();
  await waitReady(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(refused(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("strict CSP: a same-origin data-config is fetched and applied", async () => {
  const config = encodeURIComponent('{"texts":{"bannerTitle":"Cookies on this site"}}');
  const { context, page } = await openWatched(
    `/fixtures/config.html?csp=strict&config=${encodeURIComponent("/__config?body=" + config)}`);
  await page.getByRole("region", { name: "Cookies on this site" }).waitFor();
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(widgetLogs(page, "error"), []);
  await context.close();
});

test("the demo page built by Trunk needs nothing CSP blocks: no inline script or style", async () => {
  const html = readFileSync(new URL("../../dist/index.html", import.meta.url), "utf8");
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  for (const [, attrs, body] of scripts) {
    assert.ok(/\bsrc=/.test(attrs) || /type=("|')?(text\/plain|application\/json)/.test(attrs),
      `inline script in dist/index.html: <script${attrs}>${body.slice(0, 60)}`);
  }
  assert.ok(!/<style\b/.test(html) && !/\sstyle=/.test(html), "no <style> or style= in dist/index.html");

  const { context, page } = await openWatched("/?csp=strict");
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => document.getElementById("marketing-status").textContent.startsWith("ran"));
  assert.equal(await page.locator("#analytics-status").textContent(), "ran 1×");
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(refused(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("nonce CSP: the embed tag's nonce lets activated inline gated scripts run; no violation", async () => {
  const { context, page } = await openWatched(`/fixtures/nonce.html?csp=nonce&nonce=${NONCE}`);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  assert.deepEqual(await gatedRuns(page), ["inline-analytics", "marketing"]);
  // The clean-up script runs on a refusal, with the nonce too.
  await page.evaluate(() => window.kloudconsent.set({ analytics: false }));
  await page.waitForFunction(() => (window.__gatedRuns || []).includes("inline-cleanup"));
  const nonces = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).map((s) => s.nonce));
  assert.deepEqual(nonces, [NONCE, NONCE]);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("control: without the nonce on the embed tag the same CSP blocks the inline gated script", async () => {
  const { context, page } = await openWatched("/fixtures/nonce.html?csp=nonce&nonce=");
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  await page.waitForFunction(() => window.__violations.length > 0);
  assert.deepEqual(await gatedRuns(page), ["marketing"]);
  assert.match((await violations(page))[0], /^script-src/);
  await context.close();
});

test("Trusted Types enforced (not supported): Accept all still decides and closes the banner; the refused gated scripts are said once", async () => {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>trusted types</title>
<script src="/kloudconsent.js" defer></script></head><body><h1>Trusted Types page</h1>
<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>
<script type="text/plain" data-consent="marketing">window.__inlineRan = true;</script></body></html>`;
  env.server.routes.set("/__tt.html", (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8",
      "content-security-policy": "require-trusted-types-for 'script'" });
    res.end(html);
  });
  const { context, page } = await openPage(env);
  try {
    await page.goto(`${env.server.url}/__tt.html`);
    await waitReady(page);
    await button(banner(page), "Accept all").click();
    await banner(page).waitFor({ state: "detached" });
    assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all");
    assert.deepEqual(await gatedRuns(page), []);
    assert.equal(await page.evaluate(() => window.__inlineRan), undefined);
    // (The tool's prefetch is refused too, and says so.)
    const errors = widgetLogs(page).filter((l) => /gated script/.test(l));
    assert.equal(errors.length, 1, widgetLogs(page).join("\n"));
    assert.match(errors[0], /the page refused to run a gated script/);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
