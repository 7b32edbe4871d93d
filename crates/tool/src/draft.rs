//! The visitor's unsaved choices: what each switch shows until Save. Pure
//! (no I/O, no DOM), so the rules are host-tested: required categories stay
//! on whatever arrives, and a new model from the core (the stored decision
//! changed while the tool was open) replaces the draft.

use kloudconsent_domain::tool_model::ToolModel;
use kloudconsent_domain::Choice;
use std::rc::Rc;

/// One category's or service's switch.
#[derive(Clone, Debug)]
struct Slot {
    id: String,
    on: bool,
    /// Required: always on, toggles are ignored.
    locked: bool,
    /// A service: the slot index of its category.
    parent: Option<usize>,
}

/// Every category of the model it was started from, each followed by its
/// services, in display order, with what its switch shows.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Compared by identity: each model the core hands over is a new one.
    model: Rc<ToolModel>,
    slots: Vec<Slot>,
}

/// What a switch shows: a category with services is `Mixed` while some of
/// them are on and some off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// Off (for a category with services: all of them off).
    Off,
    /// On (for a category with services: all of them on).
    On,
    /// Some of the category's services on, some off.
    Mixed,
}

impl Draft {
    /// The model's grants; an id the grants do not name is off, a required
    /// one (and its services) always on. A category with services is on
    /// when one of them is.
    pub fn of(model: &Rc<ToolModel>) -> Draft {
        let mut slots = Vec::new();
        for c in &model.categories {
            let on = |id: &str| c.required || model.grants.get(id).unwrap_or(false);
            let parent = slots.len();
            slots.push(Slot {
                id: c.id.clone(),
                on: on(&c.id),
                locked: c.required,
                parent: None,
            });
            for s in &c.services {
                slots.push(Slot {
                    id: s.id.clone(),
                    on: on(&s.id),
                    locked: c.required,
                    parent: Some(parent),
                });
            }
        }
        let mut draft = Draft {
            model: model.clone(),
            slots,
        };
        for i in 0..draft.slots.len() {
            draft.settle(i);
        }
        draft
    }

    /// This draft while `model` is the one it started from; once the core
    /// has handed a new one, a fresh draft of the new one's grants.
    pub fn for_model(&self, model: &Rc<ToolModel>) -> Draft {
        match Rc::ptr_eq(&self.model, model) {
            true => self.clone(),
            false => Draft::of(model),
        }
    }

    /// The draft with `id` switched `on` (a required or unknown id:
    /// unchanged). A category sets all of its services.
    pub fn toggled(mut self, id: &str, on: bool) -> Draft {
        let Some(i) = self.slots.iter().position(|s| s.id == id && !s.locked) else {
            return self;
        };
        self.slots[i].on = on;
        for s in &mut self.slots {
            if s.parent == Some(i) {
                s.on = on;
            }
        }
        self.settle(i);
        self
    }

    /// After slot `i` changed: a service's category is on exactly when one
    /// of its services is.
    fn settle(&mut self, i: usize) {
        if let Some(p) = self.slots[i].parent {
            let any = self.slots.iter().any(|s| s.parent == Some(p) && s.on);
            self.slots[p].on = any || self.slots[p].locked;
        }
    }

    /// Whether `id`'s switch is on (for a category with services: one of
    /// them is).
    pub fn is_on(&self, id: &str) -> bool {
        self.slots.iter().any(|s| s.id == id && s.on)
    }

    /// What `id`'s switch shows: for a category with services, on when
    /// all of them are, off when none, mixed otherwise.
    pub fn shown(&self, id: &str) -> Shown {
        let Some(i) = self.slots.iter().position(|s| s.id == id) else {
            return Shown::Off;
        };
        let (mut on, mut off) = (false, false);
        for s in &self.slots {
            if s.parent == Some(i) {
                on |= s.on;
                off |= !s.on;
            }
        }
        match (on, off) {
            (true, true) => Shown::Mixed,
            (true, false) => Shown::On,
            (false, true) => Shown::Off,
            (false, false) if self.slots[i].on => Shown::On,
            (false, false) => Shown::Off,
        }
    }

    /// What Save sends: every category and service, in order.
    pub fn choice(&self) -> Choice {
        Choice::Set(self.slots.iter().map(|s| (s.id.clone(), s.on)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kloudconsent_domain::tool_model::{ToolCategory, ToolService};
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
                ToolCategory {
                    services: vec![service("stats.a"), service("stats.b")],
                    ..category("stats", false)
                },
            ],
            grants: grants
                .iter()
                .map(|(id, on)| (id.to_string(), *on))
                .collect::<Grants>(),
            ..ToolModel::default()
        })
    }

    fn service(id: &str) -> ToolService {
        ToolService {
            id: id.into(),
            ..ToolService::default()
        }
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
            ("stats", false),
            ("stats.a", false),
            ("stats.b", false),
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

    #[test]
    fn a_category_switch_sets_its_services_and_shows_mixed_when_they_differ() {
        let draft = Draft::of(&model(&[("stats.b", true)]));
        assert_eq!(draft.shown("stats"), Shown::Mixed);
        assert!(draft.is_on("stats"), "a category is on when one service is");
        let all = draft.clone().toggled("stats", true);
        assert_eq!(all.shown("stats"), Shown::On);
        assert!(all.is_on("stats.a") && all.is_on("stats.b"));
        let none = all.toggled("stats", false);
        assert_eq!(none.shown("stats"), Shown::Off);
        assert!(!none.is_on("stats.a") && !none.is_on("stats.b") && !none.is_on("stats"));
        let one = none.toggled("stats.a", true);
        assert_eq!(one.shown("stats"), Shown::Mixed);
        let expected = [("stats", true), ("stats.a", true), ("stats.b", false)];
        assert_eq!(saved(&one)[3..], pairs(&expected)[..]);
        assert_eq!(one.shown("analytics"), Shown::Off);
        assert_eq!(one.shown("necessary"), Shown::On);
    }
}
