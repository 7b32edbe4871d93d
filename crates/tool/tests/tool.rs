//! The preference tool through its JS surface (`mount`, `update`,
//! `unmount`), in a real browser: each test mounts into a fresh root inside
//! a fresh open shadow root, clicks what a visitor clicks and checks what
//! reaches `host`. Run with wasm-bindgen-test (headless Chromium or Firefox
//! ESR): see docs/tool.md.
#![cfg(target_arch = "wasm32")]

mod support;

use kloudconsent_domain::{Choice, Config, Consent};
use kloudconsent_tool::{mount, unmount, update};
use support::{model, mouse_down, press, stored, Call, Harness};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn grants(pairs: &[(&str, bool)]) -> Option<Vec<(String, bool)>> {
    Some(pairs.iter().map(|(id, on)| (id.to_string(), *on)).collect())
}

fn custom(pairs: &[(&str, bool)]) -> Call {
    Call::Choose("custom".into(), grants(pairs))
}

#[wasm_bindgen_test]
async fn mount_renders_a_labelled_modal_dialog_focuses_it_and_adds_its_sheet() {
    let h = Harness::mount(&Consent::Undecided).await;
    let dialog = h.find("[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(dialog.get_attribute("tabindex").as_deref(), Some("-1"));
    let title = h.find(&("#".to_owned() + &dialog.get_attribute("aria-labelledby").unwrap()));
    assert_eq!(title.text_content().as_deref(), Some("Cookie preferences"));
    let body = h.find(&("#".to_owned() + &dialog.get_attribute("aria-describedby").unwrap()));
    assert_eq!(
        body.query_selector_all("a[href]").unwrap().length(),
        2,
        "both policy links"
    );
    assert_eq!(
        h.focused(),
        Some(dialog.into()),
        "focus moves into the dialog"
    );
    let overlay = h.find(".kc-overlay");
    assert_eq!(overlay.get_attribute("lang").as_deref(), Some("en-AU"));
    assert_eq!(overlay.get_attribute("dir").as_deref(), Some("ltr"));
    let sheets = js_sys::Array::from(
        &js_sys::Reflect::get(&h.shadow, &"adoptedStyleSheets".into()).unwrap(),
    );
    assert_eq!(
        sheets.length(),
        2,
        "the core's sheet kept, the tool's added after it"
    );
    assert_eq!(
        sheets.get(0),
        wasm_bindgen::JsValue::from(h.core_sheet.clone())
    );
    assert_eq!(h.find(".kc-cats").children().length(), 5, "every category");
    assert!(
        h.root.query_selector(".kc-receipt").unwrap().is_none(),
        "no receipt while undecided"
    );
}

#[wasm_bindgen_test]
async fn save_sends_custom_with_the_draft_every_category_in_order() {
    let h = Harness::mount(&Consent::Undecided).await;
    h.switch("marketing").click();
    yew::scheduler::flush().await;
    assert!(h.switch("marketing").checked());
    assert!(h.take_calls().is_empty(), "a switch is a draft until Save");
    h.button("Save preferences").click();
    let expected = [
        ("necessary", true),
        ("analytics", false),
        ("functionality", false),
        ("security", true),
        ("marketing", true),
    ];
    assert_eq!(h.take_calls(), [custom(&expected)]);
    let raw = h.raw_grants.borrow()[0].clone();
    let prototype = js_sys::Object::get_prototype_of(&raw);
    assert!(
        js_sys::Object::is(
            &prototype,
            &js_sys::Object::get_prototype_of(&js_sys::Object::new())
        ),
        "a plain object"
    );
}

#[wasm_bindgen_test]
async fn accept_all_and_reject_all_send_their_kind() {
    let h = Harness::mount(&Consent::Undecided).await;
    h.button("Accept all").click();
    h.button("Reject all").click();
    assert_eq!(
        h.take_calls(),
        [
            Call::Choose("accept-all".into(), None),
            Call::Choose("reject-all".into(), None)
        ]
    );
}

#[wasm_bindgen_test]
async fn close_button_and_escape_call_close_and_choose_nothing() {
    let h = Harness::mount(&Consent::Undecided).await;
    h.switch("analytics").click();
    yew::scheduler::flush().await;
    h.find(".kc-close").click();
    assert!(
        press(&h.switch("analytics"), "Escape", false),
        "Escape is taken"
    );
    assert_eq!(h.take_calls(), [Call::Close, Call::Close]);
}

#[wasm_bindgen_test]
async fn required_switches_are_locked_on_explained_and_focusable() {
    let h = Harness::mount(&Consent::Undecided).await;
    let necessary = h.switch("necessary");
    assert_eq!(necessary.get_attribute("role").as_deref(), Some("switch"));
    assert_eq!(
        necessary.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    assert!(!necessary.disabled(), "still reachable with Tab");
    let note = h.find(&("#".to_owned() + &necessary.get_attribute("aria-describedby").unwrap()));
    assert_eq!(note.text_content().as_deref(), Some("Always on"));
    let label = h.find("label[for=kc-switch-necessary]");
    assert_eq!(
        label.text_content().as_deref(),
        Some("Strictly necessary"),
        "named by exactly its label"
    );
    necessary.click();
    yew::scheduler::flush().await;
    assert!(
        h.switch("necessary").checked(),
        "a required switch stays on"
    );
    assert!(h
        .switch("analytics")
        .get_attribute("aria-disabled")
        .is_none());
    h.button("Save preferences").click();
    let saved = h.take_calls();
    let Call::Choose(_, Some(saved)) = &saved[0] else {
        panic!("custom save, got {saved:?}")
    };
    assert!(saved.contains(&("necessary".into(), true)));
}

#[wasm_bindgen_test]
async fn tab_and_shift_tab_wrap_inside_the_dialog() {
    let h = Harness::mount(&Consent::Undecided).await;
    let (close, save) = (h.find(".kc-close"), h.button("Save preferences"));
    let dialog = h.find("[role=dialog]");
    assert!(
        press(&dialog, "Tab", true),
        "Shift+Tab from the dialog itself"
    );
    assert_eq!(
        h.focused(),
        Some(save.clone().into()),
        "goes to the last control"
    );
    assert!(press(&save, "Tab", false));
    assert_eq!(
        h.focused(),
        Some(close.clone().into()),
        "Tab from the last wraps to the first"
    );
    assert!(press(&close, "Tab", true));
    assert_eq!(
        h.focused(),
        Some(save.clone().into()),
        "Shift+Tab from the first wraps to the last"
    );
    let analytics = h.switch("analytics");
    analytics.focus().unwrap();
    assert!(
        !press(&analytics, "Tab", false),
        "inside the list, Tab is the browser's"
    );
}

#[wasm_bindgen_test]
async fn update_replaces_the_draft_with_the_new_grants_and_shows_the_receipt() {
    let h = Harness::mount(&Consent::Undecided).await;
    h.switch("analytics").click();
    yew::scheduler::flush().await;
    let consent = stored(Choice::Set(vec![("marketing".into(), true)]));
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
async fn a_receipt_shows_the_consent_id_and_date() {
    let h = Harness::mount(&stored(Choice::AcceptAll)).await;
    let receipt = h.find(".kc-receipt");
    assert_eq!(
        receipt
            .query_selector("code")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("c0ffee00decafbad")
    );
    let time = receipt.query_selector("time").unwrap().unwrap();
    assert_eq!(
        time.get_attribute("datetime").as_deref(),
        Some("2025-11-28T12:00:00.000Z")
    );
    assert_eq!(time.text_content().as_deref(), Some("2025-11-28"));
    assert!(h.switch("marketing").checked(), "the stored grants show");
}

#[wasm_bindgen_test]
async fn bad_input_is_an_err_naming_the_problem_and_renders_nothing() {
    let h = Harness::new();
    let message =
        |e: wasm_bindgen::JsValue| String::from(e.unchecked_into::<js_sys::Error>().message());
    let no_texts =
        js_sys::JSON::parse(r#"{"lang":"en","dir":"ltr","categories":[],"grants":{}}"#).unwrap();
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
async fn unmount_empties_the_root_at_once_and_the_tool_mounts_again() {
    let h = Harness::mount(&Consent::Undecided).await;
    unmount();
    assert_eq!(h.root.child_nodes().length(), 0, "at once");
    yew::scheduler::flush().await;
    assert_eq!(
        h.root.child_nodes().length(),
        0,
        "and after Yew's own clean-up"
    );
    unmount();
    mount(
        h.root.clone(),
        model(&Config::default_policy(), &Consent::Undecided),
        h.host.clone(),
    )
    .unwrap();
    yew::scheduler::flush().await;
    h.button("Reject all").click();
    assert_eq!(h.take_calls(), [Call::Choose("reject-all".into(), None)]);
    let sheets = js_sys::Array::from(
        &js_sys::Reflect::get(&h.shadow, &"adoptedStyleSheets".into()).unwrap(),
    );
    assert_eq!(sheets.length(), 2, "the tool's sheet is not added twice");
}

#[wasm_bindgen_test]
async fn a_press_on_the_backdrop_keeps_focus_in_the_dialog() {
    let h = Harness::mount(&Consent::Undecided).await;
    assert!(
        mouse_down(&h.find(".kc-overlay")),
        "the backdrop's default (moving focus) is cancelled"
    );
    assert!(!mouse_down(&h.button("Accept all")), "a control's is not");
}

#[wasm_bindgen_test]
async fn texts_stay_text_and_any_valid_id_reaches_host_as_a_key() {
    let mut config = Config::default_policy();
    config.categories[1].id = "__proto__".into();
    config.categories[1].label = "<b>bold</b>".into();
    let h = Harness::new();
    mount(
        h.root.clone(),
        model(&config, &Consent::Undecided),
        h.host.clone(),
    )
    .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(
        h.find("label[for=kc-switch-__proto__]")
            .text_content()
            .as_deref(),
        Some("<b>bold</b>")
    );
    assert!(h.root.query_selector("b").unwrap().is_none());
    h.switch("__proto__").click();
    yew::scheduler::flush().await;
    h.button("Save preferences").click();
    let expected = [
        ("necessary", true),
        ("__proto__", true),
        ("functionality", false),
        ("security", true),
        ("marketing", false),
    ];
    assert_eq!(h.take_calls(), [custom(&expected)]);
}

#[wasm_bindgen_test]
async fn a_host_that_throws_does_not_break_the_tool() {
    let h = Harness::new();
    let model = model(&Config::default_policy(), &Consent::Undecided);
    mount(h.root.clone(), model, support::throwing_host()).unwrap();
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
