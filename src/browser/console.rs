//! Console messages for site owners. Every message starts with `kloudconsent:`
//! so it is easy to find among a page's own logs.

use wasm_bindgen::JsValue;

pub fn error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&prefixed(message)));
}

pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&prefixed(message)));
}

fn prefixed(message: &str) -> String {
    if message.starts_with("kloudconsent") {
        message.to_owned()
    } else {
        kloudconsent_domain::text::cat(&["kloudconsent: ", message])
    }
}
