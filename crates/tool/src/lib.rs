//! KloudConsent's preference tool: the Yew dialog that lists every category
//! with its switch, compiled to its own wasm and fetched by the core only
//! when a visitor first opens it (most page views never do).
//!
//! It shows what the core hands it (a [`ToolModel`]) and sends the visitor's
//! choices back through `host`; it never decides, never reads storage. The
//! JS surface is in `exports` (`mount`, `update`, `unmount`); docs/tool.md
//! has the hand-over.
//!
//! [`ToolModel`]: kloudconsent_domain::tool_model::ToolModel

#![warn(missing_docs)]
pub mod draft;

#[cfg(target_arch = "wasm32")]
mod category;
#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod focus;
#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)] // Public for the browser tests only.
pub mod model;
#[cfg(target_arch = "wasm32")]
mod preferences;
#[cfg(target_arch = "wasm32")]
mod style;
#[cfg(target_arch = "wasm32")]
mod switch;

#[cfg(target_arch = "wasm32")]
pub use exports::{mount, unmount, update};

/// The allocator: talc instead of Rust's default dlmalloc port, for size
/// (the core measured ~4 KB less wasm, 1.7 KB brotli) on the single-threaded
/// wasm target.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
