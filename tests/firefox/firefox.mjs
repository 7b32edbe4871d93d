// Shared set-up for Firefox ESR tests through WebDriver (selenium-webdriver +
// geckodriver): a headless Firefox kept off the (closed) network, the test
// server with it for a test file, and helpers to run a function in the page
// and find the widget's buttons.
import { homedir } from "node:os";
import { join } from "node:path";
import { Builder, By } from "selenium-webdriver";
import firefox from "selenium-webdriver/firefox.js";
import { startServer } from "../e2e/server.mjs";

const PREFS = {
  "app.update.disabledForTesting": true,
  "browser.safebrowsing.update.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "toolkit.telemetry.enabled": false,
};

/** A headless Firefox ESR; `prefs` are added to the defaults above. */
export function startFirefox(prefs = {}) {
  const options = new firefox.Options()
    .addArguments("-headless")
    .setBinary(process.env.FIREFOX || "/usr/bin/firefox-esr");
  for (const [k, v] of Object.entries({ ...PREFS, ...prefs })) options.setPreference(k, v);
  const service = new firefox.ServiceBuilder(process.env.GECKODRIVER
    // Where setup.sh's `cargo install` put it (a fresh-machine rehearsal has its own cargo home).
    || join(process.env.CARGO_HOME || join(homedir(), ".cargo"), "bin", "geckodriver"));
  return new Builder().forBrowser("firefox").setFirefoxOptions(options).setFirefoxService(service).build();
}

/**
 * The test server and a Firefox for one test file: call from `before`, and
 * `close()` from `after` (as tests/webkit/webkit.mjs's `launch`). A Firefox
 * that cannot start takes the server down with it.
 */
export async function launch(prefs) {
  const server = await startServer();
  try {
    const driver = await startFirefox(prefs);
    return {
      server,
      driver,
      async close() {
        await driver.quit().catch(() => {});
        await server.close();
      },
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/** Runs `fn(...args)` in the page and returns its result. */
export const js = (d, fn, ...args) => d.executeScript(`return (${fn}).apply(null, arguments)`, ...args);

/**
 * The button with exactly this text inside `scope` (the banner or dialog),
 * waiting for it: the preference tool is fetched on first need, and until
 * it is drawn the core's loading dialog (same role, no such button) stands
 * in for it; a button re-rendered meanwhile is looked up again.
 */
export async function button(d, scopeCss, name) {
  let found = null;
  await d.wait(async () => {
    const root = await (await d.findElement(By.css("kloud-consent"))).getShadowRoot();
    for (const b of await root.findElements(By.css(`${scopeCss} button`))) {
      try {
        if ((await b.getText()).trim() === name || (await b.getAttribute("aria-label")) === name) {
          found = b;
          return true;
        }
      } catch {
        // Stale: the dialog was redrawn; the next round finds the new one.
      }
    }
    return false;
  }, 15000, `button ${name} in ${scopeCss}`);
  return found;
}
