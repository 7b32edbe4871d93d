//! The view of a parsed value the domain's readers go through.

use super::{string, Json, Number};

/// The kinds of JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    /// The kind phrased for an error message: "expected a string, got
    /// **a number**".
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// A parsed JSON value as the domain's readers (config, stored record, API
/// arguments) see it. Two implementations: [`Json`], this crate's own parser,
/// on the host (tests, fuzzing); and in the wasm core a view of what the
/// browser's native `JSON.parse` returned, so that no JSON parser has to
/// ship in the wasm every page loads.
///
/// Object members are read by key, last one winning if a key is repeated
/// (as in `JSON.parse`).
pub trait Value: Sized {
    /// What kind of value this is.
    fn kind(&self) -> Kind;
    /// The boolean, if this is one.
    fn as_bool(&self) -> Option<bool>;
    /// The string, if this is one.
    fn as_string(&self) -> Option<String>;
    /// The number as an `f64`, if this is one (exact for every whole number
    /// up to 2^53, which is all the readers accept).
    fn as_f64(&self) -> Option<f64>;
    /// Member `key` of an object (an own member: never an inherited one);
    /// `None` for other kinds or a missing key.
    fn get(&self, key: &str) -> Option<Self>;
    /// An object's keys in order (empty for other kinds).
    fn keys(&self) -> Vec<String>;
    /// How many items an array has (0 for other kinds).
    fn item_count(&self) -> usize;
    /// An array's item `i` (`None` for other kinds or past the end). Read
    /// one at a time rather than as a `Vec`, so the wasm has no vector of
    /// values to build and drop for each array it reads.
    fn item(&self, i: usize) -> Option<Self>;
    /// An array's items in order (empty for other kinds).
    fn items(&self) -> Vec<Self> {
        (0..self.item_count())
            .filter_map(|i| self.item(i))
            .collect()
    }
    /// The value as written, for an error message: a number's literal, a
    /// string quoted. Shortened to about 60 characters.
    fn text(&self) -> String;
}

impl Value for Json {
    fn kind(&self) -> Kind {
        match self {
            Json::Null => Kind::Null,
            Json::Bool(_) => Kind::Bool,
            Json::Number(_) => Kind::Number,
            Json::String(_) => Kind::String,
            Json::Array(_) => Kind::Array,
            Json::Object(_) => Kind::Object,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<String> {
        match self {
            Json::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(Number::Unsigned(u)) => Some(*u as f64),
            Json::Number(Number::Signed(i)) => Some(*i as f64),
            Json::Number(Number::Decimal(text)) => text.parse().ok(),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<Json> {
        match self {
            Json::Object(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        if let Json::Object(entries) = self {
            for (k, _) in entries {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
        keys
    }

    fn item_count(&self) -> usize {
        match self {
            Json::Array(items) => items.len(),
            _ => 0,
        }
    }

    fn item(&self, i: usize) -> Option<Json> {
        match self {
            Json::Array(items) => items.get(i).cloned(),
            _ => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Json::Number(n) => n.text(),
            Json::String(s) => shown(s),
            other => other.kind().to_owned(),
        }
    }
}

/// `s` quoted as a JSON string for a message, cut after 60 characters so a
/// 10 KB value cannot flood the console.
pub fn shown(s: &str) -> String {
    match char_cut(s, 60) {
        Some(cut) => {
            let mut out = string(&s[..cut]);
            out.push('\u{2026}');
            out
        }
        None => string(s),
    }
}

/// Where the character after the first `n` of `s` starts, or `None` when `s`
/// has no more than `n`: `s.char_indices().nth(n)`, counting the bytes that
/// start a character. std's char iterator is generic code copied into each
/// crate that uses it; this is one small loop for the core and the tool.
pub fn char_cut(s: &str, n: usize) -> Option<usize> {
    let mut seen = 0;
    for (i, b) in s.bytes().enumerate() {
        // UTF-8 continuation bytes are 0b10xx_xxxx; every other byte starts a character.
        if b & 0xC0 != 0x80 {
            if seen == n {
                return Some(i);
            }
            seen += 1;
        }
    }
    None
}
