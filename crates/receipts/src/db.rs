//! Storage: one code path for SQLite and PostgreSQL through sqlx's `Any`
//! driver.
//!
//! `Any` is enough here because the service needs only what both databases
//! share: BIGINT and TEXT columns, `$N` placeholders (SQLite reads them too),
//! `INSERT .. ON CONFLICT DO NOTHING RETURNING`, correlated `EXISTS`, and
//! migration files in plain SQL both run. The differences are connection
//! set-up, kept in [`Database::open`]: SQLite gets WAL journaling with
//! `synchronous=FULL`, `secure_delete` and a single writing connection; a
//! SQLite file or its log can disappear under a running process, which `db/file.rs`
//! detects; and SQLite's log is emptied after a deletion (`db/delete.rs`).
//!
//! Durability: a receipt is answered only after its transaction committed.
//! On SQLite, `synchronous=FULL` in WAL mode fsyncs the log at every commit,
//! so a committed receipt survives a power cut, not only a crash of this
//! process (`NORMAL` would survive the crash but could lose the last commits
//! on power loss, and a success answer must mean "stored"). The cost of one
//! fsync per commit is shared by a whole batch (see `writer.rs`).
//!
//! Deleting (erasure and the retention purge) is in `db/delete.rs`.

use crate::receipt::{choices_json, parse_choices_json, Method, Receipt, Signal, Via};
use futures_util::StreamExt;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyConnection, AnyPool, Executor, Row};
use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

mod delete;
mod file;

use file::SqliteFile;

/// Longest an export waits for the database's next row before it is cut:
/// rows follow each other in microseconds on an index scan, so a pause
/// this long is a database that hangs.
const ROW_WAIT: Duration = Duration::from_secs(10);

/// Longest an export waits for its client to take the next row before it
/// is cut: a slow link still takes a chunk now and then, a client that
/// stopped reading takes none.
const CLIENT_WAIT: Duration = Duration::from_secs(30);

/// How long a SQLite connection waits for a lock held by another.
const BUSY_TIMEOUT: &str = "PRAGMA busy_timeout = 5000";

/// Why the database could not do what was asked. From a client's point of
/// view it is "try again later" (503), except for a row that cannot be read,
/// where trying again cannot help; the text is for the log and the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unavailable {
    /// What went wrong, in words.
    pub reason: String,
    /// A stored row does not decode: the table was edited by hand.
    pub unreadable_row: bool,
    /// A write whose COMMIT was sent but not answered (PostgreSQL over a
    /// broken connection): it may have landed, so "not stored" would be
    /// false.
    pub maybe_stored: bool,
}

impl Unavailable {
    /// The database (or the service's way to it) failed; it may recover.
    pub fn new(reason: impl Into<String>) -> Unavailable {
        Unavailable {
            reason: reason.into(),
            unreadable_row: false,
            maybe_stored: false,
        }
    }
}

/// How [`Database::health`] starts its reason when reads work and writes
/// do not.
pub const WRITES_FAIL: &str = "reads work but writes fail";

/// The kinds of failure an answer to a client names, each with words found
/// in the detailed reason (SQLite's, PostgreSQL's, or the service's own).
/// The first that matches is the one.
const SUMMARIES: [(&[&str], &str); 9] = [
    (
        &["write-ahead log"],
        "the database's log file was removed; the service needs a restart",
    ),
    (
        &["was replaced"],
        "the database file was replaced; the service needs a restart",
    ),
    (&["is missing"], "the database file is missing"),
    (&["read-only", "readonly"], "the database is read-only"),
    (
        &["locked", "lock timeout"],
        "the database is locked by another process",
    ),
    (
        &["disk is full", "no space", "file too large"],
        "the disk is full",
    ),
    (&["i/o error"], "the disk failed a read or write (full?)"),
    (&["shutting down"], "the service is shutting down"),
    (
        &[
            "timed out",
            "no answer",
            "connection refused",
            "communicating",
            "closed",
        ],
        "no connection to the database",
    ),
];

impl Unavailable {
    /// What went wrong in a few words that name no file, host or database
    /// error text: for answers to clients who need not be trusted (an
    /// unauthenticated `/healthz` or receipt); the reason goes to the log.
    pub fn summary(&self) -> &'static str {
        let reason = self.reason.to_lowercase();
        SUMMARIES
            .iter()
            .find(|(words, _)| words.iter().any(|w| reason.contains(w)))
            .map_or("the database failed", |(_, summary)| summary)
    }
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl From<sqlx::Error> for Unavailable {
    fn from(e: sqlx::Error) -> Self {
        Unavailable::new(e.to_string())
    }
}

type Result<T> = std::result::Result<T, Unavailable>;

/// Which database engine a `Database` talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, embedded (the default).
    Sqlite,
    /// PostgreSQL, over the network.
    Postgres,
}

/// What became of one receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Newly stored.
    Stored,
    /// The very same decision was already stored (sent twice).
    Duplicate,
    /// A different receipt with the same consent id and `decidedAt` is
    /// stored; the first one stands.
    Conflict,
    /// A row with the same consent id and `decidedAt` is stored but cannot
    /// be read (edited by hand): it may or may not be the same decision,
    /// and it stands until it is mended.
    ConflictUnreadable,
}

/// A stored receipt and when it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The receipt as the widget sent it.
    pub receipt: Receipt,
    /// When the service received it, in ms since the Unix epoch.
    pub received_at_ms: i64,
}

/// Connection settings that are not in the URL.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long to wait for a connection before answering 503.
    pub timeout: Duration,
    /// Connections per pool (PostgreSQL); SQLite writes through one.
    pub max_connections: u32,
}

#[derive(Clone)]
struct Pools {
    /// SQLite: one connection (SQLite has one writer at a time anyway, and
    /// a single connection never waits on its own lock).
    writer: AnyPool,
    /// Lookups, exports and health checks; with WAL they never block writes.
    reader: AnyPool,
}

/// The receipts database: a connection pool to SQLite or PostgreSQL, schema migrated on open.
pub struct Database {
    backend: Backend,
    pools: Pools,
    sqlite_file: Option<SqliteFile>,
    writes: std::sync::Mutex<WriteHealth>,
}

/// How writes went, for the health check: a database that answers reads
/// while every write fails (a full disk, a lock held by another process)
/// must not look healthy to a load balancer.
#[derive(Default)]
struct WriteHealth {
    /// Why the last write failed; `None` when it worked (or none was made).
    failed: Option<String>,
    /// When a health check last tried a write itself.
    probed: Option<std::time::Instant>,
}

/// While writes fail, a health check tries one write of its own at most
/// this often (the others answer what the last one found): an instance a
/// load balancer took out gets no receipts, so without it nothing would
/// find out that writes work again.
const WRITE_PROBE_EVERY: Duration = Duration::from_secs(5);

/// How often a SQLite database's file and log are checked without a
/// request ([`Database::watch_file`]).
const FILE_WATCH_EVERY: Duration = Duration::from_secs(2);

/// The size of the write probe's row: four SQLite pages of overflow, so
/// that the probe needs more room in the log than one receipt does (a
/// table page and three index pages).
const PROBE_BYTES: usize = 16 * 1024;

/// The migrations, compiled in: the binary needs no files beside it. Public
/// so that tests can make a database as an older version left it (the
/// first few of these).
pub fn migrator() -> Migrator {
    let migration = |version, name, sql| {
        Migration::new(
            version,
            Cow::Borrowed(name),
            MigrationType::Simple,
            Cow::Borrowed(sql),
            false,
        )
    };
    Migrator {
        migrations: Cow::Owned(vec![
            migration(
                1,
                "receipts",
                include_str!("../migrations/0001_receipts.sql"),
            ),
            migration(
                2,
                "receipts by consent id and arrival",
                include_str!("../migrations/0002_receipts_by_consent_arrival.sql"),
            ),
            migration(
                3,
                "receipts via and signal",
                include_str!("../migrations/0003_receipts_via_signal.sql"),
            ),
            migration(
                4,
                "write probe",
                include_str!("../migrations/0004_write_probe.sql"),
            ),
        ]),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}

/// The database URL with any password replaced, for logs and messages:
/// the one in `user:password@`, and the value of every query parameter
/// whose name holds `password` (sqlx takes `?password=`; any case, and
/// percent-encoded names too, so that a near miss is masked as well).
pub fn redacted(url: &str) -> String {
    // The user info first, on the whole URL: a password may hold a `?` (an
    // invalid URL, and so in the very error message that prints it). The
    // query then starts at the first `?` after it.
    let masked = redacted_userinfo(url);
    let from = masked.find(":***@").map_or(0, |at| at + 5);
    match masked[from..].find('?') {
        Some(q) => format!(
            "{}?{}",
            &masked[..from + q],
            redacted_query(&masked[from + q + 1..])
        ),
        None => masked,
    }
}

/// `scheme://user:***@host...` for `scheme://user:password@host...`.
fn redacted_userinfo(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A URL's query with the values of password parameters replaced.
fn redacted_query(query: &str) -> String {
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if percent_decoded(key).to_lowercase().contains("password") => {
                format!("{key}=***")
            }
            _ => pair.to_owned(),
        })
        .collect();
    pairs.join("&")
}

/// `text` with `%XX` escapes and `+` decoded, as a URL query's names are.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Database {
    /// Opens (and for SQLite, creates) the database and brings its schema up
    /// to date. `url` is `sqlite:PATH` or `postgres://...`.
    pub async fn open(url: &str, options: Options) -> std::result::Result<Database, String> {
        sqlx::any::install_default_drivers();
        let (backend, sqlite_file) = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = PathBuf::from(path.trim_start_matches("//"));
            if path.as_os_str().is_empty() {
                return Err("the SQLite URL names no file: use sqlite:PATH".into());
            }
            (Backend::Sqlite, Some(path))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, None)
        } else {
            return Err(format!(
                "unsupported database URL {}: use sqlite:PATH or postgres://...",
                redacted(url)
            ));
        };
        if let Some(path) = &sqlite_file {
            file::refuse_orphaned_log(path)?;
        }
        let connect_url = match &sqlite_file {
            Some(path) => sqlite_url(path),
            None => url.to_owned(),
        };
        first_contact(&connect_url, options.timeout)
            .await
            .map_err(|e| format!("cannot open the database {}: {e}", redacted(url)))?;
        let pools = connect(backend, url, sqlite_file.as_ref(), &options)
            .await
            .map_err(|e| format!("cannot open the database {}: {e}", redacted(url)))?;
        // After the pools: the file exists and is in WAL mode by now.
        let sqlite_file = match sqlite_file {
            Some(path) => Some(SqliteFile::open(path).await?),
            None => None,
        };
        let db = Database {
            backend,
            pools,
            sqlite_file,
            writes: std::sync::Mutex::default(),
        };
        // Migrations write nothing to a database that is up to date, so a
        // database that reads but cannot be written (a read-only file, a
        // read-only PostgreSQL database) would start, answer /healthz, and
        // refuse every receipt.
        db.probe_write().await.map_err(|e| {
            format!(
                "the database {} can be read but not written: {e} (a read-only file or directory, a read-only database or role?)",
                redacted(url)
            )
        })?;
        Ok(db)
    }

    /// Which engine this database is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For SQLite: the path still names the open file, and its log the
    /// open log (see `db/file.rs`).
    async fn check_file(&self) -> Result<()> {
        match &self.sqlite_file {
            Some(file) => file.check().await,
            None => Ok(()),
        }
    }

    /// For SQLite, for the service's life: the same check every
    /// [`FILE_WATCH_EVERY`], requests or not. A log deleted on a quiet
    /// service (no visitor, no load balancer asking `/healthz`) is then
    /// checkpointed into the file within seconds, not at the next request,
    /// which a crash or a kill might never reach (a review lost every
    /// receipt so). What it finds is logged by the check itself, once.
    pub async fn watch_file(self: std::sync::Arc<Self>) {
        if self.sqlite_file.is_none() {
            return;
        }
        let mut every = tokio::time::interval(FILE_WATCH_EVERY);
        loop {
            every.tick().await;
            let _ = self.check_file().await;
        }
    }

    /// Stores a batch in one transaction and says what became of each
    /// receipt. Nothing is answered before the commit.
    ///
    /// A batch that fails closes its connection instead of handing it back
    /// to the pool. sqlx counts open transactions itself rather than asking
    /// the database: when SQLite rolls a transaction back on its own (a
    /// COMMIT that fails with "database or disk is full" or a disk I/O
    /// error does), sqlx still counts it open, so its next `begin()` sends
    /// `SAVEPOINT` instead of `BEGIN`; if that one's `RELEASE` fails too,
    /// SQLite keeps the transaction open, and every later "transaction" is
    /// a savepoint inside it whose "commit" stores nothing (a review saw
    /// receipts answered 201 and lost, and the write lock held for good).
    /// Closing the connection rolls back whatever it held; the next batch
    /// gets a fresh one.
    pub async fn insert(&self, batch: &[(Receipt, i64)]) -> Result<Vec<Outcome>> {
        let outcome = self.insert_once(batch).await;
        self.wrote(outcome.as_ref().map(|o| o.contains(&Outcome::Stored)));
        outcome
    }

    async fn insert_once(&self, batch: &[(Receipt, i64)]) -> Result<Vec<Outcome>> {
        self.check_file().await?;
        let mut conn = self.pools.writer.acquire().await?;
        let outcomes = match insert_batch(&mut conn, batch, self.backend).await {
            Ok(outcomes) => outcomes,
            Err(e) => return Err(discard(conn, e).await),
        };
        drop(conn);
        // The file may have gone while we wrote: then the commit went into a
        // nameless file and must not be answered as stored.
        self.check_file().await?;
        Ok(outcomes)
    }

    /// Every receipt of one consent id in the order they arrived: the last
    /// one is the decision in force. By the server's clock, not `decidedAt`:
    /// that is the sender's clock, and a receipt dated ahead (a visitor's
    /// fast clock, or a forged one) must not outrank a later real decision.
    /// `decidedAt` only breaks ties within a millisecond.
    pub async fn history(&self, consent_id: &str) -> Result<Vec<Stored>> {
        self.check_file().await?;
        let rows = sqlx::query(&format!("{SELECT} {HISTORY}"))
            .bind(consent_id.to_owned())
            .fetch_all(&self.pools.reader)
            .await?;
        rows.iter().map(decode).collect()
    }

    /// Receipts that arrived in `[from, to)` (Unix ms), oldest first, read
    /// from the database as the consumer takes them: nothing is buffered
    /// beyond the channel's few rows, whatever the range holds. `slot` is
    /// held for as long as the database is read.
    ///
    /// The export is cut (an error after the rows sent so far) when the
    /// database sends no row for [`ROW_WAIT`] (a hung server or a network
    /// partition never fails), or the client takes none for
    /// [`CLIENT_WAIT`] (one that stopped reading would hold the connection,
    /// and on PostgreSQL its snapshot, for as long as it stays connected).
    /// Either way the connection is dropped, not put back in the pool with
    /// a statement still under way.
    pub async fn export<S: Send + 'static>(
        &self,
        from: i64,
        to: i64,
        slot: S,
    ) -> Result<mpsc::Receiver<Result<Stored>>> {
        self.check_file().await?;
        let mut conn = self.pools.reader.acquire().await?;
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(async move {
            let _slot = slot;
            // A place kept for the last word: the channel may be full when
            // the export is cut, and the cut must reach the client.
            let Ok(last_word) = tx.reserve().await else {
                return;
            };
            let sql = format!(
                "{SELECT} WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at, consent_id, decided_at"
            );
            let cut = {
                let mut rows = sqlx::query(&sql).bind(from).bind(to).fetch(&mut *conn);
                loop {
                    let Ok(row) = tokio::time::timeout(ROW_WAIT, rows.next()).await else {
                        break Some(format!(
                            "the database sent no row for {} s",
                            ROW_WAIT.as_secs()
                        ));
                    };
                    let Some(row) = row else {
                        break None;
                    };
                    let item = row.map_err(Unavailable::from).and_then(|r| decode(&r));
                    let failed = item.is_err();
                    match tokio::time::timeout(CLIENT_WAIT, tx.send(item)).await {
                        Ok(Ok(())) if !failed => {}
                        Ok(_) => break None, // the read failed (and is sent), or the client went away
                        Err(_) => {
                            tracing::warn!(
                                seconds = CLIENT_WAIT.as_secs(),
                                "an export's client stopped reading; the export was cut"
                            );
                            break Some(format!(
                                "the client took no data for {} s",
                                CLIENT_WAIT.as_secs()
                            ));
                        }
                    }
                }
            };
            if let Some(reason) = cut {
                drop(conn.detach());
                last_word.send(Err(Unavailable::new(format!(
                    "{reason}; the export was cut"
                ))));
            }
        });
        Ok(rx)
    }

    /// How many exports may run at once: half the reading connections, so
    /// that slow downloads (each holds a connection while its client
    /// reads) leave the rest to lookups and `/healthz`. There are at least
    /// two (`--max-connections` starts at 2, SQLite reads through 4), so
    /// this is at least one and always leaves one.
    pub fn export_slots(&self) -> usize {
        (self.pools.reader.options().get_max_connections() as usize / 2).max(1)
    }

    /// Whether the database answers (and, for SQLite, its file is in place),
    /// and the last write worked. Writes nothing while writes work; while
    /// they fail, tries one write every [`WRITE_PROBE_EVERY`].
    pub async fn health(&self) -> Result<()> {
        let read = async {
            self.check_file().await?;
            sqlx::query("SELECT 1").execute(&self.pools.reader).await?;
            Ok::<(), Unavailable>(())
        };
        read.await
            .map_err(|e| Unavailable::new(format!("database unavailable: {e}")))?;
        let failed = {
            let mut writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
            let Some(reason) = writes.failed.clone() else {
                return Ok(());
            };
            let now = std::time::Instant::now();
            if writes.probed.is_some_and(|at| now < at + WRITE_PROBE_EVERY) {
                Some(reason)
            } else {
                writes.probed = Some(now);
                None
            }
        };
        let outcome = match failed {
            Some(reason) => Err(Unavailable::new(reason)),
            None => {
                let outcome = self.probe_write().await;
                self.wrote(outcome.as_ref().map(|()| true));
                outcome
            }
        };
        outcome.map_err(|e| Unavailable::new(format!("{WRITES_FAIL}: {e}")))
    }

    /// A write of the kind a receipt needs, committed: a row of
    /// [`PROBE_BYTES`] inserted into `write_probe` and deleted again in one
    /// transaction, through the writing connection. Smaller writes prove
    /// nothing: on a full SQLite disk a one-page write fits in the space
    /// a failed transaction's frames left at the log's end (a review saw
    /// `PRAGMA user_version` succeed there while every receipt failed),
    /// and on PostgreSQL `SELECT txid_current()` succeeds in a read-only
    /// transaction. This one takes the write lock, needs several new pages
    /// in the log (more than one receipt does) and an INSERT that a
    /// read-only database refuses. A probe that fails closes its
    /// connection, as a failed batch does (see [`Database::insert`]).
    async fn probe_write(&self) -> Result<()> {
        self.check_file().await?;
        let mut conn = self.pools.writer.acquire().await?;
        let probe = async {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            sqlx::query("INSERT INTO write_probe (filler) VALUES ($1)")
                .bind("x".repeat(PROBE_BYTES))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM write_probe")
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        };
        if let Err(e) = probe.await {
            return Err(discard(conn, e.into()).await);
        }
        drop(conn);
        self.check_file().await
    }

    /// Notes how a write went, for [`Database::health`]: `Ok(true)` when it
    /// stored or deleted something (or was the write probe), `Ok(false)`
    /// when it changed nothing. Only the first clears a failure: a
    /// duplicate receipt or the erasure of an unknown id commits without
    /// writing a page, even on a full disk. A row that cannot be read
    /// says nothing about writing.
    fn wrote(&self, outcome: std::result::Result<bool, &Unavailable>) {
        let mut writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        match outcome {
            Ok(true) => writes.failed = None,
            Ok(false) => {}
            Err(e) if e.unreadable_row => {}
            Err(e) => writes.failed = Some(e.reason.clone()),
        }
    }

    /// Closes every connection (SQLite checkpoints its log on the last
    /// one, the anchor of `db/file.rs`).
    pub async fn close(&self) {
        for pool in [&self.pools.writer, &self.pools.reader] {
            // sqlx's `close` can return with a connection left open: one
            // being handed back (an export's, dropped by its task as the
            // service stops) lands among the idle ones after `close` took
            // them. Left open at exit, SQLite never checkpoints its log,
            // and an erasure made during that export stayed in the file (a
            // second look found it in 3 stops of 10). Closing again closes
            // it; the callers bound the wait.
            loop {
                pool.close().await;
                if pool.size() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        if let Some(file) = &self.sqlite_file {
            file.close().await;
        }
    }
}

/// Closes a writing connection whose transaction failed instead of handing
/// it back to the pool (why: [`Database::insert`]), and passes `error` on.
async fn discard(conn: sqlx::pool::PoolConnection<sqlx::Any>, error: Unavailable) -> Unavailable {
    if let Err(close) = conn.close().await {
        tracing::warn!(error = %close, "could not close the writing connection after a failed write");
    }
    error
}

/// The transaction of [`Database::insert`], on `conn`.
async fn insert_batch(
    conn: &mut sqlx::AnyConnection,
    batch: &[(Receipt, i64)],
    backend: Backend,
) -> Result<Vec<Outcome>> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let mut inserted: Vec<(String, i64)> = Vec::with_capacity(batch.len());
    let mut rest = batch;
    while !rest.is_empty() {
        // A few fixed statement sizes, so the prepared-statement cache
        // holds three statements instead of one per batch length.
        let n = [64, 8, 1]
            .into_iter()
            .find(|&n| n <= rest.len())
            .unwrap_or(1);
        let (chunk, tail) = rest.split_at(n);
        let sql = insert_sql(n);
        let mut query = sqlx::query(&sql);
        for (r, received_at) in chunk {
            query = query
                .bind(r.id.clone())
                .bind(r.decided_at_ms)
                .bind(r.expires_at_ms)
                .bind(*received_at)
                .bind(i64::from(r.revision))
                .bind(r.method.as_str())
                .bind(choices_json(&r.categories))
                .bind(r.services.as_deref().map(choices_json))
                .bind(r.url.clone())
                .bind(r.language.clone())
                .bind(r.via.map(Via::as_str))
                .bind(r.signal.map(Signal::as_str));
        }
        for row in query.fetch_all(&mut *tx).await? {
            inserted.push((row.try_get(0)?, row.try_get(1)?));
        }
        rest = tail;
    }
    let mut outcomes = Vec::with_capacity(batch.len());
    for (r, _) in batch {
        let key = (r.id.clone(), r.decided_at_ms);
        if let Some(i) = inserted.iter().position(|k| *k == key) {
            inserted.swap_remove(i);
            outcomes.push(Outcome::Stored);
            continue;
        }
        let row = sqlx::query(&format!(
            "{SELECT} WHERE consent_id = $1 AND decided_at = $2"
        ))
        .bind(r.id.clone())
        .bind(r.decided_at_ms)
        .fetch_one(&mut *tx)
        .await?;
        // A stored row that does not decode (edited by hand) is no outage:
        // this receipt conflicts with it, and the rest of the batch, other
        // visitors' receipts, is stored (a review saw the whole batch
        // answered 503 for one resent receipt).
        outcomes.push(match decode(&row) {
            Ok(stored) if stored.receipt.same_decision(r) => Outcome::Duplicate,
            Ok(_) => Outcome::Conflict,
            Err(e) if e.unreadable_row => {
                tracing::warn!(reason = %e.reason, "a receipt sent again matches a stored row that cannot be read: answered as a conflict");
                Outcome::ConflictUnreadable
            }
            Err(e) => return Err(e),
        });
    }
    tx.commit().await.map_err(|e| {
        // SQLite: a COMMIT that failed wrote no commit record (or is rolled
        // back when `insert` closes the connection). PostgreSQL: the server
        // may have committed before the connection broke.
        let mut e = Unavailable::from(e);
        e.maybe_stored = backend == Backend::Postgres;
        e
    })?;
    Ok(outcomes)
}

const SELECT: &str = "SELECT consent_id, decided_at, expires_at, received_at, revision, method, \
                      categories, services, url, language, via, signal FROM receipts";

/// One id's receipts in order of arrival (index `receipts_by_consent_arrival`).
const HISTORY: &str = "WHERE consent_id = $1 ORDER BY received_at, decided_at";

/// Columns an insert binds per receipt.
const COLUMNS: usize = 12;

fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO receipts (consent_id, decided_at, expires_at, received_at, revision, method, \
         categories, services, url, language, via, signal) VALUES ",
    );
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..COLUMNS {
            let sep = if col == 0 { "" } else { ", " };
            sql.push_str(&format!("{sep}${}", row * COLUMNS + col + 1));
        }
        sql.push(')');
    }
    sql.push_str(
        " ON CONFLICT (consent_id, decided_at) DO NOTHING RETURNING consent_id, decided_at",
    );
    sql
}

/// A row back into a receipt. Rows are only ever written from checked
/// receipts, so a row that does not decode means the table was edited by
/// hand; it is reported, not guessed at.
fn decode(row: &AnyRow) -> Result<Stored> {
    // Every column goes through `corrupt`: a value of the wrong type (text
    // in an integer column) is a row edited by hand, not an outage, and a
    // time out of the range a receipt can have is never shown as another.
    let id: String = row.try_get(0).map_err(|_| {
        unreadable("a stored receipt has an unreadable consent_id (edited by hand?)".into())
    })?;
    let decided_at_ms: i64 = row.try_get(1).map_err(|_| {
        unreadable(format!(
            "the stored receipt {id} has an unreadable decided_at (edited by hand?)"
        ))
    })?;
    // Names the row, so that whoever edited the table can find and mend it.
    let corrupt = |what: &str| {
        let when = if crate::time::in_range(decided_at_ms) {
            format!("decided at {}", crate::time::iso8601(decided_at_ms))
        } else {
            format!("with decided_at {decided_at_ms}")
        };
        unreadable(format!(
            "the stored receipt {id} {when} has an unreadable {what} (edited by hand?)"
        ))
    };
    let time = |i: usize, what: &str| -> Result<i64> {
        match row.try_get::<i64, _>(i) {
            Ok(ms) if crate::time::in_range(ms) => Ok(ms),
            _ => Err(corrupt(what)),
        }
    };
    let text =
        |i: usize, what: &str| -> Result<String> { row.try_get(i).map_err(|_| corrupt(what)) };
    let optional = |i: usize, what: &str| -> Result<Option<String>> {
        row.try_get(i).map_err(|_| corrupt(what))
    };
    if !crate::time::in_range(decided_at_ms) {
        return Err(corrupt("decided_at"));
    }
    let method = text(5, "method")?;
    let categories = text(6, "categories")?;
    let services = match optional(7, "services")? {
        Some(text) => Some(parse_choices_json(&text).ok_or_else(|| corrupt("services"))?),
        None => None,
    };
    let revision: i64 = row.try_get(4).map_err(|_| corrupt("revision"))?;
    let via = match optional(10, "via")? {
        Some(text) => Some(Via::parse(&text).ok_or_else(|| corrupt("via"))?),
        None => None,
    };
    let signal = match optional(11, "signal")? {
        Some(text) => Some(Signal::parse(&text).ok_or_else(|| corrupt("signal"))?),
        None => None,
    };
    Ok(Stored {
        receipt: Receipt {
            id: id.clone(),
            decided_at_ms,
            expires_at_ms: time(2, "expires_at")?,
            categories: parse_choices_json(&categories).ok_or_else(|| corrupt("categories"))?,
            services,
            revision: u32::try_from(revision).map_err(|_| corrupt("revision"))?,
            method: Method::parse(&method).ok_or_else(|| corrupt("method"))?,
            url: text(8, "url")?,
            language: optional(9, "language")?,
            via,
            signal,
        },
        received_at_ms: time(3, "received_at")?,
    })
}

/// A stored row that does not decode: answered 500 naming it, never 503
/// (trying again cannot help).
fn unreadable(reason: String) -> Unavailable {
    Unavailable {
        reason,
        unreadable_row: true,
        maybe_stored: false,
    }
}

/// `sqlite:` URL for `path`, created if missing: `%`, `?` and `#` are
/// percent-encoded so that any file name survives sqlx's URL parsing.
fn sqlite_url(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let mut encoded = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            c => encoded.push(c),
        }
    }
    format!("sqlite:{encoded}?mode=rwc")
}

/// One connection made directly, before any pool, and one read through it.
/// A pool that cannot connect reports only that it "timed out while waiting
/// for an open connection" (its retries keep the cause to themselves), which
/// tells an operator nothing; this connection's error names the cause:
/// connection refused, a wrong password, a file that is not a database.
async fn first_contact(url: &str, timeout: Duration) -> std::result::Result<(), String> {
    use sqlx::{AnyConnection, Connection};
    let attempt = async {
        let mut conn = AnyConnection::connect(url).await?;
        // SQLite opens any file lazily: only reading its schema finds out
        // whether it is a database at all.
        let check = if url.starts_with("sqlite:") {
            "SELECT count(*) FROM sqlite_master"
        } else {
            "SELECT 1"
        };
        sqlx::query(check).execute(&mut conn).await?;
        conn.close().await
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!(
            "no answer within {} s (is the server up and the host and port right? --database-timeout sets the wait)",
            timeout.as_secs_f32()
        )),
    }
}

/// What every SQLite connection of the service sets, the pools' and the
/// log's anchor (`db/file.rs`) alike.
pub(super) async fn sqlite_pragmas(
    conn: &mut AnyConnection,
) -> std::result::Result<(), sqlx::Error> {
    // Commits and checkpoints reach the disk before they are answered.
    conn.execute("PRAGMA synchronous = FULL").await?;
    conn.execute(BUSY_TIMEOUT).await?;
    // Deleted rows are overwritten with zeros, not just unlinked: an
    // erased or purged receipt must not stay readable in the file (see
    // `delete.rs`).
    conn.execute("PRAGMA secure_delete = ON").await?;
    Ok(())
}

async fn connect(
    backend: Backend,
    url: &str,
    sqlite_path: Option<&PathBuf>,
    options: &Options,
) -> Result<Pools> {
    let pool_options = |max: u32| {
        AnyPoolOptions::new()
            .max_connections(max)
            .min_connections(0)
            .acquire_timeout(options.timeout)
            .test_before_acquire(true)
    };
    match (backend, sqlite_path) {
        (Backend::Sqlite, Some(path)) => {
            let url = sqlite_url(path);
            let with_pragmas = |max: u32| {
                pool_options(max).after_connect(|conn, _| Box::pin(sqlite_pragmas(conn)))
            };
            let writer = with_pragmas(1).connect(&url).await?;
            // WAL is a property of the file: set once, kept across restarts.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&writer)
                .await?;
            migrator()
                .run(&writer)
                .await
                .map_err(|e| Unavailable::new(e.to_string()))?;
            let reader = with_pragmas(4).connect(&url).await?;
            Ok(Pools { writer, reader })
        }
        _ => {
            let writer = pool_options(options.max_connections).connect(url).await?;
            migrator()
                .run(&writer)
                .await
                .map_err(|e| Unavailable::new(e.to_string()))?;
            let reader = pool_options(options.max_connections).connect(url).await?;
            Ok(Pools { writer, reader })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redacted("postgres://kc:s3cret@db.internal:5432/consent"),
            "postgres://kc:***@db.internal:5432/consent"
        );
        assert_eq!(redacted("postgres://db/consent"), "postgres://db/consent");
        // sqlx also takes the password as a query parameter.
        assert_eq!(
            redacted("postgres://kc@db/consent?sslmode=require&password=Hunter2"),
            "postgres://kc@db/consent?sslmode=require&password=***"
        );
        for key in ["PASSWORD", "sslpassword", "pass%77ord"] {
            let masked = redacted(&format!("postgres://db/c?{key}=Hunter2&x=1"));
            assert_eq!(masked, format!("postgres://db/c?{key}=***&x=1"), "{key}");
        }
        assert_eq!(
            redacted("postgres://kc:s3cret@db/c?password=Hunter2"),
            "postgres://kc:***@db/c?password=***"
        );
        assert_eq!(
            redacted("sqlite:receipts.sqlite3"),
            "sqlite:receipts.sqlite3"
        );
        // A `?` in the password itself (stop 50's second look).
        assert_eq!(
            redacted("postgres://kc:Pa?ss3cretB@127.0.0.1:1/consent"),
            "postgres://kc:***@127.0.0.1:1/consent"
        );
        assert_eq!(
            redacted("postgres://kc:Pa?ss@db/c?password=Hunter2&sslmode=require"),
            "postgres://kc:***@db/c?password=***&sslmode=require"
        );
    }

    #[test]
    fn summaries_name_no_path_or_database_text() {
        let summary = |reason: &str| Unavailable::new(reason).summary();
        assert_eq!(
            summary("the database file /srv/kc/r.sqlite3 is missing (moved or deleted?)"),
            "the database file is missing"
        );
        assert_eq!(
            summary("error returned from database: (code: 5) database is locked"),
            "the database is locked by another process"
        );
        assert_eq!(
            summary("cannot execute INSERT in a read-only transaction"),
            "the database is read-only"
        );
        assert_eq!(
            summary("relation \"receipts\" does not exist"),
            "the database failed"
        );
    }

    #[test]
    fn insert_statement_numbers_every_placeholder() {
        let sql = insert_sql(2);
        assert!(sql.contains("language, via, signal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12), ($13,"));
        assert!(sql.ends_with("($13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) ON CONFLICT (consent_id, decided_at) DO NOTHING RETURNING consent_id, decided_at"));
    }

    #[test]
    fn odd_file_names_survive_the_url() {
        assert_eq!(
            sqlite_url(std::path::Path::new("/tmp/a?b#c%d.db")),
            "sqlite:/tmp/a%3Fb%23c%25d.db?mode=rwc"
        );
    }
}
