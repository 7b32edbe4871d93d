//! The argument of `kloudconsent.set({...})`, checked before it can change
//! anything: page code is outside our control, so a wrong shape is reported
//! and changes nothing, and unknown ids are named so the site owner can fix
//! the call.

use super::Config;
use crate::grants::Grants;
use crate::text::cat;
use kloudconsent_json::{Json, Kind, Value};

/// Known `(id, granted)` pairs (category ids and full service ids) in the
/// order given, and the unknown ids.
pub type Parsed = (Grants, Vec<String>);

/// [`parse_choices_value`] of a JSON text (the loader hands `set()`'s
/// argument over as `JSON.stringify` output).
pub fn parse_choices(json: &str, config: &Config) -> Result<Parsed, String> {
    let value =
        Json::parse(json).map_err(|_| String::from("the argument is not a plain object"))?;
    parse_choices_value(value, config)
}

/// A key given twice counts once, with its last value (as in JavaScript,
/// where the loader's `JSON.stringify` cannot produce one anyway).
pub fn parse_choices_value<V: Value>(value: V, config: &Config) -> Result<Parsed, String> {
    if value.kind() != Kind::Object {
        return Err("expected an object like {\"analytics\": true}".into());
    }
    let mut known = Grants::new();
    let mut unknown = Vec::new();
    for id in &value.keys() {
        let Some(granted) = value.get(id).and_then(|v| v.as_bool()) else {
            return Err(cat(&["`", id, "` must be true or false"]));
        };
        if !config.knows(id) {
            if !unknown.contains(id) {
                unknown.push(id.clone());
            }
        } else {
            known.set(id, granted);
        }
    }
    Ok((known, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        crate::test_support::cfg()
    }

    #[test]
    fn known_ids_are_kept_and_unknown_ones_named() {
        let (known, unknown) = parse_choices(
            r#"{"analytics": true, "marketing": false, "ads": true}"#,
            &config(),
        )
        .unwrap();
        assert_eq!(known.len(), 2);
        assert_eq!(known.get("analytics"), Some(true));
        assert_eq!(known.get("marketing"), Some(false));
        assert_eq!(unknown, vec!["ads".to_string()]);
    }

    #[test]
    fn wrong_shapes_are_errors() {
        for bad in ["[]", "true", "null", "\"x\"", "{\"analytics\": 1}", "{", ""] {
            assert!(parse_choices(bad, &config()).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_empty_object_changes_nothing() {
        assert_eq!(
            parse_choices("{}", &config()).unwrap(),
            (Grants::new(), vec![])
        );
    }

    #[test]
    fn a_repeated_key_counts_once_with_its_last_value() {
        let (known, unknown) = parse_choices(
            r#"{"marketing": true, "zz": true, "analytics": true, "marketing": false, "zz": false, "aa": true}"#,
            &config(),
        )
        .unwrap();
        assert_eq!(known, [("marketing", false), ("analytics", true)].into());
        assert_eq!(unknown, ["zz", "aa"]);
    }

    #[test]
    fn service_ids_are_known_by_their_full_id() {
        let (known, unknown) = parse_choices(
            r#"{"analytics.ga": true, "analytics": false, "ga": true, "analytics.nope": true, "marketing.ga": false}"#,
            &config(),
        )
        .unwrap();
        assert_eq!(known, [("analytics.ga", true), ("analytics", false)].into());
        assert_eq!(unknown, ["ga", "analytics.nope", "marketing.ga"]);
    }
}
