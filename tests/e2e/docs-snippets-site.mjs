// A pretend site for the docs' snippets: the page is served as
// https://www.kloudstack.com.au/ (so a `cookie.domain` of ".kloudstack.com.au"
// and `Secure` apply), `dist/` as https://cdn.example.net/kloudconsent/, as
// /kloudconsent/ on the site, and as the npm CDN's copy of this release
// (https://cdn.jsdelivr.net/npm/kloudconsent@<version>/dist/: another
// version is not there), and every other URL a snippet names (Google's
// tags, YouTube, example.net) by a stub that records the request. All of it
// through Playwright routing: nothing leaves the machine.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, extname } from "node:path";
import { openPage } from "./helpers.mjs";
import { ROOT } from "./docs-snippets-extract.mjs";
import { VERSION } from "../../www/version.mjs";

export const SITE = "https://www.kloudstack.com.au";
export const CDN = "https://cdn.example.net/kloudconsent/";
/** The npm package's dist/ on a CDN that serves npm packages, this version. */
export const NPM_CDN = `https://cdn.jsdelivr.net/npm/kloudconsent@${VERSION}/dist/`;
/** The embed tag the docs show; added to a host page whose snippet has none. */
export const EMBED_TAG = `<script src="${CDN}kloudconsent.js" defer></script>`;

const DIST = join(ROOT, "dist");
const TYPES = { ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm" };
// A 1×1 transparent GIF.
const PIXEL = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const CORS = { "access-control-allow-origin": "*" };

/**
 * A fresh context and page (helpers.mjs `openPage`: errors and console
 * recorded, kloudconsent events recorded) routed to the pretend site.
 * `files` maps a site path to `{body, type}`. Returns `{context, page,
 * requests, distHits}`: `requests` lists every stubbed request in order
 * (`{url, method, type, body}`), `distHits` counts fetches per dist file.
 */
export async function openSite(env, files, contextOptions = {}) {
  const { context, page } = await openPage(env, { reducedMotion: "reduce", ...contextOptions });
  const requests = [];
  const distHits = {};
  await context.route("**/*", async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const dist = distFile(url);
    if (dist) {
      distHits[dist] = (distHits[dist] || 0) + 1;
      return route.fulfill({
        body: await readFile(join(DIST, dist)),
        headers: { "content-type": TYPES[extname(dist)] || "application/octet-stream", ...CORS },
      });
    }
    const file = url.origin === SITE && files[url.pathname];
    if (file) return route.fulfill({ body: file.body, headers: { "content-type": file.type, ...CORS } });
    requests.push({ url: req.url(), method: req.method(), type: req.resourceType(), body: req.postData() });
    return route.fulfill(stub(req));
  });
  return { context, page, requests, distHits };
}

/** The dist/ file a URL names, or null. */
function distFile(url) {
  let name = null;
  if (url.href.startsWith(CDN)) name = url.href.slice(CDN.length);
  else if (url.href.startsWith(NPM_CDN)) name = url.href.slice(NPM_CDN.length);
  else if (url.origin === SITE && url.pathname.startsWith("/kloudconsent/")) name = url.pathname.slice("/kloudconsent/".length);
  // dist/'s own files and its built-in translations (i18n/<lang>.json).
  return name && /^(i18n\/)?\w[\w.-]*$/.test(name) && existsSync(join(DIST, name)) ? name : null;
}

/** A harmless answer of the right kind; a stub script records that it ran. */
function stub(req) {
  const url = req.url();
  switch (req.resourceType()) {
    case "script":
      return {
        body: `(window.__stubRuns = window.__stubRuns || []).push(${JSON.stringify(url)});`,
        headers: { "content-type": "text/javascript", ...CORS },
      };
    case "document":
      return { body: "<!doctype html><title>stub</title><p>embedded content</p>", headers: { "content-type": "text/html" } };
    case "image":
      return { body: PIXEL, headers: { "content-type": "image/gif", ...CORS } };
    case "stylesheet":
      return { body: "", headers: { "content-type": "text/css" } };
    default:
      return { status: 204, headers: CORS };
  }
}

/** A host page: the optional inline config, the snippet, the embed tag unless the snippet has one, extra body. */
export function hostHtml({ snippet = "", config, body = "" }) {
  const inline = config === undefined ? ""
    : `<script type="application/json" id="kloudconsent-config">${JSON.stringify(config)}</script>`;
  const tag = /kloudconsent\.js/.test(snippet) ? "" : EMBED_TAG;
  if (/<head[\s>]/i.test(snippet)) {
    return `<!doctype html><html lang="en">\n${snippet}\n<body><h1>Docs snippet</h1>\n${inline}\n${tag}\n${body}\n</body></html>`;
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Docs snippet</title>
${inline}</head><body><h1>Docs snippet</h1>
${snippet}
${tag}
${body}
</body></html>`;
}

/** Retries `check` (which throws while not yet true) for up to `ms`; then rethrows its last error. */
export async function eventually(check, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Two animation frames and a task: lets the widget finish what a call started. */
export const settle = (page) => page.evaluate(() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)))));

// Browser warnings about a snippet that are not the snippet's fault: YouTube's
// own embed code allows `web-share`, which Chromium on Linux does not have.
const HARMLESS = [/^warning: Unrecognized feature: 'web-share'\.$/];

/** Console errors and warnings, and uncaught page errors, as one list. */
export const problems = (page) => [
  ...page.errors.map((e) => `page error: ${e}`),
  ...page.logs.filter((l) => /^(error|warning): /.test(l) && !HARMLESS.some((h) => h.test(l))),
];
