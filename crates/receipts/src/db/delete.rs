//! Deleting receipts: a visitor's erasure request and the retention purge.
//!
//! A deleted receipt must be gone from the disk, not merely unlinked: a
//! privacy review found purged consent ids with `strings` on the SQLite
//! file. Two things keep them there, and both are dealt with:
//!
//! - SQLite marks a deleted row's space free and leaves its bytes. Every
//!   connection runs with `secure_delete` (set in `connect`), which
//!   overwrites them with zeros.
//! - In WAL mode a delete is written to the log (`-wal`) first; the page as
//!   it was, id and all, stays in the main file until a checkpoint copies
//!   the new page over it, and the log's older frames hold the id too until
//!   they are overwritten. So after each delete commits, [`scrub_log`]
//!   checkpoints the whole log into the file and truncates it to nothing.
//!
//! PostgreSQL keeps a deleted row's old version on disk until VACUUM (run
//! by autovacuum) reclaims its space; nothing here hurries that.

use super::{Backend, Database, Result, Unavailable, BUSY_TIMEOUT};
use sqlx::{AnyPool, Row};
use std::time::Duration;

/// Receipts the purge looks at per statement, so that each holds the write
/// lock only briefly and receipts keep flowing meanwhile.
const CHUNK: i64 = 5000;

/// Where the purge's next slice ends: the arrival time `CHUNK` receipts on
/// (index `receipts_by_received_at`).
const SLICE_END: &str =
    "SELECT received_at FROM receipts WHERE received_at >= $1 AND received_at < $2 \
                         ORDER BY received_at LIMIT 1 OFFSET $3";

/// The receipts of one slice of arrival times that retention deletes: all
/// but the last to arrive of each consent id (the decision in force, the
/// same order as a lookup's) while it has not expired. Whether a later one
/// arrived is a probe of index `receipts_by_consent_arrival`.
const PURGE: &str = "DELETE FROM receipts WHERE received_at >= $1 AND received_at < $2 \
                     AND (expires_at <= $3 OR EXISTS (SELECT 1 FROM receipts AS later \
                     WHERE later.consent_id = receipts.consent_id \
                     AND (later.received_at > receipts.received_at \
                     OR (later.received_at = receipts.received_at AND later.decided_at > receipts.decided_at))))";

/// How long a checkpoint waits for readers still on the old log (a long
/// export, say) before giving up for now. Receipts wait for it (it holds
/// the one writing connection), so it is short.
const CHECKPOINT_WAIT: &str = "PRAGMA busy_timeout = 250";
/// A checkpoint that found readers in the way is tried again this often...
const RETRY_EVERY: Duration = Duration::from_secs(5);
/// ...this many times (ten minutes), then left to the next deletion.
const RETRIES: u32 = 120;

impl Database {
    /// Deletes every receipt of `consent_id` and says how many there were.
    /// Answered once the deletion is committed and, on SQLite, scrubbed
    /// from the file (see the module's notes).
    pub async fn erase(&self, consent_id: &str) -> Result<u64> {
        let outcome = self.erase_once(consent_id).await;
        self.wrote(outcome.as_ref().map(|&deleted| deleted > 0));
        outcome
    }

    async fn erase_once(&self, consent_id: &str) -> Result<u64> {
        self.check_file().await?;
        let deleted = sqlx::query("DELETE FROM receipts WHERE consent_id = $1")
            .bind(consent_id.to_owned())
            .execute(&self.pools.writer)
            .await?
            .rows_affected();
        // The file may have been moved away meanwhile: then the deletion
        // went into a nameless file, and the one put back still holds them.
        self.check_file().await?;
        if deleted > 0 {
            self.scrub_log().await;
        }
        Ok(deleted)
    }

    /// Deletes the receipts that arrived before `before` (Unix ms), except
    /// the last to arrive of each consent id while it expires after `now`:
    /// that one proves the decision in force, and goes once it has expired.
    /// Walks the arrival times in slices of about [`CHUNK`] receipts, so
    /// each statement is short and the receipts it keeps are never read
    /// again by the next.
    pub async fn purge(&self, before: i64, now: i64) -> Result<u64> {
        let mut total = 0;
        let mut from = i64::MIN;
        loop {
            self.check_file().await?;
            let rows = sqlx::query(SLICE_END)
                .bind(from)
                .bind(before)
                .bind(CHUNK - 1)
                .fetch_all(&self.pools.writer)
                .await?;
            let end: Option<i64> = rows.first().map(|row| row.try_get(0)).transpose()?;
            // Receipts that arrived in the same millisecond as `end` are in
            // this slice too, so every slice moves on.
            let to = end.map_or(before, |end| end + 1);
            total += sqlx::query(PURGE)
                .bind(from)
                .bind(to)
                .bind(now)
                .execute(&self.pools.writer)
                .await?
                .rows_affected();
            if end.is_none() {
                break;
            }
            from = to;
        }
        if total > 0 {
            self.scrub_log().await;
        }
        Ok(total)
    }

    /// SQLite: copies the write-ahead log into the file and empties it, so
    /// that the pages as they were before a deletion are left nowhere. A
    /// reader still on the old log (an export under way) makes the
    /// checkpoint "busy": that is no failure of the deletion, which is
    /// committed; it is tried again in the background.
    async fn scrub_log(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        match checkpoint(&self.pools.writer).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(
                    "readers kept the write-ahead log busy; emptying it in the background"
                );
                tokio::spawn(retry_checkpoint(self.pools.writer.clone()));
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not empty the write-ahead log after a deletion; the next deletion tries again")
            }
        }
    }
}

/// One truncating checkpoint on the writing connection: `Ok(true)` when the
/// log is now empty, `Ok(false)` when readers kept it busy.
async fn checkpoint(pool: &AnyPool) -> Result<bool> {
    let mut conn = pool.acquire().await?;
    sqlx::query(CHECKPOINT_WAIT).execute(&mut *conn).await?;
    let outcome = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_all(&mut *conn)
        .await;
    if sqlx::query(BUSY_TIMEOUT).execute(&mut *conn).await.is_err() {
        // Not back to the usual wait: the pool opens a fresh connection.
        let _ = conn.close().await;
    }
    let rows = outcome?;
    let row = rows
        .first()
        .ok_or_else(|| Unavailable::new("wal_checkpoint returned no row"))?;
    let busy: i64 = row.try_get(0)?;
    Ok(busy == 0)
}

async fn retry_checkpoint(pool: AnyPool) {
    for _ in 0..RETRIES {
        tokio::time::sleep(RETRY_EVERY).await;
        if pool.is_closed() {
            return; // stopping: closing the last connection empties the log
        }
        match checkpoint(&pool).await {
            Ok(true) => return,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not empty the write-ahead log after a deletion; the next deletion tries again");
                return;
            }
        }
    }
    tracing::warn!(
        minutes = RETRIES * RETRY_EVERY.as_secs() as u32 / 60,
        "readers kept the write-ahead log busy: deleted receipts may stay in it until the next deletion or a restart"
    );
}

#[cfg(test)]
mod tests {
    use super::super::{Options, HISTORY, SELECT};
    use super::*;

    /// The purge and the lookup read indexes only: no scan of the table,
    /// no sort, however many receipts it holds.
    #[tokio::test]
    async fn purge_and_lookup_use_indexes() {
        let dir =
            std::env::temp_dir().join(format!("kloudconsent-receipts-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite:{}", dir.join("plan.sqlite3").display());
        let options = Options {
            timeout: Duration::from_secs(5),
            max_connections: 1,
        };
        let db = Database::open(&url, options).await.unwrap();
        let history = format!("{SELECT} {HISTORY}");
        for sql in [SLICE_END, PURGE, history.as_str()] {
            let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&db.pools.reader)
                .await
                .unwrap()
                .iter()
                .map(|row| row.get::<String, _>(3))
                .collect();
            assert!(
                plan.iter()
                    .all(|step| !step.starts_with("SCAN") && !step.contains("TEMP B-TREE")),
                "{sql}\n{plan:#?}"
            );
            assert!(plan.iter().any(|step| step.contains("INDEX")), "{plan:#?}");
        }
        assert!(
            sqlx::query(&format!("EXPLAIN QUERY PLAN {PURGE}"))
                .fetch_all(&db.pools.reader)
                .await
                .unwrap()
                .iter()
                .any(|row| row
                    .get::<String, _>(3)
                    .contains("receipts_by_consent_arrival")),
            "a later receipt of the id is looked up in the index"
        );
        db.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
