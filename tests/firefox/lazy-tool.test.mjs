// The preference tool fetched on demand, in Firefox ESR: the three cases
// issue 12 asks of every engine the suite runs, through WebDriver. A
// returning visit never fetches the tool; a click while it loads is
// acknowledged, and a second click neither decides nor fetches twice; a tool
// that cannot load says so in the banner, logs one console.error naming the
// URL, keeps Accept/Reject working and loads on the next try; a double
// click on Manage preferences opens the tool and decides nothing. WebDriver has
// no request interception: the server's `routes` hold back or fail the file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { By } from "selenium-webdriver";
import { consentCookie } from "../e2e/helpers.mjs";
import { launch, js, button as buttonIn } from "./firefox.mjs";

const PAGE = "/fixtures/recorded.html";
const TOOL_SCRIPT = "/kloudconsent-tool.js";

let env;
let server;
let driver;
before(async () => { ({ server, driver } = env = await launch()); });
after(async () => { await env?.close(); });

const toolRequests = () => server.requests.filter((p) => /kloudconsent-tool(\.js|_bg\.wasm)$/.test(p));
const widgetConsole = () => js(driver, () => window.__console.filter((l) => l.includes("kloudconsent")));
const get = () => js(driver, () => window.kloudconsent.get());
const gatedRunsNow = () => js(driver, () => window.__gatedRuns || []);
const errors = () => js(driver, () => window.__errors);

/** A clean origin (no cookies, no localStorage), then `cookie` if given. */
async function clean(cookie) {
  await driver.get(server.url + "/fixtures/plain.html");
  await driver.manage().deleteAllCookies();
  await js(driver, () => localStorage.clear());
  if (cookie) await driver.manage().addCookie({ name: "kloudconsent", value: cookie, path: "/" });
}

async function open() {
  await driver.get(server.url + PAGE);
  await driver.wait(() => js(driver, () => window.__events.some((e) => e.name === "ready")), 15000, "ready");
}

/** The banner's or dialog's button named `name`, waited for. */
const button = (scopeCss, name) => buttonIn(driver, scopeCss, name);

const toolShown = () => driver.wait(() => js(driver, () =>
  !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector("[role=dialog] [role=switch]")), 15000, "the tool");
const toolGone = () => driver.wait(() => js(driver, () =>
  !document.querySelector("kloud-consent")?.shadowRoot?.querySelector("[role=dialog]")), 10000, "the dialog to close");

test("Firefox: a returning visit never fetches the tool, nor builds any UI, even when idle", async () => {
  await clean(consentCookie());
  server.requests.length = 0;
  await open();
  await driver.sleep(2500); // past the idle prefetch a first visit would make
  assert.deepEqual(toolRequests(), []);
  assert.equal((await driver.findElements(By.css("kloud-consent"))).length, 0, "no UI is built");
  assert.deepEqual(await gatedRunsNow(), ["analytics"]);
  assert.deepEqual(await errors(), []);
});

test("Firefox: a click while the tool loads is acknowledged; a second click and Accept all fetch nothing more, and the late tool never shows", async () => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  server.routes.set(TOOL_SCRIPT, async (req, res, url, next) => { await held; return next(); });
  try {
    await clean();
    server.requests.length = 0;
    await open();
    const manage = await button(".kc-banner", "Manage preferences");
    await manage.click();
    assert.equal(await manage.getAttribute("aria-busy"), "true", "the button says it is busy");
    await manage.click();
    await (await button(".kc-banner", "Accept all")).click();
    await driver.wait(async () => (await get()) !== null, 5000, "the decision");
    release();
    await driver.sleep(1500);
    assert.equal(await js(driver, () => !!document.querySelector("kloud-consent")?.shadowRoot?.querySelector("[role=dialog]")),
      false, "the tool does not pop up after the decision");
    assert.equal((await get()).method, "accept-all");
    await driver.wait(async () => (await gatedRunsNow()).length === 2, 5000, "both gated scripts");
    assert.equal(toolRequests().filter((p) => p.endsWith(".js")).length, 1, "one fetch for two clicks");
    assert.deepEqual(await errors(), []);
  } finally {
    release();
    server.routes.delete(TOOL_SCRIPT);
  }
});

test("Firefox: the tool failing to load says so, logs one console.error naming the URL, and loads on the next try", async () => {
  server.routes.set(TOOL_SCRIPT, async (req, res) => {
    res.writeHead(404, { "content-type": "text/plain", "cache-control": "no-store" });
    res.end("not found");
  });
  try {
    await clean();
    await open();
    await (await button(".kc-banner", "Manage preferences")).click();
    // ("Loading your cookie preferences…" comes first.)
    let status = "";
    await driver.wait(async () => {
      status = await js(driver, () =>
        document.querySelector("kloud-consent").shadowRoot.querySelector("[role=status]")?.textContent || "");
      return /could not be loaded/.test(status);
    }, 15000, "the failure message");
    const logged = (await widgetConsole()).filter((l) => l.startsWith("error:"));
    assert.equal(logged.length, 1, logged.join("\n"));
    assert.match(logged[0], /kloudconsent-tool\.js/);
    assert.equal(await (await button(".kc-banner", "Manage preferences")).getAttribute("aria-busy"), null, "no longer busy");
    server.routes.delete(TOOL_SCRIPT);
    await (await button(".kc-banner", "Manage preferences")).click();
    await toolShown();
    await (await button("[role=dialog]", "Reject all")).click();
    await toolGone();
    assert.equal((await get()).method, "reject-all");
    assert.deepEqual(await gatedRunsNow(), []);
    assert.deepEqual(await errors(), []);
  } finally {
    server.routes.delete(TOOL_SCRIPT);
  }
});

// Playwright's Firefox sends a double click as two single clicks, so the
// Chromium suite's double-click test is skipped there (preferences.test.mjs);
// WebDriver's Actions send a real one (the second click's detail is 2).
test("Firefox: a double click on Manage preferences opens the tool and decides nothing (its second click lands on the tool)", async () => {
  await driver.manage().window().setRect({ width: 800, height: 600 });
  try {
    await clean();
    await open();
    // Loaded once, as after the idle prefetch: the tool then opens at once,
    // and at 800×600 its Reject all lies where Manage preferences was.
    await (await button(".kc-banner", "Manage preferences")).click();
    await toolShown();
    await driver.actions().sendKeys("\uE00C").perform(); // Escape
    await toolGone();
    await driver.actions().doubleClick(await button(".kc-banner", "Manage preferences")).perform();
    await toolShown();
    await driver.sleep(300);
    assert.equal(await get(), null, "nothing decided");
    assert.deepEqual(await gatedRunsNow(), []);
    // A single click right after is the visitor's own.
    await (await button("[role=dialog]", "Accept all")).click();
    await toolGone();
    assert.equal((await get()).method, "accept-all");
    assert.deepEqual(await errors(), []);
  } finally {
    await driver.manage().window().setRect({ width: 1366, height: 768 });
  }
});
