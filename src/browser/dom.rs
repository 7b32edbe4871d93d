//! Small DOM helpers shared by the adapters.

use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, ShadowRoot, Window};

pub fn window() -> Option<Window> {
    web_sys::window()
}

pub fn document() -> Option<Document> {
    window()?.document()
}

/// Runs `f` once, in a microtask: after the current call into the wasm has
/// returned (or thrown), before the browser does anything else.
pub fn queue_microtask(f: impl FnOnce() + 'static) {
    if let Some(window) = window() {
        window.queue_microtask(once(Box::new(f)).unchecked_ref());
    }
}

/// A JS function that runs `f` once. Boxed and not generic: every
/// `Closure` type costs the wasm its own shims, so all the one-shot
/// callbacks of the core share this one.
pub fn once(f: Box<dyn FnOnce()>) -> wasm_bindgen::JsValue {
    wasm_bindgen::closure::Closure::once_into_js(move || f())
}

/// Runs `f` once when the page is idle (`requestIdleCallback`, at the
/// latest after 3 s), or after 1.5 s where the browser lacks it (Safari).
pub fn when_idle(f: impl FnOnce() + 'static) {
    let Some(window) = window() else { return };
    let f = once(Box::new(f));
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Function>().ok());
    if let Some(idle) = idle {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeout".into(), &3000.into());
        if idle.call2(&window, &f, &options).is_ok() {
            return;
        }
    }
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 1500);
}

/// Every element matching `selector`, in document order; empty on any error.
pub fn query_all(selector: &str) -> Vec<Element> {
    let Some(list) = document().and_then(|d| d.query_selector_all(selector).ok()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}

/// The page URL, for receipts (`decision::receipt_json` drops its query
/// string and fragment).
pub fn page_url() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// A constructable stylesheet holding `css`; `None` where the browser has no
/// constructable stylesheets (Safari < 16.4).
pub fn stylesheet(css: &str) -> Option<CssStyleSheet> {
    CssStyleSheet::new()
        .ok()
        .filter(|sheet| sheet.replace_sync(css).is_ok())
}

/// Styles a shadow root with `sheet` adopted, which a `style-src 'self'`
/// Content-Security-Policy allows; without constructable stylesheets it falls
/// back to a `<style>` element holding `css`.
pub fn adopt_stylesheet(
    shadow: &ShadowRoot,
    document: &Document,
    sheet: Option<CssStyleSheet>,
    css: &str,
) {
    if let Some(sheet) = sheet {
        let sheets = js_sys::Array::of1(&sheet);
        if js_sys::Reflect::set(
            shadow,
            &wasm_bindgen::JsValue::from_str("adoptedStyleSheets"),
            &sheets,
        )
        .is_ok()
        {
            return;
        }
    }
    if let Ok(style) = document.create_element("style") {
        style.set_text_content(Some(css));
        let _ = shadow.append_child(&style);
    }
}
