//! Component tests (wasm-bindgen-test in headless Chromium): each test mounts
//! one Yew component into its own fresh element, flushes the scheduler,
//! clicks what a visitor clicks and checks what the component emits.
#![cfg(target_arch = "wasm32")]

use kloudconsent::domain::{Config, Consent};
use kloudconsent::ui::banner::{Banner, BannerProps};
use kloudconsent::ui::preferences::{Preferences, PreferencesProps};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_root() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// The button whose text is `label`, inside `root`.
fn button(root: &web_sys::Element, label: &str) -> web_sys::HtmlElement {
    let buttons = root.query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|b| b.text_content().unwrap_or_default().trim() == label)
        .unwrap_or_else(|| panic!("no button {label}"))
}

fn switch(root: &web_sys::Element, id: &str) -> web_sys::HtmlInputElement {
    root.query_selector(&format!("#kc-switch-{id}"))
        .unwrap()
        .expect("switch exists")
        .dyn_into()
        .unwrap()
}

/// Records what a callback was called with.
fn recorder<T: 'static>() -> (Callback<T>, Rc<RefCell<Vec<T>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    (Callback::from(move |v: T| sink.borrow_mut().push(v)), seen)
}

#[wasm_bindgen_test]
async fn banner_buttons_emit_their_actions() {
    let root = fresh_root();
    let (on_accept, accepted) = recorder::<()>();
    let (on_reject, rejected) = recorder::<()>();
    let (on_manage, managed) = recorder::<()>();
    let props = BannerProps { config: Rc::new(Config::default_policy()), on_accept, on_reject, on_manage };
    let app = yew::Renderer::<Banner>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;

    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("We value your privacy"));
    button(&root, "Reject all").click();
    button(&root, "Manage preferences").click();
    button(&root, "Accept all").click();
    assert_eq!((accepted.borrow().len(), rejected.borrow().len(), managed.borrow().len()), (1, 1, 1));
    let links = root.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 2, "Cookie Policy and Privacy Policy");
    app.destroy();
    root.remove();
}

/// A preference tool for an undecided visitor, with recorders for Save and Close.
struct MountedPreferences {
    root: web_sys::Element,
    app: yew::AppHandle<Preferences>,
    saved: Rc<RefCell<Vec<Vec<(String, bool)>>>>,
    closed: Rc<RefCell<Vec<()>>>,
}

async fn mount_preferences() -> MountedPreferences {
    let root = fresh_root();
    let (on_save, saved) = recorder::<Vec<(String, bool)>>();
    let (on_close, closed) = recorder::<()>();
    let props = PreferencesProps {
        config: Rc::new(Config::default_policy()),
        consent: Consent::Undecided,
        on_accept: Callback::noop(),
        on_reject: Callback::noop(),
        on_save,
        on_close,
    };
    let app = yew::Renderer::<Preferences>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    MountedPreferences { root, app, saved, closed }
}

#[wasm_bindgen_test]
async fn preferences_save_emits_the_draft_with_required_categories_locked_on() {
    let MountedPreferences { root, app, saved, closed } = mount_preferences().await;

    let necessary = switch(&root, "necessary");
    assert!(necessary.checked());
    assert_eq!(necessary.get_attribute("role").as_deref(), Some("switch"));
    necessary.click();
    yew::scheduler::flush().await;
    assert!(switch(&root, "necessary").checked(), "a required switch stays on");

    switch(&root, "marketing").click();
    yew::scheduler::flush().await;
    assert!(switch(&root, "marketing").checked());
    button(&root, "Save preferences").click();
    let saved = saved.borrow();
    assert_eq!(saved.len(), 1);
    let draft: Vec<(String, bool)> = saved[0].clone();
    assert!(draft.contains(&("marketing".into(), true)));
    assert!(draft.contains(&("analytics".into(), false)));
    assert!(draft.contains(&("necessary".into(), true)));
    assert!(closed.borrow().is_empty());
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn preferences_close_emits_close_and_changes_nothing() {
    let MountedPreferences { root, app, saved, closed } = mount_preferences().await;
    switch(&root, "analytics").click();
    yew::scheduler::flush().await;
    let close = root.query_selector(".kc-close").unwrap().unwrap().dyn_into::<web_sys::HtmlElement>().unwrap();
    close.click();
    assert_eq!(closed.borrow().len(), 1);
    assert!(saved.borrow().is_empty());
    app.destroy();
    root.remove();
}
