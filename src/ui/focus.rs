//! Focus moves the core makes itself (the page's inertness and the focus
//! trap of the core's own dialog are the loader's: www/hooks.js).

use crate::browser::dom;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Focuses `el` if it is an HTML element still in the page. Whether focus
/// moved is not known here (`focus()` succeeds on an element that cannot
/// take it): the caller's `focus_page` checks where focus ended up.
pub fn focus_if_connected(el: &Element) {
    if let Some(el) = el.dyn_ref::<HtmlElement>().filter(|e| dom::is_connected(e)) {
        dom::focus(el);
    }
}

/// The focused element, looking inside open shadow roots (the document's
/// `activeElement` is only the host of a focused shadow element).
pub fn deep_active_element() -> Option<HtmlElement> {
    let mut active = dom::active_element(&dom::document()?)?;
    while let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
        active = inner;
    }
    active.dyn_into::<HtmlElement>().ok()
}
