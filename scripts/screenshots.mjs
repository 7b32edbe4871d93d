// Screenshots of the widget for the docs (and for looking at it):
// node scripts/screenshots.mjs  → docs/screenshots/*.png (needs a built dist/).
// Extra shots as a JSON list of rows like the ones below:
// node scripts/screenshots.mjs '[["mine", 800, 600, "dark", "/fixtures/box.html", "manage"]]'
// Only the extra shots are taken when the second argument is "--only".
import { chromium } from "playwright-core";
import { startServer } from "../tests/e2e/server.mjs";
import { CHROMIUM_ARGS } from "../tests/e2e/helpers.mjs";

const OUT = new URL("../docs/screenshots/", import.meta.url).pathname;
// Actions: null (the banner), "manage" (the preference tool, opened from the
// banner), "focus" (the tool opened and Tab pressed to the first optional
// switch, to show the focus ring). Paths under /fixtures/ are tests/e2e/pages/.
// "phone" rows use Chromium's mobile emulation (touch, device scale 2) and
// open the tool with a tap, as tests/e2e/phone.test.mjs does.
const shots = [
  // name, width, height, colour scheme, page, action[, device scale factor[, "phone"]]
  ["banner-desktop", 1280, 800, "light", "/", null],
  ["preferences-desktop", 1280, 800, "light", "/", "manage"],
  ["banner-phone", 360, 740, "light", "/", null],
  ["preferences-phone", 360, 740, "light", "/", "manage"],
  ["banner-desktop-dark", 1280, 800, "dark", "/", null],
  ["preferences-desktop-dark", 1280, 800, "dark", "/", "manage"],
  ["banner-phone-dark", 360, 740, "dark", "/", null],
  ["preferences-phone-dark", 360, 740, "dark", "/", "manage"],
  ["focus-desktop", 1280, 800, "light", "/", "focus"],
  ["focus-desktop-dark", 1280, 800, "dark", "/", "focus"],
  ["box-desktop", 1280, 800, "light", "/fixtures/box.html", null],
  ["box-desktop-dark", 1280, 800, "dark", "/fixtures/box.html", null],
  ["box-phone", 360, 740, "light", "/fixtures/box.html", null],
  ["rtl-banner-desktop", 1280, 800, "light", "/fixtures/rtl.html", null],
  ["rtl-preferences-phone", 360, 740, "dark", "/fixtures/rtl.html", "manage"],
  ["themed-desktop", 1280, 800, "light", "/fixtures/themed.html", "manage"],
  ["zoom-200-banner", 640, 400, "light", "/", null, 2],
  ["zoom-200-preferences", 640, 400, "light", "/", "manage", 2],
  ["narrow-320-preferences", 320, 568, "light", "/", "manage"],
  ["phone-390-banner", 390, 844, "light", "/", null, 2, "phone"],
  ["phone-390-preferences", 390, 844, "light", "/", "manage", 2, "phone"],
  // A phone turned sideways: the buttons stand beside the text, the box becomes the bar.
  ["phone-844-landscape-banner", 844, 390, "light", "/", null, 2, "phone"],
  ["phone-844-landscape-box", 844, 390, "dark", "/fixtures/box.html", null, 2, "phone"],
  // A host page 492 px wide on a 390 px phone: the widget stays on the visible screen.
  ["phone-390-wide-page-banner", 390, 844, "light", "/fixtures/wide.html", null, 2, "phone"],
  ["phone-390-wide-page-preferences", 390, 844, "light", "/fixtures/wide.html", "manage", 2, "phone"],
  // Services inside a category (one on, one off: the category's mixed state)
  // and the cookie tables (docs/services-and-cookie-table.md).
  ["services-desktop", 1280, 900, "light", "/fixtures/services.html", "services"],
  ["services-desktop-dark", 1280, 900, "dark", "/fixtures/services.html", "services"],
  ["services-phone", 390, 844, "light", "/fixtures/services.html", "services", 2, "phone"],
  ["cookie-table-desktop", 1280, 900, "light", "/fixtures/services.html", "table"],
  ["cookie-table-phone", 390, 844, "dark", "/fixtures/services.html", "table", 2, "phone"],
  // The same in Arabic, right to left.
  ["services-rtl-phone", 390, 844, "light", "/fixtures/services-rtl.html", "services", 2, "phone"],
  ["cookie-table-rtl-desktop", 1280, 900, "dark", "/fixtures/services-rtl.html", "table"],
  // Languages: the built-in German at 360 px, Arabic right to left.
  ["language-de-phone", 360, 740, "light", "/fixtures/languages-de.html", null],
  ["language-ar-preferences-desktop", 1280, 800, "light", "/fixtures/languages-ar.html", "manage"],
];
const extra = process.argv[2] ? JSON.parse(process.argv[2]) : [];
const todo = process.argv[3] === "--only" ? extra : [...shots, ...extra];

const server = await startServer();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
for (const [name, width, height, colorScheme, path, action, deviceScaleFactor = 1, profile] of todo) {
  const phone = profile === "phone";
  const context = await browser.newContext({
    viewport: { width, height }, deviceScaleFactor, colorScheme, reducedMotion: "reduce",
    isMobile: phone, hasTouch: phone,
  });
  const page = await context.newPage();
  await page.goto(server.url + path);
  // Language-neutral: the banner's secondary button is Manage preferences.
  await page.locator(".kc-banner .kc-secondary").waitFor();
  if (action) {
    const manage = page.locator(".kc-banner .kc-secondary");
    await (phone ? manage.tap() : manage.click());
    // The tool itself, not the loading dialog that stands in while it loads.
    await page.locator("[role=dialog] [role=switch], [role=dialog] input[type=checkbox]").first().waitFor();
  }
  if (action === "services") {
    // One of analytics' two services on: the category shows "Partly on".
    const first = page.getByRole("switch", { name: "Microsoft Azure Application Insights" });
    await (phone ? first.tap() : first.click());
    await first.scrollIntoViewIfNeeded();
  }
  if (action === "table") {
    const summary = page.locator("[role=dialog] details.kc-cookies summary").first();
    await (phone ? summary.tap() : summary.click());
    await summary.scrollIntoViewIfNeeded();
  }
  if (action === "focus") {
    for (let i = 0; i < 5; i++) await page.keyboard.press("Tab");
  }
  await page.screenshot({ path: `${OUT}${name}.png` });
  await context.close();
  console.log(`docs/screenshots/${name}.png`);
}
await browser.close();
await server.close();
