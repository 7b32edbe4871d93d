//! KloudConsent's core: what every page that embeds the widget loads.
//!
//! Three layers, data flowing one way (see CONTRIBUTING.md, "Code layout"):
//! - [`domain`] (crates/domain): the pure consent engine, host-tested with
//!   plain `cargo test`, shared with the preference tool.
//! - `browser`: thin adapters over web-sys (storage, cookie, signals, events,
//!   gated scripts and embeds); every call that can throw is turned into
//!   `Option`/`Result`.
//! - `ui`: the banner and the small loading/failure dialogs, drawn directly
//!   with web-sys in an open shadow root.
//!
//! `page` owns the page's live state and performs every effect; `tool`
//! bridges to the preference tool, a Yew component in its own wasm
//! (crates/tool) fetched the first time it is opened.

#![warn(missing_docs)]
/// The pure engine, shared with the preference tool (crates/domain).
pub use kloudconsent_domain as domain;

// Public only so the browser tests in tests/ can reach them; not an API.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod browser;
#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod gating;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
mod tool;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod ui;

/// The allocator: talc instead of Rust's default dlmalloc port, for size
/// (~4 KB less wasm, 1.7 KB brotli) on the single-threaded wasm target.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
