//! Small DOM helpers shared by the adapters.

use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, ShadowRoot, Window};

pub fn window() -> Option<Window> {
    web_sys::window()
}

pub fn document() -> Option<Document> {
    window()?.document()
}

/// Every element matching `selector`, in document order; empty on any error.
pub fn query_all(selector: &str) -> Vec<Element> {
    elements(document().and_then(|d| d.query_selector_all(selector).ok()))
}

/// Every element inside `root` (not `root` itself) matching `selector`.
pub fn query_all_in(root: &Element, selector: &str) -> Vec<Element> {
    elements(root.query_selector_all(selector).ok())
}

fn elements(list: Option<web_sys::NodeList>) -> Vec<Element> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}

/// The page's origin, for receipts: never its path, query or fragment,
/// which can carry personal data (`decision::receipt_json`).
pub fn page_origin() -> String {
    window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A constructable stylesheet holding `css`; `None` where the browser has no
/// constructable stylesheets (Safari < 16.4).
pub fn stylesheet(css: &str) -> Option<CssStyleSheet> {
    CssStyleSheet::new()
        .ok()
        .filter(|sheet| sheet.replace_sync(css).is_ok())
}

/// Styles a shadow root with `sheet` adopted, which a `style-src 'self'`
/// Content-Security-Policy allows; without constructable stylesheets it falls
/// back to a `<style>` element holding `css`.
pub fn adopt_stylesheet(
    shadow: &ShadowRoot,
    document: &Document,
    sheet: Option<CssStyleSheet>,
    css: &str,
) {
    if let Some(sheet) = sheet {
        let sheets = js_sys::Array::of1(&sheet);
        if js_sys::Reflect::set(
            shadow,
            &wasm_bindgen::JsValue::from_str("adoptedStyleSheets"),
            &sheets,
        )
        .is_ok()
        {
            return;
        }
    }
    if let Ok(style) = document.create_element("style") {
        style.set_text_content(Some(css));
        let _ = shadow.append_child(&style);
    }
}
