//! Focus and inertness around the modal layer (WAI-ARIA APG dialog): the
//! page behind a dialog is made `inert`, Tab stays inside the dialog, and
//! focus moves where `domain::screen` says when layers change. Which element
//! opened the tool is remembered by the page state; these are the moves.

use crate::browser::dom;
use wasm_bindgen::JsCast;
use web_sys::{Element, FocusOptions, HtmlElement, KeyboardEvent, ShadowRoot};

/// Marks every sibling of the widget's `host` `inert`, returning the ones we
/// changed (so that [`release_page`] restores exactly those).
pub fn make_page_inert(host: &Element) -> Vec<Element> {
    let Some(body) = dom::document().and_then(|d| d.body()) else {
        return Vec::new();
    };
    let children = body.children();
    let mut changed = Vec::new();
    for i in 0..children.length() {
        let Some(child) = children.item(i) else { continue };
        if child == *host || child.has_attribute("inert") {
            continue;
        }
        if child.set_attribute("inert", "").is_ok() {
            changed.push(child);
        }
    }
    changed
}

/// Undoes [`make_page_inert`].
pub fn release_page(changed: Vec<Element>) {
    for el in changed {
        let _ = el.remove_attribute("inert");
    }
}

/// Focuses `<body>` itself (scroll position kept), if focus is inside the
/// widget: focus then sits on the page, not on a node about to be removed,
/// and the next Tab starts at the top of the page. The `tabindex` needed for
/// that is taken away again at once; focus stays.
pub fn focus_page(shadow: &ShadowRoot) {
    if shadow.active_element().is_none() {
        return;
    }
    let Some(body) = dom::document().and_then(|d| d.body()) else { return };
    let borrowed = !body.has_attribute("tabindex") && body.set_attribute("tabindex", "-1").is_ok();
    let options = FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = body.focus_with_options(&options);
    if borrowed {
        let _ = body.remove_attribute("tabindex");
    }
}

/// Focuses `el` if it is an HTML element still in the page; says whether it did.
pub fn focus_if_connected(el: &Element) -> bool {
    let Some(el) = el.dyn_ref::<HtmlElement>().filter(|e| e.is_connected()) else {
        return false;
    };
    el.focus().is_ok()
}

/// The focused element, looking inside open shadow roots (the document's
/// `activeElement` is only the host of a focused shadow element).
pub fn deep_active_element() -> Option<HtmlElement> {
    let mut active = dom::document()?.active_element()?;
    while let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
        active = inner;
    }
    active.dyn_into::<HtmlElement>().ok()
}

/// Keeps Tab and Shift+Tab cycling inside `dialog` (the core's own loading
/// and failure dialogs; the tool traps its own).
pub fn trap_tab(event: &KeyboardEvent, dialog: &Element, active: Option<Element>) {
    let Ok(list) = dialog.query_selector_all("button, a[href]") else { return };
    let (Some(first), Some(last)) = (list.item(0), list.item(list.length().saturating_sub(1))) else {
        return;
    };
    let is = |n: &web_sys::Node| active.as_ref().is_some_and(|a| a.unchecked_ref::<web_sys::Node>() == n);
    let on_dialog = active.as_ref().is_some_and(|a| a == dialog);
    let target = if event.shift_key() && (is(&first) || on_dialog) {
        last
    } else if !event.shift_key() && is(&last) {
        first
    } else {
        return;
    };
    event.prevent_default();
    if let Some(t) = target.dyn_ref::<HtmlElement>() {
        let _ = t.focus();
    }
}
