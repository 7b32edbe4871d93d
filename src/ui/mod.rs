//! Yew components, rendered into an open shadow root on a `<kloud-consent>`
//! host element: host CSS cannot reach in, ours cannot leak out, and the
//! page's own tools and tests can still reach the widget.

pub mod banner;
mod focus;
pub mod preferences;
mod root;
mod style;
pub mod switch;

pub use focus::remember_opener;

use crate::browser::{console, dom};
use crate::domain::config::{Dir, Layout, ThemeMode};
use crate::widget::Widget;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{ShadowRootInit, ShadowRootMode};

/// The host element's tag. A custom-element name: no id, so it cannot clash
/// with `window.kloudconsent` through named access.
pub const HOST_TAG: &str = "kloud-consent";

/// Creates the host element at the end of `<body>` and renders the widget.
pub fn mount(widget: Rc<Widget>) {
    let Some(document) = dom::document() else { return };
    let (Some(body), Ok(host)) = (document.body(), document.create_element(HOST_TAG)) else {
        console::error("the page has no <body> to show the consent banner in.");
        return;
    };
    let config = &widget.config;
    let _ = host.set_attribute("lang", &config.lang);
    let _ = host.set_attribute("dir", if config.dir == Dir::Rtl { "rtl" } else { "ltr" });
    let theme = match config.theme {
        ThemeMode::Auto => "auto",
        ThemeMode::Light => "light",
        ThemeMode::Dark => "dark",
    };
    let _ = host.set_attribute("data-theme", theme);
    let layout = if config.layout == Layout::Box { "box" } else { "bar" };
    let _ = host.set_attribute("data-layout", layout);
    let Ok(shadow) = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)) else {
        console::error("could not attach a shadow root for the consent banner.");
        return;
    };
    style::adopt(&shadow, &document);
    let Ok(mount_point) = document.create_element("div") else { return };
    let _ = shadow.append_child(&mount_point);
    if body.append_child(&host).is_err() {
        return;
    }
    yew::Renderer::<root::Root>::with_root_and_props(
        mount_point.unchecked_into(),
        root::RootProps { widget },
    )
    .render();
}
