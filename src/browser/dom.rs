//! Small DOM helpers shared by the adapters.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Window};

pub fn window() -> Option<Window> {
    web_sys::window()
}

pub fn document() -> Option<Document> {
    window()?.document()
}

/// Every element matching `selector`, in document order; empty on any error.
pub fn query_all(selector: &str) -> Vec<Element> {
    let Some(list) = document().and_then(|d| d.query_selector_all(selector).ok()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}

/// The page URL, for receipts (`decision::receipt_json` drops its query
/// string and fragment).
pub fn page_url() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}
