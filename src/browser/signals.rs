//! Do Not Track and Global Privacy Control, read defensively: these are
//! plain properties some browsers lack, so they are read by reflection.

use crate::domain::Signals;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

pub fn read() -> Signals {
    let Some(window) = web_sys::window() else {
        return Signals { dnt: false, gpc: false };
    };
    let navigator: JsValue = window.navigator().into();
    let window: JsValue = window.into();
    let dnt = is_one(&navigator, "doNotTrack") || is_one(&window, "doNotTrack");
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
