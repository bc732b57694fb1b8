//! Schema-aware record diffs into changesets.
