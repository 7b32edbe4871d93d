//! What the loader's JS does for the engine (www/hooks.js): wiring the
//! page's events to the engine's exports, and a few DOM chores. Every rule
//! stays here in the wasm; these are the hands. Each listener made in the
//! wasm would cost a closure type of its own (shims in the wasm and in the
//! glue), and each DOM call a string crossing: the same in JS is a few lines
//! of the script every page loads anyway.
//!
//! The loader's `hooks` object has three methods, one per argument shape,
//! each taking what to do as a number (`RUN_*`, `NODE_*` and `SAY_*` here
//! and in www/hooks.js): each import costs a shim in the glue and an entry
//! in the wasm, so twelve chores share three (as the engine's own argument-free
//! entry points share `kc_do`). The named methods below are what the engine
//! calls.

use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};

#[wasm_bindgen]
extern "C" {
    /// The loader's `hooks` object.
    #[derive(Clone)]
    pub type Hooks;

    /// `hooks.run(what)`: a chore without arguments (`RUN_*`).
    #[wasm_bindgen(method)]
    fn run(this: &Hooks, what: u32);

    /// `hooks.node(what, node)`: a chore on one of the widget's nodes (`NODE_*`).
    #[wasm_bindgen(method)]
    fn node(this: &Hooks, what: u32, node: &JsValue);

    /// `hooks.say(what, a, b)`: a chore with one or two strings (`SAY_*`).
    #[wasm_bindgen(method)]
    fn say(this: &Hooks, what: u32, a: &str, b: &str);
}

// What each hook is asked to do; www/hooks.js has the same numbers.
const RUN_SOON: u32 = 0;
const RUN_IDLE: u32 = 1;
const RUN_LOAD_TOOL: u32 = 2;
const NODE_LISTEN: u32 = 0;
const NODE_FOLLOW: u32 = 1;
const NODE_FIT: u32 = 2;
const NODE_FOCUS_PAGE: u32 = 3;
const NODE_INERT_OFF: u32 = 4;
const NODE_INERT_ON: u32 = 5;
const SAY_GATE: u32 = 0;
const SAY_PUSH: u32 = 1;
const SAY_GTAG: u32 = 2;
const SAY_EMIT: u32 = 3;
const SAY_RECEIPT: u32 = 4;

impl Hooks {
    /// Connects the controls of the widget's shadow root to `kc_do` (`DO_ACTION` in www/loader.js).
    pub fn listen(&self, root: &ShadowRoot) {
        self.node(NODE_LISTEN, root);
    }

    /// Keeps `frame` (the layer every part of the widget is placed in) on
    /// the visible screen: moved and sized to `window.visualViewport` now
    /// and on each of its resize and scroll events. A host page wider than
    /// a phone's screen, pinch zoom or an on-screen keyboard would otherwise
    /// put a fixed banner's buttons off the screen. No-op where the browser
    /// has no `visualViewport` (the stylesheet's fixed frame stays).
    pub fn follow(&self, frame: &Element) {
        self.node(NODE_FOLLOW, frame);
    }

    /// Fits `frame` to the visual viewport as it is now (a layer is added).
    pub fn fit(&self, frame: &Element) {
        self.node(NODE_FIT, frame);
    }

    /// Calls `kc_do(act::DRAW)` in a later task of its own (www/loader.js, `nextTask`).
    pub fn soon(&self) {
        self.run(RUN_SOON);
    }

    /// Calls `kc_do(act::PREFETCH)` once the page is idle.
    pub fn idle(&self) {
        self.run(RUN_IDLE);
    }

    /// Fetches the preference tool; answers with `kc_tool_loaded` or
    /// `kc_tool_failed` (the reason names the URL).
    pub fn load_tool(&self) {
        self.run(RUN_LOAD_TOOL);
    }

    /// Dispatches `kloudconsent:<name>` with `detail` parsed from `json`.
    /// A page listener that throws is reported by the browser (or, for an
    /// `on()` subscriber, by the loader's `reportError`), never thrown here.
    pub fn emit(&self, name: &str, json: &str) {
        self.say(SAY_EMIT, name, json);
    }

    /// Makes the page behind the widget's `host` inert, or releases it.
    pub fn inert(&self, host: &Element, on: bool) {
        self.node(if on { NODE_INERT_ON } else { NODE_INERT_OFF }, host);
    }

    /// Brings gated scripts and embeds in line with the consent in force
    /// (www/gating.js); `revoked` lists the ids just taken back.
    pub fn gate(&self, revoked: &str) {
        self.say(SAY_GATE, revoked, "");
    }

    /// `gtag('consent', command, JSON.parse(json))` through the page's own
    /// `gtag` or an `arguments` object pushed to `dataLayer` (GTM ignores
    /// plain arrays, and Rust cannot build one). `default` commands are
    /// dropped when the loader already sent the defaults from an inline
    /// config.
    pub fn gtag(&self, command: &str, json: &str) {
        self.say(SAY_GTAG, command, json);
    }

    /// `dataLayer.push(JSON.parse(json))`, through whatever `push` the array
    /// has now (GTM replaces it with its own).
    pub fn push(&self, json: &str) {
        self.say(SAY_PUSH, json, "");
    }

    /// Proof of consent: POSTs `body` (a decision's receipt) to the config's
    /// `receiptUrl`, and keeps it in localStorage until the endpoint has
    /// taken it; a `body` that is not a receipt (at boot: the decision in
    /// force, `decision::in_force_key`) sends again what earlier pages kept
    /// for `url` and it has not superseded (an empty `url` drops what they
    /// kept). www/hooks.js, `receipt`, has the rules of the retry:
    /// the transport is the loader's, like every other request.
    pub fn receipt(&self, url: &str, body: &str) {
        self.say(SAY_RECEIPT, url, body);
    }

    /// Moves focus to the page itself when it is inside the widget.
    pub fn focus_page(&self, root: &ShadowRoot) {
        self.node(NODE_FOCUS_PAGE, root);
    }
}
