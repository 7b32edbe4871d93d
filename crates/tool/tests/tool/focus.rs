//! Keyboard and pointer focus inside the modal dialog.

use crate::support::*;
use kloudconsent_domain::Consent;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn tab_and_shift_tab_wrap_inside_the_dialog() {
    let h = Harness::mount(&Consent::Undecided).await;
    let (close, save) = (h.find(".kc-close"), h.button("Save preferences"));
    let dialog = h.find("[role=dialog]");
    dialog.focus().unwrap(); // as the tool's script does when it is drawn
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
async fn a_press_on_the_backdrop_keeps_focus_in_the_dialog() {
    let h = Harness::mount(&Consent::Undecided).await;
    assert!(
        mouse_down(&h.find(".kc-overlay")),
        "the backdrop's default (moving focus) is cancelled"
    );
    assert!(!mouse_down(&h.button("Accept all")), "a control's is not");
}

#[wasm_bindgen_test]
async fn a_wheel_over_the_backdrop_or_the_dialogs_foot_leaves_the_page_still() {
    let h = Harness::mount(&Consent::Undecided).await;
    assert!(wheel(&h.find(".kc-overlay"), false), "the backdrop");
    assert!(wheel(&h.button("Save preferences"), false), "the foot");
    assert!(wheel(&h.find(".kc-close"), false), "the head");
    assert!(
        !wheel(&h.find(".kc-overlay"), true),
        "Ctrl+wheel (zoom) stays the browser's"
    );
}
