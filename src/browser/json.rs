//! JSON in the wasm core is parsed by the browser (`JSON.parse`) and read
//! through the domain's `Value` trait: no JSON parser ships in the wasm
//! every page loads. Only own properties are ever read, so a page that adds
//! to `Object.prototype` cannot slip a value into a config or a record.

use js_sys::{Array, Object, Reflect, JSON};
use kloudconsent_json::{Kind, Value};
use wasm_bindgen::{JsCast, JsValue};

/// A value `JSON.parse` returned.
pub struct JsJson(JsValue);

/// Parses `text` with the browser's `JSON.parse`; the error is the
/// browser's own message (it names the position).
pub fn parse(text: &str) -> Result<JsJson, String> {
    JSON::parse(text)
        .map(JsJson)
        .map_err(super::storage::describe)
}

impl JsJson {
    fn object(&self) -> Option<&Object> {
        if self.0.is_object() && !Array::is_array(&self.0) {
            self.0.dyn_ref::<Object>()
        } else {
            None
        }
    }
}

impl Value for JsJson {
    fn kind(&self) -> Kind {
        let v = &self.0;
        if v.as_bool().is_some() {
            Kind::Bool
        } else if v.as_f64().is_some() {
            Kind::Number
        } else if v.is_string() {
            Kind::String
        } else if Array::is_array(v) {
            Kind::Array
        } else if v.is_object() {
            Kind::Object
        } else {
            Kind::Null
        }
    }

    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn as_string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn get(&self, key: &str) -> Option<JsJson> {
        let object = self.object()?;
        let key = JsValue::from_str(key);
        if !Object::has_own(object, &key) {
            return None;
        }
        Reflect::get(object, &key).ok().map(JsJson)
    }

    fn keys(&self) -> Vec<String> {
        let Some(object) = self.object() else {
            return Vec::new();
        };
        let mut keys = Vec::new();
        for key in Object::keys(object).iter() {
            if let Some(key) = key.as_string() {
                keys.push(key);
            }
        }
        keys
    }

    fn item_count(&self) -> usize {
        self.0.dyn_ref::<Array>().map_or(0, |a| a.length() as usize)
    }

    fn item(&self, i: usize) -> Option<JsJson> {
        let array = self.0.dyn_ref::<Array>()?;
        (i < array.length() as usize).then(|| JsJson(array.get(i as u32)))
    }

    fn text(&self) -> String {
        let text: String = JSON::stringify(&self.0)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        match kloudconsent_json::char_cut(&text, 60) {
            Some(cut) => kloudconsent_domain::text::cat(&[&text[..cut], "\u{2026}"]),
            None => text,
        }
    }
}
