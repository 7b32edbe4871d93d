//! Faults: the service killed with SIGKILL mid-load, and the database going
//! away and coming back while the service runs.

mod common;

use common::{consent_id, receipt, Db, Kind, Service};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

on_both_databases!(
    sigkill_mid_load_loses_no_answered_receipt,
    stalled_exports_leave_room_for_health_checks_and_lookups,
);

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
        let (client, url, done) = (service.client.clone(), service.url.clone(), done.clone());
        let work: Vec<(String, String)> = chunk
            .iter()
            .map(|id| (id.clone(), bodies[id].clone()))
            .collect();
        clients.push(tokio::spawn(async move {
            for (id, body) in work {
                let sent = common::beacon(&client, &url, body).send().await;
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

/// Slow reads: a client that pipelines thousands of requests and never
/// reads the answers is closed once writing to it made no progress for
/// 30 s (before, it held its connection and file descriptor for as long as
/// it liked); others are served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_its_answers_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    let address = service.url.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let requests = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3000);
    // Its own task: the service stops reading once its answers back up.
    let sending = tokio::spawn(async move {
        let _ = writer.write_all(requests.as_bytes()).await;
        writer // kept open: a shut sending side would end the connection
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(send_one(&service, 1).await, 201, "served beside it");
    tokio::time::sleep(Duration::from_secs(40)).await;
    let mut answers = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(20), reader.read_to_end(&mut answers)).await;
    assert!(read.is_ok(), "still open after 65 s");
    let answered = String::from_utf8_lossy(&answers)
        .matches("HTTP/1.1 200")
        .count();
    assert!(answered < 3000, "all {answered} answered: never cut");
    drop(sending);
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
    // Anyone may send a receipt or ask /healthz: the kind of failure, not
    // where the file is (that is in the log).
    let path = file.display().to_string();
    assert!(!reason.contains(&path), "{reason}");
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("file is missing"), "{reason}");
    assert!(!reason.contains(&path), "{reason}");
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
    assert_eq!(integrity(&db).await, "ok");
}

/// The SQLite log (`-wal`) or its index (`-shm`) deleted while the
/// service runs (a clean-up script): receipts answered 201 before may be
/// only in that log. The service checkpoints it into the database file at
/// once and refuses everything until a restart; after SIGKILL and a restart
/// every answered receipt is there and the file is intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_log_deleted_while_running_loses_no_answered_receipt() {
    for suffix in ["-wal", "-shm"] {
        let db = Db::new(Kind::Sqlite).await;
        let mut service = Service::start(&db, &[]);
        for n in 1..=5 {
            assert_eq!(send_one(&service, n).await, 201);
        }
        let mut log = db.file.clone().unwrap().into_os_string();
        log.push(suffix);
        std::fs::remove_file(&log).unwrap();
        assert_eq!(send_one(&service, 6).await, 503, "{suffix}");
        assert_eq!(service.get_with("/healthz", None).await.0, 503, "{suffix}");
        service.kill9();
        let service = Service::start(&db, &[]);
        let ids: Vec<String> = service.ids().await;
        let answered: Vec<String> = (1..=5).map(consent_id).collect();
        assert_eq!(ids, answered, "{suffix}");
        assert_eq!(integrity(&db).await, "ok", "{suffix}");
    }
}

/// The same on a quiet service: nothing is asked after the log is deleted,
/// and the service's own watch saves it into the file within seconds (stop
/// 50's second look lost every receipt so: the check ran only on requests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_log_deleted_on_a_quiet_service_is_saved_without_a_request() {
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    for n in 1..=5 {
        assert_eq!(send_one(&service, n).await, 201);
    }
    let mut log = db.file.clone().unwrap().into_os_string();
    log.push("-wal");
    std::fs::remove_file(&log).unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    service.kill9();
    let service = Service::start(&db, &[]);
    let answered: Vec<String> = (1..=5).map(consent_id).collect();
    assert_eq!(service.ids().await, answered);
    assert_eq!(integrity(&db).await, "ok");
}

/// The SQLite file moved away, then the service killed before it is back:
/// the next start refuses (it would create an empty file, and SQLite would
/// throw the orphaned log away), naming the file and its log; the moved
/// file alone already holds every receipt answered 201 (checkpointed when
/// the move was seen).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_moved_then_killed_keeps_every_answered_receipt() {
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    for n in 1..=3 {
        assert_eq!(send_one(&service, n).await, 201);
    }
    let file = db.file.clone().unwrap();
    let aside = file.with_extension("moved");
    std::fs::rename(&file, &aside).unwrap();
    assert_eq!(send_one(&service, 4).await, 503);
    service.kill9();

    let refusal = refused_start(&db);
    let wal = format!("{}-wal", file.display());
    assert!(refusal.contains(&wal), "{refusal}");
    assert!(refusal.contains("is missing"), "{refusal}");
    assert!(!file.exists(), "no empty database was made");

    // The moved file alone, without that log, is complete.
    std::fs::remove_file(&wal).unwrap();
    let _ = std::fs::remove_file(format!("{}-shm", file.display()));
    std::fs::rename(&aside, &file).unwrap();
    let service = Service::start(&db, &[]);
    let ids: Vec<String> = service.ids().await;
    assert_eq!(ids, [consent_id(1), consent_id(2), consent_id(3)]);
    assert_eq!(integrity(&db).await, "ok");
}

/// What the service printed on refusing to start on `db`; panics if it
/// is still running after 20 s (it started).
fn refused_start(db: &Db) -> String {
    refused(
        std::process::Command::new(env!("CARGO_BIN_EXE_kloudconsent-receipts")),
        db,
    )
}

/// Like [`refused_start`], with `command` as the program (the service
/// itself, or a wrapper that runs it) and the service's flags after it.
fn refused(mut command: std::process::Command, db: &Db) -> String {
    use std::io::Read;
    let mut child = command
        .args(["--listen", "127.0.0.1:0", "--database-url", &db.url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("started");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

/// A SQLite file the service can read but not write (mode 0444, the
/// service not root) stops it at start, before it listens, instead of
/// answering /healthz 200 and every receipt 503. Root ignores file modes,
/// so as root the service is run as `nobody` (with `setpriv`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_sqlite_file_is_refused_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start(&db, &[]);
    assert_eq!(send_one(&service, 1).await, 201);
    assert_eq!(service.terminate().code(), Some(0));
    let file = db.file.clone().unwrap();
    let dir = file.parent().unwrap();
    let service_binary = env!("CARGO_BIN_EXE_kloudconsent-receipts");
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout
        == b"0\n";
    let command = if root {
        for path in [dir, &file] {
            std::os::unix::fs::chown(path, Some(65534), Some(65534)).unwrap();
        }
        let mut setpriv = std::process::Command::new("setpriv");
        setpriv.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            service_binary,
        ]);
        setpriv
    } else {
        std::process::Command::new(service_binary)
    };
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let refusal = refused(command, &db);
    assert!(refusal.contains("can be read but not written"), "{refusal}");
    assert!(refusal.contains("readonly"), "{refusal}");
}

/// The first value `pragma` (a SQLite `PRAGMA ...`) answers on `db`,
/// through a connection of the test's own.
async fn pragma<T>(db: &Db, pragma: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Connection;
    let mut conn = db.connect().await;
    let value: T = sqlx::Row::get(&sqlx::query(pragma).fetch_one(&mut conn).await.unwrap(), 0);
    conn.close().await.unwrap();
    value
}

/// SQLite's `PRAGMA integrity_check` on `db`.
async fn integrity(db: &Db) -> String {
    pragma(db, "PRAGMA integrity_check").await
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

/// The SQLite disk filling up (a file size limit on the service stands in
/// for it): receipts are answered 503 with the reason while writes fail,
/// never 201 for one that is not committed; the service holds no write
/// lock meanwhile; and once there is room again it stores receipts by
/// itself, without a restart. A review found every receipt after the first
/// failed write answered 201 and lost, with the write lock held for good.
/// The log says so once, not once per refused receipt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_refused_until_there_is_room_again() {
    let db = Db::new(Kind::Sqlite).await;
    let mut service = Service::start_writes_can_fail(&db);
    assert_eq!(send_one(&service, 1).await, 201);
    let file = db.file.clone().unwrap();
    let size = |suffix: &str| {
        let mut name = file.clone().into_os_string();
        name.push(suffix);
        std::fs::metadata(name).map_or(0, |m| m.len())
    };
    service.limit_file_size(Some(size("").max(size("-wal"))));

    let mut answered = vec![1];
    let mut refused = Vec::new();
    for n in 2..400 {
        let (status, reason) = service.send(receipt(&consent_id(n), 0)).await;
        match status {
            201 if refused.is_empty() => answered.push(n),
            503 => {
                assert!(reason.contains("not stored"), "{reason}");
                refused.push(n);
            }
            _ => panic!("receipt {n}: {status} {reason}"),
        }
        if refused.len() == 20 {
            break;
        }
    }
    assert_eq!(refused.len(), 20, "writes never failed: {answered:?}");
    // A load balancer must see it: the reads still work, writes do not.
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("write"), "{reason}");

    // No write lock held: another process can write (and gives it back).
    use sqlx::Connection;
    let mut other = db.connect().await;
    sqlx::query("PRAGMA busy_timeout = 1000")
        .execute(&mut other)
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("the service holds no write lock");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();

    service.limit_file_size(None);
    // Healthy again with no receipt sent (a load balancer sends none to
    // an instance it took out), after one write tried by a health check.
    until_healthy(&service).await;
    until_stored(&service, 1000).await;
    answered.push(1000);
    // The outage is logged, not each refused receipt: one ERROR line with
    // the reason (summaries come at most once a minute), and one line when
    // receipts are stored again, counting those refused meanwhile.
    let log = service.log_once("stored again");
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
    assert_eq!(errors.len(), 1, "one line for 20 refusals:\n{log}");
    assert!(errors[0].contains("could not store"), "{log}");
    assert!(
        log.lines()
            .any(|l| l.contains("stored again") && l.contains("receipts_refused=20")),
        "{log}"
    );
    for n in &answered {
        let (status, _) = service.get(&format!("/receipts/{}", consent_id(*n))).await;
        assert_eq!(status, 200, "receipt {n} was answered 201");
    }
    for n in &refused {
        let (status, _) = service.get(&format!("/receipts/{}", consent_id(*n))).await;
        assert_eq!(status, 404, "receipt {n} was answered 503");
    }
    assert_eq!(service.terminate().code(), Some(0));
    let service = Service::start(&db, &[]);
    let mut stored = service.ids().await;
    let mut expected: Vec<String> = answered.iter().map(|n| consent_id(*n)).collect();
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected, "in the file after a restart");
}

/// PostgreSQL hanging (every server process stopped for 15 s) while 16
/// clients send receipts: a receipt whose commit was not confirmed within
/// 10 s is answered 503 "not confirmed, it may have been stored", because
/// the commit may land once the database answers again; a 503 that says
/// "not stored" is always true. A review found receipts answered "nothing
/// was stored" and stored all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_not_confirmed_in_time_is_not_called_unstored() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    if common::skip_postgres() {
        return;
    }
    let server = common::PostgresServer::start();
    let db = Db::postgres_on(&server.url, Kind::Postgres).await;
    let service = Arc::new(Service::start(&db, &[]));
    assert_eq!(send_one(&service, 1).await, 201);
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..16u64)
        .map(|client| {
            let (service, stop) = (service.clone(), stop.clone());
            tokio::spawn(async move {
                let mut answers = Vec::new();
                let mut n = 10_000 * (client + 1);
                while !stop.load(Ordering::Relaxed) {
                    answers.push((n, service.send(receipt(&consent_id(n), 0)).await));
                    n += 1;
                }
                answers
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    server.freeze();
    tokio::time::sleep(Duration::from_secs(15)).await;
    server.thaw();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut unconfirmed, mut unconfirmed_stored, mut refused) = (0, 0, 0);
    for client in clients {
        for (n, (status, reason)) in client.await.unwrap() {
            if status != 503 {
                assert!(status == 201 || status == 200, "{n}: {status} {reason}");
                continue;
            }
            let (found, _) = service.get(&format!("/receipts/{}", consent_id(n))).await;
            if reason.contains("not stored") || reason.contains("nothing was stored") {
                refused += 1;
                assert_eq!(found, 404, "answered {reason:?}, but stored");
            } else {
                assert!(reason.contains("may have been stored"), "{reason}");
                unconfirmed += 1;
                unconfirmed_stored += usize::from(found == 200);
            }
        }
    }
    println!(
        "{unconfirmed} not confirmed ({unconfirmed_stored} of them stored), {refused} not stored"
    );
    assert!(unconfirmed + refused > 0, "the freeze refused nothing");
}

/// SIGTERM while PostgreSQL hangs (every server process stopped) with a
/// receipt waiting on it: the service stops within its two deadlines (the
/// requests' 10 s, then the writers' 10 s), not when the database answers
/// again. A review found it still running 70 s after SIGTERM, until
/// systemd's SIGKILL would have ended it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_postgres_hangs_stops_within_its_deadlines() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    if common::skip_postgres() {
        return;
    }
    let server = common::PostgresServer::start();
    let db = Db::postgres_on(&server.url, Kind::Postgres).await;
    let mut service = Service::start(&db, &[]);
    assert_eq!(send_one(&service, 1).await, 201);
    // Receipts under way when the database stops answering: a writer is
    // then in the middle of an INSERT that never returns.
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..8u64)
        .map(|client| {
            let (http, url, stop) = (service.client.clone(), service.url.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 10_000 * (client + 1);
                while !stop.load(Ordering::Relaxed) {
                    let body = receipt(&consent_id(n), 0);
                    let sent = common::beacon(&http, &url, body).send().await;
                    if sent.is_err() {
                        break;
                    }
                    n += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.freeze();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    let stopping = tokio::task::spawn_blocking(move || {
        let status = service.terminate();
        (status, service)
    });
    let stopped = tokio::time::timeout(Duration::from_secs(45), stopping).await;
    server.thaw();
    stop.store(true, Ordering::Relaxed);
    let (status, service) = stopped.expect("stopped within 45 s").unwrap();
    let took = started.elapsed();
    assert_eq!(status.code(), Some(0), "an orderly exit");
    assert!(took < Duration::from_secs(25), "stopped after {took:?}");
    drop(service);
    for sender in senders {
        let _ = sender.await;
    }
    let again = Service::start(&db, &[]);
    until_healthy(&again).await;
    let (found, _) = again.get(&format!("/receipts/{}", consent_id(1))).await;
    assert_eq!(found, 200, "the answered receipt is kept");
}

/// Export downloads whose clients stop reading (a tiny receive window,
/// never read) each hold a database connection. They must not take every
/// reading connection: `/healthz` and lookups go on answering, and an
/// export past the limit is refused 503 with the reason; after 30 s
/// without taking data they are cut and their connections freed. A review
/// found `/healthz` answering 503 with a few such downloads open, so that
/// a load balancer took a healthy instance out, for as long as they stayed.
async fn stalled_exports_leave_room_for_health_checks_and_lookups(kind: Kind) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = Db::new(kind).await;
    // 4 reading connections on either database.
    let service = Service::start(&db, &["--max-connections", "4"]);
    assert_eq!(send_one(&service, 1).await, 201);
    common::bulk_receipts(&db, 30_000).await;
    let address: std::net::SocketAddr = service.url.trim_start_matches("http://").parse().unwrap();
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut stream = socket.connect(address).await.unwrap();
        let request = format!(
            "GET /export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\r\n",
            common::TOKEN
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        stalled.push(stream); // never read
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 200, "{reason}");
    let (status, reason) = service.get(&format!("/receipts/{}", consent_id(1))).await;
    assert_eq!(status, 200, "{reason}");
    let (status, reason) = service.get("/export").await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("too many exports"), "{reason}");
    // The slots come back once the stalled exports are cut (30 s without
    // taking data), though their clients are still connected.
    let start = Instant::now();
    loop {
        let (status, body) = service.get("/export?format=csv").await;
        if status == 200 {
            assert_eq!(body.lines().count(), 30_002, "header, 30000 and 1");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{status} {body}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // A cut client that reads on gets a broken transfer, never the end of
    // a complete-looking one. Which of the four got an export slot (200)
    // and which were refused (503) depends on the order the service took
    // them in, not the order they connected.
    let mut exported = 0;
    for stream in &mut stalled {
        let mut raw = vec![0; 12];
        let head = tokio::time::timeout(Duration::from_secs(30), stream.read_exact(&mut raw));
        head.await.expect("a status line").expect("a status line");
        if raw.starts_with(b"HTTP/1.1 503") {
            continue;
        }
        let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw));
        let _ = read.await.expect("the cut connection ends");
        assert!(
            raw.starts_with(b"HTTP/1.1 200"),
            "{:?}",
            String::from_utf8_lossy(&raw[..40.min(raw.len())])
        );
        assert!(
            !raw.ends_with(b"\r\n0\r\n\r\n"),
            "a chunked body ended cleanly"
        );
        exported += 1;
    }
    assert_eq!(
        exported, 2,
        "half of the 4 reading connections serve exports"
    );
}

/// PostgreSQL hanging in the middle of an export (every server process
/// stopped): the download is cut about 10 s later, as a failure, instead of
/// stalling for as long as the database does (a review saw it hang with no
/// end, holding its connection), and the service is healthy again once
/// the database is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_is_cut_when_the_database_hangs_midway() {
    if common::skip_postgres() {
        return;
    }
    let server = common::PostgresServer::start();
    let db = Db::postgres_on(&server.url, Kind::Postgres).await;
    let service = Service::start(&db, &[]);
    common::bulk_receipts(&db, 40_000).await;
    let mut response = service
        .client
        .get(format!("{}/export", service.url))
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut received = response.chunk().await.unwrap().unwrap().len();
    server.freeze();
    let frozen = Instant::now();
    let end = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received += chunk.len(),
            end => break end,
        }
    };
    let took = frozen.elapsed();
    server.thaw();
    assert!(end.is_err(), "cut, not ended as if complete: {end:?}");
    assert!(
        received < 40_000 * 250,
        "cut midway, after {received} bytes"
    );
    assert!(took < Duration::from_secs(20), "cut after {took:?}");
    let start = Instant::now();
    while service.get_with("/healthz", None).await.0 != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "never healthy again"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Another process holding SQLite's write lock: receipts are refused 503
/// ("database is locked", after the 5 s lock wait), and `/healthz` says so
/// instead of `ok` while lookups still work; once the lock is released the
/// instance is healthy again with no receipt sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reflects_a_write_lock_held_elsewhere() {
    use sqlx::Connection;
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start(&db, &[]);
    assert_eq!(send_one(&service, 1).await, 201);
    let mut other = db.connect().await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let (status, reason) = service.send(receipt(&consent_id(2), 0)).await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("locked"), "{reason}");
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("writes fail"), "{reason}");
    assert!(!reason.contains("nothing was stored or read"), "{reason}");
    let (status, _) = service.get(&format!("/receipts/{}", consent_id(1))).await;
    assert_eq!(status, 200, "lookups still work");

    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();
    until_healthy(&service).await;
    assert_eq!(send_one(&service, 3).await, 201);
}

/// A full SQLite disk with room left for two pages (as the frames a failed
/// transaction wrote past the log's end leave): a write that small still
/// works, a receipt does not, and `/healthz` must say so. A review found
/// the health check's old write (one page, `PRAGMA user_version`)
/// succeeding there, so that `/healthz` answered `ok` while every receipt
/// was refused. Nor does a write that changes nothing count as one that
/// worked: a duplicate receipt (200) or the erasure of an unknown id (404).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_not_fooled_by_room_for_a_page() {
    let db = Db::new(Kind::Sqlite).await;
    let service = Service::start_writes_can_fail(&db);
    let first = receipt(&consent_id(1), 0);
    assert_eq!(service.send(first.clone()).await.0, 201);
    let page: i64 = pragma(&db, "PRAGMA page_size").await;
    let mut wal = db.file.clone().unwrap().into_os_string();
    wal.push("-wal");
    let frame = 24 + page as u64;
    let size = std::fs::metadata(&wal).unwrap().len();
    service.limit_file_size(Some(size + 2 * frame));

    let (status, reason) = service.send(receipt(&consent_id(2), 0)).await;
    assert_eq!(status, 503, "{reason}");
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "{reason}");
    assert!(reason.contains("writes fail"), "{reason}");
    assert_eq!(service.send(first).await.0, 200, "a duplicate");
    let unknown = format!("/receipts/{}", consent_id(99));
    let (status, _) = service.delete_with(&unknown, Some(common::TOKEN)).await;
    assert_eq!(status, 404);
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "after writes that changed nothing: {reason}");

    service.limit_file_size(None);
    until_healthy(&service).await;
    assert_eq!(send_one(&service, 3).await, 201);
}

/// PostgreSQL made read-only while the service runs
/// (`default_transaction_read_only`, the usual write freeze): receipts are
/// refused and `/healthz` says writes fail, instead of `ok` (a review found
/// the old write probe, `SELECT txid_current()`, passing in a read-only
/// transaction); once writes are allowed again it turns healthy by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_sees_a_read_only_postgres() {
    use sqlx::Connection;
    if common::skip_postgres() {
        return;
    }
    let db = Db::new(Kind::Postgres).await;
    let service = Service::start(&db, &[]);
    assert_eq!(send_one(&service, 1).await, 201);
    let name = db.url.rsplit_once('/').unwrap().1.to_owned();
    let mut admin = db.connect().await;
    // New sessions only: the service's are ended so that its pools reconnect.
    let read_only = |on: bool| {
        let setting = if on {
            "SET default_transaction_read_only = on"
        } else {
            "RESET default_transaction_read_only"
        };
        [
            format!("ALTER DATABASE {name} {setting}"),
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()"
                .to_owned(),
        ]
    };
    for sql in read_only(true) {
        sqlx::query(&sql).execute(&mut admin).await.unwrap();
    }
    let mut n = 2;
    loop {
        let (status, reason) = service.send(receipt(&consent_id(n), 0)).await;
        assert_ne!(status, 201, "stored in a read-only database");
        if reason.contains("read-only") {
            break;
        }
        assert!(n < 10, "{status} {reason}");
        n += 1;
    }
    let (status, reason) = service.get_with("/healthz", None).await;
    assert_eq!(status, 503, "{reason}");
    assert!(
        reason.contains("writes fail") && reason.contains("read-only"),
        "{reason}"
    );

    for sql in read_only(false) {
        sqlx::query(&sql).execute(&mut admin).await.unwrap();
    }
    admin.close().await.unwrap();
    until_healthy(&service).await;
    assert_eq!(send_one(&service, 100).await, 201);
}

/// SIGTERM while the service is still starting (here: opening a database
/// that accepts the connection and never answers) stops it cleanly, exit 0,
/// instead of killing it by the signal: a review saw death by SIGTERM in
/// the first milliseconds, when the handler was installed only after the
/// database had been opened, migrated and purged.
#[test]
fn sigterm_during_start_up_is_a_clean_stop() {
    use std::process::{Command, Stdio};
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kloudconsent-receipts"))
        .args(["--listen", "127.0.0.1:0", "--database-timeout", "20"])
        .arg("--database-url")
        .arg(format!("postgres://kc:x@127.0.0.1:{port}/consent"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let (_opening, _) = silent.accept().unwrap(); // it is opening the database
    stops_cleanly_on_sigterm(&mut child, Duration::from_secs(5));
}

/// Sends SIGTERM to the service `child` and checks it exits 0 within `limit`.
fn stops_cleanly_on_sigterm(child: &mut std::process::Child, limit: Duration) {
    let sent = Instant::now();
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    assert!(sent.elapsed() < limit, "{:?}", sent.elapsed());
}

/// Waits (up to 20 s) until `/healthz` answers 200: with no receipt sent,
/// as a load balancer sends none to an instance it took out, only a health
/// check's own write can find out that writes work again.
async fn until_healthy(service: &Service) {
    let start = Instant::now();
    while service.get_with("/healthz", None).await.0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(20), "still unhealthy");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The log's reader goes away (journald restarting, a log shipper that
/// died, `... | head`): the service goes on answering, an erasure is
/// answered (a review saw the connection dropped, the receipts deleted),
/// and SIGTERM still stops it cleanly. tracing-subscriber reports a failed
/// log write with `eprintln!`, which panicked on the same broken pipe.
#[tokio::test]
async fn a_log_reader_that_went_away_stops_nothing() {
    use std::process::{Command, Stdio};
    let db = Db::new(Kind::Sqlite).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kloudconsent-receipts"))
        .args(["--listen", "127.0.0.1:0", "--database-url", &db.url])
        .args(["--allowed-origin", common::ORIGIN])
        .env("KLOUDCONSENT_RECEIPTS_TOKEN", common::TOKEN)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = common::listening_address(&mut child).expect("it started");
    drop(child.stderr.take()); // the reader goes: every log write now fails
    let client = reqwest::Client::new();
    let id = consent_id(7_000_001);
    let sent = client
        .post(format!("{url}/receipts"))
        .header("origin", common::ORIGIN)
        .header("content-type", "application/json")
        .body(receipt(&id, 0))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    let erased = client
        .delete(format!("{url}/receipts/{id}"))
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .expect("the erasure is answered");
    assert_eq!(erased.status(), 200);
    let refused = client
        .get(format!("{url}/receipts/{id}?token=x"))
        .send()
        .await
        .expect("a bad request is answered");
    assert_eq!(refused.status(), 400);
    stops_cleanly_on_sigterm(&mut child, Duration::from_secs(15));
}
