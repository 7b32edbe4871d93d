//! Keeps Tab and Shift+Tab inside the modal dialog (WAI-ARIA APG dialog
//! pattern). Making the page behind inert and giving focus back on close
//! are the core's: it owns the page and knows who opened the tool.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, ShadowRoot};

/// What Tab can reach in the dialog. None of its controls is ever disabled.
const TABBABLE: &str = "button, input, a[href], [tabindex='0']";

/// On Tab from the last tabbable, focus goes to the first; on Shift+Tab from
/// the first (or from the dialog itself, which holds focus on open), to the
/// last. Elsewhere Tab is the browser's.
pub fn trap_tab(event: &KeyboardEvent, dialog: &Element) {
    if event.key() != "Tab" {
        return;
    }
    let Ok(items) = dialog.query_selector_all(TABBABLE) else {
        return;
    };
    let end = |i: u32| items.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok());
    let (Some(first), Some(last)) = (end(0), end(items.length().wrapping_sub(1))) else {
        return;
    };
    // The focused element inside the widget's shadow root.
    let active = dialog
        .get_root_node()
        .dyn_into::<ShadowRoot>()
        .ok()
        .and_then(|r| r.active_element());
    let is = |e: &Element| active.as_ref() == Some(e);
    let wrap_to = match event.shift_key() {
        true => (is(&first) || is(dialog)).then_some(last),
        false => is(&last).then_some(first),
    };
    if let Some(target) = wrap_to {
        event.prevent_default();
        let _ = target.focus();
    }
}
