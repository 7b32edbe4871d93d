//! The functions `kloudconsent.js` calls: boot, and the engine behind
//! `window.kloudconsent` (the API object itself is defined by the loader so
//! that it exists, and queues calls, before the wasm has loaded), and the
//! two calls the preference tool makes through the loader.

use crate::browser::{console, dom, embeds, events, gtag, json, panic, scripts};
use crate::page::{self, Page};
use crate::tool::Hooks;
use kloudconsent_domain::text::cat;
use kloudconsent_domain::{choices, config, decision, Choice, Config, ConfigError, Grants};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement};

thread_local! {
    /// The page's widget. A `thread_local!` because the exported functions
    /// below are called by the loader's JS and have no other way in; every
    /// browser callback captures the page itself instead.
    static PAGE: RefCell<Option<Rc<Page>>> = const { RefCell::new(None) };
}

fn page() -> Option<Rc<Page>> {
    PAGE.with(|p| p.borrow().clone())
}

/// Starts the widget once per page. `config_text`/`config_error` come from
/// the loader, which fetched `data-config` (or read the inline config) in
/// parallel with the wasm download; `origin` names where they came from.
/// `load_tool` and `tool_host` connect the lazily loaded preference tool.
///
/// The order is fail-closed: the widget exists, undecided with its banner
/// due, before anything stored is read, and gated scripts are released last.
/// An exception at any step leaves "banner up, nothing gated ran" (the
/// loader catches it and logs it once).
#[wasm_bindgen]
pub fn kc_boot(
    script: Option<HtmlElement>,
    config_text: Option<String>,
    config_error: Option<String>,
    origin: String,
    load_tool: Option<js_sys::Function>,
    tool_host: JsValue,
) {
    panic::install();
    if page().is_some() {
        return;
    }
    let config = load_config(config_text, config_error, &origin);
    // Before anything can read consent: the Consent Mode defaults.
    gtag::send_defaults(&config);
    scripts::set_nonce(script.map(|s| s.nonce()));
    let page = Page::new(config, Hooks { load: load_tool, host: tool_host });
    PAGE.with(|p| *p.borrow_mut() = Some(page.clone()));
    // Queued before anything stored is read: if reading throws (the loader
    // catches it), the microtask still finds the page undecided with its
    // banner due, and draws it.
    let first_draw = page.clone();
    dom::queue_microtask(move || first_draw.draw(kloudconsent_domain::screen::Focus::Stay));
    listen_on_document(&page);
    let allow = page.clone();
    embeds::on_allow_always(move |ids| {
        allow.choose(Choice::Set(ids.into_iter().map(|id| (id, true)).collect::<Grants>()));
    });
    let observed = page.clone();
    scripts::observe(move || {
        let consent = observed.consent();
        scripts::release(&consent, &observed.config);
        embeds::update(&consent, &observed.config, &[]);
    });
    page.load();
    page.start();
}

/// Called by the loader just before [`kc_boot`]: its `gtag` helper (which
/// pushes a real `arguments` object, as GTM requires), its `emit` for our
/// events (it feeds `kloudconsent.on()` subscribers from its own closure,
/// then dispatches on `window`), and whether it already sent the Consent
/// Mode defaults synchronously from an inline config.
#[wasm_bindgen]
pub fn kc_connect(
    gtag: Option<js_sys::Function>,
    emit: Option<js_sys::Function>,
    defaults_sent: bool,
) {
    gtag::connect(gtag, defaults_sent);
    events::connect(emit);
}

fn load_config(text: Option<String>, error: Option<String>, origin: &str) -> Config {
    if let Some(error) = error {
        console::error(&cat(&["the config from ", origin, " ", &error, "; using the built-in default."]));
        return Config::default_policy();
    }
    let Some(text) = text else { return Config::default_policy() };
    let parsed = json::parse(&text)
        .map_err(|e| ConfigError::whole(cat(&["config is not valid JSON: ", &e])))
        .and_then(config::parse_value);
    parsed.unwrap_or_else(|e| {
        console::error(&cat(&[&e.message(), " (config from ", origin, ")"]));
        Config::default_policy()
    })
}

/// The page-lifetime listeners on the document: any `[data-kloudconsent-open]`
/// element (including ones added later) opens the tool, and fetches it as
/// soon as the pointer or focus reaches it; a decision made in another tab
/// arrives as a `storage` event.
fn listen_on_document(page: &Rc<Page>) {
    let Some(window) = dom::window() else { return };
    let Some(document) = window.document() else { return };
    let weak = Rc::downgrade(page);
    let listener = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        let Some(page) = weak.upgrade() else { return };
        if event.type_() == "storage" {
            let key = event.dyn_ref::<web_sys::StorageEvent>().and_then(|e| e.key());
            if page::is_our_key(key) {
                page.sync_from_storage();
            }
            return;
        }
        let opener = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("[data-kloudconsent-open]").ok().flatten());
        let Some(opener) = opener else { return };
        if event.type_() == "click" {
            event.prevent_default();
            page.open_tool(opener.dyn_into::<HtmlElement>().ok());
        } else {
            // Focus can arrive from our own `focus()` call while drawing.
            let page = page.clone();
            dom::queue_microtask(move || page.on(kloudconsent_domain::screen::Event::Prefetch));
        }
    });
    let callback = listener.as_ref().unchecked_ref();
    for kind in ["click", "pointerover", "focusin"] {
        let _ = document.add_event_listener_with_callback(kind, callback);
    }
    let _ = window.add_event_listener_with_callback("storage", callback);
    page.keep(listener);
}

/// Choices as the loader hands them over (`JSON.stringify` of a page object).
fn parse_choices(text: &str, page: &Page) -> Result<choices::Parsed, String> {
    let value = json::parse(text).map_err(|_| String::from("the argument is not a plain object"))?;
    choices::parse_choices_value(value, &page.config)
}

/// `kloudconsent.get()`: the state object, or `null` while undecided.
#[wasm_bindgen]
pub fn kc_get() -> JsValue {
    let Some(p) = page() else { return JsValue::NULL };
    let json = decision::state_json(&p.consent(), &p.config, None);
    js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
}

/// `kloudconsent.accepted(id)`.
#[wasm_bindgen]
pub fn kc_accepted(id: String) -> bool {
    page().is_some_and(|p| p.consent().granted(&id, &p.config))
}

#[wasm_bindgen]
pub fn kc_accept_all() {
    if let Some(p) = page() {
        p.choose(Choice::AcceptAll);
    }
}

#[wasm_bindgen]
pub fn kc_reject_all() {
    if let Some(p) = page() {
        p.choose(Choice::RejectAll);
    }
}

/// `kloudconsent.set({id: bool, ...})`; the loader passes it as JSON.
#[wasm_bindgen]
pub fn kc_set(choices_json: String) {
    let Some(p) = page() else { return };
    match parse_choices(&choices_json, &p) {
        Ok((choices, unknown)) => {
            if !unknown.is_empty() {
                let unknown = kloudconsent_domain::join(&unknown, "`, `");
                console::warn(&cat(&["set(): ignored unknown categories `", &unknown, "`."]));
            }
            p.choose(Choice::Set(choices));
        }
        Err(problem) => console::error(&cat(&["set(): ", &problem, "; nothing was changed."])),
    }
}

#[wasm_bindgen]
pub fn kc_show() {
    if let Some(p) = page() {
        p.open_tool(None);
    }
}

#[wasm_bindgen]
pub fn kc_hide() {
    if let Some(p) = page() {
        p.hide();
    }
}

#[wasm_bindgen]
pub fn kc_reset() {
    if let Some(p) = page() {
        p.reset();
    }
}

/// The tool's Accept all / Reject all / Save (`kind` `accept-all`,
/// `reject-all` or `custom` with every category's switch as JSON).
#[wasm_bindgen]
pub fn kc_tool_choose(kind: String, grants_json: String) {
    let Some(p) = page() else { return };
    let choice = match kind.as_str() {
        "accept-all" => Choice::AcceptAll,
        "reject-all" => Choice::RejectAll,
        _ => match parse_choices(&grants_json, &p) {
            Ok((choices, _)) => Choice::Set(choices),
            Err(problem) => {
                console::error(&cat(&["the preference tool sent ", &problem, "; nothing was changed."]));
                return;
            }
        },
    };
    p.choose(choice);
}

/// The tool's close control or Escape.
#[wasm_bindgen]
pub fn kc_tool_close() {
    if let Some(p) = page() {
        p.close_tool();
    }
}
