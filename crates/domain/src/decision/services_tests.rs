//! Host tests of the rules for services inside categories, under the
//! default policy with analytics' services (`appinsights` and `ga`): what is granted,
//! what a choice stores, what changes, what the page and the receipt are
//! told, and how records written before services read.

use super::*;
use crate::config;
use crate::record::{decode_json, encode_json};
use crate::test_support::without_services;

const NOW: i64 = 1_795_867_200_000; // 2026-11-28T12:00:00.000Z
const ID: &str = "AAECAwQFBgcICQoLDA0ODw";
const INSIGHTS: &str = "analytics.appinsights";
const GA: &str = "analytics.ga";

fn cfg() -> Config {
    crate::test_support::cfg()
}

fn set(pairs: &[(&str, bool)]) -> Choice {
    Choice::Set(pairs.iter().copied().collect())
}

fn after(choice: Choice, before: &Consent) -> Consent {
    Consent::Stored(decide(choice, before, &cfg(), NOW, ID.into()))
}

fn stored(choice: Choice) -> Consent {
    after(choice, &Consent::Undecided)
}

fn granted_ids(c: &Consent) -> Vec<String> {
    c.grants(&cfg())
        .into_iter()
        .filter(|(_, g)| *g)
        .map(|(id, _)| id)
        .collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn grants_hold_each_category_followed_by_its_services() {
    let all: Vec<String> = stored(Choice::AcceptAll)
        .grants(&cfg())
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        all,
        [
            "necessary",
            "analytics",
            INSIGHTS,
            GA,
            "functionality",
            "security",
            "marketing"
        ]
    );
    for c in [
        Consent::Undecided,
        Consent::Signal,
        stored(Choice::RejectAll),
    ] {
        assert_eq!(granted_ids(&c), ["necessary", "security"], "{c:?}");
    }
    assert_eq!(
        granted_ids(&stored(Choice::AcceptAll)).len(),
        7,
        "accept all sets every service"
    );
}

#[test]
fn a_category_with_services_is_granted_when_one_of_them_is() {
    let insights_only = stored(set(&[(INSIGHTS, true)]));
    assert!(insights_only.granted(INSIGHTS, &cfg()));
    assert!(!insights_only.granted(GA, &cfg()));
    assert!(insights_only.granted("analytics", &cfg()));
    assert_eq!(
        insights_only.record().unwrap().categories.get("analytics"),
        Some(true),
        "stored as granted too"
    );
    let none = after(set(&[(INSIGHTS, false)]), &insights_only);
    assert!(!none.granted("analytics", &cfg()));
    assert_eq!(
        none.record().unwrap().categories.get("analytics"),
        Some(false)
    );
}

#[test]
fn setting_a_category_sets_all_of_its_services_and_a_named_service_wins() {
    let on = stored(set(&[("analytics", true)]));
    assert_eq!(
        granted_ids(&on),
        ["necessary", "analytics", INSIGHTS, GA, "security"]
    );
    let off = after(set(&[("analytics", false)]), &on);
    assert_eq!(granted_ids(&off), ["necessary", "security"]);
    let mixed = stored(set(&[("analytics", false), (GA, true)]));
    assert_eq!(
        granted_ids(&mixed),
        ["necessary", "analytics", GA, "security"]
    );
    let mixed = stored(set(&[(GA, true), ("analytics", false)]));
    assert_eq!(
        granted_ids(&mixed),
        ["necessary", "analytics", GA, "security"],
        "whatever the order given"
    );
    let one_off = after(set(&[(INSIGHTS, false)]), &stored(Choice::AcceptAll));
    assert_eq!(
        granted_ids(&one_off),
        [
            "necessary",
            "analytics",
            GA,
            "functionality",
            "security",
            "marketing"
        ]
    );
    // What the tool sends on Save: every entry, the category's own value derived.
    let saved = stored(set(&[
        ("necessary", true),
        ("analytics", true),
        (INSIGHTS, false),
        (GA, true),
        ("marketing", false),
    ]));
    assert_eq!(
        granted_ids(&saved),
        ["necessary", "analytics", GA, "security"]
    );
}

#[test]
fn services_of_required_categories_are_always_granted() {
    let c = config::parse(
        r#"{"categories": [{"id": "security", "label": "S", "required": true, "services": [{"id": "cf", "label": "Cloudflare"}]},
                          {"id": "analytics", "label": "A"}]}"#,
    )
    .unwrap();
    for consent in [Consent::Undecided, Consent::Signal] {
        assert!(consent.granted("security.cf", &c) && consent.granted("security", &c));
    }
    let r = decide(
        Choice::Set([("security.cf", false), ("security", false)].into()),
        &Consent::Undecided,
        &c,
        NOW,
        ID.into(),
    );
    assert_eq!(
        r.categories,
        [
            ("security", true),
            ("security.cf", true),
            ("analytics", false)
        ]
        .into()
    );
}

#[test]
fn unknown_service_ids_are_never_granted() {
    let all = stored(Choice::AcceptAll);
    for id in [
        "analytics.nope",
        "marketing.ga",
        "ga",
        "analytics.",
        ".ga",
        "analytics.ga.x",
    ] {
        assert!(!all.granted(id, &cfg()), "{id}");
    }
}

#[test]
fn changed_and_revoked_list_service_ids_in_config_order() {
    let c = cfg();
    let accepted = stored(Choice::AcceptAll);
    assert_eq!(
        changed(&Consent::Undecided, &accepted, &c),
        ["analytics", INSIGHTS, GA, "functionality", "marketing"]
    );
    let ga_off = after(set(&[(GA, false)]), &accepted);
    assert_eq!(
        changed(&accepted, &ga_off, &c),
        [GA],
        "the category still granted: unchanged"
    );
    assert_eq!(revoked(&accepted, &ga_off, &c), [GA]);
    let all_off = after(set(&[(INSIGHTS, false)]), &ga_off);
    assert_eq!(changed(&ga_off, &all_off, &c), ["analytics", INSIGHTS]);
    assert_eq!(
        revoked(&accepted, &all_off, &c),
        ["analytics", INSIGHTS, GA]
    );
    let present = ids(&["_ga", "_ga_X1", "ai_user", "ai_session", "_fbp"]);
    assert_eq!(cookies_to_delete(&ga_off, &c, &present), ["_ga", "_ga_X1"]);
    assert_eq!(
        cookies_to_delete(&all_off, &c, &present),
        ["_ga", "_ga_X1", "ai_user", "ai_session"]
    );
}

#[test]
fn the_state_keeps_categories_and_adds_services() {
    let c = cfg();
    let s = stored(set(&[(GA, true)]));
    let changed = changed(&Consent::Undecided, &s, &c);
    assert_eq!(
        state_json(&s, &c, Some(&changed)),
        r#"{"categories":{"necessary":true,"analytics":true,"functionality":false,"security":true,"marketing":false},"services":{"analytics.appinsights":false,"analytics.ga":true},"method":"custom","revision":1,"decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","id":"AAECAwQFBgcICQoLDA0ODw","changed":["analytics","analytics.ga"]}"#
    );
    assert!(state_json(&Consent::Signal, &c, None)
        .contains(r#""services":{"analytics.appinsights":false,"analytics.ga":false}"#));
    let plain = without_services();
    assert!(
        !state_json(&Consent::Signal, &plain, None).contains("services"),
        "no services: the state of before"
    );
}

#[test]
fn receipts_carry_services_when_the_decision_has_them() {
    let s = stored(set(&[(INSIGHTS, true)]));
    assert_eq!(
        receipt_json(
            s.record().unwrap(),
            "https://kloudstack.com.au",
            "en-AU",
            via::TOOL,
            Signals::default()
        ),
        r#"{"id":"AAECAwQFBgcICQoLDA0ODw","decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","categories":{"necessary":true,"analytics":true,"functionality":false,"security":true,"marketing":false},"services":{"analytics.appinsights":true,"analytics.ga":false},"revision":1,"method":"custom","url":"https://kloudstack.com.au","language":"en-AU","via":"tool"}"#
    );
    let plain = without_services();
    let r = decide(
        Choice::AcceptAll,
        &Consent::Undecided,
        &plain,
        NOW,
        ID.into(),
    );
    assert!(!receipt_json(
        &r,
        "https://x.example",
        "en-AU",
        via::EMBED,
        Signals::default()
    )
    .contains("services"));
}

/// Both forms of a decision as the widget wrote it before services existed
/// (format version 1, categories only): analytics granted, marketing not.
const OLD_JSON: &str = r#"{"v":1,"categories":{"necessary":true,"analytics":true,"functionality":true,"security":true,"marketing":false},"method":"custom","revision":1,"decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","id":"AAECAwQFBgcICQoLDA0ODw"}"#;
const OLD_COOKIE: &str = "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary.analytics.functionality.security|marketing";

#[test]
fn a_record_written_before_services_still_reads_and_its_missing_services_are_refused() {
    let c = cfg();
    for (local, cookies) in [
        (Some(OLD_JSON), vec![]),
        (None, vec![("kloudconsent", OLD_COOKIE)]),
    ] {
        let loaded = load(local, &cookies, &c, NOW + DAY_MS, CookieName::Plain);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let consent = Consent::Stored(loaded.record.expect("still a decision"));
        // The categories without services keep their recorded values; the
        // new services were never offered, so they (and so analytics) are off.
        assert_eq!(
            granted_ids(&consent),
            ["necessary", "functionality", "security"]
        );
        assert!(!consent.granted(GA, &c) && !consent.granted(INSIGHTS, &c));
        // Under a config without services the same record means what it always did.
        assert_eq!(
            consent
                .grants(&without_services())
                .into_iter()
                .filter(|(_, g)| *g)
                .map(|(id, _)| id)
                .collect::<Vec<_>>(),
            ["necessary", "analytics", "functionality", "security"]
        );
        // Deciding again writes the services in, the old values kept.
        let next = Consent::Stored(decide(
            set(&[(GA, true)]),
            &consent,
            &c,
            NOW + DAY_MS,
            ID.into(),
        ));
        assert_eq!(
            granted_ids(&next),
            ["necessary", "analytics", GA, "functionality", "security"]
        );
    }
}

#[test]
fn a_record_missing_a_service_added_later_refuses_only_that_service() {
    let c = cfg();
    let mut r = decide(Choice::AcceptAll, &Consent::Undecided, &c, NOW, ID.into());
    r.categories = r
        .categories
        .into_iter()
        .filter(|(id, _)| id != GA)
        .collect();
    let consent = Consent::Stored(r);
    assert!(
        consent.granted(INSIGHTS, &c)
            && !consent.granted(GA, &c)
            && consent.granted("analytics", &c)
    );
}

#[test]
fn both_forms_round_trip_with_services() {
    let c = cfg();
    let r = decide(
        set(&[(GA, true), ("marketing", true)]),
        &Consent::Undecided,
        &c,
        NOW,
        ID.into(),
    );
    let json = encode_json(&r);
    assert!(json.contains(r#""categories":{"necessary":true,"analytics":true,"analytics.appinsights":false,"analytics.ga":true,"#), "{json}");
    assert_eq!(decode_json(&json), Ok(r.clone()));
    let cookie = encode_cookie(&r);
    assert_eq!(cookie, "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary.analytics.analytics:ga.security.marketing|analytics:appinsights.functionality");
    for name in [CookieName::Host, CookieName::Plain] {
        let l = load(Some(&json), &[(name.as_str(), &cookie)], &c, NOW, name);
        assert_eq!(
            (l.record, l.rewrite_local, l.rewrite_cookie),
            (Some(r.clone()), false, false)
        );
        let l = load(None, &[(name.as_str(), &cookie)], &c, NOW, name);
        let from_cookie = Consent::Stored(l.record.unwrap());
        assert_eq!(
            from_cookie.grants(&c),
            Consent::Stored(r.clone()).grants(&c)
        );
    }
}

#[test]
fn the_consent_cookie_of_the_default_policy_stays_small() {
    // The longest the default policy's cookie gets: a custom choice with
    // both lists in use, a revision and dates of full length, and the
    // `__Host-` name as the browser sends it (`name=value`).
    let c = Config {
        revision: 4_000_000_000,
        ..cfg()
    };
    let r = decide(
        set(&[(INSIGHTS, true), ("functionality", true)]),
        &Consent::Undecided,
        &c,
        NOW,
        ID.into(),
    );
    let sent = ["__Host-kloudconsent=", &encode_cookie(&r)].concat();
    eprintln!("default policy cookie ({} bytes): {sent}", sent.len());
    assert!(sent.len() <= 200, "{} bytes", sent.len());
}
