// The widget and the receipt service together (issue #16): a visitor decides
// in Chromium on a page whose config sends receipts to a running
// kloudconsent-receipts (SQLite, in a temporary directory); the privacy team
// then finds the decision through the lookup API by the consent id the
// preference tool shows the visitor.
//
// The service binary is built here if needed (cargo build -p
// kloudconsent-receipts --tests); KLOUDCONSENT_RECEIPTS_BIN names another one.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { launch, openPage, waitReady, banner, dialog, button, toolShown } from "./helpers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOKEN = "e2e-token-" + "0123456789abcdef".repeat(2);

let env, service, dataDir;

/** Builds (if needed) and starts the service; resolves once it listens. */
async function startService(allowedOrigin) {
  let bin = process.env.KLOUDCONSENT_RECEIPTS_BIN;
  if (!bin) {
    // --tests: the features the test level's `cargo test` built it with
    // (dev-dependencies unify some), so its binary is reused; a plain build
    // recompiled 19 crates (about 30 s on a fresh machine).
    const built = spawnSync("cargo", ["build", "--quiet", "-p", "kloudconsent-receipts", "--tests"], { cwd: ROOT, stdio: "inherit" });
    assert.equal(built.status, 0, "cargo build -p kloudconsent-receipts --tests");
    bin = join(ROOT, "target", "debug", "kloudconsent-receipts");
  }
  dataDir = mkdtempSync(join(tmpdir(), "kloudconsent-e2e-receipts-"));
  const child = spawn(bin, [
    "--listen", "127.0.0.1:0",
    "--database-url", `sqlite:${join(dataDir, "receipts.sqlite3")}`,
    "--allowed-origin", allowedOrigin,
  ], { env: { ...process.env, KLOUDCONSENT_RECEIPTS_TOKEN: TOKEN, RUST_LOG: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`kloudconsent-receipts exited with ${code}`)));
  });
  const url = line.replace("kloudconsent-receipts: listening on ", "");
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, line);
  return { child, url };
}

before(async () => {
  env = await launch();
  service = await startService(env.server.url);
});
after(async () => {
  service?.child.kill("SIGTERM");
  await env?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The lookup API, as the privacy team calls it. */
async function lookup(id, headers = { authorization: `Bearer ${TOKEN}` }) {
  const response = await fetch(`${service.url}/receipts/${id}`, { headers });
  return { status: response.status, body: await response.text() };
}

/** Polls the lookup until `count` receipts are stored for `id` (beacons are asynchronous). */
async function history(id, count) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const { status, body } = await lookup(id);
    if (status === 200 && JSON.parse(body).receipts.length === count) return JSON.parse(body).receipts;
    assert.ok([200, 404].includes(status), `${status} ${body}`);
    assert.ok(Date.now() < deadline, `no ${count} receipt(s) for ${id}: ${status} ${body}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The data-config fixture page, its config (fetched from the test server)
 * naming the service as receiptUrl. Served by the test server itself, not a
 * Playwright route: Chromium lets a page reach a loopback service only when
 * the page was itself loaded from a local address (Local Network Access).
 */
async function openHostPage(page, origin = env.server.url) {
  const body = JSON.stringify({ receiptUrl: `${service.url}/receipts` });
  const config = encodeURIComponent(`/__config?body=${encodeURIComponent(body)}`);
  await page.goto(`${origin}/fixtures/config.html?config=${config}`);
  await waitReady(page);
  return `${origin}/fixtures/config.html`;
}

test("a decision made in Chromium is stored by the service and found by the consent id the tool shows", async () => {
  const { context, page } = await openPage(env);
  const pageUrl = await openHostPage(page);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  const state = await page.evaluate(() => window.kloudconsent.get());

  // The visitor opens the preference tool from the page's own link and reads their id.
  await page.locator("[data-kloudconsent-open]").click();
  await toolShown(page);
  const text = await dialog(page).innerText();
  const id = /Your consent ID: ([A-Za-z0-9_-]{22})/.exec(text)?.[1];
  assert.ok(id, text);
  assert.equal(id, state.id);

  const [first] = await history(id, 1);
  assert.equal(first.method, "accept-all");
  assert.deepEqual(first.categories, state.categories);
  assert.equal(first.decidedAt, state.decidedAt);
  assert.equal(first.expiresAt, state.expiresAt);
  // Today's widget sends the page URL without its query; a newer one only the origin.
  assert.ok([pageUrl, new URL(pageUrl).origin].includes(first.url), first.url);
  assert.match(first.receivedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // Which wording was shown, and where the visitor decided: stored as sent.
  assert.deepEqual([first.language, first.via, first.signal], ["en-AU", "banner", undefined]);

  // A change of mind in the tool is a second receipt under the same id.
  await dialog(page).getByRole("switch", { name: "Marketing and communication" }).click();
  await button(dialog(page), "Save preferences").click();
  const receipts = await history(id, 2);
  assert.equal(receipts[1].method, "custom");
  assert.equal(receipts[1].categories.marketing, false);
  assert.equal(receipts[1].via, "tool");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("the lookup refuses a missing or wrong token, and a token in the URL", async () => {
  const id = "AAECAwQFBgcICQoLDA0ODw";
  assert.equal((await lookup(id, {})).status, 401);
  assert.equal((await lookup(id, { authorization: "Bearer wrong-token-0123456789abcdef" })).status, 401);
  const inUrl = await fetch(`${service.url}/receipts/${id}?token=${TOKEN}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(inUrl.status, 400);
});

test("a page on an origin outside the allow-list stores nothing", async () => {
  const { context, page } = await openPage(env);
  // localhost is another origin than 127.0.0.1 for the browser.
  await openHostPage(page, env.server.url.replace("127.0.0.1", "localhost"));
  await button(banner(page), "Reject all").click();
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  const { id } = await page.evaluate(() => window.kloudconsent.get());
  const metrics = async () => (await (await fetch(`${service.url}/metrics`)).text());
  const deadline = Date.now() + 10000;
  while (!/rejected_total\{reason="origin"\} [1-9]/.test(await metrics())) {
    assert.ok(Date.now() < deadline, "the beacon reached the service and was refused");
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await lookup(id)).status, 404);
  await context.close();
});
