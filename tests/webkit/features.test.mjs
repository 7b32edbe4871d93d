// Services, the cookie table and languages in WebKit (Safari's engine): the
// same flows as tests/e2e/services.test.mjs, languages.test.mjs and their
// Firefox ESR counterparts, through WebKitWebDriver.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, fresh, js, until, get, pageErrors, shadow, button, hostPage, By } from "./webkit.mjs";
import { TWO_TOOLS } from "../e2e/services-config.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

const GATED = ["analytics.appinsights", "analytics.ga"].map((gate) =>
  `<script type="text/plain" data-consent="${gate}">window.__runs = (window.__runs || []).concat(${JSON.stringify(gate)})</script>`).join("\n");
const runs = (d) => js(d, () => window.__runs || []);
const control = async (d, id) => (await shadow(d)).findElement(By.css(`[id="kc-switch-${id}"]`));

test("WebKit: a service's switch, the category's mixed control, the cookie table, and a save that runs only that service", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { config: TWO_TOOLS, body: GATED }));
  await (await button(d, ".kc-banner", "Manage preferences")).click();
  const root = await shadow(d);
  await d.wait(async () => (await root.findElements(By.css("[id='kc-switch-analytics.ga']"))).length === 1, 15000, "the tool");
  const category = await control(d, "analytics");
  assert.equal(await category.getAttribute("role"), null, "a checkbox, which can be mixed");
  await (await control(d, "analytics.appinsights")).click();
  assert.equal(await category.getAttribute("aria-checked"), "mixed");
  assert.equal(await js(d, (e) => e.indeterminate, category), true);
  // The cookie table opens under its disclosure, a real table.
  const summary = (await root.findElements(By.css("details.kc-cookies summary")))[0];
  await summary.click();
  const cells = await js(d, () => [...document.querySelector("kloud-consent").shadowRoot
    .querySelectorAll("details.kc-cookies[open] table th[scope=row], details.kc-cookies[open] table td")].map((c) => c.textContent.trim()));
  assert.ok(cells.includes("ai_user") && cells.includes("1 year"), cells.join(" | "));
  await (await button(d, "[role=dialog]", "Save preferences")).click();
  await until(d, () => (window.__runs || []).length >= 1, "the service's tag ran");
  assert.deepEqual(await runs(d), ["analytics.appinsights"]);
  const state = await get(d);
  assert.deepEqual(state.services, { "analytics.appinsights": true, "analytics.ga": false });
  assert.deepEqual(await js(d, () => ["analytics.ga", "analytics"].map((id) => window.kloudconsent.accepted(id))), [false, true]);
  assert.deepEqual(await pageErrors(d), []);
});

test("WebKit: language auto picks the page's German and Arabic (right to left) from the built-in translations", async () => {
  const d = env.driver;
  await fresh(env, "/fixtures/languages-de.html");
  await (await button(d, ".kc-banner", "Alle akzeptieren")).isDisplayed();
  await fresh(env, "/fixtures/languages-ar.html");
  const host = await d.findElement(By.css("kloud-consent"));
  assert.equal(await host.getAttribute("dir"), "rtl");
  assert.equal(await host.getAttribute("lang"), "ar");
  await (await button(d, ".kc-banner", "قبول الكل")).click();
  await until(d, () => window.kloudconsent.get() !== null, "the decision");
  assert.equal((await get(d)).method, "accept-all");
  assert.deepEqual(await pageErrors(d), []);
});

test("WebKit: a released tag's document.write puts its markup after the tag, and the page stays", async () => {
  const d = env.driver;
  await fresh(env, hostPage(env, { body: `<p id="article">The article</p>
<script type="text/plain" data-consent="marketing" id="old-tag">document.write('<img id="pixel" alt="">');</script>
<p id="after">After</p>` }));
  await (await button(d, ".kc-banner", "Accept all")).click();
  await until(d, () => !!document.getElementById("pixel"), "the written pixel");
  const ids = await js(d, () => [...document.body.querySelectorAll("[id]")].map((el) => el.id));
  assert.deepEqual(ids.slice(ids.indexOf("article")), ["article", "old-tag", "pixel", "after"], ids.join(" "));
  assert.deepEqual(await pageErrors(d), []);
});
