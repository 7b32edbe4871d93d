//! What the core calls: `mount`, `update`, `unmount` (wasm-bindgen exports
//! of this module's JS glue). Everything here turns a failure into an `Err`
//! for the core to handle; nothing panics.

use crate::host::Host;
use crate::preferences::{Preferences, PreferencesProps};
use crate::style;
use kloudconsent_domain::tool_model::ToolModel;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};
use yew::{AppHandle, Callback};

/// The tool on the page (only one at a time).
struct Mounted {
    app: AppHandle<Preferences>,
    root: Element,
    /// Kept to hand the same callbacks to `update`'s new props.
    on_choose: Callback<kloudconsent_domain::Choice>,
    on_close: Callback<()>,
}

thread_local! {
    /// A `thread_local!` because the exported functions are the only way in:
    /// JS calls `mount`, `update` and `unmount` as free functions, and there
    /// is no object of ours it could hold and pass back. Wasm on the page
    /// has one thread, so this is the one tool.
    static MOUNTED: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

/// Renders the dialog into `root` (an empty element inside the widget's
/// open shadow root), showing `model` (a `ToolModel` as a plain object) and
/// sending the visitor's choices to `host` (`{choose(kind, grants), close()}`).
/// Adopts the tool's stylesheet into that shadow root. A tool already
/// mounted is unmounted first.
#[wasm_bindgen]
pub fn mount(root: Element, model: JsValue, host: JsValue) -> Result<(), JsValue> {
    let model = read_model(model)?;
    let host = Rc::new(Host::new(host).map_err(error)?);
    let Ok(shadow) = root.get_root_node().dyn_into::<ShadowRoot>() else {
        return Err(error(
            "the tool's root element must be inside the widget's shadow root",
        ));
    };
    unmount();
    style::adopt(&shadow);
    let on_choose = {
        let host = host.clone();
        Callback::from(move |choice| host.choose(&choice))
    };
    let on_close = Callback::from(move |()| host.close());
    let props = PreferencesProps {
        model,
        on_choose: on_choose.clone(),
        on_close: on_close.clone(),
    };
    let app = yew::Renderer::<Preferences>::with_root_and_props(root.clone(), props).render();
    MOUNTED.with(|m| {
        *m.borrow_mut() = Some(Mounted {
            app,
            root,
            on_choose,
            on_close,
        })
    });
    Ok(())
}

/// Shows a new model (the stored decision changed while the tool is open):
/// the switches show its grants, replacing what the visitor had not saved.
#[wasm_bindgen]
pub fn update(model: JsValue) -> Result<(), JsValue> {
    let model = read_model(model)?;
    MOUNTED.with(|m| match m.borrow_mut().as_mut() {
        Some(m) => {
            let props = PreferencesProps {
                model,
                on_choose: m.on_choose.clone(),
                on_close: m.on_close.clone(),
            };
            m.app.update(props);
            Ok(())
        }
        None => Err(error("update: the tool is not mounted")),
    })
}

/// Removes everything the tool rendered, at once. Yew removes its nodes a
/// microtask later; emptying the root now means the core never sees a
/// half-gone dialog (Yew then finds the nodes gone, which it tolerates).
/// The core moves focus out first. Does nothing when nothing is mounted.
#[wasm_bindgen]
pub fn unmount() {
    let Some(Mounted { app, root, .. }) = MOUNTED.with(|m| m.borrow_mut().take()) else {
        return;
    };
    app.destroy();
    while let Some(child) = root.last_child() {
        let _ = root.remove_child(&child);
    }
}

/// `model` read into a [`ToolModel`], or an error naming what is wrong.
fn read_model(model: JsValue) -> Result<Rc<ToolModel>, JsValue> {
    serde_wasm_bindgen::from_value(model)
        .map(Rc::new)
        .map_err(|e| {
            let detail = JsValue::from(e)
                .dyn_into::<js_sys::Error>()
                .map(|e| String::from(e.message()));
            let mut message = String::from("the preference tool's model is invalid: ");
            message.push_str(detail.as_deref().unwrap_or("not a ToolModel"));
            error(&message)
        })
}

/// A JS `Error` with `message`, for the core to log and treat as a failed load.
fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}
