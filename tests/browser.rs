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
    assert_eq!(
        store.read(),
        vec!["1|1|2|3|a|abcdefgh|necessary|".to_string()]
    );
    // The test page is a secure context (127.0.0.1): `__Host-kloudconsent`
    // where the browser takes it, else `kloudconsent`.
    let name = store.name().as_str();
    assert!(cookie::all().iter().any(|(n, _)| n == name), "{name}");
    store.clear();
    assert!(store.read().is_empty());
}

#[wasm_bindgen_test]
fn cookie_store_migrates_an_old_cookie_to_the_host_name() {
    let store = CookieStore { domain: None };
    cookie::write("kloudconsent", "old", 60, None).unwrap();
    store.write("new", 60).unwrap();
    if store.name().as_str() == "__Host-kloudconsent" {
        assert_eq!(
            store.read_named(),
            vec![("__Host-kloudconsent".to_string(), "new".to_string())]
        );
    } else {
        assert_eq!(
            store.read_named(),
            vec![("kloudconsent".to_string(), "new".to_string())]
        );
    }
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
    let listener =
        Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
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

// ---- hardening: the adapters never throw when the browser refuses ----------

/// Replaces `target[key]` with an accessor whose getter and setter throw,
/// and returns a function that puts the original back.
fn make_throwing(target: &JsValue, key: &str) -> impl FnOnce() {
    let object: &js_sys::Object = target.unchecked_ref();
    let original = js_sys::Object::get_own_property_descriptor::<JsValue>(object, &key.into());
    let thrower = js_sys::Function::new_no_args("throw new Error('refused by the test')");
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"get".into(), &thrower).unwrap();
    js_sys::Reflect::set(&descriptor, &"set".into(), &thrower).unwrap();
    js_sys::Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
    js_sys::Object::define_property(object, &key.into(), &descriptor);
    let (object, key) = (object.clone(), key.to_owned());
    move || {
        if original.is_undefined() {
            js_sys::Reflect::delete_property(&object, &key.into()).unwrap();
        } else {
            js_sys::Object::define_property(&object, &key.into(), original.unchecked_ref());
        }
    }
}

fn prototype_of(value: &JsValue) -> JsValue {
    js_sys::Object::get_prototype_of(value).into()
}

#[wasm_bindgen_test]
fn local_store_survives_a_throwing_local_storage() {
    let window: JsValue = web_sys::window().unwrap().into();
    let restore = make_throwing(&window, "localStorage");
    let store = LocalStore;
    assert!(store.read().is_empty());
    assert!(store.write("x", 60).is_err());
    store.clear();
    restore();
    assert!(
        web_sys::window()
            .unwrap()
            .local_storage()
            .unwrap()
            .is_some(),
        "restored"
    );
}

#[wasm_bindgen_test]
fn cookie_store_survives_a_throwing_document_cookie() {
    // `cookie` is an accessor on Document.prototype (HTMLDocument's parent).
    let document: JsValue = document().into();
    let html_document_proto = prototype_of(&document);
    let document_proto = prototype_of(&html_document_proto);
    let restore = make_throwing(&document_proto, "cookie");
    let store = CookieStore {
        domain: Some(".example.test".into()),
    };
    assert!(store.read().is_empty());
    assert!(store.write("1|1|2|3|a|abcdefgh|necessary|", 60).is_err());
    store.clear();
    cookie::expire_everywhere("_ga", Some(".example.test"));
    assert!(cookie::all().is_empty());
    restore();
}

#[wasm_bindgen_test]
fn signals_survive_a_throwing_navigator() {
    let window: JsValue = web_sys::window().unwrap().into();
    // `navigator` lives on the window itself or on its prototype chain,
    // depending on the engine.
    let own = js_sys::Object::get_own_property_descriptor::<JsValue>(
        window.unchecked_ref(),
        &"navigator".into(),
    );
    let owner = if own.is_undefined() {
        prototype_of(&window)
    } else {
        window.clone()
    };
    let restore = make_throwing(&owner, "navigator");
    let s = signals::read();
    restore();
    assert!(!s.dnt && !s.gpc);
}

#[wasm_bindgen_test]
fn events_survive_a_listener_that_throws() {
    let window = web_sys::window().unwrap();
    let thrower = js_sys::Function::new_no_args("throw new Error('page listener boom')");
    window
        .add_event_listener_with_callback("kloudconsent:boom", &thrower)
        .unwrap();
    events::dispatch("boom", "{}");
    events::dispatch("boom", "not json either");
    window
        .remove_event_listener_with_callback("kloudconsent:boom", &thrower)
        .unwrap();
}

/// Runs `f` with `console.error` recording its first argument, and returns
/// what was recorded.
fn console_errors_during(f: impl FnOnce()) -> Vec<String> {
    let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let original = js_sys::Reflect::get(&console, &"error".into()).unwrap();
    let log = js_sys::Array::new();
    let recorder = js_sys::Function::new_with_args("m", "this.push(m)").bind0(&log);
    js_sys::Reflect::set(&console, &"error".into(), &recorder).unwrap();
    f();
    js_sys::Reflect::set(&console, &"error".into(), &original).unwrap();
    log.iter().filter_map(|v| v.as_string()).collect()
}

#[wasm_bindgen_test]
fn panic_report_is_one_clear_console_error() {
    let logged = console_errors_during(|| {
        kloudconsent::browser::panic::report(Some("index out of bounds"), Some(("src/x.rs", 7)));
        kloudconsent::browser::panic::report(None, None);
    });
    assert_eq!(logged.len(), 2);
    assert!(
        logged[0].starts_with(
            "kloudconsent: internal error (index out of bounds at src/x.rs:7); gated scripts"
        ),
        "{}",
        logged[0]
    );
    assert!(
        logged[1].starts_with("kloudconsent: internal error (panic);"),
        "{}",
        logged[1]
    );
}

/// Installing the hook (twice, as a second boot call would) keeps panics
/// panics: the test still fails over to the harness. (The hook replaces the
/// harness's own, so this test cannot also check the panic's text.)
#[wasm_bindgen_test]
#[should_panic]
fn panic_hook_installs_and_panics_still_abort() {
    kloudconsent::browser::panic::install();
    kloudconsent::browser::panic::install();
    panic!("deliberate test panic");
}
