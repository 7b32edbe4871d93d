//! Do Not Track and Global Privacy Control, read defensively: these are
//! plain properties some browsers lack, and a page (or a privacy extension)
//! may redefine them, even `navigator` itself, as throwing getters. So all of
//! it is read by reflection, where a throw is an `Err`, not an exception
//! unwinding through the widget.

use super::dom;
use crate::domain::Signals;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

pub fn read() -> Signals {
    let Some(window) = dom::window() else {
        return Signals {
            dnt: false,
            gpc: false,
        };
    };
    let window: JsValue = window.into();
    let navigator =
        Reflect::get(&window, &JsValue::from_str("navigator")).unwrap_or(JsValue::UNDEFINED);
    let dnt = is_one(&navigator, "doNotTrack") || is_one(&window, "doNotTrack");
    // Reflect.get on a non-object throws too: an `Err` here, so `false`.
    let gpc = Reflect::get(&navigator, &JsValue::from_str("globalPrivacyControl"))
        .map(|v| v == JsValue::TRUE)
        .unwrap_or(false);
    Signals { dnt, gpc }
}

fn is_one(target: &JsValue, key: &str) -> bool {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .is_some_and(|v| v == "1")
}
