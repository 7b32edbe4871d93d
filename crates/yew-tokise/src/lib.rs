//! `spawn_local` for Yew: runs a future on the page's one thread, polled
//! from a microtask, and again from a microtask each time it is woken.
//!
//! Yew 0.23 reaches its async runtime through tokise (`yew::platform` is
//! `pub use tokise::*`). With only the `csr` feature (the preference
//! tool's), the one item it uses is [`spawn_local`]: the scheduler starts
//! itself with `spawn_local(async { run_scheduler(..) })`, a future that is
//! done on its first poll, and `Suspension::from_future` would spawn one a
//! component gives. Server rendering (`Runtime`, `LocalHandle`, `fmt`,
//! `pinned`, `time`) is not here: the tool never renders on a server.
//!
//! The original delegates to js-sys's executor, which ships a task queue,
//! a promise per wake-up and probes of `globalThis`, `global`, `self` and
//! `window` for `queueMicrotask`. `queueMicrotask` is in every browser the
//! widget supports (docs/browsers.md), so this calls it directly. Timing is
//! the same: the first poll runs once the current JS task's synchronous
//! code and the microtasks already queued are done.

#[cfg(target_arch = "wasm32")]
mod microtask;

#[cfg(target_arch = "wasm32")]
pub use microtask::spawn_local;
