//! One clear console message when the widget hits a bug.
//!
//! With `panic = "abort"` a panic in wasm becomes a bare `RuntimeError:
//! unreachable` that names neither us nor the cause. Where the build keeps
//! panic messages, this hook logs one `console.error` that does, before the
//! abort. (A `panic=immediate-abort` build drops messages and hooks alike; the
//! loader's own catch still reports the failure.) No extra crate: a
//! console_error_panic_hook-style hook is three lines.

use std::sync::Once;

/// Installs the hook once per page, chaining to whatever hook was there (so a
/// test harness that records panics keeps working).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            super::console::error(&message(&info.to_string()));
            previous(info);
        }));
    });
}

/// The text logged for a panic whose `Display` is `what`.
pub fn message(what: &str) -> String {
    format!(
        "kloudconsent: internal error ({what}); gated scripts not yet released stay \
         blocked. Please report this to the KloudConsent project."
    )
}
