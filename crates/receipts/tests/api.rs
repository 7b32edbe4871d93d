//! Every API behaviour, against SQLite and against PostgreSQL, through the
//! real binary over HTTP.

mod common;

use common::{consent_id, receipt, Db, Kind, Service, ORIGIN, TOKEN};
use serde_json::Value;

on_both_databases!(
    stores_and_looks_up_a_visitors_history,
    accepts_every_form_the_widget_sends,
    same_decision_twice_is_stored_once_and_a_different_one_is_refused,
    the_same_receipts_sent_at_once_in_any_order_are_all_answered,
    only_allowed_origins_may_send,
    rate_limits_each_client,
    refuses_other_content_types,
    lookup_and_export_need_the_token_in_the_header,
    exports_a_date_range_as_ndjson_and_csv,
    purges_receipts_past_retention,
    health_and_metrics,
    sigterm_finishes_what_is_in_flight,
    a_row_edited_by_hand_is_named_not_retried,
    records_how_consent_was_given_and_under_which_signal,
    via_and_signal_are_part_of_the_decision,
    receipts_stored_before_via_and_signal_read_back_without_them,
);

async fn stores_and_looks_up_a_visitors_history(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let id = consent_id(1);
    let first = receipt(&id, -60_000);
    let (status, text) = service.send(first.clone()).await;
    assert_eq!(
        (status, text.trim()),
        (201, format!("stored receipt for consent id {id}").as_str())
    );
    let changed = receipt(&id, 0).replace(r#""analytics":false"#, r#""analytics":true"#);
    assert_eq!(service.send(changed.clone()).await.0, 201);
    assert_eq!(
        service.send(receipt(&consent_id(2), 0)).await.0,
        201,
        "another visitor"
    );

    let (status, body) = service.get(&format!("/receipts/{id}")).await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["id"], id.as_str());
    let history = answer["receipts"].as_array().unwrap();
    assert_eq!(
        history.len(),
        2,
        "only this visitor's receipts, in order of arrival"
    );
    for (stored, sent) in history.iter().zip([&first, &changed]) {
        let mut stored = stored.clone();
        let received = stored
            .as_object_mut()
            .unwrap()
            .remove("receivedAt")
            .unwrap();
        assert!(received.as_str().unwrap().ends_with('Z'));
        assert_eq!(stored, serde_json::from_str::<Value>(sent).unwrap());
    }
    assert_eq!(
        history[1]["categories"]["analytics"], true,
        "the decision in force is last"
    );

    let (status, body) = service.get(&format!("/receipts/{}", consent_id(3))).await;
    assert_eq!((status, body.contains("no receipt")), (404, true), "{body}");
    // Consent ids are 8 to 64 of `A-Z a-z 0-9 _ -`: too short, and a character
    // outside that set, are refused before any lookup.
    for bad in ["short", "not.an.id"] {
        let (status, body) = service.get(&format!("/receipts/{bad}")).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

async fn accepts_every_form_the_widget_sends(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let today = receipt(&consent_id(10), 0);
    let origin_only = today.replace(
        "https://kloudstack.com.au/pricing",
        "https://kloudstack.com.au",
    );
    let with_services = receipt(&consent_id(11), 0).replace(
        r#","revision""#,
        r#","services":{"analytics.matomo":false,"marketing.hubspot":true},"revision""#,
    );
    let with_language = receipt(&consent_id(12), 0).replace(r#""}"#, r#"","language":"en-AU"}"#);
    let json_type = receipt(&consent_id(13), 0);
    for body in [
        &today,
        &origin_only.replace(&consent_id(10), &consent_id(14)),
        &with_services,
        &with_language,
    ] {
        let (status, text) = service.send(body.clone()).await;
        assert_eq!(status, 201, "{body}: {text}");
    }
    let (status, _) = service
        .post(
            json_type,
            &[("content-type", "application/json"), ("origin", ORIGIN)],
        )
        .await;
    assert_eq!(status, 201, "a fetch() client may send application/json");
    let all = service.all().await;
    assert_eq!(all.len(), 5);
    let stored = all
        .iter()
        .find(|r| r["id"] == consent_id(11).as_str())
        .unwrap();
    assert_eq!(stored["services"]["marketing.hubspot"], true);
    let stored = all
        .iter()
        .find(|r| r["id"] == consent_id(12).as_str())
        .unwrap();
    assert_eq!(stored["language"], "en-AU");
}

async fn same_decision_twice_is_stored_once_and_a_different_one_is_refused(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let body = receipt(&consent_id(20), 0);
    assert_eq!(service.send(body.clone()).await.0, 201);
    let (status, text) = service.send(body.clone()).await;
    assert_eq!(
        (status, text.starts_with("already stored")),
        (200, true),
        "{text}"
    );
    // A retry after the site reordered its categories: the same choices.
    let reordered = body.replace(
        r#""necessary":true,"analytics":false,"marketing":true"#,
        r#""marketing":true,"necessary":true,"analytics":false"#,
    );
    assert_ne!(reordered, body);
    let (status, text) = service.send(reordered).await;
    assert_eq!(status, 200, "{text}");
    let forged = body.replace(r#""analytics":false"#, r#""analytics":true"#);
    let (status, text) = service.send(forged).await;
    assert_eq!(status, 409, "{text}");
    let all = service.all().await;
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0]["categories"]["analytics"], false,
        "the first receipt stands"
    );
    assert_eq!(
        service
            .metric("kloudconsent_receipts_duplicates_total")
            .await,
        2.0
    );
}

/// A visitor's queued receipts sent again from several tabs at once, or one
/// receipt reaching two instances: every copy is answered (201 once, 200
/// after), never 503. On PostgreSQL two batches that insert the same keys in
/// opposite orders deadlocked, and the losing batch (other visitors'
/// receipts in it too) was answered "database unavailable".
async fn the_same_receipts_sent_at_once_in_any_order_are_all_answered(kind: Kind) {
    let db = Db::new(kind).await;
    let service = std::sync::Arc::new(Service::start(&db, &[]));
    const RECEIPTS: usize = 64;
    const SENDERS: usize = 64;
    // A few rounds: a deadlock needs two batches to meet in opposite orders.
    for round in 0..4 {
        let bodies: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
            (0..RECEIPTS)
                .map(|i| receipt(&consent_id((5000 + 100 * round + i) as u64), -(i as i64)))
                .collect(),
        );
        let mut tasks = Vec::new();
        for sender in 0..SENDERS {
            let (service, bodies) = (service.clone(), bodies.clone());
            tasks.push(tokio::spawn(async move {
                // Each sender its own order: a stride coprime with RECEIPTS,
                // forwards or backwards.
                let stride = 2 * (sender % 16) + 1;
                let mut answers = Vec::new();
                for k in 0..RECEIPTS {
                    let i = (k * stride + sender) % RECEIPTS;
                    let i = if sender % 2 == 0 { i } else { RECEIPTS - 1 - i };
                    answers.push(service.send(bodies[i].clone()).await);
                }
                answers
            }));
        }
        let mut created = 0;
        for task in tasks {
            for (status, text) in task.await.unwrap() {
                assert!(
                    status == 200 || status == 201,
                    "round {round}: {status} {text}"
                );
                created += usize::from(status == 201);
            }
        }
        assert_eq!(created, RECEIPTS, "each stored once");
    }
    assert_eq!(service.all().await.len(), 4 * RECEIPTS);
}

async fn only_allowed_origins_may_send(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(
        &db,
        // Written with the default port and a slash; browsers send neither.
        &["--allowed-origin", "https://shop.kloudstack.com.au:443/"],
    );
    let body = || receipt(&consent_id(30), 0);
    let plain = ("content-type", "text/plain;charset=UTF-8");
    for origin in [
        Some("https://evil.example"),
        Some("null"),
        Some("https://kloudstack.com.au.evil.example"),
        None,
    ] {
        let mut headers = vec![plain];
        headers.extend(origin.map(|o| ("origin", o)));
        let (status, text) = service.post(body(), &headers).await;
        assert_eq!(status, 403, "{origin:?}: {text}");
    }
    assert!(service.all().await.is_empty(), "nothing stored");
    // A refused page may read the refusal (the widget then stops sending
    // that receipt instead of taking a hidden 403 for an outage), and an
    // origin of any length is named in a line a person reads.
    let long = format!("https://{}.example", "a".repeat(5000));
    for origin in ["https://evil.example", long.as_str()] {
        let refused = service
            .client
            .post(format!("{}/receipts", service.url))
            .header("content-type", "text/plain;charset=UTF-8")
            .header("origin", origin)
            .body(body())
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        assert_eq!(refused.headers()["access-control-allow-origin"], origin);
        assert_eq!(refused.headers()["vary"], "origin");
        let text = refused.text().await.unwrap();
        assert!(text.contains("may not send receipts here"), "{text}");
        assert!(text.len() < 300, "{} bytes", text.len());
    }
    let response = service
        .client
        .post(format!("{}/receipts", service.url))
        .header("content-type", "text/plain;charset=UTF-8")
        .header("origin", "https://shop.kloudstack.com.au")
        .body(body().replace(
            "https://kloudstack.com.au/",
            "https://shop.kloudstack.com.au/",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        201,
        "second --allowed-origin, normalized"
    );
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://shop.kloudstack.com.au"
    );
    assert_eq!(
        response.headers()["access-control-expose-headers"],
        "retry-after",
        "a page's fetch may read when to retry"
    );

    let preflight = |origin: &'static str| {
        service
            .client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/receipts", service.url),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let ok = preflight(ORIGIN).await.unwrap();
    assert_eq!(ok.status(), 204);
    assert!(
        ok.headers().get("content-length").is_none(),
        "a 204 has no Content-Length: {:?}",
        ok.headers()
    );
    assert_eq!(ok.headers()["access-control-allow-methods"], "POST");
    assert_eq!(ok.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(
        preflight("https://evil.example").await.unwrap().status(),
        403
    );
    assert_eq!(
        service
            .metric(r#"kloudconsent_receipts_rejected_total{reason="origin"}"#)
            .await,
        6.0
    );
}

/// A page files receipts for its own site only: a receipt whose `url` is
/// not on the `Origin` its browser sent is refused with the reason and
/// counted, and nothing is stored. Without an allow-list any page may send,
/// so this is what keeps another site from writing into this consent log.
/// Requests without an `Origin` (not a browser) or with `null` (a sandboxed
/// frame) have nothing to compare with and are stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_sends_receipts_for_its_own_site_only() {
    let db = Db::new(Kind::Sqlite).await;
    // No allow-list: any origin may send, for its own pages.
    let args = ["--listen", "127.0.0.1:0", "--database-url", &db.url];
    let args = [&args[..], &["--rate-limit-per-minute", "0"]].concat();
    let service = Service::start_with(&args, &[("KLOUDCONSENT_RECEIPTS_TOKEN", TOKEN)]);
    let plain = ("content-type", "text/plain;charset=UTF-8");
    // The common receipt's url is https://kloudstack.com.au/pricing.
    for (n, origin) in [
        (1, "https://evil.example"),
        (2, "https://shop.kloudstack.com.au"),
        (3, "http://kloudstack.com.au"),
        (4, "https://kloudstack.com.au.evil.example"),
        (5, "https://kloudstack.com.au:8443"),
    ] {
        let (status, text) = service
            .post(receipt(&consent_id(n), 0), &[plain, ("origin", origin)])
            .await;
        assert_eq!(status, 400, "{origin}: {text}");
        assert_eq!(
            text.trim(),
            format!("the receipt's url https://kloudstack.com.au/pricing is not on the origin that sent it ({origin}): a page may send receipts only for its own site")
        );
    }
    assert!(service.all().await.is_empty(), "nothing stored");
    assert_eq!(
        service
            .metric(r#"kloudconsent_receipts_rejected_total{reason="url_origin"}"#)
            .await,
        5.0
    );
    // Its own origin (also as a hand-made client writes it), no Origin, null.
    for (n, headers) in [
        (10, vec![plain, ("origin", ORIGIN)]),
        (11, vec![plain, ("origin", "https://KLOUDSTACK.com.au:443")]),
        (12, vec![plain]),
        (13, vec![plain, ("origin", "null")]),
    ] {
        let (status, text) = service.post(receipt(&consent_id(n), 0), &headers).await;
        assert_eq!(status, 201, "{headers:?}: {text}");
    }
    assert_eq!(service.ids().await.len(), 4);

    // With an allow-list, a listed origin is held to its own pages too.
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &["--allowed-origin", "https://shop.kloudstack.com.au"]);
    let shop = ("origin", "https://shop.kloudstack.com.au");
    let (status, text) = service
        .post(receipt(&consent_id(20), 0), &[plain, shop])
        .await;
    assert_eq!(status, 400, "{text}");
    let own = receipt(&consent_id(21), 0).replace("//kloudstack", "//shop.kloudstack");
    assert_eq!(service.post(own, &[plain, shop]).await.0, 201);
    assert_eq!(service.ids().await, [consent_id(21)]);
}

/// A site whose receiptUrl is wrong (a trailing slash) gets a 404 its page
/// can read (CORS headers for an allowed origin), not a bare "Failed to
/// fetch"; another origin gets no CORS headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_receipt_url_is_answered_readably() {
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    for (origin, readable) in [(ORIGIN, true), ("https://evil.example", false)] {
        let response = service
            .client
            .post(format!("{}/receipts/", service.url))
            .header("content-type", "text/plain")
            .header("origin", origin)
            .body(receipt(&consent_id(1), 0))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{origin}");
        let allowed = response.headers().get("access-control-allow-origin");
        assert_eq!(
            allowed.is_some(),
            readable,
            "{origin}: {:?}",
            response.headers()
        );
    }
}

async fn rate_limits_each_client(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(
        &db,
        &[
            "--rate-limit-per-minute",
            "6",
            "--rate-limit-burst",
            "3",
            "--forwarded-for",
        ],
    );
    let from = |ip: &'static str, n: u64| {
        let service = &service;
        async move {
            let headers = [
                ("content-type", "text/plain"),
                ("origin", ORIGIN),
                ("x-forwarded-for", ip),
            ];
            service.post(receipt(&consent_id(n), 0), &headers).await
        }
    };
    for n in 0..3 {
        assert_eq!(from("203.0.113.7", n).await.0, 201);
    }
    let (status, text) = from("203.0.113.7", 3).await;
    assert_eq!(status, 429, "{text}");
    assert_eq!(
        from("198.51.100.1, 203.0.113.8", 4).await.0,
        201,
        "the proxy's entry (last) counts"
    );
    assert_eq!(from("203.0.113.8", 5).await.0, 201);
    // Entries with a port (Azure Application Gateway writes them) are the
    // client's address, not a fallback to the proxy's one bucket.
    for n in 6..9 {
        assert_eq!(from("198.51.100.9:4711", n).await.0, 201);
    }
    assert_eq!(from("198.51.100.9:4712", 9).await.0, 429, "the same client");
    assert_eq!(from("[2001:db8::1]:443", 10).await.0, 201, "another one");
    assert_eq!(
        service.all().await.len(),
        9,
        "the refused ones are not stored"
    );
    assert_eq!(
        service
            .metric(r#"kloudconsent_receipts_rejected_total{reason="rate_limited"}"#)
            .await,
        2.0
    );
}

async fn refuses_other_content_types(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/html",
        "text/plain;charset=ISO-8859-1",
    ] {
        let (status, text) = service
            .post(
                receipt(&consent_id(40), 0),
                &[("content-type", content_type), ("origin", ORIGIN)],
            )
            .await;
        assert_eq!(status, 415, "{content_type}: {text}");
    }
    assert_eq!(
        service
            .post(receipt(&consent_id(40), 0), &[("origin", ORIGIN)])
            .await
            .0,
        415
    );
    assert!(service.all().await.is_empty());
}

async fn lookup_and_export_need_the_token_in_the_header(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let id = consent_id(50);
    assert_eq!(service.send(receipt(&id, 0)).await.0, 201);
    for path in [
        format!("/receipts/{id}"),
        "/export".to_string(),
        "/export?format=csv".to_string(),
    ] {
        let (status, body) = service.get_with(&path, None).await;
        assert_eq!(status, 401, "{path} without a token: {body}");
        assert!(!body.contains(&id));
        let (status, _) = service
            .get_with(&path, Some("test-token-0123456789abcdef012345678X"))
            .await;
        assert_eq!(status, 401, "{path} with a wrong token");
        let (status, _) = service
            .get_with(&path, Some(&TOKEN[..TOKEN.len() - 1]))
            .await;
        assert_eq!(status, 401, "{path} with a prefix of the token");
        for pair in [[TOKEN, "wrong"], ["wrong", TOKEN], [TOKEN, TOKEN]] {
            let mut request = service.client.get(format!("{}{path}", service.url));
            for token in pair {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            let status = request.send().await.unwrap().status().as_u16();
            assert_eq!(status, 401, "{path} with two Authorization headers");
        }
        let separator = if path.contains('?') { '&' } else { '?' };
        for leak in [
            format!("token={TOKEN}"),
            format!("access_token={TOKEN}"),
            format!("from={TOKEN}"),
            TOKEN.to_owned(), // as a parameter's name
            format!("{TOKEN}=1"),
        ] {
            let url = format!("{path}{separator}{leak}");
            let (status, body) = service.get_with(&url, None).await;
            assert_eq!(status, 400, "{url}: {body}");
            let (status, body) = service.get_with(&url, Some(TOKEN)).await;
            assert_eq!(status, 400, "{url}, even with the right header: {body}");
            assert!(body.contains("never put the token in the URL"), "{body}");
            assert!(!body.contains(TOKEN), "{body}");
        }
        // A name that holds the token among other text is not echoed.
        let url = format!("{path}{separator}x{TOKEN}y");
        let (status, body) = service.get_with(&url, Some(TOKEN)).await;
        assert_eq!(status, 400, "{url}: {body}");
        assert!(!body.contains(TOKEN), "{body}");
        assert_eq!(service.get(&path).await.0, 200, "{path} with the token");
    }
    let (status, _) = service
        .get_with("/export", Some(&format!("{TOKEN} ")))
        .await;
    assert_eq!(
        status, 200,
        "surrounding space in the header is not part of the token"
    );

    let no_token =
        Service::start_with(&["--listen", "127.0.0.1:0", "--database-url", &db.url], &[]);
    let (status, body) = no_token.get(&format!("/receipts/{id}")).await;
    assert_eq!(status, 403, "no token configured: lookup is off: {body}");
    let short = Service::try_start_with_token(&db, "short");
    assert!(short.contains("at least 24"), "{short}");
}

async fn exports_a_date_range_as_ndjson_and_csv(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let start = common::now_ms();
    // More rows than one 32 KB chunk of the stream holds.
    let count = 600;
    let sends = (0..count).map(|n| service.send(receipt(&consent_id(1000 + n), -(n as i64))));
    for (status, text) in futures_util::future::join_all(sends).await {
        assert_eq!(status, 201, "{text}");
    }
    let ndjson = service.all().await;
    assert_eq!(ndjson.len(), count as usize);
    let mut ids: Vec<&str> = ndjson.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count as usize, "each once");

    let today = &kloudconsent_receipts::time::iso8601(start)[..10];
    let (status, csv) = service
        .get(&format!("/export?format=csv&from={today}"))
        .await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,decidedAt,expiresAt,receivedAt,revision,method,url,language,categories,services,via,signal"
    );
    assert_eq!(lines.len(), count as usize + 1);
    assert!(lines[1].ends_with(r#",2,custom,https://kloudstack.com.au/pricing,,"{""necessary"":true,""analytics"":false,""marketing"":true}",,,"#), "{}", lines[1]);

    let later = kloudconsent_receipts::time::iso8601(common::now_ms() + 1000);
    let (status, body) = service.get(&format!("/export?from={later}")).await;
    assert_eq!(
        (status, body.as_str()),
        (200, ""),
        "nothing arrived after now"
    );
    let (status, body) = service.get("/export?format=csv&to=2020-01-01").await;
    assert_eq!(
        (status, body.lines().count()),
        (200, 1),
        "only the header: {body}"
    );
    let encoded = later.replace(':', "%3A");
    assert_eq!(service.get(&format!("/export?to={encoded}")).await.0, 200);
    for bad in [
        "/export?from=yesterday",
        "/export?from=2026-12-02&to=2026-12-01",
        "/export?format=xml",
        "/export?limit=5",
        "/export?from=2026-01-01&from=2026-02-01",
    ] {
        let (status, body) = service.get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

async fn purges_receipts_past_retention(kind: Kind) {
    let db = Db::new(kind).await;
    let mut service = Service::start(&db, &[]);
    let now = common::now_ms();
    for n in 0..4 {
        // The two to be purged have expired: a decision still in force is
        // kept (tests/privacy.rs).
        let body = match n {
            0 | 1 => common::receipt_at(
                &consent_id(60 + n),
                now - 200 * 86_400_000,
                now - 18 * 86_400_000,
            ),
            _ => receipt(&consent_id(60 + n), 0),
        };
        assert_eq!(service.send(body).await.0, 201);
    }
    assert_eq!(service.terminate().code(), Some(0));
    // Two receipts arrived 40 days ago (as far as the database knows).
    age_receipts(&db, &[consent_id(60), consent_id(61)], 40).await;
    let service = Service::start(&db, &["--retention-days", "30"]);
    let left: Vec<String> = service.ids().await;
    assert_eq!(left.len(), 2, "purged at start: {left:?}");
    assert!(left.contains(&consent_id(62)) && left.contains(&consent_id(63)));
    assert_eq!(
        service.metric("kloudconsent_receipts_purged_total").await,
        2.0
    );
}

/// A row whose categories were edited into something unreadable: its lookup
/// and an export that reaches it answer 500 naming the row (no Retry-After:
/// retrying cannot help), while other visitors' lookups, new receipts and
/// the health check go on working; the same receipt sent again conflicts
/// with it without failing the receipts written beside it.
async fn a_row_edited_by_hand_is_named_not_retried(kind: Kind) {
    use sqlx::Connection;
    let db = Db::new(kind).await;
    let service = std::sync::Arc::new(Service::start(&db, &[]));
    let (broken, fine) = (consent_id(90), consent_id(91));
    let broken_body = receipt(&broken, 0);
    assert_eq!(service.send(broken_body.clone()).await.0, 201);
    assert_eq!(service.send(receipt(&fine, 0)).await.0, 201);
    let mut conn = db.connect().await;
    sqlx::query("UPDATE receipts SET categories = 'not json' WHERE consent_id = $1")
        .bind(broken.clone())
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let read = |path: String| {
        let request = service.client.get(format!("{}{path}", service.url));
        async move {
            let response = request.bearer_auth(TOKEN).send().await.unwrap();
            let retry = response.headers().get("retry-after").cloned();
            (
                response.status().as_u16(),
                retry,
                response.text().await.unwrap(),
            )
        }
    };
    for path in [format!("/receipts/{broken}"), "/export".to_owned()] {
        let (status, retry, body) = read(path.clone()).await;
        assert_eq!((status, retry), (500, None), "{path}: {body}");
        assert!(
            body.contains(&broken) && body.contains("unreadable categories"),
            "{path}: {body}"
        );
    }
    assert_eq!(read(format!("/receipts/{fine}")).await.0, 200);
    assert_eq!(service.send(receipt(&consent_id(92), 0)).await.0, 201);
    assert_eq!(service.get_with("/healthz", None).await.0, 200);

    // The broken receipt sent again (the widget resends one whose answer it
    // missed) at the same time as other visitors' new ones: it conflicts
    // with the unreadable row; the others, written in the same batches,
    // are stored (a review saw most of them answered 503).
    let mut sends = vec![tokio::spawn({
        let (service, body) = (service.clone(), broken_body.clone());
        async move { service.send(body).await }
    })];
    for n in 0..40 {
        let (service, body) = (service.clone(), receipt(&consent_id(9300 + n), 0));
        sends.push(tokio::spawn(async move { service.send(body).await }));
    }
    let mut answers = Vec::new();
    for send in sends {
        answers.push(send.await.unwrap().0);
    }
    assert_eq!(answers[0], 409, "the resent receipt");
    let (status, text) = service.send(broken_body.clone()).await;
    assert_eq!(status, 409);
    assert!(
        text.contains(&broken) && text.contains("cannot be read"),
        "{text}"
    );
    assert!(answers[1..].iter().all(|&s| s == 201), "{answers:?}");

    // A time or a number edited into something out of range or of
    // another type is named as well, never answered as an outage (503,
    // Retry-After) nor shown as another time.
    let mut edits = vec![(
        consent_id(93),
        "UPDATE receipts SET expires_at = -5 WHERE consent_id = $1",
        "unreadable expires_at",
    )];
    if matches!(kind, Kind::Sqlite) {
        // Only SQLite lets a column hold a value of another type.
        edits.push((
            consent_id(94),
            "UPDATE receipts SET revision = 'abc' WHERE consent_id = $1",
            "unreadable revision",
        ));
    }
    for (id, edit, named) in edits {
        assert_eq!(service.send(receipt(&id, 0)).await.0, 201);
        let mut conn = db.connect().await;
        sqlx::query(edit)
            .bind(id.clone())
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let (status, retry, body) = read(format!("/receipts/{id}")).await;
        assert_eq!((status, retry), (500, None), "{edit}: {body}");
        assert!(body.contains(&id) && body.contains(named), "{edit}: {body}");
    }
}

/// Moves the arrival time of `ids` back by `days`, straight in the database.
async fn age_receipts(db: &Db, ids: &[String], days: i64) {
    use sqlx::Connection;
    let mut conn = db.connect().await;
    for id in ids {
        sqlx::query("UPDATE receipts SET received_at = received_at - $1 WHERE consent_id = $2")
            .bind(days * 86_400_000)
            .bind(id.clone())
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();
}

async fn health_and_metrics(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    assert_eq!(
        service.get_with("/healthz", None).await,
        (200, "ok\n".into())
    );
    assert_eq!(service.send(receipt(&consent_id(70), 0)).await.0, 201);
    assert_eq!(service.send("{}").await.0, 400);
    assert_eq!(service.send("nope").await.0, 400);
    let metric = |name: &'static str| service.metric(name);
    assert_eq!(metric("kloudconsent_receipts_received_total").await, 3.0);
    assert_eq!(metric("kloudconsent_receipts_stored_total").await, 1.0);
    assert_eq!(
        metric(r#"kloudconsent_receipts_rejected_total{reason="missing_field"}"#).await,
        1.0
    );
    assert_eq!(
        metric(r#"kloudconsent_receipts_rejected_total{reason="not_json"}"#).await,
        1.0
    );
    assert_eq!(
        metric("kloudconsent_receipts_ingest_seconds_count").await,
        3.0
    );
    assert_eq!(metric("kloudconsent_receipts_database_up").await, 1.0);
    let (_, text) = service.get_with("/metrics", None).await;
    assert!(
        !text.contains(&consent_id(70)) && !text.contains("127.0.0.1"),
        "no ids or addresses in metrics"
    );
    assert_eq!(service.get_with("/nothing-here", None).await.0, 404);
    let (status, text) = service.get_with("/receipts", None).await;
    assert_eq!(status, 405);
    assert!(text.contains("method not allowed"), "{text:?}");
}

async fn sigterm_finishes_what_is_in_flight(kind: Kind) {
    let db = Db::new(kind).await;
    let mut service = Service::start(&db, &[]);
    let client = service.client.clone();
    let url = format!("{}/receipts", service.url);
    let sends: Vec<_> = (0..200)
        .map(|n| {
            let request = client
                .post(&url)
                .header("content-type", "text/plain")
                .header("origin", ORIGIN)
                .body(receipt(&consent_id(2000 + n), 0));
            tokio::spawn(async move { (n, request.send().await.map(|r| r.status().as_u16())) })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let status = tokio::task::spawn_blocking(move || {
        let status = service.terminate();
        (status, service)
    });
    let mut stored = Vec::new();
    for send in sends {
        if let (n, Ok(201)) = send.await.unwrap() {
            stored.push(consent_id(2000 + n));
        }
    }
    let (status, _) = status.await.unwrap();
    assert_eq!(status.code(), Some(0), "clean exit on SIGTERM");
    let again = Service::start(&db, &[]);
    let all: Vec<String> = again.ids().await;
    for id in &stored {
        assert!(all.contains(id), "answered 201 but missing: {id}");
    }
}

/// A client that waits what `Retry-After` says is let in: the wait is
/// rounded up, never down (1.5 s was announced as "1", and the client was
/// refused again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_what_retry_after_says_is_enough() {
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(
        &db,
        &["--rate-limit-per-minute", "40", "--rate-limit-burst", "1"],
    );
    assert_eq!(service.send(receipt(&consent_id(80), 0)).await.0, 201);
    let response = service
        .client
        .post(format!("{}/receipts", service.url))
        .header("content-type", "text/plain")
        .header("origin", ORIGIN)
        .body(receipt(&consent_id(81), 0))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wait, 2, "1.5 s, rounded up");
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    assert_eq!(service.send(receipt(&consent_id(81), 0)).await.0, 201);
}

/// A body cut short, or chunked framing that is broken, is answered 400
/// with what went wrong, not 413 "larger than 4096 bytes".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_body_is_named_as_such() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    let address = service.url.trim_start_matches("http://").to_owned();
    let head = |length: &str| {
        format!("POST /receipts HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nContent-Type: text/plain\r\n{length}\r\n")
    };
    let cases = [
        format!("{}{{\"id\":\"abc", head("Content-Length: 298\r\n")),
        format!(
            "{}zz\r\nabc\r\n0\r\n\r\n",
            head("Transfer-Encoding: chunked\r\n")
        ),
    ];
    for request in cases {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        stream.shutdown().await.unwrap(); // no more bytes: the body ends early
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{request:?}: {answer}");
        assert!(
            answer.contains("before its declared length") || answer.contains("chunked"),
            "{answer}"
        );
    }
    assert_eq!(
        service
            .metric(r#"kloudconsent_receipts_rejected_total{reason="body_incomplete"}"#)
            .await,
        2.0
    );
}

/// A request line or header hyper cannot read is answered 400, more than
/// 100 headers 431 and a path over 64 KB 414, by hyper itself before any
/// of the service's code runs: with an empty body, since hyper offers no way to give one (see
/// docs/receipts.md, which says so). This keeps the doc true.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_hyper_cannot_read_get_its_bare_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    let address = service.url.trim_start_matches("http://").to_owned();
    let many: String = (0..101).map(|i| format!("X-{i}: {i}\r\n")).collect();
    let cases = [
        ("GARBAGE\r\n\r\n".to_owned(), "400"),
        (
            "POST /receipts HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n".to_owned(),
            "400",
        ),
        (
            format!("POST /receipts HTTP/1.1\r\nHost: x\r\n{many}\r\n"),
            "431",
        ),
        (
            format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000)),
            "414",
        ),
    ];
    for (request, status) in cases {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        let read = stream.read_to_string(&mut answer);
        tokio::time::timeout(std::time::Duration::from_secs(10), read)
            .await
            .expect("answered and closed")
            .unwrap();
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{answer}"
        );
        assert!(answer.ends_with("\r\n\r\n"), "no body: {answer}");
    }
    assert_eq!(service.get_with("/healthz", None).await.0, 200);
}

/// A client that sends its whole request and then shuts its side of the
/// connection (`nc -N`, some proxies) still gets its answer, and the
/// receipt is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_half_closes_after_its_request_is_answered() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    let address = service.url.trim_start_matches("http://").to_owned();
    let body = receipt(&consent_id(82), 0);
    let request = format!(
        "POST /receipts HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert_eq!(service.all().await.len(), 1);
}

/// The widget's receipt today: `language`, then how the visitor decided
/// (`via`) and the privacy signal their browser sent (`signal`), if any.
fn with_via(body: &str, tail: &str) -> String {
    body.strip_suffix('}').unwrap().to_owned() + tail + "}"
}

/// `via` and `signal` are stored, and come back where the widget put them
/// (after `language`) in a lookup and in NDJSON, and as the last two CSV
/// columns; a receipt without them (an older widget's) still works and
/// comes back without them; a value outside the lists is refused, naming
/// the field.
async fn records_how_consent_was_given_and_under_which_signal(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let (new, old, shuffled) = (consent_id(120), consent_id(121), consent_id(122));
    let sent = with_via(
        &receipt(&new, 0),
        r#","language":"en-AU","via":"banner","signal":"gpc""#,
    );
    let (status, text) = service.send(sent.clone()).await;
    assert_eq!(status, 201, "{sent}: {text}");
    assert_eq!(
        service.send(receipt(&old, 0)).await.0,
        201,
        "an older widget's receipt"
    );
    // Any key order is accepted, and written back in the widget's order.
    let reordered = receipt(&shuffled, 0).replacen("{", r#"{"signal":"dnt","via":"api","#, 1);
    let (status, text) = service.send(reordered.clone()).await;
    assert_eq!(status, 201, "{reordered}: {text}");

    let (status, body) = service.get(&format!("/receipts/{new}")).await;
    assert_eq!(status, 200, "{body}");
    let expected = sent.strip_suffix('}').unwrap().to_owned() + r#","receivedAt":""#;
    assert!(
        body.contains(&expected),
        "written back in the widget's order: {body}"
    );
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["receipts"][0]["via"], "banner");
    assert_eq!(answer["receipts"][0]["signal"], "gpc");
    let (status, body) = service.get(&format!("/receipts/{old}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.contains(r#""via""#) && !body.contains(r#""signal""#),
        "{body}"
    );
    let (_, body) = service.get(&format!("/receipts/{shuffled}")).await;
    assert!(
        body.contains(r#","url":"https://kloudstack.com.au/pricing","via":"api","signal":"dnt","receivedAt":""#),
        "{body}"
    );

    let (status, ndjson) = service.get("/export").await;
    assert_eq!(status, 200, "{ndjson}");
    let line = |id: &str| {
        ndjson
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} in {ndjson}"))
            .to_owned()
    };
    assert!(line(&new).starts_with(&expected), "{ndjson}");
    assert!(!line(&old).contains(r#""via""#) && !line(&old).contains(r#""signal""#));
    assert!(line(&shuffled).contains(r#""via":"api","signal":"dnt","receivedAt""#));

    let (status, csv) = service.get("/export?format=csv").await;
    assert_eq!(status, 200, "{csv}");
    assert!(
        csv.starts_with("id,decidedAt,expiresAt,receivedAt,revision,method,url,language,categories,services,via,signal\n"),
        "{csv}"
    );
    let row = |id: &str| {
        csv.lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} in {csv}"))
            .to_owned()
    };
    assert!(
        row(&new).ends_with(
            r#",en-AU,"{""necessary"":true,""analytics"":false,""marketing"":true}",,banner,gpc"#
        ),
        "{csv}"
    );
    assert!(row(&old).ends_with(r#"}",,,"#), "{csv}");
    assert!(row(&shuffled).ends_with(",api,dnt"), "{csv}");

    for (field, value) in [
        ("via", r#""widget""#),
        ("via", r#""Banner""#),
        ("via", r#""""#),
        ("via", "null"),
        ("via", r#"["banner"]"#),
        ("signal", r#""none""#),
        ("signal", r#""GPC""#),
        ("signal", r#""gpc,dnt""#),
        ("signal", "true"),
    ] {
        let body = with_via(
            &receipt(&consent_id(123), 0),
            &format!(r#","{field}":{value}"#),
        );
        let (status, text) = service.send(body.clone()).await;
        assert_eq!(status, 400, "{body}: {text}");
        assert!(
            text.contains(&format!("`{field}`")),
            "names the field: {text}"
        );
        assert_eq!(text.trim().lines().count(), 1, "one line: {text}");
    }
    assert_eq!(service.all().await.len(), 3, "nothing refused was stored");
}

/// Same id and `decidedAt`: the same receipt (via and signal included,
/// whatever the key order) is a duplicate; another `via` or `signal`, or
/// one sent where the first had none, is a conflict, and the first stands.
async fn via_and_signal_are_part_of_the_decision(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let plain = receipt(&consent_id(130), 0);
    let banner = with_via(&plain, r#","via":"banner","signal":"gpc""#);
    assert_eq!(service.send(banner.clone()).await.0, 201);
    let (status, text) = service.send(banner.clone()).await;
    assert_eq!(status, 200, "sent twice: {text}");
    let reordered = plain.replacen("{", r#"{"signal":"gpc","via":"banner","#, 1);
    let (status, text) = service.send(reordered).await;
    assert_eq!(status, 200, "another key order: {text}");
    for other in [
        with_via(&plain, r#","via":"tool","signal":"gpc""#),
        with_via(&plain, r#","via":"banner","signal":"dnt""#),
        with_via(&plain, r#","via":"banner""#),
        with_via(&plain, r#","signal":"gpc""#),
        plain.clone(),
    ] {
        let (status, text) = service.send(other.clone()).await;
        assert_eq!(status, 409, "{other}: {text}");
    }
    let all = service.all().await;
    assert_eq!(all.len(), 1);
    assert_eq!(
        (&all[0]["via"], &all[0]["signal"]),
        (&Value::from("banner"), &Value::from("gpc")),
        "the first stands"
    );
}

/// A database made by the service before `via` and `signal` (migrations 1
/// and 2 only), with a receipt in it: the service upgrades it at start, the
/// old receipt reads back without them, a new one is stored with them, and
/// the old one sent again is still a duplicate.
async fn receipts_stored_before_via_and_signal_read_back_without_them(kind: Kind) {
    use sqlx::Connection;
    use std::borrow::Cow;
    let db = Db::new(kind).await;
    let old = consent_id(140);
    let old_body = with_via(&receipt(&old, -60_000), r#","language":"en-AU""#);
    {
        let mut before = kloudconsent_receipts::db::migrator();
        before.migrations = Cow::Owned(before.migrations[..2].to_vec());
        let file_url = match &db.file {
            Some(file) => format!("sqlite:{}?mode=rwc", file.display()),
            None => db.url.clone(),
        };
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&file_url).await.unwrap();
        before.run(&mut conn).await.unwrap();
        let stored: Value = serde_json::from_str(&old_body).unwrap();
        let ms = |name: &str| {
            kloudconsent_receipts::time::parse_iso8601(stored[name].as_str().unwrap()).unwrap()
        };
        sqlx::query(
            "INSERT INTO receipts (consent_id, decided_at, expires_at, received_at, revision, method, \
             categories, services, url, language) VALUES ($1, $2, $3, $4, 2, 'custom', $5, NULL, $6, 'en-AU')",
        )
        .bind(old.clone())
        .bind(ms("decidedAt"))
        .bind(ms("expiresAt"))
        .bind(common::now_ms() - 1000)
        // As the service wrote them: in the order sent.
        .bind(r#"{"necessary":true,"analytics":false,"marketing":true}"#)
        .bind(stored["url"].as_str().unwrap().to_owned())
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }

    let service = Service::start(&db, &[]);
    let (status, body) = service.get(&format!("/receipts/{old}")).await;
    assert_eq!(status, 200, "{body}");
    let expected = old_body.strip_suffix('}').unwrap().to_owned() + r#","receivedAt":""#;
    assert!(
        body.contains(&expected),
        "read back as it was, no via or signal: {body}"
    );
    assert!(
        !body.contains(r#""via""#) && !body.contains(r#""signal""#),
        "{body}"
    );
    let (status, text) = service.send(old_body.clone()).await;
    assert_eq!(status, 200, "the old receipt sent again: {text}");
    let (status, text) = service
        .send(with_via(&old_body, r#","via":"banner""#))
        .await;
    assert_eq!(status, 409, "{text}");
    let new = with_via(
        &receipt(&consent_id(141), 0),
        r#","language":"en-AU","via":"embed""#,
    );
    assert_eq!(service.send(new).await.0, 201);
    let (_, csv) = service.get("/export?format=csv").await;
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].starts_with(&old) && rows[0].ends_with("}\",,,"),
        "{csv}"
    );
    assert!(rows[1].ends_with(",embed,"), "{csv}");

    // A `via` edited by hand into something no widget sends is named, not
    // guessed at (as for `categories`, above).
    let mut conn = db.connect().await;
    sqlx::query("UPDATE receipts SET via = 'phone' WHERE consent_id = $1")
        .bind(old.clone())
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let (status, body) = service.get(&format!("/receipts/{old}")).await;
    assert_eq!(status, 500, "{body}");
    assert!(
        body.contains(&old) && body.contains("unreadable via"),
        "{body}"
    );
}

/// Settings that would quietly mean something else are refused at start
/// with a message naming them: an allow-list variable that is set but
/// names no origin (from a template, say) is not "every origin", and a
/// burst of 0 is not a burst of 1. A review found both accepted.
#[test]
fn settings_that_would_mean_something_else_are_refused() {
    let refused = |args: &[&str], env: &[(&str, &str)]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_kloudconsent-receipts"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                "sqlite:/nonexistent/dir/r.db",
            ])
            .args(args)
            .env_remove("KLOUDCONSENT_RECEIPTS_ALLOWED_ORIGINS")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(!output.status.success(), "started with {args:?} {env:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    for blank in ["", " ", ",", " , "] {
        let message = refused(&[], &[("KLOUDCONSENT_RECEIPTS_ALLOWED_ORIGINS", blank)]);
        assert!(
            message.contains("KLOUDCONSENT_RECEIPTS_ALLOWED_ORIGINS")
                && message.contains("no origin"),
            "{blank:?}: {message}"
        );
    }
    let message = refused(&["--allowed-origin", ""], &[]);
    assert!(message.contains("no origin"), "{message}");
    let message = refused(&["--rate-limit-burst", "0"], &[]);
    assert!(message.contains("--rate-limit-burst"), "{message}");
    assert!(!message.contains("cannot open the database"), "{message}");
    // One connection would leave none for lookups and `/healthz` while an
    // export holds it (a review saw both answer 503 behind one stalled export).
    let message = refused(&["--max-connections", "1"], &[]);
    assert!(message.contains("--max-connections"), "{message}");
    assert!(!message.contains("cannot open the database"), "{message}");
}

/// With the rate limit off (`--rate-limit-per-minute 0`) the burst means
/// nothing, so a burst of 0 beside it still starts, by flag or variable:
/// a review found deployments that turned the limit off with both zeros
/// refused after an upgrade.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_zero_is_fine_with_the_limit_off() {
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &["--rate-limit-burst", "0"]);
    assert_eq!(service.send(receipt(&consent_id(1), 0)).await.0, 201);
    drop(service);
    let service = Service::start_with(
        &["--listen", "127.0.0.1:0", "--database-url", &db.url],
        &[
            ("KLOUDCONSENT_RECEIPTS_RATE_LIMIT_PER_MINUTE", "0"),
            ("KLOUDCONSENT_RECEIPTS_RATE_LIMIT_BURST", "0"),
        ],
    );
    assert_eq!(service.get_with("/healthz", None).await.0, 200);
}
