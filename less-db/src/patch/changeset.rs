//! Changesets: the set of changed field paths (`name`, `address.city`, `tags`).

use std::collections::BTreeSet;

/// Changed field paths in dot notation, sorted.
pub type Changeset = BTreeSet<String>;

/// True when `field` changed: the path itself, a field inside it (`address` when
/// `address.city` changed) or a container holding it (`address.city` when the whole
/// `address` changed).
pub fn has_field_change(changes: &Changeset, field: &str) -> bool {
    changes
        .iter()
        .any(|c| c == field || is_inside(c, field) || is_inside(field, c) || c.is_empty())
}

/// True when exactly `field` is in the changeset.
pub fn has_direct_change(changes: &Changeset, field: &str) -> bool {
    changes.contains(field)
}

/// True when any of `fields` changed (see [`has_field_change`]).
pub fn has_any_field_change<'a>(
    changes: &Changeset,
    fields: impl IntoIterator<Item = &'a str>,
) -> bool {
    fields.into_iter().any(|f| has_field_change(changes, f))
}

/// Every path of both changesets.
pub fn merge_changesets(a: &Changeset, b: &Changeset) -> Changeset {
    a.union(b).cloned().collect()
}

/// `path` lies strictly inside `container` (`address.city` inside `address`).
fn is_inside(path: &str, container: &str) -> bool {
    path.len() > container.len()
        && path.starts_with(container)
        && matches!(path.as_bytes()[container.len()], b'.' | b'[')
}
