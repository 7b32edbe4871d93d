//! A JSON tree that keeps what `serde_json::Value` throws away: the order of
//! an object's keys and every duplicate. A receipt with `"id"` twice must be
//! refused, not silently read as its last `"id"`.
//!
//! serde_json does the reading: UTF-8, syntax, raw control characters in
//! strings, numbers out of range and nesting deeper than 128 are its errors.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A parsed JSON value: the receipt body as the service reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Whole numbers that fit an `i64`/`u64` keep their exact value.
    Int(i128),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A string, unescaped.
    String(String),
    /// An array, in order.
    Array(Vec<Json>),
    /// Entries in document order, duplicates kept.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// What kind of value this is, for messages ("got an array").
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Int(_) | Json::Float(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Int(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

/// Parses one JSON document (whitespace around it allowed, nothing else).
pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
    serde_json::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_duplicates() {
        let v = parse(r#"{"b":1,"a":[true,null,"x",1.5],"b":-2}"#).unwrap();
        let Json::Object(entries) = v else {
            panic!("object")
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!(entries[2].1, Json::Int(-2));
        assert_eq!(
            entries[1].1,
            Json::Array(vec![
                Json::Bool(true),
                Json::Null,
                Json::String("x".into()),
                Json::Float(1.5)
            ])
        );
    }

    #[test]
    fn serde_json_errors_stand() {
        for bad in [
            "",
            "{",
            "{\"a\":1} x",
            "{\"a\":\"\u{1}\"}",
            "1e999",
            &"[".repeat(200),
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse("18446744073709551615").unwrap(),
            Json::Int(u64::MAX.into())
        );
        assert!(matches!(
            parse("18446744073709551616").unwrap(),
            Json::Float(_)
        ));
    }
}
