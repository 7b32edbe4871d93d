//! `kloudconsent:*` events, handed to the loader.
//!
//! The loader calls the page's `kloudconsent.on()` subscribers from its own
//! closure and then dispatches the `CustomEvent` on `window`. Why not
//! dispatch on `window` from here: any page script can dispatch a fake
//! `kloudconsent:ready` there, and subscribers fed from `window` could not
//! tell it from ours (docs/security.md).

use js_sys::Function;
use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    /// The loader's `emit(name, detailJson)`.
    static EMIT: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called by the loader before boot.
pub fn connect(emit: Option<Function>) {
    EMIT.with(|e| *e.borrow_mut() = emit);
}

/// Hands event `name` (`ready`, `consent`, `change`) with its detail as JSON
/// to the loader; nothing before [`connect`]. The loader gives every
/// subscriber its own parsed copy, and reports what a subscriber throws as
/// the page's error, so nothing comes back here.
pub fn dispatch(name: &str, detail_json: &str) {
    let Some(emit) = EMIT.with(|e| e.borrow().clone()) else {
        return;
    };
    let _ = emit.call2(
        &JsValue::UNDEFINED,
        &JsValue::from_str(name),
        &JsValue::from_str(detail_json),
    );
}
