#!/usr/bin/env node
// Static server for the KloudConsent benchmark. Node built-ins only.
//
//   node server.mjs [--port 8790] [--host 127.0.0.1] [--latency 0] [--dist ../dist]
//
// Mounts (URL prefix -> directory):
//   /ours/     -> KloudConsent dist/ (BENCH_DIST or --dist, default ../dist)
//   /vanilla/  -> node_modules/vanilla-cookieconsent/dist/
//   /klaro/    -> node_modules/klaro/dist/
//   /          -> pages/ (host pages in /hosts/, gated scripts in /common/)
//
// Generated host pages (made from pages/hosts/*.html on every request, so
// they cannot drift from the files): /hosts/ours-preload.html,
// /hosts/minimal/{ours,ours-preload,vanilla,klaro}.html and
// /hosts/dom-cost.html?embeds=N&widget=1|0 (see the functions below).
//
// Content-Encoding is negotiated from Accept-Encoding (br > gzip > identity).
// A precompressed sibling (file.br / file.gz) is used when it exists and is
// not older than the file (to the second); otherwise the file is compressed on the fly
// (brotli quality 11, gzip level 9) and the result is kept in memory.
//
// Latency: every response is held back by `x-bench-latency` ms (request
// header, set per browser context by the driver) or, without that header, by
// the --latency / BENCH_LATENCY_MS default. Cached responses never reach the
// server, so a returning visit pays latency only for what it re-fetches.
//
// Cache-Control: host pages `no-store` (every visit fetches the page);
// everything else `public, max-age=3600` so a returning visit within the same
// browser context reuses the HTTP cache.
//
// GET /__bench/health -> 200 "ok" (for run.sh).

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const HERE = path.dirname(fileURLToPath(import.meta.url));

function arg(name, envName, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (envName && process.env[envName] !== undefined && process.env[envName] !== '') return process.env[envName];
  return dflt;
}

const HOST = arg('host', 'BENCH_HOST', '127.0.0.1');
const PORT = Number(arg('port', 'BENCH_PORT', '8790'));
const DEFAULT_LATENCY = Number(arg('latency', 'BENCH_LATENCY_MS', '0'));
const DIST = path.resolve(HERE, arg('dist', 'BENCH_DIST', path.join('..', 'dist')));
const QUIET = process.argv.includes('--quiet');

const MOUNTS = [
  ['/ours/', DIST],
  ['/vanilla/', path.join(HERE, 'node_modules', 'vanilla-cookieconsent', 'dist')],
  ['/klaro/', path.join(HERE, 'node_modules', 'klaro', 'dist')],
  ['/', path.join(HERE, 'pages')],
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};
// Types worth compressing (images/fonts are already compressed).
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.map', '.svg', '.txt', '.ico']);

/** Pick the encoding from an Accept-Encoding header: br > gzip > identity (q=0 respected). */
function negotiate(header) {
  const accepted = new Map();
  for (const part of String(header || '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    accepted.set(name, q);
  }
  const ok = (n) => (accepted.has(n) ? accepted.get(n) > 0 : accepted.has('*') && accepted.get('*') > 0);
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

// key: `${file}|${mtimeMs}|${size}|${enc}` -> Promise<Buffer>
const compressedCache = new Map();

async function encodedBody(file, stat, enc) {
  if (enc === 'identity') return fsp.readFile(file);
  const sibling = `${file}.${enc === 'br' ? 'br' : 'gz'}`;
  try {
    const s = await fsp.stat(sibling);
    // Whole seconds: tools such as the brotli CLI copy the source's mtime truncated.
    if (s.isFile() && Math.floor(s.mtimeMs / 1000) >= Math.floor(stat.mtimeMs / 1000)) return fsp.readFile(sibling);
  } catch { /* no precompressed sibling */ }
  const key = `${file}|${stat.mtimeMs}|${stat.size}|${enc}`;
  let p = compressedCache.get(key);
  if (!p) {
    p = fsp.readFile(file).then((raw) => enc === 'br'
      ? brotli(raw, { params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        } })
      : gzip(raw, { level: 9 }));
    compressedCache.set(key, p);
    p.catch(() => compressedCache.delete(key));
  }
  return p;
}

function resolveFile(urlPath) {
  for (const [prefix, dir] of MOUNTS) {
    if (!urlPath.startsWith(prefix)) continue;
    let rel = urlPath.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const full = path.resolve(dir, rel);
    if (full !== dir && !full.startsWith(dir + path.sep)) return { forbidden: true };
    return { file: full, mount: prefix };
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The information-only "preload" widget's page is ours.html plus the wasm
// preload hint docs/embedding.md offers, made here so the two pages cannot drift.
const PRELOAD_PAGE = '/hosts/ours-preload.html';
const OURS_TAG = '<script src="/ours/kloudconsent.js" defer></script>';
async function readHost(name) {
  return fsp.readFile(path.join(HERE, 'pages', 'hosts', `${name}.html`), 'utf8');
}
function withPreload(ours) {
  if (!ours.includes(OURS_TAG)) throw new Error(`ours.html no longer has ${OURS_TAG}`);
  return ours
    .replace('<title>Bench host: KloudConsent</title>', '<title>Bench host: KloudConsent with a wasm preload hint</title>')
    .replace(OURS_TAG, '<link rel="preload" href="/ours/kloudconsent_bg.wasm" as="fetch" type="application/wasm" crossorigin>\n' + OURS_TAG);
}

// The minimal host pages: each widget's full host page cut down to a short
// article, so the widget's own cost is not hidden behind the page's (issue
// 12). Made here from the full page, not kept as files, so the widget's
// embedding cannot drift between the two variants: the <head> is kept as it
// is (the widget's tags and configuration; only the site's stylesheet goes),
// and so is the body's tail from the "Gated scripts" comment on (the two
// gated scripts, in the widget's own markup). What goes is the header, the
// hero image, the long text and the footer.
//   /hosts/minimal/{ours,ours-preload,vanilla,klaro}.html
const MINIMAL_PREFIX = '/hosts/minimal/';
const MINIMAL_HOSTS = ['ours', 'ours-preload', 'vanilla', 'klaro'];
const SITE_CSS = '<link rel="stylesheet" href="/common/site.css">\n';
const GATED_MARK = '<!-- Gated scripts';
const MINIMAL_ARTICLE = `<article>
  <h1>A short article</h1>
  <p>A page with little of its own: one heading, two paragraphs, no images and no stylesheet, so what a consent widget costs is most of what the page costs.</p>
  <p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. Integer nec odio. Praesent libero. Sed cursus ante dapibus diam. <a href="#" data-kloudconsent-open>Cookie settings</a></p>
</article>
`;
function minimalOf(full, name) {
  const bodyAt = full.indexOf('<body>');
  const gatedAt = full.indexOf(GATED_MARK);
  if (!full.includes(SITE_CSS) || bodyAt === -1 || gatedAt < bodyAt || !/<title>Bench host: /.test(full)) {
    throw new Error(`${name}.html changed shape: the minimal page needs its site stylesheet link, <body> and a "${GATED_MARK}" comment before the gated scripts`);
  }
  return full.slice(0, bodyAt)
    .replace(SITE_CSS, '')
    .replace('<title>Bench host: ', '<title>Bench host (minimal page): ')
    + '<body>\n' + MINIMAL_ARTICLE + full.slice(gatedAt);
}

/** The generated host page at `urlPath`, or null when that path is not one. */
async function generatedPage(urlPath, params) {
  if (urlPath === PRELOAD_PAGE) return withPreload(await readHost('ours'));
  if (urlPath === DOM_COST_PAGE) return domCostPage(params);
  if (urlPath.startsWith(MINIMAL_PREFIX) && urlPath.endsWith('.html')) {
    const name = urlPath.slice(MINIMAL_PREFIX.length, -'.html'.length);
    if (!MINIMAL_HOSTS.includes(name)) return null;
    const full = name === 'ours-preload' ? withPreload(await readHost('ours')) : await readHost(name);
    return minimalOf(full, name);
  }
  return null;
}

// The DOM-change cost pages (bench.mjs, "dom" part): ours.html with N gated
// iframes in its main column, with or without the widget's tag (the same
// markup otherwise: without the widget the iframes simply stay empty).
//   /hosts/dom-cost.html?embeds=N&widget=1|0
const DOM_COST_PAGE = '/hosts/dom-cost.html';
async function domCostPage(params) {
  const n = Math.max(0, Math.min(5000, Number(params.get('embeds')) || 0));
  const withWidget = params.get('widget') !== '0';
  const ours = await readHost('ours');
  if (!ours.includes(OURS_TAG) || !ours.includes('</main>')) throw new Error('ours.html changed shape');
  const embeds = Array.from({ length: n }, (_, i) =>
    `<iframe data-consent="marketing" data-src="/common/frame.html?${i}" width="320" height="180" title="Embed ${i}"></iframe>`).join('\n');
  return ours
    .replace('<title>Bench host: KloudConsent</title>', `<title>Bench host: ${n} gated embeds${withWidget ? '' : ', no widget'}</title>`)
    .replace(OURS_TAG, withWidget ? OURS_TAG : '')
    .replace('</main>', `<section id="embeds">\n${embeds}\n</section>\n</main>`);
}

function send(res, status, headers, body, method) {
  res.writeHead(status, headers);
  if (method === 'HEAD') res.end(); else res.end(body);
}

const server = http.createServer(async (req, res) => {
  const started = Date.now();
  let status = 500;
  let urlPath = '/';
  try {
    const u = new URL(req.url, 'http://x');
    urlPath = decodeURIComponent(u.pathname);
    const latency = Math.max(0, Math.min(10000,
      Number(req.headers['x-bench-latency'] ?? DEFAULT_LATENCY) || 0));
    if (latency > 0) await sleep(latency);

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      status = 405;
      return send(res, status, { 'content-type': 'text/plain', allow: 'GET, HEAD' }, 'method not allowed\n', req.method);
    }
    if (urlPath === '/__bench/health') {
      status = 200;
      return send(res, status, { 'content-type': 'text/plain', 'cache-control': 'no-store' }, 'ok\n', req.method);
    }
    if (urlPath === '/favicon.ico') {
      status = 204;
      return send(res, status, { 'cache-control': 'public, max-age=86400' }, '', req.method);
    }
    if (urlPath.endsWith('.br') || urlPath.endsWith('.gz')) {
      status = 404; // precompressed siblings are an implementation detail
      return send(res, status, { 'content-type': 'text/plain', 'cache-control': 'no-store' }, 'not found\n', req.method);
    }
    const generated = await generatedPage(urlPath, u.searchParams);
    if (generated !== null) {
      const enc = negotiate(req.headers['accept-encoding']);
      const page = Buffer.from(generated);
      const body = enc === 'br' ? await brotli(page) : enc === 'gzip' ? await gzip(page, { level: 9 }) : page;
      const headers = { 'content-type': TYPES['.html'], 'content-length': body.length, 'cache-control': 'no-store', vary: 'Accept-Encoding' };
      if (enc !== 'identity') headers['content-encoding'] = enc;
      status = 200;
      return send(res, status, headers, body, req.method);
    }
    const r = resolveFile(urlPath);
    if (!r || r.forbidden) {
      status = r && r.forbidden ? 403 : 404;
      return send(res, status, { 'content-type': 'text/plain', 'cache-control': 'no-store' }, 'not found\n', req.method);
    }
    let stat;
    try { stat = await fsp.stat(r.file); } catch { stat = null; }
    if (!stat || !stat.isFile()) {
      status = 404;
      return send(res, status, { 'content-type': 'text/plain', 'cache-control': 'no-store' }, 'not found\n', req.method);
    }
    const ext = path.extname(r.file).toLowerCase();
    const type = TYPES[ext] || 'application/octet-stream';
    const enc = COMPRESSIBLE.has(ext) ? negotiate(req.headers['accept-encoding']) : 'identity';
    const body = await encodedBody(r.file, stat, enc);
    const isHostPage = r.mount === '/' && ext === '.html';
    const headers = {
      'content-type': type,
      'content-length': body.length,
      'cache-control': isHostPage ? 'no-store' : 'public, max-age=3600',
      'last-modified': stat.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
      'timing-allow-origin': '*',
    };
    if (COMPRESSIBLE.has(ext)) headers.vary = 'Accept-Encoding';
    if (enc !== 'identity') headers['content-encoding'] = enc;
    status = 200;
    return send(res, status, headers, body, req.method);
  } catch (err) {
    status = 500;
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`error: ${err && err.message}\n`);
  } finally {
    if (!QUIET) {
      process.stdout.write(`${new Date().toISOString()} ${req.method} ${urlPath} ${status} ${Date.now() - started}ms\n`);
    }
  }
});

server.keepAliveTimeout = 5000;
server.listen(PORT, HOST, () => {
  const a = server.address();
  process.stdout.write(`bench server listening on http://${a.address}:${a.port} (ours from ${DIST}${fs.existsSync(path.join(DIST, 'kloudconsent.js')) ? '' : ' — kloudconsent.js not present'})\n`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { server.close(); process.exit(0); });
}
