// KloudConsent loader. assemble.mjs wraps this file, together with the
// wasm-bindgen "no-modules" glue, into dist/kloudconsent.js:
//
//   (function () { <guard> <glue defining wasm_bindgen> <this file> })();
//
// Why a classic script and not an ES module: the embed is one plain
// `<script src=... defer>` tag; a classic script can see its own element
// (document.currentScript: its src, data-config and nonce) and, being a single
// file, starts the wasm download the moment it runs, with no module chain.
// The config fetch (data-config) starts in parallel with the wasm download,
// and so, once the config is known, does the translation the visitor needs.
//
// It also defines `window.kloudconsent` at once, so page code can call
// `kloudconsent.on(...)` right after the tag; calls that need the engine are
// queued until it has booted.
//
// What it trusts (docs/security.md): the page's own scripts. Not markup a
// CMS lets users write: everything read from `document` and `window` goes
// through the prototypes the guard captured (`native`, `querySelectorAll`,
// `readyState`, `listen`, `dispatch`) or is checked to be an own property
// (`hasOwn`), because named access lets `<img name=X>` or `id=X` stand in
// for document.X or window.X.

// Defined by the wrapper's first lines (www/assemble.mjs), before the glue:
// `script` (this tag, or null), `pageBase`, `wasmUrl` and `wasmResponse` (the
// wasm download, started before anything else), and the captured natives.
var CONFIG_TIMEOUT_MS = 4000;
var CONFIG_ID = "kloudconsent-config";
var configUrl = script && script.getAttribute("data-config");

/**
 * The inline config: the first `<script type="application/json"
 * id="kloudconsent-config">` that comes before our own tag. Only a script
 * element, because markup users may post (a `<div id=...>`) must not set the
 * policy; only before the tag, because what comes after it (comments, user
 * content at the end of the page) is less trusted. Being before the tag, it
 * is already parsed now, so it is read once, here.
 */
function isInlineConfig(el) {
  return el instanceof ScriptElement && !!script &&
    el.type.trim().toLowerCase() === "application/json" &&
    !!(el.compareDocumentPosition(script) & 4 /* FOLLOWING */);
}
function configElements() {
  return querySelectorAll.call(doc, '[id="' + CONFIG_ID + '"]');
}
var inlineConfig = null;
if (!configUrl) {
  for (var i = 0, all = configElements(); i < all.length && !inlineConfig; i++) {
    if (isInlineConfig(all[i])) inlineConfig = all[i];
  }
}
var inlineText = inlineConfig && inlineConfig.textContent;

/** Every other element with the config's id is ignored, with a warning. */
function warnIgnoredConfigs() {
  if (configUrl) return;
  var all = configElements(), ignored = 0;
  for (var i = 0; i < all.length; i++) if (all[i] !== inlineConfig) ignored++;
  if (ignored) {
    console.warn("kloudconsent: ignored " + ignored + ' element(s) with id="' + CONFIG_ID +
      '": an inline config must be a <script type="application/json"> placed before the kloudconsent.js tag.');
  }
}

/** The URL of `file`, next to kloudconsent.js. */
function fileUrl(file) {
  return new URL(file, loaderUrl).href;
}

/** `response`'s text, or an Error; for fetchText. */
function okText(r) {
  if (!r.ok) throw new Error("HTTP " + r.status);
  return r.text();
}

/**
 * `start()`'s response text as {text} or {error}; never rejects (a bad URL
 * or a refused integrity check included).
 */
function fetchText(start) {
  return Promise.resolve() // so a bad URL rejects instead of throwing
    .then(start)
    .then(okText)
    .then(function (text) { return { text: text }; },
          function (e) { return { error: "could not be fetched (" + (e && e.message || e) + ")" }; });
}

/**
 * `promise`, or {error} once `ms` have passed and the engine's wasm has
 * arrived (or failed): a file the engine could not have used yet is never
 * given up on. (A slow link where the config came at 4.5 s and the wasm at
 * 7 s had the banner drawn from the built-in default, and the visitor's
 * decision stored against it.)
 */
function within(promise, ms) {
  var waited = Promise.all([new Promise(function (resolve) { setTimeout(resolve, ms); }),
    started.then(null, function () {})]);
  return Promise.race([promise, waited.then(function () { return { error: "timed out after " + ms + " ms" }; })]);
}

/** Resolves to {text, origin} or {error, origin}; never rejects. */
function loadConfig() {
  if (configUrl) {
    return within(fetchText(function () {
      return fetch(new URL(configUrl, pageBase), { __proto__: null, credentials: "same-origin" });
    }), CONFIG_TIMEOUT_MS).then(function (r) {
      r.origin = "data-config " + configUrl;
      return r;
    });
  }
  return Promise.resolve(inlineConfig ? { text: inlineText, origin: "#" + CONFIG_ID } : { origin: "built-in default" });
}

// ---- translations: i18n/<lang>.json next to kloudconsent.js, only for a
// visitor who needs one. Each is pinned by its SHA-384, listed in
// i18n/index.json, which is itself pinned (PINNED, www/assemble.mjs): a
// swapped or corrupted file is refused, and the page stays in English.
// The built-in translations there are (assemble.mjs fills the list in).
var LANGS = "__KC_LANGS__";
var TRANSLATION_TIMEOUT_MS = 3000;
var translations = {};
var translationIndex = null;

/**
 * i18n/<lang>.json as {text} or {error}, fetched once per page; how long it
 * is waited for is the boot's to say (`within`). Each error completes "the
 * translation <url> …" and names the file that was refused: a refused index
 * is usually a cached old loader meeting a new one (a service worker's
 * precache without .json).
 */
function translation(lang) {
  var url = fileUrl("i18n/" + lang + ".json");
  translationIndex = translationIndex || fetchPinned("i18n/index.json").then(okText).then(JSON.parse).then(null, function () {
    throw "was not fetched: " + fileUrl("i18n/index.json") + " is " + UNREACHABLE + "kloudconsent.js)";
  });
  return translations[lang] || (translations[lang] = translationIndex.then(function (index) {
    if (!hasOwn.call(index, lang)) throw "is not in i18n/index.json";
    return fetchHashed(url, index[lang]).then(okText, function () { throw "is " + UNREACHABLE + "i18n/index.json)"; });
  }).then(function (text) { return { text: text }; }, function (e) { return { error: "" + e }; }));
}

/** The page's `<html lang>` and the browser's languages, for the engine. */
function pageLang() {
  var root = documentElement.call(doc);
  return root && root.lang || "";
}
function browserLangs() {
  return navigator.languages || [navigator.language || ""];
}

/**
 * Starts the download of the translation this visitor most likely needs as
 * soon as the config is known, alongside the wasm's: a guess from the
 * config's `language` ("auto": the page's <html lang>, else the browser's
 * first language). The engine decides (kc_config) and then asks for this
 * same file, already on its way, or for another when the guess was wrong.
 * Not for English: the core has it (the engine asks for i18n/en.json only
 * when the config is written in another language).
 */
function guessTranslation(text) {
  try {
    var lang = JSON.parse(text).language;
    if (lang === "auto") lang = pageLang() || browserLangs()[0];
    lang = String(lang).toLowerCase().split("-")[0];
    if (lang !== "en" && (" " + LANGS + " ").indexOf(" " + lang + " ") >= 0) translation(lang);
  } catch (e) {
    // No config, or not JSON: the engine reports that.
  }
}

function domReady() {
  return new Promise(function (resolve) {
    if (readyState.call(doc) !== "loading") resolve();
    else listen.call(doc, "DOMContentLoaded", function () { resolve(); }, { once: true });
  });
}

// ---- window.kloudconsent, usable before the engine has booted ----------
var engine = null; // the wasm exports once booted
var queue = [];    // calls made before boot, replayed in order
var queuedDecision = false; // one of them decides (hooks.js `held`)
var readyJson = null; // the ready detail as JSON, once the engine has sent it
var failed = false;
// What `kc_do` is asked to do: the engine's entry points that take no
// argument share one export (src/exports.rs, `act`, has the same numbers).
var DO_DRAW = 0, DO_PREFETCH = 1, DO_STORAGE = 2, DO_ACCEPT_ALL = 3, DO_REJECT_ALL = 4,
  DO_SHOW = 5, DO_HIDE = 6, DO_RESET = 7, DO_TOOL_CLOSE = 8, DO_MANAGE = 9, DO_REOPEN = 10,
  DO_MOVED_ON = 11, DO_REREAD = 12, DO_API_ACCEPT_ALL = 13, DO_API_REJECT_ALL = 14, DO_BACK = 15;
/** The widget's own controls (their `data-kc-action`), as `kc_do` codes. */
var DO_ACTION = { __proto__: null, accept: DO_ACCEPT_ALL, reject: DO_REJECT_ALL, close: DO_TOOL_CLOSE,
  manage: DO_MANAGE, reopen: DO_REOPEN };
// on() subscribers by event. The engine hands its events to `emit`, which
// calls these from here: a page script can dispatch a fake
// `kloudconsent:ready` on window, but cannot reach them.
var subscribers = { ready: [], consent: [], change: [] };

// Nothing the engine throws (a trap, a browser API broken by the page)
// reaches page code: logged once; get()/accepted() answer null/false.
function invoke(name, args, fallback) {
  try {
    return wasm_bindgen[name].apply(null, args);
  } catch (e) {
    if (!failed) {
      failed = true;
      console.error("kloudconsent: internal error in " + name + " (" + (e && e.message || e) +
        "); gated scripts not yet released stay blocked.");
    }
    return fallback;
  }
}

/**
 * A promise that settles in a later task, after the browser has had its
 * turn (input, rendering). The boot is three tasks: instantiating the wasm
 * (with the script's own evaluation); reading the config, deciding and
 * releasing; and, on a first visit, drawing the banner (`hooks.soon`), so
 * that on a desktop none is a long task (over 50 ms; issue 12). Deciding
 * stays in the config's task: a returning visit then waits for one yield,
 * not two, before its gated scripts run (both measured: docs/performance.md).
 * `scheduler.yield()` (where it is the browser's own, not markup's named
 * access) runs the next step before other queued tasks; elsewhere a message
 * to ourselves, which, unlike a timer, is neither clamped nor throttled in
 * a background tab.
 */
function nextTask() {
  if (hasOwn.call(window, "scheduler") && typeof scheduler.yield === "function") return scheduler.yield();
  return new Promise(function (resolve) {
    var channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(0);
  });
}

/**
 * Resolves once the page is shown. A page prerendered ahead of a click
 * (Speculation Rules) decides nothing, runs nothing gated and fires no
 * event until the visitor arrives on it: a choice they make meanwhile on
 * the page they are leaving (Reject all) is then in the stores, and a
 * page never shown counts no banner. (A page script that redefined the
 * property as a plain value, or removed it, is not waited on and breaks
 * nothing.)
 */
function shown() {
  var prerendering = Object.getOwnPropertyDescriptor(Document.prototype, "prerendering");
  var get = prerendering && prerendering.get;
  return typeof get === "function" && get.call(doc) === true &&
    new Promise(function (resolve) { listen.call(doc, "prerenderingchange", resolve); });
}

/**
 * An API method that runs engine export `name` with its own arguments, or
 * `kc_do(what)` when `what` is given; queued until the engine has booted.
 */
function later(name, what) {
  return function () {
    var args = what === undefined ? arguments : [what];
    if (engine) return invoke(name, args);
    queue.push(function () { invoke(name, args); });
    if (what !== DO_SHOW && what !== DO_HIDE) queuedDecision = true;
  };
}

/**
 * Calls one subscriber with its own copy of the detail (and the event about
 * to be dispatched on window; none for a late `ready`). What it throws is reported as the page's
 * error, as an event listener's would be, and does not stop the other
 * subscribers or the widget.
 */
function notify(callback, json, event) {
  try {
    var state = JSON.parse(json);
    // A callback written for the event (`e.detail.changed`) works too: the
    // state is its own `detail`, out of sight of JSON and Object.keys.
    if (state) Object.defineProperty(state, "detail", { value: state, writable: true, configurable: true });
    callback(state, event);
  } catch (e) {
    if (typeof reportError === "function") reportError(e);
    else setTimeout(function () { throw e; });
  }
}

/**
 * The engine's events (`ready`, `consent`, `change`, detail as JSON): to the
 * on() subscribers, then as a `kloudconsent:<name>` CustomEvent on window
 * for page code that listens there. One event reaches everyone before the
 * next starts: a listener that decides (`rejectAll()` inside `ready`, `set()`
 * inside `change`) has its events queued behind the one being delivered,
 * so every listener hears them in the order they happened, and the last it
 * hears is the decision in force.
 */
var emitting = [];
var EMIT_LIMIT = 100;
function emit(name, json) {
  if (emitting.push([name, json]) > 1) return;
  // Listeners that keep deciding (one that flips a category on every
  // change, or two that disagree) would keep this loop, and the tab, busy
  // for ever.
  for (var delivered = 0; emitting.length; delivered++) {
    if (delivered === EMIT_LIMIT) {
      emitting = [];
      console.error("kloudconsent: listeners kept changing the decision; its events stopped after " + EMIT_LIMIT + ".");
      return;
    }
    name = emitting[0][0];
    json = emitting[0][1];
    var event = new CustomEvent("kloudconsent:" + name, { detail: JSON.parse(json) });
    if (name === "ready") readyJson = json;
    subscribers[name].slice().forEach(function (s) { if (s.on) notify(s.callback, json, event); });
    // Heard once per page: its callbacks are let go (a page's closures).
    if (name === "ready") subscribers.ready = [];
    dispatch.call(window, event);
    emitting.shift();
  }
}

/**
 * `set()`'s argument, or the tool's switches, as the JSON the engine reads.
 * Only a plain object is a choice: undefined, null, a Map, a Date or an
 * object JSON cannot write reach the engine as "null", which it refuses
 * with a console error (a page's `set(prefs)` with `prefs` undefined must
 * not store a decision nobody made). Each value is read once, into a copy
 * without a prototype: JSON.stringify would drop an `undefined`, a function
 * or a Symbol (`set({analytics: prefs.analytics})` with the field missing
 * storing a refusal), and follow a `toJSON`, the page's own on
 * Object.prototype included. A value that is not a boolean goes as its
 * type's name, which the engine refuses, naming the key. `ours`: the
 * preference tool's switches (nothing for its Accept all and Reject all).
 */
function choicesJson(choices, ours) {
  try {
    // The tool's own object needs no check, which a page's
    // Object.prototype[Symbol.toStringTag] would fail.
    // A plain object: its prototype is some window's Object.prototype (or
    // none). An instance or an Object.create(...) is not one: what it
    // inherits would be dropped without a word.
    var proto = Object.getPrototypeOf(choices);
    if (ours || objectTag.call(choices) == "[object Object]"
        && (!proto || !Object.getPrototypeOf(proto) && hasOwn.call(proto, "isPrototypeOf"))) {
      var copy = Object.create(null);
      Object.keys(choices).forEach(function (k) {
        var v = choices[k];
        copy[k] = typeof v === "boolean" ? v : typeof v;
      });
      return JSON.stringify(copy);
    }
  } catch (e) {}
  return "null";
}

var showLater = later("kc_do", DO_SHOW);
var api = {
  /** The consent state (contract section 4), or null while undecided. */
  get: function () { return engine ? invoke("kc_get", [], null) : null; },
  /** Whether category `id` is granted now. */
  accepted: function (id) { return engine ? invoke("kc_accepted", [id], false) : false; },
  acceptAll: later("kc_do", DO_API_ACCEPT_ALL),
  rejectAll: later("kc_do", DO_API_REJECT_ALL),
  set: function (choices) { later("kc_set")(choicesJson(choices)); },
  show: function () { leaveTopLayer(focusPath()); showLater(); },
  hide: later("kc_do", DO_HIDE),
  reset: later("kc_do", DO_RESET),
  /** Subscribe to ready/consent/change; returns an unsubscribe function. */
  on: function (name, callback) {
    // String() of a Symbol works where "" + it throws; a toString that
    // throws names nothing.
    var short = "", known;
    try { short = String(name).replace(/^kloudconsent:/, ""); } catch (e) {}
    known = hasOwn.call(subscribers, short);
    if (!known || typeof callback != "function") {
      console.error(known
        ? "kloudconsent.on(\"" + short + "\", callback): the callback is not a function"
        : "kloudconsent.on: unknown event `" + short.slice(0, 40) + "` (ready, consent or change)");
      return function () {};
    }
    var subscription = { callback: callback, on: true };
    var list = subscribers[short];
    // `ready` fires once per page: a late subscriber still hears it, with
    // the decision in force then (not the one read at start, which a
    // decision since would make the last thing it hears), and is not kept.
    if (short === "ready" && readyJson !== null) {
      setTimeout(function () { if (subscription.on) notify(callback, JSON.stringify(invoke("kc_get", [], null))); }, 0);
    } else list.push(subscription);
    return function () {
      subscription.on = false;
      var at = list.indexOf(subscription);
      if (at >= 0) list.splice(at, 1);
    };
  },
  /** The release (www/version.mjs: the workspace version in Cargo.toml, set by assemble.mjs). */
  version: "__KLOUDCONSENT_VERSION__"
};

// Read-only and frozen: page code can neither replace the API nor wrap its
// methods by mistake. A page that defined `window.kloudconsent` itself first
// (even with a top-level `var`) gets the real API in its place, with a warning.
if (hasOwn.call(window, "kloudconsent")) {
  console.warn("kloudconsent: window.kloudconsent was already defined by the page; replacing it with the widget API.");
}
try {
  // writable: false said aloud: a page's top-level `var kloudconsent` made a
  // writable property, which keeps what is not given here.
  Object.defineProperty(window, "kloudconsent", { value: Object.freeze(api), enumerable: true, writable: false });
} catch (e) {
  console.error("kloudconsent: could not define window.kloudconsent (" + e + ")");
}

// ---- Google Consent Mode -------------------------------------------------
var GCM_SIGNALS = ["ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
  "functionality_storage", "personalization_storage", "security_storage"];

/**
 * `gtag(...)` with the standard semantics, handed to the engine: the page's
 * own `window.gtag` when it has one (never replaced), otherwise this call's
 * `arguments` pushed to `window.dataLayer`. It must be the real `arguments`
 * object: GTM ignores consent commands pushed as plain arrays, and Rust
 * cannot build one. `window.gtag` itself is left undefined, so the page's
 * gtag.js snippet stays the one that defines it. Both are the page's only as
 * own properties: `<div id="dataLayer">` is not an array to push to.
 */
function kcGtag() {
  if (arguments[1] === "default") {
    if (!sentDefaults.length) warnLateDefault();
    sentDefaults.push(arguments[2]);
    // A dataLayer getter that throws must not stop the loader (gtagSend warns).
    try { consentLayer = layer(); } catch (e) {}
  } else {
    keepConsentDefaults();
  }
  gtagSend.apply(null, arguments);
}
/**
 * What the page's `gtag` or `dataLayer` throws (a stub that throws until
 * Google's tag is ready, a frozen array) costs a warning, never the widget:
 * an inline config's defaults are sent while the loader itself starts.
 */
function gtagSend() {
  try {
    if (hasOwn.call(window, "gtag") && typeof window.gtag === "function") window.gtag.apply(window, arguments);
    else if (Array.isArray(layer())) layer().push(arguments);
    else if (!warnedLayer) {
      warnedLayer = true;
      console.warn("kloudconsent: window.dataLayer is not an array; Google Consent Mode commands were not sent.");
    }
  } catch (e) {
    console.warn("kloudconsent: gtag('consent', '" + arguments[1] + "', ...) threw; Google tags may not see the consent.");
  }
}
/**
 * A `gtag('config', ...)` in the page's dataLayer before any consent
 * default: Google's tag started measuring without Consent Mode, as if
 * granted. The likeliest causes: a `defer` or `async` on the widget's tag
 * (the README's plain embed), a `data-config` (fetched first), gtag.js
 * above the tag; said once, since the page can only be fixed in its HTML
 * (docs/marketers.md, "Where to put the tag"). Only gtag's own commands
 * count (an Arguments object: Google ignores plain arrays). Not GTM's
 * `gtm.js`: a Consent Initialization tag in the container, which the docs
 * offer when the widget cannot come first, sets its default only once the
 * container has loaded, maybe after ours.
 */
function warnLateDefault() {
  try {
    hasOwn.call(window, "dataLayer") && window.dataLayer.some(function (e) {
      var command = objectTag.call(e) == "[object Arguments]" && (e[0] === "consent" ? e[1] : e[0]);
      if (command === "config") {
        console.warn("kloudconsent: Google's tag started before Consent Mode's default; " +
          "put kloudconsent.js above it, with neither defer nor async, and its config inline.");
      }
      return command === "config" || command === "default";
    });
  } catch (e) {}
}
var warnedLayer = false;
function layer() {
  if (!hasOwn.call(window, "dataLayer")) window.dataLayer = [];
  return window.dataLayer;
}

/**
 * The `default` commands sent, and the `dataLayer` they went to. A page that
 * writes `dataLayer = [{...}]` after our tag (GTM's own instructions put that
 * line above its snippet) throws them away, and Google's tags then treat
 * consent as granted. So when the page's `dataLayer` is another array than
 * the one they went to, they are sent again (with a warning), before any
 * `update` and once the page is parsed.
 */
var sentDefaults = [], consentLayer = null;
function keepConsentDefaults() {
  if (!consentLayer || !hasOwn.call(window, "dataLayer") || window.dataLayer === consentLayer ||
    !Array.isArray(window.dataLayer)) return;
  consentLayer = window.dataLayer;
  console.warn("kloudconsent: window.dataLayer was replaced after Consent Mode's defaults went in; sent them again " +
    "(write `window.dataLayer = window.dataLayer || []`).");
  sentDefaults.forEach(function (d) { gtagSend("consent", "default", d); });
}

var isObject = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };
/** `o[key]` if `o` has it as its own property, null counting as absent (as the Rust parser's `given`). */
function given(o, key) {
  return hasOwn.call(o, key) && o[key] !== null ? o[key] : undefined;
}

/** A `googleConsentMode.regions` item the engine's parser accepts (null counts as absent). */
function isRegionDefault(r) {
  var codes = isObject(r) && given(r, "region");
  return Array.isArray(codes) && codes.length > 0 && codes.every(function (c) {
    return typeof c === "string" && /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(c);
  }) && GCM_SIGNALS.every(function (k) {
    var v = given(r, k);
    return v === undefined || v === "granted" || v === "denied";
  });
}

/**
 * The `gtag('consent', 'default', ...)` objects for an inline config's
 * `googleConsentMode`, or null when the engine's parser
 * (crates/domain/src/config/parse.rs, consent_mode) would reject it. Both
 * read what JSON.parse made of the same text, own properties only (a
 * polluted Object.prototype adds no region or signal). Mirrors that
 * parser's checks and consent_mode::{default_json, region_defaults_json}'s
 * output; the e2e tests check both against the engine.
 */
function consentDefaults(config) {
  var mode = given(config, "googleConsentMode"), base = {}, commands = [base];
  if (mode === undefined || mode === false) return [];
  GCM_SIGNALS.forEach(function (s) { base[s] = s === "security_storage" ? "granted" : "denied"; });
  if (mode === true) return commands;
  if (!isObject(mode)) return null;
  var wait = given(mode, "wait_for_update"), regions = given(mode, "regions");
  if (wait !== undefined) {
    if (typeof wait !== "number" || !(wait >= 0 && wait <= 60000 && wait % 1 === 0)) return null;
    base.wait_for_update = wait || 0; // -0 is written 0
  }
  if (regions !== undefined) {
    if (!Array.isArray(regions) || !regions.every(isRegionDefault)) return null;
    regions.forEach(function (r) {
      var region = {};
      GCM_SIGNALS.forEach(function (s) { if (given(r, s) !== undefined) region[s] = r[s]; });
      region.region = r.region;
      commands.push(region);
    });
  }
  return commands;
}

/**
 * `gtag('consent', 'default', ...)` from an inline config, right now, while
 * the page is still being parsed: the wasm is not loaded yet, and a Google
 * tag that runs before the default treats consent as granted. Returns whether
 * it sent them, so that the engine does not send them again. A Consent Mode
 * part the engine will reject sends only the all-denied defaults.
 */
function sendConsentDefaults(text) {
  var commands = askedDefaults(text);
  if (commands) commands.forEach(function (c) { kcGtag("consent", "default", c); });
  return !!commands;
}

/**
 * The Consent Mode defaults a config's text asks for, or null when it asks
 * for none (or is not JSON: the engine reports that at boot).
 */
function askedDefaults(text) {
  var config;
  try { config = JSON.parse(text); } catch (e) { return null; }
  var commands = (isObject(config) ? consentDefaults(config) : []) || consentDefaults({ googleConsentMode: true });
  return commands.length ? commands : null;
}

var consentDefaultsSent = inlineText != null && sendConsentDefaults(inlineText);
domReady().then(keepConsentDefaults);

// ---- scripts fetched on demand: the preference tool, the embeds' work ------
/**
 * Why a pinned file did not load, as the browser lets us know it: a missing
 * file (a 404 page) fails the integrity check like a changed one, and an
 * unreachable one fails the fetch.
 */
var UNREACHABLE = "missing, unreachable, or not this build's (it must match the SHA-384 built into ";
var UNREACHABLE_CORE = ": " + UNREACHABLE + "kloudconsent.js)";

/**
 * Runs `file` (next to kloudconsent.js, pinned by its SHA-384 in PINNED) as a
 * script, with this tag's nonce. The script hands what it brings to a
 * function in a Symbol-keyed slot on window, `Symbol.for(key)` (markup cannot
 * clobber a Symbol key): the promise resolves to the arguments of that call,
 * and rejects with a message that names the URL.
 */
function loadScript(file, key) {
  var url = fileUrl(file), slot = Symbol.for(key);
  return new Promise(function (resolve, reject) {
    var fail = function (why) {
      delete window[slot];
      reject(new Error(url + why));
    };
    window[slot] = function () {
      delete window[slot];
      resolve(arguments);
    };
    // A refused copy is asked for once more, after a fetch past the
    // browser's cache has replaced a cached copy of an older version there
    // (as fetchHashed does).
    var add = function (again) {
      var tag = createElement.call(doc, "script");
      tag.src = url;
      tag.async = true;
      tag.integrity = PINNED[file];
      tag.crossOrigin = "anonymous";
      if (script && script.nonce) tag.nonce = script.nonce;
      tag.onerror = function () {
        if (!again) return fail(UNREACHABLE_CORE);
        var retry = function () { add(); };
        fetch(url, { __proto__: null, credentials: "same-origin", cache: "reload" }).then(retry, retry);
      };
      // It ran without handing anything over.
      tag.onload = function () { if (window[slot]) fail(": did not start"); };
      (head.call(doc) || documentElement.call(doc)).appendChild(tag);
    };
    add(1);
  });
}

var toolPromise = null;

/**
 * The tool module's entry points ({mount, update, unmount}): its script and
 * wasm are fetched once, on first need (or as a prefetch); a failed load is
 * forgotten, so the next call tries again. Rejects with a message that names
 * the URL that failed. The tool's script carries its wasm's SHA-384 (it is
 * itself pinned here), so only pages that open the tool pay for that hash's
 * bytes.
 */
function loadTool() {
  if (toolPromise) return toolPromise;
  var jsFile = "kloudconsent-tool.js";
  var toolWasmUrl = fileUrl("kloudconsent-tool_bg.wasm");
  toolPromise = loadScript(jsFile, "kloudconsent.tool").then(function (args) {
    var wasm = fetchHashed(toolWasmUrl, args[1]).then(null, function () {
      throw new Error(UNREACHABLE + jsFile + ")");
    });
    return args[0](wasm).then(null, function (e) {
      throw new Error(toolWasmUrl + ": " + (e && e.message || e));
    });
  }).then(null, function (e) {
    toolPromise = null;
    throw e;
  });
  return toolPromise;
}

/**
 * What the tool calls with the visitor's choices (it never decides itself).
 * Each call reaches the engine in a microtask, once the tool's own event
 * handler has returned: the engine then closes (unmounts) the tool, which a
 * component cannot have done to it from inside its own handler.
 */
var toolHost = {
  choose: function (kind, grants) {
    // Save must store what the switches show. The tool is a Yew app: a
    // script or browser extension that moves or removes an element it drew
    // can make its next redraw fail (a trap); its checkboxes then still flip
    // on screen, but its draft no longer follows them, and saving the draft
    // would store, and release, what the visitor turned off (stop 57's
    // review). Then nothing is saved, the engine says the tool failed, and
    // the next opening loads a fresh copy. Read in the microtask, after the
    // redraw Yew has queued for a switch flipped in the same task. (A
    // category over services is read through its services while mixed.)
    var json = choicesJson(grants, 1);
    queueMicrotask(function () {
      var stale = kind == "custom" && [].some.call(
        widgetRoot.querySelectorAll("input[id^=kc-switch-]:not([aria-disabled])"),
        function (box) { return !box.indeterminate && box.checked !== (grants[box.id.slice(10)] === true); });
      if (stale) toolPromise = null;
      invoke(stale ? "kc_tool_failed" : "kc_tool_choose", stale ? ["a script or extension changed it; nothing was saved"] : [String(kind), json]);
    });
  },
  close: function () { queueMicrotask(function () { invoke("kc_do", [DO_TOOL_CLOSE]); }); }
};

// ---- boot ----------------------------------------------------------------
// A module has no currentScript; jQuery's .html() or $.getScript() runs our
// file as the text of a script without src. Either way the files are looked
// for next to the page, which this says before the wasm's 404 does.
if (!script || !script.src) {
  console.warn("kloudconsent: no <script src> tag of its own (document.currentScript): its files are looked for next to the page" +
    (script ? "." : "; no data-config or inline config is read."));
}
var wasmFailed = false;
var bootFailed = false;
var started = wasm_bindgen({ module_or_path: wasmResponse.then(null, function (e) { wasmFailed = true; throw e; }) });
Promise.all([
  started,
  loadConfig().then(function (cfg) {
    guessTranslation(cfg.text);
    return cfg;
  }),
  // A page whose HTML has a gated embed: www/embeds.js (gating.js's
  // loadEmbeds) before the engine starts, but not for ever: a script that
  // hangs must not keep the banner, and every gated script, waiting.
  domReady().then(function () {
    return holdsEmbed(doc) && within(loadEmbeds(), CONFIG_TIMEOUT_MS).then(function (r) {
      if (r && r.error && !embedsWarned) {
        embedsWarned = true;
        console.error("kloudconsent: " + fileUrl("kloudconsent-embeds.js") + " " + r.error +
          "; the widget starts without it, and gated embeds stay blocked until it arrives.");
      }
    });
  })
]).then(function (results) {
  return nextTask().then(shown).then(function () { return results[1]; });
}).then(function (cfg) {
  warnIgnoredConfigs();
  // The engine reads the config and chooses the visitor's language. A
  // built-in translation it needs is waited for (it has been downloading
  // since the config was known), so nothing is ever drawn in English first.
  // Consent Mode stays on when the engine refuses a config that asked for
  // it: sent early (inline) or fetched (data-config).
  var lang = invoke("kc_config", [cfg.text == null ? null : cfg.text, cfg.error || null, cfg.origin, hooks,
    pageLang(), browserLangs().join(","), LANGS, consentDefaultsSent || cfg.text != null && !!askedDefaults(cfg.text)], "");
  return lang && within(translation(lang), TRANSLATION_TIMEOUT_MS).then(function (t) {
    if (t.error) console.warn("kloudconsent: the translation " + fileUrl("i18n/" + lang + ".json") + " " + t.error +
      "; falling back to English.");
    return t.text;
  });
}).then(function (text) {
  // Live before boot: ready/consent listeners (fired in boot) may call get().
  engine = wasm_bindgen;
  held = queuedDecision ? { revoked: "", boot: 1 } : null;
  try {
    // The origin the policy links (paths on the site) are written with: the
    // base the loader trusts, as for data-config (docs/security.md).
    invoke("kc_boot", [text || null, toolHost, new URL(pageBase).origin]);
    if (held) held.boot = 0;
    wireDocument();
    observePage();
    var pending = queue;
    queue = [];
    pending.forEach(function (call) { call(); });
  } finally {
    // Whatever happened, nothing stays held (a page that broke what
    // wireDocument needs still gets its later decisions applied).
    var last = held;
    held = null;
    if (last) {
      if (last.update) gtag("update", last.update);
      if (last.push) push(last.push);
      gate(last.revoked);
    }
  }
}).then(null, function (e) {
  bootFailed = true;
  console.error("kloudconsent: " + (wasmFailed
    ? "could not load " + wasmUrl + UNREACHABLE_CORE
    : "the widget could not start (" + e + ")") + "; nothing gated will run.");
  // Refused twice, the wasm is most likely newer than this kloudconsent.js,
  // a copy the browser keeps from an earlier release (cached by heuristics,
  // reloads included, for days): refreshing that copy mends the next page.
  if (wasmFailed) fetch(loaderUrl, { __proto__: null, cache: "reload" }).then(null, function () {});
});
