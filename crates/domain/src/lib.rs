//! The consent engine: pure Rust (std only), no web-sys, no yew.
//!
//! Everything the contract decides lives here, so that every rule is testable
//! with plain `cargo test` on the host. Time (`now_ms`, Unix milliseconds) and
//! the random consent id are passed in by the caller: nothing here reads a clock
//! or a random source.

#![warn(missing_docs)]

pub mod category;
pub mod choices;
pub mod config;
pub mod consent_mode;
pub mod cookies;
pub mod decision;
pub mod embeds;
pub mod gating;
pub mod grants;
pub mod language;
pub mod record;
pub mod screen;
pub mod text;
pub mod time;
pub mod tool_model;

pub use category::Category;
pub use config::{Config, ConfigError};
pub use decision::{Choice, Consent, Loaded, Signals};
pub use gating::{Gate, Verdict};
pub use grants::Grants;
pub use record::{ConsentRecord, Method, RecordError};

#[cfg(test)]
mod test_support;

pub use text::join;
