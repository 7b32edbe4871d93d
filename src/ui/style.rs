//! The widget's stylesheet, adopted as a constructable stylesheet: no
//! `<style>` element and no `style` attribute, so it works under a strict
//! `style-src 'self'` Content-Security-Policy.

use crate::browser::dom;
use web_sys::{Document, ShadowRoot};

// src/ui/style.css without comments and spare whitespace (build.rs).
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/style.min.css"));

pub fn adopt(shadow: &ShadowRoot, document: &Document) {
    dom::adopt_stylesheet(shadow, document, dom::stylesheet(CSS), CSS);
}
