//! Hostile bodies: each is refused with a 4xx and a reason, nothing is
//! stored, and the service stays up. Against SQLite and PostgreSQL.

mod common;

use common::{receipt, receipt_at, Db, Kind, Service};
use kloudconsent_receipts::time::iso8601;

on_both_databases!(hostile_bodies_are_refused_and_nothing_is_stored);

const ID: &str = "AAECAwQFBgcICQoLDA0ODw";

const DAY: i64 = 86_400_000;

fn hostile_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let now = common::now_ms();
    let good = receipt_at(ID, now, now + 182 * DAY);
    // The valid receipt with `from` replaced by `to` (which must be there).
    let tweak = |from: &str, to: &str| {
        assert!(good.contains(from), "{from} not in {good}");
        good.replacen(from, to, 1).into_bytes()
    };
    let decided = format!(r#""decidedAt":"{}""#, iso8601(now));
    let nested = |open: &str, close: &str, depth: usize| {
        format!(r#"{{"id":{}1{}}}"#, open.repeat(depth), close.repeat(depth)).into_bytes()
    };
    let many_categories: String = (0..65)
        .map(|i| format!(r#""c{i}":true"#))
        .collect::<Vec<_>>()
        .join(",");
    vec![
        ("empty body", vec![]),
        ("whitespace only", b"   \n ".to_vec()),
        (
            "oversized (padded with spaces)",
            format!("{good}{}", " ".repeat(5000)).into_bytes(),
        ),
        (
            "oversized single string",
            tweak(
                "https://kloudstack.com.au/pricing",
                &format!("https://a.b/{}", "x".repeat(4100)),
            ),
        ),
        ("deeply nested arrays", nested("[", "]", 2000)),
        ("deeply nested objects", nested(r#"{"a":"#, "}", 1000)),
        ("top level array", b"[1,2,3]".to_vec()),
        ("top level string", br#""receipt""#.to_vec()),
        ("top level null", b"null".to_vec()),
        ("number out of range", b"1e999".to_vec()),
        ("NaN literal", tweak(r#""revision":2"#, r#""revision":NaN"#)),
        (
            "id is a number",
            tweak(&format!(r#""id":"{ID}""#), r#""id":12345"#),
        ),
        (
            "categories is an array",
            tweak(
                r#"{"necessary":true,"analytics":false,"marketing":true}"#,
                r#"["necessary"]"#,
            ),
        ),
        (
            "category value is a string",
            tweak(r#""analytics":false"#, r#""analytics":"false""#),
        ),
        (
            "category value is null",
            tweak(r#""analytics":false"#, r#""analytics":null"#),
        ),
        (
            "revision is a string",
            tweak(r#""revision":2"#, r#""revision":"2""#),
        ),
        (
            "revision is a fraction",
            tweak(r#""revision":2"#, r#""revision":1.5"#),
        ),
        (
            "revision is negative",
            tweak(r#""revision":2"#, r#""revision":-1"#),
        ),
        (
            "revision is negative",
            tweak(r#""revision":2"#, r#""revision":-1"#),
        ),
        (
            "revision is huge",
            tweak(
                r#""revision":2"#,
                r#""revision":99999999999999999999999999999"#,
            ),
        ),
        (
            "revision is 1e300",
            tweak(r#""revision":2"#, r#""revision":1e300"#),
        ),
        (
            "unknown field: ip",
            tweak(r#""revision":2"#, r#""revision":2,"ip":"203.0.113.7""#),
        ),
        (
            "unknown field: userAgent",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"userAgent":"Mozilla/5.0""#,
            ),
        ),
        (
            "unknown field: __proto__",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"__proto__":{"admin":true}"#,
            ),
        ),
        (
            "duplicate id",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"id":"BBECAwQFBgcICQoLDA0ODw""#,
            ),
        ),
        (
            "duplicate category",
            tweak(
                r#""analytics":false"#,
                r#""analytics":false,"analytics":true"#,
            ),
        ),
        (
            "invalid UTF-8 byte",
            [&b"{\"id\":\"\xff\xfe\""[..], &good.as_bytes()[6..]].concat(),
        ),
        (
            "overlong UTF-8 encoding",
            tweak("https://kloudstack.com.au/pricing", "https://a.b/\u{1}")
                .into_iter()
                .map(|b| if b == 1 { 0xc0 } else { b })
                .collect(),
        ),
        (
            "UTF-8 byte order mark",
            [&b"\xef\xbb\xbf"[..], good.as_bytes()].concat(),
        ),
        (
            "UTF-16 body",
            good.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ),
        (
            "raw control character in a string",
            tweak("kloudstack.com.au/pricing", "kloudstack.com.au/\u{7}"),
        ),
        (
            "escaped NUL in the url",
            tweak("kloudstack.com.au/pricing", r"kloudstack.com.au/\u0000"),
        ),
        (
            "newline in the id (log injection)",
            tweak(
                &format!(r#""id":"{ID}""#),
                r#""id":"AAECAwQFBgcICQ\nINFO ok""#,
            ),
        ),
        (
            "lone surrogate escape",
            tweak("kloudstack.com.au/pricing", r"kloudstack.com.au/\ud800"),
        ),
        (
            "SQL in the id",
            tweak(
                &format!(r#""id":"{ID}""#),
                r#""id":"'; DROP TABLE receipts; --""#,
            ),
        ),
        (
            "SQL in a category id",
            tweak(r#""analytics":false"#, r#""x' OR '1'='1":false"#),
        ),
        (
            "SQL in the url query",
            tweak(
                "https://kloudstack.com.au/pricing",
                "https://a.b/?q=';DROP TABLE receipts;--",
            ),
        ),
        (
            "SQL in the method",
            tweak(
                r#""method":"custom""#,
                r#""method":"custom'); DELETE FROM receipts; --""#,
            ),
        ),
        (
            "HTML in the language",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"language":"<script>alert(1)</script>""#,
            ),
        ),
        (
            "HTML in via",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"via":"<script>alert(1)</script>""#,
            ),
        ),
        (
            "SQL in the signal",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"signal":"gpc'); DROP TABLE receipts; --""#,
            ),
        ),
        (
            "via twice",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"via":"banner","via":"api""#,
            ),
        ),
        (
            "far-future decidedAt",
            tweak(&decided, r#""decidedAt":"9999-12-31T23:59:59.999Z""#),
        ),
        (
            "decidedAt two days ahead",
            receipt_at(ID, now + 2 * DAY, now + 100 * DAY).into_bytes(),
        ),
        (
            "decidedAt in 1970",
            tweak(&decided, r#""decidedAt":"1970-01-01T00:00:00.000Z""#),
        ),
        (
            "decidedAt with an offset",
            tweak(&decided, r#""decidedAt":"2026-11-28T12:00:00.000+10:00""#),
        ),
        (
            "expiresAt before decidedAt",
            receipt_at(ID, now, now - 1).into_bytes(),
        ),
        (
            "expiresAt equal to decidedAt",
            receipt_at(ID, now, now).into_bytes(),
        ),
        (
            "expires 3651 days later",
            receipt_at(ID, now, now + 3651 * DAY).into_bytes(),
        ),
        (
            "method signal (never stored)",
            tweak(r#""method":"custom""#, r#""method":"signal""#),
        ),
        (
            "javascript: url",
            tweak(
                "https://kloudstack.com.au/pricing",
                "javascript:alert(document.cookie)",
            ),
        ),
        (
            "url with user and password",
            tweak(
                "https://kloudstack.com.au/pricing",
                "https://admin:hunter2@kloudstack.com.au",
            ),
        ),
        (
            "url with a fragment",
            tweak(
                "https://kloudstack.com.au/pricing",
                "https://kloudstack.com.au/#access_token=x",
            ),
        ),
        (
            "service of an unknown category",
            tweak(
                r#""revision":2"#,
                r#""revision":2,"services":{"ads.pixel":true}"#,
            ),
        ),
        (
            "65 categories",
            tweak(
                r#""necessary":true,"analytics":false,"marketing":true"#,
                &many_categories,
            ),
        ),
        (
            "id shorter than 8 characters",
            tweak(&format!(r#""id":"{ID}""#), r#""id":"AAECAwQ""#),
        ),
        (
            "id longer than 64 characters",
            tweak(
                &format!(r#""id":"{ID}""#),
                &format!(r#""id":"{}""#, "A".repeat(65)),
            ),
        ),
        (
            "id with a character outside A-Z a-z 0-9 _ -",
            tweak(&format!(r#""id":"{ID}""#), r#""id":"AAECAwQF.gcICQ""#),
        ),
        (
            "missing categories",
            tweak(
                r#""categories":{"necessary":true,"analytics":false,"marketing":true},"#,
                "",
            ),
        ),
        ("trailing garbage", format!("{good} trailing").into_bytes()),
        (
            "two receipts in one body",
            format!("{good}{good}").into_bytes(),
        ),
    ]
}

async fn hostile_bodies_are_refused_and_nothing_is_stored(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let bodies = hostile_bodies();
    assert!(bodies.len() >= 30);
    for (name, body) in &bodies {
        let (status, reason) = service.send(body.clone()).await;
        assert!(
            (400..500).contains(&status),
            "{name}: answered {status} {reason}"
        );
        assert!(!reason.trim().is_empty(), "{name}: a reason is given");
        assert!(
            reason.len() < 600 && !reason.contains("DROP TABLE") && !reason.contains("<script>"),
            "{name}: the reason does not echo the body: {reason}"
        );
    }
    // An oversized body streamed without a Content-Length.
    let chunks = (0..8).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1000]));
    let (status, _) = service
        .send(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .await;
    assert_eq!(status, 413, "chunked and too large");

    assert_eq!(
        service.get_with("/healthz", None).await.0,
        200,
        "still alive"
    );
    assert!(service.all().await.is_empty(), "nothing stored");
    assert_eq!(
        service.metric("kloudconsent_receipts_stored_total").await,
        0.0
    );
    let received = service.metric("kloudconsent_receipts_received_total").await;
    assert_eq!(received, bodies.len() as f64 + 1.0);
    assert_eq!(
        service.send(receipt(ID, 0)).await.0,
        201,
        "and still storing good receipts"
    );
}
