//! The hand-written model reader (src/model.rs) against the reference, the
//! domain's serde derive: the same JSON read both ways gives the same
//! `ToolModel`, and both refuse the same broken models (the reader naming
//! the field).

use crate::support::stored;
use js_sys::{Reflect, JSON};
use kloudconsent_domain::config::Dir;
use kloudconsent_domain::tool_model::{model_json, ToolModel};
use kloudconsent_domain::{Choice, Config, Consent};
use kloudconsent_tool::model::read;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn by_serde(json: &str) -> Option<ToolModel> {
    serde_json::from_str(json).ok()
}

#[wasm_bindgen_test]
fn reads_what_serde_reads() {
    let mut odd = Config::default_policy();
    odd.texts.save = "</script><b>\"\\\u{1}\u{2028} ✓".into();
    odd.categories[1].id = "__proto__".into();
    odd.categories[2].providers.clear();
    odd.dir = Dir::Rtl;
    let cases = [
        (Config::default_policy(), Consent::Undecided),
        (Config::default_policy(), Consent::Signal),
        (Config::default_policy(), stored(Choice::AcceptAll)),
        (odd, stored(Choice::RejectAll)),
    ];
    for (config, consent) in cases {
        let json = model_json(&config, &consent);
        let mut expected = by_serde(&json).expect("serde reads the core's JSON");
        // The reader also fills in the built-in policy's display text.
        expected.fill_builtin();
        assert_eq!(read(&JSON::parse(&json).unwrap()), Ok(expected), "{json}");
    }
}

/// The default model's JSON with `path` (dot-separated, `[]` for index 0)
/// set to `value` (JSON), or deleted when `value` is `None`.
fn broken(path: &str, value: Option<&str>) -> JsValue {
    let model = JSON::parse(&model_json(
        &Config::default_policy(),
        &stored(Choice::AcceptAll),
    ))
    .unwrap();
    let keys: Vec<&str> = path.split('.').collect();
    let mut target = model.clone();
    for key in &keys[..keys.len() - 1] {
        let key = if *key == "[]" {
            JsValue::from(0)
        } else {
            JsValue::from_str(key)
        };
        target = Reflect::get(&target, &key).unwrap();
    }
    let last = JsValue::from_str(keys[keys.len() - 1]);
    match value {
        Some(v) => Reflect::set(&target, &last, &JSON::parse(v).unwrap()).unwrap(),
        None => Reflect::delete_property(target.unchecked_ref::<js_sys::Object>(), &last).unwrap(),
    };
    model
}

#[wasm_bindgen_test]
fn refuses_what_serde_refuses_and_names_the_field() {
    let cases: [(&str, Option<&str>); 24] = [
        ("lang", None),
        ("dir", Some("1")),
        ("texts", None),
        ("texts", Some("\"x\"")),
        ("texts", Some("null")),
        ("texts.save", None),
        ("texts.consentDateLabel", Some("false")),
        ("categories", Some("{}")),
        ("categories.[]", Some("\"x\"")),
        ("categories.[].id", None),
        ("categories.[].label", Some("[]")),
        ("categories.[].required", Some("\"yes\"")),
        ("categories.[].providers", Some("\"Stripe\"")),
        ("categories.[].providers", Some("[1]")),
        ("grants", None),
        ("grants", Some("[]")),
        ("grants", Some("null")),
        ("grants.analytics", Some("1")),
        ("receipt", Some("\"x\"")),
        ("receipt.id", None),
        ("receipt.decidedAt", Some("0")),
        // Accepted by both:
        ("receipt", None),
        ("receipt", Some("null")),
        ("unknownField", Some("{\"a\":1}")),
    ];
    for (path, value) in cases {
        let model = broken(path, value);
        let json = String::from(JSON::stringify(&model).unwrap());
        let ours = read(&model);
        assert_eq!(
            ours.is_ok(),
            by_serde(&json).is_some(),
            "{path} = {value:?}: {ours:?}"
        );
        if let Err(message) = ours {
            let field = path.rsplit('.').next().unwrap().trim_start_matches("[]");
            assert!(
                message.contains(field) || field.is_empty(),
                "{path}: {message}"
            );
        }
    }
}
