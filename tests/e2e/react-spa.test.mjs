// The React single-page app of examples/react-spa/, built with esbuild
// (offline, from node_modules) against dist/, served over HTTP and driven in
// Chromium: client-side routes add and remove gated scripts, a gated iframe
// and preference-tool links; the widget gates what comes late, releases it
// on a decision, never runs a gated script twice across navigations, and
// opens from every route. docs/frameworks.md is written from this app.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, openPage, waitReady, button } from "./helpers.mjs";
import { ROOT } from "./docs-snippets-extract.mjs";

const APP = join(ROOT, "examples", "react-spa");
const ROUTES = ["Home", "Stats", "Video", "Privacy"];
let tmp;
let env;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kc-react-spa-"));
  execFileSync(process.execPath, [join(APP, "build.mjs"), "--out", join(tmp, "build"), "--widget", join(ROOT, "dist")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  env = await launch({ root: join(tmp, "build") });
});
after(async () => {
  await env?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The app at `/` in a fresh context (`options`: newContext's), the widget ready; records vendor requests. */
async function openApp(options = {}) {
  const { page } = await openPage(env, options);
  page.vendorRequests = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/vendor/")) page.vendorRequests.push(path);
  });
  await page.goto(`${env.server.url}/`);
  await waitReady(page);
  // Marks this document: a full page load would lose it.
  await page.evaluate(() => { window.__sameDocument = true; });
  return page;
}

/** Follows a nav link (client-side: the same document, no reload). */
async function go(page, name) {
  await page.getByRole("navigation").getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: name === "Home" ? "Example App" : name === "Video" ? "Product tour" : name }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, `${name}: client-side navigation`);
}

const runs = (page) => page.evaluate(() => window.exampleVendorRuns || []);
const gatedTags = (page) => page.evaluate(() => [...document.querySelectorAll("script[data-consent]")]
  .map((s) => ({ id: s.id, waiting: s.type === "text/plain" })));
const videoSrc = (page) => page.locator("iframe[title='Product tour video']").getAttribute("src");
const problems = (page) => [...page.errors, ...page.logs.filter((l) => /^(error|warning):/.test(l))];

test("the example builds from the repo's node_modules, and its versions are the repo's pins", () => {
  const example = JSON.parse(readFileSync(join(APP, "package.json"), "utf8"));
  const repo = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).devDependencies;
  for (const [name, version] of Object.entries({ ...example.dependencies, ...example.devDependencies })) {
    if (name === "kloudconsent") continue;
    assert.equal(version, repo[name], `${name} in examples/react-spa/package.json and the repo's package.json`);
  }
  const bundle = readFileSync(join(tmp, "build", "app.js"), "utf8");
  assert.ok(bundle.length > 50_000 && !/process\.env\.NODE_ENV/.test(bundle), "a production bundle of React");
});

test("an app that starts before the widget's script ran (its bundle async, as Next.js loads one) still hears the decision", async () => {
  const { context, page } = await openPage(env);
  const html = readFileSync(join(tmp, "build", "index.html"), "utf8")
    .replace('<script src="/app.js" defer></script>', "")
    .replace("<script src=\"/kloudconsent/kloudconsent.js\"", '<script src="/app.js" async></script>\n  $&');
  assert.match(html, /app\.js" async><\/script>\s*<script src="\/kloudconsent\/kloudconsent\.js"/);
  await page.route(`${env.server.url}/`, (route) => route.fulfill({ contentType: "text/html", body: html }));
  await page.route("**/kloudconsent/kloudconsent.js", async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue();
  });
  await page.goto(`${env.server.url}/`, { waitUntil: "commit" });
  await page.locator("#consent-status", { hasText: "loading" }).waitFor();
  assert.equal(await page.evaluate(() => typeof window.kloudconsent), "undefined", "the app is up before the widget's script ran");
  await page.locator("#consent-status", { hasText: "undecided" }).waitFor({ timeout: 10000 });
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await page.locator("#consent-status", { hasText: "analytics off" }).waitFor();
  assert.deepEqual(problems(page), []);
  await context.close();
});

test("undecided: late scripts and the video wait; Accept all releases what is on the page; each runs once across navigations", async () => {
  const page = await openApp();
  assert.equal(await page.locator("#consent-status").textContent(), "undecided");
  await go(page, "Stats");
  assert.deepEqual(await gatedTags(page), [{ id: "vendor-analytics", waiting: true }, { id: "campaign-snippet", waiting: true }],
    "the route's gated scripts are on the page, waiting");
  await go(page, "Video");
  assert.deepEqual(await gatedTags(page), [], "leaving the route took its waiting scripts away");
  assert.equal(await videoSrc(page), null, "the video waits");
  // The placeholder comes with the embeds script, fetched when the route adds the video.
  await page.locator("kloud-consent-placeholder").first().waitFor({ state: "attached" });
  assert.equal(await page.locator("kloud-consent-placeholder").count(), 1, "behind a placeholder");
  assert.deepEqual(await runs(page), []);
  assert.deepEqual(page.vendorRequests, [], "nothing gated was requested");

  await button(page.getByRole("region", { name: "Cookies in Example App" }), "Accept all").click();
  await page.waitForFunction(() => document.querySelector("iframe[title='Product tour video']")?.getAttribute("src"));
  assert.equal(await videoSrc(page), "/vendor/video.html");
  assert.equal(await page.locator("kloud-consent-placeholder").count(), 0);
  assert.deepEqual(await runs(page), [], "scripts of a route that is not shown do not run");

  await go(page, "Stats");
  await page.waitForFunction(() => (window.exampleVendorRuns || []).length === 2);
  assert.deepEqual((await runs(page)).sort(), ["analytics", "campaign"], "released as soon as the route adds them");
  for (const name of ["Home", "Stats", "Video", "Stats", "Privacy", "Stats"]) await go(page, name);
  assert.deepEqual((await runs(page)).sort(), ["analytics", "campaign"], "never twice");
  assert.equal(page.vendorRequests.filter((p) => p === "/vendor/analytics.js").length, 1, "analytics.js fetched once");
  await go(page, "Home");
  assert.equal(await page.locator("#consent-status").textContent(), "necessary on, analytics on, marketing on");
  assert.deepEqual(problems(page), []);
  await page.context().close();
});

test("decided while on the route: the waiting scripts run at once, and once", async () => {
  const page = await openApp();
  await go(page, "Stats");
  await page.getByRole("button", { name: "Cookie settings" }).click();
  const tool = page.getByRole("dialog");
  await tool.getByRole("switch", { name: "Analytics" }).click();
  await button(tool, "Save preferences").click();
  await tool.waitFor({ state: "detached" });
  await page.waitForFunction(() => (window.exampleVendorRuns || []).includes("analytics"));
  assert.deepEqual(await gatedTags(page), [{ id: "vendor-analytics", waiting: false }, { id: "campaign-snippet", waiting: true }],
    "analytics ran; marketing still waits");
  for (const name of ["Home", "Stats", "Video", "Stats"]) await go(page, name);
  assert.deepEqual(await runs(page), ["analytics"]);
  // Granting marketing later, elsewhere: the snippet runs when its route comes back.
  await go(page, "Video");
  await button(page.locator("kloud-consent-placeholder"), "Allow always").click();
  await page.waitForFunction(() => document.querySelector("iframe[title='Product tour video']")?.getAttribute("src"));
  await go(page, "Stats");
  await page.waitForFunction(() => (window.exampleVendorRuns || []).length === 2);
  await go(page, "Home");
  await go(page, "Stats");
  assert.deepEqual(await runs(page), ["analytics", "campaign"]);
  assert.deepEqual(problems(page), []);
  await page.context().close();
});

test("the preference tool opens from every route (the footer button, and the privacy page's link); Reject all runs nothing", async () => {
  const page = await openApp();
  await button(page.getByRole("region", { name: "Cookies in Example App" }), "Reject all").click();
  for (const name of ROUTES) {
    await go(page, name);
    await page.getByRole("button", { name: "Cookie settings" }).click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
  }
  await page.getByRole("link", { name: "Manage Cookie Preferences" }).click();
  await page.getByRole("dialog").waitFor();
  assert.match(page.url(), /\/privacy$/, "the link's href=# did not navigate");
  await page.keyboard.press("Escape");
  await go(page, "Stats");
  await go(page, "Video");
  assert.deepEqual(await runs(page), []);
  assert.equal(await videoSrc(page), null);
  assert.deepEqual(page.vendorRequests, []);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "reject-all");
  assert.deepEqual(problems(page), []);
  await page.context().close();
});

test("a returning visitor: what the decision allows runs as each route adds it, once", async () => {
  const first = await openApp();
  await first.evaluate(() => window.kloudconsent.acceptAll());
  const state = await first.context().storageState();
  await first.context().close();

  const page = await openApp({ storageState: state });
  assert.equal(await page.getByRole("region", { name: "Cookies in Example App" }).count(), 0, "no banner");
  await go(page, "Video");
  await page.waitForFunction(() => document.querySelector("iframe[title='Product tour video']")?.getAttribute("src"));
  await go(page, "Stats");
  await page.waitForFunction(() => (window.exampleVendorRuns || []).length === 2);
  for (const name of ["Home", "Stats", "Privacy", "Stats"]) await go(page, name);
  assert.deepEqual((await runs(page)).sort(), ["analytics", "campaign"]);
  assert.deepEqual(problems(page), []);
  await page.context().close();
});

test("docs/frameworks.md shows the example's own code and config", () => {
  const docs = readFileSync(join(ROOT, "docs", "frameworks.md"), "utf8");
  const squash = (text) => text.replace(/\s+/g, " ").trim();
  const sources = squash(readdirSync(join(APP, "src")).map((f) => readFileSync(join(APP, "src", f), "utf8")).join("\n"));
  const blocks = [...docs.matchAll(/```jsx\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 4, "the recipe's code blocks");
  for (const block of blocks) assert.ok(sources.includes(squash(block)), `not in examples/react-spa/src/:\n${block}`);
  const config = /<!-- snippet: config \{"serveAs": "\/consent.json"\} -->\n```json\n([\s\S]*?)```/.exec(docs);
  assert.ok(config, "the recipe's config file");
  assert.deepEqual(JSON.parse(config[1]), JSON.parse(readFileSync(join(APP, "public", "consent.json"), "utf8")));
  assert.ok(squash(readFileSync(join(APP, "index.html"), "utf8")).includes(
    squash('<script src="/kloudconsent/kloudconsent.js" data-config="/consent.json" defer></script> <script src="/app.js" defer></script>')),
  "the shell's tags are the recipe's");
});
