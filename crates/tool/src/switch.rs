//! A category's or service's heading row: its label and its switch. The
//! switch is a real checkbox with `role="switch"`, named by a `<label for>`
//! holding exactly the label; the checkbox lies invisibly over the drawn
//! track, so a click on the track is a click on the control.
//!
//! A category with services reflects them and may be half on, which a
//! switch cannot say (ARIA's switch has no mixed state): its control is a
//! plain checkbox, `indeterminate` and `aria-checked="mixed"` while some of
//! its services are on and some off, so assistive technology announces
//! "mixed" (or "half checked").
//!
//! The mixed one also says so in words ("Partly on", `texts.partlyOn`),
//! which a half-way thumb alone does not.
//!
//! A required category is announced as checked and "Always on":
//! `aria-disabled` keeps it focusable and explained, where `disabled` would
//! hide it from Tab and give no reason.
//!
//! A function, not a component (as is category.rs): the whole dialog
//! re-renders as one anyway, and each component type costs the tool's wasm
//! its own copy of Yew's component machinery (~1.5 KB brotli).

use crate::draft::Shown;
use kloudconsent_domain::tool_model::ToolTexts;
use yew::prelude::*;

/// One switch: `id` (a category's or a full service id), its label, and
/// whether it is a category over services (`group`: it may show mixed).
pub struct Switch<'a> {
    /// A category's id or a service's full id (`analytics.ga`).
    pub id: &'a str,
    /// Its label: the control's accessible name.
    pub label: &'a str,
    /// Required: always on, says "Always on", toggles ignored.
    pub locked: bool,
    /// A category over services: a checkbox that can show mixed.
    pub group: bool,
    /// What it shows now.
    pub shown: Shown,
}

/// `ontoggle` gets `(id, on)` when the visitor flips it (a mixed one goes
/// on); never when it is locked.
pub fn switch(s: Switch<'_>, t: &ToolTexts, ontoggle: &Callback<(String, bool)>) -> Html {
    let input_id = "kc-switch-".to_owned() + s.id;
    let note_id = "kc-note-".to_owned() + s.id;
    let (locked, mixed) = (s.locked, s.shown == Shown::Mixed);
    let on = s.shown == Shown::On;
    let onclick = {
        let (id, ontoggle) = (s.id.to_owned(), ontoggle.clone());
        Callback::from(move |e: MouseEvent| {
            if locked {
                // The browser has already flipped the box: this undoes it.
                e.prevent_default();
            } else {
                ontoggle.emit((id.clone(), !on));
            }
        })
    };
    html! {
        <div class="kc-cat-head">
            <label for={input_id.clone()} class="kc-cat-label">{ s.label }</label>
            if locked || mixed {
                <span id={note_id.clone()} class="kc-always-on">
                    { if locked { t.always_on() } else { t.partly_on() } }
                </span>
            }
            <span class="kc-switch">
                <input type="checkbox" role={(!s.group).then_some("switch")} id={input_id}
                       checked={on || locked}
                       ~indeterminate={mixed}
                       aria-checked={mixed.then_some("mixed")}
                       aria-disabled={locked.then_some("true")}
                       aria-describedby={(locked || mixed).then_some(note_id)}
                       {onclick} />
                <span class="kc-track" aria-hidden="true"><span class="kc-thumb"></span></span>
            </span>
        </div>
    }
}
