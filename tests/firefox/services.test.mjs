// Services inside categories in Firefox ESR (tests/e2e/services.test.mjs is
// the Chromium side): the tool's service switches, the category's mixed
// control, gating by service and the API, through a data-config that lists
// KloudStack's analytics tools as services.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { By } from "selenium-webdriver";
import { TWO_TOOLS } from "../e2e/services-config.mjs";
import { launch, js } from "./firefox.mjs";

const CONFIG = JSON.stringify(TWO_TOOLS);
const PAGE = `/fixtures/config.html?config=${encodeURIComponent(`/__config?body=${encodeURIComponent(CONFIG)}`)}`;

let env;
let server;
let driver;
before(async () => { ({ server, driver } = env = await launch()); });
after(async () => { await env?.close(); });

const shadow = async () => (await driver.findElement(By.css("kloud-consent"))).getShadowRoot();
const control = async (id) => (await shadow()).findElement(By.css(`[id="kc-switch-${id}"]`));
const runs = () => js(driver, () => window.__runs || []);

/** A clean origin, the page, the widget up, and one gated tag per service. */
async function fresh() {
  await driver.get(server.url + "/fixtures/plain.html");
  await driver.manage().deleteAllCookies();
  await js(driver, () => localStorage.clear());
  await driver.get(server.url + PAGE);
  await driver.wait(() => js(driver, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector(".kc-banner")), 15000, "banner");
  await js(driver, () => {
    for (const gate of ["analytics.appinsights", "analytics.ga"]) {
      const s = document.createElement("script");
      s.type = "text/plain";
      s.dataset.consent = gate;
      s.textContent = `window.__runs = (window.__runs || []).concat(${JSON.stringify(gate)})`;
      document.body.appendChild(s);
    }
  });
}

async function click(scopeCss, name) {
  for (const b of await (await shadow()).findElements(By.css(`${scopeCss} button`))) {
    if ((await b.getText()).trim() === name) return b.click();
  }
  throw new Error(`no button ${name} in ${scopeCss}`);
}

test("Firefox: a service's switch, the category's mixed control, and a save that runs only that service", async () => {
  await fresh();
  await click(".kc-banner", "Manage preferences");
  await driver.wait(async () => (await (await shadow()).findElements(By.css("[id='kc-switch-analytics.ga']"))).length === 1, 10000, "the tool");
  const category = await control("analytics");
  assert.equal(await category.getAttribute("role"), null, "a checkbox, which can be mixed");
  assert.equal(await (await control("analytics.ga")).getAttribute("role"), "switch");
  await (await control("analytics.appinsights")).click();
  assert.equal(await category.getAttribute("aria-checked"), "mixed");
  assert.equal(await js(driver, (e) => e.indeterminate, category), true);
  // The category's control sets all of its services, then none.
  await category.click();
  assert.equal(await (await control("analytics.ga")).isSelected(), true);
  await category.click();
  assert.equal(await (await control("analytics.ga")).isSelected(), false);
  assert.equal(await (await control("analytics.appinsights")).isSelected(), false);
  await (await control("analytics.appinsights")).click();
  await click("[role=dialog]", "Save preferences");
  await driver.wait(async () => (await runs()).length >= 1, 5000, "the service's tag ran");
  await driver.sleep(200);
  assert.deepEqual(await runs(), ["analytics.appinsights"]);
  const state = await js(driver, () => window.kloudconsent.get());
  assert.deepEqual(state.services, { "analytics.appinsights": true, "analytics.ga": false });
  assert.equal(state.categories.analytics, true);
  assert.deepEqual(await js(driver, () => ["analytics.ga", "analytics"].map((id) => window.kloudconsent.accepted(id))), [false, true]);
  await js(driver, () => window.kloudconsent.set({ "analytics.ga": true }));
  await driver.wait(async () => (await runs()).includes("analytics.ga"), 5000, "set() granted the service");
});
