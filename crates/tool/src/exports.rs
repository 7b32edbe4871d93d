//! What the core calls: `mount`, `update`, `unmount` (wasm-bindgen exports
//! of this module's JS glue). Everything here turns a failure into an `Err`
//! for the core to handle; nothing panics.

use crate::host::Host;
use crate::preferences::{Preferences, PreferencesProps};
use crate::style::{self, Sheet};
use kloudconsent_domain::tool_model::ToolModel;
use kloudconsent_domain::Choice;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};
use yew::AppHandle;

/// The tool's one Yew app, made at the first opening and kept for the
/// page's life: Yew never removes the event listeners an app puts on its
/// root element (nor the memory behind them), so an app per opening left a
/// detached `<div>`, 4 listeners and about 1 KB of wasm memory behind on
/// every close. Closed, it renders nothing, in a container out of the page.
struct Tool {
    app: AppHandle<Preferences>,
    /// What Yew renders into: our own element, put into the core's root
    /// element while the tool is open.
    container: Element,
    /// The model shown last (closed, the props still need one).
    model: Rc<ToolModel>,
    /// While open: the stylesheet added, and the core's callbacks.
    open: Option<(Sheet, Rc<Host>)>,
}

thread_local! {
    /// A `thread_local!` because the exported functions are the only way in:
    /// JS calls `mount`, `update` and `unmount` as free functions, and there
    /// is no object of ours it could hold and pass back. Wasm on the page
    /// has one thread, so this is the one tool.
    static TOOL: RefCell<Option<Tool>> = const { RefCell::new(None) };
}

/// Renders the dialog into `root` (an empty element inside the widget's
/// open shadow root), showing `model` (a `ToolModel` as a plain object) and
/// sending the visitor's choices to `host` (`{choose(kind, grants), close()}`).
/// Adds the tool's stylesheet to that shadow root. A tool already open is
/// closed first.
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
    TOOL.with(|tool| {
        let mut tool = tool.borrow_mut();
        let container = match tool.as_ref() {
            Some(t) => t.container.clone(),
            // Yew renders a microtask later, even when unmount came in
            // between: into a container of our own, which unmount takes out
            // of the page at once, so such a late render lands nowhere the
            // visitor sees.
            None => shadow
                .owner_document()
                .and_then(|d| d.create_element("div").ok())
                .ok_or_else(|| error("could not create the tool's container element"))?,
        };
        root.append_child(&container)?;
        let props = PreferencesProps {
            model: model.clone(),
            open: true,
        };
        let open = Some((style::adopt(&shadow), host));
        match tool.as_mut() {
            Some(t) => {
                t.app.update(props);
                t.model = model;
                t.open = open;
            }
            None => {
                let app =
                    yew::Renderer::<Preferences>::with_root_and_props(container.clone(), props)
                        .render();
                *tool = Some(Tool {
                    app,
                    container,
                    model,
                    open,
                });
            }
        }
        Ok(())
    })
}

/// Shows a new model (the stored decision changed while the tool is open):
/// the switches show its grants, replacing what the visitor had not saved.
#[wasm_bindgen]
pub fn update(model: JsValue) -> Result<(), JsValue> {
    let model = read_model(model)?;
    TOOL.with(|tool| match tool.borrow_mut().as_mut() {
        Some(Tool {
            app,
            model: shown,
            open: Some(_),
            ..
        }) => {
            app.update(PreferencesProps {
                model: model.clone(),
                open: true,
            });
            *shown = model;
            Ok(())
        }
        _ => Err(error("update: the tool is not mounted")),
    })
}

/// Takes out everything the tool added, at once: its container (Yew's own
/// removal of the dialog runs a microtask later, in a container no longer
/// in the page) and its stylesheet. The core moves focus out first. Does
/// nothing when the tool is not open.
#[wasm_bindgen]
pub fn unmount() {
    TOOL.with(|tool| {
        let mut tool = tool.borrow_mut();
        let Some(t) = tool.as_mut() else { return };
        let Some((sheet, _)) = t.open.take() else {
            return;
        };
        t.app.update(PreferencesProps {
            model: t.model.clone(),
            open: false,
        });
        t.container.remove();
        sheet.remove();
    })
}

/// The open tool's core callbacks, taken out of the cell before calling
/// them: the core may close (unmount) or reopen (mount) the tool from them.
fn host() -> Option<Rc<Host>> {
    TOOL.with(|tool| {
        let tool = tool.borrow();
        tool.as_ref()?.open.as_ref().map(|(_, host)| host.clone())
    })
}

/// Tells the core the visitor's choice (Accept all, Reject all, Save).
pub(crate) fn choose(choice: &Choice) {
    if let Some(host) = host() {
        host.choose(choice);
    }
}

/// Tells the core the visitor closed the dialog (its close control, Escape).
pub(crate) fn close() {
    if let Some(host) = host() {
        host.close();
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
