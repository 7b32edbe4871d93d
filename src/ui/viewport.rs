//! Keeps every layer of the widget on the visible screen.
//!
//! `position: fixed` places an element against the *layout* viewport. On a
//! phone that is not always what the visitor sees: a host page wider than
//! the screen grows the layout viewport past it (a 492 px page on a 390 px
//! phone puts a bottom-fixed banner's buttons below the screen's edge), and
//! pinch zoom or an on-screen keyboard shrink the *visual* viewport inside
//! it. So the widget's layers live in one frame (the shadow root's holder
//! element, `.kc-frame` in style.css) that is fixed to the layout viewport
//! by default and, wherever `window.visualViewport` exists, moved and sized
//! to the visual viewport on every resize and scroll of it. The banner, the
//! core's dialog and the preference tool's overlay are positioned inside the
//! frame, so they follow without knowing about it.
//!
//! Geometry goes through the CSSOM (`style.setProperty`), which a strict
//! `style-src` Content-Security-Policy allows (a `style` attribute it would
//! block).

use crate::browser::placeholder::px;
use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, EventTarget, HtmlElement};

/// Starts following the visual viewport with `frame`; the returned listener
/// must be kept alive as long as the frame (dropping it stops following).
/// `None` where the browser has no `visualViewport` (the frame then stays
/// fixed to the layout viewport, as the stylesheet says).
pub fn follow(frame: &Element) -> Option<Closure<dyn FnMut(Event)>> {
    let viewport = visual_viewport()?.unchecked_into::<EventTarget>();
    fit(frame);
    let target = frame.clone();
    let listener = Closure::<dyn FnMut(Event)>::new(move |_: Event| fit(&target));
    for kind in ["resize", "scroll"] {
        viewport
            .add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref())
            .ok()?;
    }
    Some(listener)
}

/// Moves and sizes `frame` to the visual viewport, in the layout viewport's
/// coordinates (what a fixed element's `left`/`top` are measured in).
pub fn fit(frame: &Element) {
    let (Some(viewport), Some(frame)) = (visual_viewport(), frame.dyn_ref::<HtmlElement>()) else {
        return;
    };
    let style = frame.style();
    for (property, key) in [
        ("left", "offsetLeft"),
        ("top", "offsetTop"),
        ("width", "width"),
        ("height", "height"),
    ] {
        if let Some(value) = Reflect::get(&viewport, &key.into())
            .ok()
            .and_then(|v| v.as_f64())
        {
            // The same CSSOM call as the placeholders' (one import in the
            // wasm); an empty priority is a normal declaration.
            let _ = style.set_property_with_priority(property, &px(value), "");
        }
    }
}

/// `window.visualViewport`, read by reflection rather than through web-sys's
/// typed `VisualViewport` (five fewer imports and their JS glue: this code
/// ships on every page).
fn visual_viewport() -> Option<JsValue> {
    let viewport = Reflect::get(&web_sys::window()?.into(), &"visualViewport".into()).ok()?;
    viewport.is_object().then_some(viewport)
}
