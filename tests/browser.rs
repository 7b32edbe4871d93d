//! Browser tests of the core's adapters (wasm-bindgen-test in headless
//! Chromium and Firefox ESR): `cargo test --target wasm32-unknown-unknown --test browser`.
//! Gated scripts and embeds, events and the UI's wiring are the loader's JS
//! (www/): the end-to-end tests drive them through the built widget.
#![cfg(target_arch = "wasm32")]

use kloudconsent::browser::json::parse;
use kloudconsent::browser::storage::{CookieStore, LocalStore, Store};
use kloudconsent::browser::{cookie, signals};
use kloudconsent::domain::config;
use kloudconsent_json::{Kind, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    kloudconsent::browser::dom::window()
        .unwrap()
        .document()
        .unwrap()
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
    // The test page is on 127.0.0.1, where `__Host-` keeps no one out: the
    // contract's `kloudconsent`.
    assert_eq!(store.name().as_str(), "kloudconsent");
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
    assert!(cookie::has("_ga_TEST", "x"));
    assert!(!cookie::has("_ga_TEST", "y"));
    cookie::expire_everywhere("_ga_TEST", None);
    assert!(!cookie::all().iter().any(|(name, _)| name == "_ga_TEST"));
}

#[wasm_bindgen_test]
fn signals_are_off_in_a_default_headless_browser() {
    let s = signals::read();
    assert!(!s.dnt && !s.gpc);
}

// ---- JSON: parsed by the browser, read through the domain's Value trait ----

#[wasm_bindgen_test]
fn json_view_reads_kinds_members_and_items() {
    let v = parse(r#"{"a":[1,"x",true,null,{}],"n":2.5}"#).unwrap();
    assert_eq!(v.kind(), Kind::Object);
    assert_eq!(v.keys(), ["a", "n"]);
    let items = v.get("a").unwrap().items();
    let kinds: Vec<Kind> = items.iter().map(Value::kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Number,
            Kind::String,
            Kind::Bool,
            Kind::Null,
            Kind::Object
        ]
    );
    let a = v.get("a").unwrap();
    assert_eq!(a.item_count(), 5);
    assert_eq!(a.item(1).and_then(|x| x.as_string()), Some("x".into()));
    assert!(a.item(5).is_none(), "past the end");
    assert_eq!(
        (v.item_count(), v.item(0).is_none()),
        (0, true),
        "not an array"
    );
    assert_eq!(v.get("n").unwrap().as_f64(), Some(2.5));
    assert_eq!(v.get("n").unwrap().text(), "2.5");
    assert!(v.get("missing").is_none());
    assert!(parse("{oops").is_err());
}

#[wasm_bindgen_test]
fn json_view_never_reads_inherited_members() {
    // A page that adds to Object.prototype cannot slip a value into a config.
    let proto = js_sys::Object::get_prototype_of(&js_sys::Object::new());
    js_sys::Reflect::set(&proto, &"revision".into(), &JsValue::from(7)).unwrap();
    let v = parse("{}").unwrap();
    let seen = v.get("revision").is_some();
    js_sys::Reflect::delete_property(&proto, &"revision".into()).unwrap();
    assert!(!seen);
    let c = config::parse_value(parse(r#"{"expiresAfterDays": 30}"#).unwrap()).unwrap();
    assert_eq!((c.revision, c.expires_after_days), (1, 30));
}

#[wasm_bindgen_test]
fn config_errors_read_the_same_through_the_browsers_json() {
    let err = config::parse_value(
        parse(r#"{"categories":[{"id":"a","label":"A"},{"id":5,"label":"B"}]}"#).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.field, "categories[1].id");
    assert_eq!(err.problem, "expected a string, got a number");
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
    let window: JsValue = kloudconsent::browser::dom::window().unwrap().into();
    let restore = make_throwing(&window, "localStorage");
    let store = LocalStore;
    assert!(store.read().is_empty());
    assert!(store.write("x", 60).is_err());
    store.clear();
    restore();
    assert!(
        kloudconsent::browser::dom::window()
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
    let window: JsValue = kloudconsent::browser::dom::window().unwrap().into();
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
