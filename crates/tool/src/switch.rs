//! One category's heading row: its label and its switch. The switch is a real
//! checkbox with `role="switch"`, named by a `<label for>` holding exactly the
//! category label; the checkbox lies invisibly over the drawn track, so a
//! click on the track is a click on the control.
//!
//! A required category is announced as checked and "Always on":
//! `aria-disabled` keeps it focusable and explained, where `disabled` would
//! hide it from Tab and give no reason.
//!
//! A function, not a component (as is category.rs): the whole dialog
//! re-renders as one anyway, and each component type costs the tool's wasm
//! its own copy of Yew's component machinery (~1.5 KB brotli).

use kloudconsent_domain::tool_model::ToolCategory;
use yew::prelude::*;

/// `ontoggle` gets `(category id, on)` when the visitor flips it; never
/// when it is locked.
pub fn switch(
    c: &ToolCategory,
    on: bool,
    locked_text: &str,
    ontoggle: &Callback<(String, bool)>,
) -> Html {
    let input_id = "kc-switch-".to_owned() + &c.id;
    let note_id = "kc-note-".to_owned() + &c.id;
    let locked = c.required;
    let onclick = {
        let (id, ontoggle) = (c.id.clone(), ontoggle.clone());
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
            <label for={input_id.clone()} class="kc-cat-label">{ &c.label }</label>
            if locked {
                <span id={note_id.clone()} class="kc-always-on">{ locked_text }</span>
            }
            <span class="kc-switch">
                <input type="checkbox" role="switch" id={input_id}
                       checked={on || locked}
                       aria-disabled={locked.then_some("true")}
                       aria-describedby={locked.then_some(note_id)}
                       {onclick} />
                <span class="kc-track" aria-hidden="true"><span class="kc-thumb"></span></span>
            </span>
        </div>
    }
}
