//! What a privacy review (a DPO's view) asked of the service: the decision
//! in force is the last to *arrive*, whatever the sender's clock said; a
//! visitor's receipts can be erased; deleted receipts leave nothing readable
//! in the SQLite file; retention never deletes a decision still in force;
//! export file names keep the time they were asked for.

mod common;

use common::{consent_id, now_ms, receipt, receipt_at, Db, Kind, Service, TOKEN};
use serde_json::Value;
use std::path::PathBuf;

const DAY: i64 = 86_400_000;

on_both_databases!(
    the_last_receipt_to_arrive_is_the_one_in_force,
    erasure_deletes_every_receipt_of_an_id,
    retention_keeps_the_decision_in_force,
    retention_walks_many_receipts_in_slices,
);

/// A receipt dated 23 h ahead (a forged one, or a visitor's fast clock)
/// must not outrank the decision that arrives after it.
async fn the_last_receipt_to_arrive_is_the_one_in_force(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let id = consent_id(100);
    let ahead = receipt(&id, 23 * 3_600_000);
    let real = receipt(&id, 0).replace(r#""analytics":false"#, r#""analytics":true"#);
    assert_eq!(service.send(ahead.clone()).await.0, 201);
    assert_eq!(service.send(real.clone()).await.0, 201);
    let (status, body) = service.get(&format!("/receipts/{id}")).await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    let history = answer["receipts"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    let sent: Value = serde_json::from_str(&real).unwrap();
    assert_eq!(
        history[1]["decidedAt"], sent["decidedAt"],
        "the last to arrive is last, however it was dated: {body}"
    );
    assert_eq!(history[1]["categories"]["analytics"], true);
}

async fn erasure_deletes_every_receipt_of_an_id(kind: Kind) {
    let db = Db::new(kind).await;
    let service = Service::start(&db, &[]);
    let (id, other) = (consent_id(110), consent_id(111));
    for minutes in 1..=3 {
        assert_eq!(service.send(receipt(&id, -minutes * 60_000)).await.0, 201);
    }
    assert_eq!(service.send(receipt(&other, 0)).await.0, 201);
    let path = format!("/receipts/{id}");

    let (status, body) = service.delete_with(&path, None).await;
    assert_eq!(status, 401, "without a token: {body}");
    let wrong = "test-token-0123456789abcdef012345678X";
    assert_eq!(service.delete_with(&path, Some(wrong)).await.0, 401);
    let (status, body) = service
        .delete_with(&format!("{path}?token={TOKEN}"), Some(TOKEN))
        .await;
    assert_eq!(status, 400, "a token in the URL: {body}");
    assert_eq!(
        service
            .delete_with("/receipts/not.an.id", Some(TOKEN))
            .await
            .0,
        400
    );
    assert_eq!(
        service.get(&path).await.0,
        200,
        "nothing refused deleted anything"
    );

    let response = service
        .client
        .delete(format!("{}{path}", service.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let answer: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(answer, serde_json::json!({"id": id, "deleted": 3}));

    assert_eq!(service.get(&path).await.0, 404, "gone");
    let (status, body) = service.delete_with(&path, Some(TOKEN)).await;
    assert_eq!((status, body.contains("no receipt")), (404, true), "{body}");
    assert_eq!(
        service.ids().await,
        std::slice::from_ref(&other),
        "other visitors stay"
    );
    assert_eq!(
        service.metric("kloudconsent_receipts_erased_total").await,
        3.0
    );

    let no_token =
        Service::start_with(&["--listen", "127.0.0.1:0", "--database-url", &db.url], &[]);
    let (status, body) = no_token
        .delete_with(&format!("/receipts/{other}"), Some(TOKEN))
        .await;
    assert_eq!(status, 403, "no token configured: erasure is off: {body}");
}

/// Retention deletes what arrived more than N days ago, except the last
/// receipt to arrive for each id while it has not expired: that one is the
/// decision in force, and the only proof of it.
async fn retention_keeps_the_decision_in_force(kind: Kind) {
    let db = Db::new(kind).await;
    let mut service = Service::start(&db, &[]);
    let now = now_ms();
    let expired = |id: &str| receipt_at(id, now - 200 * DAY, now - 18 * DAY);
    let id = |n: u64| consent_id(120 + n);
    // (receipt, kept?) in the order they arrive.
    let sends = [
        (receipt(&id(0), 0), true),               // alone, in force
        (expired(&id(1)), false),                 // alone, expired
        (receipt(&id(2), -120_000), false),       // superseded
        (receipt(&id(2), -60_000), true),         // in force
        (receipt(&id(3), -60_000), false),        // superseded today (below)
        (receipt(&id(4), 23 * 3_600_000), false), // dated ahead, superseded
        (receipt(&id(4), 0), true),               // arrived last
        (receipt(&id(5), 0), false),              // superseded
        (expired(&id(5)), false),                 // arrived last, but expired
    ];
    for (body, _) in &sends {
        assert_eq!(service.send(body.clone()).await.0, 201, "{body}");
    }
    assert_eq!(service.terminate().code(), Some(0));
    let old: Vec<String> = (0..6).map(id).collect();
    age(&db, &old, 40).await;
    let service = Service::start(&db, &[]);
    let today = receipt(&id(3), 0);
    assert_eq!(service.send(today.clone()).await.0, 201);
    drop(service);

    let key = |body: &str| {
        let v: Value = serde_json::from_str(body).unwrap();
        format!(
            "{} {}",
            v["id"].as_str().unwrap(),
            v["decidedAt"].as_str().unwrap()
        )
    };
    let mut expected: Vec<String> = sends
        .iter()
        .filter(|(_, kept)| *kept)
        .map(|(body, _)| key(body))
        .chain([key(&today)])
        .collect();
    expected.sort();
    let service = Service::start(&db, &["--retention-days", "30"]);
    let mut kept: Vec<String> = service
        .all()
        .await
        .iter()
        .map(|r| key(&r.to_string()))
        .collect();
    kept.sort();
    assert_eq!(kept, expected);
    assert_eq!(
        service.metric("kloudconsent_receipts_purged_total").await,
        6.0
    );
}

/// More receipts than one purge statement takes (the purge walks arrival
/// times in slices of 5000), several arriving in the same millisecond
/// across a slice's end: each id keeps exactly its last receipt while that
/// has not expired.
async fn retention_walks_many_receipts_in_slices(kind: Kind) {
    use sqlx::Connection;
    let db = Db::new(kind).await;
    drop(Service::start(&db, &[])); // creates the schema
    let now = now_ms();
    let ids = 6000;
    let mut conn = db.connect().await;
    let mut tx = conn.begin().await.unwrap();
    let rows: Vec<String> = (0..ids)
        .flat_map(|j| {
            let expired = j % 10 == 0;
            let (decided, expires) = if expired {
                (now - 200 * DAY, now - 18 * DAY)
            } else {
                (now - 41 * DAY, now + 100 * DAY)
            };
            // Receipt k arrives at k / 3: three to a millisecond, so an id's
            // two receipts sometimes arrive together (then decidedAt orders).
            (0..2).map(move |newer| {
                let k = 2 * j + newer;
                format!(
                    "('bulk{j:08}', {}, {expires}, {}, 1, 'custom', '{{\"necessary\":true}}', NULL, 'https://kloudstack.com.au', NULL)",
                    decided + newer,
                    now - 40 * DAY + k / 3
                )
            })
        })
        .collect();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO receipts (consent_id, decided_at, expires_at, received_at, revision, method, \
             categories, services, url, language) VALUES {}",
            chunk.join(", ")
        );
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();

    let service = Service::start(&db, &["--retention-days", "30"]);
    let expired_ids = ids / 10;
    assert_eq!(
        service.metric("kloudconsent_receipts_purged_total").await,
        (ids + expired_ids) as f64,
        "every superseded receipt, and both of each expired id"
    );
    let left: i64 = sqlx::Row::get(
        &sqlx::query("SELECT count(*) FROM receipts WHERE decided_at % 2 = $1")
            .bind((now - 41 * DAY + 1).rem_euclid(2))
            .fetch_one(&mut conn)
            .await
            .unwrap(),
        0,
    );
    assert_eq!(
        left,
        ids - expired_ids,
        "the newer receipt of each id in force"
    );
    let all: i64 = sqlx::Row::get(
        &sqlx::query("SELECT count(*) FROM receipts")
            .fetch_one(&mut conn)
            .await
            .unwrap(),
        0,
    );
    assert_eq!(all, left);
    conn.close().await.unwrap();
}

/// After an erasure, the erased id is in neither the SQLite file nor its
/// write-ahead log (`strings` on them finds nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_id_leaves_no_trace_in_the_file() {
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    let (id, other) = (consent_id(130), consent_id(131));
    for minutes in 1..=3 {
        assert_eq!(service.send(receipt(&id, -minutes * 60_000)).await.0, 201);
    }
    assert_eq!(service.send(receipt(&other, 0)).await.0, 201);
    assert!(!traces(&db, &id).is_empty(), "the search finds a stored id");

    let (status, body) = service
        .delete_with(&format!("/receipts/{id}"), Some(TOKEN))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        traces(&db, &id),
        Vec::<PathBuf>::new(),
        "right after the answer"
    );
    assert!(
        !traces(&db, &other).is_empty(),
        "another visitor's receipt is there"
    );
    assert_eq!(service.terminate().code(), Some(0));
    assert_eq!(traces(&db, &id), Vec::<PathBuf>::new(), "after stopping");
}

/// An erasure answered while an export is still being read, then SIGTERM
/// before that export is done (its client stopped reading): the service
/// ends the export after its drain limit and still closes the database,
/// which empties the log. The stopped file holds no trace of the erased id
/// (a review found it there, and in any copy of the file, in half the runs:
/// the database was left unclosed whenever a request outlived the drain).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_during_an_export_cut_by_sigterm_leaves_no_trace() {
    use sqlx::Connection;
    use std::io::Write;
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    let id = consent_id(150);
    assert_eq!(service.send(receipt(&id, 0)).await.0, 201);
    // Enough receipts that the export fills the sockets' buffers and waits
    // for its reader: 60,000 copies under other ids, straight into the table.
    let mut conn = db.connect().await;
    sqlx::query(
        "INSERT INTO receipts (consent_id, decided_at, expires_at, received_at, revision, method, categories, url) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000) \
         SELECT printf('bulk%018d', i), decided_at, expires_at, received_at + i, revision, method, categories, url \
         FROM n, receipts WHERE consent_id = $1",
    )
    .bind(id.clone())
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    // The export, asked for by a client that then reads nothing.
    let address = service.url.trim_start_matches("http://").to_owned();
    let mut export = std::net::TcpStream::connect(address).unwrap();
    write!(
        export,
        "GET /export HTTP/1.1\r\nHost: receipts\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
    )
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;

    let (status, body) = service
        .delete_with(&format!("/receipts/{id}"), Some(TOKEN))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !traces(&db, &id).is_empty(),
        "the export's snapshot still needs the old pages"
    );
    assert_eq!(service.terminate().code(), Some(0));
    assert_eq!(traces(&db, &id), Vec::<PathBuf>::new(), "after stopping");
    drop(export);
}

/// A reader still on the old log (here the test's own, standing for a long
/// export) keeps SQLite from emptying it: the erasure is answered all the
/// same, without waiting for the reader, and the log is emptied once the
/// reader is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_is_not_held_up_by_a_reader() {
    use sqlx::Connection;
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    let id = consent_id(135);
    assert_eq!(service.send(receipt(&id, 0)).await.0, 201);
    let mut reader = db.connect().await;
    let mut snapshot = reader.begin().await.unwrap();
    sqlx::query("SELECT count(*) FROM receipts")
        .fetch_one(&mut *snapshot)
        .await
        .unwrap();

    let started = std::time::Instant::now();
    let (status, body) = service
        .delete_with(&format!("/receipts/{id}"), Some(TOKEN))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "not held up: {:?}",
        started.elapsed()
    );
    assert_eq!(service.get(&format!("/receipts/{id}")).await.0, 404);
    assert_eq!(
        service.send(receipt(&consent_id(136), 0)).await.0,
        201,
        "receipts keep flowing"
    );
    assert!(
        !traces(&db, &id).is_empty(),
        "the reader's snapshot still needs the old pages"
    );

    snapshot.rollback().await.unwrap();
    reader.close().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !traces(&db, &id).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the log was not emptied after the reader finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// After a retention purge, the purged id is in neither the SQLite file nor
/// its write-ahead log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purged_id_leaves_no_trace_in_the_file() {
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    let (id, other) = (consent_id(140), consent_id(141));
    let now = now_ms();
    let expired = receipt_at(&id, now - 200 * DAY, now - 18 * DAY);
    assert_eq!(service.send(expired).await.0, 201);
    assert_eq!(service.send(receipt(&other, 0)).await.0, 201);
    assert_eq!(service.terminate().code(), Some(0));
    age(&db, std::slice::from_ref(&id), 40).await;
    assert!(!traces(&db, &id).is_empty(), "the search finds a stored id");

    let mut service = Service::start(&db, &["--retention-days", "30"]);
    assert_eq!(
        service.ids().await,
        std::slice::from_ref(&other),
        "purged at start"
    );
    assert_eq!(traces(&db, &id), Vec::<PathBuf>::new(), "while running");
    assert!(!traces(&db, &other).is_empty());
    assert_eq!(service.terminate().code(), Some(0));
    assert_eq!(traces(&db, &id), Vec::<PathBuf>::new(), "after stopping");
}

/// `from` and `to` given as times are named in the download to the
/// second (two exports of one day no longer get the same name); dates stay
/// dates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_file_names_keep_the_time_asked_for() {
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    let name = |query: &'static str| {
        let request = service
            .client
            .get(format!("{}/export?{query}", service.url))
            .bearer_auth(TOKEN);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{query}");
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    let attachment = |file: &str| format!("attachment; filename=\"{file}\"");
    for (query, file) in [
        (
            "from=2026-12-04T10:00:00.000Z",
            "kloudconsent-receipts-2026-12-04T100000Z-9999-12-31.ndjson",
        ),
        (
            "from=2026-12-04T11:00:00.000Z&format=csv",
            "kloudconsent-receipts-2026-12-04T110000Z-9999-12-31.csv",
        ),
        (
            "from=2026-12-04&to=2026-12-05T09:30:15.250Z",
            "kloudconsent-receipts-2026-12-04-2026-12-05T093015.250Z.ndjson",
        ),
        (
            "from=2026-12-04&to=2026-12-05",
            "kloudconsent-receipts-2026-12-04-2026-12-05.ndjson",
        ),
        ("", "kloudconsent-receipts-1970-01-01-9999-12-31.ndjson"),
    ] {
        assert_eq!(name(query).await, attachment(file), "{query}");
    }
}

/// Moves the arrival time of `ids` back by `days`, straight in the
/// database. On SQLite with `secure_delete` as the service has it, so that
/// this edit leaves no stale copy of a row behind for the trace checks.
async fn age(db: &Db, ids: &[String], days: i64) {
    use sqlx::Connection;
    let mut conn = db.connect().await;
    if db.kind == Kind::Sqlite {
        sqlx::query("PRAGMA secure_delete = ON")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    for id in ids {
        sqlx::query("UPDATE receipts SET received_at = received_at - $1 WHERE consent_id = $2")
            .bind(days * DAY)
            .bind(id.clone())
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();
}

/// The SQLite file and write-ahead log that contain `id`, read raw.
fn traces(db: &Db, id: &str) -> Vec<PathBuf> {
    let file = db.file.as_ref().expect("a SQLite database");
    ["", "-wal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", file.display())))
        .filter(|path| {
            std::fs::read(path)
                .map(|bytes| bytes.windows(id.len()).any(|w| w == id.as_bytes()))
                .unwrap_or(false) // no log file: nothing in it
        })
        .collect()
}
