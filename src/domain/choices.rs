//! The argument of `kloudconsent.set({...})`, checked before it can change
//! anything: page code is outside our control, so a wrong shape is reported
//! and changes nothing, and unknown ids are named so the site owner can fix
//! the call.

use super::Config;
use serde_json::Value;

/// Known `(id, granted)` pairs in the order given, and the unknown ids.
pub type Parsed = (Vec<(String, bool)>, Vec<String>);

pub fn parse_choices(json: &str, config: &Config) -> Result<Parsed, String> {
    let value: Value =
        serde_json::from_str(json).map_err(|_| "the argument is not a plain object".to_string())?;
    let Value::Object(map) = value else {
        return Err("expected an object like {\"analytics\": true}".into());
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for (id, granted) in map {
        let Value::Bool(granted) = granted else {
            return Err(format!("`{id}` must be true or false"));
        };
        if config.category(&id).is_some() {
            known.push((id, granted));
        } else {
            unknown.push(id);
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
}
