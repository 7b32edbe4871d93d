//! Keeps Tab and Shift+Tab inside the modal dialog (WAI-ARIA APG dialog
//! pattern). Making the page behind inert and giving focus back on close
//! are the core's: it owns the page and knows who opened the tool.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

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

/// On Tab from the last tabbable, focus goes to the first; on Shift+Tab from
/// the first (or from the dialog itself, which holds focus on open), to the
/// last. `active` is the focused element inside the shadow root.
pub fn trap_tab(event: &KeyboardEvent, container: &Element, active: Option<Element>) {
    if event.key() != "Tab" {
        return;
    }
    let items = tabbables(container);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return;
    };
    let active_is = |e: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<Element>())
    };
    let on_container = active.as_ref().is_some_and(|a| a == container);
    if event.shift_key() && (active_is(first) || on_container) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && active_is(last) {
        event.prevent_default();
        let _ = first.focus();
    }
}
