//! Faults: the service killed with SIGKILL mid-load, and the database going
//! away and coming back while the service runs.

mod common;

use common::{consent_id, receipt, Db, Kind, Service, ORIGIN};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

on_both_databases!(sigkill_mid_load_loses_no_answered_receipt);

/// Sends receipts from 16 concurrent clients; after 300 have been answered,
/// SIGKILL. After a restart every receipt answered 201 is there, byte for
/// byte, and nothing else is (no half-written row, nothing unsent).
async fn sigkill_mid_load_loses_no_answered_receipt(kind: Kind) {
    let db = Db::new(kind).await;
    let mut service = Service::start(&db, &[]);
    let total = 3000u64;
    let bodies: HashMap<String, String> = (0..total)
        .map(|n| (consent_id(5000 + n), receipt(&consent_id(5000 + n), 0)))
        .collect();
    let (done, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let ids: Vec<String> = bodies.keys().cloned().collect();
    let mut clients = Vec::new();
    for chunk in ids.chunks(ids.len() / 16) {
        let (client, url, done) = (
            service.client.clone(),
            format!("{}/receipts", service.url),
            done.clone(),
        );
        let work: Vec<(String, String)> = chunk
            .iter()
            .map(|id| (id.clone(), bodies[id].clone()))
            .collect();
        clients.push(tokio::spawn(async move {
            for (id, body) in work {
                let sent = client
                    .post(&url)
                    .header("content-type", "text/plain;charset=UTF-8")
                    .header("origin", ORIGIN)
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(r) => {
                        let _ = done.send((id, r.status().as_u16()));
                    }
                    Err(_) => return, // the service is gone
                }
            }
        }));
    }
    drop(done);
    let mut answered = Vec::new();
    while let Some((id, status)) = answers.recv().await {
        assert!(status == 201 || status == 503, "{id}: {status}");
        if status == 201 {
            answered.push(id);
        }
        if answered.len() == 300 {
            service.kill9();
        }
    }
    for client in clients {
        client.await.unwrap();
    }
    assert!(
        answered.len() >= 300 && (answered.len() as u64) < total,
        "killed mid-load: {}",
        answered.len()
    );

    let service = Service::start(&db, &[]);
    let stored = service.all().await;
    let by_id: HashMap<&str, &Value> = stored
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    assert_eq!(by_id.len(), stored.len(), "no receipt twice");
    for id in &answered {
        assert!(
            by_id.contains_key(id.as_str()),
            "answered 201 but lost: {id}"
        );
    }
    for row in &stored {
        let id = row["id"].as_str().unwrap();
        let sent = bodies
            .get(id)
            .unwrap_or_else(|| panic!("a row nobody sent: {row}"));
        let mut row = row.clone();
        row.as_object_mut().unwrap().remove("receivedAt");
        assert_eq!(
            row,
            serde_json::from_str::<Value>(sent).unwrap(),
            "stored whole, as sent"
        );
    }
    println!(
        "{} answered before SIGKILL, {} stored",
        answered.len(),
        stored.len()
    );
}

/// Sends one receipt; the status.
async fn send_one(service: &Service, n: u64) -> u16 {
    service.send(receipt(&consent_id(n), 0)).await.0
}

/// Polls until `n` is stored (201), for up to a minute.
async fn until_stored(service: &Service, n: u64) -> Duration {
    let start = Instant::now();
    loop {
        let status = send_one(service, n).await;
        if status == 201 {
            return start.elapsed();
        }
        assert_eq!(status, 503, "only 503 while recovering");
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no recovery within a minute"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A client that sends half its request headers and then nothing must not
/// hold SIGTERM: the service stops after its drain deadline (10 s), cleanly,
/// with every answered receipt kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_does_not_hold_shutdown() {
    use tokio::io::AsyncWriteExt;
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    assert_eq!(send_one(&service, 1).await, 201);
    let address = service.url.trim_start_matches("http://").to_owned();
    let mut stalled = tokio::net::TcpStream::connect(&address).await.unwrap();
    stalled
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let (status, service) = tokio::task::spawn_blocking(move || {
        let status = service.terminate();
        (status, service)
    })
    .await
    .unwrap();
    let took = started.elapsed();
    assert_eq!(status.code(), Some(0), "clean exit");
    assert!(took < Duration::from_secs(20), "stopped after {took:?}");
    drop((stalled, service));
    let again = Service::start(&db, &[]);
    assert_eq!(again.all().await.len(), 1, "the answered receipt is kept");
}

/// Slowloris: clients that open connections and send their headers half,
/// or nothing, are closed after the header deadline (10 s), while other
/// clients are served meanwhile; a client that sends a whole request is
/// answered as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_never_finish_their_headers_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    let address = service.url.trim_start_matches("http://").to_owned();
    let mut stalled = Vec::new();
    for i in 0..100 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        if i % 2 == 0 {
            stream
                .write_all(b"POST /receipts HTTP/1.1\r\nHost: x\r\nContent-Type: text/pl")
                .await
                .unwrap();
        }
        stalled.push(stream);
    }
    let started = Instant::now();
    assert_eq!(send_one(&service, 1).await, 201, "served beside them");
    assert_eq!(service.get_with("/healthz", None).await.0, 200);
    for mut stream in stalled {
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf)).await;
        assert!(
            matches!(read, Ok(Ok(0)) | Ok(Err(_))),
            "still open after {:?}: {read:?}",
            started.elapsed()
        );
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(5), "closed too soon: {took:?}");
    assert!(took < Duration::from_secs(25), "closed after {took:?}");
}

/// A database the service cannot use stops it at start with the cause in
/// the message (not a pool's "timed out while waiting for an open
/// connection"), the password kept out, and nothing written over the file.
#[test]
fn an_unusable_database_is_named_at_start() {
    let dir = std::env::temp_dir().join(format!("kc-unusable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_a_database = dir.join("notes.txt");
    let text = "a privacy team's notes, not a database\n".repeat(200);
    std::fs::write(&not_a_database, &text).unwrap();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // the listener is dropped here: nothing listens on it
    let cases = [
        (
            format!("sqlite:{}", not_a_database.display()),
            "file is not a database",
        ),
        (
            format!("sqlite:{}", dir.join("no/such/dir/r.db").display()),
            "unable to open database file",
        ),
        (
            format!("postgres://kc:s3cret@127.0.0.1:{closed_port}/consent"),
            "Connection refused",
        ),
    ];
    for (url, cause) in cases {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_kloudconsent-receipts"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &url,
                "--database-timeout",
                "10",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{url} started");
        assert!(
            stderr.contains("cannot open the database"),
            "{url}: {stderr}"
        );
        assert!(
            stderr.contains(cause),
            "{url}: expected {cause:?} in {stderr}"
        );
        assert!(!stderr.contains("pool timed out"), "{url}: {stderr}");
        assert!(!stderr.contains("s3cret"), "{url}: {stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(&not_a_database).unwrap(),
        text,
        "the file is untouched"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_moved_away_then_back() {
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    assert_eq!(send_one(&service, 1).await, 201);
    let file = db.file.clone().unwrap();
    let aside = file.with_extension("moved");
    std::fs::rename(&file, &aside).unwrap();

    let (status, reason) = service.send(receipt(&consent_id(2), 0)).await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("missing"), "{reason}");
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "{reason}");
    assert_eq!(
        service.get(&format!("/receipts/{}", consent_id(1))).await.0,
        503
    );
    assert_eq!(
        service.metric("kloudconsent_receipts_database_up").await,
        0.0
    );

    std::fs::rename(&aside, &file).unwrap();
    until_stored(&service, 3).await;
    assert_eq!(service.get_with("/healthz", None).await.0, 200);
    assert!(service.child.try_wait().unwrap().is_none(), "never exited");
    let ids: Vec<String> = service.ids().await;
    assert_eq!(
        ids,
        [consent_id(1), consent_id(3)],
        "the refused one was not stored anywhere"
    );

    // A backup restored over the file while the service runs, under load:
    // refused (503) until a restart, never written into; the restart serves
    // the backup, intact.
    service.terminate();
    let backup = file.with_extension("backup");
    std::fs::copy(&file, &backup).unwrap(); // made while stopped: consistent
    let backup_bytes = std::fs::read(&backup).unwrap();
    let mut service = Service::start(&db, &[]);
    for n in 4..40 {
        assert_eq!(send_one(&service, n).await, 201); // into the live file's log
    }
    std::fs::rename(&backup, &file).unwrap();
    let (status, reason) = service.send(receipt(&consent_id(40), 0)).await;
    assert_eq!(status, 503, "{reason}");
    assert!(
        reason.contains("replaced") && reason.contains("restart"),
        "{reason}"
    );
    assert_eq!(service.get_with("/healthz", None).await.0, 503);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        backup_bytes,
        "nothing written into the backup"
    );
    assert_eq!(service.terminate().code(), Some(0));
    let service = Service::start(&db, &[]);
    let ids: Vec<String> = service.ids().await;
    assert_eq!(ids, [consent_id(1), consent_id(3)], "the backup, as it was");
    assert_eq!(send_one(&service, 41).await, 201);
    use sqlx::Connection;
    let mut conn = db.connect().await;
    let check: String = sqlx::Row::get(
        &sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap(),
        0,
    );
    assert_eq!(check, "ok");
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_then_started() {
    if common::skip_postgres() {
        return;
    }
    // A server of its own: stopping the shared one would break other tests.
    let server = common::PostgresServer::start();
    let db = Db::postgres_on(&server.url, Kind::Postgres).await;
    let mut service = Service::start(&db, &[]);
    assert_eq!(send_one(&service, 1).await, 201);

    server.pause();
    let (status, reason) = service.send(receipt(&consent_id(2), 0)).await;
    assert_eq!(status, 503, "{reason}");
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "{reason}");
    let (status, _) = service.get("/export").await;
    assert_eq!(status, 503, "an export is refused, not cut short");

    server.resume();
    let took = until_stored(&service, 3).await;
    println!("recovered {took:?} after PostgreSQL came back");
    assert_eq!(service.get_with("/healthz", None).await.0, 200);
    assert!(service.child.try_wait().unwrap().is_none(), "never exited");
    let ids: Vec<String> = service.ids().await;
    assert_eq!(ids, [consent_id(1), consent_id(3)]);
}
