//! Reading a config value together with where it is, so that every mistake
//! comes back naming the exact field (`categories[1].label`) and saying what
//! was expected and what was found. The path is a chain of borrowed parents,
//! written out only when an error needs it.

use crate::text::{cat, uint};
use kloudconsent_json::{Kind, Value};
use std::fmt;

/// Why a config was rejected: the JSON path of the offending field and what
/// was wrong with it. The widget logs it and uses the built-in default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Path such as `categories[2].label`; empty for problems with the whole
    /// text (invalid JSON, not an object).
    pub field: String,
    /// What was expected and what was found.
    pub problem: String,
}

impl ConfigError {
    /// An error about the whole config (no field).
    pub fn whole(problem: String) -> ConfigError {
        ConfigError {
            field: String::new(),
            problem,
        }
    }

    /// The console message: names the field and says the default is used.
    pub fn message(&self) -> String {
        let what = match self.field.is_empty() {
            true => "",
            false => "config field ",
        };
        cat(&[
            "kloudconsent: ",
            what,
            &self.described(),
            "; using the built-in default.",
        ])
    }

    /// The problem, after the field it is about when there is one:
    /// `` `categories[2].label`: must not be empty ``.
    pub fn described(&self) -> String {
        match self.field.is_empty() {
            true => self.problem.clone(),
            false => cat(&["`", &self.field, "`: ", &self.problem]),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ConfigError {}

/// The result of reading (part of) a config. The error is boxed: the reader
/// has a hundred `?`s, and each one moves and checks the `Err` it passes on;
/// a pointer instead of two `String`s took 0.5 KB brotli off every page's
/// wasm (measured 2026-12-02). [`parse`](super::parse) hands the error out
/// unboxed.
pub type Result<T> = std::result::Result<T, Box<ConfigError>>;

/// Where a value sits in the config.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                out.push_str(&uint(*i as u64));
                out.push(']');
            }
        }
    }
}

/// A config value and its place in the config.
pub struct Field<'a, V> {
    value: V,
    at: Path<'a>,
}

impl<V: Value> Field<'static, V> {
    /// The whole config.
    pub fn root(value: V) -> Field<'static, V> {
        Field {
            value,
            at: Path::Root,
        }
    }
}

// `#[inline(never)]` on the readers below: the config reader calls them
// from a hundred places, and inlined (the size build's MIR inliner does)
// each call site carried its own copy: 0.6 KB brotli of every page's wasm
// (measured 2026-12-02; the same attribute on the JSON and text helpers
// made no difference or cost a few bytes). With the size build's flags of
// 2026-12-03 (scripts/build.sh) removing it changes no byte: it stays as a
// guard should the inliner's settings change again.
impl<'a, V: Value> Field<'a, V> {
    /// Member `key` of this object; `None` when it is missing or `null` (many
    /// serialisers write absent optional values as `null`).
    #[inline(never)]
    pub fn key<'b>(&'b self, key: &'b str) -> Option<Field<'b, V>> {
        let value = self.value.get(key).filter(|v| v.kind() != Kind::Null)?;
        Some(Field {
            value,
            at: Path::Key(&self.at, key),
        })
    }

    /// Member `key`, which must be given (the message says it is required,
    /// and as what).
    #[inline(never)]
    pub fn required<'b>(&'b self, key: &'b str, what: &str) -> Result<Field<'b, V>> {
        self.key(key).ok_or_else(|| {
            let mut field = String::new();
            Path::Key(&self.at, key).write(&mut field);
            Box::new(ConfigError {
                field,
                problem: cat(&["is required (", what, ")"]),
            })
        })
    }

    /// The error `problem` about this field.
    #[inline(never)]
    pub fn fail(&self, problem: String) -> Box<ConfigError> {
        let mut field = String::new();
        self.at.write(&mut field);
        Box::new(ConfigError { field, problem })
    }

    /// "expected `expected`, got <what this is>".
    #[inline(never)]
    pub fn wrong(&self, expected: &str) -> Box<ConfigError> {
        self.fail(cat(&[
            "expected ",
            expected,
            ", got ",
            self.value.kind().name(),
        ]))
    }

    /// "expected `expected`, got <the value as written>": one builder for
    /// the readers that say what they found, not only its kind.
    #[inline(never)]
    pub fn unexpected(&self, expected: &str) -> Box<ConfigError> {
        self.fail(cat(&["expected ", expected, ", got ", &self.shown()]))
    }

    /// The value as written, for a message.
    pub fn shown(&self) -> String {
        self.value.text()
    }

    /// Checks that this is an object.
    #[inline(never)]
    pub fn object(&self) -> Result<&Self> {
        if self.value.kind() == Kind::Object {
            Ok(self)
        } else {
            Err(self.wrong("an object"))
        }
    }

    /// The object's keys, in order.
    pub fn keys(&self) -> Vec<String> {
        self.value.keys()
    }

    /// A string (possibly empty).
    #[inline(never)]
    pub fn string(&self) -> Result<String> {
        self.value.as_string().ok_or_else(|| self.wrong("a string"))
    }

    /// A string that is not blank: labels and titles, which are the
    /// accessible names of controls.
    #[inline(never)]
    pub fn text(&self) -> Result<String> {
        let s = self.string()?;
        // `s.trim().is_empty()` without std's trimming code in the wasm.
        if s.chars().all(char::is_whitespace) {
            return Err(self.fail("must not be empty".into()));
        }
        Ok(s)
    }

    /// `true` or `false`.
    #[inline(never)]
    pub fn boolean(&self) -> Result<bool> {
        self.value
            .as_bool()
            .ok_or_else(|| self.wrong("true or false"))
    }

    /// A whole number within `min..=max`, in any spelling (`182`, `182.0`,
    /// `1.82e2`): configs are written by hand or by tools that print floats.
    #[inline(never)]
    pub fn whole(&self, min: u32, max: u32) -> Result<u32> {
        let expected = cat(&[
            "a whole number from ",
            &uint(min.into()),
            " to ",
            &uint(max.into()),
        ]);
        let Some(n) = self.value.as_f64() else {
            return Err(self.wrong(&expected));
        };
        if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) {
            Ok(n as u32)
        } else {
            Err(self.unexpected(&expected))
        }
    }

    /// One of a fixed set of strings: the index of the one given. Not
    /// generic over what the caller maps it to, so every page's wasm has one
    /// copy of it, not one per enum.
    #[inline(never)]
    pub fn one_of(&self, choices: &[&str]) -> Result<usize> {
        let mut expected = String::from("one of ");
        for (i, name) in choices.iter().enumerate() {
            if i > 0 {
                expected.push_str(", ");
            }
            expected.push_str(&kloudconsent_json::string(name));
        }
        let s = self
            .value
            .as_string()
            .ok_or_else(|| self.wrong(&expected))?;
        match choices.iter().position(|name| *name == s) {
            Some(i) => Ok(i),
            None => Err(self.unexpected(&expected)),
        }
    }

    /// `visit` called with every item of this array, in order. One copy of
    /// the loop for every caller (`dyn`), and no generic collecting wrapper
    /// around it: each generic copy costs every page's wasm.
    pub fn visit(&self, visit: &mut dyn FnMut(&Field<'_, V>) -> Result<()>) -> Result<()> {
        if self.value.kind() != Kind::Array {
            return Err(self.wrong("an array"));
        }
        for i in 0..self.value.item_count() {
            let Some(value) = self.value.item(i) else {
                break;
            };
            visit(&Field {
                value,
                at: Path::Index(&self.at, i),
            })?;
        }
        Ok(())
    }

    /// An array of strings that each pass `valid`; `expected` describes one.
    #[inline(never)]
    pub fn strings(&self, valid: fn(&str) -> bool, expected: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        self.visit(&mut |item| {
            let s = item.string()?;
            if !valid(&s) {
                return Err(item.unexpected(expected));
            }
            out.push(s);
            Ok(())
        })?;
        Ok(out)
    }

    /// How many items this array has (0 for other kinds).
    pub fn item_count(&self) -> usize {
        self.value.item_count()
    }
}
