//! Thin adapters over web-sys. Each one turns the browser's refusals (a
//! throwing getter, a missing API, a sandboxed frame) into `None`/`Err` and
//! never panics: in wasm a panic kills the widget for the whole page.

pub mod clock;
pub mod console;
pub mod cookie;
pub mod dom;
pub mod json;
pub mod panic;
pub mod signals;
pub mod storage;
