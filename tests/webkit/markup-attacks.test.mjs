// Stop 38's markup attacks in WebKit (Safari's engine); the Chromium suite is
// tests/e2e/markup-attacks.test.mjs. A placeholder laid invisibly over the
// banner's Reject all, pressed with a real pointer through WebKitWebDriver,
// and a gated srcdoc iframe added after start-up.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, fresh, js, until, get, pageErrors, hostPage } from "./webkit.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const warnings = (d, needle) => js(d, (n) => window.__console.filter((l) => l.startsWith("warn: kloudconsent") && l.includes(n)), needle);

test("WebKit: an invisible placeholder over Reject all does not turn the visitor's click into Allow always", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { body: `
<style>kloud-consent { --kc-z: 2147483000; } /* a site's own lower z-index: nothing posted covers the default */</style>
<script type="text/plain" data-consent="marketing">window.__marketing = true;</script>
<div style="opacity:0;position:fixed;inset:0;z-index:2147483647;pointer-events:none">
<iframe id="trap" data-consent="analytics marketing" data-src="/fixtures/marketing/frame.html"
  style="position:fixed;left:0;top:0;width:400px;height:200px;border:0;pointer-events:auto"></iframe></div>` }));
  await until(d, () => !!document.querySelector("kloud-consent-placeholder") &&
    !!document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-banner"), "the placeholder and the banner");
  // Lays the placeholder's Allow always over the centre of Reject all.
  await d.sleep(1000); // the banner has finished coming in
  const at = await js(d, () => {
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
  await until(d, (p) => document.elementFromPoint(p.x, p.y).localName === "kloud-consent-placeholder", "the trap in place", 5000, at);
  await d.actions({ async: true }).move({ x: at.x, y: at.y }).click().perform();
  await d.sleep(400);
  assert.equal(await get(d), null, "nothing was decided");
  assert.equal(await js(d, () => window.__marketing), null);
  assert.equal((await warnings(d, "laid over the consent banner")).length, 1);
  assert.deepEqual(await pageErrors(d), []);
});

test("WebKit: a gated srcdoc iframe added after start-up renders only once allowed", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { body: `<div id="slot"></div>` }));
  await js(d, () => {
    document.getElementById("slot").innerHTML =
      '<iframe data-consent="marketing" srcdoc="<script>parent.__srcdoc = 1<\/script>"></iframe>';
  });
  await until(d, () => !!document.querySelector("#slot kloud-consent-placeholder"), "its placeholder");
  await d.sleep(300);
  assert.equal(await js(d, () => window.__srcdoc), null, "the srcdoc's script did not run");
  await js(d, () => window.kloudconsent.acceptAll());
  await until(d, () => window.__srcdoc === 1, "the srcdoc once allowed");
  assert.deepEqual(await pageErrors(d), []);
});
