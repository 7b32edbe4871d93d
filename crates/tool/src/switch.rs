//! One category's heading row: its label and its switch. The switch is a real
//! checkbox with `role="switch"`, named by a `<label for>` holding exactly the
//! category label; the checkbox lies invisibly over the drawn track, so a
//! click on the track is a click on the control.
//!
//! A required category is announced as checked and "Always on":
//! `aria-disabled` keeps it focusable and explained, where `disabled` would
//! hide it from Tab and give no reason.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SwitchProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub locked: bool,
    pub locked_text: AttrValue,
    /// `(category id, on)` when the visitor flips it; never when locked.
    pub ontoggle: Callback<(String, bool)>,
}

#[component]
pub fn Switch(props: &SwitchProps) -> Html {
    let input_id = "kc-switch-".to_owned() + &props.id;
    let note_id = "kc-note-".to_owned() + &props.id;
    let onclick = {
        let (id, checked, locked, ontoggle) = (
            props.id.clone(),
            props.checked,
            props.locked,
            props.ontoggle.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            if locked {
                // The browser has already flipped the box: this undoes it.
                e.prevent_default();
            } else {
                ontoggle.emit((id.to_string(), !checked));
            }
        })
    };
    html! {
        <div class="kc-cat-head">
            <label for={input_id.clone()} class="kc-cat-label">{ &props.label }</label>
            if props.locked {
                <span id={note_id.clone()} class="kc-always-on">{ &props.locked_text }</span>
            }
            <span class="kc-switch">
                <input type="checkbox" role="switch" id={input_id}
                       checked={props.checked || props.locked}
                       aria-disabled={props.locked.then_some("true")}
                       aria-describedby={props.locked.then_some(note_id)}
                       {onclick} />
                <span class="kc-track" aria-hidden="true"><span class="kc-thumb"></span></span>
            </span>
        </div>
    }
}
