//! Reads the model the core hands over (`JSON.parse` of the positional JSON
//! `tool_model::model_json` writes) into a [`ToolModel`].
//!
//! The reader itself is the domain's `tool_model::read_model`, host-tested
//! against the writer; this file only lets it see JS values. Not
//! serde-wasm-bindgen: serde's generic deserializer and the derived visitors
//! cost 13 KB brotli, over a quarter of the tool's 45 KB budget, for two
//! dozen fields.

use js_sys::Array;
use kloudconsent_domain::tool_model::{read_model, Item, ToolModel};
use wasm_bindgen::{JsCast, JsValue};

/// `model` as a [`ToolModel`], or what is wrong with it.
pub fn read(model: &JsValue) -> Result<ToolModel, String> {
    read_model(&JsItem(model.clone()))
}

/// A value `JSON.parse` returned, as the domain's reader sees it.
struct JsItem(JsValue);

impl Item for JsItem {
    fn string(&self) -> Option<String> {
        self.0.as_string()
    }

    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn is_null(&self) -> bool {
        self.0.is_null()
    }

    /// An array from any realm (so not `instanceof`).
    fn list(&self) -> Option<Vec<JsItem>> {
        if !Array::is_array(&self.0) {
            return None;
        }
        let mut items = Vec::new();
        for v in self.0.unchecked_ref::<Array>().iter() {
            items.push(JsItem(v));
        }
        Some(items)
    }
}
