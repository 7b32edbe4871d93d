//! The tool's view of JS values (src/model.rs) against the host's: the
//! domain's one reader, fed the same JSON parsed by the browser and by the
//! domain's own parser, gives the same `ToolModel`, and refuses the same
//! broken models with the same message.

use crate::support::stored;
use js_sys::{Array, Reflect, JSON};
use kloudconsent_domain::config::Dir;
use kloudconsent_domain::tool_model::{model_json, read_model, ToolModel};
use kloudconsent_domain::{Choice, Config, Consent};
use kloudconsent_json::Json;
use kloudconsent_tool::model::read;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

/// The same JSON read on the host's side.
fn on_host(json: &str) -> Result<ToolModel, String> {
    read_model(&Json::parse(json).expect("JSON"))
}

#[wasm_bindgen_test]
fn reads_what_the_host_reads() {
    let mut odd = Config::default_policy();
    odd.texts
        .set("save", "</script><b>\"\\\u{1}\u{2028} ✓".into());
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
        let expected = on_host(&json).expect("the host reads the core's JSON");
        assert_eq!(read(&JSON::parse(&json).unwrap()), Ok(expected), "{json}");
    }
}

/// The default model (decided) with the item at `path` (indices into
/// nested arrays) set to `value` (JSON); when `value` is `None`, the array
/// holding it loses its last item instead (one item short).
fn broken(path: &[u32], value: Option<&str>) -> JsValue {
    let model = JSON::parse(&model_json(
        &Config::default_policy(),
        &stored(Choice::AcceptAll),
    ))
    .unwrap();
    let mut target = model.clone();
    for i in &path[..path.len() - 1] {
        target = Reflect::get(&target, &JsValue::from(*i)).unwrap();
    }
    let last = path[path.len() - 1];
    match value {
        Some(v) => {
            Reflect::set(&target, &JsValue::from(last), &JSON::parse(v).unwrap()).unwrap();
        }
        None => {
            target.unchecked_ref::<Array>().pop();
        }
    };
    model
}

#[wasm_bindgen_test]
fn refuses_what_the_host_refuses_with_the_same_message() {
    let cases: [(&[u32], Option<&str>); 16] = [
        (&[0], Some("1")),
        (&[1], None),
        (&[2], Some("\"yes\"")),
        (&[3], Some("-1")),
        (&[4], Some("{}")),
        (&[4, 9], Some("false")),
        (&[4, 20], None),
        (&[5], Some("{}")),
        (&[5, 0], Some("\"x\"")),
        (&[5, 0, 3], Some("\"yes\"")),
        (&[5, 0, 4], Some("[1]")),
        (&[6], Some("{\"necessary\": true}")),
        (&[6, 1, 1], Some("1")),
        (&[7], Some("\"x\"")),
        // Accepted by both: no receipt.
        (&[7], Some("null")),
        // Accepted by both: the date is shown as it is.
        (&[7, 1], Some("\"yesterday\"")),
    ];
    for (path, value) in cases {
        let model = broken(path, value);
        let json = String::from(JSON::stringify(&model).unwrap());
        assert_eq!(read(&model), on_host(&json), "{path:?} = {value:?}: {json}");
    }
    assert!(read(&broken(&[0], Some("1"))).is_err());
    assert!(read(&JsValue::NULL).is_err());
    assert!(read(&JsValue::from_str("[]")).is_err());
}
