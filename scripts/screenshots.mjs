// Screenshots of the widget for the README (and for looking at it):
// node scripts/screenshots.mjs  → docs/screenshots/*.png (needs a built dist/).
import { chromium } from "playwright-core";
import { startServer } from "../tests/e2e/server.mjs";
import { CHROMIUM_ARGS } from "../tests/e2e/helpers.mjs";

const OUT = new URL("../docs/screenshots/", import.meta.url).pathname;
const shots = [
  // name, width, height, colour scheme, page, action
  ["banner-desktop", 1280, 800, "light", "/", null],
  ["preferences-desktop", 1280, 800, "light", "/", "manage"],
  ["banner-phone", 360, 740, "light", "/", null],
  ["preferences-phone", 360, 740, "light", "/", "manage"],
  ["banner-desktop-dark", 1280, 800, "dark", "/", null],
  ["preferences-desktop-dark", 1280, 800, "dark", "/", "manage"],
  ["banner-phone-dark", 360, 740, "dark", "/", null],
  ["preferences-phone-dark", 360, 740, "dark", "/", "manage"],
];
if (process.argv[2]) shots.push(...JSON.parse(process.argv[2]));

const server = await startServer();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
for (const [name, width, height, colorScheme, path, action] of shots) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto(server.url + path);
  await page.getByRole("button", { name: "Accept all" }).first().waitFor();
  if (action === "manage") {
    await page.getByRole("button", { name: "Manage preferences" }).click();
    await page.getByRole("dialog").waitFor();
  }
  await page.screenshot({ path: `${OUT}${name}.png` });
  await context.close();
  console.log(`docs/screenshots/${name}.png`);
}
await browser.close();
await server.close();
