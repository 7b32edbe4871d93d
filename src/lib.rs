//! KloudConsent: a cookie consent widget, a Yew component compiled to WebAssembly.
//!
//! Three layers, data flowing one way (see CONTRIBUTING.md, "Code layout"):
//! - [`domain`]: the pure consent engine (config, record, rules, gating);
//!   host-tested with plain `cargo test`.
//! - `browser`: thin adapters over web-sys (storage, cookie, signals, events,
//!   gated scripts); every call that can throw is turned into `Option`/`Result`.
//! - `ui`: Yew components rendered into an open shadow root.
//!
//! `widget` ties them together: it owns the one live consent state of the page.

/// The pure engine, shared with the preference tool (crates/domain).
pub use kloudconsent_domain as domain;

// Public only so the browser tests in tests/ can reach them; not an API.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod browser;
#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod ui;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod widget;

/// The allocator: talc instead of Rust's default dlmalloc port, for size
/// (~4 KB less wasm, 1.7 KB brotli) on the single-threaded wasm target.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
