//! Shared by the integration tests: the real `kloudconsent-receipts` binary
//! started on a free loopback port against a fresh database (a SQLite file in
//! a temporary directory, or a new database on the PostgreSQL server that
//! `scripts/postgres.sh start` runs), and an HTTP client.
//!
//! PostgreSQL: `KLOUDCONSENT_TEST_POSTGRES_URL` names the server (scripts/test.sh
//! sets it). Without it the PostgreSQL half of each test fails, unless
//! `KLOUDCONSENT_TEST_SKIP_POSTGRES=1` says to skip it on purpose.
#![allow(dead_code)]

use kloudconsent_receipts::time::iso8601;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const TOKEN: &str = "test-token-0123456789abcdef0123456789";
pub const ORIGIN: &str = "https://kloudstack.com.au";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// Runs an async test body once against SQLite and once against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Kind::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if $crate::common::skip_postgres() { return; }
                super::$name($crate::common::Kind::Postgres).await
            })*
        }
    };
}

pub fn skip_postgres() -> bool {
    std::env::var("KLOUDCONSENT_TEST_SKIP_POSTGRES").as_deref() == Ok("1")
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}_{}_{n}", std::process::id(), now_ms())
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A fresh, empty database; the same one can back several service runs.
pub struct Db {
    pub kind: Kind,
    pub url: String,
    /// SQLite: the file; PostgreSQL: none.
    pub file: Option<PathBuf>,
    dir: Option<PathBuf>,
}

impl Db {
    /// A connection of the test's own, straight to the database (to age
    /// or edit rows as an operator would, or to check the file).
    pub async fn connect(&self) -> sqlx::AnyConnection {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        sqlx::AnyConnection::connect(&self.url).await.unwrap()
    }

    pub async fn new(kind: Kind) -> Db {
        match kind {
            Kind::Sqlite => {
                let dir =
                    std::env::temp_dir().join(format!("kloudconsent-receipts-test-{}", unique()));
                std::fs::create_dir_all(&dir).unwrap();
                let file = dir.join("receipts.sqlite3");
                Db {
                    kind,
                    url: format!("sqlite:{}", file.display()),
                    file: Some(file),
                    dir: Some(dir),
                }
            }
            Kind::Postgres => {
                let server = std::env::var("KLOUDCONSENT_TEST_POSTGRES_URL").expect(
                    "KLOUDCONSENT_TEST_POSTGRES_URL is not set: run `eval \"$(bash scripts/postgres.sh start)\"` \
                     first (scripts/test.sh does), or set KLOUDCONSENT_TEST_SKIP_POSTGRES=1 to skip PostgreSQL",
                );
                Db::postgres_on(&server, kind).await
            }
        }
    }

    /// A new database on the PostgreSQL server at `server` (a URL whose
    /// path is an existing database to connect to first).
    pub async fn postgres_on(server: &str, kind: Kind) -> Db {
        use sqlx::Connection;
        let name = format!("receipts_{}", unique());
        let mut admin = sqlx::PgConnection::connect(server)
            .await
            .expect("PostgreSQL reachable");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        let base = server.rsplit_once('/').unwrap().0;
        Db {
            kind,
            url: format!("{base}/{name}"),
            file: None,
            dir: None,
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A running service; killed when dropped.
pub struct Service {
    pub child: Child,
    pub url: String,
    pub client: reqwest::Client,
    /// What the service logged so far, when started to keep it.
    log: Option<std::sync::Arc<std::sync::Mutex<String>>>,
}

/// The address a service started with a piped stdout printed once it
/// listens (its one stdout line), or the line it printed instead.
pub fn listening_address(child: &mut Child) -> Result<String, String> {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    match line
        .trim()
        .strip_prefix("kloudconsent-receipts: listening on ")
    {
        Some(address) => Ok(address.to_owned()),
        None => Err(line),
    }
}

impl Service {
    /// Starts the binary on `db` with the test token, the test origin
    /// allowed, no rate limit (unless `extra` sets one), plus `extra` flags.
    pub fn start(db: &Db, extra: &[&str]) -> Service {
        let mut args = vec!["--listen", "127.0.0.1:0", "--database-url", &db.url];
        args.extend_from_slice(&["--allowed-origin", ORIGIN, "--database-timeout", "2"]);
        if !extra.contains(&"--rate-limit-per-minute") {
            args.extend_from_slice(&["--rate-limit-per-minute", "0"]);
        }
        args.extend_from_slice(extra);
        Service::start_with(&args, &[("KLOUDCONSENT_RECEIPTS_TOKEN", TOKEN)])
    }

    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Service {
        let command = Command::new(env!("CARGO_BIN_EXE_kloudconsent-receipts"));
        Service::launch(command, args, env, false)
    }

    /// Like `start`, but the service ignores SIGXFSZ (set by a shell that
    /// then execs it, keeping its pid), so that a file size limit put on it
    /// later with [`Service::limit_file_size`] makes its writes fail as on
    /// a full disk instead of killing it. No root, no tmpfs. Its log
    /// (`RUST_LOG=info`) is kept for [`Service::log_once`] and echoed.
    pub fn start_writes_can_fail(db: &Db) -> Service {
        let mut command = Command::new("bash");
        command.args([
            "-c",
            r#"trap '' XFSZ; exec "$0" "$@""#,
            env!("CARGO_BIN_EXE_kloudconsent-receipts"),
        ]);
        let args = [
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &db.url,
            "--allowed-origin",
            ORIGIN,
            "--database-timeout",
            "2",
            "--rate-limit-per-minute",
            "0",
        ];
        let env = [("KLOUDCONSENT_RECEIPTS_TOKEN", TOKEN), ("RUST_LOG", "info")];
        Service::launch(command, &args, &env, true)
    }

    /// The service's log once a line containing `needle` is in it (at most
    /// 10 s later; then as it is), for a service started to keep its log.
    pub fn log_once(&self, needle: &str) -> String {
        let log = self.log.as_ref().expect("started with its log kept");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let text = log.lock().unwrap().clone();
            if text.contains(needle) || std::time::Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sets the service's file size limit (`RLIMIT_FSIZE`, soft) to `bytes`,
    /// or lifts it with `None`: past it every write fails (EFBIG), as when
    /// the disk is full.
    pub fn limit_file_size(&self, bytes: Option<u64>) {
        let limit = bytes.map_or("unlimited".to_owned(), |b| b.to_string());
        let status = Command::new("prlimit")
            .args(["--pid", &self.child.id().to_string()])
            .arg(format!("--fsize={limit}:"))
            .status()
            .expect("prlimit (util-linux) runs");
        assert!(status.success(), "prlimit --fsize={limit}");
    }

    fn launch(
        mut command: Command,
        args: &[&str],
        env: &[(&str, &str)],
        keep_log: bool,
    ) -> Service {
        command
            .args(args)
            .env_remove("KLOUDCONSENT_RECEIPTS_TOKEN")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(if keep_log {
                Stdio::piped()
            } else {
                Stdio::inherit()
            });
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("the service binary starts");
        // A pipe, not a file: a file size limit on the service
        // (`limit_file_size`) would cut a log file short.
        let log = child.stderr.take().map(|stderr| {
            let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
            let kept = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    eprintln!("{line}");
                    let mut kept = kept.lock().unwrap();
                    kept.push_str(&line);
                    kept.push('\n');
                }
            });
            log
        });
        let address = listening_address(&mut child).unwrap_or_else(|line| {
            let status = child.wait().unwrap();
            panic!("the service did not start ({status}); it printed {line:?}")
        });
        Service {
            child,
            url: address,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            log,
        }
    }

    /// Starts with `token` as the lookup token and returns what the service
    /// printed on failing (or panics if it started).
    pub fn try_start_with_token(db: &Db, token: &str) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_kloudconsent-receipts"))
            .args(["--listen", "127.0.0.1:0", "--database-url", &db.url])
            .env("KLOUDCONSENT_RECEIPTS_TOKEN", token)
            .output()
            .unwrap();
        assert!(!output.status.success(), "started with token {token:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    }

    /// POSTs `body` as a beacon does (text/plain, from the allowed origin).
    pub async fn send(&self, body: impl Into<reqwest::Body>) -> (u16, String) {
        let response = beacon(&self.client, &self.url, body)
            .send()
            .await
            .expect("the service answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub async fn post(
        &self,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut request = self
            .client
            .post(format!("{}/receipts", self.url))
            .body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.expect("the service answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// GET with the token.
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.get_with(path, Some(TOKEN)).await
    }

    pub async fn get_with(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut request = self.client.get(format!("{}{path}", self.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the service answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// DELETE with `token` (an erasure request).
    pub async fn delete_with(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut request = self.client.delete(format!("{}{path}", self.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the service answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Every stored receipt, as NDJSON lines parsed (through the export).
    pub async fn all(&self) -> Vec<serde_json::Value> {
        let (status, body) = self.get("/export").await;
        assert_eq!(status, 200, "{body}");
        body.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The consent id of every stored receipt, in export order.
    pub async fn ids(&self) -> Vec<String> {
        self.all()
            .await
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn metric(&self, name: &str) -> f64 {
        let (_, text) = self.get_with("/metrics", None).await;
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no metric {name} in\n{text}"))
    }

    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then waits for a clean exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        self.child.wait().unwrap()
    }
}

/// A receipt POSTed to the service at `service_url` as the widget's beacon
/// does (text/plain, from the allowed origin), for clients that go on while
/// the test stops or kills the service (they own a clone of its client).
pub fn beacon(
    client: &reqwest::Client,
    service_url: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{service_url}/receipts"))
        .header("content-type", "text/plain;charset=UTF-8")
        .header("origin", ORIGIN)
        .body(body)
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A valid consent id unique to `n` within this process (10 characters
/// from `n`, 11 from the process's start time, then `A`).
pub fn consent_id(n: u64) -> String {
    static SALT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let salt = *SALT.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    });
    let char_of = |v: u64| BASE64URL[(v & 63) as usize] as char;
    let mut id: String = (0..10).map(|i| char_of(n >> (6 * i))).collect();
    id.extend((0..11).map(|i| char_of(salt >> (5 * i))));
    id.push('A');
    id
}

/// A receipt like the widget's, decided `offset_ms` from now.
pub fn receipt(id: &str, offset_ms: i64) -> String {
    let decided = now_ms() + offset_ms;
    receipt_at(id, decided, decided + 182 * 86_400_000)
}

/// A receipt like the widget's with the given times (Unix ms).
pub fn receipt_at(id: &str, decided: i64, expires: i64) -> String {
    format!(
        r#"{{"id":"{id}","decidedAt":"{}","expiresAt":"{}","categories":{{"necessary":true,"analytics":false,"marketing":true}},"revision":2,"method":"custom","url":"https://kloudstack.com.au/pricing"}}"#,
        iso8601(decided),
        iso8601(expires)
    )
}

/// Stores `count` receipts (about 300 bytes each in an export) straight in
/// the database, arrived just now: enough for an export that does not fit
/// in socket buffers.
pub async fn bulk_receipts(db: &Db, count: i64) {
    use sqlx::Connection;
    let mut conn = db.connect().await;
    sqlx::query(
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $1) \
         INSERT INTO receipts (consent_id, decided_at, expires_at, received_at, revision, method, \
         categories, services, url, language, via, signal) \
         SELECT 'bulkreceipt' || n, $2 + n, $2 + n + 86400000, $2 + n, 1, 'custom', \
         '{\"necessary\":true,\"analytics\":false,\"marketing\":true}', NULL, \
         'https://kloudstack.com.au/pricing/a-fairly-long-path-like-real-pages-have', \
         'en-AU', 'banner', NULL FROM c",
    )
    .bind(count)
    .bind(now_ms() - count)
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
}

/// A PostgreSQL server of a test's own, from `scripts/postgres.sh`; stopped
/// and deleted when dropped.
pub struct PostgresServer {
    pub url: String,
    dir: String,
}

fn postgres_script(args: &[&str]) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/postgres.sh");
    let output = Command::new("bash")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "postgres.sh {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

impl PostgresServer {
    pub fn start() -> PostgresServer {
        let out = postgres_script(&["start"]);
        let value = |name: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(&format!("export {name}=")))
                .unwrap_or_else(|| panic!("postgres.sh start printed no {name}: {out}"))
                .to_owned()
        };
        PostgresServer {
            url: value("KLOUDCONSENT_TEST_POSTGRES_URL"),
            dir: value("KLOUDCONSENT_POSTGRES_DIR"),
        }
    }

    pub fn pause(&self) {
        postgres_script(&["pause", &self.dir]);
    }

    pub fn resume(&self) {
        postgres_script(&["resume", &self.dir]);
    }

    /// Stops every process of the server with SIGSTOP, as a hung host or a
    /// network partition would: connections stay open, nothing answers.
    pub fn freeze(&self) {
        self.signal_all("-STOP");
    }

    /// Lets a frozen server go on (SIGCONT).
    pub fn thaw(&self) {
        self.signal_all("-CONT");
    }

    /// Sends `signal` to the postmaster (first line of its pid file) and
    /// its children.
    fn signal_all(&self, signal: &str) {
        let pid_file =
            std::fs::read_to_string(format!("{}/data/postmaster.pid", self.dir)).unwrap();
        let postmaster = pid_file.lines().next().unwrap().trim().to_owned();
        let children = Command::new("pgrep")
            .args(["-P", &postmaster])
            .output()
            .unwrap();
        let mut pids = vec![postmaster];
        pids.extend(
            String::from_utf8_lossy(&children.stdout)
                .split_whitespace()
                .map(str::to_owned),
        );
        let status = Command::new("kill")
            .arg(signal)
            .args(&pids)
            .status()
            .unwrap();
        assert!(status.success(), "kill {signal} {pids:?}");
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../scripts/postgres.sh"
            ))
            .args(["stop", &self.dir])
            .status();
    }
}
