//! The consent engine: pure Rust (std only), no web-sys, no yew.
//!
//! Everything the contract decides lives here, so that every rule is testable
//! with plain `cargo test` on the host. Time (`now_ms`, Unix milliseconds) and
//! the random consent id are passed in by the caller: nothing here reads a clock
//! or a random source.

pub mod category;
pub mod choices;
pub mod config;
pub mod consent_mode;
pub mod decision;
pub mod embeds;
pub mod gating;
pub mod grants;
pub mod record;
pub mod screen;
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

/// `items` joined with `sep`, like `[S]::join`. One small loop instead of
/// std's `join`, whose generic body (~0.9 KB of wasm) would be instantiated
/// once for `String` items and once for `&str` items.
pub fn join<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_matches_std_join() {
        let strs: [&[&str]; 4] = [&[], &["a"], &["a", "b"], &["", "x", ""]];
        for items in strs {
            assert_eq!(super::join(items, "`, `"), items.join("`, `"));
            let owned: Vec<String> = items.iter().map(|s| s.to_string()).collect();
            assert_eq!(super::join(&owned, "."), owned.join("."));
        }
    }
}
