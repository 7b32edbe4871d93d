// The npm package as a site gets it: scripts/package.mjs packs dist/ (the
// release build) with package/, the tarball is installed with `npm install
// <tarball>` into an empty project (offline: no registry), the project is
// served over HTTP, and a page that loads node_modules/kloudconsent/dist/
// runs the first-visit flow and opens the preference tool (the lazily
// loaded module, from the installed package). The installed package's types
// compile, and it holds exactly what it should.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, openPage, waitReady, banner, button, dialog, toolShown } from "./helpers.mjs";
import { ROOT } from "./docs-snippets-extract.mjs";
import { VERSION } from "../../www/version.mjs";
import { buildPackage, packagedDistFiles, unreleasedEntries } from "../../scripts/package.mjs";
import { tsc } from "./types-helpers.mjs";

const DIST = join(ROOT, "dist");
const INSTALLED = "/node_modules/kloudconsent/dist/";
let tmp;
let project;
let pack;
let env;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "kc-package-"));
  pack = buildPackage({ dist: DIST, out: join(tmp, "out") });
  project = join(tmp, "site");
  cpSync(join(ROOT, "tests", "e2e", "pages", "package"), project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "a-site", private: true }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", pack.tarball], {
    cwd: project, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, npm_config_cache: join(tmp, "npm-cache") },
  });
  env = await launch({ root: project });
});
after(async () => {
  await env?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test("the tarball holds dist/ without the demo page, the types, the schema, the changelog, the licences, the third-party notices and a README", () => {
  const expected = [
    "CHANGELOG.md", "LICENSE-APACHE", "LICENSE-MIT", "README.md", "THIRD-PARTY-NOTICES.md", "kloudconsent.d.ts",
    "kloudconsent.schema.json", "package.json",
    ...packagedDistFiles(DIST).map((f) => `dist/${f}`),
  ].sort();
  assert.deepEqual(pack.files, expected);
  for (const file of ["kloudconsent.js", "kloudconsent_bg.wasm", "kloudconsent-tool.js", "kloudconsent-tool_bg.wasm"]) {
    for (const suffix of ["", ".br", ".gz"]) assert.ok(pack.files.includes(`dist/${file}${suffix}`), `dist/${file}${suffix}`);
  }
  assert.ok(!pack.files.some((f) => /^dist\/(index\.html|demo\/)/.test(f)), "no demo page");
  // Whatever else the build puts in dist/ ships too: only the demo is left out.
  assert.deepEqual(packagedDistFiles(DIST).filter((f) => /^(index\.html|demo\/)/.test(f)), []);
});

test("package.mjs --release refuses while the changelog lists unreleased changes; an empty Unreleased passes", () => {
  const changelog = (unreleased) => `# Changelog\n\n## [Unreleased]\n${unreleased}\n## [0.1.0] - 2026-12-01\n\n- First.\n`;
  assert.deepEqual(unreleasedEntries(changelog("\n")), []);
  assert.deepEqual(unreleasedEntries(changelog("\n### Fixed\n\n- One.\n- Two,\n  wrapped.\n")), ["- One.", "- Two,"]);
  assert.throws(() => execFileSync(process.execPath, [join(ROOT, "scripts", "package.mjs"), "--release", "--out", join(tmp, "refused")],
    { stdio: "pipe" }), /unreleased changes/);
});

test("THIRD-PARTY-NOTICES.md names every crate compiled into the wasm modules and is up to date", () => {
  // MIT asks for each crate's notice to travel with every copy: the file is
  // made from cargo metadata, so a new or updated dependency shows up here.
  const text = readFileSync(join(ROOT, "THIRD-PARTY-NOTICES.md"), "utf8");
  for (const crate of ["yew", "wasm-bindgen", "js-sys", "web-sys", "talc", "serde", "hashbrown"]) {
    assert.match(text, new RegExp(`^## ${crate} \\d`, "m"), crate);
  }
  assert.doesNotMatch(text, /^## (syn|quote|proc-macro2|yew-macro|wasm-bindgen-macro) /m, "no procedural macros: none of their code ships");
  execFileSync(process.execPath, [join(ROOT, "scripts", "third-party-notices.mjs"), "--check"], { stdio: "pipe" });
});

test("the installed package is kloudconsent at this version, with no dev tooling in it", () => {
  const dir = join(project, "node_modules", "kloudconsent");
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  assert.equal(pkg.name, "kloudconsent");
  assert.equal(pkg.version, VERSION);
  assert.equal(pkg.license, "MIT OR Apache-2.0");
  for (const key of ["private", "scripts", "dependencies", "devDependencies"]) assert.ok(!(key in pkg), `no ${key}`);
  for (const file of ["dist/kloudconsent.js", "LICENSE-MIT", "LICENSE-APACHE", "THIRD-PARTY-NOTICES.md", "CHANGELOG.md", "README.md"]) {
    assert.ok(existsSync(join(dir, file)), file);
  }
  // The paths the docs give resolve through the package's exports.
  const require = createRequire(join(project, "index.js"));
  assert.equal(require.resolve("kloudconsent/kloudconsent.schema.json"), join(dir, "kloudconsent.schema.json"));
  assert.equal(require.resolve("kloudconsent/dist/kloudconsent.js"), join(dir, "dist", "kloudconsent.js"));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "kloudconsent.schema.json"), "utf8")),
    JSON.parse(readFileSync(join(ROOT, "package", "kloudconsent.schema.json"), "utf8")));
  // docs/installation.md: the value for the tag's integrity attribute.
  const integrity = require("kloudconsent/dist/integrity.json");
  const sha384 = "sha384-" + createHash("sha384").update(readFileSync(join(dir, "dist", "kloudconsent.js"))).digest("base64");
  assert.equal(integrity["kloudconsent.js"], sha384, "integrity.json holds the installed kloudconsent.js's hash");
});

test("first visit from the installed package: banner, Accept all, the gated script runs, reload keeps it", async () => {
  const { context, page } = await openPage(env);
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(`${env.server.url}/index.html`);
  await waitReady(page);
  const b = banner(page);
  await b.waitFor();
  for (const name of ["Accept all", "Reject all", "Manage preferences"]) assert.equal(await button(b, name).count(), 1, name);
  assert.deepEqual(await page.evaluate(() => window.siteAnalyticsRuns || 0), 0, "nothing gated runs before a decision");
  assert.equal(await page.evaluate(() => window.kloudconsent.version), VERSION, "kloudconsent.version");
  await button(b, "Accept all").click();
  await b.waitFor({ state: "detached" });
  await page.waitForFunction(() => window.siteAnalyticsRuns === 1);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all");
  assert.ok(fetched.includes(`${INSTALLED}kloudconsent.js`) && fetched.includes(`${INSTALLED}kloudconsent_bg.wasm`),
    `the widget came from the installed package: ${fetched}`);

  await page.reload();
  await waitReady(page);
  await page.waitForFunction(() => window.siteAnalyticsRuns === 1);
  assert.equal(await banner(page).count(), 0, "no banner for a returning visitor");
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all");
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.logs.filter((l) => /^(error|warning):/.test(l)), []);
  await context.close();
});

test("the preference tool loads from the installed package and saves a choice", async () => {
  const { context, page } = await openPage(env);
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(`${env.server.url}/index.html`);
  await waitReady(page);
  await button(banner(page), "Manage preferences").click();
  const tool = dialog(page);
  await tool.waitFor();
  assert.ok(fetched.includes(`${INSTALLED}kloudconsent-tool.js`) && fetched.includes(`${INSTALLED}kloudconsent-tool_bg.wasm`),
    `the tool came from the installed package: ${fetched}`);
  await tool.getByRole("switch", { name: "Performance and analytics" }).click();
  await button(tool, "Save preferences").click();
  await tool.waitFor({ state: "detached" });
  await page.waitForFunction(() => window.siteAnalyticsRuns === 1);
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "custom");
  assert.equal(state.categories.analytics, true);
  assert.equal(state.categories.marketing, false);
  // The page's own opener works too.
  await page.click("#cookie-settings");
  await toolShown(page);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.logs.filter((l) => /^(error|warning):/.test(l)), []);
  await context.close();
});

test("the installed package's types resolve by name and compile (import type and /// reference)", () => {
  for (const file of ["usage.ts", "global.ts"]) cpSync(join(ROOT, "tests", "types", file), join(project, file));
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: "ES2020", module: "ESNext", moduleResolution: "bundler",
      lib: ["ES2020", "DOM"], types: [],
    },
    files: ["usage.ts", "global.ts"],
  }));
  const { status, output } = tsc(join(project, "tsconfig.json"));
  assert.equal(status, 0, output);
});
