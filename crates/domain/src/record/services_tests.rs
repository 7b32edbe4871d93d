//! Host tests of service entries in both stored forms: `analytics.ga` as a
//! key of `categories` in JSON, `analytics:ga` in the cookie's lists.

use super::*;
use crate::time::DAY_MS;
use proptest::prelude::*;

const T0: i64 = 1_795_867_200_000; // 2026-11-28T12:00:00.000Z

fn record(entries: &[(&str, bool)]) -> ConsentRecord {
    ConsentRecord {
        categories: entries.iter().copied().collect(),
        method: Method::Custom,
        revision: 1,
        decided_at_ms: T0,
        expires_at_ms: T0 + 182 * DAY_MS,
        id: "AAECAwQFBgcICQoLDA0ODw".into(),
    }
}

const HEAD: &str = "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|";

#[test]
fn service_entries_in_both_forms() {
    let r = record(&[
        ("necessary", true),
        ("analytics", true),
        ("analytics.ga", true),
        ("analytics.ai", false),
    ]);
    let json = encode_json(&r);
    assert!(json.contains(r#""categories":{"necessary":true,"analytics":true,"analytics.ga":true,"analytics.ai":false}"#), "{json}");
    assert_eq!(decode_json(&json), Ok(r.clone()));
    let cookie = encode_cookie(&r);
    assert_eq!(
        cookie,
        [HEAD, "necessary.analytics.analytics:ga|analytics:ai"].concat()
    );
    assert_eq!(decode_cookie(&cookie), Ok(r));
}

#[test]
fn malformed_service_entries_are_refused() {
    for lists in [
        "a.a:|b",
        "a.:b|",
        "a.a:b:c|",
        "a.a::b|",
        "a.a:b c|",
        "a.a:b.a:b|",
        "a|a:b.x:",
        "a.x:ä|",
    ] {
        let cookie = [HEAD, lists].concat();
        assert!(
            matches!(decode_cookie(&cookie), Err(RecordError::Malformed(_))),
            "{cookie}"
        );
    }
    for key in ["a.", ".b", "a.b.c", "a..b", "a:b", "a.b c"] {
        let json = format!(
            r#"{{"v":1,"categories":{{"a":true,"{key}":true}},"method":"custom","revision":1,"decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","id":"AAECAwQFBgcICQoLDA0ODw"}}"#
        );
        assert!(
            matches!(decode_json(&json), Err(RecordError::Malformed(_))),
            "{json}"
        );
    }
}

#[test]
fn services_alone_are_not_a_decision_and_do_not_count_as_categories() {
    let only = [HEAD, "a:b|"].concat();
    assert!(matches!(decode_cookie(&only), Err(RecordError::Malformed(m)) if m.contains("got 0")));
    // 64 categories, each with a service: 128 entries, still within the limit.
    let mut entries: Vec<(String, bool)> = Vec::new();
    for i in 0..MAX_CATEGORIES {
        entries.push((format!("c{i}"), true));
        entries.push((format!("c{i}.s"), false));
    }
    let r = ConsentRecord {
        categories: entries.into(),
        ..record(&[])
    };
    assert_eq!(decode_json(&encode_json(&r)), Ok(r.clone()));
    assert!(decode_cookie(&encode_cookie(&r)).is_ok());
}

#[test]
fn the_largest_record_a_config_allows_fits() {
    // Entries whose JSON members (`"id":false,`, the id and 9 bytes) take
    // exactly MAX_ID_BYTES, full-length ids: what the config parser allows.
    let mut entries: Vec<(String, bool)> = vec![(format!("{:0>40}", 0), true)];
    let mut bytes = 49;
    let mut i = 0;
    while bytes + 90 <= MAX_ID_BYTES {
        entries.push((format!("{:0>40}.{i:0>40}", 0), i % 2 == 0));
        bytes += 90;
        i += 1;
    }
    let r = ConsentRecord {
        categories: entries.into(),
        method: Method::RejectAll,
        revision: u32::MAX,
        decided_at_ms: 0,
        expires_at_ms: crate::time::MAX_MS,
        id: "y".repeat(64),
    };
    let (json, cookie) = (encode_json(&r), encode_cookie(&r));
    assert!(json.len() <= MAX_STORED_BYTES - 700, "{}", json.len());
    assert!(cookie.len() < json.len());
    assert_eq!(decode_json(&json), Ok(r));
}

fn arb_entries() -> impl Strategy<Value = Vec<(String, bool)>> {
    proptest::collection::btree_map(
        "[A-Za-z0-9_-]{1,12}",
        (
            proptest::collection::btree_set("[A-Za-z0-9_-]{1,8}", 0..4),
            any::<bool>(),
        ),
        1..6,
    )
    .prop_map(|m| {
        let mut out = Vec::new();
        for (c, (services, on)) in m {
            for s in &services {
                out.push((format!("{c}.{s}"), on ^ s.len().is_multiple_of(2)));
            }
            out.insert(out.len() - services.len(), (c, on));
        }
        out
    })
}

proptest! {
    #[test]
    fn records_with_services_round_trip(entries in arb_entries()) {
        let r = ConsentRecord { categories: entries.into(), ..record(&[]) };
        prop_assert_eq!(decode_json(&encode_json(&r)), Ok(r.clone()));
        let cookie = encode_cookie(&r);
        let back = decode_cookie(&cookie).unwrap();
        prop_assert_eq!(encode_cookie(&back), cookie);
        for (id, on) in r.categories.iter() {
            prop_assert_eq!(back.categories.get(id), Some(on));
        }
    }
}
