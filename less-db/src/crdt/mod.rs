//! CRDT records: a thin, schema-aware layer over json-joy's [`Model`].
//!
//! Every record is a json-joy document whose node kinds follow the collection schema
//! (see [`schema`] for the mapping). Local writes become patches (kept in the record's
//! pending-patch log until the server acknowledges them); remote state arrives as whole
//! model binaries, and merging replays the pending patches on top of the remote model.

mod diff;
mod doc;
mod doc_impl;
mod ops;
pub mod patch_log;
pub mod schema;

pub use json_joy::json_crdt::Model;
pub use json_joy::json_crdt_patch::Patch;
use serde_json::Value;

use crate::error::LessDbError;
use crate::schema::SchemaNode;

/// Smallest session id a replica may use (json-joy reserves the ones below).
pub const MIN_SESSION_ID: u64 = json_joy::json_crdt_patch::clock::MIN_USER_SESSION;
/// Largest session id the binary codecs can carry (2^53 - 1).
pub const MAX_SESSION_ID: u64 = json_joy::json_crdt_patch::clock::MAX_SESSION;
/// Largest CRDT binary accepted (10 MB). Checked before decoding and on every write.
pub const MAX_CRDT_BINARY_SIZE: usize = 10 * 1024 * 1024;

/// Errors of the CRDT layer.
#[derive(Debug, thiserror::Error)]
pub enum CrdtError {
    #[error("CRDT binary too large to sync: {size} bytes (max {max})")]
    TooLarge { size: usize, max: usize },
    #[error("invalid session id {0}: must be between 65536 and 2^53-1")]
    InvalidSessionId(u64),
    #[error("corrupt CRDT model: {0}")]
    Decode(String),
    #[error("corrupt pending-patch log: {0}")]
    PatchLog(String),
}

impl From<CrdtError> for LessDbError {
    fn from(e: CrdtError) -> Self {
        LessDbError::Crdt(e.to_string())
    }
}

/// A random session id in `MIN_SESSION_ID..=MAX_SESSION_ID`, from the OS random
/// source (two replicas sharing a session id would corrupt each other's edits).
pub fn generate_session_id() -> u64 {
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    let mut raw = [0u8; 8];
    raw.copy_from_slice(&bytes[..8]);
    let span = MAX_SESSION_ID - MIN_SESSION_ID + 1;
    MIN_SESSION_ID + u64::from_le_bytes(raw) % span
}

pub fn is_valid_session_id(sid: u64) -> bool {
    (MIN_SESSION_ID..=MAX_SESSION_ID).contains(&sid)
}

fn check_sid(sid: u64) -> Result<(), CrdtError> {
    if is_valid_session_id(sid) {
        Ok(())
    } else {
        Err(CrdtError::InvalidSessionId(sid))
    }
}

/// Errors when a binary of `size` bytes is over [`MAX_CRDT_BINARY_SIZE`].
pub fn check_binary_size(size: usize) -> Result<(), CrdtError> {
    if size > MAX_CRDT_BINARY_SIZE {
        Err(CrdtError::TooLarge {
            size,
            max: MAX_CRDT_BINARY_SIZE,
        })
    } else {
        Ok(())
    }
}

/// A new document holding `data`, with node kinds chosen by `schema`.
pub fn create_model(schema: &SchemaNode, data: &Value, sid: u64) -> Result<Model, CrdtError> {
    check_sid(sid)?;
    let mut model = Model::create(sid);
    let patch = doc_impl::build_root_patch(&model, schema, data);
    model.apply_patch(&patch);
    Ok(model)
}

/// The patch that turns `model` into `data`; `None` when nothing changed. Node kinds
/// already in the model are respected (see the module docs of `diff`).
///
/// The patch uses the model's clock: apply it before diffing again.
pub fn diff_model(schema: &SchemaNode, model: &Model, data: &Value) -> Option<Patch> {
    doc_impl::diff_patch(model, schema, data)
}

pub fn apply_patch(model: &mut Model, patch: &Patch) {
    model.apply_patch(patch);
}

/// The record form of a document: its JSON view with dates turned back into ISO strings.
pub fn view_model(schema: &SchemaNode, model: &Model) -> Value {
    let mut view = model.view();
    schema::view_to_record(schema, &mut view);
    view
}

/// A copy of `model` that writes as session `sid`.
pub fn fork_model(model: &Model, sid: u64) -> Result<Model, CrdtError> {
    check_sid(sid)?;
    Ok(model.fork(sid))
}

pub fn model_to_binary(model: &Model) -> Vec<u8> {
    model.to_binary()
}

/// Decodes a model binary. Oversized input is refused before decoding.
pub fn model_from_binary(bytes: &[u8]) -> Result<Model, CrdtError> {
    check_binary_size(bytes.len())?;
    Model::from_binary(bytes).map_err(|e| CrdtError::Decode(e.to_string()))
}

/// Decodes a model binary for writing as session `sid`.
pub fn model_load(bytes: &[u8], sid: u64) -> Result<Model, CrdtError> {
    check_sid(sid)?;
    check_binary_size(bytes.len())?;
    Model::load(bytes, sid).map_err(|e| CrdtError::Decode(e.to_string()))
}

/// Replays local patches on top of a remote model. Operations the remote has already
/// integrated are no-ops in json-joy (ids are unique), so replaying is idempotent.
pub fn merge_with_pending_patches(model: &mut Model, patches: &[Patch]) {
    for patch in patches {
        model.apply_patch(patch);
    }
}
