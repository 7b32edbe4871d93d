//! The widget's stylesheet, adopted as a constructable stylesheet: no
//! `<style>` element and no `style` attribute, so it works under a strict
//! `style-src 'self'` Content-Security-Policy.

use crate::browser::dom;
use web_sys::{Document, ShadowRoot};

const CSS: &str = include_str!("style.css");

pub fn adopt(shadow: &ShadowRoot, document: &Document) {
    dom::adopt_stylesheet(shadow, document, dom::stylesheet(CSS), CSS);
}
