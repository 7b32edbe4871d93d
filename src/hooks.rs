//! What the loader's JS does for the engine (www/hooks.js): wiring the
//! page's events to the engine's exports, and a few DOM chores. Every rule
//! stays here in the wasm; these are the hands. Each listener made in the
//! wasm would cost a closure type of its own (shims in the wasm and in the
//! glue), and each DOM call a string crossing: the same in JS is a few lines
//! of the script every page loads anyway.

use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};

#[wasm_bindgen]
extern "C" {
    /// The loader's `hooks` object.
    #[derive(Clone)]
    pub type Hooks;

    /// Connects the controls of the widget's shadow root to `kc_do` (`DO_ACTION` in www/loader.js).
    #[wasm_bindgen(method)]
    pub fn listen(this: &Hooks, root: &ShadowRoot);

    /// Keeps `frame` (the layer every part of the widget is placed in) on
    /// the visible screen: moved and sized to `window.visualViewport` now
    /// and on each of its resize and scroll events. A host page wider than
    /// a phone's screen, pinch zoom or an on-screen keyboard would otherwise
    /// put a fixed banner's buttons off the screen. No-op where the browser
    /// has no `visualViewport` (the stylesheet's fixed frame stays).
    #[wasm_bindgen(method)]
    pub fn follow(this: &Hooks, frame: &Element);

    /// Fits `frame` to the visual viewport as it is now (a layer is added).
    #[wasm_bindgen(method)]
    pub fn fit(this: &Hooks, frame: &Element);

    /// Calls `kc_do(act::DRAW)` in a later task of its own (www/loader.js, `nextTask`).
    #[wasm_bindgen(method)]
    pub fn soon(this: &Hooks);

    /// Calls `kc_do(act::PREFETCH)` once the page is idle.
    #[wasm_bindgen(method)]
    pub fn idle(this: &Hooks);

    /// Fetches the preference tool; answers with `kc_tool_loaded` or
    /// `kc_tool_failed` (the reason names the URL).
    #[wasm_bindgen(method, js_name = loadTool)]
    pub fn load_tool(this: &Hooks);

    /// Dispatches `kloudconsent:<name>` with `detail` parsed from `json`.
    #[wasm_bindgen(method, catch)]
    pub fn emit(this: &Hooks, name: &str, json: &str) -> Result<(), JsValue>;

    /// Makes the page behind the widget's `host` inert, or releases it.
    #[wasm_bindgen(method)]
    pub fn inert(this: &Hooks, host: &Element, on: bool);

    /// Brings gated scripts and embeds in line with the consent in force
    /// (www/gating.js); `revoked` lists the ids just taken back.
    #[wasm_bindgen(method)]
    pub fn gate(this: &Hooks, revoked: &str);

    /// `gtag('consent', command, JSON.parse(json))` through the page's own
    /// `gtag` or an `arguments` object pushed to `dataLayer` (GTM ignores
    /// plain arrays, and Rust cannot build one). `default` commands are
    /// dropped when the loader already sent the defaults from an inline
    /// config.
    #[wasm_bindgen(method)]
    pub fn gtag(this: &Hooks, command: &str, json: &str);

    /// `dataLayer.push(JSON.parse(json))`, through whatever `push` the array
    /// has now (GTM replaces it with its own).
    #[wasm_bindgen(method)]
    pub fn push(this: &Hooks, json: &str);

    /// Moves focus to the page itself when it is inside the widget.
    #[wasm_bindgen(method, js_name = focusPage)]
    pub fn focus_page(this: &Hooks, root: &ShadowRoot);
}
