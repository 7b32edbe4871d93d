#!/usr/bin/env node
// Benchmark driver: KloudConsent vs vanilla-cookieconsent vs Klaro.
//
//   node bench.mjs [--n 15] [--latencies 0,50,phone] [--widgets ours,preload,vanilla,klaro]
//                  [--pages full,minimal] [--warmup 1] [--base http://127.0.0.1:8790] [--out .]
//                  [--parts load,dom,lighthouse] [--dom-embeds 10,100,1000] [--dom-n 5] [--dom-changes 25] [--lighthouse-n 3]
//
// Env equivalents: BENCH_N, BENCH_LATENCIES, BENCH_WIDGETS, BENCH_PAGES, BENCH_WARMUP,
// BENCH_BASE_URL, BENCH_OUT, BENCH_TIMEOUT_MS (per wait, default 15000),
// BENCH_MAX_MINUTES (whole run, default 50 per host page), BENCH_CHROMIUM (/usr/bin/chromium),
// BENCH_PARTS, BENCH_DOM_EMBEDS, BENCH_DOM_N, BENCH_DOM_CHANGES, BENCH_LIGHTHOUSE_N.
// Parts: `load` (the peer comparison: RESULTS.md, results.json), `lighthouse` (LIGHTHOUSE.md) and `dom`
// (the DOM-change cost with gated embeds: DOM-COST.md, dom-cost.json).
// Pages (part `load`): `full`, the host pages in pages/hosts/, and `minimal`,
// the same widget embedding on a short article (server.mjs makes it from the
// full page); each gets its own tables in RESULTS.md.
// Expects server.mjs to be running at --base (run.sh does that).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function arg(name, envName, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && i + 1 < process.argv.length) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  if (process.env[envName] !== undefined && process.env[envName] !== '') return process.env[envName];
  return dflt;
}

const N = Math.max(1, parseInt(arg('n', 'BENCH_N', '15'), 10));
// Conditions: a number is that many ms added to every response, desktop
// viewport; `phone` is 50 ms plus a 4× CPU throttle on a 390×844 touch
// viewport (device scale 3), as issue 12 asks.
const LATENCIES = arg('latencies', 'BENCH_LATENCIES', '0,50,phone').split(',').map((s) => s.trim())
  .map((s) => (s === 'phone' ? s : Number(s))).filter((x) => x === 'phone' || (Number.isFinite(x) && x >= 0));
const PHONE = { latency: 50, cpu: 4, viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 };
const latencyOf = (c) => (c === 'phone' ? PHONE.latency : c);
const condLabel = (c) => (c === 'phone' ? `phone: ${PHONE.latency} ms, ${PHONE.cpu}× CPU, ${PHONE.viewport.width}×${PHONE.viewport.height}` : `${c} ms`);
/** How long the banner sits before "Manage preferences" is clicked in the warm tool-open run. */
const TOOL_IDLE_MS = 2000;
const LIGHTHOUSE_N = Math.max(0, parseInt(arg('lighthouse-n', 'BENCH_LIGHTHOUSE_N', '3'), 10));
const WANT = arg('widgets', 'BENCH_WIDGETS', 'ours,preload,vanilla,klaro').split(',').map((s) => s.trim()).filter(Boolean);
const WARMUP = Math.max(0, parseInt(arg('warmup', 'BENCH_WARMUP', '1'), 10));
const PAGES = arg('pages', 'BENCH_PAGES', 'full,minimal').split(',').map((s) => s.trim()).filter(Boolean);
const BASE = arg('base', 'BENCH_BASE_URL', `http://127.0.0.1:${process.env.BENCH_PORT || 8790}`).replace(/\/$/, '');
const OUT = path.resolve(HERE, arg('out', 'BENCH_OUT', '.'));
const TIMEOUT = Number(arg('timeout', 'BENCH_TIMEOUT_MS', '15000'));
const MAX_MS = Number(arg('max-minutes', 'BENCH_MAX_MINUTES', String(50 * Math.max(1, PAGES.length)))) * 60000;
const CHROMIUM = arg('chromium', 'BENCH_CHROMIUM', '/usr/bin/chromium');
const PARTS = arg('parts', 'BENCH_PARTS', 'load,dom,lighthouse').split(',').map((s) => s.trim());
const DOM_EMBEDS = arg('dom-embeds', 'BENCH_DOM_EMBEDS', '10,100,1000').split(',').map(Number).filter((x) => Number.isInteger(x) && x >= 0);
const DOM_N = Math.max(1, parseInt(arg('dom-n', 'BENCH_DOM_N', '5'), 10));
const DOM_CHANGES = Math.max(1, parseInt(arg('dom-changes', 'BENCH_DOM_CHANGES', '25'), 10));
const CLS_WINDOW = 2000; // ms after navigation start
const REJECT_SETTLE = 500; // ms after clicking Reject all before checking
const RELOAD_SETTLE = 750; // ms after the reload's load event (at least the first visit's banner time)

const CHROME_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

const WIDGETS = {
  ours: { title: 'KloudConsent', page: '/hosts/ours.html', prefix: '/ours/', probe: '/ours/kloudconsent.js' },
  // Info only, never a peer and never in the ratio: the same page plus the
  // optional `<link rel=preload>` for the wasm that docs/embedding.md offers sites.
  preload: { title: 'KloudConsent + wasm preload (info)', page: '/hosts/ours-preload.html', prefix: '/ours/', probe: '/ours/kloudconsent.js' },
  vanilla: { title: 'vanilla-cookieconsent', page: '/hosts/vanilla.html', prefix: '/vanilla/', pkg: 'vanilla-cookieconsent' },
  klaro: { title: 'Klaro', page: '/hosts/klaro.html', prefix: '/klaro/', pkg: 'klaro' },
};
const PEERS = ['vanilla', 'klaro'];

// The host pages every widget is measured on. `minimal` is made by server.mjs
// from each widget's full page (same <head>, same gated scripts, a short
// article instead of the rest), so the embedding is the same on both.
const HOST_PAGES = {
  full: { title: 'Full host page', what: 'header with navigation, a hero image, five paragraphs under three headings, a footer and the site stylesheet', url: (w) => WIDGETS[w].page },
  minimal: { title: 'Minimal host page', what: 'a short article (a heading and two paragraphs), no image and no site stylesheet', url: (w) => WIDGETS[w].page.replace('/hosts/', '/hosts/minimal/') },
};
for (const p of PAGES) {
  if (!HOST_PAGES[p]) { console.error(`bench: unknown page "${p}" (known: ${Object.keys(HOST_PAGES).join(', ')})`); process.exit(2); }
}
const PROBE_SRC = fs.readFileSync(path.join(HERE, 'probe.js'), 'utf8');
const T0 = Date.now();

// ---------------------------------------------------------------- helpers
const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pathOf(url) { try { return new URL(url).pathname; } catch { return url; } }
/** Requests that belong to the host page, not to the widget. */
function isPageOwned(url, pageUrl) {
  const p = pathOf(url);
  return url === pageUrl || p === pathOf(pageUrl) || p.startsWith('/common/') || p === '/favicon.ico';
}
const isGated = (url) => /^\/common\/(analytics|marketing)\.js$/.test(pathOf(url));

function rawGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, bytes: body.length, body });
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
  });
}

function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

function pkgVersion(name) {
  try { return JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return null; }
}

function machineInfo() {
  let cpu = null;
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    cpu = m ? m[1].trim() : null;
  } catch { /* not linux */ }
  let nproc = null;
  try { nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()); } catch { nproc = os.availableParallelism ? os.availableParallelism() : os.cpus().length; }
  let osName = `${os.type()} ${os.release()}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (m) osName = m[1];
  } catch { /* ignore */ }
  return { nproc, cpu, memGiB: Math.round(os.totalmem() / 2 ** 30), os: osName, loadavg: os.loadavg().map((x) => +x.toFixed(2)) };
}

// ---------------------------------------------------------------- one run
async function newContext(browser, cond) {
  const phone = cond === 'phone';
  const ctx = await browser.newContext({
    viewport: phone ? PHONE.viewport : { width: 1280, height: 800 },
    deviceScaleFactor: phone ? PHONE.deviceScaleFactor : 1,
    isMobile: phone,
    hasTouch: phone,
    extraHTTPHeaders: { 'x-bench-latency': String(latencyOf(cond)) },
    serviceWorkers: 'block',
  });
  ctx.benchCpu = phone ? PHONE.cpu : 1;
  return ctx;
}

async function newProbedPage(ctx, { watch = true } = {}) {
  const page = await ctx.newPage();
  if (ctx.benchCpu > 1) {
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: ctx.benchCpu });
  }
  // Returning visit: only the observers, no banner polling. (One script: the
  // order of several init scripts is not defined.)
  await page.addInitScript(watch ? PROBE_SRC : `window.__benchCfg = { watch: false };\n${PROBE_SRC}`);
  const requests = [];
  page.on('request', (r) => requests.push({ url: r.url(), type: r.resourceType(), t: Date.now() }));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e && e.message || e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return { page, requests, errors };
}

/** Clicks what the probe's `finder` (`find`, or `findOpener` for links too) returns for `label`. */
async function clickButton(page, label, finder = 'find') {
  const handle = await page.evaluateHandle(([f, l]) => window.__bench[f](l), [finder, label]);
  const el = handle.asElement();
  if (!el) throw new Error(`button "${label}" not found or not clickable`);
  await el.click({ timeout: TIMEOUT });
  await handle.dispose();
}

function widgetResources(resources, pageUrl) {
  return resources.filter((r) => !isPageOwned(r.url, pageUrl));
}

/**
 * One run of `kind` in a fresh browser context: `body(ctx, url, out)` fills
 * `out`; an error ends the run as failed with its first line, and the
 * context is closed either way.
 */
async function inFreshContext(browser, w, cond, hostPage, kind, body) {
  const url = BASE + HOST_PAGES[hostPage].url(w);
  const out = { widget: w, page: hostPage, latency: cond, kind };
  const ctx = await newContext(browser, cond);
  try {
    await body(ctx, url, out);
    out.ok = true;
  } catch (e) {
    out.ok = false;
    out.error = String(e && e.message || e).split('\n')[0];
  } finally {
    await ctx.close().catch(() => {});
  }
  return out;
}

/** First visit -> Accept all -> returning visit, in one fresh context. */
function runAccept(browser, w, latency, hostPage) {
  return inFreshContext(browser, w, latency, hostPage, 'accept', async (ctx, url, out) => {
    // ---- first visit
    const v1 = await newProbedPage(ctx);
    await v1.page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    const bannerAt = await v1.page.evaluate((ms) => window.__bench.waitBanner(ms), TIMEOUT);
    if (bannerAt === null) throw new Error(`banner ("Accept all") not clickable within ${TIMEOUT} ms`);
    // Let the CLS window elapse before any input (also the "nothing gated ran
    // before a choice" observation window).
    await v1.page.evaluate((t) => window.__bench.sleepUntil(t), CLS_WINDOW);
    const s1 = await v1.page.evaluate(() => window.__bench.snapshot());
    const reqBefore = v1.requests.slice();
    const wres = widgetResources(s1.resources, url);
    out.first = {
      bannerMs: s1.bannerAt,
      bannerInDomMs: s1.bannerSeenAt,
      longTaskMs: s1.longtasks.filter((l) => l.start < s1.bannerAt).reduce((a, l) => a + l.duration, 0),
      longTaskCount: s1.longtasks.filter((l) => l.start < s1.bannerAt).length,
      cls: s1.shifts.filter((x) => !x.input && x.start < CLS_WINDOW).reduce((a, x) => a + x.value, 0),
      widgetRequests: reqBefore.filter((r) => !isPageOwned(r.url, url)).length,
      widgetEncodedBytes: wres.reduce((a, r) => a + r.encoded, 0),
      // What the banner waited for: the files whose response had ended when
      // it became clickable (a lazily fetched part, e.g. our preference
      // tool prefetched once the banner sat idle, comes after).
      widgetBytesToBanner: wres.filter((r) => r.end <= s1.bannerAt).reduce((a, r) => a + r.encoded, 0),
      widgetDecodedBytes: wres.reduce((a, r) => a + r.decoded, 0),
      widgetTransferBytes: wres.reduce((a, r) => a + r.transfer, 0),
      widgetFiles: wres.map((r) => ({ path: pathOf(r.url), type: r.type, encoded: r.encoded, decoded: r.decoded, transfer: r.transfer, start: +r.start.toFixed(1), end: +r.end.toFixed(1) })),
      requestUrls: reqBefore.map((r) => pathOf(r.url)),
      dcl: s1.nav && s1.nav.dcl,
      load: s1.nav && s1.nav.load,
    };
    out.gatedBeforeChoice = Object.keys(s1.ran).length > 0 || reqBefore.some((r) => isGated(r.url));

    // ---- Accept all
    const nReq = v1.requests.length;
    await clickButton(v1.page, 'Accept all');
    const ranAt = await v1.page.evaluate((ms) => window.__bench.waitRan('analytics', ms), TIMEOUT);
    const s2 = await v1.page.evaluate(() => window.__bench.snapshot());
    const click = s2.clicks.find((c) => c.label === 'Accept all') || s2.clicks[0];
    if (ranAt === null) throw new Error('analytics did not run within timeout after Accept all');
    if (!click) throw new Error('click not observed in page');
    out.accept = {
      clickToAnalyticsMs: ranAt - click.t,
      marketingRan: s2.ran.marketing !== undefined,
      requestsAfterClick: v1.requests.slice(nReq).map((r) => pathOf(r.url)),
    };
    await sleep(100); // let the widget finish persisting (storage writes are sync, but be safe)
    out.errors = v1.errors.slice();
    await v1.page.close();

    // ---- returning visit (same context, new page, HTTP cache warm)
    const v2 = await newProbedPage(ctx, { watch: false });
    await v2.page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    const ran2 = await v2.page.evaluate((ms) => window.__bench.waitRan('analytics', ms), TIMEOUT);
    if (ran2 === null) throw new Error('returning visit: analytics did not run');
    await v2.page.evaluate(() => new Promise((r) => (document.readyState === 'complete' ? r() : addEventListener('load', () => r(), { once: true }))));
    const s3 = await v2.page.evaluate(() => window.__bench.snapshot());
    const wres3 = widgetResources(s3.resources, url);
    const bannerAgain = await v2.page.evaluate(() => !!window.__bench.find('Accept all'));
    out.returning = {
      navToAnalyticsMs: ran2,
      marketingRan: s3.ran.marketing !== undefined,
      widgetRequests: v2.requests.filter((r) => !isPageOwned(r.url, url)).length,
      widgetTransferBytes: wres3.reduce((a, r) => a + r.transfer, 0),
      // What the widget loads on a returning visit, network or cache: the
      // bytes a page pays for it (compiled again from the cache each time).
      widgetEncodedBytes: wres3.reduce((a, r) => a + r.encoded, 0),
      widgetFiles: wres3.map((r) => pathOf(r.url)),
      bannerShown: bannerAgain,
    };
    out.errors.push(...v2.errors);
  });
}

/**
 * First visit -> "Manage preferences" -> the tool's first switch visible.
 * `warm`: clicked after the banner has sat idle for TOOL_IDLE_MS (a lazily
 * loaded tool has had its chance to prefetch); cold: clicked as soon as the
 * banner is clickable. Also what the widget fetched for the tool: bytes that
 * ended after the banner was clickable.
 */
function runTool(browser, w, cond, hostPage, warm) {
  return inFreshContext(browser, w, cond, hostPage, warm ? 'toolWarm' : 'toolCold', async (ctx, url, out) => {
    const v = await newProbedPage(ctx);
    await v.page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    const bannerAt = await v.page.evaluate((ms) => window.__bench.waitBanner(ms), TIMEOUT);
    if (bannerAt === null) throw new Error('banner not clickable within timeout');
    if (warm) await v.page.evaluate((t) => window.__bench.sleepUntil(t), bannerAt + TOOL_IDLE_MS);
    await clickButton(v.page, 'Manage preferences', 'findOpener');
    const shownAt = await v.page.evaluate((ms) => window.__bench.waitSwitch(ms), TIMEOUT);
    if (shownAt === null) throw new Error('no switch of the preference tool visible within timeout');
    const s = await v.page.evaluate(() => window.__bench.snapshot());
    const click = s.clicks[s.clicks.length - 1];
    if (!click) throw new Error('click not observed in page');
    const afterBanner = widgetResources(s.resources, url).filter((r) => r.end > bannerAt);
    out.tool = {
      openMs: shownAt - click.t,
      bytesAfterBanner: afterBanner.reduce((a, r) => a + r.encoded, 0),
      filesAfterBanner: afterBanner.map((r) => pathOf(r.url)),
    };
    out.gatedBeforeChoice = Object.keys(s.ran).length > 0 || v.requests.some((r) => isGated(r.url));
    out.errors = v.errors.slice();
  });
}

/** First visit -> Reject all -> nothing gated runs, also after reload. */
function runReject(browser, w, latency, hostPage) {
  return inFreshContext(browser, w, latency, hostPage, 'reject', async (ctx, url, out) => {
    const v = await newProbedPage(ctx);
    await v.page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
    const bannerAt = await v.page.evaluate((ms) => window.__bench.waitBanner(ms), TIMEOUT);
    if (bannerAt === null) throw new Error('banner not clickable within timeout');
    const before = await v.page.evaluate(() => window.__bench.snapshot());
    out.gatedBeforeChoice = Object.keys(before.ran).length > 0 || v.requests.some((r) => isGated(r.url));
    await clickButton(v.page, 'Reject all');
    await sleep(REJECT_SETTLE);
    const after = await v.page.evaluate(() => window.__bench.snapshot());
    out.gatedAfterReject = Object.keys(after.ran).length > 0 || v.requests.some((r) => isGated(r.url));
    const nReq = v.requests.length;
    await v.page.reload({ waitUntil: 'load', timeout: TIMEOUT });
    await sleep(Math.max(RELOAD_SETTLE, bannerAt));
    const reloaded = await v.page.evaluate(() => window.__bench.snapshot());
    out.gatedAfterReload = Object.keys(reloaded.ran).length > 0 || v.requests.slice(nReq).some((r) => isGated(r.url));
    out.bannerAfterReload = await v.page.evaluate(() => !!window.__bench.find('Accept all'));
  });
}

// ---------------------------------------------------------------- report
const FIGURES = [
  // key, label, unit, getter, lower-is-better, decimals
  ['brotli', 'Widget bytes, brotli (as transferred, body), first 2 s', 'B', (r) => r.first.widgetEncodedBytes, 0],
  ['bannerBytes', 'Widget bytes, brotli, loaded when the banner became clickable', 'B', (r) => r.first.widgetBytesToBanner, 0],
  ['raw', 'Widget bytes, raw (decoded)', 'B', (r) => r.first.widgetDecodedBytes, 0],
  ['requests', 'Widget requests (first visit, before a choice)', '', (r) => r.first.widgetRequests, 0],
  ['banner', 'First visit: nav start → Accept all visible & clickable', 'ms', (r) => r.first.bannerMs, 1],
  ['bannerDom', '  (info) nav start → "Accept all" button in the DOM', 'ms', (r) => r.first.bannerInDomMs, 1],
  ['longtask', 'Long-task total until then', 'ms', (r) => r.first.longTaskMs, 0],
  ['cls', 'Cumulative layout shift, first 2 s', '', (r) => r.first.cls, 4],
  ['accept', 'Click Accept all → gated analytics ran', 'ms', (r) => r.accept.clickToAnalyticsMs, 1],
  ['returning', 'Returning visit: nav start → gated analytics ran', 'ms', (r) => r.returning.navToAnalyticsMs, 1],
  ['retBytes', 'Returning visit: widget bytes loaded (network or cache), brotli', 'B', (r) => r.returning.widgetEncodedBytes, 0],
  ['retTransfer', 'Returning visit: widget bytes over the network', 'B', (r) => r.returning.widgetTransferBytes, 0],
];
/** Figures of the tool-open runs (kind toolWarm / toolCold). */
const TOOL_FIGURES = [
  ['toolOpen', `Click Manage preferences → first switch visible, after ${TOOL_IDLE_MS / 1000} s idle`, 'ms', 'toolWarm', (r) => r.tool.openMs, 1],
  ['toolOpenCold', 'Same, clicked as soon as the banner is clickable (cold)', 'ms', 'toolCold', (r) => r.tool.openMs, 1],
  ['toolBytes', 'Preference tool: widget bytes fetched after the banner, brotli', 'B', 'toolWarm', (r) => r.tool.bytesAfterBanner, 0],
];

/** summary[page][latency][widget]: stats of every figure and the checks. */
function summarize(runs, widgets) {
  const summary = {};
  for (const P of PAGES) summary[P] = summarizePage(runs.filter((r) => r.page === P), widgets);
  return summary;
}

function summarizePage(runs, widgets) {
  const summary = {};
  for (const L of LATENCIES) {
    summary[L] = {};
    for (const w of widgets) {
      const acc = runs.filter((r) => r.widget === w && r.latency === L && r.kind === 'accept' && !r.warmup);
      const rej = runs.filter((r) => r.widget === w && r.latency === L && r.kind === 'reject' && !r.warmup);
      const ok = acc.filter((r) => r.ok);
      const s = { runs: acc.length, ok: ok.length, failures: acc.filter((r) => !r.ok).map((r) => r.error) };
      for (const [key, , , get] of FIGURES) s[key] = stats(ok.map(get));
      for (const [key, , , kind, get] of TOOL_FIGURES) {
        const t = runs.filter((r) => r.widget === w && r.latency === L && r.kind === kind && !r.warmup);
        s[key] = stats(t.filter((r) => r.ok).map(get));
        s.failures.push(...t.filter((r) => !r.ok).map((r) => `${kind}: ${r.error}`));
      }
      const tool = runs.filter((r) => r.widget === w && r.latency === L && r.kind.startsWith('tool') && !r.warmup);
      s.checks = {
        gatedBeforeChoice: [...acc, ...rej, ...tool].filter((r) => r.gatedBeforeChoice).length,
        observedBeforeChoice: [...acc, ...rej, ...tool].filter((r) => r.gatedBeforeChoice !== undefined).length,
        rejectOk: rej.filter((r) => r.ok).length,
        rejectRuns: rej.length,
        gatedAfterReject: rej.filter((r) => r.gatedAfterReject).length,
        gatedAfterReload: rej.filter((r) => r.gatedAfterReload).length,
        bannerAfterRejectReload: rej.filter((r) => r.bannerAfterReload).length,
        bannerOnReturning: ok.filter((r) => r.returning.bannerShown).length,
        marketingAfterAccept: ok.filter((r) => r.accept.marketingRan).length,
        rejectFailures: rej.filter((r) => !r.ok).map((r) => r.error),
      };
      summary[L][w] = s;
    }
  }
  return summary;
}

function fmtNum(x, d) {
  if (x === null || x === undefined) return '–';
  if (d === 0) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(d);
}
function fmtStat(s, d) {
  if (!s) return '–';
  if (s.min === s.max) return fmtNum(s.median, d);
  return `${fmtNum(s.median, d)} [${fmtNum(s.min, d)}–${fmtNum(s.max, d)}]`;
}
function ratio(ours, peers) {
  if (!ours) return 'n/a';
  const p = peers.filter(Boolean).map((s) => s.median);
  if (!p.length) return 'n/a';
  const best = Math.min(...p);
  if (best === 0) return ours.median === 0 ? '= (both 0)' : 'n/a (best peer 0)';
  return `${(ours.median / best).toFixed(2)}×`;
}

function markdown(meta, summary, widgets) {
  const lines = [];
  lines.push('# KloudConsent benchmark results', '');
  lines.push(`- Date: ${meta.date}`);
  lines.push(`- Machine: ${meta.machine.nproc} CPUs (nproc), ${meta.machine.cpu || 'unknown CPU'}, ${meta.machine.memGiB} GiB RAM, ${meta.machine.os}; load average at start ${meta.machine.loadavg.join(' / ')}${meta.loadavgEnd ? `, at the end ${meta.loadavgEnd.join(' / ')}` : ''}`);
  lines.push(`- Browser: Chromium ${meta.chromium} (headless=new, ${meta.viewport}), driven by playwright-core ${meta.playwright}; Node ${meta.node}`);
  lines.push(`- N = ${meta.n} measured runs per widget, host page and condition (plus ${meta.warmup} discarded warm-up run(s)), widgets and pages interleaved run by run, a fresh browser context per run`);
  lines.push(`- Widgets: ${widgets.map((w) => `${WIDGETS[w].title}${meta.versions[w] ? ' ' + meta.versions[w] : ''}`).join(', ')}${meta.skipped.length ? `; skipped: ${meta.skipped.map((s) => `${s.widget} (${s.reason})`).join('; ')}` : ''}`);
  lines.push(`- Host pages: ${meta.pages.map((p) => `${HOST_PAGES[p].title.toLowerCase()} (${HOST_PAGES[p].what})`).join('; ')}`);
  if (widgets.includes('ours')) {
    const files = Object.values(meta.files).map((byW) => byW.ours || []).find((f) => f.length) || [];
    const sh = files.map((f) => `${f.path.split('/').pop()} ${f.sha256 ? f.sha256.slice(0, 12) : '?'}`).join(', ');
    lines.push(`- KloudConsent build: ${meta.oursDist}${meta.oursGit ? ` at commit ${meta.oursGit}` : ' (no commit)'}; sha256: ${sh}`);
  }
  lines.push('- Each cell: median [min–max]. "ours / best peer" = median of ours ÷ the smaller of the two peers\' medians (below 1 is better for ours).', '');
  if (meta.aborted) lines.push(`**Partial results: the run stopped early (${meta.aborted}).**`, '');
  const cols = widgets;
  const peers = PEERS.filter((p) => cols.includes(p));
  const ratioOf = (S, key) => (cols.includes('ours') ? ratio(S.ours[key], peers.map((p) => S[p][key])) : 'n/a (ours skipped)');

  // At a glance: the ratios of the main figures, every page and latency.
  const glance = [['brotli', 'Bytes, brotli, first 2 s'], ['bannerBytes', 'Bytes before the banner'], ['retBytes', 'Bytes, returning visit'], ['banner', 'First visit → banner'], ['longtask', 'Long tasks until banner'], ['returning', 'Returning visit → analytics ran'], ['toolOpen', 'Tool open after idle']];
  lines.push('## At a glance: ours / best peer', '');
  lines.push(`| Host page | Condition | ${glance.map(([, l]) => l).join(' | ')} |`);
  lines.push(`| --- | --- | ${glance.map(() => '---:').join(' | ')} |`);
  for (const P of meta.pages) {
    for (const L of LATENCIES) lines.push(`| ${HOST_PAGES[P].title.replace(' host page', '')} | ${condLabel(L)} | ${glance.map(([k]) => ratioOf(summary[P][L], k)).join(' | ')} |`);
  }
  lines.push('');
  // Ours in absolute figures, against issue 12's budgets.
  if (cols.includes('ours')) {
    const at = (P, L, k, d) => fmtNum(summary[P][L].ours[k] && summary[P][L].ours[k].median, d);
    lines.push('## KloudConsent in absolute figures (medians)', '');
    lines.push('| Host page | Condition | Bytes before the banner (B) | Bytes, returning visit (B) | Tool bytes (B) | First visit → banner (ms) | Long tasks until banner (ms) | Returning → analytics (ms) | Tool open after idle / cold (ms) |');
    lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const P of meta.pages) {
      for (const L of LATENCIES) {
        lines.push(`| ${HOST_PAGES[P].title.replace(' host page', '')} | ${condLabel(L)} | ${at(P, L, 'bannerBytes', 0)} | ${at(P, L, 'retBytes', 0)} | ${at(P, L, 'toolBytes', 0)} | ${at(P, L, 'banner', 1)} | ${at(P, L, 'longtask', 0)} | ${at(P, L, 'returning', 1)} | ${at(P, L, 'toolOpen', 1)} / ${at(P, L, 'toolOpenCold', 1)} |`);
      }
    }
    lines.push('');
  }

  for (const P of meta.pages) {
    lines.push(`## ${HOST_PAGES[P].title}`, '');
    lines.push(`${HOST_PAGES[P].what[0].toUpperCase()}${HOST_PAGES[P].what.slice(1)}: ${cols.map((w) => `\`${HOST_PAGES[P].url(w)}\``).join(', ')}.`, '');
    for (const L of LATENCIES) {
      const S = summary[P][L];
      lines.push(`### ${HOST_PAGES[P].title}, ${L === 'phone' ? condLabel(L) : `added latency ${L} ms per request`}`, '');
      const head = ['Figure', ...cols.map((w) => WIDGETS[w].title), 'ours / best peer'];
      lines.push(`| ${head.join(' | ')} |`);
      lines.push(`|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
      for (const [key, label, unit, d] of [...FIGURES.map(([k, l, u, , dd]) => [k, l, u, dd]), ...TOOL_FIGURES.map(([k, l, u, , , dd]) => [k, l, u, dd])]) {
        const row = [`${label}${unit ? ` (${unit})` : ''}`];
        for (const w of cols) row.push(fmtStat(S[w][key], d));
        row.push(ratioOf(S, key));
        lines.push(`| ${row.join(' | ')} |`);
      }
      const row = (label, f) => lines.push(`| ${label} | ${cols.map((w) => f(S[w], S[w].checks)).join(' | ')} | |`);
      row('Successful runs', (s) => `${s.ok}/${s.runs}`);
      row('Correctness: gated script ran before a choice', (s, c) => `${c.gatedBeforeChoice}/${c.observedBeforeChoice} runs ${c.gatedBeforeChoice ? '**FAIL**' : 'ok'}`);
      row('Correctness: gated ran after Reject all / after reload', (s, c) => `${c.gatedAfterReject} / ${c.gatedAfterReload} of ${c.rejectOk} ${c.gatedAfterReject || c.gatedAfterReload || c.rejectOk < c.rejectRuns ? '**FAIL**' : 'ok'}`);
      row('Info: banner shown again on reload after Reject / on returning visit', (s, c) => `${c.bannerAfterRejectReload} / ${c.bannerOnReturning}`);
      lines.push('');
      const fails = cols.flatMap((w) => [...S[w].failures, ...S[w].checks.rejectFailures].map((e) => `${w}: ${e}`));
      if (fails.length) {
        lines.push('Failures:', '', ...[...new Set(fails)].map((f) => `- ${f}`), '');
      }
    }
  }
  lines.push('## Widget files (first visit, before a choice)', '');
  lines.push('| Host page | Widget | File | Type | brotli B | gzip B | raw B |');
  lines.push('| --- | --- | --- | --- | ---: | ---: | ---: |');
  for (const P of meta.pages) {
    for (const w of widgets) {
      for (const f of (meta.files[P] || {})[w] || []) {
        lines.push(`| ${P} | ${WIDGETS[w].title} | \`${f.path}\` | ${f.type} | ${fmtNum(f.encoded, 0)} | ${f.gzip === null ? '–' : fmtNum(f.gzip, 0)} | ${fmtNum(f.decoded, 0)} |`);
      }
    }
  }
  lines.push('');
  lines.push('## How it was measured', '');
  lines.push('- Full host pages `bench/pages/hosts/*.html` share the same body and site CSS; each embeds one widget as its docs say, configured with `necessary` (read-only) + `analytics` + `functionality` + `marketing`, and gates `/common/analytics.js` and `/common/marketing.js` with the widget\'s own mechanism.');
  lines.push('- Minimal host pages `/hosts/minimal/*.html` are made by `bench/server.mjs` from each full page on every request: the same `<head>` (the widget\'s tags and configuration) without the site stylesheet, a short article as the body, and the same gated scripts; so the embedding cannot differ between the two pages. On a page with little of its own, the widget\'s cost is most of the page\'s.');
  lines.push('- `bench/server.mjs` serves them on 127.0.0.1 with brotli/gzip negotiated from Accept-Encoding (brotli q11 / gzip 9 on the fly, or `dist/*.br|*.gz` when present), `application/wasm`, host pages `no-store` and everything else `max-age=3600`; the added latency delays every response (not cache hits).');
  lines.push('- Timings are taken inside the page (`performance.now()`, origin = navigation start) by `bench/probe.js`, an init script: the banner counts once a button whose text is exactly "Accept all" (searched in the document and every open shadow root) passes `checkVisibility({checkOpacity, checkVisibilityCSS})`, has a nonzero box in the viewport and is what a click at its centre would hit; checked on every DOM mutation and every animation frame.');
  lines.push('- Long tasks: sum of `longtask` entries starting before that moment. CLS: sum of `layout-shift` values without `hadRecentInput` with startTime < 2000 ms (the driver waits until 2 s before clicking).');
  lines.push('- Accept: a real (CDP) mouse click on the button; time from the trusted `click` event (capture on window) to the gated script\'s `performance.now()`. Returning visit: new page in the same context after accepting; navigation start → gated analytics ran.');
  lines.push('- Bytes: Resource Timing `encodedBodySize` (brotli body) and `decodedBodySize` of every request not owned by the host page (page, `/common/*`, favicon) made in the first 2 s; gzip sizes by a separate request with `Accept-Encoding: gzip`. Requests: every request the browser made on the first visit before a choice, minus the page-owned ones.');
  lines.push('- Correctness, every run: nothing gated ran (or was requested) before a choice (observed over the first 2 s); in a second fresh context per run, after Reject all nothing gated ran (or was requested) within 500 ms, nor after a reload within max(750 ms, that run\'s banner time) after its load event.');
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------- DOM-change cost
// Issue 18, finding 7: what one unrelated DOM change (appendChild of a div)
// costs on a page with N gated embeds, with the widget and without it.
// Timed inside the page: performance.now() before appendChild, and after the
// MutationObserver callbacks (which run before the awaited promise resumes)
// and a forced layout of the new div (which also lays out whatever the
// widget's callback dirtied). The median of DOM_CHANGES changes per run, a
// fresh context per run, each change after a frame of quiet.

async function domCostRun(browser, n, withWidget) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
  try {
    const page = await ctx.newPage();
    await page.addInitScript(() => addEventListener('kloudconsent:ready', () => { window.__kcReady = true; }));
    // Not `load`: that waits for every iframe's about:blank, which says
    // nothing about the widget and takes long on a busy machine.
    await page.goto(`${BASE}/hosts/dom-cost.html?embeds=${n}&widget=${withWidget ? 1 : 0}`, { waitUntil: 'domcontentloaded', timeout: TIMEOUT * 4 });
    if (withWidget) {
      await page.waitForFunction((n) => window.__kcReady && document.querySelectorAll('kloud-consent-placeholder').length === n,
        n, { timeout: TIMEOUT * 4 });
    }
    const times = await page.evaluate(async (k) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      await frame();
      const out = [];
      for (let i = 0; i < k; i++) {
        await frame();
        const div = document.createElement('div');
        div.textContent = 'an unrelated change';
        const t0 = performance.now();
        document.body.appendChild(div);
        await Promise.resolve();
        const t1 = performance.now();
        div.getBoundingClientRect();
        out.push([t1 - t0, performance.now() - t0]);
      }
      return out;
    }, DOM_CHANGES);
    return { ok: true, scriptMs: stats(times.map((t) => t[0])).median, ms: stats(times.map((t) => t[1])).median };
  } catch (e) {
    return { ok: false, error: String(e && e.message || e).split('\n')[0] };
  } finally {
    await ctx.close().catch(() => {});
  }
}

async function domCostPart() {
  const probe = await rawGet(BASE + '/ours/kloudconsent.js', { 'accept-encoding': 'identity' }).catch(() => ({ status: 0 }));
  if (probe.status !== 200) {
    log('bench: SKIPPING the DOM-change cost: dist/kloudconsent.js not found (build the widget first).');
    return;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS, headless: true, timeout: 60000 });
  const runs = [];
  try {
    log(`bench: DOM-change cost, ${DOM_EMBEDS.join(', ')} gated embeds, ${DOM_N} runs × ${DOM_CHANGES} changes, with and without the widget`);
    for (let i = 0; i < DOM_N; i++) {
      for (const n of DOM_EMBEDS) {
        for (const withWidget of [true, false]) {
          const r = await domCostRun(browser, n, withWidget);
          runs.push({ n, withWidget, round: i, ...r });
          log(`  [dom] run ${i + 1}/${DOM_N} ${String(n).padStart(5)} embeds ${withWidget ? 'with   ' : 'without'} widget: ${r.ok ? `${r.scriptMs.toFixed(2)} ms script, ${r.ms.toFixed(2)} ms with layout` : 'ERROR ' + r.error}`);
        }
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  const meta = { date: new Date().toISOString(), machine: machineInfo(), runs: DOM_N, changesPerRun: DOM_CHANGES, embeds: DOM_EMBEDS };
  try {
    meta.git = execFileSync('git', ['-C', path.join(HERE, '..'), 'describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch { meta.git = null; }
  const cell = (n, w, key) => stats(runs.filter((r) => r.ok && r.n === n && r.withWidget === w).map((r) => r[key]));
  const lines = [
    '# DOM-change cost with gated embeds', '',
    `- Date: ${meta.date}; build ${process.env.BENCH_DIST_ORIGIN || '../dist'}; bench at commit ${meta.git || '?'}`,
    `- Machine: ${meta.machine.nproc} CPUs, ${meta.machine.cpu || 'unknown CPU'}; load average at start ${meta.machine.loadavg.join(' / ')}`,
    `- What: one unrelated \`document.body.appendChild(div)\` on \`/hosts/dom-cost.html\` (the benchmark host page with N gated iframes). "Script": from before the call to after the MutationObserver callbacks (the widget's own work). "With layout": also the forced layout of the new div, which lays out the page as changed (with the widget, that page holds a placeholder per embed). Median of ${DOM_CHANGES} changes per run, then median [min–max] over ${DOM_N} runs (fresh context each). "Without" is the same page without the widget's tag.`,
    '',
    '| Gated embeds | Script, with the widget (ms) | Script, without (ms) | With layout, with the widget (ms) | With layout, without (ms) |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const n of DOM_EMBEDS) {
    lines.push(`| ${n.toLocaleString('en-US')} | ${fmtStat(cell(n, true, 'scriptMs'), 2)} | ${fmtStat(cell(n, false, 'scriptMs'), 2)} | ${fmtStat(cell(n, true, 'ms'), 2)} | ${fmtStat(cell(n, false, 'ms'), 2)} |`);
  }
  const failures = runs.filter((r) => !r.ok);
  if (failures.length) lines.push('', 'Failures:', '', ...failures.map((r) => `- ${r.n} embeds, ${r.withWidget ? 'with' : 'without'}: ${r.error}`));
  lines.push('');
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'dom-cost.json'), JSON.stringify({ meta, runs }, null, 1) + '\n');
  fs.writeFileSync(path.join(OUT, 'DOM-COST.md'), lines.join('\n'));
  log('');
  log(lines.join('\n'));
  log(`bench: wrote ${path.join(OUT, 'DOM-COST.md')} and dom-cost.json`);
  if (failures.length) process.exitCode = 1;
}

/** The HTTP status of a widget's own file (`probe`), or 200 for a peer (served from node_modules). */
async function probeStatus(w) {
  if (!WIDGETS[w].probe) return 200;
  const h = await rawGet(BASE + WIDGETS[w].probe, { 'accept-encoding': 'identity' }).catch(() => ({ status: 0 }));
  return h.status;
}

// ---------------------------------------------------------------- main
async function main() {
  // Server up?
  try {
    const h = await rawGet(`${BASE}/__bench/health`);
    if (h.status !== 200) throw new Error(`status ${h.status}`);
  } catch (e) {
    console.error(`bench: server not reachable at ${BASE} (${e.message}). Start it with: node server.mjs (or use run.sh)`);
    process.exit(2);
  }
  if (PARTS.includes('load')) await loadPart();
  if (PARTS.includes('dom')) await domCostPart();
  if (PARTS.includes('lighthouse')) await lighthousePart();
}

// ---------------------------------------------------------------- Lighthouse
/**
 * Lighthouse (npm `lighthouse`, its default mobile preset: simulated slow 4G,
 * 4× CPU, a phone screen) against Debian's Chromium on the minimal host page
 * of each widget: largest contentful paint and total blocking time, medians
 * of LIGHTHOUSE_N runs, each in a fresh browser (first visit: no stored
 * choice, so the banner is drawn). Written to LIGHTHOUSE.md and lighthouse.json.
 */
async function lighthousePart() {
  if (!LIGHTHOUSE_N) return;
  const { default: lighthouse } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const widgets = [];
  for (const w of WANT.filter((x) => x !== 'preload')) {
    if (!WIDGETS[w]) continue;
    const status = await probeStatus(w);
    if (status !== 200) { log(`bench: lighthouse: skipping ${w} (${WIDGETS[w].probe} returned ${status})`); continue; }
    widgets.push(w);
  }
  const meta = { date: new Date().toISOString(), machine: machineInfo(), lighthouse: pkgVersion('lighthouse'), n: LIGHTHOUSE_N, page: 'minimal' };
  const runs = [];
  for (let i = 0; i < LIGHTHOUSE_N; i++) {
    const k = i % widgets.length;
    for (const w of widgets.slice(k).concat(widgets.slice(0, k))) {
      const url = BASE + HOST_PAGES.minimal.url(w);
      const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_ARGS });
      try {
        const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
        const lhr = result.lhr;
        meta.chromium ??= lhr.environment && lhr.environment.hostUserAgent;
        const a = lhr.audits;
        const el = a['largest-contentful-paint-element'];
        const snippet = JSON.stringify(el && el.details || '').match(/"snippet":"((?:[^"\\]|\\.)*)"/);
        const run = {
          widget: w, round: i, ok: !lhr.runtimeError,
          lcp: a['largest-contentful-paint'].numericValue,
          tbt: a['total-blocking-time'].numericValue,
          fcp: a['first-contentful-paint'].numericValue,
          cls: a['cumulative-layout-shift'].numericValue,
          score: lhr.categories.performance.score,
          lcpElement: snippet ? JSON.parse(`"${snippet[1]}"`) : null,
          error: lhr.runtimeError ? lhr.runtimeError.message : undefined,
        };
        runs.push(run);
        log(`  [lighthouse] run ${i + 1}/${LIGHTHOUSE_N} ${w.padEnd(7)} LCP ${run.lcp.toFixed(0)} ms, TBT ${run.tbt.toFixed(0)} ms, FCP ${run.fcp.toFixed(0)} ms, CLS ${run.cls.toFixed(4)}, LCP element ${run.lcpElement}`);
      } catch (e) {
        runs.push({ widget: w, round: i, ok: false, error: String(e && e.message || e).split('\n')[0] });
        log(`  [lighthouse] run ${i + 1}/${LIGHTHOUSE_N} ${w} ERROR ${e && e.message}`);
      } finally {
        await chrome.kill();
      }
    }
  }
  const cell = (w, key, d) => fmtStat(stats(runs.filter((r) => r.widget === w && r.ok).map((r) => r[key])), d);
  const peers = PEERS.filter((p) => widgets.includes(p));
  const ratioFor = (key) => (widgets.includes('ours')
    ? ratio(stats(runs.filter((r) => r.widget === 'ours' && r.ok).map((r) => r[key])), peers.map((p) => stats(runs.filter((r) => r.widget === p && r.ok).map((r) => r[key]))))
    : 'n/a');
  const lines = ['# Lighthouse on the minimal host page', ''];
  lines.push(`- Date: ${meta.date}; Lighthouse ${meta.lighthouse}, default (mobile) preset: simulated slow 4G, 4× CPU slowdown, a phone screen; ${meta.chromium || 'Chromium'}`);
  lines.push(`- Machine: ${meta.machine.nproc} CPUs, ${meta.machine.cpu || 'unknown CPU'}; load average at start ${meta.machine.loadavg.join(' / ')}`);
  lines.push(`- N = ${LIGHTHOUSE_N} runs per widget, widgets interleaved, a fresh browser per run (a first visit: the banner is drawn). Each cell: median [min–max].`, '');
  lines.push(`| Figure | ${widgets.map((w) => WIDGETS[w].title).join(' | ')} | ours / best peer |`);
  lines.push(`| --- | ${widgets.map(() => '---:').join(' | ')} | ---: |`);
  for (const [key, label, d] of [['lcp', 'Largest contentful paint (ms)', 0], ['tbt', 'Total blocking time (ms)', 0], ['fcp', 'First contentful paint (ms)', 0], ['cls', 'Cumulative layout shift', 4], ['score', 'Performance score', 2]]) {
    lines.push(`| ${label} | ${widgets.map((w) => cell(w, key, d)).join(' | ')} | ${key === 'score' ? '' : ratioFor(key)} |`);
  }
  lines.push('');
  lines.push('Largest contentful paint element (first run of each):', '');
  for (const w of widgets) {
    const r = runs.find((x) => x.widget === w && x.ok);
    lines.push(`- ${WIDGETS[w].title}: ${r && r.lcpElement ? '`' + r.lcpElement.replace(/`/g, "'") + '`' : '–'}`);
  }
  const failures = runs.filter((r) => !r.ok);
  if (failures.length) lines.push('', 'Failures:', '', ...failures.map((r) => `- ${r.widget}: ${r.error}`));
  lines.push('');
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'lighthouse.json'), JSON.stringify({ meta, runs }, null, 1) + '\n');
  fs.writeFileSync(path.join(OUT, 'LIGHTHOUSE.md'), lines.join('\n'));
  log('');
  log(lines.join('\n'));
  log(`bench: wrote ${path.join(OUT, 'LIGHTHOUSE.md')} and lighthouse.json`);
}

/** First visit, Accept all, returning visit and Reject all, every widget: RESULTS.md. */
async function loadPart() {
  const skipped = [];
  const widgets = [];
  for (const w of WANT) {
    if (!WIDGETS[w]) { console.error(`bench: unknown widget "${w}" (known: ${Object.keys(WIDGETS).join(', ')})`); process.exit(2); }
    const status = await probeStatus(w);
    if (status !== 200) {
      const reason = 'dist/kloudconsent.js not found (build the widget first; see README)';
      log(`bench: SKIPPING ${w} — ${BASE}${WIDGETS[w].probe} returned ${status}: ${reason}. Benchmarking the peers only.`);
      skipped.push({ widget: w, reason });
      continue;
    }
    widgets.push(w);
  }
  if (!widgets.length) { console.error('bench: nothing to benchmark'); process.exit(2); }

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS, headless: true, timeout: 60000 });
  const meta = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    chromium: browser.version(),
    playwright: pkgVersion('playwright-core'),
    node: process.version,
    n: N,
    warmup: WARMUP,
    latencies: LATENCIES,
    pages: PAGES,
    viewport: '1280×800',
    versions: { ours: null, preload: null, vanilla: pkgVersion('vanilla-cookieconsent'), klaro: pkgVersion('klaro') },
    base: BASE,
    skipped,
    files: {},
  };
  log(`bench: N=${N}, conditions=${LATENCIES.map(condLabel).join('; ')}, widgets=${widgets.join(',')}, pages=${PAGES.join(',')}, warmup=${WARMUP}, Chromium ${meta.chromium}, ${meta.machine.nproc} CPUs`);

  const runs = [];
  let aborted = null;
  try {
    outer:
    for (const L of LATENCIES) {
      for (let i = -WARMUP; i < N; i++) {
        // Rotate the order each round so no widget, and no page, always goes first.
        const k = ((i % widgets.length) + widgets.length) % widgets.length;
        const order = widgets.slice(k).concat(widgets.slice(0, k));
        const j = ((i % PAGES.length) + PAGES.length) % PAGES.length;
        const pageOrder = PAGES.slice(j).concat(PAGES.slice(0, j));
        for (const P of pageOrder) for (const w of order) {
          if (Date.now() - T0 > MAX_MS) { aborted = `time budget of ${MAX_MS / 60000} min exceeded`; break outer; }
          const a = await runAccept(browser, w, L, P);
          const r = await runReject(browser, w, L, P);
          // The tool-open runs: not for `preload` (the same tool as `ours`).
          const tw = w === 'preload' ? null : await runTool(browser, w, L, P, true);
          const tc = w === 'preload' ? null : await runTool(browser, w, L, P, false);
          for (const x of [a, r, tw, tc].filter(Boolean)) { x.round = i; x.warmup = i < 0; runs.push(x); }
          const toolLog = tw ? `, tool ${tw.ok ? tw.tool.openMs.toFixed(1) : 'ERROR ' + tw.error} / cold ${tc.ok ? tc.tool.openMs.toFixed(1) : 'ERROR ' + tc.error} ms` : '';
          const tag = `${i < 0 ? 'warm-up' : `run ${i + 1}/${N}`} ${P.padEnd(7)}`;
          if (a.ok) {
            log(`  [${condLabel(L)}] ${tag} ${w.padEnd(7)} banner ${a.first.bannerMs.toFixed(1)} ms, LT ${a.first.longTaskMs.toFixed(0)} ms, CLS ${a.first.cls.toFixed(4)}, accept→ran ${a.accept.clickToAnalyticsMs.toFixed(1)} ms, return→ran ${a.returning.navToAnalyticsMs.toFixed(1)} ms, ${a.first.widgetRequests} req ${a.first.widgetEncodedBytes} B br${a.gatedBeforeChoice ? ' GATED-BEFORE-CHOICE!' : ''}${toolLog}; reject ${r.ok ? (r.gatedAfterReject || r.gatedAfterReload ? 'GATED RAN!' : 'ok') : 'ERROR ' + r.error}`);
          } else {
            log(`  [${condLabel(L)}] ${tag} ${w.padEnd(7)} ERROR ${a.error}; reject ${r.ok ? 'ok' : 'ERROR ' + r.error}`);
          }
        }
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  if (aborted) log(`bench: stopped early: ${aborted}`);

  // Per-file sizes (brotli/raw from the browser; gzip from a direct request),
  // per page: what a widget fetches in its first 2 s may depend on the page.
  for (const P of PAGES) for (const w of widgets) {
    const mine = runs.filter((r) => r.widget === w && r.page === P && r.kind === 'accept' && r.ok);
    const first = mine.find((r) => !r.warmup) || mine[0];
    if (!first) continue;
    meta.files[P] ??= {};
    meta.files[P][w] = [];
    for (const f of first.first.widgetFiles) {
      let gz = null;
      let sha256 = null;
      try {
        const g = await rawGet(BASE + f.path, { 'accept-encoding': 'gzip' });
        gz = g.headers['content-encoding'] === 'gzip' ? g.bytes : null;
        const raw = await rawGet(BASE + f.path, { 'accept-encoding': 'identity' });
        if (raw.status === 200) sha256 = crypto.createHash('sha256').update(raw.body).digest('hex');
      } catch { /* ignore */ }
      meta.files[P][w].push({ path: f.path, type: f.type, encoded: f.encoded, decoded: f.decoded, gzip: gz, sha256 });
    }
  }
  if (widgets.includes('ours')) {
    meta.oursDist = process.env.BENCH_DIST_ORIGIN || process.env.BENCH_DIST || path.join('..', 'dist');
    try {
      const head = execFileSync('git', ['-C', path.join(HERE, '..'), 'describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      meta.oursGit = head || null;
    } catch { meta.oursGit = null; }
    try {
      const m = /^version\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(HERE, '..', 'Cargo.toml'), 'utf8'));
      meta.versions.ours = meta.versions.preload = m ? m[1] : null;
    } catch { /* ignore */ }
  }

  const summary = summarize(runs, widgets);
  meta.aborted = aborted;
  meta.loadavgEnd = os.loadavg().map((x) => +x.toFixed(2));
  meta.durationS = Math.round((Date.now() - T0) / 1000);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ meta, summary, runs }, null, 1) + '\n');
  const md = markdown(meta, summary, widgets);
  fs.writeFileSync(path.join(OUT, 'RESULTS.md'), md);
  log('');
  log(md.split('## Widget files')[0]);
  log(`bench: wrote ${path.join(OUT, 'RESULTS.md')} and results.json in ${meta.durationS} s`);

  // Exit non-zero when a correctness check failed (useful in CI), 0 otherwise.
  const bad = Object.values(summary).some((byL) => Object.values(byL).some((byW) => Object.values(byW).some((s) => s.checks.gatedBeforeChoice || s.checks.gatedAfterReject || s.checks.gatedAfterReload)));
  process.exitCode = bad ? 1 : 0;
}

main().catch((e) => { console.error(e); process.exit(1); });
