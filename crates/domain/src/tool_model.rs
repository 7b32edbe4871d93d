//! What the core hands the preference tool: everything it shows, already
//! decided by the engine (texts in the visitor's language, categories,
//! current grants, the consent id). The tool renders it and sends choices
//! back; it never reads storage, the config or the rules itself.
//!
//! The core writes it as JSON with its small hand-written writer (no serde
//! on every page); the tool, loaded only when opened, reads it with serde
//! (`serde-wasm-bindgen`, feature `serde` of this crate). A host test reads
//! what [`ToolModel::to_json`] writes back through serde, so the two sides
//! cannot drift apart.

use super::config::Config;
use super::decision::Consent;
use super::grants::Grants;
use super::text::{fill, uint};
use super::time::iso8601;
use kloudconsent_json::{self as json, ObjectWriter};

/// The `texts` keys (see `config::TEXT_KEYS`) the tool shows.
pub const TOOL_TEXT_KEYS: [&str; 21] = [
    "prefsTitle",
    "prefsBody",
    "acceptAll",
    "rejectAll",
    "save",
    "close",
    "alwaysOn",
    "providersLabel",
    "cookiePolicyLabel",
    "cookiePolicyUrl",
    "privacyPolicyLabel",
    "privacyPolicyUrl",
    "consentIdLabel",
    "consentDateLabel",
    "partlyOn",
    "cookiesSummary",
    "cookieTableCaption",
    "cookieName",
    "cookieProvider",
    "cookiePurpose",
    "cookieDuration",
];

/// The texts the tool shows, one field per key of [`TOOL_TEXT_KEYS`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ToolTexts {
    /// See [`crate::config::Texts`]: the same texts, as the tool shows them.
    pub prefs_title: String,
    /// The tool's introduction.
    pub prefs_body: String,
    /// The Accept all button.
    pub accept_all: String,
    /// The Reject all button.
    pub reject_all: String,
    /// The Save button.
    pub save: String,
    /// The close button's accessible name.
    pub close: String,
    /// Beside a required category's switch.
    pub always_on: String,
    /// Before providers.
    pub providers_label: String,
    /// The cookie policy link's text.
    pub cookie_policy_label: String,
    /// The cookie policy link's target (empty: no link).
    pub cookie_policy_url: String,
    /// The privacy policy link's text.
    pub privacy_policy_label: String,
    /// The privacy policy link's target (empty: no link).
    pub privacy_policy_url: String,
    /// Before the stored decision's id.
    pub consent_id_label: String,
    /// Before the stored decision's date.
    pub consent_date_label: String,
    /// Beside a category whose services are partly on.
    pub partly_on: String,
    /// The cookie table's disclosure.
    pub cookies_summary: String,
    /// `{category}` still in it: the tool fills in each table's label.
    pub cookie_table_caption: String,
    /// The cookie table's column of names.
    pub cookie_name: String,
    /// The cookie table's column of providers.
    pub cookie_provider: String,
    /// The cookie table's column of purposes.
    pub cookie_purpose: String,
    /// The cookie table's column of durations.
    pub cookie_duration: String,
}

/// One category as the tool lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct ToolCategory {
    /// The category's id.
    pub id: String,
    /// The category's label.
    pub label: String,
    /// The category's description.
    pub description: String,
    /// Always on: the switch is locked and says so (its services' too).
    pub required: bool,
    /// The category's providers, in order.
    pub providers: Vec<String>,
    /// The category's own rows of the cookie table.
    pub cookies: Vec<CookieRow>,
    /// Its services, in order; its switch then reflects and sets theirs.
    pub services: Vec<ToolService>,
}

/// One row of a cookie table (`category::TABLE_ROW`): plain text, empty
/// where the config says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct CookieRow {
    /// The cookie's or storage item's name (may end in `*`).
    pub name: String,
    /// Who sets it.
    pub provider: String,
    /// What it is for.
    pub purpose: String,
    /// `{days}` already filled in.
    pub duration: String,
}

/// One service as the tool lists it, under its category.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct ToolService {
    /// The full id (`analytics.ga`), as in `grants`.
    pub id: String,
    /// The service's label.
    pub label: String,
    /// The service's description.
    pub description: String,
    /// The service's provider.
    pub provider: String,
    /// The service's cookies and storage items.
    pub cookies: Vec<CookieRow>,
}

/// The stored decision's id and time, shown so a visitor can quote them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ToolReceipt {
    /// The stored decision's id.
    pub id: String,
    /// ISO 8601, UTC, e.g. `2026-11-28T12:00:00.000Z`.
    pub decided_at: String,
}

/// Everything the tool shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct ToolModel {
    /// `lang` of the dialog.
    pub lang: String,
    /// `"ltr"` or `"rtl"`.
    pub dir: String,
    /// The texts the tool shows.
    pub texts: ToolTexts,
    /// In display order.
    pub categories: Vec<ToolCategory>,
    /// What each category's and service's switch shows when the tool
    /// opens: the decision in force (required ones on; optional ones off
    /// while undecided), categories by id, services by full id.
    pub grants: Grants,
    /// `None` while there is no stored decision.
    pub receipt: Option<ToolReceipt>,
    /// The categories are the built-in policy's: their descriptions and
    /// cookie tables come from the tool ([`ToolModel::fill_builtin`]).
    pub builtin: bool,
    /// How long a decision lasts (the config's `expiresAfterDays`), for
    /// the built-in table's `{days}`.
    pub days: u32,
}

impl ToolModel {
    /// When [`ToolModel::builtin`]: each category's and service's
    /// description, providers and cookie rows from the built-in policy
    /// (`category::builtin_display`), `{days}` filled in. The tool calls
    /// it, so that text ships in the tool's wasm, not in every page's core.
    pub fn fill_builtin(&mut self) {
        if !self.builtin {
            return;
        }
        let days = uint(self.days.into());
        let fill_in = |id: &str,
                       description: &mut String,
                       providers: &mut Vec<String>,
                       cookies: &mut Vec<CookieRow>| {
            let Some((text, names, rows)) = crate::category::builtin_display(id) else {
                return;
            };
            *description = text.to_owned();
            *providers = names.iter().map(|n| (*n).to_owned()).collect();
            *cookies = rows
                .iter()
                .map(|[name, provider, purpose, duration]| CookieRow {
                    name: (*name).to_owned(),
                    provider: (*provider).to_owned(),
                    purpose: (*purpose).to_owned(),
                    duration: fill(duration, "{days}", &days),
                })
                .collect();
        };
        for c in &mut self.categories {
            fill_in(&c.id, &mut c.description, &mut c.providers, &mut c.cookies);
            if c.services.is_empty() {
                // Services the built-in config folds into their category:
                // their cookie rows only (the category names its providers).
                for id in crate::category::builtin_services_of(&c.id) {
                    let (mut unused, mut names, mut rows) = (String::new(), Vec::new(), Vec::new());
                    fill_in(id, &mut unused, &mut names, &mut rows);
                    c.cookies.extend(rows);
                }
            }
            for s in &mut c.services {
                let mut names = Vec::new();
                fill_in(&s.id, &mut s.description, &mut names, &mut s.cookies);
                s.provider = crate::text::join(&names, ", ");
            }
        }
    }
}

/// The model of `config` and `consent`, as JSON: what the core hands the tool.
pub fn model_json(config: &Config, consent: &Consent) -> String {
    let mut texts = ObjectWriter::new();
    for key in TOOL_TEXT_KEYS {
        texts.str(key, config.texts.get(key).unwrap_or_default());
    }
    let days = uint(config.expires_after_days.into());
    let mut categories = Vec::new();
    for c in &config.categories {
        let mut services = Vec::new();
        for s in &c.services {
            services.push(
                ObjectWriter::new()
                    .str("id", &s.id)
                    .str("label", &s.label)
                    .str("description", &s.description)
                    .str("provider", &s.provider)
                    .raw("cookies", &table(&s.table, &days))
                    .finish(),
            );
        }
        categories.push(
            ObjectWriter::new()
                .str("id", &c.id)
                .str("label", &c.label)
                .str("description", &c.description)
                .bool("required", c.required)
                .raw("providers", &json::string_array(&c.providers))
                .raw("cookies", &table(&c.table, &days))
                .raw("services", &array(&services))
                .finish(),
        );
    }
    let mut w = ObjectWriter::new();
    w.str("lang", &config.lang)
        .str("dir", config.dir.as_str())
        .raw("texts", &texts.finish())
        .raw("categories", &array(&categories))
        .bool("builtin", config.builtin_categories)
        .num("days", config.expires_after_days)
        .raw("grants", &consent.grants(config).to_json());
    match consent.record() {
        Some(r) => w.raw(
            "receipt",
            &ObjectWriter::new()
                .str("id", &r.id)
                .str("decidedAt", &iso8601(r.decided_at_ms))
                .finish(),
        ),
        None => w.null("receipt"),
    };
    w.finish()
}

/// A cookie table's JSON (`Category::table`) with `{days}` filled in;
/// `[]` for none.
fn table(json: &str, days: &str) -> String {
    match json.is_empty() {
        true => String::from("[]"),
        false => fill(json, "{days}", days),
    }
}

/// JSON texts joined into an array.
fn array(items: &[String]) -> String {
    crate::text::cat(&["[", &crate::text::join(items, ","), "]"])
}

/// Round trips through serde: run with `--features serde` (the test command does).
#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::test_support::{cfg, stored};
    use crate::Choice;

    /// As the tool reads it: the built-in policy's text filled in.
    fn read(json: &str) -> ToolModel {
        let mut model: ToolModel =
            serde_json::from_str(json).expect("the tool can read what the core writes");
        model.fill_builtin();
        model
    }

    #[test]
    fn the_tool_reads_what_the_core_writes() {
        let config = cfg();
        let model = read(&model_json(&config, &Consent::Undecided));
        assert_eq!(model.lang, "en-AU");
        assert_eq!(model.dir, "ltr");
        assert_eq!(model.texts.save, config.texts.save);
        assert_eq!(
            model.texts.privacy_policy_url,
            config.texts.privacy_policy_url
        );
        assert_eq!(model.categories.len(), config.categories.len());
        let full = crate::category::default_categories();
        for (m, c) in model.categories.iter().zip(&full) {
            assert_eq!(
                (&m.id, &m.label, &m.description),
                (&c.id, &c.label, &c.description)
            );
            assert_eq!((m.required, &m.providers), (c.required, &c.providers));
        }
        let ids: Vec<&str> = model.grants.iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids,
            [
                "necessary",
                "analytics",
                "analytics.appinsights",
                "analytics.ga",
                "functionality",
                "security",
                "marketing"
            ]
        );
        assert_eq!(model.grants.get("security"), Some(true));
        assert_eq!(model.grants.get("analytics"), Some(false));
        assert_eq!(model.receipt, None);
    }

    #[test]
    fn every_tool_text_key_is_a_config_text_key() {
        for key in TOOL_TEXT_KEYS {
            assert!(crate::config::TEXT_KEYS.contains(&key), "{key}");
        }
    }

    #[test]
    fn a_stored_decision_carries_its_receipt_and_grants() {
        let consent = stored(Choice::AcceptAll);
        let model = read(&model_json(&cfg(), &consent));
        let record = consent.record().unwrap();
        let receipt = model.receipt.unwrap();
        assert_eq!(receipt.id, record.id);
        assert_eq!(receipt.decided_at, iso8601(record.decided_at_ms));
        assert!(model.grants.iter().all(|(_, on)| on));
    }

    #[test]
    fn hostile_texts_survive_the_round_trip_as_text() {
        let mut config = cfg();
        config.texts.save = "</script><b>\"\\\u{1}\u{2028}".into();
        config.categories[1].label = "a\"b\nc".into();
        let model = read(&model_json(&config, &Consent::Signal));
        assert_eq!(model.texts.save, config.texts.save);
        assert_eq!(model.categories[1].label, "a\"b\nc");
    }

    #[test]
    fn services_and_cookie_rows_reach_the_tool_with_the_decision_lifetime_filled_in() {
        let mut config = cfg();
        config.expires_after_days = 30;
        let consent = stored(Choice::Set([("analytics.ga", true)].into()));
        let model = read(&model_json(&config, &consent));
        let analytics = &model.categories[1];
        assert!(analytics.cookies.is_empty());
        let services: Vec<(&str, &str, &str)> = analytics
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.label.as_str(), s.provider.as_str()))
            .collect();
        assert_eq!(
            services,
            [
                (
                    "analytics.appinsights",
                    "Microsoft Azure Application Insights",
                    "Microsoft"
                ),
                ("analytics.ga", "Google Analytics", "Google")
            ]
        );
        let ga_rows: Vec<[String; 4]> = analytics.services[1]
            .cookies
            .iter()
            .map(|r| {
                [
                    r.name.clone(),
                    r.provider.clone(),
                    r.purpose.clone(),
                    r.duration.clone(),
                ]
            })
            .collect();
        assert_eq!(
            ga_rows,
            crate::test_support::rows(&crate::category::default_categories()[1].services[1].table)
        );
        assert!(model.categories[0]
            .description
            .starts_with("These cookies are essential"));
        assert_eq!(model.grants.get("analytics.ga"), Some(true));
        assert_eq!(model.grants.get("analytics.appinsights"), Some(false));
        let own = &model.categories[0].cookies[0];
        assert_eq!(
            (own.name.as_str(), own.duration.as_str()),
            ("__Host-kloudconsent", "30 days")
        );
        assert_eq!(
            model.texts.cookie_table_caption,
            "Cookies and storage used by {category}"
        );
        assert_eq!(
            (
                model.texts.partly_on.as_str(),
                model.texts.cookie_duration.as_str()
            ),
            ("Partly on", "Duration")
        );
        assert!(model.categories[2].services.is_empty() && model.categories[2].cookies.is_empty());
    }

    #[test]
    fn a_configs_own_categories_are_not_filled_from_the_builtin_policy() {
        let config = crate::config::parse(
            r#"{"expiresAfterDays": 7, "categories": [{"id": "necessary", "label": "N", "required": true,
                "cookies": [{"name": "sid", "purpose": "Session.", "duration": "{days} days"}]}]}"#,
        )
        .unwrap();
        let model = read(&model_json(&config, &Consent::Undecided));
        assert!(!model.builtin);
        let c = &model.categories[0];
        assert_eq!(c.description, "", "not KloudStack's text");
        let rows: Vec<(&str, &str)> = c
            .cookies
            .iter()
            .map(|r| (r.name.as_str(), r.duration.as_str()))
            .collect();
        assert_eq!(rows, [("sid", "7 days")]);
    }
}
