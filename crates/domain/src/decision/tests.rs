use super::*;
use crate::config;
use crate::record::encode_json;
use proptest::prelude::*;

const NOW: i64 = 1_795_867_200_000; // 2026-11-28T12:00:00.000Z
const ID: &str = "AAECAwQFBgcICQoLDA0ODw";

fn cfg() -> Config {
    Config::default_policy()
}

fn record_at(decided: i64) -> ConsentRecord {
    decide(
        Choice::AcceptAll,
        &Consent::Undecided,
        &cfg(),
        decided,
        ID.into(),
    )
}

fn stored(choice: Choice) -> Consent {
    Consent::Stored(decide(choice, &Consent::Undecided, &cfg(), NOW, ID.into()))
}

fn set(pairs: &[(&str, bool)]) -> Choice {
    Choice::Set(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect())
}

fn granted_ids(c: &Consent) -> Vec<String> {
    c.grants(&cfg())
        .into_iter()
        .filter(|(_, g)| *g)
        .map(|(id, _)| id)
        .collect()
}

// ---- validate ----

#[test]
fn validate_accepts_a_fresh_record() {
    let r = record_at(NOW);
    assert_eq!(validate(r.clone(), &cfg(), NOW), Ok(r));
}

#[test]
fn validate_rules() {
    let c = cfg();
    let base = record_at(NOW);
    let with = |f: &dyn Fn(&mut ConsentRecord)| {
        let mut r = base.clone();
        f(&mut r);
        validate(r, &c, NOW)
    };
    // decidedAt up to a day ahead is clock skew; beyond that, tampering.
    assert!(with(&|r| r.decided_at_ms = NOW + DAY_MS).is_ok());
    assert!(matches!(
        with(&|r| r.decided_at_ms = NOW + DAY_MS + 1),
        Err(RecordError::Tampered(_))
    ));
    assert!(matches!(
        with(&|r| r.expires_at_ms = r.decided_at_ms),
        Err(RecordError::Tampered(_))
    ));
    assert!(matches!(
        with(&|r| r.expires_at_ms = r.decided_at_ms - 1),
        Err(RecordError::Tampered(_))
    ));
    assert!(with(&|r| r.expires_at_ms = r.decided_at_ms + MAX_SPAN_MS).is_ok());
    assert!(matches!(
        with(&|r| r.expires_at_ms = r.decided_at_ms + MAX_SPAN_MS + 1),
        Err(RecordError::Tampered(_))
    ));
    // Expiry is exclusive: at expires_at the decision is over.
    assert_eq!(
        validate(base.clone(), &c, base.expires_at_ms),
        Err(RecordError::Expired)
    );
    assert!(validate(base.clone(), &c, base.expires_at_ms - 1).is_ok());
    // Revision: lower refused, higher honoured.
    let c2 = Config {
        revision: 2,
        ..cfg()
    };
    assert_eq!(
        validate(base.clone(), &c2, NOW),
        Err(RecordError::StaleRevision {
            record: 1,
            config: 2
        })
    );
    assert!(with(&|r| r.revision = 99).is_ok());
    // Categories: one shared id is enough; none is not this site's record.
    assert!(
        with(&|r| r.categories = [("marketing", true), ("zzz", true)].into())
            .is_ok()
    );
    assert_eq!(
        with(&|r| r.categories = [("other", true)].into()),
        Err(RecordError::NoSharedCategory)
    );
}

// ---- Consent ----

#[test]
fn undecided_and_signal_grant_only_required() {
    for c in [Consent::Undecided, Consent::Signal] {
        assert_eq!(granted_ids(&c), ["necessary", "security"]);
        assert!(!c.is_decided());
        assert_eq!(c.record(), None);
    }
}

#[test]
fn stored_grants_follow_the_record() {
    let mut r = record_at(NOW);
    r.categories = [("necessary", false), ("analytics", true), ("ghost", true)].into();
    let c = Consent::Stored(r);
    assert!(c.is_decided());
    // necessary is required (recorded false is overridden), security is
    // required though absent, functionality/marketing absent -> false.
    assert_eq!(granted_ids(&c), ["necessary", "analytics", "security"]);
    assert!(
        !c.granted("ghost", &cfg()),
        "ids unknown to the config are never granted"
    );
    assert_eq!(c.grants(&cfg()).len(), 5);
}

#[test]
fn resolve_order() {
    let r = record_at(NOW);
    let on = Signals {
        dnt: true,
        gpc: false,
    };
    assert_eq!(resolve(Some(r.clone()), on), Consent::Stored(r));
    assert_eq!(resolve(None, on), Consent::Signal);
    assert_eq!(
        resolve(
            None,
            Signals {
                dnt: false,
                gpc: true
            }
        ),
        Consent::Signal
    );
    assert_eq!(resolve(None, Signals::default()), Consent::Undecided);
}

// ---- decide ----

#[test]
fn accept_and_reject() {
    let a = stored(Choice::AcceptAll);
    assert_eq!(granted_ids(&a).len(), 5);
    assert_eq!(a.record().unwrap().method, Method::AcceptAll);
    let r = stored(Choice::RejectAll);
    assert_eq!(granted_ids(&r), ["necessary", "security"]);
    let rec = r.record().unwrap();
    assert_eq!(rec.method, Method::RejectAll);
    assert_eq!(
        rec.categories,
        [
            ("necessary", true),
            ("analytics", false),
            ("functionality", false),
            ("security", true),
            ("marketing", false)
        ]
        .into()
    );
}

#[test]
fn decide_stamps_time_revision_and_id() {
    let c = Config {
        revision: 9,
        expires_after_days: 30,
        ..cfg()
    };
    let r = decide(
        Choice::AcceptAll,
        &Consent::Undecided,
        &c,
        NOW,
        "my-consent-id".into(),
    );
    assert_eq!(r.decided_at_ms, NOW);
    assert_eq!(r.expires_at_ms, NOW + 30 * DAY_MS);
    assert_eq!(r.revision, 9);
    assert_eq!(r.id, "my-consent-id");
    assert_eq!(validate(r, &c, NOW).map(|r| r.revision), Ok(9));
}

#[test]
fn set_keeps_unnamed_and_ignores_unknown_and_required() {
    let c = cfg();
    let before = stored(Choice::AcceptAll);
    let r = decide(
        set(&[("analytics", false), ("necessary", false), ("nope", true)]),
        &before,
        &c,
        NOW,
        ID.into(),
    );
    assert_eq!(r.method, Method::Custom);
    let after = Consent::Stored(r.clone());
    assert_eq!(
        granted_ids(&after),
        ["necessary", "functionality", "security", "marketing"]
    );
    assert!(r.categories.iter().all(|(id, _)| id != "nope"));
    assert_eq!(
        r.categories
            .iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
        [
            "necessary",
            "analytics",
            "functionality",
            "security",
            "marketing"
        ]
    );
    // From undecided, unnamed optional ones start off.
    let r2 = decide(
        set(&[("marketing", true)]),
        &Consent::Undecided,
        &c,
        NOW,
        ID.into(),
    );
    assert_eq!(
        granted_ids(&Consent::Stored(r2)),
        ["necessary", "security", "marketing"]
    );
    // From a signal state too.
    let r3 = decide(set(&[]), &Consent::Signal, &c, NOW, ID.into());
    assert_eq!(granted_ids(&Consent::Stored(r3)), ["necessary", "security"]);
}

#[test]
fn expiry_is_clamped_to_the_representable_range() {
    let r = decide(
        Choice::AcceptAll,
        &Consent::Undecided,
        &cfg(),
        MAX_MS - 1,
        ID.into(),
    );
    assert_eq!(r.expires_at_ms, MAX_MS);
}

// ---- changed / revoked ----

#[test]
fn changed_and_revoked() {
    let c = cfg();
    let accepted = stored(Choice::AcceptAll);
    let rejected = stored(Choice::RejectAll);
    assert_eq!(
        changed(&Consent::Undecided, &accepted, &c),
        ["analytics", "functionality", "marketing"]
    );
    assert_eq!(
        changed(&Consent::Undecided, &rejected, &c),
        Vec::<String>::new(),
        "first reject changes nothing"
    );
    assert_eq!(
        changed(&Consent::Signal, &rejected, &c),
        Vec::<String>::new()
    );
    assert_eq!(
        revoked(&accepted, &rejected, &c),
        ["analytics", "functionality", "marketing"]
    );
    assert_eq!(revoked(&rejected, &accepted, &c), Vec::<String>::new());
    let custom = Consent::Stored(decide(
        set(&[("analytics", false)]),
        &accepted,
        &c,
        NOW,
        ID.into(),
    ));
    assert_eq!(changed(&accepted, &custom, &c), ["analytics"]);
    assert_eq!(revoked(&accepted, &custom, &c), ["analytics"]);
    assert_eq!(
        revoked(&accepted, &Consent::Undecided, &c),
        ["analytics", "functionality", "marketing"]
    );
}

// ---- load ----

#[test]
fn load_prefers_the_newest_valid_record() {
    let c = cfg();
    let old = record_at(NOW - 10 * DAY_MS);
    let new = record_at(NOW - DAY_MS);
    let (old_j, new_j) = (encode_json(&old), encode_json(&new));
    let (old_c, new_c) = (encode_cookie(&old), encode_cookie(&new));

    let l = load(Some(&new_j), &[&new_c], &c, NOW);
    assert_eq!(
        l,
        Loaded {
            record: Some(new.clone()),
            ..Loaded::default()
        },
        "both agree: no rewrites"
    );

    let l = load(Some(&old_j), &[&new_c], &c, NOW);
    assert_eq!(
        (l.record.as_ref(), l.rewrite_local, l.rewrite_cookie),
        (Some(&decode_cookie(&new_c).unwrap()), true, false)
    );

    let l = load(Some(&new_j), &[&old_c], &c, NOW);
    assert_eq!(
        (l.record.as_ref(), l.rewrite_local, l.rewrite_cookie),
        (Some(&new), false, true)
    );

    let l = load(None, &[&new_c], &c, NOW);
    assert_eq!((l.rewrite_local, l.rewrite_cookie), (true, false));
    assert!(l.problems.is_empty());

    let l = load(Some(&new_j), &[], &c, NOW);
    assert_eq!(
        (l.record.as_ref(), l.rewrite_local, l.rewrite_cookie),
        (Some(&new), false, true)
    );
}

#[test]
fn load_tie_prefers_local_storage() {
    let c = cfg();
    let a = record_at(NOW);
    let mut b = a.clone();
    b.method = Method::RejectAll;
    b.categories = a
        .categories
        .iter()
        .map(|(id, _)| (id.clone(), false))
        .collect();
    let l = load(Some(&encode_json(&a)), &[&encode_cookie(&b)], &c, NOW);
    assert_eq!(l.record, Some(a));
    assert!(!l.rewrite_local);
    assert!(l.rewrite_cookie);
}

#[test]
fn load_with_two_cookies() {
    let c = cfg();
    let old = record_at(NOW - 10 * DAY_MS);
    let new = record_at(NOW - DAY_MS);
    let l = load(None, &[&encode_cookie(&old), &encode_cookie(&new)], &c, NOW);
    assert_eq!(l.record.map(|r| r.decided_at_ms), Some(new.decided_at_ms));
    assert!(l.rewrite_local && l.rewrite_cookie);
    // Duplicate identical cookies still ask for a rewrite, to collapse them.
    let same = encode_cookie(&new);
    let l = load(Some(&encode_json(&new)), &[&same, &same], &c, NOW);
    assert!(!l.rewrite_local && l.rewrite_cookie);
    // One good, one garbage.
    let l = load(Some(&encode_json(&new)), &["garbage", &same], &c, NOW);
    assert!(l.rewrite_cookie);
    assert_eq!(l.problems.len(), 1);
    assert!(
        l.problems[0].contains("cookie kloudconsent (value 1 of 2)"),
        "{:?}",
        l.problems
    );
}

#[test]
fn load_ignores_bad_values_and_reports_them() {
    let c = cfg();
    let good = record_at(NOW);
    let future = record_at(NOW + 2 * DAY_MS);
    let expired = record_at(NOW - 200 * DAY_MS);
    let mut foreign = record_at(NOW);
    foreign.categories = [("somethingelse", true)].into();
    let v2 = encode_json(&good).replacen("\"v\":1", "\"v\":2", 1);
    let ten_kb = "x".repeat(10 * 1024);
    let truncated = &encode_json(&good)[..40];
    let bad_locals = [
        "".to_string(),
        "garbage".to_string(),
        truncated.to_string(),
        ten_kb.clone(),
        v2,
        encode_json(&future),
        encode_json(&expired),
        encode_json(&foreign),
        encode_json(&good).replace("\"revision\":1", "\"revision\":1e999"),
        encode_json(&good).replace("\"revision\":1", "\"revision\":-1"),
    ];
    for bad in &bad_locals {
        let l = load(Some(bad), &[], &c, NOW);
        assert_eq!(l.record, None, "{bad:.80}");
        assert!(
            !l.rewrite_local && !l.rewrite_cookie,
            "no rewrites without a winner"
        );
        assert_eq!(l.problems.len(), 1, "{bad:.80}");
        assert!(
            l.problems[0].starts_with("ignoring localStorage[\"kloudconsent\"]: "),
            "{}",
            l.problems[0]
        );
        // A valid cookie next to it wins and repairs localStorage.
        let l = load(Some(bad), &[&encode_cookie(&good)], &c, NOW);
        assert!(l.record.is_some() && l.rewrite_local && !l.rewrite_cookie);
    }
    for bad in [
        encode_cookie(&future),
        encode_cookie(&expired),
        ten_kb,
        "1|2|3".into(),
    ] {
        let l = load(None, &[&bad], &c, NOW);
        assert_eq!((l.record, l.problems.len()), (None, 1));
    }
    let stale = Config {
        revision: 2,
        ..cfg()
    };
    let l = load(
        Some(&encode_json(&good)),
        &[&encode_cookie(&good)],
        &stale,
        NOW,
    );
    assert_eq!((l.record, l.problems.len()), (None, 2));
}

#[test]
fn load_with_nothing() {
    assert_eq!(load(None, &[], &cfg(), NOW), Loaded::default());
}

// ---- state_json ----

#[test]
fn state_json_shapes() {
    let c = cfg();
    assert_eq!(state_json(&Consent::Undecided, &c, None), "null");
    assert_eq!(
        state_json(&Consent::Signal, &c, None),
        r#"{"categories":{"necessary":true,"analytics":false,"functionality":false,"security":true,"marketing":false},"method":"signal","revision":1,"decidedAt":null,"expiresAt":null,"id":null}"#
    );
    let s = stored(set(&[("functionality", true)]));
    assert_eq!(
        state_json(&s, &c, Some(&["functionality".to_string()])),
        r#"{"categories":{"necessary":true,"analytics":false,"functionality":true,"security":true,"marketing":false},"method":"custom","revision":1,"decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","id":"AAECAwQFBgcICQoLDA0ODw","changed":["functionality"]}"#
    );
    assert!(state_json(&s, &c, Some(&[])).ends_with(r#","changed":[]}"#));
}

#[test]
fn state_json_lists_every_config_category_in_config_order() {
    let c = config::parse(
        r#"{"categories":[{"id":"b","label":"B"},{"id":"a","label":"A","required":true}]}"#,
    )
    .unwrap();
    let mut r = record_at(NOW);
    r.categories = [("a", false), ("zzz", true)].into();
    let s = state_json(&Consent::Stored(r), &c, None);
    assert!(
        s.starts_with(
            r#"{"categories":{"b":false,"a":true},"method":"accept-all","revision":1,"#
        ),
        "{s}"
    );
    assert!(kloudconsent_json::Json::parse(&s).is_ok());
}

// ---- cookies_to_delete ----

#[test]
fn cookie_deletion() {
    let c = cfg();
    let present: Vec<String> = [
        "_ga",
        "_ga_ABC123",
        "_gid",
        "_gidx",
        "ai_user",
        "_fbp",
        "session",
        "kloudconsent",
        "_ga",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(
        cookies_to_delete(&["analytics".into()], &c, &present),
        ["_ga", "_ga_ABC123", "_gid", "ai_user"]
    );
    assert_eq!(
        cookies_to_delete(&["marketing".into()], &c, &present),
        ["_fbp"]
    );
    assert_eq!(
        cookies_to_delete(&["functionality".into(), "unknown".into()], &c, &present),
        Vec::<String>::new()
    );
    assert_eq!(cookies_to_delete(&[], &c, &present), Vec::<String>::new());
    let greedy =
        config::parse(r#"{"categories":[{"id":"x","label":"X","cookies":["k*"]}]}"#).unwrap();
    assert_eq!(
        cookies_to_delete(&["x".into()], &greedy, &present),
        Vec::<String>::new(),
        "never our own cookie"
    );
}

// ---- receipt_json ----

#[test]
fn receipts() {
    let r = record_at(NOW);
    let body = receipt_json(&r, "https://kloudstack.com.au/pricing?email=a@b.c#plans");
    assert_eq!(
        body,
        r#"{"id":"AAECAwQFBgcICQoLDA0ODw","decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","categories":{"necessary":true,"analytics":true,"functionality":true,"security":true,"marketing":true},"revision":1,"method":"accept-all","url":"https://kloudstack.com.au/pricing"}"#
    );
    assert!(receipt_json(&r, "https://a.b/#x?y").ends_with(r#""url":"https://a.b/"}"#));
    assert!(receipt_json(&r, "https://a.b/c").ends_with(r#""url":"https://a.b/c"}"#));
    assert!(receipt_json(&r, "https://a.b/\"<x>").ends_with(r#""url":"https://a.b/\"<x>"}"#));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn load_never_panics_and_never_rewrites_without_a_winner(
        local in proptest::option::of("\\PC{0,120}"), cookies in proptest::collection::vec("\\PC{0,80}", 0..3)
    ) {
        let refs: Vec<&str> = cookies.iter().map(String::as_str).collect();
        let l = load(local.as_deref(), &refs, &cfg(), NOW);
        prop_assert!(l.record.is_some() || (!l.rewrite_local && !l.rewrite_cookie));
    }

    #[test]
    fn decide_then_load_round_trips(
        picks in proptest::collection::vec(any::<bool>(), 5), kind in 0u8..3, offset in 0i64..(100 * DAY_MS)
    ) {
        let c = cfg();
        let choice = match kind {
            0 => Choice::AcceptAll,
            1 => Choice::RejectAll,
            _ => Choice::Set(c.categories.iter().zip(&picks).map(|(cat, p)| (cat.id.clone(), *p)).collect()),
        };
        let r = decide(choice, &Consent::Undecided, &c, NOW, ID.into());
        let l = load(Some(&encode_json(&r)), &[&encode_cookie(&r)], &c, NOW + offset);
        prop_assert_eq!(l, Loaded { record: Some(r), ..Loaded::default() });
    }

    #[test]
    fn changed_is_symmetric_and_revoked_is_a_subset(a in any::<bool>(), b in any::<bool>(), picks in proptest::collection::vec(any::<bool>(), 10)) {
        let c = cfg();
        let make = |p: &[bool]| Consent::Stored(decide(
            Choice::Set(c.categories.iter().zip(p).map(|(cat, v)| (cat.id.clone(), *v)).collect()),
            &Consent::Undecided, &c, NOW, ID.into()));
        let before = if a { make(&picks[..5]) } else { Consent::Undecided };
        let after = if b { make(&picks[5..]) } else { Consent::Signal };
        prop_assert_eq!(changed(&before, &after, &c), changed(&after, &before, &c));
        let ch = changed(&before, &after, &c);
        prop_assert!(revoked(&before, &after, &c).iter().all(|id| ch.contains(id)));
    }
}
