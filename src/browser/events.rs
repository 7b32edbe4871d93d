//! `kloudconsent:*` CustomEvents on `window`.

use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

/// Dispatches `kloudconsent:<name>` with `detail` parsed from `detail_json`
/// (a fresh object per event, so one listener cannot alter what the next one
/// sees). An exception thrown by a page listener is reported by the browser
/// and does not reach us: dispatchEvent does not rethrow it.
pub fn dispatch(name: &str, detail_json: &str) {
    let Some(window) = web_sys::window() else { return };
    let detail = js_sys::JSON::parse(detail_json).unwrap_or(JsValue::NULL);
    let init = CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&kloudconsent_domain::text::cat(&["kloudconsent:", name]), &init) {
        let _ = window.dispatch_event(&event);
    }
}
