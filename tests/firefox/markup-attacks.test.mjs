// Stop 38's markup attacks in Firefox ESR; the Chromium suite is
// tests/e2e/markup-attacks.test.mjs: a placeholder laid invisibly over the
// banner's Reject all, pressed with a real pointer, and gated tags written
// with innerHTML on DOMContentLoaded under a nonce CSP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { NONCE, NONCE_CSP } from "../e2e/server.mjs";
import { launch } from "./firefox.mjs";

let env;
let server;
let driver;
before(async () => { ({ server, driver } = env = await launch()); });
after(async () => { await env?.close(); });

const js = (fn, ...args) => driver.executeScript(`return (${fn}).apply(null, arguments)`, ...args);
const until = (predicate, what, ms = 10000) => driver.wait(predicate, ms, what);
let served = 0;

/** Serves `body` in a page (record.js first, the deferred tag with `attrs`) and opens it on a clean origin. */
async function open(body, { csp, attrs = "" } = {}) {
  const path = `/fixtures/firefox-attack-${++served}.html`;
  server.routes.set(path, (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...(csp ? { "content-security-policy": csp } : {}) });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>attack</title>
<script src="/fixtures/record.js" ${csp ? `nonce="${NONCE}"` : ""}></script>
<script src="/kloudconsent.js" ${attrs} defer></script></head><body><h1>Page</h1>${body}</body></html>`);
  });
  await driver.get(server.url + "/fixtures/plain.html");
  await driver.manage().deleteAllCookies();
  await js(() => localStorage.clear());
  await driver.get(server.url + path);
  await until(() => js(() => window.__events.some((e) => e.name === "ready")), "ready");
}
const warnings = (needle) => js((n) => window.__console.filter((l) => l.startsWith("warn: kloudconsent") && l.includes(n)), needle);

test("Firefox: an invisible placeholder over Reject all does not turn the visitor's click into Allow always", async () => {
  await open(`<style>kloud-consent { --kc-z: 2147483000; } /* a site's own lower z-index: nothing posted covers the default */</style>
<script type="text/plain" data-consent="marketing">window.__marketing = true;</script>
<div style="opacity:0;position:fixed;inset:0;z-index:2147483647;pointer-events:none">
<iframe id="trap" data-consent="analytics marketing" data-src="/fixtures/marketing/frame.html"
  style="position:fixed;left:0;top:0;width:400px;height:200px;border:0;pointer-events:auto"></iframe></div>`);
  await until(() => js(() => !!document.querySelector("kloud-consent-placeholder") &&
    !!document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-banner")), "the placeholder and the banner");
  await driver.sleep(1000); // the banner has finished coming in
  const at = await js(() => {
    const named = (root, text) => [...root.querySelectorAll("button")].find((b) => b.textContent.trim() === text);
    const reject = named(document.querySelector("kloud-consent").shadowRoot, "Reject all").getBoundingClientRect();
    const allow = named(document.querySelector("kloud-consent-placeholder").shadowRoot, "Allow always").getBoundingClientRect();
    const trap = document.getElementById("trap"), frame = trap.getBoundingClientRect();
    const x = reject.left + reject.width / 2, y = reject.top + reject.height / 2;
    trap.style.left = x - (allow.left - frame.left) - allow.width / 2 + "px";
    trap.style.top = y - (allow.top - frame.top) - allow.height / 2 + "px";
    dispatchEvent(new Event("resize"));
    return { x: Math.round(x), y: Math.round(y) };
  });
  await until(() => js((p) => document.elementFromPoint(p.x, p.y).localName === "kloud-consent-placeholder", at), "the trap in place");
  await driver.actions({ async: true }).move({ x: at.x, y: at.y }).click().perform();
  await until(async () => (await warnings("laid over the consent banner")).length === 1, "the press ignored, with a warning");
  await driver.sleep(300);
  assert.equal(await js(() => window.kloudconsent.get()), null, "nothing was decided");
  assert.equal(await js(() => window.__marketing), null);
  assert.deepEqual(await js(() => window.__errors), []);
});

test("Firefox: under a nonce CSP, gated tags written with innerHTML on DOMContentLoaded do not get the nonce", async () => {
  await open(`<div id="a"></div>
<script type="text/plain" data-consent="necessary" nonce="${NONCE}">window.__own = true;</script>
<script nonce="${NONCE}">
  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("a").innerHTML = '<script type="text/plain" data-consent="necessary">window.__pwned = true;<\\/script>';
  });
</script>`, { csp: NONCE_CSP, attrs: `nonce="${NONCE}"` });
  await until(() => js(() => window.__own === true), "the page's own gated tag");
  await driver.sleep(300);
  assert.equal(await js(() => window.__pwned), null, "the injected tag did not run");
  assert.equal((await warnings("lacks the page's nonce")).length, 1);
});
