//! Schema-aware record diffs into changesets.

pub mod changeset;
pub mod diff;

pub use changeset::{
    Changeset, has_any_field_change, has_direct_change, has_field_change, merge_changesets,
};
pub use diff::{diff, node_equals};
