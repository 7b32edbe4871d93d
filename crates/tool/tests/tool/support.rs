//! The test harness: a fresh `<kloud-consent>` host with an open shadow root
//! (holding a stand-in for the core's adopted sheet) and an empty root in it
//! for each test, a `host` object that records what the tool sends, and the
//! model made by the core's own writer (`model_json`), parsed as the core does.

use js_sys::{Array, Function, Object, Reflect, JSON};
use kloudconsent_domain::tool_model::model_json;
use kloudconsent_domain::{decision, Choice, Config, Consent};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, Element, HtmlElement, HtmlInputElement, ShadowRoot};

/// What reached `host`.
#[derive(Debug, PartialEq)]
pub enum Call {
    /// `choose(kind)`, or `choose("custom", grants)` with the grants object's
    /// own entries in order.
    Choose(String, Option<Vec<(String, bool)>>),
    Close,
}

pub struct Harness {
    pub element: Element,
    pub shadow: ShadowRoot,
    pub root: Element,
    pub host: JsValue,
    pub calls: Rc<RefCell<Vec<Call>>>,
    /// The core's sheet stand-in, adopted before the tool mounts.
    pub core_sheet: JsValue,
    /// Raw `grants` arguments, to check they are plain objects.
    pub raw_grants: Rc<RefCell<Vec<JsValue>>>,
    /// Kept alive while `host` may call them.
    _choose: Closure<dyn FnMut(JsValue, JsValue)>,
    _close: Closure<dyn FnMut()>,
}

impl Harness {
    pub fn new() -> Harness {
        // A failed test panics without unwinding (wasm), so its Drop never
        // ran: start clean whatever the test before left mounted.
        kloudconsent_tool::unmount();
        let document = web_sys::window().unwrap().document().unwrap();
        let element = document.create_element("kloud-consent").unwrap();
        document.body().unwrap().append_child(&element).unwrap();
        let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
        let shadow = element.attach_shadow(&init).unwrap();
        let core_sheet = CssStyleSheet::new().unwrap();
        core_sheet.replace_sync(":host { --core: 1; }").unwrap();
        Reflect::set(
            &shadow,
            &"adoptedStyleSheets".into(),
            &Array::of1(&core_sheet),
        )
        .unwrap();
        let root = document.create_element("div").unwrap();
        shadow.append_child(&root).unwrap();

        let calls = Rc::new(RefCell::new(Vec::new()));
        let raw_grants = Rc::new(RefCell::new(Vec::new()));
        let (sink, raw) = (calls.clone(), raw_grants.clone());
        let choose =
            Closure::<dyn FnMut(JsValue, JsValue)>::new(move |kind: JsValue, grants: JsValue| {
                let entries = (!grants.is_undefined()).then(|| entries(&grants));
                sink.borrow_mut()
                    .push(Call::Choose(kind.as_string().unwrap(), entries));
                raw.borrow_mut().push(grants);
            });
        let sink = calls.clone();
        let close = Closure::<dyn FnMut()>::new(move || sink.borrow_mut().push(Call::Close));
        let host = Object::new();
        Reflect::set(&host, &"choose".into(), choose.as_ref()).unwrap();
        Reflect::set(&host, &"close".into(), close.as_ref()).unwrap();
        Harness {
            element,
            shadow,
            root,
            host: host.into(),
            calls,
            core_sheet: core_sheet.into(),
            raw_grants,
            _choose: choose,
            _close: close,
        }
    }

    /// Mounts the tool for `consent` under the default policy and lets it render.
    pub async fn mount(consent: &Consent) -> Harness {
        let h = Harness::new();
        kloudconsent_tool::mount(
            h.root.clone(),
            model(&Config::default_policy(), consent),
            h.host.clone(),
        )
        .expect("a good model mounts");
        yew::scheduler::flush().await;
        h
    }

    /// The calls so far, taken.
    pub fn take_calls(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.borrow_mut())
    }

    pub fn find(&self, selector: &str) -> HtmlElement {
        let el = self.root.query_selector(selector).unwrap();
        el.unwrap_or_else(|| panic!("nothing matches {selector}"))
            .unchecked_into()
    }

    /// The button whose text is `label`.
    pub fn button(&self, label: &str) -> HtmlElement {
        let buttons = self.root.query_selector_all("button").unwrap();
        (0..buttons.length())
            .filter_map(|i| buttons.item(i))
            .map(|n| n.unchecked_into::<HtmlElement>())
            .find(|b| b.text_content().unwrap_or_default().trim() == label)
            .unwrap_or_else(|| panic!("no button {label}"))
    }

    pub fn switch(&self, id: &str) -> HtmlInputElement {
        self.find(&("#kc-switch-".to_owned() + id)).unchecked_into()
    }

    /// The shadow root's adopted sheets.
    pub fn sheets(&self) -> Vec<JsValue> {
        Array::from(&Reflect::get(&self.shadow, &"adoptedStyleSheets".into()).unwrap()).to_vec()
    }

    pub fn focused(&self) -> Option<Element> {
        self.shadow.active_element()
    }
}

impl Drop for Harness {
    /// Each test leaves the page as it found it (the tool is one per page).
    fn drop(&mut self) {
        kloudconsent_tool::unmount();
        self.element.remove();
    }
}

/// The model the core hands over: its JSON, parsed.
pub fn model(config: &Config, consent: &Consent) -> JsValue {
    JSON::parse(&model_json(config, consent)).unwrap()
}

/// A stored decision made with `choice` under the default policy.
pub fn stored(choice: Choice) -> Consent {
    let config = Config::default_policy();
    let id = "c0ffee00decafbad".to_string();
    Consent::Stored(decision::decide(
        choice,
        &Consent::Undecided,
        &config,
        1_764_331_200_000,
        id,
    ))
}

/// A plain object's own entries, in order, as `(key, bool)`.
fn entries(object: &JsValue) -> Vec<(String, bool)> {
    Object::entries(object.unchecked_ref())
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            (
                pair.get(0).as_string().unwrap(),
                pair.get(1).as_bool().unwrap(),
            )
        })
        .collect()
}

/// Dispatches a keydown of `key` at `target`; whether the tool cancelled it.
pub fn press(target: &Element, key: &str, shift: bool) -> bool {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_composed(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    !target.dispatch_event(&event).unwrap()
}

/// Dispatches a wheel turn (down, with Ctrl when `ctrl`) at `target`;
/// whether the tool cancelled it.
pub fn wheel(target: &Element, ctrl: bool) -> bool {
    let init = web_sys::WheelEventInit::new();
    init.set_delta_y(120.0);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_composed(true);
    let event = web_sys::WheelEvent::new_with_event_init_dict("wheel", &init).unwrap();
    !target.dispatch_event(&event).unwrap()
}

/// Dispatches a mousedown at `target`; whether the tool cancelled it.
pub fn mouse_down(target: &Element) -> bool {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_composed(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("mousedown", &init).unwrap();
    !target.dispatch_event(&event).unwrap()
}

/// A host whose `choose` throws (a bug in the core).
pub fn throwing_host() -> JsValue {
    let host = Object::new();
    let throws = Function::new_no_args("throw new Error('core bug')");
    Reflect::set(&host, &"choose".into(), &throws).unwrap();
    Reflect::set(&host, &"close".into(), &throws).unwrap();
    host.into()
}

/// `Some` of `pairs` as owned entries.
pub fn grants(pairs: &[(&str, bool)]) -> Option<Vec<(String, bool)>> {
    Some(pairs.iter().map(|(id, on)| (id.to_string(), *on)).collect())
}

/// `choose("custom", pairs)`.
pub fn custom(pairs: &[(&str, bool)]) -> Call {
    Call::Choose("custom".into(), grants(pairs))
}
