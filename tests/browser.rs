//! Browser tests of the adapters and components (wasm-bindgen-test in
//! headless Chromium): `cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use kloudconsent::browser::storage::{CookieStore, LocalStore, Store};
use kloudconsent::browser::{cookie, events, scripts, signals};
use kloudconsent::domain::{decision, Choice, Config, Consent};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element in the body for one test, removed by the caller.
fn fresh_div(html: &str) -> web_sys::Element {
    let div = document().create_element("div").unwrap();
    div.set_inner_html(html);
    document().body().unwrap().append_child(&div).unwrap();
    div
}

#[wasm_bindgen_test]
fn local_store_round_trips_and_clears() {
    let store = LocalStore;
    store.clear();
    assert!(store.read().is_empty());
    store.write("{\"v\":1}", 60).unwrap();
    assert_eq!(store.read(), vec!["{\"v\":1}".to_string()]);
    store.clear();
    assert!(store.read().is_empty());
}

#[wasm_bindgen_test]
fn cookie_store_writes_a_readable_cookie_and_clears_it() {
    let store = CookieStore { domain: None };
    store.write("1|1|2|3|a|abcdefgh|necessary|", 60).unwrap();
    assert_eq!(store.read(), vec!["1|1|2|3|a|abcdefgh|necessary|".to_string()]);
    assert!(cookie::all().iter().any(|(n, _)| n == "kloudconsent"));
    store.clear();
    assert!(store.read().is_empty());
}

#[wasm_bindgen_test]
fn expire_everywhere_deletes_a_cookie() {
    cookie::write("_ga_TEST", "x", 60, None).unwrap();
    assert_eq!(cookie::read_all("_ga_TEST"), vec!["x".to_string()]);
    cookie::expire_everywhere("_ga_TEST", None);
    assert!(cookie::read_all("_ga_TEST").is_empty());
}

#[wasm_bindgen_test]
fn signals_are_off_in_a_default_headless_browser() {
    let s = signals::read();
    assert!(!s.dnt && !s.gpc);
}

#[wasm_bindgen_test]
fn events_carry_their_detail_as_an_object() {
    let seen: Rc<RefCell<Option<JsValue>>> = Rc::new(RefCell::new(None));
    let sink = seen.clone();
    let listener = Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        *sink.borrow_mut() = Some(e.detail());
    });
    let window = web_sys::window().unwrap();
    window
        .add_event_listener_with_callback("kloudconsent:test", listener.as_ref().unchecked_ref())
        .unwrap();
    events::dispatch("test", r#"{"method":"custom","n":1}"#);
    window
        .remove_event_listener_with_callback("kloudconsent:test", listener.as_ref().unchecked_ref())
        .unwrap();
    let detail = seen.borrow().clone().expect("listener ran");
    let method = js_sys::Reflect::get(&detail, &"method".into()).unwrap();
    assert_eq!(method.as_string().as_deref(), Some("custom"));
}

fn ran(key: &str) -> bool {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &key.into())
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

#[wasm_bindgen_test]
fn gated_inline_scripts_run_only_when_granted_and_only_once() {
    let config = Config::default_policy();
    let div = fresh_div(
        r#"<script type="text/plain" data-consent="analytics">window.__t_analytics = (window.__t_analytics || 0) + 1;</script>
           <script type="text/plain" data-consent="marketing">window.__t_marketing = 1;</script>
           <script type="text/plain" data-consent="nonsense">window.__t_unknown = 1;</script>"#,
    );
    scripts::release(&Consent::Undecided, &config);
    assert!(!ran("__t_analytics") && !ran("__t_marketing"));

    let record = decision::decide(
        Choice::Set(vec![("analytics".into(), true)]),
        &Consent::Undecided,
        &config,
        1_700_000_000_000,
        "testid123".into(),
    );
    let consent = Consent::Stored(record);
    scripts::release(&consent, &config);
    scripts::release(&consent, &config);
    let count = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__t_analytics".into()).unwrap();
    assert_eq!(count.as_f64(), Some(1.0), "ran exactly once");
    assert!(!ran("__t_marketing"));
    assert!(!ran("__t_unknown"));
    div.remove();
}
