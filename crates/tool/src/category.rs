//! One category of the list: its switch row, description and providers.

use crate::switch::Switch;
use kloudconsent_domain::tool_model::ToolCategory;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CategoryProps {
    pub category: ToolCategory,
    /// What its switch shows (the draft).
    pub on: bool,
    /// The model's "Always on" and "Providers" texts.
    pub always_on: AttrValue,
    pub providers_label: AttrValue,
    pub ontoggle: Callback<(String, bool)>,
}

#[component]
pub fn Category(props: &CategoryProps) -> Html {
    let c = &props.category;
    html! {
        <li class="kc-cat">
            <Switch id={c.id.clone()} label={c.label.clone()} checked={props.on} locked={c.required}
                    locked_text={props.always_on.clone()} ontoggle={props.ontoggle.clone()} />
            <p class="kc-cat-desc">{ &c.description }</p>
            if !c.providers.is_empty() {
                <p class="kc-providers">
                    <span class="kc-providers-label">{ &props.providers_label }{ ": " }</span>
                    { kloudconsent_domain::join(&c.providers, ", ") }
                </p>
            }
        </li>
    }
}
