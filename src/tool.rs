//! The bridge to the preference tool's module (crates/tool), a separate
//! wasm fetched the first time the tool is to be shown. The loader
//! (www/loader.js) fetches it and hands back an object with the tool's three
//! entry points; the tool reports the visitor's choices through the `host`
//! object the loader built, which calls back into this module's engine.

use wasm_bindgen::prelude::*;
use web_sys::Element;

#[wasm_bindgen]
extern "C" {
    /// The tool module's entry points, as the loader resolves them.
    #[derive(Clone)]
    pub type ToolModule;

    /// Renders the tool into `root` from `model` (a `ToolModel` object);
    /// `host` has `choose(kind, grants)` and `close()`.
    #[wasm_bindgen(method, catch)]
    pub fn mount(this: &ToolModule, root: &Element, model: &JsValue, host: &JsValue) -> Result<(), JsValue>;

    /// Shows a new model (the decision changed while the tool was open).
    #[wasm_bindgen(method, catch)]
    pub fn update(this: &ToolModule, model: &JsValue) -> Result<(), JsValue>;

    /// Removes what the tool rendered.
    #[wasm_bindgen(method, catch)]
    pub fn unmount(this: &ToolModule) -> Result<(), JsValue>;

    /// A promise, for `then` without the futures machinery.
    pub type Thenable;

    #[wasm_bindgen(method)]
    pub fn then(this: &Thenable, on_ok: &JsValue, on_err: &JsValue);
}

/// What the loader hands the engine at boot for the tool.
pub struct Hooks {
    /// `loadTool()`: a promise of the [`ToolModule`], fetched once (a failed
    /// load is tried again on the next call).
    pub load: Option<js_sys::Function>,
    /// The `host` object passed to [`ToolModule::mount`].
    pub host: JsValue,
}

/// Asks the loader for the module; exactly one of `done`'s outcomes runs:
/// the module, or the reason it could not be loaded.
pub fn load(hooks: &Hooks, done: impl FnOnce(Result<ToolModule, String>) + 'static) {
    let promise = hooks
        .load
        .as_ref()
        .map(|load| load.call0(&JsValue::UNDEFINED))
        .map(|p| p.map(JsCast::unchecked_into::<Thenable>));
    let Some(Ok(promise)) = promise else {
        done(Err("the loader cannot load it".into()));
        return;
    };
    // Two one-shot callbacks sharing the one `done`.
    let done = std::rc::Rc::new(std::cell::Cell::new(Some(done)));
    let other = done.clone();
    let on_ok = Closure::once_into_js(move |module: JsValue| {
        if let Some(done) = done.take() {
            done(Ok(module.unchecked_into()));
        }
    });
    let on_err = Closure::once_into_js(move |e: JsValue| {
        if let Some(done) = other.take() {
            done(Err(crate::browser::storage::describe(e)));
        }
    });
    promise.then(&on_ok, &on_err);
}
