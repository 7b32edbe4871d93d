import { chromium } from "playwright-core";
import { startServer } from "../tests/e2e/server.mjs";
const server = await startServer();
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless=new","--no-sandbox"] });
async function shot(path, opts, file) {
  const ctx = await b.newContext(opts);
  const p = await ctx.newPage();
  await p.goto(server.url + path);
  await p.waitForFunction(() => window.kloudconsent);
  await p.evaluate(() => window.kloudconsent.show());
  await p.getByRole("switch").first().waitFor();
  await p.evaluate(() => { const r = document.querySelector("kloud-consent").shadowRoot; const d = r.querySelector("details"); d.open = true; d.scrollIntoView(); });
  await p.waitForTimeout(300);
  const info = await p.evaluate(() => { const o = document.querySelector("kloud-consent").shadowRoot.querySelector(".kc-overlay"); return { sh: o.scrollHeight, ch: o.clientHeight, st: o.scrollTop }; });
  console.log(file, JSON.stringify(info));
  await p.screenshot({ path: "/tmp/" + file });
  await ctx.close();
}
await shot("/fixtures/basic.html", { viewport: { width: 1280, height: 720 } }, "t-desk.png");
await shot("/fixtures/languages-ar.html", { viewport: { width: 1280, height: 720 }, locale: "ar" }, "t-ar-desk.png");
await shot("/fixtures/languages-ar.html", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "ar" }, "t-ar-phone.png");
await b.close(); await server.close();
