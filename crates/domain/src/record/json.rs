//! The localStorage form:
//! `{"v":1,"categories":{..},"method":..,"revision":..,"decidedAt":..,"expiresAt":..,"id":..}`.

use super::{check_categories, check_consent_id, malformed, ConsentRecord, Method, RecordError};
use super::{FORMAT_VERSION, MAX_STORED_BYTES};
use crate::grants::Grants;
use crate::text::cat;
use crate::time::{iso8601, parse_iso8601};
use kloudconsent_json::{Json, Kind, ObjectWriter, Value};

/// The record as JSON.
pub fn encode_json(r: &ConsentRecord) -> String {
    ObjectWriter::new()
        .num("v", FORMAT_VERSION)
        .raw("categories", &r.categories.to_json())
        .str("method", r.method.as_str())
        .num("revision", r.revision)
        .str("decidedAt", &iso8601(r.decided_at_ms))
        .str("expiresAt", &iso8601(r.expires_at_ms))
        .str("id", &r.id)
        .finish()
}

const JSON_KEYS: [&str; 7] = [
    "v",
    "categories",
    "method",
    "revision",
    "decidedAt",
    "expiresAt",
    "id",
];

/// Reads the localStorage form from its text (host side: this crate's own
/// JSON reader; the wasm core hands [`decode_json_value`] what the browser's
/// `JSON.parse` returned, after [`too_large`] has checked the size).
pub fn decode_json(s: &str) -> Result<ConsentRecord, RecordError> {
    too_large(s)?;
    let value = Json::parse(s)
        .map_err(|e| RecordError::Malformed(cat(&["not JSON (", &e.to_string(), ")"])))?;
    decode_json_value(value)
}

/// Refuses a stored value longer than [`MAX_STORED_BYTES`] before anything
/// parses it.
pub fn too_large(s: &str) -> Result<(), RecordError> {
    if s.len() > MAX_STORED_BYTES {
        Err(RecordError::TooLarge)
    } else {
        Ok(())
    }
}

/// Reads a parsed localStorage value. Keys may come in any order, but every
/// key must be present and nothing else may be.
pub fn decode_json_value<V: Value>(value: V) -> Result<ConsentRecord, RecordError> {
    if value.kind() != Kind::Object {
        return Err(RecordError::Malformed(cat(&[
            "expected an object, got ",
            value.kind().name(),
        ])));
    }
    // The version decides what the rest means, so it is checked first: a v2
    // record is "unknown version", not "malformed v1".
    match value.get("v") {
        None => return Err(malformed("missing `v`")),
        Some(v) if v.as_f64() == Some(f64::from(FORMAT_VERSION)) => {}
        Some(v) if v.kind() == Kind::Number => return Err(RecordError::UnknownVersion(v.text())),
        Some(v) => {
            return Err(RecordError::Malformed(cat(&[
                "`v` must be a number, got ",
                v.kind().name(),
            ])))
        }
    }
    for key in &value.keys() {
        if !JSON_KEYS.contains(&key.as_str()) {
            return Err(RecordError::Malformed(cat(&["unexpected key `", key, "`"])));
        }
    }
    let field = |key: &str| {
        value
            .get(key)
            .ok_or_else(|| RecordError::Malformed(cat(&["missing `", key, "`"])))
    };
    let record = ConsentRecord {
        categories: categories(field("categories")?)?,
        method: Method::from_stored(&string(field("method")?, "method")?)
            .ok_or_else(|| malformed("`method` must be accept-all, reject-all or custom"))?,
        revision: revision(field("revision")?)?,
        decided_at_ms: time(field("decidedAt")?, "decidedAt")?,
        expires_at_ms: time(field("expiresAt")?, "expiresAt")?,
        id: string(field("id")?, "id")?,
    };
    check_consent_id(&record.id)?;
    Ok(record)
}

fn string<V: Value>(v: V, name: &str) -> Result<String, RecordError> {
    v.as_string().ok_or_else(|| {
        RecordError::Malformed(cat(&[
            "`",
            name,
            "` must be a string, got ",
            v.kind().name(),
        ]))
    })
}

fn categories<V: Value>(v: V) -> Result<Grants, RecordError> {
    if v.kind() != Kind::Object {
        return Err(malformed("`categories` must be an object"));
    }
    let mut grants = Grants::new();
    for id in &v.keys() {
        let value = v.get(id);
        let Some(granted) = value.as_ref().and_then(Value::as_bool) else {
            let got = value.map_or("nothing", |v| v.kind().name());
            return Err(RecordError::Malformed(cat(&[
                "category values must be true or false, got ",
                got,
            ])));
        };
        grants.set(id, granted);
    }
    check_categories(&grants)?;
    Ok(grants)
}

fn revision<V: Value>(v: V) -> Result<u32, RecordError> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as u32),
        _ => Err(malformed(
            "`revision` must be a whole number from 0 to 4294967295",
        )),
    }
}

fn time<V: Value>(v: V, name: &str) -> Result<i64, RecordError> {
    let s = string(v, name)?;
    parse_iso8601(&s).ok_or_else(|| {
        RecordError::Malformed(cat(&[
            "`",
            name,
            "` must be a time like 2026-11-28T12:00:00.000Z",
        ]))
    })
}
