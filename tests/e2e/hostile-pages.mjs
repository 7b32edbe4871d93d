// Host pages carrying markup an attacker can post without any script (issue
// 18's threat model: a CMS or sanitizer lets `name`, `id` and `data-*`
// through), served by server.mjs at /__hostile/<name>.html so that the
// Chromium suite (tests/e2e/security-loader.test.mjs) and the Firefox one
// (tests/firefox/security.test.mjs) load the very same pages.
//
// Every page records page errors and kloudconsent:* events (record.js), has
// the usual gated pair and an opener link. `/__copy/intact/` stands for an
// attacker's server: it serves a working copy of dist/ and, for any
// `consent.json` or `__config`, EVIL_CONFIG, a policy that marks marketing
// as required (so the gated marketing script would run before any consent).

/** The attacker's policy: marketing required, its own banner title. */
export const EVIL_CONFIG = {
  texts: { bannerTitle: "Evil policy" },
  categories: [
    { id: "necessary", label: "Strictly necessary", required: true },
    { id: "analytics", label: "Performance and analytics" },
    { id: "marketing", label: "Marketing and communication", required: true },
  ],
};
/** The site's own policy, where a page has one: only the title differs from the default. */
export const SITE_TITLE = "Site policy";
const SITE_CONFIG = JSON.stringify({ texts: { bannerTitle: SITE_TITLE } });
const SITE_CONFIG_URL = "/__config?body=" + encodeURIComponent(SITE_CONFIG);
const EVIL = "/__copy/intact/consent.json";

const GATED = `
<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>
<script type="text/plain" data-consent="marketing" src="/demo/marketing.js"></script>`;
const TAG = `<script src="/kloudconsent.js" defer></script>`;
/** A classic script that holds the parser for 1.5 s: the page is still loading meanwhile. */
const SLOW = `<script src="/__config?delay=1500&type=text/javascript&body=window.__slowDone%3D1"></script>`;

/**
 * name -> { what, head, body, title, ignoredConfigs, engineGap }: `head` goes
 * after record.js, `body` before the gated pair; `title` is the banner title
 * the page must show; `ignoredConfigs` how many elements the warning about
 * `id="kloudconsent-config"` counts. `engineGap` names what the same markup
 * still breaks in the engine (the Rust side reads `document` directly): the
 * test of a working widget on that page is marked todo until it is fixed,
 * and with `engineGapAll` the page's first test too.
 */
export const HOSTILE_PAGES = {
  // ---- finding 1: document.currentScript clobbered -------------------------
  "current-script-img": {
    what: "<img name=currentScript> pointing at an attacker's copy of dist/ and config",
    head: TAG,
    body: `<img name="currentScript" src="/__copy/intact/p.png" data-config="${EVIL}" alt="">`,
  },
  "current-script-bad-url": {
    what: "<img name=currentScript> whose src is not a URL (reading it used to throw)",
    head: TAG,
    body: `<img name="currentScript" src="http://[" alt="">`,
  },
  "current-script-form": {
    what: "<form name=currentScript> carrying an attacker's data-config",
    head: TAG,
    body: `<form name="currentScript" data-config="${EVIL}"></form>`,
  },
  "current-script-embed": {
    what: "<embed name=currentScript> with a src in an attacker's directory",
    head: TAG,
    body: `<embed name="currentScript" type="image/png" src="/__copy/intact/p.png" data-config="${EVIL}">`,
  },
  "current-script-object": {
    what: "<object name=currentScript> carrying an attacker's data-config",
    head: TAG,
    body: `<object name="currentScript" data-config="${EVIL}"></object>`,
  },
  "current-script-iframe": {
    what: "<iframe name=currentScript>: document.currentScript is then a window",
    head: TAG,
    body: `<iframe name="currentScript" srcdoc="framed"></iframe>`,
  },
  // ---- finding 2: an injected <base> ----------------------------------------
  "base-injected": {
    what: "a <base href> in the body, after a relative tag with a relative data-config",
    head: `<script src="../kloudconsent.js" data-config="..${SITE_CONFIG_URL}" defer></script>`,
    body: `<base href="/__copy/intact/x/">`,
    title: SITE_TITLE,
  },
  "base-before-tag": {
    what: "control: the site's own <base href> before a relative tag still works",
    head: `<base href="/"><script src="kloudconsent.js" data-config="${SITE_CONFIG_URL.slice(1)}" defer></script>`,
    body: "",
    title: SITE_TITLE,
  },
  // ---- other document and window names the loader reads ----------------------
  "get-element-by-id": {
    what: "<img name=getElementById>",
    head: TAG,
    body: `<img name="getElementById" alt="">`,
  },
  "query-selector-all": {
    what: "<img name=querySelectorAll> (the loader looks for its config and <base> with it)",
    head: TAG,
    body: `<img name="querySelectorAll" alt="">`,
  },
  "base-uri": {
    what: "<img name=baseURI> on a page with a data-config",
    head: `<script src="/kloudconsent.js" data-config="${SITE_CONFIG_URL}" defer></script>`,
    body: `<img name="baseURI" alt="">`,
    title: SITE_TITLE,
  },
  "ready-state": {
    what: "<img name=readyState> before a classic tag, the page still loading",
    head: "",
    body: `<img name="readyState" alt=""><script src="/kloudconsent.js"></script>${SLOW}`,
  },
  "add-event-listener": {
    what: "<img name=addEventListener> before a classic tag, the page still loading",
    head: "",
    body: `<img name="addEventListener" alt=""><script src="/kloudconsent.js"></script>${SLOW}`,
  },
  "head-iframe": {
    what: "<iframe name=head>: document.head is then a window (the loader adds the tool's script to the head)",
    head: TAG,
    body: `<iframe name="head" srcdoc="framed"></iframe>`,
  },
  "form-controls": {
    what: "a <form> whose controls are named after element methods (it sits next to the widget, which makes the page inert)",
    head: TAG,
    body: `<form><input name="hasAttribute"><input name="setAttribute"><input name="removeAttribute"><input name="closest"></form>`,
  },
  "create-element": {
    what: "<img name=createElement>",
    head: TAG,
    body: `<img name="createElement" alt="">`,
  },
  "cookie": {
    what: "<img name=cookie> (the engine reads and writes document.cookie)",
    head: TAG,
    body: `<img name="cookie" alt="">`,
  },
  "body-form": {
    what: `<form name="body" hidden>`,
    head: TAG,
    body: `<form name="body" hidden></form>`,
  },
  // ---- finding 8: the once-per-page guard -------------------------------------
  "loaded-flag": {
    what: `<div id="__kloudconsentLoaded">`,
    head: TAG,
    body: `<div id="__kloudconsentLoaded"></div>`,
  },
  "api-name": {
    what: `<div id="kloudconsent">: not a page-defined API, no warning`,
    head: TAG,
    body: `<div id="kloudconsent"></div>`,
  },
  "data-layer": {
    what: `<div id="dataLayer"> on a page with Consent Mode`,
    head: `<script type="application/json" id="kloudconsent-config">{"googleConsentMode": true}</script>${TAG}`,
    body: `<div id="dataLayer"></div>`,
  },
  // ---- finding 6: where the inline config may come from -----------------------
  "config-div": {
    what: `<div id="kloudconsent-config" hidden> with a policy in user content`,
    head: TAG,
    body: `<div id="kloudconsent-config" hidden>${JSON.stringify(EVIL_CONFIG)}</div>`,
    ignoredConfigs: 1,
  },
  "config-div-first": {
    what: "the same <div> placed before the site's own inline config",
    head: "",
    body: `<div id="kloudconsent-config" hidden>${JSON.stringify(EVIL_CONFIG)}</div>
<script type="application/json" id="kloudconsent-config">${SITE_CONFIG}</script>${TAG}`,
    title: SITE_TITLE,
    ignoredConfigs: 1,
  },
  "config-after-tag": {
    what: `a <script type="application/json" id="kloudconsent-config"> after the tag`,
    head: TAG,
    body: `<script type="application/json" id="kloudconsent-config">${JSON.stringify(EVIL_CONFIG)}</script>`,
    ignoredConfigs: 1,
  },
};

/** The HTML of hostile page `name`, or null. */
export function hostilePage(name) {
  const p = HOSTILE_PAGES[name];
  if (!p) return null;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>hostile markup: ${name}</title>
<script src="/fixtures/record.js"></script>
${p.head}</head>
<body>
  <h1>${p.what.replace(/</g, "&lt;")}</h1>
  <a href="#" id="open-prefs" data-kloudconsent-open>Manage Cookie Preferences</a>
  ${p.body}
  ${GATED}
</body>
</html>`;
}
