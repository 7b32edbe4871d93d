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
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::task::JoinHandle;

/// Most receipts committed together.
const MAX_BATCH: usize = 256;
/// Receipts waiting for a writer before new ones wait for room.
const QUEUE: usize = 8192;

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
        let workers = match db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        let handles = (0..workers)
            .map(|_| tokio::spawn(work(db.clone(), jobs.clone())))
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

async fn work(db: Arc<Database>, jobs: Arc<Mutex<mpsc::Receiver<Job>>>) {
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
        let receipts: Vec<(Receipt, i64)> = batch
            .iter()
            .map(|j| (j.receipt.clone(), j.received_at_ms))
            .collect();
        match db.insert(&receipts).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, receipts = batch.len(), "could not store a batch of receipts");
                for job in batch {
                    let _ = job.reply.send(Err(e.clone()));
                }
            }
        }
    }
}
