//! The tool's stylesheet (style.css, minified by build.rs), added to the
//! widget's shadow root *after* the core's sheet that is already there: its
//! rules build on the core's custom properties and dialog frame. Taken out
//! again on unmount.
//!
//! Adopted as a constructable stylesheet, which a strict `style-src 'self'`
//! Content-Security-Policy allows; a `<style>` element (which such a policy
//! blocks) only where constructable stylesheets are missing (Safari < 16.4,
//! where the core falls back the same way, earlier in tree order).

use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, Element, ShadowRoot};

const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/style.min.css"));

/// How the sheet was added, to take it out again.
pub enum Sheet {
    Adopted(ShadowRoot, CssStyleSheet),
    Element(Element),
    None,
}

/// Adds the tool's sheet to `shadow`, after the sheets already there.
pub fn adopt(shadow: &ShadowRoot) -> Sheet {
    if let Ok(sheet) = CssStyleSheet::new() {
        let mut sheets = adopted(shadow);
        if let Some(list) = sheets.as_mut() {
            list.push(&sheet);
        }
        if sheet.replace_sync(CSS).is_ok() && sheets.is_some_and(|list| set(shadow, &list)) {
            return Sheet::Adopted(shadow.clone(), sheet);
        }
    }
    let Some(style) = shadow
        .owner_document()
        .and_then(|d| d.create_element("style").ok())
    else {
        return Sheet::None;
    };
    style.set_text_content(Some(CSS));
    match shadow.append_child(&style) {
        Ok(_) => Sheet::Element(style),
        Err(_) => Sheet::None,
    }
}

impl Sheet {
    /// Takes the sheet out, leaving the core's.
    pub fn remove(self) {
        match self {
            Sheet::Adopted(shadow, sheet) => {
                if let Some(list) = adopted(&shadow) {
                    // A loop, not `Array::filter`: a Rust closure called
                    // from JavaScript brings its own shim and export.
                    let (ours, kept) = (JsValue::from(sheet), Array::new());
                    for i in 0..list.length() {
                        let s = list.get(i);
                        if s != ours {
                            kept.push(&s);
                        }
                    }
                    set(&shadow, &kept);
                }
            }
            Sheet::Element(style) => style.remove(),
            Sheet::None => {}
        }
    }
}

/// A copy of `shadow.adoptedStyleSheets`; `None` where there is none.
fn adopted(shadow: &ShadowRoot) -> Option<Array> {
    let list = Reflect::get(shadow, &JsValue::from_str("adoptedStyleSheets")).ok()?;
    Array::is_array(&list).then(|| Array::from(&list))
}

fn set(shadow: &ShadowRoot, list: &Array) -> bool {
    Reflect::set(shadow, &JsValue::from_str("adoptedStyleSheets"), list).unwrap_or(false)
}
