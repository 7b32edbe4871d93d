// Shared set-up for Firefox ESR tests through WebDriver (selenium-webdriver +
// geckodriver): a headless Firefox kept off the (closed) network, and a
// helper to run a function in the page.
import { homedir } from "node:os";
import { Builder } from "selenium-webdriver";
import firefox from "selenium-webdriver/firefox.js";

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
  const service = new firefox.ServiceBuilder(process.env.GECKODRIVER || `${homedir()}/.cargo/bin/geckodriver`);
  return new Builder().forBrowser("firefox").setFirefoxOptions(options).setFirefoxService(service).build();
}

/** Runs `fn(...args)` in the page and returns its result. */
export const js = (d, fn, ...args) => d.executeScript(`return (${fn}).apply(null, arguments)`, ...args);
