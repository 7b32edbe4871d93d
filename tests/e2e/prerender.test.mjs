// A page prerendered ahead of a click (Speculation Rules) waits for the
// visitor: nothing gated runs and no event fires while it is prerendered,
// and a choice made meanwhile on the page they leave is the one in force
// when they arrive.
//
// Playwright cannot test this: its DevTools attachment to every page makes
// Chromium cancel prerenders ("PrerenderingDisabledByDevTools"). So this
// file starts Chromium itself, without DevTools, at the first page; the
// pages drive themselves and report to the test server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_ARGS } from "./helpers.mjs";
import { startServer } from "./server.mjs";

let server;
const reports = [];
before(async () => {
  server = await startServer();
  server.routes.set("/__report", async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    reports.push(JSON.parse(body));
    res.writeHead(204);
    res.end();
  });
  // Whether B's prerender has started (A asks before it goes on).
  server.routes.set("/__report/b-parsed", (req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(reports.some((r) => r.tag === "b-parsed") ? "yes" : "no");
  });
  for (const [path, html] of Object.entries(PAGES)) {
    server.routes.set(path, (req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(html);
    });
  }
});
after(async () => { await server.close(); });

/** Chromium with no DevTools at all, opening `url` in its one tab. */
async function chromiumAt(url) {
  const dir = mkdtempSync(join(tmpdir(), "kc-prerender-"));
  const proc = spawn(process.env.CHROMIUM || "/usr/bin/chromium", [...CHROMIUM_ARGS, `--user-data-dir=${dir}`, url],
    { stdio: "ignore", detached: true });
  return {
    async close() {
      if (proc.exitCode === null) {
        const gone = new Promise((resolve) => proc.once("exit", resolve));
        process.kill(-proc.pid); // its whole process group: no helper left writing to `dir`
        await gone;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

/** The report tagged `tag`, once it has come. */
async function report(tag) {
  for (let i = 0; i < 300; i++) {
    const found = reports.find((r) => r.tag === tag);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no report "${tag}"; got ${JSON.stringify(reports.map((r) => r.tag))}`);
}

/**
 * Before the loader on every page: records the widget's events (each with
 * whether the page was prerendered then) and `__report(tag)`, which posts
 * what the page knows to the server.
 */
const REPORTER = `<script>
window.__events = [];
["ready", "consent", "change"].forEach(function (n) {
  addEventListener("kloudconsent:" + n, function () { __events.push(n + (document.prerendering ? "@prerendering" : "")); });
});
window.__runs = [];
window.__report = function (tag) {
  var host = document.querySelector("kloud-consent"), root = host && host.shadowRoot;
  return fetch("/__report", { method: "POST", keepalive: true, body: JSON.stringify({ tag: tag,
    activationStart: performance.getEntriesByType("navigation")[0].activationStart,
    method: window.kloudconsent && kloudconsent.get() ? kloudconsent.get().method : null,
    events: __events.slice(), runs: __runs.slice(), banner: !!(root && root.querySelector(".kc-banner")) }) });
};
</script>`;
const page = (title, head, body = "") => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
${REPORTER}${head}<script src="/kloudconsent.js" defer></script></head><body><h1>${title}</h1>${body}</body></html>`;

/**
 * Page A prerenders B and, once B has been prerendered for a while (long
 * enough for a widget that did not wait to have started there), does what
 * its query says (`reject`: the visitor's Reject all) and then goes to B.
 */
const A = page("A", `<script type="speculationrules">{"prerender":[{"source":"list","urls":["/pr/b.html"]}]}</script>
<script>
addEventListener("kloudconsent:ready", function () {
  var act = new URLSearchParams(location.search).get("do");
  (function waitForB() {
    fetch("/__report/b-parsed").then(function (r) { return r.text(); }).then(function (seen) {
      if (seen !== "yes") return setTimeout(waitForB, 100);
      setTimeout(function () {
        if (act === "reject") kloudconsent.rejectAll();
        setTimeout(function () { location.href = "/pr/b.html"; }, 300);
      }, 2000);
    });
  })();
});
</script>`);
/** B: gated scripts that record whether the page was prerendered when they ran. */
const B = page("B", `<script>
__report(document.prerendering ? "b-parsed" : "b-not-prerendered");
document.addEventListener("prerenderingchange", function () {
  (function once() {
    // Ready fired (now, or before the visitor came), and what follows it settled.
    if (!__events.some(function (e) { return e.indexOf("ready") === 0; })) return setTimeout(once, 50);
    setTimeout(function () { __report("b-shown"); }, 300);
  })();
});
</script>`, `<script type="text/plain" data-consent="analytics">__runs.push("analytics" + (document.prerendering ? "@prerendering" : ""));</script>
<script type="text/plain" data-consent="marketing">__runs.push("marketing" + (document.prerendering ? "@prerendering" : ""));</script>`);
/** A returning visitor's earlier page: Accept all, then on to A. */
const SEED = page("seed", `<script>addEventListener("kloudconsent:ready", function () {
  kloudconsent.acceptAll();
  setTimeout(function () { location.href = "/pr/a.html" + location.search; }, 200);
});</script>`);
const PAGES = { "/pr/a.html": A, "/pr/b.html": B, "/pr/seed.html": SEED };

/**
 * A visit from A to B, prerendered. Chromium may decline or cancel a
 * prerender (a busy machine): B then reports that it was not prerendered,
 * and the visit is made again, up to three times.
 */
async function visit({ seed, act }) {
  for (let attempt = 1; ; attempt++) {
    reports.length = 0;
    const chrome = await chromiumAt(`${server.url}/pr/${seed ? "seed" : "a"}.html?do=${act}`);
    try {
      const first = await Promise.race([report("b-parsed"), report("b-not-prerendered")]);
      const shown = first.tag === "b-parsed" && await report("b-shown");
      if (shown && shown.activationStart > 0) return shown;
      if (attempt === 3) assert.fail("B was not prerendered in three visits");
    } finally {
      await chrome.close();
    }
  }
}

test("a returning visitor who accepted, then rejects all on A while B is prerendered: nothing gated ever runs on B", async () => {
  const b = await visit({ seed: true, act: "reject" });
  assert.equal(b.method, "reject-all");
  assert.deepEqual(b.runs, []);
  assert.deepEqual(b.events, ["ready", "consent"], "after the visitor arrived, not while prerendered");
});

test("a first visit: B, prerendered, shows its banner and fires ready only once the visitor arrives", async () => {
  const b = await visit({ seed: false, act: "none" });
  assert.equal(b.method, null);
  assert.ok(b.banner, "the banner is there");
  assert.deepEqual(b.runs, []);
  assert.deepEqual(b.events, ["ready"]);
});

test("accepted: B's gated scripts run once the visitor arrives, not while it is prerendered", async () => {
  const b = await visit({ seed: true, act: "none" });
  assert.equal(b.method, "accept-all");
  assert.deepEqual(b.runs.sort(), ["analytics", "marketing"]);
  assert.deepEqual(b.events, ["ready", "consent"]);
});
