//! Which categories are granted, in display order: what the banner, the
//! tool, the stored record, the events and Consent Mode all talk about.
//!
//! A small ordered list rather than a map: there are at most a few dozen
//! entries, the order is the site's display order (and part of every JSON
//! the widget writes), and a `BTreeMap` or `HashMap` would cost every page
//! bytes for nothing.

/// `(category id, granted)` pairs, ids unique, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants(Vec<(String, bool)>);

impl Grants {
    /// No entries.
    pub fn new() -> Grants {
        Grants(Vec::new())
    }

    /// The same ids with the same values, in any order (a record read back
    /// from the cookie lists granted ones first).
    pub fn same_as(&self, other: &Grants) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|(k, v)| other.get(k) == Some(*v))
    }

    /// Whether `id` is granted; `None` when it has no entry.
    pub fn get(&self, id: &str) -> Option<bool> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| *v)
    }

    /// Sets `id` to `granted`, keeping its place, or appends it.
    pub fn set(&mut self, id: &str, granted: bool) {
        match self.0.iter_mut().find(|(k, _)| k == id) {
            Some(slot) => slot.1 = granted,
            None => self.0.push((id.to_owned(), granted)),
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries as `(id, granted)` pairs, for the JSON writers.
    pub fn as_pairs(&self) -> &[(String, bool)] {
        &self.0
    }

    /// The entries of categories (`part(false)`) or of services
    /// (`part(true)`: full ids, which hold a `.`), in order.
    pub fn part(&self, services: bool) -> Grants {
        let mut part = Vec::new();
        for (id, granted) in &self.0 {
            if crate::text::find_byte(id, b'.').is_some() == services {
                part.push((id.clone(), *granted));
            }
        }
        Grants(part)
    }

    /// A JSON object `{"id": true, ...}` in order.
    pub fn to_json(&self) -> String {
        kloudconsent_json::bool_object(&self.0)
    }
}

impl From<Vec<(String, bool)>> for Grants {
    /// Later entries for the same id win, in the place of the first.
    fn from(pairs: Vec<(String, bool)>) -> Grants {
        let mut grants = Grants::new();
        for (id, granted) in pairs {
            grants.set(&id, granted);
        }
        grants
    }
}

impl<const N: usize> From<[(&str, bool); N]> for Grants {
    fn from(pairs: [(&str, bool); N]) -> Grants {
        let mut grants = Grants::new();
        for (id, granted) in pairs {
            grants.set(id, granted);
        }
        grants
    }
}

impl FromIterator<(String, bool)> for Grants {
    /// Later entries for the same id win, in the place of the first.
    fn from_iter<I: IntoIterator<Item = (String, bool)>>(iter: I) -> Grants {
        let mut grants = Grants::new();
        for (id, granted) in iter {
            grants.set(&id, granted);
        }
        grants
    }
}

impl<'a> FromIterator<(&'a str, bool)> for Grants {
    fn from_iter<I: IntoIterator<Item = (&'a str, bool)>>(iter: I) -> Grants {
        let mut grants = Grants::new();
        for (id, granted) in iter {
            grants.set(id, granted);
        }
        grants
    }
}

impl IntoIterator for Grants {
    type Item = (String, bool);
    type IntoIter = std::vec::IntoIter<(String, bool)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_keeps_order_and_replaces_in_place() {
        let mut g = Grants::new();
        g.set("a", true);
        g.set("b", false);
        g.set("a", false);
        assert_eq!(g.iter().collect::<Vec<_>>(), [("a", false), ("b", false)]);
        assert_eq!(g.get("b"), Some(false));
        assert_eq!(g.get("c"), None);
        assert_eq!(g.to_json(), r#"{"a":false,"b":false}"#);
    }

    #[test]
    fn collecting_merges_duplicates() {
        let g: Grants = [
            ("x".to_string(), true),
            ("y".into(), true),
            ("x".into(), false),
        ]
        .into_iter()
        .collect();
        assert_eq!(g.len(), 2);
        assert_eq!(g.get("x"), Some(false));
    }
}
