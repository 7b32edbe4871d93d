// Languages and the reopen button in Firefox ESR (docs/languages.md): a
// German page with `language: "auto"` gets the built-in German (fetched,
// integrity-checked), the reopen button appears after a decision and opens
// the tool; an Arabic page is drawn right to left.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { By } from "selenium-webdriver";
import { launch, js } from "./firefox.mjs";

const dist = new URL("../../dist/i18n/", import.meta.url);
const file = (lang) => JSON.parse(readFileSync(new URL(lang + ".json", dist), "utf8"));

let env;
let server;
let driver;
before(async () => { ({ server, driver } = env = await launch()); });
after(async () => { await env?.close(); });

async function fresh(path) {
  await driver.get(server.url + "/fixtures/plain.html");
  await driver.manage().deleteAllCookies();
  await js(driver, () => localStorage.clear());
  await driver.get(server.url + path);
  await driver.wait(() => js(driver, () => window.__events.some((e) => e.name === "ready")), 15000, "ready");
}

async function shadow() {
  return (await driver.findElement(By.css("kloud-consent"))).getShadowRoot();
}

/** Texts of the banner's title and buttons, and the frame's lang and dir. */
const banner = () => js(driver, () => {
  const root = document.querySelector("kloud-consent").shadowRoot;
  const frame = root.querySelector(".kc-frame");
  return {
    title: root.querySelector(".kc-banner .kc-title").textContent,
    buttons: [...root.querySelectorAll(".kc-banner button")].map((b) => b.textContent),
    lang: frame.getAttribute("lang"),
    dir: getComputedStyle(root.querySelector(".kc-banner")).direction,
  };
});

test("German page, language auto: built-in German; the reopen button after a decision opens the tool", async () => {
  const de = file("de");
  await fresh("/fixtures/languages-de.html");
  await driver.wait(async () => (await driver.findElements(By.css("kloud-consent"))).length === 1, 5000, "widget");
  assert.deepEqual(await banner(), {
    title: de.bannerTitle, buttons: [de.acceptAll, de.rejectAll, de.manage], lang: "de", dir: "ltr",
  });
  const root = await shadow();
  assert.equal(await js(driver, () => !!document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-reopen:not([hidden])")), false,
    "no reopen button while the banner asks");
  await (await root.findElement(By.css(".kc-banner button"))).click();
  await driver.wait(async () => (await root.findElements(By.css(".kc-reopen:not([hidden])"))).length === 1, 5000, "reopen button");
  const reopen = await root.findElement(By.css(".kc-reopen"));
  assert.equal(await reopen.getAttribute("aria-label"), de.reopenLabel);
  await reopen.click();
  await driver.wait(async () => (await root.findElements(By.css("[role=dialog] [role=switch]"))).length > 0, 8000, "tool");
  assert.equal(await js(driver, () => document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-reopen").hidden), true,
    "hidden while the tool is open");
  assert.deepEqual(await js(driver, () => window.__errors), []);
});

test("Arabic page, language auto: built-in Arabic, right to left", async () => {
  const ar = file("ar");
  await fresh("/fixtures/languages-ar.html");
  await driver.wait(async () => (await driver.findElements(By.css("kloud-consent"))).length === 1, 5000, "widget");
  const shown = await banner();
  assert.equal(shown.title, ar.bannerTitle);
  assert.equal(shown.lang, "ar");
  assert.equal(shown.dir, "rtl");
  assert.deepEqual(await js(driver, () => window.__errors), []);
});
