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
use super::time::iso8601;
use kloudconsent_json::{self as json, ObjectWriter};

/// The `texts` keys (see `config::TEXT_KEYS`) the tool shows.
pub const TOOL_TEXT_KEYS: [&str; 14] = [
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
];

/// The texts the tool shows, one field per key of [`TOOL_TEXT_KEYS`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ToolTexts {
    pub prefs_title: String,
    pub prefs_body: String,
    pub accept_all: String,
    pub reject_all: String,
    pub save: String,
    pub close: String,
    pub always_on: String,
    pub providers_label: String,
    pub cookie_policy_label: String,
    pub cookie_policy_url: String,
    pub privacy_policy_label: String,
    pub privacy_policy_url: String,
    pub consent_id_label: String,
    pub consent_date_label: String,
}

/// One category as the tool lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct ToolCategory {
    pub id: String,
    pub label: String,
    pub description: String,
    /// Always on: the switch is locked and says so.
    pub required: bool,
    pub providers: Vec<String>,
}

/// The stored decision's id and time, shown so a visitor can quote them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ToolReceipt {
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
    pub texts: ToolTexts,
    /// In display order.
    pub categories: Vec<ToolCategory>,
    /// What each category's switch shows when the tool opens: the decision
    /// in force (required ones on; optional ones off while undecided).
    pub grants: Grants,
    /// `None` while there is no stored decision.
    pub receipt: Option<ToolReceipt>,
}

/// The model of `config` and `consent`, as JSON: what the core hands the tool.
pub fn model_json(config: &Config, consent: &Consent) -> String {
    let mut texts = ObjectWriter::new();
    for key in TOOL_TEXT_KEYS {
        texts.str(key, config.texts.get(key).unwrap_or_default());
    }
    let mut categories = String::from("[");
    for (i, c) in config.categories.iter().enumerate() {
        if i > 0 {
            categories.push(',');
        }
        categories.push_str(
            &ObjectWriter::new()
                .str("id", &c.id)
                .str("label", &c.label)
                .str("description", &c.description)
                .bool("required", c.required)
                .raw("providers", &json::string_array(&c.providers))
                .finish(),
        );
    }
    categories.push(']');
    let mut w = ObjectWriter::new();
    w.str("lang", &config.lang)
        .str("dir", config.dir.as_str())
        .raw("texts", &texts.finish())
        .raw("categories", &categories)
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

/// Round trips through serde: run with `--features serde` (the test command does).
#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;
    use crate::test_support::{cfg, stored};
    use crate::Choice;

    fn read(json: &str) -> ToolModel {
        serde_json::from_str(json).expect("the tool can read what the core writes")
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
        for (m, c) in model.categories.iter().zip(&config.categories) {
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
}
