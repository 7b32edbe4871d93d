//! KloudConsent's consent receipt service.
//!
//! The widget sends one small receipt per visitor decision; this service
//! checks it strictly, stores it durably (SQLite by default, PostgreSQL for
//! several instances), and lets a privacy team look a consent id up or
//! export a date range. See `docs/receipts.md`.
//!
//! Without the default `server` feature only the receipt parser is built
//! ([`receipt`], [`json`], [`time`]): that is what the fuzz target links.

#![warn(missing_docs)]
pub mod json;
pub mod receipt;
pub mod time;

#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod http;
#[cfg(feature = "server")]
pub mod log_writer;
#[cfg(feature = "server")]
pub mod metrics;
#[cfg(feature = "server")]
pub mod rate_limit;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "server")]
pub mod write_deadline;
#[cfg(feature = "server")]
pub mod writer;

#[cfg(all(test, feature = "server"))]
mod test_log;
