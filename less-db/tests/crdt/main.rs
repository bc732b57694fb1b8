//! The CRDT layer: schema-aware documents, merge semantics, the pending-patch log, and
//! hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod hostile;
mod merge;
mod model;
mod patch_log;
mod session;
