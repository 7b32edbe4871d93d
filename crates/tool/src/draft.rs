//! The visitor's unsaved choices: what each switch shows until Save. Pure
//! (no I/O, no DOM), so the rules are host-tested: required categories stay
//! on whatever arrives, a new model from the core replaces the draft.

use kloudconsent_domain::tool_model::ToolModel;
use kloudconsent_domain::Choice;

/// One category's switch.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    id: String,
    on: bool,
    /// Required: always on, toggles are ignored.
    locked: bool,
}

/// Every category of the model, in display order, with what its switch shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft(Vec<Slot>);

/// What can happen to the draft.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The visitor flipped a switch: `(category id, on)`.
    Toggle(String, bool),
    /// The core handed a new model (the stored decision changed while the
    /// tool was open): its grants replace the draft.
    Reset(Draft),
}

impl Draft {
    /// The model's grants; a category the grants do not name is off, a
    /// required one always on.
    pub fn of(model: &ToolModel) -> Draft {
        let slots = model.categories.iter().map(|c| Slot {
            id: c.id.clone(),
            on: c.required || model.grants.get(&c.id).unwrap_or(false),
            locked: c.required,
        });
        Draft(slots.collect())
    }

    /// Whether `id`'s switch is on.
    pub fn is_on(&self, id: &str) -> bool {
        self.0.iter().any(|s| s.id == id && s.on)
    }

    /// The draft after `action`.
    pub fn apply(mut self, action: Action) -> Draft {
        match action {
            Action::Toggle(id, on) => {
                if let Some(slot) = self.0.iter_mut().find(|s| s.id == id && !s.locked) {
                    slot.on = on;
                }
                self
            }
            Action::Reset(draft) => draft,
        }
    }

    /// What Save sends: every category, in order.
    pub fn choice(&self) -> Choice {
        Choice::Set(self.0.iter().map(|s| (s.id.clone(), s.on)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kloudconsent_domain::tool_model::ToolCategory;
    use kloudconsent_domain::Grants;

    fn model(grants: &[(&str, bool)]) -> ToolModel {
        let category = |id: &str, required| ToolCategory {
            id: id.into(),
            required,
            ..ToolCategory::default()
        };
        ToolModel {
            categories: vec![
                category("necessary", true),
                category("analytics", false),
                category("marketing", false),
            ],
            grants: grants
                .iter()
                .map(|(id, on)| (id.to_string(), *on))
                .collect::<Grants>(),
            ..ToolModel::default()
        }
    }

    fn saved(draft: &Draft) -> Vec<(String, bool)> {
        match draft.choice() {
            Choice::Set(pairs) => pairs,
            other => panic!("save is a custom choice, got {other:?}"),
        }
    }

    #[test]
    fn starts_from_the_grants_with_every_category_in_order() {
        let draft = Draft::of(&model(&[("marketing", true)]));
        let expected = [
            ("necessary", true),
            ("analytics", false),
            ("marketing", true),
        ];
        assert_eq!(saved(&draft), expected.map(|(id, on)| (id.to_string(), on)));
    }

    #[test]
    fn required_categories_stay_on() {
        let draft = Draft::of(&model(&[("necessary", false)]));
        assert!(draft.is_on("necessary"), "even when the grants say off");
        let draft = draft.apply(Action::Toggle("necessary".into(), false));
        assert!(draft.is_on("necessary"), "a toggle cannot switch it off");
    }

    #[test]
    fn toggles_change_only_their_category_and_unknown_ids_nothing() {
        let start = Draft::of(&model(&[]));
        let draft = start
            .clone()
            .apply(Action::Toggle("analytics".into(), true));
        assert!(draft.is_on("analytics") && !draft.is_on("marketing"));
        assert_eq!(
            start.clone().apply(Action::Toggle("ads".into(), true)),
            start
        );
    }

    #[test]
    fn a_new_model_replaces_the_draft() {
        let draft = Draft::of(&model(&[])).apply(Action::Toggle("analytics".into(), true));
        let next = Draft::of(&model(&[("marketing", true)]));
        let draft = draft.apply(Action::Reset(next.clone()));
        assert_eq!(draft, next);
        assert!(!draft.is_on("analytics"));
    }
}
