//! Small DOM helpers shared by the adapters.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, Node, ShadowRoot, Window};

// `document.createElement` and `document.body` through Document.prototype
// (`final`: the glue calls the prototype's function and getter, looked up
// there at each call), not looked up on the document. `Document` in the
// glue is the wrapper's own (www/assemble.mjs, REAL_DOCUMENT), not the
// page's global, which a library may replace (MooTools does). Markup can shadow any property of
// `document` by name (`<img name="createElement">`, `<form name="body">`):
// web-sys's bindings would then call the image, or append the widget to a
// hidden form. docs/security.md, "Markup that shadows document".
#[wasm_bindgen]
extern "C" {
    /// The page's `Document`, seen through its prototype only.
    #[wasm_bindgen(js_name = Document)]
    type NativeDocument;

    #[wasm_bindgen(method, final, catch, js_class = "Document", js_name = createElement)]
    fn create_element(this: &NativeDocument, tag: &str) -> Result<Element, JsValue>;

    #[wasm_bindgen(method, final, getter, js_class = "Document")]
    fn body(this: &NativeDocument) -> Option<HtmlElement>;

    #[wasm_bindgen(method, final, getter, js_class = "Document", js_name = activeElement)]
    fn active_element(this: &NativeDocument) -> Option<Element>;

    // HTMLDocument: the getter is looked up from its prototype upwards, and
    // engines define `cookie` on Document.prototype or HTMLDocument's.
    #[wasm_bindgen(method, final, getter, catch, js_class = "HTMLDocument")]
    fn cookie(this: &NativeDocument) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, final, setter, catch, js_class = "HTMLDocument", js_name = cookie)]
    fn set_cookie(this: &NativeDocument, line: &str) -> Result<(), JsValue>;
}

/// A new `tag` element of `doc`, whatever the page's markup is named.
pub fn create(doc: &Document, tag: &str) -> Option<Element> {
    doc.unchecked_ref::<NativeDocument>()
        .create_element(tag)
        .ok()
}

/// `document.cookie`, whatever the page's markup is named (`<img name="cookie">`).
pub fn cookie(doc: &Document) -> Result<String, JsValue> {
    doc.unchecked_ref::<NativeDocument>().cookie().map(string)
}

/// Sets `document.cookie = line`, whatever the page's markup is named.
pub fn set_cookie(doc: &Document, line: &str) -> Result<(), JsValue> {
    doc.unchecked_ref::<NativeDocument>().set_cookie(line)
}

/// The focused element (or the host of a focused shadow element), whatever
/// the page's markup is named (`<img name="activeElement">`).
pub fn active_element(doc: &Document) -> Option<Element> {
    doc.unchecked_ref::<NativeDocument>().active_element()
}

/// The page's `<body>` (or frameset), whatever the page's markup is named.
pub fn body(doc: &Document) -> Option<HtmlElement> {
    doc.unchecked_ref::<NativeDocument>().body()
}

// A page's element, such as the opener the visitor clicked, may be a
// `<form>`, whose controls shadow its members by name (`<input
// name="contains">`, also one posted elsewhere with `form="id"`): its
// methods are called through the prototypes too. (An exception thrown there
// would unwind through the engine while it holds its state borrowed, and
// leave it wedged for the rest of the page.)
#[wasm_bindgen]
extern "C" {
    /// A node of the page, seen through its prototypes only.
    #[wasm_bindgen(js_name = Node)]
    type NativeNode;

    #[wasm_bindgen(method, final, js_class = "Node", js_name = getRootNode)]
    fn get_root_node(this: &NativeNode) -> JsValue;

    #[wasm_bindgen(method, final, js_class = "Node")]
    fn contains(this: &NativeNode, other: &Node) -> bool;

    #[wasm_bindgen(method, final, getter, js_class = "Node", js_name = isConnected)]
    fn is_connected(this: &NativeNode) -> bool;

    #[wasm_bindgen(method, final, catch, js_class = "HTMLElement")]
    fn focus(this: &NativeNode) -> Result<(), JsValue>;
}

/// The root of `node`'s tree (the document, or a shadow root).
pub fn root_node(node: &Node) -> JsValue {
    node.unchecked_ref::<NativeNode>().get_root_node()
}

/// Whether `other` is `node` or inside it.
pub fn node_contains(node: &Node, other: &Node) -> bool {
    node.unchecked_ref::<NativeNode>().contains(other)
}

/// Whether `node` is in a document.
pub fn is_connected(node: &Node) -> bool {
    node.unchecked_ref::<NativeNode>().is_connected()
}

/// Focuses `el`; says whether the browser took the call.
pub fn focus(el: &HtmlElement) -> bool {
    el.unchecked_ref::<NativeNode>().focus().is_ok()
}

#[wasm_bindgen]
extern "C" {
    /// The page's `window` (unforgeable: markup cannot shadow it). Read
    /// directly rather than through `web_sys::window()`, which finds the
    /// global object by trying `globalThis`, `self`, `window` and `global`
    /// in turn, each a cached import of its own, and then checks the result
    /// is a `Window`: code every page would load for a question a page has
    /// one answer to.
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<Window>;
}

// Strings the browser hands the engine, read as JS values and turned into
// Rust strings by one shared import (`JsValue::as_string`): web-sys's
// `String` results each cost the glue a shim that copies the string into
// the wasm's memory (docs/performance.md).
#[wasm_bindgen]
extern "C" {
    /// A browser object, seen only for the string it is asked for.
    type Holder;

    #[wasm_bindgen(method, getter)]
    fn protocol(this: &Holder) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn hostname(this: &Holder) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn origin(this: &Holder) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = tagName)]
    fn tag_name(this: &Holder) -> JsValue;
    #[wasm_bindgen(method, js_name = getAttribute)]
    fn get_attribute(this: &Holder, name: &str) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = textContent)]
    fn text_content(this: &Holder) -> JsValue;
    #[wasm_bindgen(method, catch, js_name = getItem)]
    fn get_item(this: &Holder, key: &str) -> Result<JsValue, JsValue>;
}

fn holder(object: &JsValue) -> &Holder {
    object.unchecked_ref()
}

/// A string from JavaScript (the loader's arguments, a browser property):
/// anything else reads as `""`.
pub fn string(value: JsValue) -> String {
    value.as_string().unwrap_or_default()
}

/// One part of the page's `location` (`""` where there is no page).
fn location_part(part: fn(&Holder) -> JsValue) -> String {
    window().map_or_else(String::new, |w| string(part(holder(&w.location()))))
}

/// `location.protocol` (`""` where there is no page).
pub fn page_protocol() -> String {
    location_part(Holder::protocol)
}

/// `location.hostname` (`""` where there is no page).
pub fn page_hostname() -> String {
    location_part(Holder::hostname)
}

/// `el.tagName`.
pub fn tag_name(el: &Element) -> String {
    string(holder(el).tag_name())
}

/// `el.getAttribute(name)`.
pub fn attribute(el: &Element, name: &str) -> Option<String> {
    holder(el).get_attribute(name).as_string()
}

/// `node.textContent`.
pub fn text_content(node: &web_sys::Node) -> Option<String> {
    holder(node).text_content().as_string()
}

/// `storage.getItem(key)`; `None` when missing or when it throws.
pub fn item(storage: &web_sys::Storage, key: &str) -> Option<String> {
    holder(storage).get_item(key).ok()?.as_string()
}

/// The page's `window`; `None` only where there is none (not in a page).
pub fn window() -> Option<Window> {
    WINDOW.with(Clone::clone)
}

pub fn document() -> Option<Document> {
    window()?.document()
}

/// Every element inside `root` (not `root` itself) matching `selector`.
pub fn query_all_in(root: &Element, selector: &str) -> Vec<Element> {
    elements(root.query_selector_all(selector).ok())
}

fn elements(list: Option<web_sys::NodeList>) -> Vec<Element> {
    let Some(list) = list else { return Vec::new() };
    let mut out = Vec::new();
    for i in 0..list.length() {
        if let Some(element) = list
            .item(i)
            .and_then(|node| node.dyn_into::<Element>().ok())
        {
            out.push(element);
        }
    }
    out
}

/// The page's origin, for receipts: never its path, query or fragment,
/// which can carry personal data (`decision::receipt_json`).
pub fn page_origin() -> String {
    location_part(Holder::origin)
}

/// A constructable stylesheet holding `css`; `None` where the browser has no
/// constructable stylesheets (Safari < 16.4).
pub fn stylesheet(css: &str) -> Option<CssStyleSheet> {
    CssStyleSheet::new()
        .ok()
        .filter(|sheet| sheet.replace_sync(css).is_ok())
}

/// Styles a shadow root with `sheet` adopted, which a `style-src 'self'`
/// Content-Security-Policy allows; without constructable stylesheets it falls
/// back to a `<style>` element holding `css`.
pub fn adopt_stylesheet(
    shadow: &ShadowRoot,
    document: &Document,
    sheet: Option<CssStyleSheet>,
    css: &str,
) {
    if let Some(sheet) = sheet {
        let sheets = js_sys::Array::of1(&sheet);
        if js_sys::Reflect::set(
            shadow,
            &wasm_bindgen::JsValue::from_str("adoptedStyleSheets"),
            &sheets,
        )
        .is_ok()
        {
            return;
        }
    }
    if let Some(style) = create(document, "style") {
        style.set_text_content(Some(css));
        let _ = shadow.append_child(&style);
    }
}
