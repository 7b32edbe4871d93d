//! The functions `kloudconsent.js` calls: boot, and the engine behind
//! `window.kloudconsent` (the API object itself is defined by the loader so
//! that it exists, and queues calls, before the wasm has loaded).

use crate::browser::{console, dom, panic, scripts};
use crate::browser::{embeds, events, gtag};
use crate::domain::{choices, config, decision, Choice, Config};
use crate::widget::{self, Widget};
use crate::ui;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Starts the widget once per page. `config_text`/`config_error` come from
/// the loader, which fetched `data-config` (or read the inline config) in
/// parallel with the wasm download; `origin` names where they came from.
///
/// The order is fail-closed: the widget exists, undecided with its banner,
/// before anything stored is read, and gated scripts are released last. An
/// exception at any step leaves "banner up, nothing gated ran" (the loader
/// catches it and logs it once).
#[wasm_bindgen]
pub fn kc_boot(
    script: Option<HtmlElement>,
    config_text: Option<String>,
    config_error: Option<String>,
    origin: String,
) {
    panic::install();
    if widget::current().is_some() {
        return;
    }
    let config = load_config(config_text, config_error, &origin);
    // Before anything can read consent: the Consent Mode defaults.
    gtag::send_defaults(&config);
    scripts::set_nonce(script.map(|s| s.nonce()));
    let widget = Widget::new(config);
    // The UI is built on first show. Queued before anything stored is read,
    // so that if reading throws (the loader catches it) the microtask still
    // finds the widget undecided with its banner up, and shows it.
    widget.set_mount_ui(Box::new(|| {
        if let Some(w) = widget::current() {
            ui::mount(w);
        }
    }));
    dom::queue_microtask(|| {
        if let Some(w) = widget::current() {
            w.show_ui();
        }
    });
    listen_for_openers();
    listen_for_other_tabs();
    embeds::on_allow_always(|ids| {
        if let Some(w) = widget::current() {
            w.choose(Choice::Set(ids.into_iter().map(|id| (id, true)).collect()));
        }
    });
    scripts::observe(|| {
        if let Some(w) = widget::current() {
            let consent = w.consent();
            scripts::release(&consent, &w.config);
            embeds::update(&consent, &w.config, &[]);
        }
    });
    widget.load();
    widget.start();
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
        console::error(&format!("the config from {origin} {error}; using the built-in default."));
        return Config::default_policy();
    }
    let Some(text) = text else { return Config::default_policy() };
    config::parse(&text).unwrap_or_else(|e| {
        console::error(&format!("{e} (config from {origin})"));
        Config::default_policy()
    })
}

/// Any `[data-kloudconsent-open]` element opens the preference tool, including
/// ones added later (one delegated listener on the document).
fn listen_for_openers() {
    let Some(document) = dom::document() else { return };
    let on_click = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        let opener = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-kloudconsent-open]").ok().flatten());
        if let (Some(opener), Some(w)) = (opener, widget::current()) {
            event.prevent_default();
            ui::remember_opener(opener.dyn_into::<HtmlElement>().ok());
            w.show_preferences();
        }
    });
    if document
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
        .is_ok()
    {
        // Page-lifetime listener.
        on_click.forget();
    }
}

/// A decision made in another tab arrives as a `storage` event.
fn listen_for_other_tabs() {
    let Some(window) = dom::window() else { return };
    let on_storage = Closure::<dyn FnMut(web_sys::StorageEvent)>::new(|event: web_sys::StorageEvent| {
        if widget::is_our_key(event.key()) {
            if let Some(w) = widget::current() {
                w.sync_from_storage();
            }
        }
    });
    if window
        .add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref())
        .is_ok()
    {
        on_storage.forget();
    }
}

/// `kloudconsent.get()`: the state object, or `null` while undecided.
#[wasm_bindgen]
pub fn kc_get() -> JsValue {
    let Some(w) = widget::current() else { return JsValue::NULL };
    let json = decision::state_json(&w.consent(), &w.config, None);
    js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
}

/// `kloudconsent.accepted(id)`.
#[wasm_bindgen]
pub fn kc_accepted(id: String) -> bool {
    widget::current().is_some_and(|w| w.consent().granted(&id, &w.config))
}

#[wasm_bindgen]
pub fn kc_accept_all() {
    if let Some(w) = widget::current() {
        w.choose(Choice::AcceptAll);
    }
}

#[wasm_bindgen]
pub fn kc_reject_all() {
    if let Some(w) = widget::current() {
        w.choose(Choice::RejectAll);
    }
}

/// `kloudconsent.set({id: bool, ...})`; the loader passes it as JSON.
#[wasm_bindgen]
pub fn kc_set(choices_json: String) {
    let Some(w) = widget::current() else { return };
    match choices::parse_choices(&choices_json, &w.config) {
        Ok((choices, unknown)) => {
            if !unknown.is_empty() {
                console::warn(&format!("set(): ignored unknown categories `{}`.", crate::domain::join(&unknown, "`, `")));
            }
            w.choose(Choice::Set(choices));
        }
        Err(problem) => console::error(&format!("set(): {problem}; nothing was changed.")),
    }
}

#[wasm_bindgen]
pub fn kc_show() {
    if let Some(w) = widget::current() {
        ui::remember_opener(None);
        w.show_preferences();
    }
}

#[wasm_bindgen]
pub fn kc_hide() {
    if let Some(w) = widget::current() {
        w.hide();
    }
}

#[wasm_bindgen]
pub fn kc_reset() {
    if let Some(w) = widget::current() {
        w.reset();
    }
}
