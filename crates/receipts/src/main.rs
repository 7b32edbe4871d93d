//! `kloudconsent-receipts`: see `docs/receipts.md`, or run with `--help`.

// A panicking request must be caught and answered 500 (http/mod.rs); with
// panic=abort it would kill the service instead.
#[cfg(panic = "abort")]
compile_error!(
    "build kloudconsent-receipts with `--profile service` (or the dev profile): \
     the release profile aborts on panic, tuned for the widget's wasm"
);

use clap::Parser;
use kloudconsent_receipts::{config::Args, log_writer, server};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(|| log_writer::Stderr)
        .with_ansi(std::io::stderr().is_terminal())
        // sqlx's own warning for a slow statement is left out by default:
        // every large export is one, by design (RUST_LOG brings it back).
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx::query=error".into()),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "kloudconsent-receipts: cannot start the async runtime: {e}"
            );
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "kloudconsent-receipts: {e}");
            ExitCode::FAILURE
        }
    }
}
