//! Host tests of the default policy, the id rules and cookie patterns.

use super::*;
use crate::test_support::rows;

#[test]
fn defaults_match_the_policy_table() {
    let table: Vec<(String, String, bool)> = default_categories()
        .into_iter()
        .map(|c| (c.id, c.label, c.required))
        .collect();
    let expected = [
        ("necessary", "Strictly necessary", true),
        ("analytics", "Performance and analytics", false),
        ("functionality", "Functionality", false),
        ("security", "Security", true),
        ("marketing", "Marketing and communication", false),
    ];
    let expected: Vec<(String, String, bool)> = expected
        .iter()
        .map(|(i, l, r)| (i.to_string(), l.to_string(), *r))
        .collect();
    assert_eq!(table, expected);
}

#[test]
fn defaults_are_complete_and_valid() {
    for c in default_categories() {
        assert!(is_valid_id(&c.id), "{}", c.id);
        assert!(!c.description.is_empty(), "{} needs a description", c.id);
        assert!(!c.providers.is_empty(), "{} needs providers", c.id);
        assert!(
            !c.description.contains("  "),
            "{}: stray double space",
            c.id
        );
        let tables = std::iter::once((&c.table, &c.cookies))
            .chain(c.services.iter().map(|s| (&s.table, &s.cookies)));
        for (table, deleted) in tables {
            let rows = rows(table);
            for [name, provider, purpose, duration] in &rows {
                let what = format!("{}: {name}", c.id);
                assert!(
                    !provider.is_empty() && !purpose.is_empty() && !duration.is_empty(),
                    "{what}"
                );
                assert!(purpose.ends_with('.') && !purpose.contains("  "), "{what}");
            }
            // What a config's cookie objects would delete by default.
            let names: Vec<&String> = rows.iter().map(|r| &r[0]).collect();
            let expected: Vec<&String> = if c.required { vec![] } else { names };
            assert_eq!(deleted.iter().collect::<Vec<_>>(), expected, "{}", c.id);
        }
        for s in &c.services {
            let (category, id) = s.id.split_once('.').unwrap();
            assert_eq!(category, c.id);
            assert!(is_valid_id(id), "{}", s.id);
            assert!(
                !s.label.is_empty() && !s.description.is_empty() && !s.provider.is_empty(),
                "{}",
                s.id
            );
        }
    }
}

#[test]
fn default_providers_and_cookies_come_from_the_policy() {
    let cats = default_categories();
    let find = |id: &str| cats.iter().find(|c| c.id == id).unwrap().clone();
    assert_eq!(find("necessary").providers, ["Microsoft Azure", "Stripe"]);
    assert!(find("functionality")
        .providers
        .iter()
        .any(|p| p.contains("Atlassian")));
    assert!(find("security")
        .providers
        .iter()
        .any(|p| p.contains("Cloudflare")));
    assert_eq!(find("marketing").cookies, ["_fbp", "_gcl_*", "hubspotutk"]);
    assert!(
        find("necessary").cookies.is_empty(),
        "required: nothing to delete"
    );
    assert!(find("security").cookies.is_empty());
}

#[test]
fn analytics_has_its_two_tools_as_services_with_their_cookies() {
    let analytics = default_categories().swap_remove(1);
    assert!(
        analytics.cookies.is_empty(),
        "its cookies belong to its services"
    );
    let ids: Vec<&str> = analytics.services.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["analytics.appinsights", "analytics.ga"]);
    let insights = analytics.service("analytics.appinsights").unwrap();
    assert_eq!(insights.label, "Microsoft Azure Application Insights");
    assert_eq!(insights.cookies, ["ai_user", "ai_session"]);
    assert!(insights.signals.is_empty());
    let ga = analytics.service("analytics.ga").unwrap();
    assert_eq!(ga.label, "Google Analytics");
    assert_eq!(ga.cookies, ["_ga", "_ga_*", "_gid"]);
    assert_eq!(ga.signals, ["analytics_storage"]);
    let durations: Vec<(String, String)> = rows(&ga.table)
        .into_iter()
        .map(|[name, _, _, duration]| (name, duration))
        .collect();
    let expected = [
        ("_ga", "2 years"),
        ("_ga_*", "2 years"),
        ("_gid", "24 hours"),
    ];
    assert_eq!(
        durations,
        expected.map(|(n, d)| (n.to_string(), d.to_string()))
    );
    assert_eq!(analytics.service("analytics.nope"), None);
}

#[test]
fn necessary_lists_the_widgets_own_storage_lasting_as_long_as_the_decision() {
    let necessary = default_categories().swap_remove(0);
    let table = rows(&necessary.table);
    let own: Vec<[&str; 2]> = table[..2]
        .iter()
        .map(|r| [r[0].as_str(), r[3].as_str()])
        .collect();
    assert_eq!(
        own,
        [
            ["__Host-kloudconsent", "{days} days"],
            [
                "kloudconsent",
                "Until you clear it; the choice in it lapses after {days} days"
            ]
        ]
    );
    assert!(table[1][2].contains("local storage"));
    let names: Vec<&str> = table.iter().map(|r| r[0].as_str()).collect();
    for name in [
        "ARRAffinity",
        "ARRAffinitySameSite",
        "__stripe_mid",
        "__stripe_sid",
    ] {
        assert!(names.contains(&name), "{name}");
    }
}

#[test]
fn id_rules() {
    for ok in ["a", "analytics", "A_b-9", &"x".repeat(40)] {
        assert!(is_valid_id(ok), "{ok:?}");
        assert!(is_valid_entry_id(ok), "{ok:?}");
    }
    for bad in [
        "",
        " a",
        "a b",
        "a.b",
        "a|b",
        "a:b",
        "ä",
        "a;b",
        "<x>",
        &"x".repeat(41),
    ] {
        assert!(!is_valid_id(bad), "{bad:?}");
    }
    for ok in [
        "a.b",
        "analytics.ga",
        &format!("{}.{}", "x".repeat(40), "y".repeat(40)),
    ] {
        assert!(is_valid_entry_id(ok), "{ok:?}");
    }
    for bad in [
        "a.",
        ".b",
        "a.b.c",
        "a..b",
        "a:b",
        "a.b c",
        &format!("a.{}", "y".repeat(41)),
    ] {
        assert!(!is_valid_entry_id(bad), "{bad:?}");
    }
}

#[test]
fn cookie_patterns() {
    assert!(cookie_matches("_ga", "_ga"));
    assert!(!cookie_matches("_ga", "_ga_X1"));
    assert!(cookie_matches("_ga_*", "_ga_X1"));
    assert!(cookie_matches("_ga_*", "_ga_"));
    assert!(!cookie_matches("_ga_*", "_ga"));
    assert!(
        !cookie_matches("*", "anything"),
        "a bare star deletes nothing"
    );
    assert!(!cookie_matches("", "x"));
}

#[test]
fn the_cores_policy_is_the_default_without_its_display_text() {
    let mut core = policy_categories(true);
    let full = default_categories();
    for c in &mut core {
        assert!(c.description.is_empty() && c.table.is_empty(), "{}", c.id);
        assert!(c.providers.is_empty(), "{}", c.id);
        let (description, providers, _) = builtin_display(&c.id).unwrap();
        c.description = description.to_owned();
        c.providers = providers.iter().map(|p| p.to_string()).collect();
        c.table = full.iter().find(|f| f.id == c.id).unwrap().table.clone();
        for s in &mut c.services {
            assert!(s.description.is_empty() && s.table.is_empty(), "{}", s.id);
            assert!(s.provider.is_empty(), "{}", s.id);
            let f = full
                .iter()
                .flat_map(|f| &f.services)
                .find(|f| f.id == s.id)
                .unwrap();
            (s.description, s.provider, s.table) =
                (f.description.clone(), f.provider.clone(), f.table.clone());
        }
    }
    assert_eq!(core, full);
}

#[test]
fn the_built_in_config_folds_the_services_into_analytics() {
    let core = policy_categories(false);
    assert!(core.iter().all(|c| c.services.is_empty()));
    assert_eq!(
        core[1].cookies,
        ["ai_user", "ai_session", "_ga", "_ga_*", "_gid"],
        "the services' cookies are deleted with the category"
    );
    let ids: Vec<&str> = builtin_services_of("analytics").collect();
    assert_eq!(ids, ["analytics.appinsights", "analytics.ga"]);
    assert_eq!(builtin_services_of("analytic").count(), 0);
}
