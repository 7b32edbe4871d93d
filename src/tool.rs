//! The preference tool's module (crates/tool), a separate wasm the loader
//! fetches the first time the tool is to be shown: its three entry points.
//! The tool reports the visitor's choices through the `host` object the
//! loader built, which calls back into the engine (`kc_tool_choose`, `kc_do(act::TOOL_CLOSE)`).

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
    pub fn mount(
        this: &ToolModule,
        root: &Element,
        model: &JsValue,
        host: &JsValue,
    ) -> Result<(), JsValue>;

    /// Shows a new model (the decision changed while the tool was open).
    #[wasm_bindgen(method, catch)]
    pub fn update(this: &ToolModule, model: &JsValue) -> Result<(), JsValue>;

    /// Removes what the tool rendered.
    #[wasm_bindgen(method, catch)]
    pub fn unmount(this: &ToolModule) -> Result<(), JsValue>;
}
