//! The widget's stylesheet, adopted as a constructable stylesheet: no
//! `<style>` element and no `style` attribute, so it works under a strict
//! `style-src 'self'` Content-Security-Policy.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, ShadowRoot};

const CSS: &str = include_str!("style.css");

pub fn adopt(shadow: &ShadowRoot, document: &Document) {
    if let Ok(sheet) = CssStyleSheet::new() {
        let sheets = js_sys::Array::of1(&sheet);
        if sheet.replace_sync(CSS).is_ok()
            && js_sys::Reflect::set(shadow, &JsValue::from_str("adoptedStyleSheets"), &sheets)
                .is_ok()
        {
            return;
        }
    }
    // Browsers without constructable stylesheets (Safari < 16.4).
    if let Ok(style) = document.create_element("style") {
        style.set_text_content(Some(CSS));
        let _ = shadow.append_child(style.unchecked_ref());
    }
}
