// Partytown (npm @builder.io/partytown, the real library) runs third-party
// scripts in a web worker: a site gates one with
// `data-type="text/partytown"`. Partytown reads scripts of its type when it
// starts, and later ones only when the page fires `ptupdate`; the widget
// fires it when it releases one. Stop 65's review of performance tooling: a
// gated Partytown script released by Accept all never ran, nor on a
// returning visit whose wasm came after Partytown had started, and the
// console called its type one no browser runs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openPage, waitReady, widgetLogs } from "./helpers.mjs";

const LIB = join(dirname(fileURLToPath(import.meta.url)), "../../node_modules/@builder.io/partytown/lib");
const SNIPPET = readFileSync(join(LIB, "partytown.js"), "utf8");

let env;
before(async () => {
  // Partytown's files where its snippet looks for them (its service worker among them).
  env = await launch({ mounts: [["/~partytown/", LIB]] });
  // What the worker's scripts report to: the server hears them whichever thread runs them.
  env.server.routes.set("/__pt-hit", (req, res) => { res.writeHead(204); res.end(); });
  env.server.routes.set("/__pt-ext.js", (req, res) => {
    res.writeHead(200, { "content-type": "text/javascript" });
    res.end(`fetch("/__pt-hit?from=external");`);
  });
});
after(async () => { await env.close(); });

let pages = 0;
/** A host page with Partytown's snippet, an inline and an external gated Partytown script, and the widget. */
async function partytownPage(page, { slowWasm = 0 } = {}) {
  const path = `/__pt-page-${++pages}.html`;
  env.server.routes.set(path, (req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partytown host</title>
<script>partytown = { lib: "/~partytown/" };</script>
<script>${SNIPPET}</script>
<script type="text/plain" data-type="text/partytown" data-consent="analytics">fetch("/__pt-hit?from=inline");</script>
<script type="text/plain" data-type="text/partytown" data-consent="analytics" src="/__pt-ext.js"></script>
<script src="/kloudconsent.js" defer></script></head><body><h1>Partytown host</h1></body></html>`);
  });
  if (slowWasm) {
    env.server.routes.set("/kloudconsent_bg.wasm", async (req, res, url, next) => {
      await new Promise((r) => setTimeout(r, slowWasm));
      return next();
    });
  }
  try {
    await page.goto(env.server.url + path);
    await waitReady(page);
  } finally {
    env.server.routes.delete("/kloudconsent_bg.wasm");
  }
}

const hits = () => env.server.requests.filter((p) => p.startsWith("/__pt-hit")).sort();
const BOTH = ["/__pt-hit?from=external", "/__pt-hit?from=inline"];
/** Waits until the worker has reported `n` hits in all, or `ms` have passed. */
async function waitHits(n, ms = 8000) {
  for (const end = Date.now() + ms; hits().length < n && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
}

test("a gated Partytown script runs in Partytown's worker once after Accept all, never before it or after Reject all, and the console says nothing of its type", async () => {
  env.server.requests.length = 0;
  const { context, page } = await openPage(env);
  try {
    await partytownPage(page);
    // Partytown has started and read the page (its own scripts are there, ungated ones would have run).
    await page.waitForTimeout(1500);
    assert.deepEqual(hits(), [], "nothing before a decision");
    await page.evaluate(() => window.kloudconsent.acceptAll());
    await waitHits(2);
    await page.waitForTimeout(500);
    assert.deepEqual(hits(), BOTH, "each once, from the worker");
    assert.deepEqual(widgetLogs(page, "warning"), []);
    assert.deepEqual(widgetLogs(page, "error"), []);
  } finally {
    await context.close();
  }
  env.server.requests.length = 0;
  const refused = await openPage(env);
  try {
    await partytownPage(refused.page);
    await refused.page.evaluate(() => window.kloudconsent.rejectAll());
    // Partytown told to look again, as a page might: still nothing.
    await refused.page.evaluate(() => window.dispatchEvent(new CustomEvent("ptupdate")));
    await refused.page.waitForTimeout(1500);
    assert.deepEqual(hits(), [], "nothing after Reject all");
  } finally {
    await refused.context.close();
  }
});

test("a returning visitor's gated Partytown scripts run once also when the widget starts after Partytown has read the page", async () => {
  const { context, page } = await openPage(env);
  try {
    await partytownPage(page);
    await page.evaluate(() => window.kloudconsent.acceptAll());
    await waitHits(2);
    env.server.requests.length = 0;
    // The wasm held back: Partytown starts and reads the page before the engine releases anything.
    await partytownPage(page, { slowWasm: 2000 });
    await waitHits(2);
    await page.waitForTimeout(500);
    assert.deepEqual(hits(), BOTH);
  } finally {
    await context.close();
  }
});
