//! Focus and inertness for the modal preference tool (WAI-ARIA APG dialog):
//! remember who opened it, make the page behind it inert while open, trap Tab
//! inside, and give focus back on close.

use crate::browser::dom;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use web_sys::{Element, FocusOptions, HtmlElement, KeyboardEvent};

/// Where focus goes when the tool closes.
enum Opener {
    /// A page element (a `data-kloudconsent-open` link, the control whose
    /// handler called `kloudconsent.show()`): back to it while it exists.
    Page(HtmlElement),
    /// The banner's Manage preferences button. The banner is re-rendered
    /// when the tool closes, so the old button is gone: its replacement
    /// takes focus if the banner comes back, the page otherwise.
    Banner,
    /// Nothing had focus: leave it with the page.
    Nobody,
}

thread_local! {
    static OPENER: RefCell<Opener> = const { RefCell::new(Opener::Nobody) };
    static MADE_INERT: RefCell<Vec<Element>> = const { RefCell::new(Vec::new()) };
    static BANNER_WANTS_FOCUS: Cell<bool> = const { Cell::new(false) };
}

/// Remembers the element that opened the tool; `None` means whatever has
/// focus now (a page button whose handler called `kloudconsent.show()`).
pub fn remember_opener(opener: Option<HtmlElement>) {
    let opener = opener.or_else(deep_active_element);
    let opener = match opener {
        // Our only focusable things outside the dialog are in the banner.
        Some(el) if in_widget(&el) => Opener::Banner,
        Some(el) if el.tag_name() != "BODY" => Opener::Page(el),
        _ => Opener::Nobody,
    };
    OPENER.with(|o| *o.borrow_mut() = opener);
}

/// The banner's Manage preferences button opened the tool.
pub fn remember_banner_opener() {
    OPENER.with(|o| *o.borrow_mut() = Opener::Banner);
}

/// Moves focus out of the closing tool: to the page opener while it is
/// connected, to the banner when the banner opened the tool and is coming
/// back (`banner_returns`), else to the page itself. Must run while the
/// dialog is still in the DOM (a hook destructor), so that focus never sits
/// on a removed node.
pub fn return_focus(dialog: Option<HtmlElement>, banner_returns: bool) {
    match OPENER.with(|o| o.replace(Opener::Nobody)) {
        Opener::Page(el) if el.is_connected() => {
            let _ = el.focus();
            return;
        }
        Opener::Banner if banner_returns => BANNER_WANTS_FOCUS.with(|f| f.set(true)),
        _ => {}
    }
    // Only when focus is still ours: never take it from where the page put it.
    let focus_in_widget = dialog
        .and_then(|d| d.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok())
        .is_some_and(|r| r.active_element().is_some());
    if focus_in_widget {
        focus_page();
    }
}

/// Focuses `<body>` itself (scroll position kept): focus is then on the
/// page, not on a node about to be removed, and the next Tab starts at the
/// top of the page instead of leaving it from where the dialog was (the
/// widget sits at the end of `<body>`). The `tabindex` needed for that is
/// taken away again at once; focus stays.
fn focus_page() {
    let Some(body) = dom::document().and_then(|d| d.body()) else { return };
    let borrowed = !body.has_attribute("tabindex") && body.set_attribute("tabindex", "-1").is_ok();
    let options = FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = body.focus_with_options(&options);
    if borrowed {
        let _ = body.remove_attribute("tabindex");
    }
}

/// Whether the banner, just mounted, should focus its Manage preferences
/// button (it is back after the tool it opened was closed). Asks once.
pub fn banner_takes_focus() -> bool {
    BANNER_WANTS_FOCUS.with(|f| f.replace(false))
}

/// The focused element, looking inside open shadow roots (the document's
/// `activeElement` is only the host of a focused shadow element).
fn deep_active_element() -> Option<HtmlElement> {
    let mut active = dom::document()?.active_element()?;
    while let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
        active = inner;
    }
    active.dyn_into::<HtmlElement>().ok()
}

/// Whether `el` is inside our own shadow root (not a page component's).
fn in_widget(el: &Element) -> bool {
    el.get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .is_ok_and(|r| r.host().tag_name().eq_ignore_ascii_case(super::HOST_TAG))
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
