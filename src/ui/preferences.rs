//! The second layer: a modal dialog listing every category with its label,
//! description, providers and switch. Switch changes are a draft until Save;
//! closing without saving changes nothing.

use super::{focus, switch::Switch, HOST_TAG};
use crate::domain::{time, Config, Consent};
use crate::widget::{self, View};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PreferencesProps {
    pub config: Rc<Config>,
    pub consent: Consent,
    pub on_accept: Callback<()>,
    pub on_reject: Callback<()>,
    pub on_save: Callback<Vec<(String, bool)>>,
    pub on_close: Callback<()>,
}

#[component]
pub fn Preferences(props: &PreferencesProps) -> Html {
    let draft = use_state(|| props.consent.grants(&props.config));
    let dialog = use_node_ref();
    {
        // Focus moves into the dialog on open and the page behind goes inert;
        // both are undone when the dialog unmounts. The destructor runs
        // before Yew removes the dialog's nodes, and after the widget has
        // switched view, so it knows whether the banner is coming back.
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            focus::make_page_inert(HOST_TAG);
            if let Some(el) = dialog.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
            move || {
                focus::release_page();
                let banner_returns = widget::current().is_some_and(|w| w.view() == View::Banner);
                focus::return_focus(dialog.cast(), banner_returns);
            }
        });
    }
    let t = &props.config.texts;
    let ontoggle = {
        let draft = draft.clone();
        Callback::from(move |(id, on): (String, bool)| {
            let next = draft
                .iter()
                .map(|(k, v)| (k.clone(), if *k == id { on } else { *v }))
                .collect();
            draft.set(next);
        })
    };
    let onkeydown = {
        let (dialog, on_close) = (dialog.clone(), props.on_close.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                on_close.emit(());
            } else if let Some(container) = dialog.cast::<web_sys::Element>() {
                let active = container
                    .get_root_node()
                    .dyn_into::<web_sys::ShadowRoot>()
                    .ok()
                    .and_then(|r| r.active_element());
                focus::trap_tab(&e, &container, active);
            }
        })
    };
    let click = |cb: &Callback<()>| cb.reform(|_: MouseEvent| ());
    let on_save = {
        let (draft, on_save) = (draft.clone(), props.on_save.clone());
        Callback::from(move |_: MouseEvent| on_save.emit((*draft).clone()))
    };
    let categories = props.config.categories.iter().map(|c| {
        let on = draft.iter().any(|(id, v)| *id == c.id && *v);
        html! {
            <li class="kc-cat" key={c.id.clone()}>
                <Switch id={c.id.clone()} label={c.label.clone()} checked={on} locked={c.required}
                        locked_text={t.always_on.clone()} ontoggle={ontoggle.clone()} />
                <p class="kc-cat-desc">{ &c.description }</p>
                if !c.providers.is_empty() {
                    <p class="kc-providers"><span class="kc-providers-label">{ &t.providers_label }{ ": " }</span>{ crate::domain::join(&c.providers, ", ") }</p>
                }
            </li>
        }
    });
    let receipt = match &props.consent {
        Consent::Stored(r) => html! {
            <p class="kc-receipt">
                { &t.consent_id_label }{ ": " }<code>{ &r.id }</code>{ " · " }
                { &t.consent_date_label }{ ": " }<time datetime={time::iso8601(r.decided_at_ms)}>{ time::iso8601(r.decided_at_ms).get(..10).unwrap_or_default().to_string() }</time>
            </p>
        },
        _ => html! {},
    };
    // A press on the backdrop must not pull focus out of the dialog (to the
    // body, where Tab and Escape no longer reach it). Yew delegates events,
    // so `current_target` is not the overlay: the target's `class` attribute
    // tells (not `className`, an object on the close icon's SVG).
    let keep_focus = Callback::from(|e: MouseEvent| {
        let on_backdrop = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|t| t.get_attribute("class").as_deref() == Some("kc-overlay"));
        if on_backdrop {
            e.prevent_default();
        }
    });
    html! {
        <div class="kc-overlay" onmousedown={keep_focus}>
            <div class="kc-dialog" role="dialog" aria-modal="true" aria-labelledby="kc-prefs-title"
                 aria-describedby="kc-prefs-body" tabindex="-1" ref={dialog} {onkeydown}>
                <header class="kc-dialog-head">
                    <h2 id="kc-prefs-title" class="kc-title">{ &t.prefs_title }</h2>
                    <button type="button" class="kc-close" aria-label={t.close.clone()}
                            onclick={click(&props.on_close)}>
                        // Drawn, not a "×" glyph: the same in every font.
                        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                            <path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" fill="none" />
                        </svg>
                    </button>
                </header>
                <div class="kc-dialog-scroll">
                    <p id="kc-prefs-body" class="kc-body">
                        { &t.prefs_body }{ " " }
                        <a href={t.cookie_policy_url.clone()}>{ &t.cookie_policy_label }</a>
                        { " · " }
                        <a href={t.privacy_policy_url.clone()}>{ &t.privacy_policy_label }</a>
                    </p>
                    <ul class="kc-cats">{ for categories }</ul>
                    { receipt }
                </div>
                <footer class="kc-actions kc-dialog-foot">
                    <button type="button" class="kc-btn kc-primary" onclick={click(&props.on_accept)}>{ &t.accept_all }</button>
                    <button type="button" class="kc-btn kc-primary" onclick={click(&props.on_reject)}>{ &t.reject_all }</button>
                    <button type="button" class="kc-btn kc-secondary" onclick={on_save}>{ &t.save }</button>
                </footer>
            </div>
        </div>
    }
}
