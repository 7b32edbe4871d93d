//! The domain's JSON: a small reader into an ordered model, and a tiny writer.
//!
//! Why not serde_json? Its `Value` objects are sorted maps (without the
//! `preserve_order` feature, which would pull `indexmap` into every page's
//! wasm): they forget the order of keys and silently keep only the last of two
//! duplicate keys. A stored consent record must round-trip exactly,
//! categories in the order they were written, and a record with `"analytics"`
//! twice is tampered with, not "whichever came last". And size: serde and
//! serde_json cost every page ~25 KB of wasm (parser, float tables and
//! formatting, `io::Error` texts); this reader is a small fraction of that.
//!
//! The reader accepts exactly what serde_json accepts (RFC 8259, nesting
//! limited to 127 levels so deep input cannot overflow the stack, numbers
//! beyond `f64` range rejected) and words its errors the same way ("expected
//! value at line 1 column 1"); the host tests check it against serde_json on
//! random input. Numbers never pass through `f64`: integer literals that fit
//! 64 bits stay integers, every other number is kept as written.
//!
//! The pieces: `parse` (the reader), `value` (the [`Value`] view the
//! domain reads through, for this reader and for the browser's `JSON.parse`),
//! `write` (the writer).
//!
//! Writing is done by hand with [`ObjectWriter`]: our outputs are small flat
//! objects whose key order is part of the contract.

#![warn(missing_docs)]
use std::fmt;

/// A parsed JSON number, kept exactly as precise as it was written.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer literal that fits `u64`.
    Unsigned(u64),
    /// A negative integer literal that fits `i64` (`-0` is not one).
    Signed(i64),
    /// Any other number, as written: with a fraction or an exponent (`2.5`,
    /// `1e3`), `-0`, or an integer literal beyond 64 bits.
    Decimal(String),
}

impl Number {
    /// The number for an error message: as written, shortened so that a
    /// 10 KB literal cannot flood the console.
    pub fn text(&self) -> String {
        match self {
            Number::Unsigned(u) => u.to_string(),
            Number::Signed(i) => i.to_string(),
            Number::Decimal(text) if text.len() > 40 => format!("{}\u{2026}", &text[..40]),
            Number::Decimal(text) => text.clone(),
        }
    }
}

/// A JSON value whose objects keep their entries in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as written where it is exact.
    Number(Number),
    /// A string, unescaped.
    String(String),
    /// An array, in order.
    Array(Vec<Json>),
    /// An object: its members in document order (duplicates are refused by the parser).
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON, and where: 1-based line, column in bytes (as
/// serde_json counts them).
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    problem: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.problem, self.line, self.column
        )
    }
}

impl Json {
    /// What kind of value this is, phrased for an error message:
    /// "expected a string, got **a number**".
    pub fn kind(&self) -> &'static str {
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
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// An integer written as an integer literal (`1`, not `1.0` or `1e0`).
    /// Used where the exact text matters, e.g. stored records.
    pub fn as_exact_integer(&self) -> Option<i128> {
        match self {
            Json::Number(Number::Unsigned(u)) => Some(i128::from(*u)),
            Json::Number(Number::Signed(i)) => Some(i128::from(*i)),
            _ => None,
        }
    }

    /// A whole number in any spelling (`182`, `182.0`, `1.82e2`), at most
    /// 9e15 in magnitude. Used for site configs, which people write by hand or
    /// generate with tools that may print floats.
    pub fn as_whole_number(&self) -> Option<i128> {
        match self {
            Json::Number(Number::Decimal(text)) => parse::whole_decimal(text),
            other => other.as_exact_integer(),
        }
    }
}

/// The first key that occurs twice in `entries`, if any.
pub fn duplicate_key(entries: &[(String, Json)]) -> Option<&str> {
    entries
        .iter()
        .enumerate()
        .find(|(i, (key, _))| entries[..*i].iter().any(|(k, _)| k == key))
        .map(|(_, (key, _))| key.as_str())
}

/// The value stored under `key` (the first one, should there be several).
pub fn get<'a>(entries: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

mod parse;
mod value;
mod write;

pub use value::{char_cut, shown, Kind, Value};
pub use write::{bool_object, string, string_array, ArrayWriter, ObjectWriter};

#[cfg(test)]
mod tests;
