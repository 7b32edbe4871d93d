//! One clear console message when the widget hits a bug.
//!
//! With `panic = "abort"` a panic in wasm becomes a bare `RuntimeError:
//! unreachable` that names neither us nor the cause. Where the build keeps
//! panic messages, this hook logs one `console.error` that does, before the
//! abort. (A `panic=immediate-abort` build drops messages and hooks alike; the
//! loader's own catch still reports the failure.) No extra crate, and no
//! chaining to the previous hook or `Display` of the whole `PanicHookInfo`:
//! those cost ~6 KB of wasm, this ~0.7 KB (0.4 KB brotli).

/// Installs the hook (again on a second boot call: harmless). Not in a
/// `panic=immediate-abort` build, where no hook ever runs: there it would
/// only ship the hook's code. (The core has no Yew renderer that would
/// replace it; the tool's module is a separate wasm with its own.)
pub fn install() {
    #[cfg(not(panic = "immediate-abort"))]
    std::panic::set_hook(Box::new(|info| {
        report(
            info.payload_as_str(),
            info.location().map(|l| (l.file(), l.line())),
        );
    }));
}

use kloudconsent_domain::text::{cat, uint};

/// Logs one panic: its message when it is plain text, and where it happened.
pub fn report(what: Option<&str>, at: Option<(&str, u32)>) {
    let at = at
        .map(|(file, line)| cat(&[" at ", file, ":", &uint(line.into())]))
        .unwrap_or_default();
    super::console::error(&cat(&[
        "kloudconsent: internal error (",
        what.unwrap_or("panic"),
        &at,
        "); gated scripts not yet released stay blocked. Please report this to the KloudConsent project.",
    ]));
}
