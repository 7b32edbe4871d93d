//! The functions `kloudconsent.js` calls: boot, and the engine behind
//! `window.kloudconsent` (the API object itself is defined by the loader so
//! that it exists, and queues calls, before the wasm has loaded), and the
//! two calls the preference tool makes through the loader.

use crate::browser::dom::string;
use crate::browser::{console, json, panic};
use crate::hooks::Hooks;
use crate::page::Page;
use crate::tool::ToolModule;
use kloudconsent_domain::config::{Field, Translation};
use kloudconsent_domain::language::{self, Negotiated};
use kloudconsent_domain::screen::{Event, Focus, Opener};
use kloudconsent_domain::text::{self, cat};
use kloudconsent_domain::{choices, config, decision, Choice, Config, ConfigError};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

// The exports take the loader's strings as JS values (`dom::string`): a
// `String` parameter or result costs a wrapper of its own in the glue and
// in the wasm (docs/performance.md, "How the engine talks to JavaScript").

thread_local! {
    /// The page's widget. A `thread_local!` because the exported functions
    /// below are called by the loader's JS and have no other way in; every
    /// browser callback captures the page itself instead.
    static PAGE: RefCell<Option<Rc<Page>>> = const { RefCell::new(None) };
    /// What [`kc_config`] read, until [`kc_boot`] builds the page with it.
    static BOOTING: RefCell<Option<(Config, Negotiated, Hooks)>> = const { RefCell::new(None) };
}

/// The page's widget, once booted.
pub fn page() -> Option<Rc<Page>> {
    PAGE.with(|p| p.borrow().clone())
}

/// The first step of boot: reads the config and chooses the visitor's
/// language (`domain::language`). `config_text`/`config_error` come from the
/// loader, which fetched `data-config` (or read the inline config) in
/// parallel with the wasm download; `origin` names where they came from.
/// `hooks` are the loader's hands (www/hooks.js). `page_lang` is the page's
/// `<html lang>`, `browser_langs` the browser's languages (comma-separated),
/// `builtin` the built-in translations there are (space-separated).
/// `asked_consent_mode`: the config's text asks for Consent Mode (www/loader.js,
/// `askedDefaults`), and for an inline config the loader has sent its
/// defaults while the page was still parsing. Consent Mode then stays on
/// even when the engine refuses that config and falls back to the built-in
/// default: a default no `update` ever follows (the loader's, or one GTM
/// sets for a `data-config` page) would keep the page's Google tags denied
/// after the visitor accepted.
///
/// Returns the built-in translation to fetch, `i18n/<answer>.json`, or `""`
/// when none is needed: the loader waits for it and hands its text to
/// [`kc_boot`], so nothing is ever drawn in English first.
// Eight plain arguments: one object would cost a property read (an import
// and its shim) per field.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen]
pub fn kc_config(
    config_text: JsValue,
    config_error: JsValue,
    origin: JsValue,
    hooks: Hooks,
    page_lang: JsValue,
    browser_langs: JsValue,
    builtin: JsValue,
    asked_consent_mode: bool,
) -> JsValue {
    panic::install();
    let (origin, page_lang) = (string(origin), string(page_lang));
    let (browser_langs, builtin) = (string(browser_langs), string(builtin));
    let mut config = load_config(config_text.as_string(), config_error.as_string(), &origin);
    if asked_consent_mode {
        config.consent_mode.get_or_insert_with(Default::default);
    }
    // Before anything can read consent, and before waiting for a translation.
    crate::page::send_defaults(&config, &hooks);
    let (mut browser, mut available) = (Vec::new(), Vec::new());
    for tag in text::split(&browser_langs, b',') {
        browser.push(tag);
    }
    for tag in text::split(&builtin, b' ') {
        available.push(tag);
    }
    let lang = language::negotiate(&config, &page_lang, &browser, &available);
    let file = JsValue::from_str(lang.builtin.as_deref().unwrap_or_default());
    BOOTING.with(|b| *b.borrow_mut() = Some((config, lang, hooks)));
    file
}

/// Starts the widget once per page, with what [`kc_config`] read and the
/// text of the translation it asked for (`None` when none was needed, or it
/// could not be fetched: the loader has said so). `tool_host` is what the
/// lazily loaded preference tool calls with the visitor's choices.
/// `base_origin` is the origin of the base URL the loader trusts (its
/// `pageBase`): the policy links that are paths on the site are written
/// with it, so that a `<base>` in user content cannot move them.
///
/// The order is fail-closed: the widget exists, undecided with its banner
/// due, before anything stored is read, and gated scripts are released last.
/// An exception at any step leaves "banner up, nothing gated ran" (the
/// loader catches it and logs it once).
#[wasm_bindgen]
pub fn kc_boot(translation: JsValue, tool_host: JsValue, base_origin: JsValue) {
    if page().is_some() {
        return;
    }
    let Some((mut config, lang, hooks)) = BOOTING.with(|b| b.borrow_mut().take()) else {
        return;
    };
    let file = lang.builtin.as_deref().unwrap_or_default();
    let builtin = translation
        .as_string()
        .and_then(|text| read_translation(&text, file));
    language::localize(&mut config, &lang, builtin.as_ref());
    config.texts.anchor_links(&string(base_origin));
    let page = Page::new(config, hooks, tool_host);
    PAGE.with(|p| *p.borrow_mut() = Some(page.clone()));
    // The first draw, in a task of its own after this one. Queued before
    // anything stored is read: if reading throws (the loader catches it),
    // `kc_draw` still finds the page undecided with its banner due, and
    // draws it.
    page.hooks().soon();
    page.load();
    page.start();
}

/// A `[data-kloudconsent-open]` element was clicked.
#[wasm_bindgen]
pub fn kc_open(opener: Option<HtmlElement>) {
    if let Some(p) = page() {
        p.open_tool(opener);
    }
}

/// The preference tool's module arrived.
#[wasm_bindgen]
pub fn kc_tool_loaded(module: ToolModule) {
    if let Some(p) = page() {
        p.tool_loaded(module);
    }
}

/// The preference tool's module could not be loaded; `reason` names the URL.
#[wasm_bindgen]
pub fn kc_tool_failed(reason: JsValue) {
    if let Some(p) = page() {
        p.tool_failed(&string(reason));
    }
}

fn load_config(text: Option<String>, error: Option<String>, origin: &str) -> Config {
    if let Some(error) = error {
        console::error(&cat(&[
            "the config from ",
            origin,
            " ",
            &error,
            "; using the built-in default.",
        ]));
        return Config::default_policy();
    }
    let Some(text) = text else {
        return Config::default_policy();
    };
    let parsed = json::parse(&text)
        .map_err(|e| ConfigError::whole(cat(&["config is not valid JSON: ", &e])))
        .and_then(config::parse_value);
    parsed.unwrap_or_else(|e| {
        console::error(&cat(&[&e.message(), " (config from ", origin, ")"]));
        Config::default_policy()
    })
}

/// A built-in translation's text, read as the site's own translations are;
/// a broken file is reported and left out (the widget stays in English).
fn read_translation(text: &str, lang: &str) -> Option<Translation> {
    let read = json::parse(text)
        .map_err(|e| Box::new(ConfigError::whole(cat(&["not valid JSON: ", &e]))))
        .and_then(|value| config::translation(lang, &Field::root(value), None));
    read.map_err(|e| {
        console::warn(&cat(&[
            "the translation i18n/",
            lang,
            ".json is not usable (",
            &e.described(),
            "); falling back to English.",
        ]));
    })
    .ok()
}

/// Choices as the loader hands them over (`JSON.stringify` of a page object).
fn parse_choices(text: &str, page: &Page) -> Result<choices::Parsed, String> {
    let value =
        json::parse(text).map_err(|_| String::from("the argument is not a plain object"))?;
    choices::parse_choices_value(value, &page.config)
}

/// `kloudconsent.get()`: the state object, or `null` while undecided.
#[wasm_bindgen]
pub fn kc_get() -> JsValue {
    let Some(p) = page() else {
        return JsValue::NULL;
    };
    p.expire_if_due();
    let json = decision::state_json(&p.consent(), &p.config, None);
    js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
}

/// `kloudconsent.accepted(id)`: `false` for anything but one of the site's
/// ids (a label, a wrong case, not a string). A warning for those measured
/// 0.17 KB of every page's wasm; api.md says it instead.
#[wasm_bindgen]
pub fn kc_accepted(id: JsValue) -> bool {
    page().is_some_and(|p| {
        p.expire_if_due();
        p.consent().granted(&string(id), &p.config)
    })
}

/// `kloudconsent.set({id: bool, ...})`; the loader passes it as JSON.
#[wasm_bindgen]
pub fn kc_set(choices_json: JsValue) {
    let Some(p) = page() else { return };
    match parse_choices(&string(choices_json), &p) {
        Ok((choices, unknown)) => {
            if !unknown.is_empty() {
                let unknown = kloudconsent_domain::join(&unknown, "`, `");
                console::warn(&cat(&[
                    "set(): ignored unknown categories `",
                    &unknown,
                    "`.",
                ]));
            }
            // Nothing the site knows (`{}`, a label, a wrong case): before a
            // first decision, going on would store one nobody made.
            if choices.is_empty() {
                return console::error(
                    "set(): names no category of this site; nothing was changed.",
                );
            }
            p.choose(Choice::Set(choices), decision::via::API, true);
        }
        Err(problem) => console::error(&cat(&["set(): ", &problem, "; nothing was changed."])),
    }
}

/// The tool's Accept all / Reject all / Save (`kind` `accept-all`,
/// `reject-all` or `custom` with every category's switch as JSON).
#[wasm_bindgen]
pub fn kc_tool_choose(kind: JsValue, grants_json: JsValue) {
    let Some(p) = page() else { return };
    let (kind, grants_json) = (string(kind), string(grants_json));
    let choice = match kind.as_str() {
        "accept-all" => Choice::AcceptAll,
        "reject-all" => Choice::RejectAll,
        _ => match parse_choices(&grants_json, &p) {
            Ok((choices, _)) => Choice::Set(choices),
            Err(problem) => {
                console::error(&cat(&[
                    "the preference tool: ",
                    &problem,
                    "; nothing was changed.",
                ]));
                return;
            }
        },
    };
    p.choose(choice, decision::via::TOOL, false);
}

/// The engine's entry points that take no argument, and the widget's own
/// controls, as one export: each export costs the core its name, a shim in
/// the wasm and a wrapper in the glue (ten of them: ~0.2 KB brotli), and a
/// control's action crossing as a string its encoding and a match on it.
/// The loader names the same numbers (`DO_*` in www/loader.js); an unknown
/// one does nothing.
pub mod act {
    /// The first draw, which `kc_boot` queued as a task of its own (`hooks.soon`).
    pub const DRAW: u32 = 0;
    /// Fetch the preference tool ahead of need (idle, or the pointer or
    /// focus reached an opener).
    pub const PREFETCH: u32 = 1;
    /// Another tab wrote or removed our localStorage key (a `storage` event).
    pub const STORAGE: u32 = 2;
    /// The banner's Accept all (its `data-kc-action`, `accept`; the loader
    /// maps each action to its code).
    pub const ACCEPT_ALL: u32 = 3;
    /// The banner's Reject all (`reject`).
    pub const REJECT_ALL: u32 = 4;
    /// `kloudconsent.show()`.
    pub const SHOW: u32 = 5;
    /// `kloudconsent.hide()`.
    pub const HIDE: u32 = 6;
    /// `kloudconsent.reset()`.
    pub const RESET: u32 = 7;
    /// The preference tool's close control or Escape, or the close control
    /// of the core's own dialog (loading, failed to load) or Escape in it.
    pub const TOOL_CLOSE: u32 = 8;
    /// The banner's Manage preferences (`manage`).
    pub const MANAGE: u32 = 9;
    /// The reopen button (`reopen`).
    pub const REOPEN: u32 = 10;
    /// Focus went to the page, or a press landed on it, while the tool
    /// loads from the banner.
    pub const MOVED_ON: u32 = 11;
    /// localStorage was cleared as a whole in another tab (a site's
    /// logout): read the stores again, an empty localStorage not meaning
    /// "forgotten".
    pub const REREAD: u32 = 12;
    /// `kloudconsent.acceptAll()`: as the banner's, but the receipt says the
    /// page's script decided (`via: "api"`).
    pub const API_ACCEPT_ALL: u32 = 13;
    /// `kloudconsent.rejectAll()`.
    pub const API_REJECT_ALL: u32 = 14;
    /// The tab came back into view, or its window got the focus: the
    /// stores are read again, and a decision that expired meanwhile counts
    /// no more ([`Page::reread`]).
    pub const BACK: u32 = 15;
}

/// Does one of the [`act`] entry points.
#[wasm_bindgen]
pub fn kc_do(what: u32) {
    let Some(p) = page() else { return };
    match what {
        act::DRAW => p.draw(Focus::Stay),
        act::PREFETCH => p.on(Event::Prefetch),
        act::STORAGE => p.sync_from_storage(true),
        act::REREAD => p.sync_from_storage(false),
        act::ACCEPT_ALL => p.choose(Choice::AcceptAll, p.via_button(), false),
        act::REJECT_ALL => p.choose(Choice::RejectAll, p.via_button(), false),
        act::API_ACCEPT_ALL => p.choose(Choice::AcceptAll, decision::via::API, false),
        act::API_REJECT_ALL => p.choose(Choice::RejectAll, decision::via::API, false),
        act::SHOW => p.open_tool(None),
        act::HIDE => p.on(Event::Hide),
        act::RESET => p.reset(),
        act::TOOL_CLOSE => p.close_tool(),
        act::MANAGE => p.on(Event::Open(Opener::Banner)),
        act::REOPEN => p.on(Event::Open(Opener::Reopen)),
        act::MOVED_ON => p.on(Event::MovedOn),
        act::BACK => p.reread(),
        _ => {}
    }
}
