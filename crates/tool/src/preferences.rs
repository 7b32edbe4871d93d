//! The preference tool: a modal dialog listing every category with its
//! label, description, providers and switch. Switch changes are a draft
//! until Save; closing without saving changes nothing.

use crate::category::category;
use crate::draft::Draft;
use crate::exports;
use crate::focus;
use kloudconsent_domain::tool_model::{ToolModel, ToolReceipt, ToolTexts};
use kloudconsent_domain::Choice;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the dialog shows. The visitor's choices (Accept all, Reject all,
/// Save) and the close control or Escape go to the core through
/// [`exports::choose`] and [`exports::close`], to whichever core opened it.
#[derive(Properties)]
pub struct PreferencesProps {
    pub model: Rc<ToolModel>,
    /// Closed, the dialog is not drawn (the app lives on: exports.rs).
    pub open: bool,
}

/// By identity: every model the core hands over is news (the draft is
/// replaced even when it equals the last), and no deep comparison ships.
impl PartialEq for PreferencesProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.model, &other.model) && self.open == other.open
    }
}

/// The draft (and the dialog's node, kept here rather than in a hook of
/// its own: one hook type less in the wasm).
struct State {
    draft: Draft,
    dialog: NodeRef,
}

/// A switch flipped: `(the model shown, category id, on)`.
type Toggle = (Rc<ToolModel>, String, bool);

impl Reducible for State {
    type Action = Toggle;
    fn reduce(self: Rc<Self>, (model, id, on): Toggle) -> Rc<Self> {
        let draft = self.draft.for_model(&model).toggled(&id, on);
        Rc::new(State {
            draft,
            dialog: self.dialog.clone(),
        })
    }
}

#[component]
pub fn Preferences(props: &PreferencesProps) -> Html {
    let state = use_reducer(|| State {
        draft: Draft::of(&props.model),
        dialog: NodeRef::default(),
    });
    if !props.open {
        return html! {};
    }
    // Focus moves into the dialog the moment it is drawn: the tool's script
    // does that (www/assemble.mjs), not an effect here. An effect runs up to
    // a scheduler yield later; a Tab pressed in between on a slow phone would
    // be undone by it.
    let dialog = state.dialog.clone();
    let (model, t) = (&props.model, &props.model.texts);
    let draft = state.draft.for_model(model);
    let onkeydown = {
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                exports::close();
            } else if let Some(container) = dialog.cast::<web_sys::Element>() {
                focus::trap_tab(&e, &container);
            }
        })
    };
    let choose = |choice: Choice| Callback::from(move |_: MouseEvent| exports::choose(&choice));
    let ontoggle = {
        let (dispatcher, model) = (state.dispatcher(), model.clone());
        Callback::from(move |(id, on)| dispatcher.dispatch((model.clone(), id, on)))
    };
    // The built-in policy's descriptions and cookie rows are English.
    let en = model.builtin.then_some("en");
    let categories = model
        .categories
        .iter()
        .map(|c| category(c, &draft, t, en, &ontoggle));
    html! {
        <div class="kc-overlay" lang={model.lang.clone()} dir={model.dir.clone()} onmousedown={keep_focus()} onwheel={keep_page_still()}>
            <div class="kc-dialog" role="dialog" aria-modal="true" aria-labelledby="kc-prefs-title"
                 aria-describedby="kc-prefs-body" tabindex="-1" ref={dialog} {onkeydown}>
                // Plain `div`s for the head and foot: a `header`/`footer` here
                // would be announced as the page's banner and contentinfo
                // landmarks, the only ones left while the page is inert.
                <div class="kc-dialog-head">
                    <h2 id="kc-prefs-title" class="kc-title">{ t.prefs_title() }</h2>
                    <button type="button" class="kc-close" aria-label={t.close().to_owned()}
                            onclick={|_: MouseEvent| exports::close()}>
                        // Drawn, not a "×" glyph: the same in every font.
                        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                            <path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" fill="none" />
                        </svg>
                    </button>
                </div>
                // tabindex -1: Firefox would otherwise make the scrolling
                // list a Tab stop of its own, unnamed, between Close and the
                // first link; its switches and links are the stops.
                <div class="kc-dialog-scroll" tabindex="-1">
                    { intro(t) }
                    <ul class="kc-cats">{ for categories }</ul>
                    // An empty node, not no node, while undecided: Yew
                    // matches unkeyed children from the end, so a child
                    // that comes and goes (another tab's decision or
                    // reset) would make it redraw the intro and the list,
                    // and take focus with the link it was on.
                    { model.receipt.as_ref().map_or_else(Html::default, |r| receipt(t, r)) }
                </div>
                <div class="kc-actions kc-dialog-foot">
                    <button type="button" class="kc-btn kc-primary" onclick={choose(Choice::AcceptAll)}>{ t.accept_all() }</button>
                    <button type="button" class="kc-btn kc-primary" onclick={choose(Choice::RejectAll)}>{ t.reject_all() }</button>
                    <button type="button" class="kc-btn kc-secondary" onclick={choose(draft.choice())}>{ t.save() }</button>
                </div>
            </div>
        </div>
    }
}

/// The dialog's description: the intro text and the two policy links.
fn intro(t: &ToolTexts) -> Html {
    html! {
        <p id="kc-prefs-body" class="kc-body">
            { t.prefs_body() }{ " " }
            <a href={t.cookie_policy_url().to_owned()}>{ t.cookie_policy_label() }</a>
            { " · " }
            <a href={t.privacy_policy_url().to_owned()}>{ t.privacy_policy_label() }</a>
        </p>
    }
}

/// The stored decision's id and date, for a visitor to quote.
fn receipt(t: &ToolTexts, r: &ToolReceipt) -> Html {
    let date = r.decided_at.get(..10).unwrap_or(&r.decided_at);
    html! {
        <p class="kc-receipt">
            { t.consent_id_label() }{ ": " }<code>{ r.id.as_str() }</code>{ " · " }
            { t.consent_date_label() }{ ": " }<time datetime={r.decided_at.clone()}>{ date.to_owned() }</time>
        </p>
    }
}

/// A wheel turned over the backdrop, or over the dialog's head or foot,
/// must not scroll the page behind the modal. Only a box that can scroll
/// takes it (the list, or the whole dialog on a short screen); both stop at
/// their ends (`overscroll-behavior: contain`). Ctrl+wheel is zoom, and
/// stays the browser's. (Touch is held by `touch-action` in the core's sheet.)
fn keep_page_still() -> Callback<WheelEvent> {
    Callback::from(|e: WheelEvent| {
        if e.ctrl_key() {
            return;
        }
        let mut node = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        while let Some(el) = node {
            if el.scroll_height() > el.client_height() {
                return;
            }
            if el.get_attribute("class").as_deref() == Some("kc-overlay") {
                break;
            }
            node = el.parent_element();
        }
        e.prevent_default();
    })
}

/// A press on the backdrop must not pull focus out of the dialog (to the
/// body, where Tab and Escape no longer reach it). Yew delegates events, so
/// `current_target` is not the overlay: the target's `class` attribute tells
/// (not `className`, an object on the close icon's SVG).
fn keep_focus() -> Callback<MouseEvent> {
    Callback::from(|e: MouseEvent| {
        let on_backdrop = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|t| t.get_attribute("class").as_deref() == Some("kc-overlay"));
        if on_backdrop {
            e.prevent_default();
        }
    })
}
