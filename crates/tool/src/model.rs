//! Reads the model the core hands over (a plain JS object: `JSON.parse` of
//! `tool_model::model_json`) into a [`ToolModel`].
//!
//! By hand with `Reflect` rather than serde-wasm-bindgen: serde's generic
//! deserializer and the derived visitors cost 13 KB brotli, over a quarter
//! of the tool's 45 KB budget, for two dozen fields. It accepts what the
//! serde derive in crates/domain accepts (a browser test reads the same
//! models both ways); unknown fields are ignored, like serde's.

use js_sys::{Array, Object, Reflect};
use kloudconsent_domain::tool_model::{
    CookieRow, ToolCategory, ToolModel, ToolReceipt, ToolService, ToolTexts, TOOL_TEXT_KEYS,
};
use kloudconsent_domain::Grants;
use wasm_bindgen::{JsCast, JsValue};

/// What is wrong, e.g. `texts.save: expected a string`.
type Read<T> = Result<T, String>;

/// `model` as a [`ToolModel`], or which field is wrong.
///
/// Written as loops that fill one field after another (not one struct
/// literal full of `?`): every early return out of a half-built literal
/// drops what it has built so far, and that drop code is most of the size.
pub fn read(model: &JsValue) -> Read<ToolModel> {
    let model = object(model, "the model")?;
    let texts = read_texts(&object(&field(&model, "texts"), "texts")?)?;
    let mut categories = Vec::new();
    for (i, c) in array(&model, "", "categories")?.iter().enumerate() {
        categories.push(category(i, &c)?);
    }
    let grants = grants(&object(&field(&model, "grants"), "grants")?)?;
    let receipt = field(&model, "receipt");
    let receipt = match receipt.is_null() || receipt.is_undefined() {
        true => None,
        false => Some(read_receipt(&object(&receipt, "receipt")?)?),
    };
    let Some(builtin) = field(&model, "builtin").as_bool() else {
        return Err(wrong("", "builtin", "true or false"));
    };
    let days = field(&model, "days").as_f64().unwrap_or_default() as u32;
    let mut model = ToolModel {
        lang: string(&model, "", "lang")?,
        dir: string(&model, "", "dir")?,
        texts,
        categories,
        grants,
        receipt,
        builtin,
        days,
    };
    model.fill_builtin();
    Ok(model)
}

/// Every key of `TOOL_TEXT_KEYS`, which lists them in field order.
fn read_texts(t: &JsValue) -> Read<ToolTexts> {
    let mut texts = Vec::with_capacity(TOOL_TEXT_KEYS.len());
    for key in TOOL_TEXT_KEYS {
        texts.push(string(t, "texts.", key)?);
    }
    let Ok(
        [prefs_title, prefs_body, accept_all, reject_all, save, close, always_on, providers_label, cookie_policy_label, cookie_policy_url, privacy_policy_label, privacy_policy_url, consent_id_label, consent_date_label, partly_on, cookies_summary, cookie_table_caption, cookie_name, cookie_provider, cookie_purpose, cookie_duration],
    ) = <[String; TOOL_TEXT_KEYS.len()]>::try_from(texts)
    else {
        return Err(wrong("texts", "", "every text"));
    };
    Ok(ToolTexts {
        prefs_title,
        prefs_body,
        accept_all,
        reject_all,
        save,
        close,
        always_on,
        providers_label,
        cookie_policy_label,
        cookie_policy_url,
        privacy_policy_label,
        privacy_policy_url,
        consent_id_label,
        consent_date_label,
        partly_on,
        cookies_summary,
        cookie_table_caption,
        cookie_name,
        cookie_provider,
        cookie_purpose,
        cookie_duration,
    })
}

fn read_receipt(r: &JsValue) -> Read<ToolReceipt> {
    let id = string(r, "receipt.", "id")?;
    let decided_at = string(r, "receipt.", "decidedAt")?;
    Ok(ToolReceipt { id, decided_at })
}

fn category(i: usize, c: &JsValue) -> Read<ToolCategory> {
    let mut path = String::from("categories[");
    // JS formats the index: core::fmt's integer code would cost more.
    path.push_str(&String::from(
        js_sys::Number::from(i as u32)
            .to_string_with_radix(10)
            .unwrap_or_default(),
    ));
    path.push(']');
    let c = object(c, &path)?;
    path.push('.');
    let mut providers = Vec::new();
    for p in array(&c, &path, "providers")?.iter() {
        providers.push(
            p.as_string()
                .ok_or_else(|| wrong(&path, "providers", "strings only"))?,
        );
    }
    let Some(required) = field(&c, "required").as_bool() else {
        return Err(wrong(&path, "required", "true or false"));
    };
    let id = string(&c, &path, "id")?;
    let label = string(&c, &path, "label")?;
    let description = string(&c, &path, "description")?;
    let cookies = rows(&c, &path)?;
    let mut services = Vec::new();
    for s in array(&c, &path, "services")?.iter() {
        let s = object(&s, &path)?;
        let id = string(&s, &path, "id")?;
        let label = string(&s, &path, "label")?;
        let description = string(&s, &path, "description")?;
        let provider = string(&s, &path, "provider")?;
        let cookies = rows(&s, &path)?;
        services.push(ToolService {
            id,
            label,
            description,
            provider,
            cookies,
        });
    }
    Ok(ToolCategory {
        id,
        label,
        description,
        required,
        providers,
        cookies,
        services,
    })
}

/// The `cookies` rows of a category or service (`path` names it in errors).
fn rows(obj: &JsValue, path: &str) -> Read<Vec<CookieRow>> {
    let mut rows = Vec::new();
    for r in array(obj, path, "cookies")?.iter() {
        let r = object(&r, path)?;
        let name = string(&r, path, "name")?;
        let provider = string(&r, path, "provider")?;
        let purpose = string(&r, path, "purpose")?;
        let duration = string(&r, path, "duration")?;
        rows.push(CookieRow {
            name,
            provider,
            purpose,
            duration,
        });
    }
    Ok(rows)
}

/// `{"id": bool, ...}` in its own order.
fn grants(g: &JsValue) -> Read<Grants> {
    let mut grants = Grants::new();
    for pair in Object::entries(g.unchecked_ref()).iter() {
        let pair: Array = pair.unchecked_into();
        let id = pair.get(0).as_string().unwrap_or_default();
        let on = pair
            .get(1)
            .as_bool()
            .ok_or_else(|| wrong("grants.", &id, "true or false"))?;
        grants.set(&id, on);
    }
    Ok(grants)
}

fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(obj: &JsValue, path: &str, key: &str) -> Read<String> {
    field(obj, key)
        .as_string()
        .ok_or_else(|| wrong(path, key, "a string"))
}

/// An array, from any realm (so not `instanceof`).
fn array(obj: &JsValue, path: &str, key: &str) -> Read<Array> {
    let value = field(obj, key);
    match Array::is_array(&value) {
        true => Ok(value.unchecked_into()),
        false => Err(wrong(path, key, "an array")),
    }
}

/// `value` when it is a non-array object.
fn object(value: &JsValue, what: &str) -> Read<JsValue> {
    match value.is_object() && !Array::is_array(value) {
        true => Ok(value.clone()),
        false => Err(wrong(what, "", "an object")),
    }
}

fn wrong(path: &str, key: &str, expected: &str) -> String {
    let mut message = String::from(path);
    message.push_str(key);
    message.push_str(": expected ");
    message.push_str(expected);
    message
}
