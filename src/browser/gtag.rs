//! Google Consent Mode v2 and the `dataLayer` event (contract section 7).
//!
//! What is sent is `domain::consent_mode`'s; this module only delivers it.
//! `gtag(...)` must reach `dataLayer` as an `arguments` object (GTM ignores
//! plain arrays), which Rust cannot build, so the loader hands over a small
//! JS function with the standard `gtag` semantics: it calls the page's own
//! `window.gtag` when there is one and otherwise pushes its `arguments` to
//! `window.dataLayer`, creating that array if needed. It never defines
//! `window.gtag` itself, so a site that loads gtag.js later gets its own.

use super::console;
use crate::domain::{consent_mode, Config, Consent};
use js_sys::{Function, Reflect};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Default)]
struct Bridge {
    /// The loader's `gtag` helper.
    gtag: Option<Function>,
    /// The loader already sent the defaults synchronously (inline config).
    defaults_sent: bool,
}

thread_local! {
    static BRIDGE: RefCell<Bridge> = RefCell::new(Bridge::default());
}

/// Called by the loader before boot.
pub fn connect(gtag: Option<Function>, defaults_sent: bool) {
    BRIDGE.with(|b| {
        *b.borrow_mut() = Bridge {
            gtag,
            defaults_sent,
        }
    });
}

/// `gtag('consent', 'default', ...)`, global then per region, unless the
/// loader already sent them. Called first thing at boot, before any gated
/// script runs.
pub fn send_defaults(config: &Config) {
    let Some(cm) = &config.consent_mode else {
        return;
    };
    if BRIDGE.with(|b| b.borrow().defaults_sent) {
        return;
    }
    consent("default", &consent_mode::default_json(cm));
    for region in consent_mode::region_defaults_json(cm) {
        consent("default", &region);
    }
    BRIDGE.with(|b| b.borrow_mut().defaults_sent = true);
}

/// `gtag('consent', 'update', ...)` and the `kloudconsent_update` event for
/// the consent now in force: on load when it is known (a stored decision or
/// a privacy signal) and after every change. The update comes first, so a
/// tag the event triggers already sees the new consent.
pub fn announce(consent: &Consent, config: &Config) {
    if config.consent_mode.is_none() {
        return;
    }
    self::consent("update", &consent_mode::update_json(consent, config));
    push(&consent_mode::datalayer_event_json(consent, config));
}

fn consent(command: &str, json: &str) {
    let Some(gtag) = BRIDGE.with(|b| b.borrow().gtag.clone()) else {
        return;
    };
    let Ok(params) = js_sys::JSON::parse(json) else {
        return;
    };
    let result = gtag.call3(
        &JsValue::UNDEFINED,
        &JsValue::from_str("consent"),
        &JsValue::from_str(command),
        &params,
    );
    if result.is_err() {
        console::warn(&kloudconsent_domain::text::cat(&[
            "gtag('consent', '",
            command,
            "', ...) threw; Google tags may not see the consent.",
        ]));
    }
}

/// `dataLayer.push(object)`, through whatever `push` the array has now (GTM
/// replaces it with its own).
fn push(json: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(object) = js_sys::JSON::parse(json) else {
        return;
    };
    let key = JsValue::from_str("dataLayer");
    let layer = match Reflect::get(&window, &key) {
        Ok(v) if v.is_object() => v,
        _ => {
            let fresh: JsValue = js_sys::Array::new().into();
            if Reflect::set(&window, &key, &fresh).is_err() {
                return;
            }
            fresh
        }
    };
    let pushed = Reflect::get(&layer, &JsValue::from_str("push"))
        .ok()
        .and_then(|p| p.dyn_into::<Function>().ok())
        .map(|p| p.call1(&layer, &object));
    if !matches!(pushed, Some(Ok(_))) {
        console::warn("could not push the kloudconsent_update event to window.dataLayer.");
    }
}
