//! Patch tests: schema-aware diffs and changeset helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod changeset;
mod diff;
