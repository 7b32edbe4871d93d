// Bad stored input (contract section 4): hostile, corrupt, oversized,
// tampered, future and duplicate values in the `kloudconsent` cookie and
// localStorage. Each row plants values before the widget runs and checks that
// either the banner shows with nothing gated run (no decision), or the stored
// decision is honoured exactly as the contract says, and that no page error
// is thrown. The page is served as www.kloud.test so that a host-only cookie
// and a `Domain=.kloud.test` cookie of the same name can both reach it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, gatedRuns, banner, button, storedLocal,
  KLOUD_TEST_ARGS, widgetLogs, shadowSummary, consentCookie,
  bannerSoon, until,
} from "./helpers.mjs";
import { CASES } from "./hostile-cases.mjs";

let env;
before(async () => { env = await launch({ args: KLOUD_TEST_ARGS }); });
after(async () => { await env.close(); });

/**
 * Where a row runs: www.kloud.test (plain http), or for `secure` rows
 * www.kloud.localhost, which Chromium treats as a secure context that takes
 * `__Host-` cookies, as https would (and `*.localhost` resolves to this
 * machine without a host-resolver rule).
 */
function site(secure) {
  const parent = secure ? "kloud.localhost" : "kloud.test";
  return { origin: env.server.url.replace("127.0.0.1", "www." + parent), parent: "." + parent, host: "www." + parent };
}

/** Lets Yew's deferred render and any released script run. */
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));

test(`hostile stored values (${CASES.length} cases): banner or decision as the contract says, no page error`, async (t) => {
  assert.ok(CASES.length >= 20);
  for (const c of CASES) {
    await t.test(c.name, async () => {
      const { origin, parent, host } = site(c.secure);
      const { context, page } = await openPage(env);
      const planted = (c.cookies || []).map(([value, where, name = "kloudconsent"]) => ({ name, value, where }));
      const cookies = planted.filter((k) => !k.name.startsWith("__Host-")).map(({ name, value, where }) => ({
        name, value, ...(where === "parent" ? { domain: parent, path: "/" } : { url: origin + "/" }),
      }));
      if (cookies.length) await context.addCookies(cookies);
      // A `__Host-` cookie over http: written by the page itself (the
      // browser's cookie API refuses a Secure cookie for an http URL).
      const hostOnly = planted.filter((k) => k.name.startsWith("__Host-"));
      if (hostOnly.length) {
        await page.goto(origin + "/fixtures/plain.html");
        await page.evaluate((list) => {
          for (const k of list) document.cookie = `${k.name}=${k.value}; Secure; Path=/; SameSite=Lax`;
        }, hostOnly);
      }
      if (c.local !== undefined) {
        await context.addInitScript((v) => {
          if (!sessionStorage.getItem("planted")) {
            localStorage.setItem("kloudconsent", v);
            sessionStorage.setItem("planted", "1");
          }
        }, c.local);
      }
      await page.goto(origin + "/fixtures/basic.html");
      await waitReady(page);
      if (c.decide) {
        await button(banner(page), c.decide).click();
        await page.waitForFunction(() => window.kloudconsent.get() !== null);
      }
      const { method, runs } = c.expect;
      if (runs.length) await page.waitForFunction((n) => (window.__gatedRuns || []).length >= n, runs.length);
      await settle(page);

      const state = await page.evaluate(() => window.kloudconsent.get());
      assert.equal(state?.method ?? null, method, "get().method");
      assert.deepEqual(await gatedRuns(page), runs, "gated scripts that ran");
      if (method === null) {
        assert.ok(await bannerSoon(page), "banner shown");
        assert.ok(widgetLogs(page, "warning").some((l) => l.includes("ignored a stored decision")),
          "the ignored value is reported: " + page.logs.join(" | "));
      } else {
        assert.equal(await banner(page).count(), 0, "no banner");
        if (c.expect.categories) assert.deepEqual(state.categories, c.expect.categories);
      }
      if (c.expect.rewritesCookie) {
        const values = (await context.cookies()).filter((k) => k.name === "kloudconsent").map((k) => k.value);
        assert.ok(values.some((v) => v.startsWith("1|1|") && v.includes(state.id)), values.join(", "));
      }
      if (c.expect.rewritesLocal) assert.equal(JSON.parse(await storedLocal(page)).id, state.id);
      if (c.expect.localKept) assert.equal(await storedLocal(page), c.local, "localStorage untouched");
      if (c.expect.consentCookies) {
        const found = (await context.cookies()).filter((k) => k.name.includes("kloudconsent"))
          .map((k) => [k.name, k.domain.replace(host, "HOST").replace(parent, "PARENT"), k.secure]).sort();
        assert.deepEqual(found, c.expect.consentCookies);
      }
      if (method !== null) {
        // Decided: nothing is rendered until shown, so open the preference
        // tool, which displays what was read from storage.
        await page.evaluate(() => window.kloudconsent.show());
        await page.waitForFunction(() => document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-dialog:not(.kc-shell)"));
      }
      const shadow = await shadowSummary(page);
      assert.ok(shadow, "the widget rendered");
      assert.ok(!shadow.tags.some((t) => ["img", "script", "iframe"].includes(t)), "no element injected");
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      assert.deepEqual(page.errors, [], "no page error");
      assert.deepEqual(widgetLogs(page, "error"), [], "no console error");
      await context.close();
    });
  }
});

test("reset() also forgets a decision a sibling host shared on the parent domain, so it does not come back", async () => {
  // www.kloud.localhost (a secure context: it writes __Host-kloudconsent)
  // with no cookie.domain; a sibling wrote `kloudconsent` for
  // .kloud.localhost, which counts here when nothing else does.
  const { origin, parent } = site(true);
  const { context, page } = await openPage(env);
  await context.addCookies([{ name: "kloudconsent", domain: parent, path: "/", secure: true, sameSite: "Lax",
    value: consentCookie({ method: "a", granted: "necessary.security.analytics.functionality.marketing", denied: "" }) }]);
  await page.goto(origin + "/fixtures/basic.html");
  await waitReady(page);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all", "precondition: the shared decision counts");
  await page.evaluate(() => window.kloudconsent.reset());
  assert.deepEqual((await context.cookies()).filter((k) => k.name.includes("kloudconsent")), [], "every consent cookie gone");
  await page.reload();
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null, "asked again");
  assert.ok(await bannerSoon(page));
  assert.deepEqual(page.errors, []);
  await context.close();
});

// Sibling hosts share one decision through a `Domain` cookie, but each keeps
// its undelivered receipts in its own localStorage: one kept on a.kloud.test
// while the service was down must not be sent after the visitor changed
// their mind on b.kloud.test, or it would arrive last and the service would
// take it as the decision in force (docs/receipts.md).
test("a receipt kept undelivered on one host is dropped, not sent, once a later decision made on a sibling host is in force", async () => {
  const { context, page } = await openPage(env);
  const port = new URL(env.server.url).port;
  const [a, b] = ["a", "b"].map((h) => `http://${h}.kloud.test:${port}/sibling.html`);
  const config = { cookie: { domain: ".kloud.test" }, receiptUrl: "/sibling-receipts" };
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sibling</title>
    <script type="application/json" id="kloudconsent-config">${JSON.stringify(config)}</script>
    <script src="/kloudconsent.js" defer></script></head><body><h1>Sibling</h1></body></html>`;
  // Served by the test server itself (a page the browser sees come from
  // this machine may load the widget from it).
  env.server.routes.set("/sibling.html", (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  let down = true;
  const stored = [];
  env.server.routes.set("/sibling-receipts", async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    if (!down) stored.push(JSON.parse(body).method);
    res.writeHead(down ? 503 : 201, { "content-type": "text/plain" });
    res.end(down ? "down" : "stored");
  });
  const kept = () => page.evaluate(() => JSON.parse(localStorage.getItem("kloudconsent-receipts") || "[]").length);

  await page.goto(a);
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (localStorage.getItem("kloudconsent-receipts") || "").includes("accept-all"));
  await expectLog(page, "could not send the consent receipt");

  down = false;
  await page.goto(b);
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.kloudconsent.get().method), "accept-all", "the shared decision");
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await page.waitForFunction(() => localStorage.getItem("kloudconsent-receipts") === null);
  assert.deepEqual(stored, ["reject-all"]);

  await page.goto(a);
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.kloudconsent.get().method), "reject-all");
  await page.waitForTimeout(300);
  assert.equal(await kept(), 0, "the superseded receipt is dropped");
  assert.deepEqual(stored, ["reject-all"], "and never sent");
  await context.close();
});

/** Waits for a console line of the page's that contains `text`; on failure lists the page's lines. */
const expectLog = (page, text) => until(() => page.logs.some((l) => l.includes(text)))
  .catch(() => assert.fail(`no console line with "${text}" among:\n${page.logs.join("\n")}`));
