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

// Defined by the wrapper's first lines (www/assemble.mjs), before the glue:
// `script` (this tag), `pageBase` (the page's base URL) and `wasmResponse`
// (the wasm download, started before anything else).
var CONFIG_TIMEOUT_MS = 4000;
var configUrl = script && script.getAttribute("data-config");

/** The text at `url` relative to `base`, as {text} or {error}, within `ms`; never rejects. */
function fetchText(url, base, ms) {
  var timeout = new Promise(function (resolve) {
    setTimeout(function () { resolve({ error: "timed out after " + ms + " ms" }); }, ms);
  });
  var fetched = Promise.resolve() // so a bad URL rejects instead of throwing
    .then(function () { return fetch(new URL(url, base), { credentials: "same-origin" }); })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    })
    .then(function (text) { return { text: text }; },
          function (e) { return { error: "could not be fetched (" + (e && e.message || e) + ")" }; });
  return Promise.race([fetched, timeout]);
}

/** Resolves to {text, origin} or {error, origin}; never rejects. */
function loadConfig() {
  if (configUrl) {
    return fetchText(configUrl, pageBase, CONFIG_TIMEOUT_MS).then(function (r) {
      r.origin = "data-config " + configUrl;
      return r;
    });
  }
  return domReady().then(function () {
    var inline = document.getElementById("kloudconsent-config");
    return inline ? { text: inline.textContent, origin: "#kloudconsent-config" } : { origin: "built-in default" };
  });
}

// ---- translations: dist/i18n/<lang>.json, only for a visitor who needs one --
// The built-in translations dist/i18n/ holds (assemble.mjs fills the list in).
var LANGS = "__KC_LANGS__";
var TRANSLATION_TIMEOUT_MS = 3000;
var translations = {};

/** i18n/<lang>.json as {text, url} or {error, url}, fetched once per page. */
function translation(lang) {
  var path = "i18n/" + lang + ".json";
  return translations[lang] || (translations[lang] = fetchText(path, distBase, TRANSLATION_TIMEOUT_MS)
    .then(function (r) {
      r.url = new URL(path, distBase).href;
      return r;
    }));
}

/**
 * Starts the download of the translation this visitor most likely needs as
 * soon as the config is known, alongside the wasm's: a guess from the
 * config's `language` ("auto": the page's <html lang>, else the browser's
 * first language). The engine decides (kc_config) and then asks for this
 * same file, already on its way, or for another when the guess was wrong.
 * Never English: the core has it.
 */
function guessTranslation(text) {
  try {
    var lang = JSON.parse(text).language;
    if (lang === "auto") lang = document.documentElement.lang || (navigator.languages || [])[0];
    lang = String(lang).toLowerCase().split("-")[0];
    if (lang !== "en" && (" " + LANGS + " ").indexOf(" " + lang + " ") >= 0) translation(lang);
  } catch (e) {
    // No config, or not JSON: the engine reports that.
  }
}

function domReady() {
  return new Promise(function (resolve) {
    if (document.readyState !== "loading") resolve();
    else document.addEventListener("DOMContentLoaded", function () { resolve(); }, { once: true });
  });
}

// ---- window.kloudconsent, usable before the engine has booted ----------
var engine = null; // the wasm exports once booted
var queue = [];    // calls made before boot, replayed in order
var readyFired = false;
var readyDetail = null;
var failed = false;
var EVENTS = { ready: 1, consent: 1, change: 1 };

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

function later(name) {
  return function () {
    var args = arguments;
    if (engine) return invoke(name, args);
    queue.push(function () { invoke(name, args); });
  };
}

var api = {
  /** The consent state (contract section 4), or null while undecided. */
  get: function () { return engine ? invoke("kc_get", [], null) : null; },
  /** Whether category `id` is granted now. */
  accepted: function (id) { return engine ? invoke("kc_accepted", [String(id)], false) : false; },
  acceptAll: later("kc_accept_all"),
  rejectAll: later("kc_reject_all"),
  set: function (choices) {
    var json;
    try { json = JSON.stringify(choices || {}); } catch (e) { json = "{}"; }
    later("kc_set")(json);
  },
  show: later("kc_show"),
  hide: later("kc_hide"),
  reset: later("kc_reset"),
  /** Subscribe to ready/consent/change; returns an unsubscribe function. */
  on: function (name, callback) {
    var short = String(name).replace(/^kloudconsent:/, "");
    if (!Object.prototype.hasOwnProperty.call(EVENTS, short) || typeof callback !== "function") {
      console.error("kloudconsent.on: unknown event `" + name + "` or callback is not a function");
      return function () {};
    }
    var listener = function (event) { callback(event.detail, event); };
    window.addEventListener("kloudconsent:" + short, listener);
    // `ready` fires once per page: a late subscriber still hears it.
    if (short === "ready" && readyFired) {
      setTimeout(function () { callback(readyDetail); }, 0);
    }
    return function () { window.removeEventListener("kloudconsent:" + short, listener); };
  },
  version: "0.1.0"
};
window.addEventListener("kloudconsent:ready", function (e) { readyFired = true; readyDetail = e.detail; });

if (window.kloudconsent && !window.kloudconsent.__kloudconsent) {
  console.warn("kloudconsent: window.kloudconsent was already defined by the page; replacing it with the widget API.");
}
try {
  Object.defineProperty(api, "__kloudconsent", { value: true });
  window.kloudconsent = api;
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
 * gtag.js snippet stays the one that defines it.
 */
function kcGtag() {
  window.dataLayer = window.dataLayer || [];
  if (typeof window.gtag === "function") window.gtag.apply(window, arguments);
  else window.dataLayer.push(arguments);
}

/**
 * `gtag('consent', 'default', ...)` from an inline config, right now, while
 * the page is still being parsed: the wasm is not loaded yet, and a Google
 * tag that runs before the default treats consent as granted. Mirrors
 * domain::consent_mode::{default_json, region_defaults_json}, which send the
 * same objects at boot when the config comes from data-config instead; the
 * e2e tests check both paths send identical commands. A config the engine
 * later rejects leaves these defaults (everything optional denied) in place.
 */
function sendConsentDefaults(mode) {
  if (mode !== true && (!mode || typeof mode !== "object" || Array.isArray(mode))) return false;
  var base = {};
  GCM_SIGNALS.forEach(function (s) { base[s] = s === "security_storage" ? "granted" : "denied"; });
  if (typeof mode.wait_for_update === "number") base.wait_for_update = mode.wait_for_update;
  kcGtag("consent", "default", base);
  (Array.isArray(mode.regions) ? mode.regions : []).forEach(function (r) {
    if (!r || !Array.isArray(r.region)) return;
    var region = {};
    GCM_SIGNALS.forEach(function (s) {
      if (r[s] === "granted" || r[s] === "denied") region[s] = r[s];
    });
    region.region = r.region.slice();
    kcGtag("consent", "default", region);
  });
  return true;
}

var consentDefaultsSent = false;
var earlyConfig = !configUrl && document.getElementById("kloudconsent-config");
if (earlyConfig) {
  try {
    consentDefaultsSent = sendConsentDefaults((JSON.parse(earlyConfig.textContent) || {}).googleConsentMode);
  } catch (e) {
    // Invalid JSON: the engine reports it at boot and falls back to the default config.
  }
}

// ---- the preference tool, fetched the first time it is to be shown --------
var TOOL_KEY = Symbol.for("kloudconsent.tool");
var toolPromise = null;

/**
 * The tool module's entry points ({mount, update, unmount}): its script and
 * wasm are fetched once, on first need (or as a prefetch); a failed load is
 * forgotten, so the next call tries again. Rejects with a message that names
 * the URL that failed.
 */
function loadTool() {
  if (toolPromise) return toolPromise;
  var jsUrl = new URL("kloudconsent-tool.js", distBase).href;
  var wasmUrl = new URL("kloudconsent-tool_bg.wasm", distBase).href;
  toolPromise = new Promise(function (resolve, reject) {
    var tag = document.createElement("script");
    window[TOOL_KEY] = function (init) {
      delete window[TOOL_KEY];
      var wasm = fetch(wasmUrl, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r;
      });
      resolve(init(wasm).then(null, function (e) {
        throw new Error(wasmUrl + ": " + (e && e.message || e));
      }));
    };
    tag.src = jsUrl;
    tag.async = true;
    if (script && script.nonce) tag.nonce = script.nonce;
    tag.onerror = function () {
      delete window[TOOL_KEY];
      reject(new Error(jsUrl + " could not be loaded"));
    };
    tag.onload = function () {
      // It ran without handing over its initialiser.
      if (window[TOOL_KEY]) {
        delete window[TOOL_KEY];
        reject(new Error(jsUrl + " did not start"));
      }
    };
    (document.head || document.documentElement).appendChild(tag);
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
    var json;
    try { json = JSON.stringify(grants || {}); } catch (e) { json = "{}"; }
    queueMicrotask(function () { invoke("kc_tool_choose", [String(kind), json]); });
  },
  close: function () { queueMicrotask(function () { invoke("kc_tool_close", []); }); }
};

// ---- boot ----------------------------------------------------------------
Promise.all([
  wasm_bindgen({ module_or_path: wasmResponse }),
  loadConfig().then(function (cfg) {
    guessTranslation(cfg.text);
    return cfg;
  }),
  domReady()
]).then(function (results) {
  var cfg = results[1];
  // Which gated tags came with the page's HTML (only they may borrow its
  // nonce), before the engine releases any.
  startGating(script && script.nonce);
  // The engine reads the config and chooses the visitor's language. A
  // built-in translation it needs is waited for (it has been downloading
  // since the config was known), so nothing is ever drawn in English first.
  var lang = invoke("kc_config", [cfg.text == null ? null : cfg.text, cfg.error || null, cfg.origin, hooks,
    document.documentElement.lang, (navigator.languages || []).join(","), LANGS], "");
  return lang && translation(lang).then(function (t) {
    if (t.error) console.warn("kloudconsent: the translation " + t.url + " " + t.error + "; falling back to English.");
    return t.text;
  });
}).then(function (text) {
  // Live before boot: ready/consent listeners (fired in boot) may call get().
  engine = wasm_bindgen;
  invoke("kc_boot", [text || null, toolHost]);
  wireDocument();
  observePage();
  var pending = queue;
  queue = [];
  pending.forEach(function (call) { call(); });
}).then(null, function (e) {
  console.error("kloudconsent: the widget could not start (" + e + "); nothing gated will run.");
});
