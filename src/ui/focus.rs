//! Focus and inertness for the modal preference tool (WAI-ARIA APG dialog):
//! remember who opened it, make the page behind it inert while open, trap Tab
//! inside, and give focus back on close.

use crate::browser::dom;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

thread_local! {
    static OPENER: RefCell<Option<HtmlElement>> = const { RefCell::new(None) };
    static MADE_INERT: RefCell<Vec<Element>> = const { RefCell::new(Vec::new()) };
}

/// The element that opened the tool, to return focus to on close. `None`
/// when opened by script: focus then returns to whatever had it.
pub fn remember_opener(opener: Option<HtmlElement>) {
    let opener = opener.or_else(|| {
        dom::document()
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    });
    OPENER.with(|o| *o.borrow_mut() = opener);
}

/// Gives focus back to the opener if it is still in the page.
pub fn return_focus() {
    if let Some(opener) = OPENER.with(|o| o.borrow_mut().take()) {
        if opener.is_connected() && opener.tag_name() != "BODY" {
            let _ = opener.focus();
        }
    }
}

/// Marks every sibling of the widget's host `inert` (remembering which ones
/// we changed) so assistive tech and Tab see only the dialog.
pub fn make_page_inert(host_tag: &str) {
    let Some(body) = dom::document().and_then(|d| d.body()) else { return };
    let children = body.children();
    let mut changed = Vec::new();
    for i in 0..children.length() {
        let Some(child) = children.item(i) else { continue };
        if child.tag_name().eq_ignore_ascii_case(host_tag) || child.has_attribute("inert") {
            continue;
        }
        if child.set_attribute("inert", "").is_ok() {
            changed.push(child);
        }
    }
    MADE_INERT.with(|m| m.borrow_mut().extend(changed));
}

/// Undoes [`make_page_inert`].
pub fn release_page() {
    for el in MADE_INERT.with(|m| std::mem::take(&mut *m.borrow_mut())) {
        let _ = el.remove_attribute("inert");
    }
}

/// Every element Tab can reach inside `container`, in order.
fn tabbables(container: &Element) -> Vec<HtmlElement> {
    let Ok(list) = container.query_selector_all("button, input, a[href], [tabindex='0']") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .filter(|e| !e.has_attribute("disabled"))
        .collect()
}

/// Keeps Tab and Shift+Tab cycling inside `container`.
pub fn trap_tab(event: &KeyboardEvent, container: &Element, active: Option<Element>) {
    if event.key() != "Tab" {
        return;
    }
    let items = tabbables(container);
    let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
    let active_is = |e: &HtmlElement| active.as_ref().is_some_and(|a| a == e.unchecked_ref::<Element>());
    let on_container = active.as_ref().is_some_and(|a| a == container);
    if event.shift_key() && (active_is(first) || on_container) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && active_is(last) {
        event.prevent_default();
        let _ = first.focus();
    }
}
