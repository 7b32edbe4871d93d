//! Host tests of the config: defaults, every key, every error message.

use super::texts::fill;
use super::*;
use proptest::prelude::*;

fn err(text: &str) -> ConfigError {
    parse(text).expect_err(text)
}

fn ok(text: &str) -> Config {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn empty_object_is_the_default_policy() {
    assert_eq!(ok("{}"), Config::default_policy());
    assert_eq!(ok(" {\n} "), Config::default());
}

#[test]
fn default_policy_values() {
    let c = Config::default_policy();
    assert_eq!(c.revision, 1);
    assert_eq!(c.expires_after_days, 182);
    assert_eq!(c.categories, crate::category::policy_categories(false));
    assert!(c.builtin_categories);
    assert_eq!(c.lang, "en-AU");
    assert_eq!(
        (c.dir, c.theme, c.layout),
        (Dir::Ltr, ThemeMode::Auto, Layout::Bar)
    );
    assert_eq!(
        (c.cookie_domain, c.consent_mode, c.receipt_url),
        (None, None, None)
    );
    assert!(!c.signals_show_banner);
}

#[test]
fn default_texts_are_exact() {
    let t = Texts::default();
    assert_eq!(t.banner_title(), "We value your privacy");
    assert!(t
        .banner_body()
        .starts_with("KloudStack uses cookies to keep the platform secure"));
    assert!(t.banner_body().ends_with("via Manage Cookie Preferences."));
    assert_eq!(
        [
            t.accept_all(),
            t.reject_all(),
            t.manage(),
            t.save(),
            t.close()
        ],
        [
            "Accept all",
            "Reject all",
            "Manage preferences",
            "Save preferences",
            "Close"
        ]
    );
    assert_eq!(t.prefs_title(), "Cookie preferences");
    assert_eq!(t.always_on(), "Always on");
    assert_eq!(t.providers_label(), "Providers");
    assert_eq!(t.cookie_policy_label(), "Cookie Policy");
    assert_eq!(
        t.cookie_policy_url(),
        "https://kloudstack.com.au/cookie-policy/"
    );
    assert_eq!(t.privacy_policy_label(), "Privacy Policy");
    assert_eq!(
        t.privacy_policy_url(),
        "https://kloudstack.com.au/privacy-policy/"
    );
    assert_eq!(t.allow_once(), "Allow once");
    assert_eq!(t.allow_always(), "Allow always");
    assert_eq!(t.consent_id_label(), "Your consent ID");
    assert_eq!(t.consent_date_label(), "Decided on");
    assert_eq!(
        t.placeholder("Marketing"),
        "This content is blocked until you allow Marketing cookies."
    );
    for key in TEXT_KEYS {
        assert!(!t.get(key).unwrap().is_empty(), "{key}");
    }
    assert_eq!(t.get("nope"), None);
    assert_eq!(t.get("consentDateLabel"), Some("Decided on"));
}

#[test]
fn revision_only_keeps_everything_else() {
    let c = ok(r#"{"revision": 2}"#);
    assert_eq!(c.revision, 2);
    assert_eq!(Config { revision: 1, ..c }, Config::default_policy());
}

#[test]
fn full_config() {
    let c = ok(r#"{
        "revision": 7, "expiresAfterDays": 365,
        "categories": [
          {"id": "necessary", "label": "Needed", "required": true},
          {"id": "analytics", "label": "Stats", "description": "Counts visits.",
           "providers": ["Plausible"], "cookies": ["_pk_*", "_pk_ses"]}
        ],
        "cookie": {"domain": ".kloudstack.com.au"},
        "signals": {"showBanner": true},
        "googleConsentMode": {"wait_for_update": 500,
           "regions": [{"region": ["AU-NSW", "NZ"], "analytics_storage": "granted", "ad_storage": "denied",
                        "wait_for_update": 500, "future_storage": "granted"}]},
        "receiptUrl": "https://example.net/consent-receipts",
        "texts": {"bannerTitle": "Cookies", "cookiePolicyUrl": "/cookies", "bannerBody": ""},
        "language": "en-GB", "dir": "rtl", "theme": "dark", "layout": "box",
        "somethingNew": {"ignored": [1, 2, 3]}
    }"#);
    assert_eq!(c.revision, 7);
    assert_eq!(c.expires_after_days, 365);
    assert_eq!(c.categories.len(), 2);
    assert_eq!(
        c.categories[1],
        Category {
            id: "analytics".into(),
            label: "Stats".into(),
            description: "Counts visits.".into(),
            required: false,
            providers: vec!["Plausible".into()],
            cookies: vec!["_pk_*".into(), "_pk_ses".into()],
            table: String::new(),
            services: vec![],
        }
    );
    assert!(c.categories[0].required);
    assert_eq!(
        c.categories[0].description, "",
        "no inheritance from the default category"
    );
    assert_eq!(c.cookie_domain.as_deref(), Some(".kloudstack.com.au"));
    assert!(c.signals_show_banner);
    let cm = c.consent_mode.unwrap();
    assert_eq!(cm.wait_for_update_ms, Some(500));
    assert_eq!(
        cm.regions,
        [RegionDefault {
            region: vec!["AU-NSW".into(), "NZ".into()],
            signals: vec![
                ("ad_storage".into(), false),
                ("analytics_storage".into(), true)
            ],
        }]
    );
    assert_eq!(
        c.receipt_url.as_deref(),
        Some("https://example.net/consent-receipts")
    );
    assert_eq!(c.texts.banner_title(), "Cookies");
    assert_eq!(c.texts.banner_body(), "");
    assert_eq!(c.texts.cookie_policy_url(), "/cookies");
    assert_eq!(
        c.texts.accept_all(),
        "Accept all",
        "texts not given keep their default"
    );
    assert_eq!(c.lang, "en-GB");
    assert_eq!(
        (c.dir, c.theme, c.layout),
        (Dir::Rtl, ThemeMode::Dark, Layout::Box)
    );
}

#[test]
fn every_text_key_can_be_overridden() {
    for key in TEXT_KEYS {
        let value = if key.ends_with("Url") {
            "https://example.net/x"
        } else {
            "Custom"
        };
        let c = ok(&format!(r#"{{"texts": {{"{key}": "{value}"}}}}"#));
        assert_eq!(c.texts.get(key), Some(value), "{key}");
    }
}

#[test]
fn consent_mode_forms() {
    assert_eq!(
        ok(r#"{"googleConsentMode": true}"#).consent_mode,
        Some(ConsentModeConfig::default())
    );
    assert_eq!(ok(r#"{"googleConsentMode": false}"#).consent_mode, None);
    assert_eq!(
        ok(r#"{"googleConsentMode": {}}"#).consent_mode,
        Some(ConsentModeConfig::default())
    );
}

#[test]
fn null_means_not_given() {
    let c = ok(
        r#"{"revision": null, "receiptUrl": null, "cookie": {"domain": null}, "categories": null}"#,
    );
    assert_eq!(c, Config::default_policy());
}

#[test]
fn whole_floats_are_accepted_for_numbers() {
    assert_eq!(ok(r#"{"expiresAfterDays": 30.0}"#).expires_after_days, 30);
    assert_eq!(ok(r#"{"revision": 4294967295}"#).revision, u32::MAX);
    assert_eq!(ok(r#"{"revision": 0}"#).revision, 0);
}

#[test]
fn bad_configs_name_the_field() {
    let table: &[(&str, &str, &str)] = &[
        // (config, field, problem contains)
        (r#"[]"#, "", "config must be a JSON object, got an array"),
        (r#""x""#, "", "got a string"),
        (r#"null"#, "", "got null"),
        (
            r#"{"revision": "2"}"#,
            "revision",
            "expected a whole number from 0 to 4294967295, got a string",
        ),
        (r#"{"revision": -1}"#, "revision", "got -1"),
        (r#"{"revision": 1.5}"#, "revision", "got 1.5"),
        (r#"{"revision": 4294967296}"#, "revision", "got 4294967296"),
        (
            r#"{"revision": 1e300}"#,
            "revision",
            "expected a whole number from 0 to 4294967295, got 1e300",
        ),
        (
            r#"{"expiresAfterDays": 0}"#,
            "expiresAfterDays",
            "from 1 to 3650, got 0",
        ),
        (
            r#"{"expiresAfterDays": 3651}"#,
            "expiresAfterDays",
            "got 3651",
        ),
        (
            r#"{"expiresAfterDays": true}"#,
            "expiresAfterDays",
            "got a boolean",
        ),
        (
            r#"{"categories": {}}"#,
            "categories",
            "expected an array, got an object",
        ),
        (r#"{"categories": []}"#, "categories", "at least one"),
        (
            r#"{"categories": [1]}"#,
            "categories[0]",
            "expected an object, got a number",
        ),
        (
            r#"{"categories": [{"id":"a","label":"A"}, {"id": 5, "label": "B"}]}"#,
            "categories[1].id",
            "expected a string, got a number",
        ),
        (
            r#"{"categories": [{"label": "A"}]}"#,
            "categories[0].id",
            "is required",
        ),
        (
            r#"{"categories": [{"id": "a"}]}"#,
            "categories[0].label",
            "is required",
        ),
        (
            r#"{"categories": [{"id": "a", "label": " "}]}"#,
            "categories[0].label",
            "must not be empty",
        ),
        (
            // Any Unicode blank (an ideographic space, a no-break space, a tab).
            "{\"categories\": [{\"id\": \"a\", \"label\": \"\u{3000}\u{a0}\\t\"}]}",
            "categories[0].label",
            "must not be empty",
        ),
        (
            r#"{"categories": [{"id": "a b", "label": "A"}]}"#,
            "categories[0].id",
            "letters, digits",
        ),
        (
            r#"{"categories": [{"id": "", "label": "A"}]}"#,
            "categories[0].id",
            "got \"\"",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}"#,
            "categories[1].id",
            "duplicate id \"a\", already used by categories[0]",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A", "required": "yes"}]}"#,
            "categories[0].required",
            "expected true or false, got a string",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A", "description": 3}]}"#,
            "categories[0].description",
            "got a number",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A", "providers": "Azure"}]}"#,
            "categories[0].providers",
            "expected an array, got a string",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A", "providers": ["x", 2]}]}"#,
            "categories[0].providers[1]",
            "expected a string, got a number",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A", "cookies": ["*"]}]}"#,
            "categories[0].cookies[0]",
            "cookie name",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A", "cookies": ["a b"]}]}"#,
            "categories[0].cookies[0]",
            "cookie name",
        ),
        (
            r#"{"categories": [{"id": "a", "label": "A", "cookies": ["a*b"]}]}"#,
            "categories[0].cookies[0]",
            "cookie name",
        ),
        (r#"{"cookie": "x"}"#, "cookie", "expected an object"),
        (
            r#"{"cookie": {"domain": 1}}"#,
            "cookie.domain",
            "got a number",
        ),
        (
            r#"{"cookie": {"domain": "evil.com; Secure"}}"#,
            "cookie.domain",
            "expected a domain",
        ),
        (
            r#"{"cookie": {"domain": "a..b"}}"#,
            "cookie.domain",
            "expected a domain",
        ),
        (
            r#"{"cookie": {"domain": "."}}"#,
            "cookie.domain",
            "expected a domain",
        ),
        (r#"{"signals": true}"#, "signals", "expected an object"),
        (
            r#"{"signals": {"showBanner": "no"}}"#,
            "signals.showBanner",
            "expected true or false",
        ),
        (
            r#"{"googleConsentMode": "yes"}"#,
            "googleConsentMode",
            "expected true, false or an object, got a string",
        ),
        (
            r#"{"googleConsentMode": {"wait_for_update": -5}}"#,
            "googleConsentMode.wait_for_update",
            "got -5",
        ),
        (
            r#"{"googleConsentMode": {"wait_for_update": 60001}}"#,
            "googleConsentMode.wait_for_update",
            "from 0 to 60000",
        ),
        (
            r#"{"googleConsentMode": {"regions": {}}}"#,
            "googleConsentMode.regions",
            "expected an array",
        ),
        (
            r#"{"googleConsentMode": {"regions": [{"ad_storage": "granted"}]}}"#,
            "googleConsentMode.regions[0].region",
            "is required",
        ),
        (
            r#"{"googleConsentMode": {"regions": [{"region": []}]}}"#,
            "googleConsentMode.regions[0].region",
            "at least one",
        ),
        (
            r#"{"googleConsentMode": {"regions": [{"region": ["australia"]}]}}"#,
            "googleConsentMode.regions[0].region[0]",
            "ISO 3166",
        ),
        (
            r#"{"googleConsentMode": {"regions": [{"region": ["AU-NSWX"]}]}}"#,
            "googleConsentMode.regions[0].region[0]",
            "ISO 3166",
        ),
        (
            r#"{"googleConsentMode": {"regions": [{"region": ["AU"], "ad_storage": "yes"}]}}"#,
            "googleConsentMode.regions[0].ad_storage",
            "expected one of \"granted\", \"denied\", got \"yes\"",
        ),
        (
            r#"{"googleConsentMode": {"regions": [{"region": ["AU"], "ad_storage": true}]}}"#,
            "googleConsentMode.regions[0].ad_storage",
            "got a boolean",
        ),
        (
            r#"{"receiptUrl": "javascript:alert(1)"}"#,
            "receiptUrl",
            "expected a link starting with https://, http:// or /",
        ),
        (r#"{"receiptUrl": 1}"#, "receiptUrl", "got a number"),
        (
            r#"{"receiptUrl": "https://"}"#,
            "receiptUrl",
            "expected a link",
        ),
        (r#"{"texts": []}"#, "texts", "expected an object"),
        (
            r#"{"texts": {"acceptAll": 1}}"#,
            "texts.acceptAll",
            "expected a string, got a number",
        ),
        (
            r#"{"texts": {"acceptAll": ""}}"#,
            "texts.acceptAll",
            "must not be empty",
        ),
        (
            r#"{"texts": {"cookiePolicyUrl": "javascript:alert(1)"}}"#,
            "texts.cookiePolicyUrl",
            "expected a link",
        ),
        (
            r#"{"texts": {"privacyPolicyUrl": "data:text/html,x"}}"#,
            "texts.privacyPolicyUrl",
            "expected a link",
        ),
        (
            r#"{"texts": {"privacyPolicyUrl": " java\tscript:x"}}"#,
            "texts.privacyPolicyUrl",
            "expected a link",
        ),
        (
            r#"{"language": "english (australia)"}"#,
            "language",
            "language tag",
        ),
        (r#"{"language": 5}"#, "language", "got a number"),
        (
            r#"{"dir": "up"}"#,
            "dir",
            "expected one of \"ltr\", \"rtl\", got \"up\"",
        ),
        (
            r#"{"theme": "neon"}"#,
            "theme",
            "\"auto\", \"light\", \"dark\"",
        ),
        (r#"{"layout": 1}"#, "layout", "got a number"),
    ];
    for (text, field, problem) in table {
        let e = err(text);
        assert_eq!(e.field, *field, "{text}: {e}");
        assert!(
            e.problem.contains(problem),
            "{text}: {:?} should contain {problem:?}",
            e.problem
        );
    }
}

#[test]
fn syntax_errors_and_garbage() {
    for text in [
        "",
        "garbage",
        "{",
        r#"{"revision": 2"#,
        "{'a': 1}",
        "{\"a\":1,}",
        "{} {}",
        "\u{0}",
        "1e999",
        r#"{"revision": 1e999}"#,
        r#"{"revision": NaN}"#,
    ] {
        let e = err(text);
        assert_eq!(e.field, "", "{text:?}");
        assert!(
            e.problem.starts_with("config is not valid JSON: ")
                || e.problem.starts_with("config must be a JSON object"),
            "{text:?}: {}",
            e.problem
        );
    }
}

#[test]
fn too_many_categories() {
    let cats: Vec<String> = (0..65)
        .map(|i| format!(r#"{{"id":"c{i}","label":"C"}}"#))
        .collect();
    let e = err(&format!(r#"{{"categories":[{}]}}"#, cats.join(",")));
    assert_eq!(e.field, "categories");
    assert!(e.problem.contains("at most 64"));
    let ok64 = ok(&format!(r#"{{"categories":[{}]}}"#, cats[..64].join(",")));
    assert_eq!(ok64.categories.len(), 64);
}

#[test]
fn huge_values_give_short_messages() {
    let big = "x".repeat(10_000);
    let e = err(&format!(r#"{{"dir": "{big}"}}"#));
    assert!(e.to_string().len() < 300, "{}", e.to_string().len());
    assert!(e.problem.contains('\u{2026}'));
    // A 10 KB text is still a valid text.
    assert_eq!(
        ok(&format!(r#"{{"texts": {{"bannerBody": "{big}"}}}}"#))
            .texts
            .banner_body(),
        big
    );
}

#[test]
fn display_format() {
    let e = err(r#"{"categories": [{"id":"a","label":"A"}, {"id": 5}]}"#);
    assert_eq!(
        e.to_string(),
        "kloudconsent: config field `categories[1].id`: expected a string, got a number; using the built-in default."
    );
    let e = err("{");
    assert!(
        e.to_string()
            .starts_with("kloudconsent: config is not valid JSON: "),
        "{e}"
    );
    assert!(e.to_string().ends_with("; using the built-in default."));
}

#[test]
fn safe_urls() {
    for good in [
        "https://a.b/c?d#e",
        "HTTPS://A.B",
        "http://x",
        "/relative",
        "/",
        "/a//b",
    ] {
        assert!(is_safe_url(good), "{good}");
    }
    for bad in [
        "javascript:alert(1)",
        "JavaScript:x",
        "data:x",
        "vbscript:x",
        "relative/path",
        "",
        "https://a b",
        "https://a\nb",
        "ftp://x",
        "http://",
        "https:/x",
        // Another host, not a path on this site.
        "//cdn.example.net/x",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
    ] {
        assert!(!is_safe_url(bad), "{bad}");
    }
}

#[test]
fn language_tags() {
    for good in ["en", "en-AU", "zh-Hant-TW", "es-419"] {
        assert_eq!(ok(&format!(r#"{{"language":"{good}"}}"#)).lang, good);
    }
    for bad in [
        "",
        "e",
        "en_AU",
        "en-",
        "-AU",
        "123",
        "en-AU-waytoolongsubtag",
    ] {
        assert_eq!(
            err(&format!(r#"{{"language":"{bad}"}}"#)).field,
            "language",
            "{bad}"
        );
    }
}

#[test]
fn unknown_keys_are_ignored_everywhere_except_region_signals() {
    let c = ok(
        r#"{"future": 1, "texts": {"newText": 5}, "cookie": {"sameSite": 1}, "signals": {"x": 1},
                 "categories": [{"id": "a", "label": "A", "colour": 7}], "googleConsentMode": {"debug": true}}"#,
    );
    assert_eq!(c.categories[0].id, "a");
}

#[test]
fn fill_is_replace() {
    for body in [
        "",
        "{category}",
        "{{category}}",
        "a {category} b {category}",
        "{categor",
        "{ {category",
        "}{",
        "é{category}é{",
    ] {
        for label in ["", "X", "{category}"] {
            assert_eq!(
                fill(body, label),
                body.replace("{category}", label),
                "{body:?} {label:?}"
            );
        }
    }
}

proptest! {
    #[test]
    fn fill_is_replace_for_any_text(body in "(\\{|\\}|category|\\{category\\}|[a-zé ]){0,12}", label in "[a-z{}]{0,4}") {
        prop_assert_eq!(fill(&body, &label), body.replace("{category}", &label));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn parse_never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_json_shaped_text(s in r#"[{}\[\]",:0-9a-zA-Z_ .\-]{0,120}"#) {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_mutated_configs(at in 0usize..400, c in proptest::char::any()) {
        let base = r#"{"revision":3,"expiresAfterDays":30,"categories":[{"id":"necessary","label":"N","required":true,"cookies":["a*"]},{"id":"analytics","label":"A","providers":["x"]}],"cookie":{"domain":".example.com"},"googleConsentMode":{"wait_for_update":500,"regions":[{"region":["AU"],"ad_storage":"granted"}]},"texts":{"acceptAll":"OK"},"dir":"rtl"}"#;
        let mut chars: Vec<char> = base.chars().collect();
        let at = at % chars.len();
        chars[at] = c;
        let s: String = chars.into_iter().collect();
        if let Ok(config) = parse(&s) {
            prop_assert!(!config.categories.is_empty());
        }
    }

    #[test]
    fn valid_categories_round_trip(
        ids in proptest::collection::btree_set("[A-Za-z0-9_-]{1,40}", 1..10),
        required in proptest::collection::vec(any::<bool>(), 10),
    ) {
        let items: Vec<String> = ids.iter().zip(&required)
            .map(|(id, r)| format!(r#"{{"id":"{id}","label":"L {id}","required":{r}}}"#))
            .collect();
        let c = parse(&format!(r#"{{"categories":[{}]}}"#, items.join(","))).unwrap();
        let got: Vec<(String, bool)> = c.categories.iter().map(|c| (c.id.clone(), c.required)).collect();
        let want: Vec<(String, bool)> = ids.iter().cloned().zip(required.iter().copied()).collect();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn policy_links_on_this_site_get_the_pages_origin_and_others_stay() {
    let links = super::texts::LINKS.map(|i| TEXT_KEYS[i]);
    assert_eq!(links, ["cookiePolicyUrl", "privacyPolicyUrl"]);
    let mut t = Texts::default();
    t.set("cookiePolicyUrl", "/cookies#table".into());
    t.anchor_links("https://shop.example");
    assert_eq!(t.cookie_policy_url(), "https://shop.example/cookies#table");
    assert_eq!(
        t.privacy_policy_url(),
        "https://kloudstack.com.au/privacy-policy/",
        "an absolute link stays"
    );
    t.set("privacyPolicyUrl", "/privacy".into());
    t.anchor_links("null");
    assert_eq!(
        t.privacy_policy_url(),
        "/privacy",
        "an opaque origin adds nothing"
    );
}
