//! The tool's stylesheet (style.css, minified by build.rs), added to the
//! widget's shadow root *after* the core's sheet that is already there: its
//! rules build on the core's custom properties and dialog frame.
//!
//! Adopted as a constructable stylesheet, which a strict `style-src 'self'`
//! Content-Security-Policy allows; a `<style>` element (which such a policy
//! blocks) only where constructable stylesheets are missing (Safari < 16.4,
//! where the core falls back the same way, earlier in tree order).

use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, ShadowRoot};

const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/style.min.css"));

/// Marks our fallback `<style>`, so a second mount does not add another.
const FALLBACK_MARK: &str = "data-kc-tool";

thread_local! {
    /// One sheet for the page, made on first use: a re-mount (the tool
    /// opened again) finds it already adopted and adds nothing.
    static SHEET: Option<CssStyleSheet> = CssStyleSheet::new()
        .ok()
        .filter(|sheet| sheet.replace_sync(CSS).is_ok());
}

/// Adds the tool's sheet to `shadow`, keeping the sheets already adopted.
pub fn adopt(shadow: &ShadowRoot) {
    if SHEET.with(|sheet| sheet.as_ref().is_some_and(|s| adopt_sheet(shadow, s))) {
        return;
    }
    let selector = "style[".to_owned() + FALLBACK_MARK + "]";
    if shadow.query_selector(&selector).ok().flatten().is_some() {
        return;
    }
    let Some(document) = shadow.owner_document() else {
        return;
    };
    if let Ok(style) = document.create_element("style") {
        let _ = style.set_attribute(FALLBACK_MARK, "");
        style.set_text_content(Some(CSS));
        let _ = shadow.append_child(&style);
    }
}

/// `adoptedStyleSheets = [...adoptedStyleSheets, sheet]` unless it is there.
fn adopt_sheet(shadow: &ShadowRoot, sheet: &CssStyleSheet) -> bool {
    let key = JsValue::from_str("adoptedStyleSheets");
    let Ok(current) = Reflect::get(shadow, &key) else {
        return false;
    };
    if !Array::is_array(&current) {
        return false;
    }
    let sheets = Array::from(&current);
    if sheets.includes(sheet, 0) {
        return true;
    }
    sheets.push(sheet);
    Reflect::set(shadow, &key, &sheets).unwrap_or(false)
}
