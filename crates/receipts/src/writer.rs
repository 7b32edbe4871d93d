//! Group commit: requests hand their receipt to a few writer tasks, which
//! store whatever has queued up in one transaction and then answer every
//! request of that batch.
//!
//! Each commit costs an fsync (see `db.rs`); one commit per request would cap
//! SQLite at a few hundred receipts a second on an ordinary disk. Batching
//! keeps the rule "answered only once committed" while the fsync is shared.
//! Under light load a batch is a single receipt, so nothing waits for a
//! batch to fill.

use crate::db::{Backend, Database, Outcome, Unavailable};
use crate::receipt::Receipt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::task::JoinHandle;

/// Most receipts committed together.
const MAX_BATCH: usize = 256;
/// Receipts waiting for a writer before new ones wait for room.
const QUEUE: usize = 8192;
/// Least time between two log lines about one database outage.
const OUTAGE_LINE_EVERY: Duration = Duration::from_secs(60);

struct Job {
    receipt: Receipt,
    received_at_ms: i64,
    reply: oneshot::Sender<Result<Outcome, Unavailable>>,
}

/// The handle requests use; cheap to clone. When every handle is dropped the
/// writers finish the queue and stop.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer tasks: one for SQLite (it has one writer anyway),
    /// several for PostgreSQL, whose commits can overlap.
    pub fn start(db: Arc<Database>) -> (Writer, Vec<JoinHandle<()>>) {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        let outage = Arc::new(std::sync::Mutex::new(Outage::default()));
        let workers = match db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        let handles = (0..workers)
            .map(|_| tokio::spawn(work(db.clone(), jobs.clone(), outage.clone())))
            .collect();
        (Writer { queue }, handles)
    }

    /// Stores one receipt; returns once it is committed (or could not be).
    pub async fn store(
        &self,
        receipt: Receipt,
        received_at_ms: i64,
    ) -> Result<Outcome, Unavailable> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            receipt,
            received_at_ms,
            reply,
        };
        let stopped = || Unavailable::new("the service is shutting down");
        self.queue.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn work(
    db: Arc<Database>,
    jobs: Arc<Mutex<mpsc::Receiver<Job>>>,
    outage: Arc<std::sync::Mutex<Outage>>,
) {
    loop {
        let mut batch = Vec::new();
        {
            let mut jobs = jobs.lock().await;
            match jobs.recv().await {
                Some(job) => batch.push(job),
                None => return,
            }
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
        }
        // In key order, so that two batches holding the same receipts (a
        // visitor's queue sent again from several tabs at once, one receipt
        // reaching two instances) lock their rows in one order: in arrival
        // order PostgreSQL's writers deadlocked, and the batch it chose to
        // fail was answered 503, other visitors' receipts in it too.
        batch.sort_by(|a, b| {
            (a.receipt.id.as_str(), a.receipt.decided_at_ms)
                .cmp(&(b.receipt.id.as_str(), b.receipt.decided_at_ms))
        });
        let receipts: Vec<(Receipt, i64)> = batch
            .iter()
            .map(|j| (j.receipt.clone(), j.received_at_ms))
            .collect();
        let result = db.insert(&receipts).await;
        {
            let mut outage = outage.lock().unwrap_or_else(|e| e.into_inner());
            match &result {
                // Only a receipt newly stored proves that writes work: a
                // batch of duplicates commits without writing (`db.rs`).
                Ok(outcomes) if outcomes.contains(&Outcome::Stored) => {
                    outage.stored(Instant::now())
                }
                Ok(_) => {}
                Err(e) => outage.refused(e, batch.len(), Instant::now()),
            }
        }
        match result {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                for job in batch {
                    let _ = job.reply.send(Err(e.clone()));
                }
            }
        }
    }
}

/// The log of a database outage, shared by the writers. One line per
/// refused batch would flood the log under load (hundreds a second, each
/// alike, burying everything else and filling its disk). So the first
/// refused batch is logged at ERROR with its reason; then at most one ERROR
/// line per [`OUTAGE_LINE_EVERY`], with the batches and receipts refused
/// since the last line and the latest reason (it may change: a full disk,
/// then a missing file); and one INFO line when a receipt is stored again,
/// with how long it lasted and every receipt it refused. A summary is
/// written by the first refusal after the minute: an outage with no
/// traffic writes none.
#[derive(Default)]
struct Outage(Option<Down>);

struct Down {
    began: Instant,
    /// When the last line about this outage was written.
    logged: Instant,
    /// Refused since that line.
    batches: u64,
    receipts: u64,
    /// Refused since the outage began.
    total: u64,
}

impl Outage {
    fn refused(&mut self, error: &Unavailable, receipts: usize, now: Instant) {
        let receipts = receipts as u64;
        let Some(down) = &mut self.0 else {
            tracing::error!(
                error = %error,
                receipts,
                "could not store a batch of receipts; until writes work again, further refusals are counted in one line a minute"
            );
            self.0 = Some(Down {
                began: now,
                logged: now,
                batches: 0,
                receipts: 0,
                total: receipts,
            });
            return;
        };
        down.batches += 1;
        down.receipts += receipts;
        down.total += receipts;
        let since = now.saturating_duration_since(down.logged);
        if since >= OUTAGE_LINE_EVERY {
            tracing::error!(
                error = %error,
                batches = down.batches,
                receipts = down.receipts,
                seconds = since.as_secs(),
                "still cannot store receipts: refused since the last line"
            );
            down.logged = now;
            down.batches = 0;
            down.receipts = 0;
        }
    }

    /// A receipt was newly stored: the outage, if any, is over.
    fn stored(&mut self, now: Instant) {
        if let Some(down) = self.0.take() {
            tracing::info!(
                seconds = now.saturating_duration_since(down.began).as_secs(),
                receipts_refused = down.total,
                "receipts are stored again"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_log::captured;

    #[test]
    fn an_outage_is_logged_once_a_minute_not_once_a_batch() {
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let full = Unavailable::new("database or disk is full");
        let gone = Unavailable::new("the database file x.sqlite3 is missing");
        let mut outage = Outage::default();
        let log = captured(|| {
            outage.refused(&full, 3, at(0));
            for s in 1..60 {
                outage.refused(&full, 2, at(s)); // counted, not logged
            }
            outage.refused(&gone, 1, at(60)); // a minute on: one line
            outage.refused(&full, 5, at(61));
            outage.stored(at(90));
            outage.stored(at(91)); // no outage: nothing to say
            outage.refused(&full, 1, at(100)); // a new outage
        });
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 4, "{log}");
        let expected: [&[&str]; 4] = [
            &["ERROR", "could not store", "disk is full", "receipts=3"],
            &[
                "ERROR",
                "still cannot",
                "missing",
                "batches=60",
                "receipts=119",
                "seconds=60",
            ],
            &["INFO", "stored again", "seconds=90", "receipts_refused=127"],
            &["ERROR", "could not store", "receipts=1"],
        ];
        for (line, parts) in lines.iter().zip(expected) {
            for part in parts {
                assert!(line.contains(part), "no {part:?} in {line}\n{log}");
            }
        }
    }
}
