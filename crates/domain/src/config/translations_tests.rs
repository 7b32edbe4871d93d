//! `language`, `fallbackLanguage`, `translations` and `reopenButton`: what
//! they read into, and one message per mistake naming the field.

use super::super::{parse, Config};
use super::Translation;

fn ok(text: &str) -> Config {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn language_auto_and_its_fallback() {
    let c = ok(r#"{"language": "auto"}"#);
    assert!(c.auto_language);
    assert_eq!(c.lang, "en", "the default fallback");
    let c = ok(r#"{"language": "auto", "fallbackLanguage": "de-CH"}"#);
    assert_eq!((c.auto_language, c.lang.as_str()), (true, "de-CH"));
    let c = ok(r#"{"fallbackLanguage": "de", "language": "auto"}"#);
    assert_eq!(c.lang, "de", "key order does not matter");
    let c = ok(r#"{"language": "fr", "fallbackLanguage": "de"}"#);
    assert_eq!(
        (c.auto_language, c.lang.as_str()),
        (false, "fr"),
        "a fixed language needs no fallback"
    );
    let c = ok(
        r#"{"language": null, "fallbackLanguage": null, "translations": null, "reopenButton": null}"#,
    );
    assert_eq!(
        (c.lang.as_str(), c.translations.len(), c.reopen),
        ("en-AU", 0, None)
    );
}

#[test]
fn what_the_config_gave_itself_is_remembered() {
    let c = ok("{}");
    assert!(c.texts_given.is_empty() && c.builtin_categories && !c.dir_given);
    let c = ok(
        r#"{"texts": {"acceptAll": "OK", "rejectAll": "No"}, "categories": [{"id": "a", "label": "A"}], "dir": "ltr"}"#,
    );
    assert_eq!(c.texts_given, ["acceptAll", "rejectAll"]);
    assert!(!c.builtin_categories && c.dir_given);
}

#[test]
fn translations_are_read_as_given() {
    let c = ok(r#"{"translations": {
        "de": {"acceptAll": "Alle akzeptieren", "bannerBody": "", "privacyPolicyUrl": "/de/datenschutz",
               "categories": {"analytics": {"label": "Statistik"}, "marketing": {"description": "Werbung."}}},
        "pt-BR": {"future": 1}}}"#);
    assert_eq!(c.translations.len(), 2);
    assert_eq!(
        c.translations[0],
        Translation {
            lang: "de".into(),
            texts: vec![
                ("bannerBody", String::new()),
                ("acceptAll", "Alle akzeptieren".into()),
                ("privacyPolicyUrl", "/de/datenschutz".into()),
            ],
            categories: vec![
                ("analytics".into(), Some("Statistik".into()), None),
                ("marketing".into(), None, Some("Werbung.".into())),
            ],
        }
    );
    assert_eq!(
        c.translations[1].lang, "pt-BR",
        "unknown keys are ignored, as everywhere"
    );
    assert!(c.translations[1].texts.is_empty());
}

#[test]
fn translations_name_the_configs_own_categories() {
    let c = ok(r#"{"categories": [{"id": "stats", "label": "Statistics"}],
        "translations": {"de": {"categories": {"stats": {"label": "Statistik"}}}}}"#);
    assert_eq!(c.translations[0].categories[0].0, "stats");
}

#[test]
fn reopen_button_shapes() {
    assert_eq!(ok("{}").reopen, None, "off by default");
    assert_eq!(ok(r#"{"reopenButton": false}"#).reopen, None);
    assert_eq!(ok(r#"{"reopenButton": true}"#).reopen, Some("bottom-left"));
    assert_eq!(ok(r#"{"reopenButton": {}}"#).reopen, Some("bottom-left"));
    for name in ["bottom-left", "bottom-right", "left", "right"] {
        let c = ok(&format!(r#"{{"reopenButton": {{"position": "{name}"}}}}"#));
        assert_eq!(c.reopen, Some(name));
    }
    let c = ok(
        r#"{"reopenButton": {"label": "Privacy choices"}, "texts": {"reopenLabel": "ignored"}}"#,
    );
    assert_eq!(
        c.texts.reopen_label(),
        "Privacy choices",
        "reopenButton.label wins over texts.reopenLabel"
    );
    assert_eq!(c.texts_given, ["reopenLabel", "reopenLabel"]);
    assert_eq!(ok("{}").texts.reopen_label(), "Cookie settings");
}

#[test]
fn every_mistake_names_its_field() {
    let table: &[(&str, &str, &str)] = &[
        (
            r#"{"language": "automatic!"}"#,
            "language",
            "expected \"auto\" or a language tag",
        ),
        (r#"{"language": ""}"#, "language", "language tag"),
        (
            r#"{"language": true}"#,
            "language",
            "expected a string, got a boolean",
        ),
        (
            r#"{"fallbackLanguage": 5}"#,
            "fallbackLanguage",
            "expected a string, got a number",
        ),
        (
            r#"{"language": "auto", "fallbackLanguage": "auto"}"#,
            "fallbackLanguage",
            "expected a language tag such as \"en\", got \"auto\"",
        ),
        (
            r#"{"fallbackLanguage": "en_AU"}"#,
            "fallbackLanguage",
            "language tag",
        ),
        (
            r#"{"translations": []}"#,
            "translations",
            "expected an object, got an array",
        ),
        (
            r#"{"translations": {"deutsch!": {}}}"#,
            "translations.deutsch!",
            "expected a language tag such as \"de\" or \"pt-BR\" as the key, got \"deutsch!\"",
        ),
        (
            r#"{"translations": {"de": "Deutsch"}}"#,
            "translations.de",
            "expected an object, got a string",
        ),
        (
            r#"{"translations": {"de": {"acceptAll": 1}}}"#,
            "translations.de.acceptAll",
            "expected a string, got a number",
        ),
        (
            r#"{"translations": {"de": {"acceptAll": " "}}}"#,
            "translations.de.acceptAll",
            "must not be empty",
        ),
        (
            r#"{"translations": {"de": {"cookiePolicyUrl": "javascript:alert(1)"}}}"#,
            "translations.de.cookiePolicyUrl",
            "expected a link",
        ),
        (
            r#"{"translations": {"de": {"categories": []}}}"#,
            "translations.de.categories",
            "expected an object, got an array",
        ),
        (
            r#"{"translations": {"de": {"categories": {"analytcs": {"label": "Statistik"}}}}}"#,
            "translations.de.categories.analytcs",
            "is not the id of one of the config's categories",
        ),
        (
            r#"{"translations": {"de": {"categories": {"analytics": "Statistik"}}}}"#,
            "translations.de.categories.analytics",
            "expected an object, got a string",
        ),
        (
            r#"{"translations": {"de": {"categories": {"analytics": {"label": ""}}}}}"#,
            "translations.de.categories.analytics.label",
            "must not be empty",
        ),
        (
            r#"{"translations": {"de": {"categories": {"analytics": {"label": 1}}}}}"#,
            "translations.de.categories.analytics.label",
            "expected a string, got a number",
        ),
        (
            r#"{"translations": {"de": {"categories": {"analytics": {"description": []}}}}}"#,
            "translations.de.categories.analytics.description",
            "expected a string, got an array",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A"}], "translations": {"de": {"categories": {"analytics": {}}}}}"#,
            "translations.de.categories.analytics",
            "is not the id",
        ),
        (
            r#"{"reopenButton": 1}"#,
            "reopenButton",
            "expected true, false or an object, got a number",
        ),
        (
            r#"{"reopenButton": {"position": "top"}}"#,
            "reopenButton.position",
            "expected one of \"bottom-left\", \"bottom-right\", \"left\", \"right\", got \"top\"",
        ),
        (
            r#"{"reopenButton": {"position": 1}}"#,
            "reopenButton.position",
            "got a number",
        ),
        (
            r#"{"reopenButton": {"label": ""}}"#,
            "reopenButton.label",
            "must not be empty",
        ),
        (
            r#"{"reopenButton": {"label": 7}}"#,
            "reopenButton.label",
            "expected a string, got a number",
        ),
        (
            r#"{"texts": {"reopenLabel": ""}}"#,
            "texts.reopenLabel",
            "must not be empty",
        ),
    ];
    for (text, field, problem) in table {
        let e = parse(text).expect_err(text);
        assert_eq!(e.field, *field, "{text}: {e}");
        assert!(
            e.problem.contains(problem),
            "{text}: {:?} should contain {problem:?}",
            e.problem
        );
    }
}
