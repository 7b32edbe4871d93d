//! The placeholder shown over a blocked embed: a `<kloud-consent-placeholder>`
//! element with its own open shadow root, inserted right before the embed and
//! laid exactly over the embed's box.
//!
//! Why this shape:
//! - The embed stays where it is, with its own CSS, so its box (width: 100%,
//!   aspect-ratio, the site's classes) does not change when it loads: no
//!   layout shift, ever. It is only made `visibility: hidden` while blocked.
//! - The placeholder is absolutely positioned at its *static* position, so it
//!   moves with the embed when content above it reflows; a measured
//!   translation corrects the small offset between the two boxes, and a ResizeObserver
//!   re-measures when the embed's size changes.
//! - No `style` attribute and no `<style>` element: the stylesheet is adopted
//!   (constructable) and geometry is set through the CSSOM, both of which a
//!   `style-src 'self'` Content-Security-Policy allows. No `innerHTML`
//!   either, so it also works under Trusted Types.

use super::dom;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{
    CssStyleSheet, Document, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

/// The placeholder element's tag (a custom-element name, so it cannot clash
/// with the page's markup).
pub const TAG: &str = "kloud-consent-placeholder";

// placeholder.css without comments and spare whitespace (build.rs).
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/placeholder.min.css"));

thread_local! {
    /// One stylesheet object shared by every placeholder's shadow root.
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

/// The labels a placeholder shows.
pub struct Labels<'a> {
    pub text: &'a str,
    pub allow_once: &'a str,
    pub allow_always: &'a str,
}

/// Creates a placeholder whose buttons carry `data-action="once"` and
/// `"always"`; `on_click` (shared by all placeholders) hears their clicks.
pub fn create(labels: &Labels, on_click: &js_sys::Function) -> Option<HtmlElement> {
    let document = dom::document()?;
    let host: HtmlElement = document.create_element(TAG).ok()?.dyn_into().ok()?;
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .ok()?;
    adopt_sheet(&shadow, &document);
    let panel = element(&document, "div", "ph")?;
    let _ = panel.set_attribute("part", "placeholder");
    let text = element(&document, "p", "text")?;
    let _ = text.set_attribute("id", "text");
    let actions = element(&document, "div", "acts")?;
    for (action, label) in [("once", labels.allow_once), ("always", labels.allow_always)] {
        let button = element(&document, "button", action)?;
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("data-action", action);
        let _ = button.set_attribute("part", &format!("button allow-{action}"));
        // Several embeds on a page mean several "Allow once" buttons: the
        // description says which content each one is about.
        let _ = button.set_attribute("aria-describedby", "text");
        button.set_text_content(Some(label));
        actions.append_child(&button).ok()?;
    }
    panel.append_child(&text).ok()?;
    panel.append_child(&actions).ok()?;
    shadow.append_child(&panel).ok()?;
    shadow
        .add_event_listener_with_callback("click", on_click)
        .ok()?;
    set_text(&host, labels.text);
    Some(host)
}

/// Replaces the sentence (the missing categories can change).
pub fn set_text(host: &Element, text: &str) {
    let p = host.shadow_root().and_then(|s| s.get_element_by_id("text"));
    if let Some(p) = p {
        if p.text_content().as_deref() != Some(text) {
            p.set_text_content(Some(text));
        }
    }
}

/// Lays `host` over `embed`'s border box. Idempotent; cheap enough to run on
/// every resize.
pub fn place(host: &HtmlElement, embed: &Element) {
    let style = host.style();
    let set = |name: &str, value: &str| {
        let _ = style.set_property_with_priority(name, value, "important");
    };
    // A block-level embed gets a block placeholder, so both start on the same line.
    let inline = dom::window()
        .and_then(|w| w.get_computed_style(embed).ok().flatten())
        .and_then(|s| s.get_property_value("display").ok())
        .is_some_and(|d| d.starts_with("inline"));
    set("display", if inline { "inline-block" } else { "block" });
    let e = embed.get_bounding_client_rect();
    set("width", &px(e.width()));
    set("height", &px(e.height()));
    set("margin", "0px");
    set("transform", "none");
    let h = host.get_bounding_client_rect();
    // A transform, unlike a margin, moves the box the same way in
    // right-to-left text.
    set(
        "transform",
        &format!(
            "translate({}, {})",
            px(e.left() - h.left()),
            px(e.top() - h.top())
        ),
    );
}

/// `v` CSS pixels, rounded to the millionth: layout works in 1/64 px, which
/// six decimals write exactly. Written digit by digit because core's float
/// formatting costs ~4 KB of wasm (1.8 KB brotli) for this one use.
/// Not finite: 0; clamped to ±1e9 px (browsers clamp lengths far below that).
/// Also used by `ui::viewport` (one copy of this code in the wasm).
pub(crate) fn px(v: f64) -> String {
    let v = if v.is_finite() { v.clamp(-1e9, 1e9) } else { 0.0 };
    let scaled = v * 1e6;
    let n = (scaled + if scaled < 0.0 { -0.5 } else { 0.5 }) as i64;
    let mut s = String::new();
    if n < 0 {
        s.push('-');
    }
    let n = n.unsigned_abs();
    s.push_str(&(n / 1_000_000).to_string());
    let (mut frac, mut unit) = (n % 1_000_000, 100_000);
    if frac != 0 {
        s.push('.');
    }
    while frac != 0 {
        s.push(char::from(b'0' + (frac / unit) as u8));
        frac %= unit;
        unit /= 10;
    }
    s.push_str("px");
    s
}

fn element(document: &Document, tag: &str, class: &str) -> Option<Element> {
    let el = document.create_element(tag).ok()?;
    el.set_class_name(class);
    Some(el)
}

fn adopt_sheet(shadow: &ShadowRoot, document: &Document) {
    let sheet = SHEET.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_none() {
            *s = dom::stylesheet(CSS);
        }
        s.clone()
    });
    dom::adopt_stylesheet(shadow, document, sheet, CSS);
}
