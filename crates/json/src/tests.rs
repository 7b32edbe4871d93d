//! Host tests of the reader (against serde_json) and the writer.

use super::*;
use crate::parse::MAX_DEPTH;
use proptest::prelude::*;

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
        .num("n", 5u32)
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

#[test]
fn array_writer_writes_items_in_order_escaped() {
    let s = ArrayWriter::new()
        .str("x\"\\\n</script>")
        .bool(false)
        .raw("[1,{}]")
        .finish();
    assert_eq!(s, r#"["x\"\\\n</script>",false,[1,{}]]"#);
    assert_eq!(
        Json::parse(&s).map(|j| j.items().len()),
        Ok(3),
        "parses back"
    );
    assert_eq!(ArrayWriter::new().finish(), "[]");
}

#[test]
fn array_items_are_read_one_at_a_time() {
    let a = Json::parse(r#"[1, "b", [true]]"#).unwrap();
    assert_eq!(a.item_count(), 3);
    assert_eq!(a.item(1), Some(Json::String("b".into())));
    assert_eq!(a.item(2).map(|inner| inner.item_count()), Some(1));
    assert_eq!(a.item(3), None, "past the end");
    assert_eq!(a.items().len(), 3);
    let not_an_array = Json::parse(r#"{"0": 1}"#).unwrap();
    assert_eq!((not_an_array.item_count(), not_an_array.item(0)), (0, None));
    assert!(not_an_array.items().is_empty());
}

#[test]
fn number_grammar() {
    for good in [
        "0",
        "-0",
        "7",
        "-7",
        "0.5",
        "-0.5",
        "1e3",
        "1E+3",
        "1e-3",
        "10.25e-02",
        "123456789012345678901234567890",
    ] {
        assert!(matches!(Json::parse(good), Ok(Json::Number(_))), "{good}");
    }
    for bad in [
        "01",
        "-01",
        "00",
        "-",
        "+1",
        ".5",
        "1.",
        "1.e3",
        "1e",
        "1e+",
        "--1",
        "0x10",
        "1_000",
        "Infinity",
        "-Infinity",
        "NaN",
    ] {
        assert!(Json::parse(bad).is_err(), "{bad}");
    }
    let number = |t: &str| match Json::parse(t) {
        Ok(Json::Number(n)) => n,
        other => panic!("{t}: {other:?}"),
    };
    assert_eq!(number("18446744073709551615"), Number::Unsigned(u64::MAX));
    assert_eq!(
        number("18446744073709551616"),
        Number::Decimal("18446744073709551616".into())
    );
    assert_eq!(number("-9223372036854775808"), Number::Signed(i64::MIN));
    assert_eq!(
        number("-9223372036854775809"),
        Number::Decimal("-9223372036854775809".into())
    );
    assert_eq!(number("-0"), Number::Decimal("-0".into()));
    assert_eq!(number("1E300").text(), "1E300");
    let long = format!("0.{}", "1".repeat(100));
    assert_eq!(number(&long).text(), format!("{}\u{2026}", &long[..40]));
}

#[test]
fn numbers_beyond_f64_are_rejected() {
    for ok in [
        "1e308",
        "-1e308",
        "1.7976931348623157e308",
        "179769313486231580793728971405303415079934132e264",
        "0e999999",
        "1e-999999",
        "-0.0e99999999999999999999",
    ] {
        assert!(Json::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "1e309",
        "-1e309",
        "1.7976931348623159e308",
        "179769313486231580793728971405303415079934133e264",
        "1e99999999999999999999",
        "0.1e310",
    ] {
        let e = Json::parse(bad).unwrap_err();
        assert_eq!(e.problem, "number out of range", "{bad}");
    }
}

#[test]
fn whole_numbers_are_exact() {
    let whole = |t: &str| Json::parse(t).unwrap().as_whole_number();
    assert_eq!(whole("182"), Some(182));
    assert_eq!(whole("182.000"), Some(182));
    assert_eq!(whole("1.82e2"), Some(182));
    assert_eq!(whole("18200e-2"), Some(182));
    assert_eq!(whole("-3.0"), Some(-3));
    assert_eq!(whole("-0"), Some(0));
    assert_eq!(whole("0.0e-5"), Some(0));
    assert_eq!(whole("9e15"), Some(9_000_000_000_000_000));
    assert_eq!(whole("-9.0e15"), Some(-9_000_000_000_000_000));
    assert_eq!(whole("9.000000000000001e15"), None);
    assert_eq!(whole("1e16"), None);
    assert_eq!(whole("1.82e1"), None);
    assert_eq!(whole("1e-400"), None);
    assert_eq!(whole("18446744073709551616"), None);
    assert_eq!(whole("\"1\""), None);
}

#[test]
fn strings_and_escapes() {
    let s = |t: &str| {
        Json::parse(t).map(|j| match j {
            Json::String(s) => s,
            other => panic!("{other:?}"),
        })
    };
    assert_eq!(
        s(r#""a\"b\\c\/d\b\f\n\r\t""#).unwrap(),
        "a\"b\\c/d\u{8}\u{c}\n\r\t"
    );
    assert_eq!(
        s(r#""\u00e9\u20AC\ud83d\ude00 é €😀""#).unwrap(),
        "é€😀 é €😀"
    );
    assert_eq!(s(r#""\u0000""#).unwrap(), "\0");
    for bad in [
        r#""\ud83d""#,
        r#""\ud83dx""#,
        r#""\ud83d\u0041""#,
        r#""\ude00""#,
        r#""\x""#,
        r#""\u12""#,
        r#""\u12g4""#,
        "\"a\nb\"",
        "\"\t\"",
        "\"abc",
        "\"\\",
    ] {
        assert!(s(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn errors_say_what_and_where() {
    let e = |t: &str| Json::parse(t).unwrap_err().to_string();
    assert_eq!(e(""), "EOF while parsing a value at line 1 column 0");
    assert_eq!(e("garbage"), "expected value at line 1 column 1");
    assert_eq!(e("{"), "EOF while parsing an object at line 1 column 1");
    assert_eq!(e("[ "), "EOF while parsing a list at line 1 column 2");
    assert_eq!(e("[1,"), "EOF while parsing a value at line 1 column 3");
    assert_eq!(e("f\n"), "expected ident at line 2 column 0");
    assert_eq!(e("[0.1e400]"), "number out of range at line 1 column 8");
    assert_eq!(
        e(r#""\ud83d\u0041""#),
        "lone leading surrogate in hex escape at line 1 column 13"
    );
    assert_eq!(
        e("{\n  \"a\": 1,\n  \"b\" 2\n}"),
        "expected `:` at line 3 column 7"
    );
    assert_eq!(e("[1,]"), "trailing comma at line 1 column 4");
    assert_eq!(e("{} x"), "trailing characters at line 1 column 4");
    assert_eq!(e("[1 2]"), "expected `,` or `]` at line 1 column 4");
}

#[test]
fn edge_cases_read_as_serde_json_reads_them() {
    for text in [
        "",
        " ",
        "garbage",
        "{",
        "[ ",
        "[1,",
        "f\n",
        "tru",
        "nul",
        "[0.1e400]",
        "-",
        "-x",
        "1.",
        "1.x",
        "1e",
        "1ex",
        "01",
        "[1 2]",
        "{\"a\" 1}",
        "{1:2}",
        "{\"a\":1,}",
        "[1,]",
        "{} x",
        "\u{feff}{}",
        "\"\\ud83d\"",
        "\"\\ud83dx\"",
        "\"\\ud83d\\x\"",
        "\"\\ud83d\\u0041\"",
        "\"\\ude00\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\q\"",
        "\"a\nb\"",
        "\"abc",
        "\"\\",
        "1e999",
        "-1e999",
        "0e999",
        "1e-999",
        "18446744073709551616",
        "-9223372036854775809",
        "-0",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
    ] {
        check_against_serde_json(text).unwrap();
    }
}

#[test]
fn nesting_is_limited_like_serde_json() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(Json::parse(&nested(MAX_DEPTH)).is_ok());
    assert!(Json::parse(&nested(MAX_DEPTH + 1)).is_err());
    assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH)).is_ok());
    assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH + 1)).is_err());
}

#[test]
fn writer_escapes_control_characters() {
    let all: String = (0u8..0x80).map(char::from).collect();
    assert_eq!(string(&all), serde_json::to_string(&all).unwrap());
    assert_eq!(string("é€😀\u{7f}\u{2028}"), "\"é€😀\u{7f}\u{2028}\"");
}

// ---- checked against serde_json -------------------------------------

/// What serde_json made of a text before this reader existed: the old
/// `Deserialize` model, numbers as serde_json typed them.
#[derive(Debug)]
enum Old {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Array(Vec<Old>),
    Object(Vec<(String, Old)>),
}

impl<'de> serde::Deserialize<'de> for Old {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Old, D::Error> {
        d.deserialize_any(OldVisitor)
    }
}

struct OldVisitor;

impl<'de> serde::de::Visitor<'de> for OldVisitor {
    type Value = Old;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Old, E> {
        Ok(Old::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Old, E> {
        Ok(Old::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Old, E> {
        Ok(Old::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Old, E> {
        Ok(Old::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Old, E> {
        Ok(Old::Str(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Old, E> {
        Ok(Old::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Old, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Old::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Old, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Old::Object(entries))
    }
}

/// The same value, numbers compared by what they denote.
fn same(new: &Json, old: &Old) -> bool {
    match (new, old) {
        (Json::Null, Old::Null) => true,
        (Json::Bool(a), Old::Bool(b)) => a == b,
        (Json::Number(Number::Unsigned(a)), Old::U64(b)) => a == b,
        (Json::Number(Number::Signed(a)), Old::I64(b)) => a == b,
        (Json::Number(Number::Decimal(t)), Old::F64(f)) => {
            let parsed: f64 = t.parse().unwrap();
            parsed == *f && parsed.is_sign_negative() == f.is_sign_negative()
        }
        (Json::String(a), Old::Str(b)) => a == b,
        (Json::Array(a), Old::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Json::Object(a), Old::Object(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((k, x), (l, y))| k == l && same(x, y))
        }
        _ => false,
    }
}

/// Parses `text` both ways: same verdict, same value, same message.
fn check_against_serde_json(text: &str) -> Result<(), TestCaseError> {
    let ours = Json::parse(text);
    let theirs = serde_json::from_str::<Old>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => prop_assert!(same(a, b), "{text:?}: {a:?} vs {b:?}"),
        // Where an exponent beyond 2^31 is noticed is not worth copying.
        (Err(a), Err(b)) if a.problem == "number out of range" => {
            prop_assert!(
                b.to_string().starts_with("number out of range"),
                "{text:?}: {b}"
            )
        }
        (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string(), "{:?}", text),
        _ => prop_assert!(false, "{text:?}: {ours:?} vs {theirs:?}"),
    }
    Ok(())
}

/// JSON texts with every kind of value, odd numbers and escapes, and
/// random whitespace.
fn json_text() -> impl Strategy<Value = String> {
    let ws = "[ \t\r\n]{0,2}";
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
        "\"([^\"\\\\\\x00-\\x1f]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}){0,8}\"",
    ];
    leaf.prop_recursive(4, 40, 5, move |inner| {
        let item = (ws, inner.clone(), ws).prop_map(|(a, v, b)| format!("{a}{v}{b}"));
        prop_oneof![
            proptest::collection::vec(item.clone(), 0..5)
                .prop_map(|items| format!("[{}]", items.join(","))),
            proptest::collection::vec(("[a-c]{1,2}", item), 0..5).prop_map(|entries| {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn valid_texts_read_as_serde_json_reads_them(text in json_text()) {
        check_against_serde_json(&text)?;
    }

    #[test]
    fn broken_texts_fail_as_in_serde_json(text in json_text(), at in 0usize..200, c in "[\\[\\]{}:,\"\\\\ 0-9.eE+\\-a-z\\x00-\\x1f\u{e9}\u{1f600}]") {
        let mut text = text;
        let at = text.char_indices().map(|(i, _)| i).nth(at % (text.chars().count() + 1)).unwrap_or(text.len());
        if at % 2 == 0 {
            text.insert_str(at, &c);
        } else if at < text.len() {
            text.remove(at);
        }
        check_against_serde_json(&text)?;
    }

    #[test]
    fn any_text_reads_as_serde_json_reads_it(text in "[\\[\\]{}:,\"\\\\ 0-9.eE+\\-nultrfase\\x00-\\x1f\u{e9}]{0,30}") {
        check_against_serde_json(&text)?;
    }

    #[test]
    fn strings_round_trip_and_escape_as_serde_json_does(s in "\\PC*|[\\x00-\\x7f]*") {
        let written = string(&s);
        prop_assert_eq!(&written, &serde_json::to_string(&s).unwrap());
        prop_assert_eq!(Json::parse(&written), Ok(Json::String(s)));
    }
}

proptest::proptest! {
    #[test]
    fn char_cut_matches_char_indices(s in "[a-zé\u{3000}\u{1F600}]{0,8}", n in 0usize..10) {
        proptest::prop_assert_eq!(crate::char_cut(&s, n), s.char_indices().nth(n).map(|(i, _)| i));
    }
}
