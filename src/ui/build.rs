//! The core's UI is drawn from small static templates: one loop builds any
//! of them, so each new piece of UI costs a few bytes of table rather than
//! a function of DOM calls (this code ships on every page). Every node is
//! made with `createElement` and `textContent`, never `innerHTML`: texts from
//! a config are shown as text, and no Trusted Types policy is needed.

use crate::browser::dom;
use kloudconsent_domain::config::Texts;
use kloudconsent_domain::text;
use web_sys::{Document, Element};

/// One element of a template.
pub struct Node {
    /// Nesting: a node's parent is the last node before it with `depth - 1`.
    pub depth: u8,
    pub tag: &'static str,
    /// `name=value` pairs separated by `|`; a value `$key` is the text under
    /// config text key `key` (e.g. `href=$cookiePolicyUrl`).
    pub attrs: &'static str,
    /// The config text key of the element's text, or `""` for none.
    pub text: &'static str,
}

/// Builds `nodes`; returns every element in template order (the first is
/// the root), or `None` when the browser refuses one.
pub fn build(doc: &Document, nodes: &[Node], texts: &Texts) -> Option<Vec<Element>> {
    let mut made: Vec<Element> = Vec::with_capacity(nodes.len());
    let mut parents: Vec<Element> = Vec::new();
    for node in nodes {
        let el = dom::create(doc, node.tag)?;
        for pair in text::split(node.attrs, b'|') {
            if let Some((name, value)) = text::split_once(pair, b'=') {
                let value = match value.strip_prefix('$') {
                    Some(key) => texts.get(key).unwrap_or_default(),
                    None => value,
                };
                el.set_attribute(name, value).ok()?;
            }
        }
        if !node.text.is_empty() {
            el.set_text_content(texts.get(node.text));
        }
        parents.truncate(usize::from(node.depth));
        if let Some(parent) = parents.last() {
            parent.append_child(&el).ok()?;
        }
        parents.push(el.clone());
        made.push(el);
    }
    Some(made)
}
