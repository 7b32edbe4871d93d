//! Google Consent Mode v2: the JSON objects for `gtag('consent', ...)` and the
//! `dataLayer` event (contract section 7).
//!
//! The browser layer only calls `gtag` with what these functions return, so
//! the mapping from our categories to Google's signals lives, and is tested,
//! in one place.

use super::config::{Config, ConsentModeConfig};
use super::decision::Consent;
use kloudconsent_json::{self as json, ObjectWriter};

/// The seven Consent Mode v2 signals, in the order we write them. A
/// `static`: a `const` array is copied into the wasm's data at each use.
pub static SIGNALS: [&str; 7] = [
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
];

/// The category whose grant decides a signal (contract section 7).
pub fn category_for(signal: &str) -> Option<&'static str> {
    match signal {
        "ad_storage" | "ad_user_data" | "ad_personalization" => Some("marketing"),
        "analytics_storage" => Some("analytics"),
        "functionality_storage" | "personalization_storage" => Some("functionality"),
        "security_storage" => Some("security"),
        _ => None,
    }
}

/// The signals a category decides (empty for categories Google has no signal for).
pub fn signals_for(category: &str) -> Vec<&'static str> {
    SIGNALS
        .iter()
        .copied()
        .filter(|s| category_for(s) == Some(category))
        .collect()
}

fn state(granted: bool) -> &'static str {
    if granted {
        "granted"
    } else {
        "denied"
    }
}

/// A signal's default: everything denied except `security_storage`, which
/// covers cookies the site needs to stay safe and so never waits for consent.
fn granted_by_default(signal: &str) -> bool {
    signal == "security_storage"
}

/// The object for `gtag('consent', 'default', ...)`, sent before any tag
/// runs: every signal at its default.
pub fn default_json(cfg: &ConsentModeConfig) -> String {
    let mut w = ObjectWriter::new();
    for signal in SIGNALS {
        w.str(signal, state(granted_by_default(signal)));
    }
    if let Some(ms) = cfg.wait_for_update_ms {
        w.num("wait_for_update", ms);
    }
    w.finish()
}

/// One `gtag('consent', 'default', ...)` object per configured region, each
/// carrying its `"region"` list and the signals the config sets for it.
pub fn region_defaults_json(cfg: &ConsentModeConfig) -> Vec<String> {
    let mut out = Vec::new();
    for r in &cfg.regions {
        let mut w = ObjectWriter::new();
        for (signal, granted) in &r.signals {
            w.str(signal, state(*granted));
        }
        w.raw("region", &json::string_array(&r.region));
        out.push(w.finish());
    }
    out
}

/// Whether `signal` is granted under `c`.
///
/// A signal that services claim (their `googleConsentMode`) is granted
/// exactly when every service claiming it is granted: a tag that reads it
/// must never store for a service the visitor refused. Any other signal is
/// granted exactly when its category is granted; a signal whose category
/// the config does not have keeps its default value (`security_storage`
/// granted, the rest denied), so that Accept all never takes back what the
/// default granted. Undecided and signal states thus grant only what
/// required categories map to (security, by default).
fn granted(signal: &str, c: &Consent, config: &Config) -> bool {
    let mut claimed = false;
    let mut all = true;
    for category in &config.categories {
        for s in &category.services {
            if s.signals.iter().any(|claimed| claimed == signal) {
                claimed = true;
                all &= c.granted(&s.id, config);
            }
        }
    }
    match claimed {
        true => all,
        false => match category_for(signal) {
            Some(cat) if config.category(cat).is_some() => c.granted(cat, config),
            _ => granted_by_default(signal),
        },
    }
}

/// The object for `gtag('consent', 'update', ...)` from the consent in force.
pub fn update_json(c: &Consent, config: &Config) -> String {
    let mut w = ObjectWriter::new();
    for signal in SIGNALS {
        w.str(signal, state(granted(signal, c, config)));
    }
    w.finish()
}

/// The `update` sent at start-up to a visitor who has not decided, or
/// `None` when the defaults already say what is in force (the built-in
/// policy). The defaults are sent before the config is read (from an inline
/// config, while the page is still parsed), and assume that only `security`
/// is required. A config that makes another mapped category required has
/// those granted without a choice, gated scripts included, and one that
/// makes `security` optional has it denied: Google's tags must be told the
/// same. Only those signals, so a region's default stands for the rest.
pub fn undecided_update_json(config: &Config) -> Option<String> {
    let mut w = ObjectWriter::new();
    let mut differs = false;
    for signal in SIGNALS {
        let granted = granted(signal, &Consent::Undecided, config);
        if granted != granted_by_default(signal) {
            differs = true;
            w.str(signal, state(granted));
        }
    }
    differs.then(|| w.finish())
}

/// The `dataLayer.push` object, so tag managers can trigger on our decision:
/// `{"event":"kloudconsent_update","kloudconsent":{..categories..},"kloudconsentMethod":..}`,
/// and, when the config has services, `"kloudconsentServices"` nested by
/// category (`{"analytics":{"ga":true}}`), because a tag manager's
/// data-layer variable reads a dot as a step into an object
/// (`kloudconsentServices.analytics.ga`). The method is `null` while
/// undecided.
pub fn datalayer_event_json(c: &Consent, config: &Config) -> String {
    let mut w = ObjectWriter::new();
    w.str("event", "kloudconsent_update");
    w.raw("kloudconsent", &c.grants(config).part(false).to_json());
    if config.has_services() {
        let mut by_category = ObjectWriter::new();
        for category in config.categories.iter().filter(|k| !k.services.is_empty()) {
            let mut services = ObjectWriter::new();
            for s in &category.services {
                services.bool(&s.id[category.id.len() + 1..], c.granted(&s.id, config));
            }
            by_category.raw(&category.id, &services.finish());
        }
        w.raw("kloudconsentServices", &by_category.finish());
    }
    match c {
        Consent::Undecided => w.null("kloudconsentMethod"),
        Consent::Signal => w.str("kloudconsentMethod", "signal"),
        Consent::Stored(r) => w.str("kloudconsentMethod", r.method.as_str()),
    };
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, RegionDefault};
    use crate::decision::{decide, Choice};
    use crate::test_support::{cfg, stored};

    #[test]
    fn mapping() {
        assert_eq!(
            signals_for("marketing"),
            ["ad_storage", "ad_user_data", "ad_personalization"]
        );
        assert_eq!(signals_for("analytics"), ["analytics_storage"]);
        assert_eq!(
            signals_for("functionality"),
            ["functionality_storage", "personalization_storage"]
        );
        assert_eq!(signals_for("security"), ["security_storage"]);
        assert!(signals_for("necessary").is_empty());
        assert!(SIGNALS.iter().all(|s| category_for(s).is_some()));
        assert_eq!(category_for("nope"), None);
    }

    #[test]
    fn defaults() {
        let plain = r#"{"ad_storage":"denied","ad_user_data":"denied","ad_personalization":"denied","analytics_storage":"denied","functionality_storage":"denied","personalization_storage":"denied","security_storage":"granted"}"#;
        assert_eq!(default_json(&ConsentModeConfig::default()), plain);
        let waiting = ConsentModeConfig {
            wait_for_update_ms: Some(500),
            regions: vec![],
        };
        assert_eq!(
            default_json(&waiting),
            plain.replace("}", r#","wait_for_update":500}"#)
        );
    }

    #[test]
    fn region_defaults() {
        let cfg = ConsentModeConfig {
            wait_for_update_ms: None,
            regions: vec![RegionDefault {
                region: vec!["AU-NSW".into(), "NZ".into()],
                signals: vec![
                    ("ad_storage".into(), true),
                    ("analytics_storage".into(), false),
                ],
            }],
        };
        assert_eq!(
            region_defaults_json(&cfg),
            [r#"{"ad_storage":"granted","analytics_storage":"denied","region":["AU-NSW","NZ"]}"#]
        );
        assert!(region_defaults_json(&ConsentModeConfig::default()).is_empty());
        let parsed = config::parse(
            r#"{"googleConsentMode":{"regions":[{"region":["AU"],"security_storage":"denied"}]}}"#,
        )
        .unwrap();
        assert_eq!(
            region_defaults_json(&parsed.consent_mode.unwrap()),
            [r#"{"security_storage":"denied","region":["AU"]}"#]
        );
    }

    #[test]
    fn updates() {
        let c = cfg();
        let denied = r#"{"ad_storage":"denied","ad_user_data":"denied","ad_personalization":"denied","analytics_storage":"denied","functionality_storage":"denied","personalization_storage":"denied","security_storage":"granted"}"#;
        assert_eq!(update_json(&Consent::Undecided, &c), denied);
        assert_eq!(update_json(&Consent::Signal, &c), denied);
        assert_eq!(update_json(&stored(Choice::RejectAll), &c), denied);
        assert_eq!(
            update_json(&stored(Choice::AcceptAll), &c),
            denied.replace("denied", "granted")
        );
        let analytics_only = stored(Choice::Set([("analytics", true)].into()));
        assert_eq!(
            update_json(&analytics_only, &c),
            denied.replace(
                r#""analytics_storage":"denied""#,
                r#""analytics_storage":"granted""#
            )
        );
    }

    #[test]
    fn update_for_a_config_without_the_mapped_categories() {
        let c = config::parse(r#"{"categories":[{"id":"necessary","label":"N","required":true},{"id":"analytics","label":"A"}]}"#).unwrap();
        let all = Consent::Stored(decide(
            Choice::AcceptAll,
            &Consent::Undecided,
            &c,
            0,
            "AAAAAAAAAAAA".into(),
        ));
        assert_eq!(
            update_json(&all, &c),
            r#"{"ad_storage":"denied","ad_user_data":"denied","ad_personalization":"denied","analytics_storage":"granted","functionality_storage":"denied","personalization_storage":"denied","security_storage":"granted"}"#,
            "a signal without its category keeps its default"
        );
        let rejected = Consent::Stored(decide(
            Choice::RejectAll,
            &Consent::Undecided,
            &c,
            0,
            "AAAAAAAAAAAA".into(),
        ));
        assert_eq!(
            update_json(&rejected, &c),
            default_json(&Default::default())
        );
    }

    #[test]
    fn an_undecided_visitor_is_told_only_what_differs_from_the_defaults() {
        assert_eq!(undecided_update_json(&cfg()), None, "the built-in policy");
        let required_analytics = config::parse(
            r#"{"categories":[{"id":"necessary","label":"N","required":true},
                {"id":"analytics","label":"A","required":true},{"id":"marketing","label":"M"},
                {"id":"security","label":"S"}]}"#,
        )
        .unwrap();
        assert_eq!(
            undecided_update_json(&required_analytics).as_deref(),
            Some(r#"{"analytics_storage":"granted","security_storage":"denied"}"#)
        );
        // The same answer as the full update after reset() for those signals.
        let full = update_json(&Consent::Undecided, &required_analytics);
        assert!(
            full.contains(r#""analytics_storage":"granted""#)
                && full.contains(r#""security_storage":"denied""#)
        );
        let no_security = config::parse(
            r#"{"categories":[{"id":"necessary","label":"N","required":true},{"id":"analytics","label":"A"}]}"#,
        )
        .unwrap();
        assert_eq!(
            undecided_update_json(&no_security),
            None,
            "a signal without its category keeps its default"
        );
    }

    #[test]
    fn datalayer_events() {
        let c = cfg();
        assert_eq!(
            datalayer_event_json(&stored(Choice::AcceptAll), &c),
            r#"{"event":"kloudconsent_update","kloudconsent":{"necessary":true,"analytics":true,"functionality":true,"security":true,"marketing":true},"kloudconsentServices":{"analytics":{"appinsights":true,"ga":true}},"kloudconsentMethod":"accept-all"}"#
        );
        assert!(datalayer_event_json(&Consent::Signal, &c)
            .ends_with(r#""kloudconsentMethod":"signal"}"#));
        assert!(datalayer_event_json(&Consent::Undecided, &c)
            .ends_with(r#""kloudconsentMethod":null}"#));
    }

    #[test]
    fn a_signal_claimed_by_services_follows_them() {
        let c = cfg();
        let analytics_storage = |consent: &Consent| {
            update_json(consent, &c).contains(r#""analytics_storage":"granted""#)
        };
        assert!(analytics_storage(&stored(Choice::Set(
            [("analytics.ga", true)].into()
        ))));
        assert!(
            !analytics_storage(&stored(Choice::Set(
                [("analytics.appinsights", true)].into()
            ))),
            "analytics granted through another service: Google's signal stays denied"
        );
        assert!(analytics_storage(&stored(Choice::AcceptAll)));
        assert!(!analytics_storage(&Consent::Undecided));
        // Two services claiming one signal: granted only when both are.
        let two = config::parse(
            r#"{"categories": [{"id": "ads", "label": "Ads", "services": [
                 {"id": "gads", "label": "Google Ads", "googleConsentMode": ["ad_storage", "ad_user_data"]},
                 {"id": "dv", "label": "Display & Video 360", "googleConsentMode": ["ad_storage"]}]},
               {"id": "marketing", "label": "M"}]}"#,
        )
        .unwrap();
        let decided = |pairs: &[(&str, bool)]| {
            let choice = Choice::Set(pairs.iter().copied().collect());
            Consent::Stored(decide(
                choice,
                &Consent::Undecided,
                &two,
                0,
                "AAAAAAAAAAAA".into(),
            ))
        };
        let gads_only = update_json(&decided(&[("ads.gads", true), ("marketing", true)]), &two);
        assert!(
            gads_only.contains(r#""ad_storage":"denied""#),
            "{gads_only}"
        );
        assert!(
            gads_only.contains(r#""ad_user_data":"granted""#),
            "{gads_only}"
        );
        assert!(
            gads_only.contains(r#""ad_personalization":"granted""#),
            "unclaimed: follows marketing"
        );
        let both = update_json(&decided(&[("ads", true)]), &two);
        assert!(
            both.contains(r#""ad_storage":"granted""#)
                && both.contains(r#""ad_personalization":"denied""#),
            "{both}"
        );
    }

    #[test]
    fn the_datalayer_event_nests_services_by_category() {
        let c = cfg();
        let only_ga = stored(Choice::Set([("analytics.ga", true)].into()));
        assert_eq!(
            datalayer_event_json(&only_ga, &c),
            r#"{"event":"kloudconsent_update","kloudconsent":{"necessary":true,"analytics":true,"functionality":false,"security":true,"marketing":false},"kloudconsentServices":{"analytics":{"appinsights":false,"ga":true}},"kloudconsentMethod":"custom"}"#
        );
        let plain = crate::test_support::without_services();
        assert!(!datalayer_event_json(&Consent::Undecided, &plain).contains("Services"));
    }
}
