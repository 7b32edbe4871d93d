//! The panic hook Yew installs when the preference tool is rendered.
//!
//! Yew's `Renderer::render` sets `console_error_panic_hook::hook` unless a
//! hook was set through Yew first, so that crate's code is linked into
//! every Yew app. Its hook formats the whole `PanicHookInfo` with `Display`,
//! which brings `core::fmt` into the tool's wasm: 1.5 KB brotli together
//! with the tool's own text nodes that went through `Display` (measured
//! 2026-12-02, crates/tool). The size build (`panic=immediate-abort`) never
//! runs a hook at all, so there this is dead weight; builds that keep panic
//! messages (stable, tests) still get one `console.error` naming the cause
//! and the place, like the core's own hook (src/browser/panic.rs).
//!
//! Same public API as the crate it replaces: `hook` and `set_once`.

use std::panic::PanicHookInfo;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
#[cfg_attr(panic = "immediate-abort", allow(dead_code))]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Logs the panic's message (when it is plain text) and where it happened.
/// Empty in a `panic=immediate-abort` build, where no hook ever runs: Yew
/// still links the hook it installs, and so would ship this code.
pub fn hook(info: &PanicHookInfo) {
    #[cfg(not(panic = "immediate-abort"))]
    console_error(&message(
        info.payload_as_str(),
        info.location().map(|l| (l.file(), l.line())),
    ));
    #[cfg(panic = "immediate-abort")]
    let _ = info;
}

/// Installs [`hook`] as the panic hook.
pub fn set_once() {
    std::panic::set_hook(Box::new(hook));
}

/// The console message for a panic with `what` at `at` (file, line).
#[cfg_attr(panic = "immediate-abort", allow(dead_code))]
fn message(what: Option<&str>, at: Option<(&str, u32)>) -> String {
    let mut out = String::from("kloudconsent: internal error in the preference tool (");
    out.push_str(what.unwrap_or("panic"));
    if let Some((file, line)) = at {
        out.push_str(" at ");
        out.push_str(file);
        out.push(':');
        push_decimal(&mut out, line);
    }
    out.push_str("). Please report this to the KloudConsent project.");
    out
}

/// Appends `n` in decimal.
#[cfg_attr(panic = "immediate-abort", allow(dead_code))]
fn push_decimal(out: &mut String, n: u32) {
    let mut place = 1;
    while n / place >= 10 {
        place *= 10;
    }
    while place > 0 {
        out.push(char::from(b'0' + (n / place % 10) as u8));
        place /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::message;

    #[test]
    fn names_the_cause_and_the_place() {
        assert_eq!(
            message(Some("index out of bounds"), Some(("src/draft.rs", 1207))),
            "kloudconsent: internal error in the preference tool (index out of bounds at src/draft.rs:1207). Please report this to the KloudConsent project."
        );
        assert_eq!(
            message(None, Some(("a.rs", 0))),
            "kloudconsent: internal error in the preference tool (panic at a.rs:0). Please report this to the KloudConsent project."
        );
        assert_eq!(
            message(Some("x"), None),
            "kloudconsent: internal error in the preference tool (x). Please report this to the KloudConsent project."
        );
    }
}
