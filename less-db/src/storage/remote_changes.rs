//! Applying records pulled from the server: decide, per record, what to write (insert,
//! update, delete, merge, keep the local side of a delete conflict, or skip), then
//! write the decisions, collecting per-record errors so one bad record never stops the
//! others.

// `LessDbError` is the crate-wide error; see `record_manager`.
#![allow(clippy::result_large_err)]

use serde_json::Value;

use super::record_manager::{merge_records, prepare_remote_insert, prepare_remote_tombstone};
use crate::collection::CollectionDef;
use crate::error::{LessDbError, Result};
use crate::types::{
    ApplyRemoteRecordResult, DeleteConflictStrategy, DeleteResolution, RecordError, RemoteAction,
    RemoteRecord, SerializedRecord,
};

/// The decision for one remote record.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteDecision {
    Insert(SerializedRecord),
    Update(SerializedRecord),
    Delete(SerializedRecord),
    Merge(SerializedRecord),
    /// Delete conflict resolved for the local side: the local record with the remote's
    /// sequence, still dirty.
    Conflict(SerializedRecord),
    /// Nothing to write; `id` says which record.
    Skip {
        id: String,
    },
}

impl RemoteDecision {
    pub fn action(&self) -> RemoteAction {
        match self {
            RemoteDecision::Insert(_) => RemoteAction::Inserted,
            RemoteDecision::Update(_) => RemoteAction::Updated,
            RemoteDecision::Delete(_) => RemoteAction::Deleted,
            RemoteDecision::Merge(_) => RemoteAction::Merged,
            RemoteDecision::Conflict(_) => RemoteAction::KeptLocal,
            RemoteDecision::Skip { .. } => RemoteAction::Skipped,
        }
    }

    /// The record to write, if any.
    pub fn record(&self) -> Option<&SerializedRecord> {
        match self {
            RemoteDecision::Insert(r)
            | RemoteDecision::Update(r)
            | RemoteDecision::Delete(r)
            | RemoteDecision::Merge(r)
            | RemoteDecision::Conflict(r) => Some(r),
            RemoteDecision::Skip { .. } => None,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            RemoteDecision::Skip { id } => id,
            other => other.record().map_or("", |r| r.id.as_str()),
        }
    }
}

/// Who wins when one side deleted the record and the other edited it.
pub fn resolve_delete_conflict(
    strategy: &DeleteConflictStrategy,
    local: &SerializedRecord,
    remote: &RemoteRecord,
) -> DeleteResolution {
    match strategy {
        DeleteConflictStrategy::RemoteWins => resolution(remote.deleted),
        DeleteConflictStrategy::LocalWins => resolution(local.deleted),
        DeleteConflictStrategy::DeleteWins => DeleteResolution::Delete,
        DeleteConflictStrategy::UpdateWins => DeleteResolution::Keep,
        DeleteConflictStrategy::Custom(f) => f(local, remote),
    }
}

fn resolution(deleted: bool) -> DeleteResolution {
    if deleted {
        DeleteResolution::Delete
    } else {
        DeleteResolution::Keep
    }
}

/// Context for [`process_remote_record`] beyond the records themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct RemoteContext<'a> {
    /// Session id for edits the merge itself makes (migrating an older remote).
    pub session_id: Option<u64>,
    /// When the pull happened (ISO-8601), used as `deletedAt` of remote tombstones.
    pub received_at: Option<&'a str>,
}

/// Decides what to do with one remote record given the local one (if any).
///
/// A remote whose sequence is not newer than the local record's is skipped. Corrupt or
/// oversized remote CRDT bytes make this record an error; the caller goes on with the
/// others.
pub fn process_remote_record(
    def: &CollectionDef,
    local: Option<&SerializedRecord>,
    remote: &RemoteRecord,
    strategy: &DeleteConflictStrategy,
    ctx: RemoteContext<'_>,
) -> Result<RemoteDecision> {
    let tombstone = |meta: Option<Value>| {
        prepare_remote_tombstone(def, &remote.id, remote.sequence, ctx.received_at, meta)
    };
    let Some(local) = local else {
        return Ok(if remote.deleted {
            RemoteDecision::Insert(tombstone(remote.meta.clone()))
        } else {
            RemoteDecision::Insert(prepare_remote_insert(def, remote, ctx.session_id)?.record)
        });
    };
    if local.sequence > 0 && remote.sequence <= local.sequence {
        return Ok(RemoteDecision::Skip {
            id: remote.id.clone(),
        });
    }
    let remote_meta = || remote.meta.clone().or_else(|| local.meta.clone());
    match (local.dirty, local.deleted, remote.deleted) {
        // Clean local: the remote state replaces it.
        (false, false, true) => Ok(RemoteDecision::Delete(tombstone(remote_meta()))),
        (false, true, true) | (true, true, true) => {
            Ok(RemoteDecision::Update(tombstone(remote_meta())))
        }
        (false, _, false) => Ok(RemoteDecision::Update(
            prepare_remote_insert(def, remote, ctx.session_id)?.record,
        )),
        // Local edits against a remote delete.
        (true, false, true) => Ok(match resolve_delete_conflict(strategy, local, remote) {
            DeleteResolution::Delete => RemoteDecision::Delete(tombstone(remote_meta())),
            DeleteResolution::Keep => RemoteDecision::Conflict(keep_local(local, remote)),
        }),
        // Local delete against remote edits.
        (true, true, false) => Ok(match resolve_delete_conflict(strategy, local, remote) {
            DeleteResolution::Delete => RemoteDecision::Conflict(keep_local(local, remote)),
            DeleteResolution::Keep => {
                RemoteDecision::Update(prepare_remote_insert(def, remote, ctx.session_id)?.record)
            }
        }),
        // Both sides edited: merge.
        (true, false, false) => {
            let bytes = remote.crdt.as_deref().ok_or_else(|| {
                LessDbError::Crdt(format!("remote record {} has no CRDT binary", remote.id))
            })?;
            let merged = merge_records(
                def,
                local,
                bytes,
                remote.meta.as_ref(),
                remote.sequence,
                remote.version,
                ctx.session_id,
            )?;
            Ok(RemoteDecision::Merge(merged.record))
        }
    }
}

/// The local record, now known to be at the remote's sequence, still dirty so its
/// state is pushed again.
fn keep_local(local: &SerializedRecord, remote: &RemoteRecord) -> SerializedRecord {
    SerializedRecord {
        sequence: remote.sequence,
        dirty: true,
        ..local.clone()
    }
}

/// Writes one decision with `put`. Skips write nothing and report [`RemoteAction::Skipped`].
pub fn apply_remote_decision(
    decision: RemoteDecision,
    put: &mut dyn FnMut(&SerializedRecord) -> Result<()>,
) -> Result<ApplyRemoteRecordResult> {
    let action = decision.action();
    let id = decision.id().to_string();
    let record = match decision {
        RemoteDecision::Skip { .. } => None,
        RemoteDecision::Insert(r)
        | RemoteDecision::Update(r)
        | RemoteDecision::Delete(r)
        | RemoteDecision::Merge(r)
        | RemoteDecision::Conflict(r) => {
            put(&r)?;
            Some(r)
        }
    };
    Ok(ApplyRemoteRecordResult { id, action, record })
}

/// Writes every decision; a failed write becomes a [`RecordError`] and the others go on.
pub fn apply_remote_decisions(
    collection: &str,
    decisions: Vec<RemoteDecision>,
    put: &mut dyn FnMut(&SerializedRecord) -> Result<()>,
) -> (Vec<ApplyRemoteRecordResult>, Vec<RecordError>) {
    let mut applied = Vec::with_capacity(decisions.len());
    let mut errors = Vec::new();
    for (index, decision) in decisions.into_iter().enumerate() {
        let id = decision.id().to_string();
        match apply_remote_decision(decision, put) {
            Ok(a) => applied.push(a),
            Err(e) => errors.push(RecordError {
                id,
                collection: collection.to_string(),
                index: Some(index),
                error: e.to_string(),
            }),
        }
    }
    (applied, errors)
}
