//! The preference tool through its JS surface (`mount`, `update`,
//! `unmount`), in a real browser: each test mounts into a fresh root inside
//! a fresh open shadow root, clicks what a visitor clicks and checks what
//! reaches `host`. Run with wasm-bindgen-test in headless Chromium or
//! Firefox ESR: see docs/tool.md.
#![cfg(target_arch = "wasm32")]
// The tests build their host page through `web_sys::window()`; the root
// clippy.toml refuses it for the shipped code's size, which tests are not.
#![allow(clippy::disallowed_methods)]

mod dialog;
mod focus;
mod model;
mod support;
mod surface;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
