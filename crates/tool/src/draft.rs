//! The visitor's unsaved choices: what each switch shows until Save. Pure
//! (no I/O, no DOM), so the rules are host-tested: required categories stay
//! on whatever arrives, and a new model from the core (the stored decision
//! changed while the tool was open) replaces the draft.

use kloudconsent_domain::tool_model::ToolModel;
use kloudconsent_domain::Choice;
use std::rc::Rc;

/// One category's switch.
#[derive(Clone, Debug)]
struct Slot {
    id: String,
    on: bool,
    /// Required: always on, toggles are ignored.
    locked: bool,
}

/// Every category of the model it was started from, in display order, with
/// what its switch shows.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Compared by identity: each model the core hands over is a new one.
    model: Rc<ToolModel>,
    slots: Vec<Slot>,
}

impl Draft {
    /// The model's grants; a category the grants do not name is off, a
    /// required one always on.
    pub fn of(model: &Rc<ToolModel>) -> Draft {
        let slots = model.categories.iter().map(|c| Slot {
            id: c.id.clone(),
            on: c.required || model.grants.get(&c.id).unwrap_or(false),
            locked: c.required,
        });
        Draft {
            model: model.clone(),
            slots: slots.collect(),
        }
    }

    /// This draft while `model` is the one it started from; once the core
    /// has handed a new one, a fresh draft of the new one's grants.
    pub fn for_model(&self, model: &Rc<ToolModel>) -> Draft {
        match Rc::ptr_eq(&self.model, model) {
            true => self.clone(),
            false => Draft::of(model),
        }
    }

    /// The draft with `id` switched `on` (a required or unknown id: unchanged).
    pub fn toggled(mut self, id: &str, on: bool) -> Draft {
        if let Some(slot) = self.slots.iter_mut().find(|s| s.id == id && !s.locked) {
            slot.on = on;
        }
        self
    }

    /// Whether `id`'s switch is on.
    pub fn is_on(&self, id: &str) -> bool {
        self.slots.iter().any(|s| s.id == id && s.on)
    }

    /// What Save sends: every category, in order.
    pub fn choice(&self) -> Choice {
        Choice::Set(self.slots.iter().map(|s| (s.id.clone(), s.on)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kloudconsent_domain::tool_model::ToolCategory;
    use kloudconsent_domain::Grants;

    fn model(grants: &[(&str, bool)]) -> Rc<ToolModel> {
        let category = |id: &str, required| ToolCategory {
            id: id.into(),
            required,
            ..ToolCategory::default()
        };
        Rc::new(ToolModel {
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
        })
    }

    fn saved(draft: &Draft) -> Vec<(String, bool)> {
        match draft.choice() {
            Choice::Set(pairs) => pairs.into_iter().collect(),
            other => panic!("save is a custom choice, got {other:?}"),
        }
    }

    fn pairs(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
        pairs.iter().map(|(id, on)| (id.to_string(), *on)).collect()
    }

    #[test]
    fn starts_from_the_grants_with_every_category_in_order() {
        let draft = Draft::of(&model(&[("marketing", true)]));
        let expected = [
            ("necessary", true),
            ("analytics", false),
            ("marketing", true),
        ];
        assert_eq!(saved(&draft), pairs(&expected));
    }

    #[test]
    fn required_categories_stay_on() {
        let draft = Draft::of(&model(&[("necessary", false)]));
        assert!(draft.is_on("necessary"), "even when the grants say off");
        let draft = draft.toggled("necessary", false);
        assert!(draft.is_on("necessary"), "a toggle cannot switch it off");
    }

    #[test]
    fn toggles_change_only_their_category_and_unknown_ids_nothing() {
        let start = Draft::of(&model(&[]));
        let draft = start.clone().toggled("analytics", true);
        assert!(draft.is_on("analytics") && !draft.is_on("marketing"));
        assert_eq!(saved(&start.clone().toggled("ads", true)), saved(&start));
    }

    #[test]
    fn the_draft_holds_for_its_model_and_a_new_model_replaces_it() {
        let first = model(&[]);
        let draft = Draft::of(&first).toggled("analytics", true);
        assert!(
            draft.for_model(&first).is_on("analytics"),
            "same model: the draft holds"
        );
        let next = model(&[("marketing", true)]);
        let draft = draft.for_model(&next);
        assert_eq!(saved(&draft), saved(&Draft::of(&next)));
        assert!(!draft.is_on("analytics") && draft.is_on("marketing"));
        let equal_but_new = model(&[]);
        assert!(
            !Draft::of(&first)
                .toggled("analytics", true)
                .for_model(&equal_but_new)
                .is_on("analytics"),
            "an equal model handed over again still replaces the draft"
        );
    }
}
