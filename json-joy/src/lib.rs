//! A JSON CRDT that reads and writes the same bytes as the JS `json-joy` package
//! (version 17.67.0), so Rust and JS replicas can exchange models and patches.
//!
//! Module names mirror json-joy's:
//! - [`json_crdt_patch`]: clocks, operations, [`json_crdt_patch::Patch`], the patch
//!   builder and the patch binary codec;
//! - [`json_crdt`]: the document [`json_crdt::Model`], its nodes and the structural
//!   binary model codec;
//! - [`json_crdt_diff`]: turning a new JSON value into a patch against a model;
//! - [`json_pack`]: the CBOR values that `con` nodes and patch metadata hold.
//!
//! Positions inside strings and clock ticks count UTF-16 code units, as JS does.

pub mod json_crdt;
pub mod json_crdt_diff;
pub mod json_crdt_patch;
pub mod json_pack;
