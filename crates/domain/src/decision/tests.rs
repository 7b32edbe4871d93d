use super::*;
use crate::config;
use crate::record::encode_json;
use proptest::prelude::*;

const NOW: i64 = 1_795_867_200_000; // 2026-11-28T12:00:00.000Z
const ID: &str = "AAECAwQFBgcICQoLDA0ODw";

/// These tests are about categories: a config without services, whose
/// rules are exactly what they were before services existed (the default
/// policy's services are tested in services_tests.rs).
fn cfg() -> Config {
    crate::test_support::without_services()
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
    // Revision: lower refused, one higher honoured, more refused.
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
    assert!(with(&|r| r.revision = 2).is_ok());
    // Any higher revision (contract section 4) in what only this site can
    // write; a cookie from next door is held to one above (`load_*` tests).
    assert!(with(&|r| r.revision = 99).is_ok());
    // Categories: one shared id is enough; none is not this site's record.
    assert!(with(&|r| r.categories = [("marketing", true), ("zzz", true)].into()).is_ok());
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

#[test]
fn a_removal_clears_unless_the_cookie_holds_a_newer_decision() {
    let in_force = Consent::Stored(record_at(NOW));
    // reset() in another tab: no cookie left, or one lagging behind with
    // the decision this tab already has (or an older one).
    assert!(removal_clears(None, &in_force));
    assert!(removal_clears(Some(&record_at(NOW)), &in_force));
    assert!(removal_clears(Some(&record_at(NOW - DAY_MS)), &in_force));
    // A full localStorage: that tab's newer decision lives in the cookie only.
    assert!(!removal_clears(Some(&record_at(NOW + 1)), &in_force));
    // Nothing here to keep: a removal leaves this tab as it was.
    assert!(removal_clears(Some(&record_at(NOW)), &Consent::Undecided));
    assert!(removal_clears(Some(&record_at(NOW)), &Consent::Signal));
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
        r.categories.iter().map(|(id, _)| id).collect::<Vec<_>>(),
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

#[test]
fn refused_lists_every_optional_id_a_consent_denies() {
    let c = cfg();
    let all = ["analytics", "functionality", "marketing"];
    assert_eq!(refused(&stored(Choice::RejectAll), &c), all);
    assert_eq!(refused(&Consent::Undecided, &c), all);
    assert_eq!(refused(&Consent::Signal, &c), all);
    assert_eq!(
        refused(&stored(Choice::AcceptAll), &c),
        Vec::<String>::new()
    );
    let custom = Consent::Stored(decide(
        set(&[("analytics", true)]),
        &Consent::Undecided,
        &c,
        NOW,
        ID.into(),
    ));
    assert_eq!(refused(&custom, &c), ["functionality", "marketing"]);
}

// ---- load ----

/// `kloudconsent` cookie values, as the browser layer passes them.
fn plain<'a>(values: &[&'a str]) -> Vec<(&'static str, &'a str)> {
    values.iter().map(|v| (STORAGE_KEY, *v)).collect()
}

/// A config that shares the decision across subdomains.
fn shared() -> Config {
    Config {
        cookie_domain: Some(".kloudstack.com.au".into()),
        ..cfg()
    }
}

fn rejected_at(decided: i64) -> ConsentRecord {
    decide(
        Choice::RejectAll,
        &Consent::Undecided,
        &cfg(),
        decided,
        ID.into(),
    )
}

#[test]
fn load_with_a_shared_domain_prefers_the_newest_valid_record() {
    let c = shared();
    let old = record_at(NOW - 10 * DAY_MS);
    let new = record_at(NOW - DAY_MS);
    let (old_j, new_j) = (encode_json(&old), encode_json(&new));
    let (old_c, new_c) = (encode_cookie(&old), encode_cookie(&new));
    let load = |local, cookies: &[&str]| load(local, &plain(cookies), &c, NOW, CookieName::Plain);

    let l = load(Some(&new_j), &[&new_c]);
    assert_eq!(
        l,
        Loaded {
            record: Some(new.clone()),
            ..Loaded::default()
        },
        "both agree: no rewrites"
    );

    let l = load(Some(&old_j), &[&new_c]);
    assert_eq!(
        (l.record.as_ref(), l.rewrite_local, l.rewrite_cookie),
        (Some(&decode_cookie(&new_c).unwrap()), true, false),
        "a sibling subdomain's newer decision applies here"
    );

    let l = load(Some(&new_j), &[&old_c]);
    assert_eq!(
        (l.record.as_ref(), l.rewrite_local, l.rewrite_cookie),
        (Some(&new), false, true)
    );

    let l = load(None, &[&new_c]);
    assert_eq!((l.rewrite_local, l.rewrite_cookie), (true, false));
    assert!(l.problems.is_empty());

    let l = load(Some(&new_j), &[]);
    assert_eq!(
        (l.record.as_ref(), l.rewrite_local, l.rewrite_cookie),
        (Some(&new), false, true)
    );
}

#[test]
fn load_tie_prefers_local_storage() {
    let a = record_at(NOW);
    let b = rejected_at(NOW);
    for c in [cfg(), shared()] {
        let l = load(
            Some(&encode_json(&a)),
            &plain(&[&encode_cookie(&b)]),
            &c,
            NOW,
            CookieName::Plain,
        );
        assert_eq!(l.record, Some(a.clone()));
        assert!(!l.rewrite_local);
        assert!(l.rewrite_cookie);
    }
}

#[test]
fn without_a_shared_domain_a_cookie_never_overrides_local_storage() {
    // Issue 18, finding 5: a sibling subdomain writes `kloudconsent` for
    // the parent domain, newer (a day ahead) and under a higher revision.
    let c = cfg();
    let mine = rejected_at(NOW - DAY_MS);
    let mut forged = record_at(NOW + DAY_MS - 1);
    forged.revision = 2;
    let forged_c = encode_cookie(&forged);
    for written in [CookieName::Host, CookieName::Plain] {
        let cookies = [
            (HOST_COOKIE, encode_cookie(&mine)),
            (STORAGE_KEY, forged_c.clone()),
        ];
        let cookies: Vec<(&str, &str)> = cookies.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let l = load(Some(&encode_json(&mine)), &cookies, &c, NOW, written);
        assert_eq!(l.record.as_ref(), Some(&mine), "{written:?}");
        assert_eq!(l.problems, Vec::<String>::new());
        assert!(
            !l.rewrite_local,
            "localStorage keeps the visitor's own decision"
        );
        assert!(l.rewrite_cookie);
    }
    // The `__Host-` cookie (only this host can write it) beats a
    // `kloudconsent` one when localStorage has nothing.
    let cookies = [
        (STORAGE_KEY, forged_c.as_str()),
        (HOST_COOKIE, &encode_cookie(&mine)),
    ];
    let from_cookie = decode_cookie(&encode_cookie(&mine)).ok();
    let l = load(None, &cookies, &c, NOW, CookieName::Host);
    assert_eq!(l.record, from_cookie);
    assert!(l.rewrite_local && l.rewrite_cookie);
    // Garbage in localStorage does not count as a decision to keep.
    let l = load(Some("garbage"), &cookies, &c, NOW, CookieName::Host);
    assert_eq!(l.record, from_cookie);
}

#[test]
fn where_only_this_site_writes_both_stores_the_newest_wins() {
    // Contract section 4: "the newer over the older; the store that lost
    // ... is rewritten". On localhost or an IP address no other host can set
    // a cookie that reaches the page, so a newer `kloudconsent` cookie wins.
    let c = cfg();
    let older = rejected_at(NOW - 5 * DAY_MS);
    let newer_r = record_at(NOW - DAY_MS);
    let newer_c = encode_cookie(&newer_r);
    let cookies = plain(&[&newer_c]);
    let l = load_decoded(
        Some(Ok(older.clone())),
        &cookies,
        &c,
        NOW,
        CookieName::Plain,
        false,
    );
    assert_eq!(l.record, decode_cookie(&newer_c).ok());
    assert!(
        l.rewrite_local && !l.rewrite_cookie,
        "the older store is rewritten"
    );
    // The other way round: localStorage newer, the cookie rewritten.
    let l = load_decoded(
        Some(Ok(newer_r.clone())),
        &plain(&[&encode_cookie(&older)]),
        &c,
        NOW,
        CookieName::Plain,
        false,
    );
    assert_eq!(l.record.as_ref(), Some(&newer_r));
    assert!(!l.rewrite_local && l.rewrite_cookie);
    // The `__Host-` cookie only this host can write: newest wins on any host.
    let host = [(HOST_COOKIE, newer_c.as_str())];
    let l = load(Some(&encode_json(&older)), &host, &c, NOW, CookieName::Host);
    assert_eq!(l.record, decode_cookie(&newer_c).ok());
    assert!(l.rewrite_local);
    // Where a sibling could have written it, a newer `kloudconsent` cookie
    // does not override localStorage (the test above).
    let l = load(
        Some(&encode_json(&older)),
        &cookies,
        &c,
        NOW,
        CookieName::Plain,
    );
    assert_eq!(l.record.as_ref(), Some(&older));
}

#[test]
fn an_old_kloudconsent_cookie_alone_is_migrated_to_the_host_cookie() {
    let c = cfg();
    let r = record_at(NOW - DAY_MS);
    let old = encode_cookie(&r);
    let l = load(None, &plain(&[&old]), &c, NOW, CookieName::Host);
    assert_eq!(l.record, decode_cookie(&old).ok());
    assert!(l.rewrite_local && l.rewrite_cookie);
    // Both present and equal: still rewritten, so the old one is expired.
    let both = [(HOST_COOKIE, old.as_str()), (STORAGE_KEY, old.as_str())];
    let l = load(Some(&encode_json(&r)), &both, &c, NOW, CookieName::Host);
    assert!(!l.rewrite_local && l.rewrite_cookie);
    // Only the host cookie, exact: nothing to do.
    let l = load(
        Some(&encode_json(&r)),
        &both[..1],
        &c,
        NOW,
        CookieName::Host,
    );
    assert!(!l.rewrite_local && !l.rewrite_cookie);
    // Cookies of other names are not ours and change nothing.
    let with_other = [(HOST_COOKIE, old.as_str()), ("_ga", "GA1.1")];
    let l = load(
        Some(&encode_json(&r)),
        &with_other,
        &c,
        NOW,
        CookieName::Host,
    );
    assert!(!l.rewrite_cookie && l.problems.is_empty());
}

#[test]
fn a_future_decided_at_never_wins_the_newest_wins_merge() {
    let c = shared();
    // The visitor decided a minute ago; a forged cookie claims to be
    // from 23 hours ahead (within the clock-skew allowance).
    let mine = rejected_at(NOW - 60_000);
    let ahead = record_at(NOW + 23 * 3_600_000);
    let l = load(
        Some(&encode_json(&mine)),
        &plain(&[&encode_cookie(&ahead)]),
        &c,
        NOW,
        CookieName::Plain,
    );
    assert_eq!(
        l.record.as_ref(),
        Some(&mine),
        "a future date ranks below every past one"
    );
    // Between two cookies, the one not dated in the future wins.
    let earlier = rejected_at(NOW - 10 * DAY_MS);
    let l = load(
        None,
        &plain(&[&encode_cookie(&ahead), &encode_cookie(&earlier)]),
        &c,
        NOW,
        CookieName::Plain,
    );
    assert_eq!(l.record.map(|r| r.method), Some(Method::RejectAll));
    // Alone, a record dated ahead (within the day of clock skew) counts.
    let l = load(
        None,
        &plain(&[&encode_cookie(&ahead)]),
        &c,
        NOW,
        CookieName::Plain,
    );
    assert_eq!(l.record.map(|r| r.method), Some(Method::AcceptAll));
    // A truly newer decision (in the past) still wins.
    let newer = record_at(NOW - 1);
    let l = load(
        Some(&encode_json(&rejected_at(NOW - 60_000))),
        &plain(&[&encode_cookie(&newer)]),
        &c,
        NOW,
        CookieName::Plain,
    );
    assert_eq!(l.record, Some(newer));
}

#[test]
fn revisions_ahead_count_in_local_storage_and_one_ahead_in_cookies() {
    let c2 = Config {
        revision: 2,
        ..cfg()
    };
    let at = |revision: u32| {
        let mut r = record_at(NOW);
        r.revision = revision;
        validate(r, &c2, NOW).map(|r| r.revision)
    };
    assert_eq!(at(2), Ok(2));
    assert_eq!(at(3), Ok(3), "a page from a cache older than the last bump");
    assert_eq!(at(4), Ok(4));
    assert_eq!(at(u32::MAX), Ok(u32::MAX));
    assert!(matches!(at(1), Err(RecordError::StaleRevision { .. })));
    // In a cookie (any server of the host writes it, whatever its port;
    // with `cookie.domain` every subdomain, each with its own revisions):
    // one ahead at most.
    let cookie_at = |revision: u32, others_can_write: bool, shared: bool| {
        let mut r = record_at(NOW);
        r.revision = revision;
        let c = Config {
            cookie_domain: shared.then(|| ".example.com".to_string()),
            ..c2.clone()
        };
        let value = encode_cookie(&r);
        let cookies = plain(&[&value]);
        let l = load_decoded(None, &cookies, &c, NOW, CookieName::Plain, others_can_write);
        (l.record.map(|r| r.revision), l.problems)
    };
    assert_eq!(cookie_at(3, true, false).0, Some(3));
    let (none, problems) = cookie_at(4, true, false);
    assert_eq!(none, None);
    assert!(
        problems[0].contains("more than one above the site's 2"),
        "{problems:?}"
    );
    assert_eq!(
        cookie_at(4, false, false).0,
        None,
        "localhost, an IP address: any server of the machine"
    );
    assert_eq!(
        cookie_at(4, true, true).0,
        None,
        "cookie.domain: another subdomain counts its own revisions"
    );
    let mut r = record_at(NOW);
    r.revision = 9;
    let host = [(HOST_COOKIE, encode_cookie(&r))];
    let host: Vec<(&str, &str)> = host.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let l = load_decoded(None, &host, &c2, NOW, CookieName::Host, true);
    assert_eq!(
        l.record.map(|r| r.revision),
        None,
        "__Host-: every port of the host writes it"
    );
    let top = Config {
        revision: u32::MAX,
        ..cfg()
    };
    let mut r = record_at(NOW);
    r.revision = u32::MAX;
    assert!(validate(r, &top, NOW).is_ok(), "no overflow at the top");
}

/// The banner says the policy changed (`revisionNotice`) exactly when a
/// record was set aside for its revision and no other record counts.
#[test]
fn a_decision_under_an_older_revision_is_reported_as_revised() {
    let c2 = Config {
        revision: 2,
        ..cfg()
    };
    let mut old = record_at(NOW);
    old.revision = 1;
    let mut current = record_at(NOW);
    current.revision = 2;
    let load2 = |local: Option<&str>, cookies: &[&str]| {
        load(local, &plain(cookies), &c2, NOW, CookieName::Plain)
    };
    let (old_j, old_c) = (encode_json(&old), encode_cookie(&old));
    for l in [
        load2(Some(&old_j), &[&old_c]),
        load2(Some(&old_j), &[]),
        load2(None, &[&old_c]),
    ] {
        assert!(l.revised && l.record.is_none(), "{l:?}");
    }
    let l = load2(None, &[]);
    assert!(!l.revised, "nothing stored: a first visit");
    let mut expired = record_at(NOW - 400 * DAY_MS);
    expired.revision = 2;
    let l = load2(Some(&encode_json(&expired)), &[]);
    assert!(!l.revised && l.record.is_none(), "expired, not revised");
    let l = load2(Some(&encode_json(&current)), &[&old_c]);
    assert_eq!(l.record, Some(current), "a record that counts wins");
}

/// A page from a stale cache (config revision 1) honours a decision made
/// under revision 2; a change made there must still count on the site's
/// current pages, so it keeps revision 2.
#[test]
fn a_change_on_a_stale_page_keeps_the_newer_revision() {
    let under = |revision: u32| {
        let mut r = record_at(NOW - DAY_MS);
        r.revision = revision;
        r
    };
    let stale_page = cfg();
    let current = Config {
        revision: 2,
        ..cfg()
    };
    assert_eq!(stale_page.revision, 1);
    let on = |choice: Choice, before: Consent, config: &Config| {
        decide(choice, &before, config, NOW, ID.into())
    };
    let changed = on(Choice::RejectAll, Consent::Stored(under(2)), &stale_page);
    assert_eq!(changed.revision, 2);
    assert!(validate(changed, &current, NOW).is_ok());
    let mut with_chat = under(2);
    with_chat.categories.set("chat", true);
    let amended = on(
        set(&[("analytics", false)]),
        Consent::Stored(with_chat),
        &stale_page,
    );
    assert_eq!(
        amended.categories.get("chat"),
        Some(true),
        "a category only the newer revision has keeps the visitor's answer"
    );
    assert_eq!(amended.categories.get("analytics"), Some(false));
    let mut with_chat = under(2);
    with_chat.categories.set("chat", true);
    let rejected = on(Choice::RejectAll, Consent::Stored(with_chat), &stale_page);
    assert_eq!(
        rejected.categories.get("chat"),
        Some(false),
        "Reject all refuses what only the newer revision has, too"
    );
    assert_eq!(rejected.revision, 2);
    let first = on(Choice::RejectAll, Consent::Undecided, &current);
    assert_eq!(first.revision, 2);
    let after_bump = on(Choice::AcceptAll, Consent::Stored(under(1)), &current);
    assert_eq!(after_bump.revision, 2, "never below the config's");
}

#[test]
fn load_with_two_cookies() {
    let c = shared();
    let old = record_at(NOW - 10 * DAY_MS);
    let new = record_at(NOW - DAY_MS);
    let (old_c, new_c) = (encode_cookie(&old), encode_cookie(&new));
    for c in [cfg(), shared()] {
        let l = load(None, &plain(&[&old_c, &new_c]), &c, NOW, CookieName::Plain);
        assert_eq!(l.record.map(|r| r.decided_at_ms), Some(new.decided_at_ms));
        assert!(l.rewrite_local && l.rewrite_cookie);
    }
    // Duplicate identical cookies still ask for a rewrite, to collapse them.
    let same = encode_cookie(&new);
    let j = encode_json(&new);
    let l = load(
        Some(&j),
        &plain(&[&same, &same]),
        &c,
        NOW,
        CookieName::Plain,
    );
    assert!(!l.rewrite_local && l.rewrite_cookie);
    // One good, one garbage.
    let l = load(
        Some(&j),
        &plain(&["garbage", &same]),
        &c,
        NOW,
        CookieName::Plain,
    );
    assert!(l.rewrite_cookie);
    assert_eq!(l.problems.len(), 1);
    assert!(
        l.problems[0].contains("cookie kloudconsent (value 1 of 2)"),
        "{:?}",
        l.problems
    );
    let named = [(HOST_COOKIE, "garbage")];
    let l = load(Some(&j), &named, &c, NOW, CookieName::Host);
    assert_eq!(l.problems.len(), 1);
    assert!(
        l.problems[0].starts_with("ignoring cookie __Host-kloudconsent: "),
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
    let mut far_ahead = record_at(NOW);
    far_ahead.revision = 3;
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
    let good_cookie = encode_cookie(&good);
    for bad in &bad_locals {
        let l = load(Some(bad), &[], &c, NOW, CookieName::Host);
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
        let l = load(
            Some(bad),
            &[(HOST_COOKIE, &good_cookie)],
            &c,
            NOW,
            CookieName::Host,
        );
        assert!(l.record.is_some() && l.rewrite_local && !l.rewrite_cookie);
    }
    for bad in [
        encode_cookie(&future),
        encode_cookie(&expired),
        encode_cookie(&far_ahead),
        ten_kb,
        "1|2|3".into(),
    ] {
        let l = load(None, &plain(&[&bad]), &c, NOW, CookieName::Plain);
        assert_eq!((l.record, l.problems.len()), (None, 1));
    }
    // Two revisions ahead: from localStorage it counts (only this origin
    // writes it); from a cookie it does not (`revisions_ahead_*`).
    assert!(load(
        Some(&encode_json(&far_ahead)),
        &[],
        &c,
        NOW,
        CookieName::Host
    )
    .record
    .is_some());
    let stale = Config {
        revision: 2,
        ..cfg()
    };
    let l = load(
        Some(&encode_json(&good)),
        &plain(&[&good_cookie]),
        &stale,
        NOW,
        CookieName::Plain,
    );
    assert_eq!((l.record, l.problems.len()), (None, 2));
}

#[test]
fn load_with_nothing() {
    for name in [CookieName::Host, CookieName::Plain] {
        assert_eq!(load(None, &[], &cfg(), NOW, name), Loaded::default());
    }
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
    // A decision forgotten: the change event's detail says what is in force.
    assert_eq!(
        state_json(
            &Consent::Undecided,
            &c,
            Some(&["functionality".to_string()])
        ),
        r#"{"categories":{"necessary":true,"analytics":false,"functionality":false,"security":true,"marketing":false},"method":null,"revision":1,"decidedAt":null,"expiresAt":null,"id":null,"changed":["functionality"]}"#
    );
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
        s.starts_with(r#"{"categories":{"b":false,"a":true},"method":"accept-all","revision":1,"#),
        "{s}"
    );
    assert!(kloudconsent_json::Json::parse(&s).is_ok());
}

// ---- cookies_to_delete ----

/// `choice` decided under `c` (a config other than this file's `cfg()`).
fn stored_under(c: &Config, choice: Choice) -> Consent {
    Consent::Stored(decide(choice, &Consent::Undecided, c, NOW, ID.into()))
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn cookie_deletion() {
    // The default policy with services: analytics' cookies belong to its
    // services, which a refusal of analytics refuses too.
    let c = crate::test_support::cfg();
    let present = names(&[
        "_ga",
        "_ga_ABC123",
        "_gid",
        "_gidx",
        "ai_user",
        "_fbp",
        "session",
        "kloudconsent",
        "__Host-kloudconsent",
        "_ga",
    ]);
    let everything_but_analytics = set(&[
        ("analytics", false),
        ("functionality", true),
        ("marketing", true),
    ]);
    assert_eq!(
        cookies_to_delete(&stored_under(&c, everything_but_analytics), &c, &present),
        ["_ga", "_ga_ABC123", "_gid", "ai_user"]
    );
    let only_insights_off = set(&[
        ("analytics", true),
        ("analytics.appinsights", false),
        ("functionality", true),
        ("marketing", true),
    ]);
    assert_eq!(
        cookies_to_delete(&stored_under(&c, only_insights_off), &c, &present),
        ["ai_user"],
        "one service: its own cookies only"
    );
    assert_eq!(
        cookies_to_delete(&stored_under(&c, Choice::RejectAll), &c, &present),
        ["_ga", "_ga_ABC123", "_gid", "ai_user", "_fbp"]
    );
    assert_eq!(
        cookies_to_delete(&Consent::Signal, &c, &present),
        ["_ga", "_ga_ABC123", "_gid", "ai_user", "_fbp"],
        "a privacy signal refuses every optional id"
    );
    assert_eq!(
        cookies_to_delete(&stored_under(&c, Choice::AcceptAll), &c, &present),
        Vec::<String>::new()
    );
    let greedy =
        config::parse(r#"{"categories":[{"id":"x","label":"X","cookies":["k*"]}]}"#).unwrap();
    assert_eq!(
        cookies_to_delete(&stored_under(&greedy, Choice::RejectAll), &greedy, &present),
        Vec::<String>::new(),
        "never our own cookie"
    );
    let underscores =
        config::parse(r#"{"categories":[{"id":"x","label":"X","cookies":["__*"]}]}"#).unwrap();
    assert_eq!(
        cookies_to_delete(
            &stored_under(&underscores, Choice::RejectAll),
            &underscores,
            &present
        ),
        Vec::<String>::new(),
        "never our own __Host- cookie"
    );
}

#[test]
fn cookie_deletion_spares_what_a_granted_id_lists() {
    let c = config::parse(
        r#"{"categories":[
            {"id":"necessary","label":"N","required":true,"cookies":["sess"]},
            {"id":"analytics","label":"A","cookies":["_ga","_gid"]},
            {"id":"marketing","label":"M","cookies":["_ga","_fbp","sess*"]}]}"#,
    )
    .unwrap();
    let present = names(&["_ga", "_gid", "_fbp", "sess", "session2"]);
    let analytics_only = set(&[("analytics", true), ("marketing", false)]);
    assert_eq!(
        cookies_to_delete(&stored_under(&c, analytics_only), &c, &present),
        ["_fbp", "session2"],
        "_ga stays for analytics, sess for the required category"
    );
    assert_eq!(
        cookies_to_delete(&stored_under(&c, Choice::RejectAll), &c, &present),
        ["_ga", "_gid", "_fbp", "session2"],
        "both refused: the shared _ga goes, the required sess stays"
    );
    // Rows of the cookie table kept on refusal (`delete: false`, the
    // default in a required category): no pattern deletes them.
    let rows = config::parse(
        r#"{"categories":[
            {"id":"necessary","label":"N","required":true,"cookies":[{"name":"sess"}]},
            {"id":"marketing","label":"M","cookies":["sess*","_fbp",{"name":"_fbc","delete":false}]}]}"#,
    )
    .unwrap();
    let present = names(&["sess", "session2", "_fbp", "_fbc"]);
    assert_eq!(
        cookies_to_delete(&stored_under(&rows, Choice::RejectAll), &rows, &present),
        ["session2", "_fbp"]
    );
}

#[test]
fn a_category_with_services_keeps_what_it_lists_only_while_all_are_granted() {
    // The category lists what its services share; each service its own.
    let c = config::parse(
        r#"{"categories":[
            {"id":"necessary","label":"N","required":true},
            {"id":"analytics","label":"A","cookies":["_ga","ai_user","_shared"],"services":[
                {"id":"ai","label":"AI","cookies":["ai_user"]},
                {"id":"ga","label":"GA","cookies":["_ga"]}]}]}"#,
    )
    .unwrap();
    let present = names(&["_ga", "ai_user", "_shared"]);
    let only_ai = set(&[("analytics.ai", true), ("analytics.ga", false)]);
    assert_eq!(
        cookies_to_delete(&stored_under(&c, only_ai), &c, &present),
        ["_ga"],
        "GA refused: its _ga goes though the category lists it; what they share stays"
    );
    assert_eq!(
        cookies_to_delete(&stored_under(&c, Choice::RejectAll), &c, &present),
        ["_ga", "ai_user", "_shared"]
    );
    assert_eq!(
        cookies_to_delete(&stored_under(&c, Choice::AcceptAll), &c, &present),
        Vec::<String>::new()
    );
}

// ---- receipt_json ----

#[test]
fn receipts() {
    let r = record_at(NOW);
    let body = receipt_json(
        &r,
        "https://kloudstack.com.au",
        "de",
        via::BANNER,
        Signals::default(),
    );
    assert_eq!(
        body,
        r#"{"id":"AAECAwQFBgcICQoLDA0ODw","decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","categories":{"necessary":true,"analytics":true,"functionality":true,"security":true,"marketing":true},"revision":1,"method":"accept-all","url":"https://kloudstack.com.au","language":"de","via":"banner"}"#
    );
    // A privacy signal the decision overrode: GPC named before DNT.
    let both = Signals {
        dnt: true,
        gpc: true,
    };
    assert!(receipt_json(&r, "https://x.example", "en", via::API, both)
        .ends_with(r#""via":"api","signal":"gpc"}"#));
    let dnt = Signals {
        dnt: true,
        gpc: false,
    };
    assert!(receipt_json(&r, "https://x.example", "en", via::TOOL, dnt)
        .ends_with(r#""via":"tool","signal":"dnt"}"#));
}

#[test]
fn the_decision_in_force_for_the_receipt_queue() {
    let r = record_at(NOW);
    let key = in_force_key(&Consent::Stored(r.clone()));
    assert_eq!(key, "AAECAwQFBgcICQoLDA0ODw 2026-11-28T12:00:00.000Z");
    // The loader compares it with a kept receipt's own fields.
    let body = receipt_json(&r, "https://x.example", "en", via::API, Signals::default());
    assert!(body
        .starts_with(r#"{"id":"AAECAwQFBgcICQoLDA0ODw","decidedAt":"2026-11-28T12:00:00.000Z""#));
    assert_eq!(in_force_key(&Consent::Undecided), "");
    assert_eq!(in_force_key(&Consent::Signal), "");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn load_never_panics_and_never_rewrites_without_a_winner(
        local in proptest::option::of("\\PC{0,120}"), cookies in proptest::collection::vec("\\PC{0,80}", 0..3)
    ) {
        let named: Vec<(&str, &str)> = cookies
            .iter()
            .enumerate()
            .map(|(i, v)| (if i % 2 == 0 { STORAGE_KEY } else { HOST_COOKIE }, v.as_str()))
            .collect();
        for c in [cfg(), shared()] {
            let l = load(local.as_deref(), &named, &c, NOW, CookieName::Host);
            prop_assert!(l.record.is_some() || (!l.rewrite_local && !l.rewrite_cookie));
        }
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
        let cookie = encode_cookie(&r);
        for name in [CookieName::Host, CookieName::Plain] {
            let l = load(Some(&encode_json(&r)), &[(name.as_str(), &cookie)], &c, NOW + offset, name);
            prop_assert_eq!(l, Loaded { record: Some(r.clone()), ..Loaded::default() });
        }
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

// ---- grants_differ: the page's set() that changes nothing ----

#[test]
fn a_set_that_changes_no_category_does_not_differ() {
    let rejected = stored(Choice::RejectAll);
    let again = decide(
        set(&[("analytics", false)]),
        &rejected,
        &cfg(),
        NOW + 1,
        ID.into(),
    );
    assert!(!grants_differ(&rejected, &again));
    // Required categories stay on whatever set() passes: still the same.
    let required_off = decide(
        set(&[("necessary", false)]),
        &rejected,
        &cfg(),
        NOW + 1,
        ID.into(),
    );
    assert!(!grants_differ(&rejected, &required_off));
    let changed = decide(
        set(&[("analytics", true)]),
        &rejected,
        &cfg(),
        NOW + 1,
        ID.into(),
    );
    assert!(grants_differ(&rejected, &changed));
    // Before any stored decision, every set() is a decision.
    let first = decide(set(&[]), &Consent::Undecided, &cfg(), NOW, ID.into());
    assert!(grants_differ(&Consent::Undecided, &first));
    assert!(grants_differ(&Consent::Signal, &first));
}

#[test]
fn grants_compare_in_any_order() {
    let a = stored(set(&[("analytics", true)]));
    let Consent::Stored(record) = &a else {
        unreachable!()
    };
    // The cookie form reads granted ids back first.
    let cookie = crate::record::encode_cookie(record);
    let back = crate::record::decode_cookie(&cookie).expect("round trip");
    assert!(!grants_differ(&a, &back));
}
