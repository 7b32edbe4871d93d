//! The argument of `kloudconsent.set({...})`, checked before it can change
//! anything: page code is outside our control, so a wrong shape is reported
//! and changes nothing, and unknown ids are named so the site owner can fix
//! the call.

use kloudconsent_json::Json;
use super::Config;

/// Known `(id, granted)` pairs in the order given, and the unknown ids.
pub type Parsed = (Vec<(String, bool)>, Vec<String>);

/// A key given twice counts once, with its last value (as in JavaScript,
/// where the loader's `JSON.stringify` cannot produce one anyway).
pub fn parse_choices(json: &str, config: &Config) -> Result<Parsed, String> {
    let value = Json::parse(json).map_err(|_| "the argument is not a plain object".to_string())?;
    let Json::Object(entries) = value else {
        return Err("expected an object like {\"analytics\": true}".into());
    };
    let mut known: Vec<(String, bool)> = Vec::new();
    let mut unknown = Vec::new();
    for (id, granted) in entries {
        let Json::Bool(granted) = granted else {
            return Err(format!("`{id}` must be true or false"));
        };
        if config.category(&id).is_none() {
            if !unknown.contains(&id) {
                unknown.push(id);
            }
        } else if let Some(slot) = known.iter_mut().find(|(k, _)| *k == id) {
            slot.1 = granted;
        } else {
            known.push((id, granted));
        }
    }
    Ok((known, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::default_policy()
    }

    #[test]
    fn known_ids_are_kept_and_unknown_ones_named() {
        let (known, unknown) =
            parse_choices(r#"{"analytics": true, "marketing": false, "ads": true}"#, &config()).unwrap();
        assert_eq!(known.len(), 2);
        assert!(known.contains(&("analytics".to_string(), true)));
        assert!(known.contains(&("marketing".to_string(), false)));
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
        assert_eq!(parse_choices("{}", &config()).unwrap(), (vec![], vec![]));
    }

    #[test]
    fn a_repeated_key_counts_once_with_its_last_value() {
        let (known, unknown) = parse_choices(
            r#"{"marketing": true, "zz": true, "analytics": true, "marketing": false, "zz": false, "aa": true}"#,
            &config(),
        )
        .unwrap();
        assert_eq!(known, [("marketing".to_string(), false), ("analytics".to_string(), true)]);
        assert_eq!(unknown, ["zz", "aa"]);
    }
}
