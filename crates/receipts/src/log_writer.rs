//! Where the service's log goes: standard error, written so that a reader
//! that went away cannot stop the service.

use std::io::{self, Write};

/// Standard error, reporting every write as done. When the log's reader is
/// gone (journald restarting, a log shipper that died, `... | head`), a
/// write fails with a broken pipe; tracing-subscriber reports a failed write
/// with `eprintln!`, which panics on that same broken stderr, so every
/// `tracing` call would panic: the stop task before it starts the shutdown
/// (SIGTERM ignored), the panic guard before it answers 500 (an erasure
/// that worked answered by a dropped connection), the hourly purge.
/// Losing log lines is the lesser harm.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stderr;

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = io::stderr().flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_reports_success() {
        let mut log = Stderr;
        assert_eq!(log.write(b"").unwrap(), 0);
        assert_eq!(
            log.write(b"kloudconsent-receipts: a test line\n").unwrap(),
            35
        );
        log.flush().unwrap();
    }
}
