//! Host tests of the config keys for services and cookie-table rows: what
//! each reads into, and every new error with the field it names.

use super::*;
use crate::category::Service;
use crate::record::MAX_ID_BYTES;
use crate::test_support::rows;

fn ok(text: &str) -> Config {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The config `{"categories": [<categories>]}`.
fn with(categories: &str) -> String {
    ["{\"categories\": [", categories, "]}"].concat()
}

fn row(name: &str, provider: &str, purpose: &str, duration: &str) -> [String; 4] {
    [name, provider, purpose, duration].map(String::from)
}

#[test]
fn services_are_read_with_full_ids_in_order() {
    let c = ok(&with(
        r#"{"id": "necessary", "label": "N", "required": true},
           {"id": "analytics", "label": "A", "services": [
             {"id": "matomo", "label": "Matomo", "description": "Counts visits.", "provider": "InnoCraft",
              "cookies": ["_pk_*", {"name": "_pk_id", "provider": "InnoCraft", "purpose": "Visitor id.", "duration": "13 months"}]},
             {"id": "ga", "label": "Google Analytics", "googleConsentMode": ["analytics_storage", "ad_storage"]}
           ]}"#,
    ));
    let analytics = &c.categories[1];
    assert_eq!(
        analytics.services,
        [
            Service {
                id: "analytics.matomo".into(),
                label: "Matomo".into(),
                description: "Counts visits.".into(),
                provider: "InnoCraft".into(),
                cookies: vec!["_pk_*".into(), "_pk_id".into()],
                table: r#"[["_pk_id","InnoCraft","Visitor id.","13 months"]]"#.into(),
                signals: vec![],
            },
            Service {
                id: "analytics.ga".into(),
                label: "Google Analytics".into(),
                description: String::new(),
                provider: String::new(),
                cookies: vec![],
                table: String::new(),
                signals: vec!["analytics_storage".into(), "ad_storage".into()],
            },
        ]
    );
    assert!(c.categories[0].services.is_empty());
    assert_eq!(
        c.ids(),
        ["necessary", "analytics", "analytics.matomo", "analytics.ga"]
    );
    assert!(c.has_services());
    assert!(
        c.knows("analytics.ga")
            && c.knows("analytics")
            && !c.knows("analytics.nope")
            && !c.knows("ga")
    );
    assert!(!c.knows("necessary.ga") && !c.knows("analytics.ga.x") && !c.knows(""));
    assert_eq!(c.label("analytics.ga"), Some("Google Analytics"));
    assert_eq!(c.label("analytics"), Some("A"));
    assert_eq!(c.label("nope.ga"), None);
    assert_eq!(
        c.service("analytics.matomo")
            .map(|(c, s)| (c.id.as_str(), s.label.as_str())),
        Some(("analytics", "Matomo"))
    );
    assert!(
        ok("{}").categories.iter().all(|c| c.services.is_empty()),
        "the built-in config folds analytics' services into it"
    );
    assert!(!ok(&with(r#"{"id": "a", "label": "A"}"#)).has_services());
}

#[test]
fn cookie_objects_are_table_rows_and_deleted_by_default_only_when_optional() {
    let c = ok(&with(
        r#"{"id": "necessary", "label": "N", "required": true, "cookies": [
             {"name": "session", "purpose": "Keeps you signed in.", "duration": "Session"},
             {"name": "forced", "delete": true}]},
           {"id": "marketing", "label": "M", "cookies": [
             "_fbp", {"name": "_gcl_*", "provider": "Google"}, {"name": "keep", "delete": false}]}"#,
    ));
    let (necessary, marketing) = (&c.categories[0], &c.categories[1]);
    assert_eq!(
        necessary.cookies,
        ["=session", "forced"],
        "required: only an explicit delete; the rest listed as kept"
    );
    assert_eq!(
        rows(&necessary.table),
        [
            row("session", "", "Keeps you signed in.", "Session"),
            row("forced", "", "", "")
        ]
    );
    assert_eq!(
        marketing.cookies,
        ["_fbp", "_gcl_*", "=keep"],
        "strings and optional rows; delete: false listed as kept"
    );
    assert_eq!(
        rows(&marketing.table),
        [row("_gcl_*", "Google", "", ""), row("keep", "", "", "")],
        "strings are not rows"
    );
    let service_in_required = ok(&with(
        r#"{"id": "security", "label": "S", "required": true, "services": [{"id": "cf", "label": "Cloudflare", "cookies": [{"name": "__cf_bm"}]}]}"#,
    ));
    let cf = &service_in_required.categories[0].services[0];
    assert!(
        cf.cookies == ["=__cf_bm"] && rows(&cf.table).len() == 1,
        "a required category's service deletes nothing by default"
    );
}

#[test]
fn row_texts_are_escaped_json_and_stay_text() {
    let c = ok(&with(
        r#"{"id": "a", "label": "A", "cookies": [{"name": "x", "purpose": "</script>\"\\ \u2028 {days}"}]}"#,
    ));
    assert_eq!(
        rows(&c.categories[0].table),
        [row("x", "", "</script>\"\\ \u{2028} {days}", "")]
    );
}

#[test]
fn null_services_and_cookies_mean_not_given() {
    let c = ok(&with(
        r#"{"id": "a", "label": "A", "services": null, "cookies": null}"#,
    ));
    assert!(c.categories[0].services.is_empty() && c.categories[0].cookies.is_empty());
    let c = ok(&with(
        r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "provider": null, "googleConsentMode": null}]}"#,
    ));
    assert_eq!(c.categories[0].services[0].id, "a.s");
}

#[test]
fn bad_services_and_cookie_objects_name_the_field() {
    let table: &[(&str, &str, &str)] = &[
        (r#"{"id": "a", "label": "A", "services": {}}"#, "categories[0].services", "expected an array, got an object"),
        (r#"{"id": "a", "label": "A", "services": [1]}"#, "categories[0].services[0]", "expected an object, got a number"),
        (r#"{"id": "a", "label": "A", "services": [{"label": "S"}]}"#, "categories[0].services[0].id", "is required"),
        (r#"{"id": "a", "label": "A", "services": [{"id": "a.b", "label": "S"}]}"#, "categories[0].services[0].id", "letters, digits"),
        (r#"{"id": "a", "label": "A", "services": [{"id": "s:t", "label": "S"}]}"#, "categories[0].services[0].id", "got \"s:t\""),
        (r#"{"id": "a", "label": "A", "services": [{"id": "", "label": "S"}]}"#, "categories[0].services[0].id", "got \"\""),
        (r#"{"id": "a", "label": "A", "services": [{"id": "s"}]}"#, "categories[0].services[0].label", "is required"),
        (r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": ""}]}"#, "categories[0].services[0].label", "must not be empty"),
        (
            r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S"}, {"id": "t", "label": "T"}, {"id": "s", "label": "U"}]}"#,
            "categories[0].services[2].id",
            "duplicate id \"s\", already used by services[0]",
        ),
        (r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "description": 1}]}"#, "categories[0].services[0].description", "expected a string"),
        (r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "provider": ["x"]}]}"#, "categories[0].services[0].provider", "expected a string, got an array"),
        (r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "cookies": "_ga"}]}"#, "categories[0].services[0].cookies", "expected an array"),
        (r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "cookies": ["a b"]}]}"#, "categories[0].services[0].cookies[0]", "a cookie name"),
        (
            r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "googleConsentMode": "analytics_storage"}]}"#,
            "categories[0].services[0].googleConsentMode",
            "expected an array, got a string",
        ),
        (
            r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "googleConsentMode": ["analytics_storage", "analytics"]}]}"#,
            "categories[0].services[0].googleConsentMode[1]",
            "expected one of ad_storage, ad_user_data, ad_personalization, analytics_storage, functionality_storage, personalization_storage, security_storage, got \"analytics\"",
        ),
        (
            r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "googleConsentMode": [true]}]}"#,
            "categories[0].services[0].googleConsentMode[0]",
            "expected a string, got a boolean",
        ),
        (r#"{"id": "a", "label": "A", "cookies": [1]}"#, "categories[0].cookies[0]", "expected a cookie name or an object with a \"name\", got a number"),
        (r#"{"id": "a", "label": "A", "cookies": [["x"]]}"#, "categories[0].cookies[0]", "got an array"),
        (r#"{"id": "a", "label": "A", "cookies": [{"purpose": "x"}]}"#, "categories[0].cookies[0].name", "is required (a cookie name)"),
        (r#"{"id": "a", "label": "A", "cookies": [{"name": "a;b"}]}"#, "categories[0].cookies[0].name", "a cookie name, optionally ending in `*`"),
        (r#"{"id": "a", "label": "A", "cookies": [{"name": "*"}]}"#, "categories[0].cookies[0].name", "got \"*\""),
        (r#"{"id": "a", "label": "A", "cookies": [{"name": 5}]}"#, "categories[0].cookies[0].name", "expected a string, got a number"),
        (r#"{"id": "a", "label": "A", "cookies": ["x", {"name": "y", "provider": 1}]}"#, "categories[0].cookies[1].provider", "expected a string"),
        (r#"{"id": "a", "label": "A", "cookies": [{"name": "y", "purpose": false}]}"#, "categories[0].cookies[0].purpose", "expected a string"),
        (r#"{"id": "a", "label": "A", "cookies": [{"name": "y", "duration": {}}]}"#, "categories[0].cookies[0].duration", "expected a string"),
        (r#"{"id": "a", "label": "A", "cookies": [{"name": "y", "delete": "no"}]}"#, "categories[0].cookies[0].delete", "expected true or false, got a string"),
        (
            r#"{"id": "a", "label": "A", "services": [{"id": "s", "label": "S", "cookies": [{"name": "y", "delete": 0}]}]}"#,
            "categories[0].services[0].cookies[0].delete",
            "expected true or false",
        ),
    ];
    for (category, field, problem) in table {
        let text = with(category);
        let e = parse(&text).expect_err(&text);
        assert_eq!(e.field, *field, "{text}: {e}");
        assert!(
            e.problem.contains(problem),
            "{text}: {:?} lacks {problem:?}",
            e.problem
        );
    }
}

#[test]
fn the_same_service_id_may_appear_in_two_categories() {
    let c = ok(&with(
        r#"{"id": "a", "label": "A", "services": [{"id": "x", "label": "X"}]},
           {"id": "b", "label": "B", "services": [{"id": "x", "label": "X"}]}"#,
    ));
    assert_eq!(c.ids(), ["a", "a.x", "b", "b.x"]);
}

#[test]
fn ids_that_would_not_fit_the_stored_decision_are_refused() {
    // Each entry costs its id and 9 bytes (`"id":false,`).
    let services = |n: usize, len: usize| -> String {
        let items: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id": "{i:0>len$}", "label": "S"}}"#))
            .collect();
        format!(
            r#"{{"id": "c", "label": "C", "services": [{}]}}"#,
            items.join(",")
        )
    };
    // "c" (10 bytes) + n services of "c." + 38 chars (49 bytes each).
    let fits = (MAX_ID_BYTES - 10) / 49;
    assert!(
        parse(&with(&services(fits, 38))).is_ok(),
        "{fits} services fit"
    );
    let e = parse(&with(&services(fits + 1, 38))).unwrap_err();
    assert_eq!(e.field, "categories");
    assert!(
        e.problem
            .contains("ids together take 3097 bytes in the stored decision; at most 3072 fit"),
        "{e}"
    );
}

#[test]
fn the_id_message_states_the_real_length_limit() {
    let limit = crate::text::uint(crate::category::MAX_ID_LEN as u64);
    assert!(super::parse::ID_EXPECTED.starts_with(&["1 to ", &limit, " "].concat()));
}
