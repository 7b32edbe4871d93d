// Issue 18, the engine's findings, in Firefox ESR (selenium-webdriver +
// geckodriver) where the behaviour is the browser's: nonces, URL schemes of
// embeds, localStorage against a newer cookie, posters and <source>
// children, the script queue, receipts. The Chromium versions (with more
// cases) are in tests/e2e/security-engine.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { NONCE } from "../e2e/server.mjs";
import { launch } from "./firefox.mjs";

let env;
let server;
let driver;
before(async () => { ({ server, driver } = env = await launch()); });
after(async () => { await env?.close(); });

const js = (fn, ...args) => driver.executeScript(`return (${fn}).apply(null, arguments)`, ...args);
const gatedRuns = () => js(() => window.__gatedRuns || []);
const until = (predicate, what, ms = 5000) => driver.wait(predicate, ms, what);

/** A clean origin, then `path`, once the widget has booted. */
async function fresh(path, plant) {
  await driver.get(server.url + "/fixtures/plain.html");
  await driver.manage().deleteAllCookies();
  await js(() => localStorage.clear());
  if (plant) await js(plant);
  await driver.get(server.url + path);
  await until(() => js(() => document.readyState === "complete" && !!window.kloudconsent), "page");
  // `ready` fires once per page; a late subscriber still hears it.
  await driver.manage().setTimeouts({ script: 15000 });
  await driver.executeAsyncScript("const done = arguments[arguments.length - 1]; window.kloudconsent.on('ready', () => done(true));");
  await driver.sleep(150);
}

const inject = (html) => js((h) => {
  const div = document.createElement("div");
  div.innerHTML = h;
  document.body.appendChild(div);
}, html);

test("3: under a nonce CSP a gated tag injected later does not get the page's nonce", async () => {
  await fresh(`/fixtures/nonce.html?csp=nonce&nonce=${NONCE}`);
  await js(() => window.kloudconsent.acceptAll());
  await until(async () => (await gatedRuns()).length === 2, "the page's gated scripts");
  await inject(`<script type="text/plain" data-consent="necessary">window.__injected = 1;</script>`);
  await driver.sleep(300);
  assert.equal(await js(() => window.__injected), null);
  assert.deepEqual(await gatedRuns(), ["inline-analytics", "marketing"]);
});

test("4: a javascript: or data: data-src is never copied; an http(s) one is", async () => {
  await fresh("/fixtures/security/embed-urls.html");
  await js(() => window.kloudconsent.acceptAll());
  await until(() => js(() => document.getElementById("good").getAttribute("src")), "good embed");
  await driver.sleep(300);
  assert.equal(await js(() => window.__pwned), null);
  const srcs = await js(() => ["js", "js-mixed", "data", "vbs", "srcset", "poster"].map((id) => {
    const el = document.getElementById(id);
    return [el.getAttribute("src"), el.getAttribute("srcset"), el.getAttribute("poster")];
  }));
  assert.deepEqual(srcs.flat().filter((v) => v !== null), []);
  assert.deepEqual(await js(() => window.__errors), []);
});

test("5: without cookie.domain a newer cookie does not override the visitor's localStorage decision", async () => {
  await fresh("/fixtures/recorded.html", () => {
    const now = Date.now();
    localStorage.setItem("kloudconsent", JSON.stringify({
      v: 1, categories: { necessary: true, analytics: false, functionality: false, security: true, marketing: false },
      method: "reject-all", revision: 1, decidedAt: new Date(now - 60000).toISOString(),
      expiresAt: new Date(now + 100 * 86400000).toISOString(), id: "MineMineMineMineMine00",
    }));
    const at = now + 23 * 3600000;
    document.cookie = `kloudconsent=1|2|${at}|${at + 100 * 86400000}|a|EvilEvilEvilEvilEvil00|necessary.analytics.functionality.security.marketing|; Path=/`;
  });
  const state = await js(() => window.kloudconsent.get());
  assert.equal(state.method, "reject-all");
  assert.equal(state.id, "MineMineMineMineMine00");
  assert.deepEqual(await gatedRuns(), []);
  // The cookie this page writes holds the visitor's decision again.
  const cookies = await driver.manage().getCookies();
  const ours = cookies.filter((c) => c.name.endsWith("kloudconsent") && c.value.includes("MineMine"));
  assert.equal(ours.length, 1, JSON.stringify(cookies));
});

test("10: data-poster and <source data-src/data-srcset> load only when allowed; srcdoc waits too", async () => {
  await fresh("/fixtures/security/media.html");
  const state = () => js(() => [
    document.getElementById("poster").getAttribute("poster"),
    document.querySelector("#sources source").getAttribute("src"),
    document.querySelector("#picture source").getAttribute("srcset"),
    document.getElementById("srcdoc").getAttribute("srcdoc"),
  ]);
  assert.deepEqual(await state(), [null, null, null, null]);
  assert.equal(await js(() => document.getElementById("srcdoc").contentDocument.getElementById("inline")), null);
  await js(() => window.kloudconsent.acceptAll());
  await until(() => js(() => !!document.getElementById("srcdoc").contentDocument?.getElementById("inline")), "srcdoc back");
  assert.deepEqual(await state(), [
    "/fixtures/marketing/pixel.svg?poster", "/fixtures/marketing/clip.webm?source",
    "/fixtures/marketing/pixel.svg?picture", "<p id='inline'>inline content</p>",
  ]);
});

test("11: a queued external gated script removed before its turn is skipped; the rest run", async () => {
  await fresh("/fixtures/security/queue-removed.html");
  await js(() => {
    window.kloudconsent.set({ analytics: true });
    document.getElementById("b").remove();
  });
  await until(async () => (await gatedRuns()).includes("c"), "c ran");
  assert.deepEqual(await gatedRuns(), ["a", "c"]);
});

test("13: a receipt's url is the page's origin only", async () => {
  server.receipts.length = 0;
  await fresh("/fixtures/marketing/receipts.html?email=jane%40example.com");
  await js(() => window.kloudconsent.rejectAll());
  await until(() => server.receipts.length === 1, "receipt");
  assert.equal(JSON.parse(server.receipts[0].body).url, server.url);
});
