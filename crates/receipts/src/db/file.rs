//! The SQLite file and its write-ahead log under a running service.
//!
//! A SQLite database in WAL mode is three files: the database, its log
//! (`-wal`, where every commit lands first) and the log's index (`-shm`).
//! A receipt answered 201 may be only in the log until a checkpoint copies
//! it into the database file. So the service must notice when any of these
//! is moved, deleted or replaced under it, or receipts it answered as
//! stored are lost at the next restart:
//!
//! - The database file moved or deleted: SQLite goes on writing into the
//!   nameless file. Everything is refused until the file is back, and what
//!   the log holds is first checkpointed into the moved file (its open
//!   handle still points there), so that the moved file alone is complete.
//! - Another file at the path (a restored backup): refused until a restart
//!   opens it; the old file's log is removed so that it is never replayed
//!   into the new file.
//! - The log or its index removed or replaced (a clean-up script): the
//!   running connections keep the nameless log, and a restart would find
//!   none, losing every receipt since the last checkpoint. It is
//!   checkpointed into the database file at once, and everything is
//!   refused until a restart (a new connection would start a fresh log
//!   while the index still points into the old one).
//!
//! Comparing the log's identity only works if SQLite never replaces it on
//! its own. It deletes the log when its last connection closes, and the
//! pools close idle connections; so [`SqliteFile`] keeps a connection of
//! its own, the anchor, open (with the log open) for the database's whole
//! life: the log and its index then stay the same files until shutdown.
//! The anchor is also what checkpoints a lost log: it still holds it, and
//! the pools must not open a new connection to do it.

use super::{sqlite_pragmas, sqlite_url, Result, Unavailable};
use sqlx::{AnyConnection, Connection, Executor, Row};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Device and inode: what a path names.
type Identity = (u64, u64);

/// The SQLite file as it was when opened, and the anchor that keeps its
/// log in place (see the module's notes).
pub(super) struct SqliteFile {
    path: PathBuf,
    identity: Identity,
    /// The log and its index (`-wal`, `-shm`) as opened; when another file
    /// replaces the database, the ones still to remove (they are the old
    /// file's, and must not meet the new one).
    log: Mutex<[Option<Identity>; 2]>,
    /// The log as opened, which the anchor keeps in place.
    log_at_open: [Option<Identity>; 2],
    /// The connection that holds the log open; `None` once closed.
    anchor: tokio::sync::Mutex<Option<AnyConnection>>,
    /// Set once the log was found removed or replaced: why everything is
    /// refused until a restart.
    log_lost: Mutex<Option<String>>,
    /// A lost log was checkpointed into the database file.
    log_saved: AtomicBool,
    /// The log was checkpointed into the moved file during this absence.
    saved_while_missing: AtomicBool,
}

impl SqliteFile {
    /// Records the file at `path` (opened and migrated by the pools, so in
    /// WAL mode) and opens the anchor, with one read through it so that it
    /// has the log open.
    pub(super) async fn open(path: PathBuf) -> std::result::Result<SqliteFile, String> {
        let identity = file_identity(&path)
            .ok_or_else(|| format!("the database file {} did not appear", path.display()))?;
        let anchor = async {
            let mut conn = AnyConnection::connect(&sqlite_url(&path)).await?;
            sqlite_pragmas(&mut conn).await?;
            conn.execute("SELECT count(*) FROM sqlite_master").await?;
            Ok::<_, sqlx::Error>(conn)
        };
        let anchor = anchor
            .await
            .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
        let log_at_open = log_paths(&path).map(|p| file_identity(&p));
        Ok(SqliteFile {
            path,
            identity,
            log: Mutex::new(log_at_open),
            log_at_open,
            anchor: tokio::sync::Mutex::new(Some(anchor)),
            log_lost: Mutex::new(None),
            log_saved: AtomicBool::new(false),
            saved_while_missing: AtomicBool::new(false),
        })
    }

    /// Whether the path still names the open file, and its log the open
    /// log; if not, the database is unavailable (see the module's notes).
    pub(super) async fn check(&self) -> Result<()> {
        if let Some(reason) = self.lost() {
            self.save_lost_log().await;
            return Err(Unavailable::new(reason));
        }
        match file_identity(&self.path) {
            None => Err(self.missing().await),
            Some(now) if now != self.identity => Err(self.replaced()),
            Some(_) => {
                self.saved_while_missing.store(false, Ordering::Relaxed);
                self.check_log().await
            }
        }
    }

    /// Closes the anchor, after the pools: the last connection to close
    /// checkpoints the log and removes it.
    pub(super) async fn close(&self) {
        if let Some(anchor) = self.anchor.lock().await.take() {
            if let Err(e) = anchor.close().await {
                tracing::warn!(error = %e, "could not close the database's anchor connection");
            }
        }
    }

    fn lost(&self) -> Option<String> {
        self.log_lost
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The file is gone from its path: what the log holds is copied into
    /// the file where it is now (once an absence), so that whoever finds
    /// it there, or puts it back, has every receipt answered as stored.
    async fn missing(&self) -> Unavailable {
        if !self.saved_while_missing.load(Ordering::Relaxed) {
            match self.checkpoint().await {
                Ok(()) => {
                    self.saved_while_missing.store(true, Ordering::Relaxed);
                    tracing::error!(path = %self.path.display(), "the database file is missing (moved or deleted?); its log was checkpointed into it where it is now; receipts are refused until it is back");
                }
                Err(e) => {
                    tracing::error!(path = %self.path.display(), error = %e, "the database file is missing (moved or deleted?), and its log could not be checkpointed into it yet")
                }
            }
        }
        Unavailable::new(format!(
            "the database file {} is missing (moved or deleted?); receipts are refused until it is back",
            self.path.display()
        ))
    }

    /// Another file stands at the path. The old file's log, still named
    /// after the path, would be replayed into the new file by the next
    /// connection to open it (the restart's): it goes now. A log that is
    /// not the one opened (the operator restored one with the backup) is
    /// left alone.
    fn replaced(&self) -> Unavailable {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        for (path, seen) in log_paths(&self.path).iter().zip(log.iter_mut()) {
            if seen.is_some() && file_identity(path) == *seen {
                match std::fs::remove_file(path) {
                    Ok(()) => {
                        tracing::warn!(path = %path.display(), "the replaced database file's log was removed")
                    }
                    Err(e) => {
                        tracing::error!(path = %path.display(), error = %e, "could not remove the replaced database file's log; remove it before restarting")
                    }
                }
                *seen = None;
            }
        }
        Unavailable::new(format!(
            "the database file {} was replaced while the service runs (a restored backup?); receipts are refused until the service is restarted, which opens the new file (writing on would corrupt it)",
            self.path.display()
        ))
    }

    /// The log or its index is no longer the one opened: everything is
    /// refused until a restart (logged once), and the log the anchor
    /// still holds is checkpointed into the database file.
    async fn check_log(&self) -> Result<()> {
        if log_paths(&self.path).map(|p| file_identity(&p)) == self.log_at_open {
            return Ok(());
        }
        let reason = format!(
            "the database's write-ahead log {}-wal (or its index -shm) was removed or replaced while the service runs; receipts are refused until the service is restarted",
            self.path.display()
        );
        let first = {
            let mut lost = self.log_lost.lock().unwrap_or_else(|e| e.into_inner());
            lost.replace(reason.clone()).is_none()
        };
        if first {
            tracing::error!(path = %self.path.display(), "{reason}");
        }
        self.save_lost_log().await;
        Err(Unavailable::new(reason))
    }

    /// Checkpoints a lost log into the database file, until that worked
    /// (readers on an old snapshot can hold it up for a while).
    async fn save_lost_log(&self) {
        if self.log_saved.load(Ordering::Relaxed) {
            return;
        }
        match self.checkpoint().await {
            Ok(()) => {
                if !self.log_saved.swap(true, Ordering::Relaxed) {
                    tracing::error!(path = %self.path.display(), "every receipt answered as stored was checkpointed from the lost log into the database file: restart the service")
                }
            }
            Err(e) => {
                tracing::error!(path = %self.path.display(), error = %e, "the lost log could not be checkpointed into the database file yet (retried at the next request); do not kill the service: SIGTERM checkpoints it too")
            }
        }
    }

    /// Copies the whole log into the database file through the anchor,
    /// the one connection sure to hold the log that was opened.
    async fn checkpoint(&self) -> std::result::Result<(), String> {
        let mut anchor = self.anchor.lock().await;
        let conn = anchor.as_mut().ok_or("the database is closed")?;
        let row = sqlx::query("PRAGMA wal_checkpoint(FULL)")
            .fetch_one(conn)
            .await
            .map_err(|e| e.to_string())?;
        let busy: i64 = row.try_get(0).map_err(|e| e.to_string())?;
        let (frames, copied): (i64, i64) = (
            row.try_get(1).map_err(|e| e.to_string())?,
            row.try_get(2).map_err(|e| e.to_string())?,
        );
        if busy != 0 || copied < frames {
            return Err(format!(
                "the checkpoint copied {copied} of {frames} log frames (readers in the way)"
            ));
        }
        Ok(())
    }
}

/// Refuses a database path whose file is missing while a log with
/// content is there: the file was moved or deleted while a service had it
/// open, and the log holds receipts that are not in any file. Opening the
/// path would create a new, empty database, and SQLite would throw that
/// log away as not its own.
pub(super) fn refuse_orphaned_log(path: &Path) -> std::result::Result<(), String> {
    if path.exists() {
        return Ok(());
    }
    let [wal, shm] = log_paths(path);
    match std::fs::metadata(&wal) {
        Ok(log) if log.len() > 0 => Err(format!(
            "the database file {} is missing, but its write-ahead log {} ({} bytes) is there: the file was moved or deleted while in use, and receipts stored since its last checkpoint may be only in that log. Put the database file back beside its log and start again; or, to start with an empty database and lose what the log holds, remove {} and {}",
            path.display(),
            wal.display(),
            log.len(),
            wal.display(),
            shm.display()
        )),
        _ => Ok(()),
    }
}

fn log_paths(path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut name = path.to_path_buf().into_os_string();
        name.push(suffix);
        PathBuf::from(name)
    })
}

fn file_identity(path: &Path) -> Option<Identity> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}
