//! Choosing the visitor's language, and which texts win.

use super::*;
use crate::config::parse;

const BUILTIN: [&str; 6] = ["ar", "de", "en", "fi", "fr", "pt"];

fn config(json: &str) -> Config {
    parse(json).expect("a valid config")
}

fn chosen(json: &str, page: &str, browser: &[&str]) -> (String, Option<String>) {
    let n = negotiate(&config(json), page, browser, &BUILTIN);
    (n.lang, n.builtin)
}

fn pair(lang: &str, builtin: Option<&str>) -> (String, Option<String>) {
    (lang.into(), builtin.map(String::from))
}

/// A built-in translation as `i18n/<lang>.json` would give it.
fn builtin(lang: &str, texts: &[(&'static str, &str)], labels: &[(&str, &str)]) -> Translation {
    Translation {
        lang: lang.into(),
        texts: texts.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        categories: labels
            .iter()
            .map(|(id, l)| (id.to_string(), Some(l.to_string()), None))
            .collect(),
    }
}

fn german() -> Translation {
    builtin(
        "de",
        &[
            ("bannerTitle", "Ihre Privatsphäre"),
            ("acceptAll", "Alle akzeptieren"),
            ("reopenLabel", "Cookie-Einstellungen"),
        ],
        &[("analytics", "Statistik"), ("nosuch", "Nichts")],
    )
}

fn localized(json: &str, page: &str, builtin: Option<&Translation>) -> Config {
    let mut c = config(json);
    let n = negotiate(&c, page, &[], &BUILTIN);
    localize(&mut c, &n, builtin);
    c
}

// ---- negotiation -----------------------------------------------------------

#[test]
fn a_fixed_language_ignores_the_page_and_the_browser() {
    assert_eq!(
        chosen("{}", "de", &["fr"]),
        pair("en-AU", None),
        "the default is English, which the core has"
    );
    assert_eq!(
        chosen(r#"{"language": "de"}"#, "fr", &["fi"]),
        pair("de", Some("de"))
    );
    assert_eq!(
        chosen(r#"{"language": "de-CH"}"#, "", &[]),
        pair("de-CH", Some("de"))
    );
    assert_eq!(
        chosen(r#"{"language": "th"}"#, "de", &[]),
        pair("th", None),
        "no built-in Thai"
    );
}

#[test]
fn auto_takes_the_page_language_first() {
    let auto = r#"{"language": "auto"}"#;
    assert_eq!(chosen(auto, "de", &["fr-FR", "fi"]), pair("de", Some("de")));
    assert_eq!(
        chosen(auto, " de-CH ", &[]),
        pair("de", Some("de")),
        "primary subtag"
    );
    assert_eq!(
        chosen(auto, "DE-at", &[]),
        pair("de", Some("de")),
        "case ignored"
    );
}

#[test]
fn auto_then_the_browser_languages_in_order() {
    let auto = r#"{"language": "auto"}"#;
    assert_eq!(chosen(auto, "", &["fr-FR", "fi"]), pair("fr", Some("fr")));
    assert_eq!(
        chosen(auto, "th", &["xx", "fi-FI", "fr"]),
        pair("fi", Some("fi")),
        "unknown languages are passed over"
    );
    assert_eq!(
        chosen(auto, "not a tag", &["", "en_US", "fr"]),
        pair("fr", Some("fr")),
        "invalid tags are passed over"
    );
}

#[test]
fn auto_then_the_fallback_language() {
    assert_eq!(
        chosen(r#"{"language": "auto"}"#, "th", &["ko"]),
        pair("en", None),
        "English costs nothing"
    );
    let fallback = r#"{"language": "auto", "fallbackLanguage": "de"}"#;
    assert_eq!(chosen(fallback, "th", &[]), pair("de", Some("de")));
    // An English visitor on a site whose own texts are German gets the
    // built-in English, since the core's English is KloudStack's wording.
    assert_eq!(chosen(fallback, "en-GB", &[]), pair("en", Some("en")));
}

#[test]
fn an_english_visitor_of_an_english_config_fetches_nothing() {
    let auto = r#"{"language": "auto", "fallbackLanguage": "en-AU"}"#;
    assert_eq!(
        chosen(auto, "en-US", &["de"]),
        pair("en-AU", None),
        "the config's own English wins over built-in English"
    );
    assert_eq!(chosen(auto, "", &["en"]), pair("en-AU", None));
}

#[test]
fn site_translations_are_matched_before_built_in_ones() {
    let site = r#"{"language": "auto", "translations": {"de-CH": {}, "th": {}, "pt-BR": {}}}"#;
    assert_eq!(
        chosen(site, "de-CH", &[]),
        pair("de-CH", Some("de")),
        "exact; German texts it lacks are built in"
    );
    assert_eq!(
        chosen(site, "de", &[]),
        pair("de-CH", Some("de")),
        "de-CH serves de"
    );
    assert_eq!(
        chosen(site, "th-TH", &[]),
        pair("th", None),
        "a language with no built-in translation"
    );
    assert_eq!(chosen(site, "pt-PT", &[]), pair("pt-BR", Some("pt")));
    assert_eq!(chosen(site, "fr", &[]), pair("fr", Some("fr")));
}

#[test]
fn an_exact_tag_beats_the_bare_language_which_beats_a_sibling() {
    let site = r#"{"language": "auto", "translations": {"de-CH": {}, "de": {}, "de-AT": {}}}"#;
    assert_eq!(chosen(site, "de-at", &[]), pair("de-AT", Some("de")));
    assert_eq!(chosen(site, "de-LU", &[]), pair("de", Some("de")));
    let siblings = r#"{"language": "auto", "translations": {"de-CH": {}, "de-AT": {}}}"#;
    assert_eq!(
        chosen(siblings, "de-LU", &[]),
        pair("de-CH", Some("de")),
        "the first sibling in config order"
    );
}

#[test]
fn no_built_in_languages_at_all() {
    let n = negotiate(&config(r#"{"language": "auto"}"#), "de", &["fr"], &[]);
    assert_eq!((n.lang.as_str(), n.builtin), ("en", None));
}

// ---- which texts win -------------------------------------------------------

#[test]
fn english_stays_as_it_is() {
    let c = localized(r#"{"language": "auto"}"#, "en-GB", None);
    let default = Config::default_policy();
    assert_eq!(
        (c.texts, c.categories, c.lang.as_str(), c.dir),
        (default.texts, default.categories, "en", Dir::Ltr)
    );
}

#[test]
fn a_built_in_translation_gives_interface_strings_and_keeps_links() {
    let c = localized(r#"{"language": "auto"}"#, "de", Some(&german()));
    assert_eq!(c.lang, "de");
    assert_eq!(c.texts.accept_all(), "Alle akzeptieren");
    assert_eq!(c.texts.reopen_label(), "Cookie-Einstellungen");
    assert_eq!(c.texts.banner_title(), "Ihre Privatsphäre");
    assert_eq!(
        c.texts.reject_all(),
        "Reject all",
        "what the translation lacks stays English"
    );
    assert_eq!(
        c.texts.cookie_policy_url(),
        Config::default_policy().texts.cookie_policy_url()
    );
    assert_eq!(c.category("analytics").unwrap().label, "Statistik");
    assert_eq!(c.category("necessary").unwrap().label, "Strictly necessary");
}

#[test]
fn site_translation_then_built_in_then_the_configs_own_english() {
    let json = r#"{"language": "auto",
        "texts": {"bannerTitle": "Cookies at Example", "rejectAll": "No thanks", "cookiePolicyUrl": "/cookies"},
        "translations": {"de": {"bannerTitle": "Cookies bei Example", "cookiePolicyUrl": "/de/cookies",
                                "categories": {"marketing": {"label": "Werbung", "description": "Anzeigen."}}}}}"#;
    let c = localized(json, "de", Some(&german()));
    assert_eq!(
        c.texts.banner_title(),
        "Cookies bei Example",
        "the site's translation first"
    );
    assert_eq!(
        c.texts.accept_all(),
        "Alle akzeptieren",
        "then the built-in one"
    );
    assert_eq!(
        c.texts.reject_all(),
        "No thanks",
        "then the config's own texts, in English"
    );
    assert_eq!(
        c.texts.cookie_policy_url(),
        "/de/cookies",
        "a translation may link a page in its language"
    );
    assert_eq!(
        c.texts.privacy_policy_url(),
        Config::default_policy().texts.privacy_policy_url()
    );
    let marketing = c.category("marketing").unwrap();
    assert_eq!(
        (marketing.label.as_str(), marketing.description.as_str()),
        ("Werbung", "Anzeigen.")
    );
    assert_eq!(c.category("analytics").unwrap().label, "Statistik");
}

#[test]
fn the_configs_own_texts_in_its_own_language_beat_generic_built_in_wording() {
    let json = r#"{"language": "de", "texts": {"bannerTitle": "Cookies bei uns"},
        "categories": [{"id": "analytics", "label": "Webanalyse"}]}"#;
    let c = localized(json, "", Some(&german()));
    assert_eq!(c.texts.banner_title(), "Cookies bei uns");
    assert_eq!(
        c.texts.accept_all(),
        "Alle akzeptieren",
        "texts it left out come built in"
    );
    assert_eq!(c.category("analytics").unwrap().label, "Webanalyse");
    // The same German config read by a French visitor: the config's own
    // texts are German, so generic French wins over them.
    let french = builtin(
        "fr",
        &[("bannerTitle", "Votre vie privée")],
        &[("analytics", "Statistiques")],
    );
    let mut c = config(
        r#"{"language": "auto", "fallbackLanguage": "de", "texts": {"bannerTitle": "Cookies bei uns"},
        "categories": [{"id": "analytics", "label": "Webanalyse"}]}"#,
    );
    let n = negotiate(&c, "fr", &[], &BUILTIN);
    localize(&mut c, &n, Some(&french));
    assert_eq!(
        (c.lang.as_str(), c.texts.banner_title()),
        ("fr", "Votre vie privée")
    );
    // But not the name of what the visitor consents to: a category the site
    // labelled itself keeps its label (with its description, in the site's
    // language); only the built-in policy's own labels are translated.
    assert_eq!(c.category("analytics").unwrap().label, "Webanalyse");
}

#[test]
fn a_sites_own_category_sharing_a_policy_id_keeps_its_label_and_description() {
    let json = r#"{"language": "auto", "categories": [
        {"id": "necessary", "label": "Login", "required": true},
        {"id": "analytics", "label": "Performance and analytics"},
        {"id": "marketing", "label": "Newsletter open tracking", "description": "Counts newsletter opens."}]}"#;
    let de = builtin(
        "de",
        &[],
        &[
            ("necessary", "Unbedingt erforderlich"),
            ("analytics", "Statistik"),
            ("marketing", "Marketing"),
        ],
    );
    let c = localized(json, "de", Some(&de));
    assert_eq!(c.lang, "de");
    assert_eq!(c.category("necessary").unwrap().label, "Login");
    let marketing = c.category("marketing").unwrap();
    assert_eq!(
        (marketing.label.as_str(), marketing.description.as_str()),
        ("Newsletter open tracking", "Counts newsletter opens.")
    );
    // Still the policy's own English label: translated.
    assert_eq!(c.category("analytics").unwrap().label, "Statistik");
}

#[test]
fn traditional_chinese_is_not_served_the_simplified_translation() {
    let c = config(r#"{"language": "auto"}"#);
    let builtin = ["de", "zh"];
    for tag in ["zh-TW", "zh-Hant-HK", "zh-hk", "zh-MO", "zh-Hant"] {
        let n = negotiate(&c, tag, &[], &builtin);
        assert_eq!((n.lang.as_str(), n.builtin), ("en", None), "{tag}");
    }
    // The script, when given, decides: simplified in Taiwan is simplified.
    for tag in [
        "zh",
        "zh-CN",
        "zh-Hans-CN",
        "zh-SG",
        "zh-Hans-TW",
        "zh-hans-hk",
    ] {
        let n = negotiate(&c, tag, &[], &builtin);
        assert_eq!(n.builtin.as_deref(), Some("zh"), "{tag}");
    }
    // The browser's next language is the one then.
    let n = negotiate(&c, "zh-TW", &["de-DE"], &builtin);
    assert_eq!(n.builtin.as_deref(), Some("de"));
}

#[test]
fn the_reopen_buttons_label_is_one_of_the_configs_own_texts() {
    let json = r#"{"language": "de", "reopenButton": {"label": "Datenschutz"}}"#;
    assert_eq!(
        localized(json, "", Some(&german())).texts.reopen_label(),
        "Datenschutz"
    );
    let json = r#"{"language": "auto", "reopenButton": {"label": "Privacy"}}"#;
    assert_eq!(
        localized(json, "de", Some(&german())).texts.reopen_label(),
        "Cookie-Einstellungen"
    );
}

#[test]
fn a_built_in_translation_that_could_not_load_leaves_the_configs_own_language() {
    let c = localized(r#"{"language": "auto"}"#, "de", None);
    assert_eq!(
        (c.lang.as_str(), c.texts, c.dir),
        ("en", Config::default_policy().texts, Dir::Ltr)
    );
    let c = localized(
        r#"{"language": "auto", "translations": {"de": {"acceptAll": "Ja"}}}"#,
        "de",
        None,
    );
    assert_eq!(
        (c.lang.as_str(), c.texts.accept_all()),
        ("de", "Ja"),
        "the site's translation still counts"
    );
    let c = localized(r#"{"language": "ar"}"#, "", None);
    assert_eq!(
        (c.lang.as_str(), c.dir),
        ("ar", Dir::Rtl),
        "a fixed language stays, as before"
    );
}

#[test]
fn right_to_left_languages_set_dir_unless_the_config_does() {
    let arabic = builtin("ar", &[("acceptAll", "قبول الكل")], &[]);
    let c = localized(r#"{"language": "auto"}"#, "ar-EG", Some(&arabic));
    assert_eq!((c.lang.as_str(), c.dir), ("ar", Dir::Rtl));
    let c = localized(r#"{"language": "auto", "dir": "ltr"}"#, "ar", Some(&arabic));
    assert_eq!(c.dir, Dir::Ltr, "the config's dir wins");
    let c = localized(
        r#"{"language": "auto", "translations": {"he": {"acceptAll": "אישור"}}}"#,
        "he",
        None,
    );
    assert_eq!(c.dir, Dir::Rtl);
    let c = localized(
        r#"{"language": "auto", "dir": "rtl"}"#,
        "de",
        Some(&german()),
    );
    assert_eq!(c.dir, Dir::Rtl);
    assert_eq!(
        localized(r#"{"language": "fa-IR"}"#, "", None).dir,
        Dir::Rtl
    );
}

#[test]
fn an_empty_revision_notice_turns_it_off_in_every_language() {
    let french = builtin(
        "fr",
        &[("revisionNotice", "Notre politique a changé.")],
        &[],
    );
    let json = r#"{"language": "auto", "texts": {"revisionNotice": ""}}"#;
    assert_eq!(
        localized(json, "fr", Some(&french)).texts.revision_notice(),
        ""
    );
    let on = localized(r#"{"language": "auto"}"#, "fr", Some(&french));
    assert_eq!(on.texts.revision_notice(), "Notre politique a changé.");
    let own = r#"{"language": "auto", "texts": {"revisionNotice": ""},
        "translations": {"fr": {"revisionNotice": "Politique modifiée."}}}"#;
    assert_eq!(
        localized(own, "fr", Some(&french)).texts.revision_notice(),
        "Politique modifiée.",
        "the site's own translation still says what it gives"
    );
}
