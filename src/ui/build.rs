//! The few DOM-building calls the core's UI is drawn with. Every node is
//! made with `createElement` and `textContent`, never `innerHTML`: texts
//! from a config are shown as text, and nothing needs a Trusted Types policy.

use web_sys::{Document, Element, Node};

/// `<tag class="class">`, or `None` when the browser refuses.
pub fn el(doc: &Document, tag: &str, class: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    Some(el)
}

/// Like [`el`], with a text.
pub fn text_el(doc: &Document, tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = el(doc, tag, class)?;
    el.set_text_content(Some(text));
    Some(el)
}

/// Sets each `(name, value)` attribute; a refusal leaves that one unset.
pub fn attrs(el: &Element, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        let _ = el.set_attribute(name, value);
    }
}

/// Appends every child in order.
pub fn append(parent: &Node, children: &[&Element]) {
    for child in children {
        let _ = parent.append_child(child);
    }
}

/// A `<button type="button">` that the UI's one click listener maps to an
/// action through its `data-kc-action` attribute.
pub fn button(doc: &Document, class: &str, action: &str, label: &str) -> Option<Element> {
    let b = text_el(doc, "button", class, label)?;
    attrs(&b, &[("type", "button"), (ACTION, action)]);
    Some(b)
}

/// The attribute naming a control's action.
pub const ACTION: &str = "data-kc-action";
