//! The root component: shows the banner or the preference tool according to
//! the widget's view, and turns clicks into widget actions.

use super::{banner::Banner, preferences::Preferences};
use crate::domain::Choice;
use crate::widget::{View, Widget};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct RootProps {
    pub widget: Rc<Widget>,
}

impl PartialEq for RootProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.widget, &other.widget)
    }
}

#[component]
pub fn Root(props: &RootProps) -> Html {
    let update = use_force_update();
    {
        let widget = props.widget.clone();
        use_effect_with((), move |_| {
            widget.set_rerender(Rc::new(move || update.force_update()));
        });
    }
    let widget = &props.widget;
    let act = |f: fn(&Widget)| {
        let widget = widget.clone();
        Callback::from(move |_: ()| f(&widget))
    };
    let on_accept = act(|w| w.choose(Choice::AcceptAll));
    let on_reject = act(|w| w.choose(Choice::RejectAll));
    match widget.view() {
        View::Hidden => html! {},
        View::Banner => html! {
            <Banner config={widget.config.clone()} {on_accept} {on_reject}
                    on_manage={act(|w| { super::focus::remember_banner_opener(); w.show_preferences() })} />
        },
        View::Preferences => {
            let on_save = {
                let widget = widget.clone();
                Callback::from(move |choices: Vec<(String, bool)>| widget.choose(Choice::Set(choices)))
            };
            html! {
                <Preferences config={widget.config.clone()} consent={widget.consent()}
                             {on_accept} {on_reject} {on_save}
                             on_close={act(|w| w.close_preferences())} />
            }
        }
    }
}
