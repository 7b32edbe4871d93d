//! The core's side of the hand-over: a plain JS object with `choose(kind,
//! grants)` and `close()`. The tool only ever tells the core what the
//! visitor asked for; the core decides and applies it.

use js_sys::{Array, Function, Object, Reflect};
use kloudconsent_domain::Choice;
use wasm_bindgen::{JsCast, JsValue};

/// `host`, its two functions checked once at mount.
pub struct Host {
    this: JsValue,
    choose: Function,
    close: Function,
}

impl Host {
    /// `host` when it has both functions; else why not, for `mount`'s `Err`.
    pub fn new(this: JsValue) -> Result<Host, &'static str> {
        let function = |name: &str| {
            Reflect::get(&this, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
        };
        match (function("choose"), function("close")) {
            (Some(choose), Some(close)) => Ok(Host {
                this,
                choose,
                close,
            }),
            _ => Err("host must be an object with the functions choose(kind, grants) and close()"),
        }
    }

    /// `choose("accept-all")`, `choose("reject-all")`, or `choose("custom",
    /// {id: bool, ...})` with the ids in the order given.
    pub fn choose(&self, choice: &Choice) {
        let result = match choice {
            Choice::AcceptAll => self.choose.call1(&self.this, &"accept-all".into()),
            Choice::RejectAll => self.choose.call1(&self.this, &"reject-all".into()),
            Choice::Set(grants) => grants_object(grants.as_pairs())
                .and_then(|g| self.choose.call2(&self.this, &"custom".into(), &g)),
        };
        report(result);
    }

    /// The close control or Escape.
    pub fn close(&self) {
        report(self.close.call0(&self.this));
    }
}

/// A plain object `{id: bool, ...}` in order. `Object.fromEntries` defines
/// own properties, so even an id like `__proto__` arrives as a key (a plain
/// assignment would set the prototype instead).
fn grants_object(grants: &[(String, bool)]) -> Result<JsValue, JsValue> {
    let entries: Array = grants
        .iter()
        .map(|(id, on)| Array::of2(&JsValue::from_str(id), &JsValue::from_bool(*on)))
        .collect();
    Object::from_entries(&entries).map(Into::into)
}

/// A throw from the core's function is the core's bug: say so on the console
/// instead of unwinding through Yew's event handler.
fn report(result: Result<JsValue, JsValue>) {
    if let Err(e) = result {
        web_sys::console::error_2(
            &"kloudconsent: the preference tool's host threw:".into(),
            &e,
        );
    }
}
