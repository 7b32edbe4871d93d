//! What Yew 0.23 takes from gloo in a browser build, and nothing else:
//! [`utils::document`] and [`console::error!`](crate::console::error)
//! (and `console::log!`, for Yew's own layout tests under its `test`
//! feature, which the tool's browser tests turn on).
//!
//! gloo's `document()` is `web_sys::window()` (a search of `globalThis`,
//! `global`, `self` and `window` for the global object, then an
//! `instanceof Window` check) followed by `.document`. The page's
//! `document` is a global binding that a page cannot replace (it is
//! unforgeable), so here it is read once, directly.

#[cfg(target_arch = "wasm32")]
pub mod utils {
    //! The page's document.
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(thread_local_v2, js_name = document)]
        static DOCUMENT: web_sys::Document;
    }

    /// The page's `document`.
    pub fn document() -> web_sys::Document {
        DOCUMENT.with(Clone::clone)
    }
}

#[cfg(target_arch = "wasm32")]
pub mod console {
    //! `console.error` and `console.log` with any number of values, as
    //! gloo-console's macros.
    use wasm_bindgen::prelude::*;

    #[doc(hidden)]
    pub use wasm_bindgen::JsValue;

    pub use crate::__gloo_console_error as error;
    pub use crate::__gloo_console_log as log;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console, js_name = error, variadic)]
        fn console_error(values: &js_sys::Array);
        #[wasm_bindgen(js_namespace = console, js_name = log, variadic)]
        fn console_log(values: &js_sys::Array);
    }

    /// Logs `values` on one `console.error` line, each as the console
    /// shows it (an element as an element, not as text).
    #[doc(hidden)]
    pub fn error_values(values: &[JsValue]) {
        console_error(&values.iter().collect());
    }

    /// As [`error_values`], on `console.log`.
    #[doc(hidden)]
    pub fn log_values(values: &[JsValue]) {
        console_log(&values.iter().collect());
    }
}

/// `gloo::console::error!(a, b, ...)`: each argument converted with
/// `JsValue::from`, all logged on one line.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
#[macro_export]
macro_rules! __gloo_console_error {
    ($($value:expr),+ $(,)?) => {
        $crate::console::error_values(&[$($crate::console::JsValue::from($value)),+])
    };
}

/// `gloo::console::log!(a, b, ...)`, as [`__gloo_console_error`].
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
#[macro_export]
macro_rules! __gloo_console_log {
    ($($value:expr),+ $(,)?) => {
        $crate::console::log_values(&[$($crate::console::JsValue::from($value)),+])
    };
}
