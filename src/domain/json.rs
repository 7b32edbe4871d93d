//! A minimal JSON model for reading, plus a tiny writer.
//!
//! Why not `serde_json::Value`? Without serde_json's `preserve_order` feature
//! (which would pull `indexmap` into every page's wasm) its objects are sorted
//! maps: they forget the order of keys and silently keep only the last of two
//! duplicate keys. A stored consent record must round-trip exactly, categories
//! in the order they were written, and a record with `"analytics"` twice is
//! tampered with, not "whichever came last". So the domain reads JSON into
//! [`Json`], whose objects are ordered lists of entries, through serde's own
//! `Deserialize` trait (no derive needed). serde_json still does the parsing,
//! including its nesting limit, so deep input cannot overflow the stack.
//!
//! Writing is done by hand with [`ObjectWriter`]: our outputs are small flat
//! objects whose key order is part of the contract.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A parsed JSON number, kept in the form serde_json produced so that integer
/// checks are exact (no detour through `f64` for large integers).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Number {
    /// A non-negative integer literal.
    Unsigned(u64),
    /// A negative integer literal.
    Signed(i64),
    /// Anything with a fraction or exponent (`2.5`, `1e3`).
    Float(f64),
}

/// A JSON value whose objects keep their entries in document order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses a complete JSON text (trailing garbage is an error).
    pub(crate) fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// What kind of value this is, phrased for an error message:
    /// "expected a string, got **a number**".
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The entries of an object, or `None` for any other kind.
    pub(crate) fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// An integer written as an integer literal (`1`, not `1.0` or `1e0`).
    /// Used where the exact text matters, e.g. stored records.
    pub(crate) fn as_exact_integer(&self) -> Option<i128> {
        match self {
            Json::Number(Number::Unsigned(u)) => Some(i128::from(*u)),
            Json::Number(Number::Signed(i)) => Some(i128::from(*i)),
            _ => None,
        }
    }

    /// A whole number in any spelling (`182`, `182.0`, `1.82e2`). Used for
    /// site configs, which people write by hand or generate with tools that
    /// may print floats.
    pub(crate) fn as_whole_number(&self) -> Option<i128> {
        match self {
            Json::Number(Number::Float(f)) => whole_float(*f),
            other => other.as_exact_integer(),
        }
    }
}

/// `f` as an integer when it is finite, has no fraction and fits comfortably.
fn whole_float(f: f64) -> Option<i128> {
    const LIMIT: f64 = 9.0e15; // below 2^53: every such whole f64 is exact
    if f.is_finite() && f.fract() == 0.0 && f.abs() <= LIMIT {
        Some(f as i128)
    } else {
        None
    }
}

/// The first key that occurs twice in `entries`, if any.
pub(crate) fn duplicate_key(entries: &[(String, Json)]) -> Option<&str> {
    entries
        .iter()
        .enumerate()
        .find(|(i, (key, _))| entries[..*i].iter().any(|(k, _)| k == key))
        .map(|(_, (key, _))| key.as_str())
}

/// The value stored under `key` (the first one, should there be several).
pub(crate) fn get<'a>(entries: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(if v < 0 {
            Number::Signed(v)
        } else {
            Number::Unsigned(v.unsigned_abs())
        }))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(Number::Unsigned(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(Number::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Json>()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Json>()? {
            entries.push(entry);
        }
        Ok(Json::Object(entries))
    }
}

/// `s` as a JSON string literal, quotes included. serde_json does the
/// escaping, so quotes, backslashes and control characters are always safe.
pub(crate) fn string(s: &str) -> String {
    // Serialising a &str cannot fail; the fallback only keeps this panic-free.
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

/// Writes one flat JSON object, keys in the order they are added.
pub(crate) struct ObjectWriter {
    out: String,
    empty: bool,
}

impl ObjectWriter {
    pub(crate) fn new() -> ObjectWriter {
        ObjectWriter {
            out: String::from("{"),
            empty: true,
        }
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push_str(&string(key));
        self.out.push(':');
    }

    /// Adds a value that is already JSON text (a nested object, a number).
    pub(crate) fn raw(&mut self, key: &str, json: &str) -> &mut ObjectWriter {
        self.key(key);
        self.out.push_str(json);
        self
    }

    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut ObjectWriter {
        self.raw(key, &string(value))
    }

    pub(crate) fn bool(&mut self, key: &str, value: bool) -> &mut ObjectWriter {
        self.raw(key, if value { "true" } else { "false" })
    }

    pub(crate) fn num(&mut self, key: &str, value: impl fmt::Display) -> &mut ObjectWriter {
        self.raw(key, &value.to_string())
    }

    pub(crate) fn null(&mut self, key: &str) -> &mut ObjectWriter {
        self.raw(key, "null")
    }

    pub(crate) fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.out);
        out.push('}');
        out
    }
}

/// A JSON array of strings, in the given order.
pub(crate) fn string_array<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s.as_ref())).collect();
    format!("[{}]", parts.join(","))
}

/// A JSON object of booleans, in the given order (e.g. category grants).
pub(crate) fn bool_object(entries: &[(String, bool)]) -> String {
    let mut w = ObjectWriter::new();
    for (key, value) in entries {
        w.bool(key, *value);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_document_order_and_duplicates() {
        let j = Json::parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        let entries = j.as_object().unwrap();
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!(duplicate_key(entries), Some("b"));
        assert_eq!(get(entries, "b"), Some(&Json::Number(Number::Unsigned(1))));
    }

    #[test]
    fn numbers_keep_their_spelling() {
        assert_eq!(Json::parse("7").unwrap().as_exact_integer(), Some(7));
        assert_eq!(Json::parse("-7").unwrap().as_exact_integer(), Some(-7));
        assert_eq!(Json::parse("7.0").unwrap().as_exact_integer(), None);
        assert_eq!(Json::parse("7.0").unwrap().as_whole_number(), Some(7));
        assert_eq!(Json::parse("1.5e2").unwrap().as_whole_number(), Some(150));
        assert_eq!(Json::parse("2.5").unwrap().as_whole_number(), None);
        assert_eq!(Json::parse("1e300").unwrap().as_whole_number(), None);
        assert!(
            Json::parse("1e999").is_err(),
            "out-of-range numbers are rejected by serde_json"
        );
        assert_eq!(
            Json::parse("18446744073709551615")
                .unwrap()
                .as_exact_integer(),
            Some(i128::from(u64::MAX))
        );
    }

    #[test]
    fn kinds_read_naturally_in_messages() {
        let kinds: Vec<&str> = ["null", "true", "1", "\"s\"", "[]", "{}"]
            .iter()
            .map(|t| Json::parse(t).unwrap().kind())
            .collect();
        assert_eq!(
            kinds,
            [
                "null",
                "a boolean",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(Json::parse(&deep).is_err());
        let deep_objects = "{\"a\":".repeat(50_000);
        assert!(Json::parse(&deep_objects).is_err());
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(Json::parse("{} x").is_err());
        assert!(Json::parse(" {} \n").is_ok());
    }

    #[test]
    fn writer_escapes_and_orders() {
        let mut w = ObjectWriter::new();
        w.str("a\"b", "x\\y\n</script>")
            .bool("t", true)
            .num("n", 5)
            .null("z");
        w.raw("o", &bool_object(&[("k".into(), false)]));
        w.raw("l", &string_array(&["p", "q"]));
        let s = w.finish();
        assert_eq!(
            s,
            r#"{"a\"b":"x\\y\n</script>","t":true,"n":5,"z":null,"o":{"k":false},"l":["p","q"]}"#
        );
        assert!(Json::parse(&s).is_ok());
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }
}
