//! What the dialog shows and what its buttons and switches send to `host`.

use crate::support::*;
use kloudconsent_domain::{Choice, Config, Consent};
use kloudconsent_tool::mount;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn mount_renders_a_labelled_modal_dialog_and_adds_its_sheet() {
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
        None,
        "the tool's script moves focus in (tests/e2e/lazy-tool), not the component"
    );
    let overlay = h.find(".kc-overlay");
    assert_eq!(overlay.get_attribute("lang").as_deref(), Some("en-AU"));
    assert_eq!(overlay.get_attribute("dir").as_deref(), Some("ltr"));
    let sheets = h.sheets();
    assert_eq!(
        sheets.len(),
        2,
        "the core's sheet kept, the tool's added after it"
    );
    assert_eq!(sheets[0], h.core_sheet.clone());
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
