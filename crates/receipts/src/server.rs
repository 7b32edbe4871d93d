//! Start-up, background tasks and shutdown.

use crate::auth::Token;
use crate::config::{allowed_origins, check_rate_limit, Args};
use crate::db::{redacted, Database, Options};
use crate::http::{self, App};
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use crate::time::DAY_MS;
use crate::write_deadline::WriteDeadline;
use crate::writer::Writer;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the retention purge runs (and once at start, before listening).
const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// After SIGTERM, how long requests in flight may take before the service
/// stops anyway: a client that never finishes its request (headers sent
/// half, then silence) must not hold shutdown past a supervisor's stop
/// timeout (systemd's 30 s in docs/receipts.md). Receipts already answered
/// are committed; the writers still drain their queue after it.
const DRAIN_AT_MOST: Duration = Duration::from_secs(10);
/// After the requests, how long the writers may take to commit what is
/// queued and the database to close: a database that stopped answering (a
/// hung server, a network partition) never fails an INSERT, and waiting for
/// it would hold shutdown until the supervisor's SIGKILL. Nothing queued
/// then was answered as stored.
const WRITERS_AT_MOST: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's headers (a beacon sends
/// them at once); then its connection is closed.
const HEADERS_AT_MOST: Duration = Duration::from_secs(10);
/// How long a write to a client may make no progress before the
/// connection is closed (see `write_deadline.rs`): a client that never
/// reads its answers must not hold a connection, and its file descriptor,
/// for ever.
const WRITES_STALL_AT_MOST: Duration = Duration::from_secs(30);
/// At most one warning this often while connections cannot be accepted
/// (out of file descriptors, say), with how many were left out.
const ACCEPT_WARNING_EVERY: Duration = Duration::from_secs(10);

/// Runs the service until SIGTERM or Ctrl+C, then finishes the requests in
/// flight, commits what is queued, and closes the database.
pub async fn run(args: Args) -> Result<(), String> {
    // First of all: from here on a SIGTERM is a clean stop, also while the
    // database is opened, migrated and purged (a long purge, a database
    // that does not answer), not death by the signal's default action (a
    // review killed the service that way in its first milliseconds).
    let mut stop = StopSignals::install()?;
    let token = Token::load(args.token_file.as_deref())?;
    let allowed_origins = allowed_origins(&args.allowed_origins)?;
    check_rate_limit(&args)?;
    let options = Options {
        timeout: Duration::from_secs(args.database_timeout),
        max_connections: args.max_connections,
    };
    let metrics = Arc::new(Metrics::new());
    let db = tokio::select! {
        db = open_and_purge(&args, options, &metrics) => db?,
        () = stop.received() => {
            // What was committed stays (each purge chunk commits on its
            // own); what was under way is rolled back by the database.
            tracing::info!("stopped during start-up");
            return Ok(());
        }
    };
    if allowed_origins.is_empty() {
        tracing::warn!("no --allowed-origin given: receipts are accepted from any origin");
    }
    if token.is_none() {
        tracing::warn!(
            "no token (KLOUDCONSENT_RECEIPTS_TOKEN or --token-file): lookup and export are off"
        );
    }
    let limiter = Arc::new(RateLimiter::new(
        args.rate_limit_per_minute,
        args.rate_limit_burst,
    ));
    let (writer, writers) = Writer::start(db.clone());
    let background = [
        tokio::spawn(sweep_rate_limits(limiter.clone())),
        tokio::spawn(purge_old_receipts(
            db.clone(),
            metrics.clone(),
            args.retention_days,
        )),
    ];
    let app = Arc::new(App {
        db: db.clone(),
        writer,
        metrics,
        limiter,
        allowed_origins,
        forwarded_for: args.forwarded_for,
        token,
        exports: Arc::new(tokio::sync::Semaphore::new(db.export_slots())),
    });

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    // On stdout, so scripts and tests can wait for it (logs go to stderr).
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "kloudconsent-receipts: listening on http://{address}"
    );
    let _ = stdout.flush();

    let router = http::router(app);
    let signalled = Arc::new(tokio::sync::Notify::new());
    tokio::spawn({
        let signalled = signalled.clone();
        async move {
            stop.received().await;
            tracing::info!("shutting down: finishing requests in flight");
            signalled.notify_one();
        }
    });
    let connections = hyper_util::server::graceful::GracefulShutdown::new();
    // Each connection's task, so that those still open when the drain's
    // limit is reached can be ended (finished ones are reaped as new ones
    // come).
    let mut open = tokio::task::JoinSet::new();
    let mut accept_warnings = Throttle::new(ACCEPT_WARNING_EVERY);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    while open.try_join_next().is_some() {}
                    serve_connection(stream, peer, router.clone(), &connections, &mut open);
                }
                Err(e) => {
                    // Out of file descriptors, say: wait instead of spinning.
                    if let Some(left_out) = accept_warnings.allow(Instant::now()) {
                        tracing::warn!(error = %e, same_errors_not_logged = left_out, "cannot accept a connection");
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            () = signalled.notified() => break,
        }
    }
    drop(listener);
    let drained = tokio::select! {
        () = connections.shutdown() => true,
        () = tokio::time::sleep(DRAIN_AT_MOST) => {
            tracing::warn!(
                seconds = DRAIN_AT_MOST.as_secs(),
                "requests still open after SIGTERM were closed unanswered"
            );
            false
        }
    };
    // The router (and with it every Writer handle) is gone with the
    // connections' tasks once they are drained.
    drop(router);

    for task in background {
        task.abort();
    }
    if drained {
        // The router (and with it every Writer handle) is gone: the writers
        // drain their queue and stop, unless the database stopped answering.
        let aborts: Vec<_> = writers.iter().map(|w| w.abort_handle()).collect();
        let finish = async {
            for writer in writers {
                let _ = writer.await;
            }
            db.close().await;
        };
        if tokio::time::timeout(WRITERS_AT_MOST, finish).await.is_err() {
            for writer in aborts {
                writer.abort();
            }
            tracing::warn!(
                seconds = WRITERS_AT_MOST.as_secs(),
                "the database did not answer within the limit after SIGTERM: stopped without it \
                 (every receipt answered as stored is committed; none queued then was answered so)"
            );
            return Ok(());
        }
    } else {
        // A stalled connection's task still holds a Writer, so the queue
        // never closes. Every receipt answered 201 is committed already
        // (`Writer::store` answers after the commit); what is still queued
        // belongs to requests that get no answer. Stop the writers, and end
        // the connections still open: an export among them holds a reader
        // on the write-ahead log, and the database must still be closed,
        // which checkpoints that log and with it scrubs an erasure made
        // during the export (a review found the erased id left in the
        // stopped file, and in any copy of it, until the next start).
        for writer in writers {
            writer.abort();
        }
        open.abort_all();
        let close = async {
            while open.join_next().await.is_some() {}
            db.close().await;
        };
        if tokio::time::timeout(WRITERS_AT_MOST, close).await.is_err() {
            tracing::warn!(
                seconds = WRITERS_AT_MOST.as_secs(),
                "the database did not close within the limit after SIGTERM: stopped without it \
                 (every receipt answered as stored is committed; a deletion's scrub is finished at the next start)"
            );
            return Ok(());
        }
    }
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Serves one HTTP/1 connection in a task of its own, with the peer's
/// address for the handlers (`ConnectInfo`, the rate limit's client) and a
/// deadline for each request's headers: a client that opens a connection and
/// sends its headers slowly or never (slowloris) is closed after
/// [`HEADERS_AT_MOST`] instead of holding a task and a socket for ever.
/// Bodies have their own deadline in the ingest handler; writes stalled
/// for [`WRITES_STALL_AT_MOST`] close the connection ([`WriteDeadline`]).
fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: axum::Router,
    connections: &hyper_util::server::graceful::GracefulShutdown,
    open: &mut tokio::task::JoinSet<()>,
) {
    let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        // A Router is always ready: `call` needs no `poll_ready` first.
        let mut router = router.clone();
        tower_service::Service::call(&mut router, request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADERS_AT_MOST)
        // A client that sends its whole request and then shuts its side
        // (`nc -N`, some proxies) still gets its answer.
        .half_close(true);
    let stream = WriteDeadline::new(stream, WRITES_STALL_AT_MOST);
    let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    let connection = connections.watch(connection);
    open.spawn(async move {
        if let Err(e) = connection.await {
            if stalled(&e) {
                let allowed = STALLED
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .allow(Instant::now());
                if let Some(left_out) = allowed {
                    // Info, not a warning: a client may just be slow. An
                    // export cut so is how an operator learns it was cut.
                    tracing::info!(
                        seconds = WRITES_STALL_AT_MOST.as_secs(),
                        same_not_logged = left_out,
                        "closed a connection whose client took no data (one not reading its answers, or an export read too slowly)"
                    );
                }
            } else {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
    });
}

/// Connections the write deadline closed: logged at most once per
/// [`ACCEPT_WARNING_EVERY`] (a slow-read attack closes hundreds).
static STALLED: std::sync::Mutex<Throttle> = std::sync::Mutex::new(Throttle {
    every: ACCEPT_WARNING_EVERY,
    last: None,
    left_out: 0,
});

/// Whether a connection ended because [`WriteDeadline`] gave up on it.
fn stalled(e: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(e), |e| e.source()).any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
    })
}

/// Lets a repeated message through at most once per `every`: a condition
/// that lasts (no file descriptor left) must not fill the log ten lines a
/// second.
struct Throttle {
    every: Duration,
    last: Option<Instant>,
    left_out: u64,
}

impl Throttle {
    fn new(every: Duration) -> Throttle {
        Throttle {
            every,
            last: None,
            left_out: 0,
        }
    }

    /// `Some(how many were left out since the last one)` when the message
    /// may go out at `now`; `None` when it is left out.
    fn allow(&mut self, now: Instant) -> Option<u64> {
        if self.last.is_some_and(|last| now < last + self.every) {
            self.left_out += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.left_out))
    }
}

/// SIGTERM and SIGINT (Ctrl+C), handled from the moment this exists.
struct StopSignals {
    term: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> Result<StopSignals, String> {
        use tokio::signal::unix::{signal, SignalKind};
        let handler =
            |kind| signal(kind).map_err(|e| format!("cannot handle SIGTERM or SIGINT: {e}"));
        Ok(StopSignals {
            term: handler(SignalKind::terminate())?,
            interrupt: handler(SignalKind::interrupt())?,
        })
    }

    async fn received(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }
}

/// Opens the database (migrating it) and, with `--retention-days`, runs
/// the first retention purge: before listening, so nothing past retention
/// is ever served.
async fn open_and_purge(
    args: &Args,
    options: Options,
    metrics: &Metrics,
) -> Result<Arc<Database>, String> {
    let db = Arc::new(Database::open(&args.database_url, options).await?);
    tracing::info!(database = %redacted(&args.database_url), "database open and up to date");
    tokio::spawn(db.clone().watch_file());
    if let Some(days) = args.retention_days {
        purge(&db, metrics, days).await;
    }
    Ok(db)
}

async fn sweep_rate_limits(limiter: Arc<RateLimiter>) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        limiter.sweep(Instant::now());
    }
}

async fn purge_old_receipts(db: Arc<Database>, metrics: Arc<Metrics>, retention_days: Option<u32>) {
    let Some(days) = retention_days else {
        return;
    };
    let mut every =
        tokio::time::interval_at(tokio::time::Instant::now() + PURGE_EVERY, PURGE_EVERY);
    loop {
        every.tick().await;
        purge(&db, &metrics, days).await;
    }
}

async fn purge(db: &Database, metrics: &Metrics, days: u32) {
    let now = http::now_ms();
    match db.purge(now - i64::from(days) * DAY_MS, now).await {
        Ok(0) => {}
        Ok(n) => {
            metrics.purged.inc_by(n);
            tracing::info!(deleted = n, days, "retention purge");
        }
        Err(e) => tracing::error!(error = %e, "retention purge failed; retrying in an hour"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lasting_accept_error_is_logged_once_per_period_with_a_count() {
        let mut throttle = Throttle::new(Duration::from_secs(10));
        let start = Instant::now();
        assert_eq!(throttle.allow(start), Some(0));
        for tenth in 1..100 {
            let at = start + Duration::from_millis(100 * tenth);
            assert_eq!(throttle.allow(at), None, "{tenth}");
        }
        assert_eq!(throttle.allow(start + Duration::from_secs(10)), Some(99));
        assert_eq!(throttle.allow(start + Duration::from_secs(25)), Some(0));
    }
}
