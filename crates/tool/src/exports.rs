//! What the core calls: `mount`, `update`, `unmount` (wasm-bindgen exports
//! of this module's JS glue). Everything here turns a failure into an `Err`
//! for the core to handle; nothing panics.

use crate::host::Host;
use crate::preferences::{Preferences, PreferencesProps};
use crate::style::{self, Sheet};
use kloudconsent_domain::tool_model::ToolModel;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};
use yew::{AppHandle, Callback};

/// The tool on the page (only one at a time).
struct Mounted {
    app: AppHandle<Preferences>,
    /// What Yew renders into: our own child of the core's root element.
    container: Element,
    sheet: Sheet,
    host: Rc<Host>,
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
/// Adds the tool's stylesheet to that shadow root. A tool already mounted
/// is unmounted first.
#[wasm_bindgen]
pub fn mount(root: Element, model: JsValue, host: JsValue) -> Result<(), JsValue> {
    let model = read_model(model)?;
    let host = Rc::new(Host::new(host).map_err(error)?);
    let Ok(shadow) = root.get_root_node().dyn_into::<ShadowRoot>() else {
        return Err(error(
            "the tool's root element must be inside the widget's shadow root",
        ));
    };
    // Yew renders a microtask later, even when unmount came in between:
    // into a container of our own, which unmount takes out of the page at
    // once, so such a late render lands nowhere the visitor sees.
    let Some(container) = shadow
        .owner_document()
        .and_then(|d| d.create_element("div").ok())
    else {
        return Err(error("could not create the tool's container element"));
    };
    unmount();
    root.append_child(&container)?;
    let sheet = style::adopt(&shadow);
    let props = props(model, &host);
    let app = yew::Renderer::<Preferences>::with_root_and_props(container.clone(), props).render();
    MOUNTED.with(|m| {
        *m.borrow_mut() = Some(Mounted {
            app,
            container,
            sheet,
            host,
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
            m.app.update(props(model, &m.host));
            Ok(())
        }
        None => Err(error("update: the tool is not mounted")),
    })
}

/// Removes everything the tool added, at once: its container (Yew's own
/// removal runs a microtask later, on a container no longer in the page)
/// and its stylesheet. The core moves focus out first. Does nothing when
/// nothing is mounted.
#[wasm_bindgen]
pub fn unmount() {
    let Some(Mounted {
        app,
        container,
        sheet,
        ..
    }) = MOUNTED.with(|m| m.borrow_mut().take())
    else {
        return;
    };
    app.destroy();
    container.remove();
    sheet.remove();
}

/// The dialog's props: `model`, and callbacks that tell `host`.
fn props(model: Rc<ToolModel>, host: &Rc<Host>) -> PreferencesProps {
    let (choosing, closing) = (host.clone(), host.clone());
    PreferencesProps {
        model,
        on_choose: Callback::from(move |choice| choosing.choose(&choice)),
        on_close: Callback::from(move |()| closing.close()),
    }
}

/// `model` read into a [`ToolModel`], or an error naming what is wrong.
fn read_model(model: JsValue) -> Result<Rc<ToolModel>, JsValue> {
    crate::model::read(&model).map(Rc::new).map_err(|problem| {
        let mut message = String::from("the preference tool's model is invalid: ");
        message.push_str(&problem);
        error(&message)
    })
}

/// A JS `Error` with `message`, for the core to log and treat as a failed load.
fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}
