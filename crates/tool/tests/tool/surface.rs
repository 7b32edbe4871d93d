//! The JS surface's lifecycle: update, unmount, remount, and bad input.

use crate::support::*;
use kloudconsent_domain::{Choice, Config, Consent};
use kloudconsent_tool::{mount, unmount, update};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn update_replaces_the_draft_with_the_new_grants_and_shows_the_receipt() {
    let h = Harness::mount(&Consent::Undecided).await;
    h.switch("analytics").click();
    yew::scheduler::flush().await;
    let consent = stored(Choice::Set(vec![("marketing".into(), true)].into()));
    update(model(&Config::default_policy(), &consent)).expect("a good model");
    yew::scheduler::flush().await;
    assert!(
        !h.switch("analytics").checked(),
        "the unsaved draft is gone"
    );
    assert!(h.switch("marketing").checked(), "the new grants show");
    assert!(h
        .find(".kc-receipt")
        .text_content()
        .unwrap()
        .contains("c0ffee00decafbad"));
    h.button("Save preferences").click();
    let expected = [
        ("necessary", true),
        ("analytics", false),
        ("functionality", false),
        ("security", true),
        ("marketing", true),
    ];
    assert_eq!(h.take_calls(), [custom(&expected)]);
    assert!(
        update(wasm_bindgen::JsValue::NULL).is_err(),
        "a bad update is an Err"
    );
    assert!(h.switch("marketing").checked(), "and changes nothing");
}

#[wasm_bindgen_test]
async fn bad_input_is_an_err_naming_the_problem_and_renders_nothing() {
    let h = Harness::new();
    let message =
        |e: wasm_bindgen::JsValue| String::from(e.unchecked_into::<js_sys::Error>().message());
    // The model's eight items with `texts` (the fifth) not an array.
    let no_texts = js_sys::JSON::parse(r#"["en","ltr",true,365,{},[],[],null]"#).unwrap();
    let err = message(mount(h.root.clone(), no_texts, h.host.clone()).unwrap_err());
    assert!(
        err.contains("model is invalid") && err.contains("texts"),
        "{err}"
    );
    let err = message(mount(h.root.clone(), 42.into(), h.host.clone()).unwrap_err());
    assert!(err.contains("model is invalid"), "{err}");
    let good = || model(&Config::default_policy(), &Consent::Undecided);
    let err = message(mount(h.root.clone(), good(), js_sys::Object::new().into()).unwrap_err());
    assert!(err.contains("choose"), "{err}");
    let outside = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("div")
        .unwrap();
    let err = message(mount(outside, good(), h.host.clone()).unwrap_err());
    assert!(err.contains("shadow root"), "{err}");
    yew::scheduler::flush().await;
    assert_eq!(h.root.child_nodes().length(), 0);
    assert!(update(good()).is_err(), "nothing is mounted");
}

#[wasm_bindgen_test]
async fn unmount_takes_out_the_nodes_at_once_and_the_sheet_and_the_tool_mounts_again() {
    let h = Harness::mount(&Consent::Undecided).await;
    unmount();
    assert_eq!(h.root.child_nodes().length(), 0, "at once");
    assert_eq!(
        h.sheets(),
        std::slice::from_ref(&h.core_sheet),
        "the core's sheet alone"
    );
    yew::scheduler::flush().await;
    assert_eq!(
        h.root.child_nodes().length(),
        0,
        "and after Yew's own clean-up"
    );
    unmount();
    let good = || model(&Config::default_policy(), &Consent::Undecided);
    mount(h.root.clone(), good(), h.host.clone()).unwrap();
    unmount();
    yew::scheduler::flush().await;
    assert_eq!(
        h.root.child_nodes().length(),
        0,
        "a render due before unmount lands nowhere"
    );
    mount(h.root.clone(), good(), h.host.clone()).unwrap();
    mount(h.root.clone(), good(), h.host.clone()).expect("a second mount replaces the first");
    yew::scheduler::flush().await;
    assert_eq!(
        h.sheets().len(),
        2,
        "one sheet of the tool's, after the core's"
    );
    assert_eq!(
        h.root.query_selector_all(".kc-overlay").unwrap().length(),
        1,
        "one dialog"
    );
    h.button("Reject all").click();
    assert_eq!(h.take_calls(), [Call::Choose("reject-all".into(), None)]);
}

#[wasm_bindgen_test]
async fn a_host_that_throws_does_not_break_the_tool() {
    let h = Harness::new();
    let model = model(&Config::default_policy(), &Consent::Undecided);
    mount(h.root.clone(), model, throwing_host()).unwrap();
    yew::scheduler::flush().await;
    h.button("Accept all").click();
    h.find(".kc-close").click();
    h.switch("analytics").click();
    yew::scheduler::flush().await;
    assert!(
        h.switch("analytics").checked(),
        "still working after the host threw"
    );
}
