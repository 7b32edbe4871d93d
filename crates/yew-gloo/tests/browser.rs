//! The stand-in's two helpers in a browser, with the argument types Yew
//! passes to `console::error!` (dom_bundle/position.rs).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Against the document as gloo found it: through `web_sys::window()`
/// (disallowed in the shipped crates for its size, not its answer).
#[wasm_bindgen_test]
#[allow(clippy::disallowed_methods)]
fn document_is_the_pages_document() {
    let page = web_sys::window().unwrap().document().unwrap();
    assert_eq!(gloo::utils::document(), page);
}

#[wasm_bindgen_test]
fn console_macros_take_what_yew_passes() {
    let document = gloo::utils::document();
    let parent = document.create_element("div").unwrap();
    let node: web_sys::Node = document.create_element("i").unwrap().into();
    let next: Option<&web_sys::Node> = None;
    gloo::console::error!(
        "failed to append child",
        JsValue::from("an error"),
        &parent,
        next,
        &node
    );
    gloo::console::log!("layout '{}'", String::from("a name"));
}
