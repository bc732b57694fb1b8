//! The record manager: pure functions (no I/O) that turn writes, deletes, sync acks and
//! remote state into new [`SerializedRecord`]s.
//!
//! Every function takes its inputs by reference (or consumes values it owns) and returns
//! a new record; a failure leaves the inputs exactly as they were, so the caller can
//! keep the stored record and report the error.

// `LessDbError` is the crate-wide error; boxing it per call would cost more than the
// size it saves on these cold error paths.
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::collection::CollectionDef;
use crate::crdt::patch_log::{self, EMPTY_PATCH_LOG};
use crate::crdt::{self, Model, Patch};
use crate::error::{LessDbError, MigrationError, Result, StorageError};
use crate::index::types::IndexDefinition;
use crate::schema::SchemaNode;
use crate::types::{
    DeleteOptions, PatchOptions, PushSnapshot, PutOptions, RemoteRecord, SerializedRecord,
    StoredRecordWithMeta,
};

/// Auto-fields a patch may not touch: they are owned by the engine.
const AUTO_FIELDS: [&str; 3] = ["id", "createdAt", "updatedAt"];

/// A new record ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct PrepareNewResult {
    pub record: SerializedRecord,
}

/// An updated record ready to write. When `has_changes` is false, `record` is the
/// existing record unchanged and nothing needs writing.
#[derive(Debug, Clone, PartialEq)]
pub struct PrepareUpdateResult {
    pub record: SerializedRecord,
    /// Changed fields in dot notation (`address.city`).
    pub changed_fields: BTreeSet<String>,
    pub has_changes: bool,
}

/// A stored record brought to the current schema version.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrateResult {
    pub data: Value,
    pub crdt: Vec<u8>,
    pub version: u32,
    pub computed: Option<Value>,
    pub was_migrated: bool,
    /// The version the record was stored at, when it was migrated.
    pub original_version: Option<u32>,
}

/// The result of merging a remote model into a local record.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeRecordsResult {
    pub record: SerializedRecord,
    /// True when local edits (or unpushed metadata) survive the merge: the record stays
    /// dirty and its pending patches are kept for the next push.
    pub had_local_changes: bool,
}

// ---------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------

/// Current time as JS `Date.toISOString` writes it.
pub(crate) fn now_iso() -> String {
    crate::collection::autofill::now_iso()
}

fn object_props(schema: &SchemaNode) -> Option<&std::collections::BTreeMap<String, SchemaNode>> {
    match schema {
        SchemaNode::Object(props) => Some(props),
        _ => None,
    }
}

/// Name of the top-level key field (`SchemaNode::Key`), usually `id`.
fn key_field(schema: &SchemaNode) -> Option<&str> {
    object_props(schema)?
        .iter()
        .find(|(_, s)| matches!(s, SchemaNode::Key))
        .map(|(k, _)| k.as_str())
}

/// Top-level fields that may never change after insert: the key and `createdAt`.
fn immutable_fields(schema: &SchemaNode) -> impl Iterator<Item = &str> {
    object_props(schema)
        .into_iter()
        .flat_map(|p| p.iter())
        .filter(|(_, s)| matches!(s, SchemaNode::Key | SchemaNode::CreatedAt))
        .map(|(k, _)| k.as_str())
}

fn storage_err(e: StorageError) -> LessDbError {
    LessDbError::Storage(e)
}

fn check_record_size(crdt_len: usize) -> Result<()> {
    crdt::check_binary_size(crdt_len).map_err(LessDbError::from)
}

// ---------------------------------------------------------------------------------
// Write path
// ---------------------------------------------------------------------------------

/// The id in `data` (its key field), when it is a non-empty string.
pub fn try_extract_id(def: &CollectionDef, data: &Value) -> Option<String> {
    let field = key_field(&def.current_schema).unwrap_or("id");
    match data.get(field)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A new record: auto-fields filled (a given `opts.id` wins over a generated one),
/// validated against the current schema, with a fresh CRDT document.
pub fn prepare_new(
    def: &CollectionDef,
    data: Value,
    session_id: u64,
    opts: &PutOptions,
) -> Result<PrepareNewResult> {
    let now = now_iso();
    let filled = seams::autofill_new(def, data, opts.id.as_deref(), &now);
    let validated = seams::validate(def, filled)?;
    let id = try_extract_id(def, &validated)
        .ok_or_else(|| LessDbError::Internal("record has no id after autofill".into()))?;
    let model = crdt::create_model(&def.current_schema, &validated, session_id)?;
    let crdt_bytes = model.to_binary();
    check_record_size(crdt_bytes.len())?;
    let computed = compute_index_values(&validated, &def.indexes);
    Ok(PrepareNewResult {
        record: SerializedRecord {
            id,
            collection: def.name.clone(),
            version: def.current_version,
            data: validated,
            crdt: crdt_bytes,
            pending_patches: EMPTY_PATCH_LOG.to_vec(),
            sequence: 0,
            dirty: true,
            deleted: false,
            deleted_at: None,
            meta: opts.meta.clone(),
            computed,
        },
    })
}

/// Errors when `new_data` changes an immutable field of `existing`.
fn check_immutable(
    def: &CollectionDef,
    existing: &SerializedRecord,
    new_data: &Value,
) -> Result<()> {
    for field in immutable_fields(&def.current_schema) {
        if let Some(new) = new_data.get(field) {
            let old = existing.data.get(field);
            if old.is_some_and(|o| o != new) {
                return Err(storage_err(StorageError::ImmutableField {
                    collection: def.name.clone(),
                    id: existing.id.clone(),
                    field: field.to_string(),
                }));
            }
        }
    }
    Ok(())
}

/// Full replacement of an existing record's data. Immutable fields (key, `createdAt`)
/// must be absent or unchanged; `updatedAt` is refreshed when anything changed.
pub fn prepare_update(
    def: &CollectionDef,
    existing: &SerializedRecord,
    new_data: Value,
    session_id: u64,
    opts: &PutOptions,
) -> Result<PrepareUpdateResult> {
    check_immutable(def, existing, &new_data)?;
    update_with(def, existing, new_data, session_id, opts.meta.as_ref())
}

/// Shallow merge of `patch_data` into an existing record. Auto-fields in the patch are
/// ignored (the engine owns them).
pub fn prepare_patch(
    def: &CollectionDef,
    existing: &SerializedRecord,
    patch_data: Value,
    session_id: u64,
    opts: &PatchOptions,
) -> Result<PrepareUpdateResult> {
    let mut merged: Map<String, Value> = existing.data.as_object().cloned().unwrap_or_default();
    if let Value::Object(patch) = patch_data {
        for (k, v) in patch {
            if !AUTO_FIELDS.contains(&k.as_str()) {
                merged.insert(k, v);
            }
        }
    }
    update_with(
        def,
        existing,
        Value::Object(merged),
        session_id,
        opts.meta.as_ref(),
    )
}

fn update_with(
    def: &CollectionDef,
    existing: &SerializedRecord,
    new_data: Value,
    session_id: u64,
    meta: Option<&Value>,
) -> Result<PrepareUpdateResult> {
    let now = now_iso();
    let filled = seams::autofill_update(def, new_data, &existing.data, &now);
    let validated = seams::validate(def, filled)?;
    let changed_fields = seams::changed_fields(def, &existing.data, &validated);
    let meta_changed = meta.is_some_and(|m| existing.meta.as_ref() != Some(m));
    if changed_fields.is_empty() && !meta_changed {
        return Ok(PrepareUpdateResult {
            record: existing.clone(),
            changed_fields,
            has_changes: false,
        });
    }
    let data = if changed_fields.is_empty() {
        // Only the metadata changed: the data (and its `updatedAt`) stay as they were.
        existing.data.clone()
    } else {
        validated
    };
    let (crdt_bytes, pending) = if changed_fields.is_empty() {
        (existing.crdt.clone(), existing.pending_patches.clone())
    } else {
        let mut model = crdt::model_load(&existing.crdt, session_id)?;
        match crdt::diff_model(&def.current_schema, &model, &data) {
            Some(patch) => {
                model.apply_patch(&patch);
                let bytes = model.to_binary();
                check_record_size(bytes.len())?;
                (
                    bytes,
                    patch_log::append_patch(&existing.pending_patches, &patch),
                )
            }
            None => (existing.crdt.clone(), existing.pending_patches.clone()),
        }
    };
    let computed = compute_index_values(&data, &def.indexes);
    Ok(PrepareUpdateResult {
        record: SerializedRecord {
            id: existing.id.clone(),
            collection: existing.collection.clone(),
            version: def.current_version,
            data,
            crdt: crdt_bytes,
            pending_patches: pending,
            sequence: existing.sequence,
            dirty: true,
            deleted: false,
            deleted_at: None,
            meta: meta.cloned().or_else(|| existing.meta.clone()),
            computed,
        },
        changed_fields,
        has_changes: true,
    })
}

/// A local delete: the record becomes a dirty tombstone. Its CRDT state is kept so a
/// concurrent remote edit can still be resolved against it.
pub fn prepare_delete(existing: &SerializedRecord, opts: &DeleteOptions) -> SerializedRecord {
    SerializedRecord {
        deleted: true,
        dirty: true,
        deleted_at: Some(now_iso()),
        meta: opts.meta.clone().or_else(|| existing.meta.clone()),
        ..existing.clone()
    }
}

/// The record after the server acknowledged a push at `sequence`.
///
/// With a `snapshot` (what was pushed), edits made while the push was in flight
/// survive: patches appended after the snapshot stay pending, and a delete or metadata
/// change after it keeps the record dirty. Without a snapshot the record is clean.
pub fn prepare_mark_synced(
    record: &SerializedRecord,
    sequence: i64,
    snapshot: Option<&PushSnapshot>,
) -> SerializedRecord {
    let Some(snap) = snapshot else {
        return SerializedRecord {
            sequence,
            dirty: false,
            pending_patches: EMPTY_PATCH_LOG.to_vec(),
            ..record.clone()
        };
    };
    let pushed = snap
        .pending_patches_length
        .min(record.pending_patches.len());
    let newer_patches = &record.pending_patches[pushed..];
    let deleted_changed = snap.deleted != record.deleted;
    let meta_changed = snap
        .meta
        .as_ref()
        .is_some_and(|m| record.meta.as_ref() != Some(m));
    let still_dirty = !newer_patches.is_empty() || deleted_changed || meta_changed;
    SerializedRecord {
        sequence,
        dirty: still_dirty,
        pending_patches: newer_patches.to_vec(),
        ..record.clone()
    }
}

// ---------------------------------------------------------------------------------
// Read path
// ---------------------------------------------------------------------------------

/// Brings a stored record to the current version: runs the migrations, validates the
/// result and edits the CRDT document to match (history is kept, so the record still
/// merges with replicas that have the old version). Tombstones are not migrated.
pub fn migrate_and_deserialize(
    def: &CollectionDef,
    raw: &SerializedRecord,
) -> Result<MigrateResult> {
    if raw.deleted || raw.version == def.current_version {
        return Ok(MigrateResult {
            data: raw.data.clone(),
            crdt: raw.crdt.clone(),
            version: raw.version,
            computed: raw.computed.clone(),
            was_migrated: false,
            original_version: None,
        });
    }
    check_version(def, &raw.id, raw.version)?;
    let data = seams::migrate(def, raw.data.clone(), raw.version, &raw.id)?;
    let crdt_bytes = rebase_crdt(def, &raw.crdt, &data, crdt::generate_session_id())?;
    let computed = compute_index_values(&data, &def.indexes);
    Ok(MigrateResult {
        data,
        crdt: crdt_bytes,
        version: def.current_version,
        computed,
        was_migrated: true,
        original_version: Some(raw.version),
    })
}

fn check_version(def: &CollectionDef, id: &str, version: u32) -> Result<()> {
    if version > def.current_version {
        return Err(LessDbError::Migration(MigrationError::FutureVersion {
            collection: def.name.clone(),
            record_id: id.to_string(),
            version,
            current: def.current_version,
        }));
    }
    Ok(())
}

/// Edits the document in `crdt_bytes` into `data` as session `sid`; a missing or empty
/// document is created fresh.
fn rebase_crdt(def: &CollectionDef, crdt_bytes: &[u8], data: &Value, sid: u64) -> Result<Vec<u8>> {
    if crdt_bytes.is_empty() {
        return Ok(crdt::create_model(&def.current_schema, data, sid)?.to_binary());
    }
    let mut model = crdt::model_load(crdt_bytes, sid)?;
    match crdt::diff_model(&def.current_schema, &model, data) {
        Some(patch) => {
            model.apply_patch(&patch);
            Ok(model.to_binary())
        }
        None => Ok(crdt_bytes.to_vec()),
    }
}

/// Values of the computed indexes of `data`, keyed by index name; `None` when the
/// collection has no computed index (field indexes read `data` directly).
pub fn compute_index_values(data: &Value, indexes: &[IndexDefinition]) -> Option<Value> {
    let mut out = Map::new();
    for index in indexes {
        if let IndexDefinition::Computed(c) = index {
            let v = (c.compute)(data).map_or(Value::Null, |v| normalize_index_value(&v));
            out.insert(c.name.clone(), v);
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(Value::Object(out))
    }
}

/// An index value as SQLite compares it: booleans become 1/0, containers are not
/// indexable (null), everything else is unchanged.
pub fn normalize_index_value(value: &Value) -> Value {
    match value {
        Value::Bool(b) => Value::from(i64::from(*b)),
        Value::Array(_) | Value::Object(_) => Value::Null,
        other => other.clone(),
    }
}

/// The public form of a stored record.
pub fn to_stored_record_with_meta(
    serialized: SerializedRecord,
    data: Value,
    was_migrated: bool,
    original_version: Option<u32>,
) -> StoredRecordWithMeta {
    let record = SerializedRecord { data, ..serialized };
    StoredRecordWithMeta::from_serialized(record, was_migrated, original_version)
}

// ---------------------------------------------------------------------------------
// Remote / merge path
// ---------------------------------------------------------------------------------

/// Decodes a remote model binary, refusing oversized input before decoding.
fn decode_remote(bytes: &[u8]) -> Result<Model> {
    Ok(crdt::model_from_binary(bytes)?)
}

fn meta_equal(local: Option<&Value>, remote: Option<&Value>) -> bool {
    local == remote
}

/// Merges the remote model `remote_crdt` (at `remote_version`, pulled at
/// `remote_sequence`) into `local`: the local pending patches are replayed on top of
/// the remote state, so every local edit not yet pushed survives, and concurrent edits
/// resolve by the CRDT rules (see [`crate::crdt::schema`]).
///
/// A remote at an older version is migrated first (see [`merge_with_migrated_remote`]).
pub fn merge_records(
    def: &CollectionDef,
    local: &SerializedRecord,
    remote_crdt: &[u8],
    remote_meta: Option<&Value>,
    remote_sequence: i64,
    remote_version: u32,
    session_id: Option<u64>,
) -> Result<MergeRecordsResult> {
    check_version(def, &local.id, remote_version)?;
    if remote_version < def.current_version {
        return merge_with_migrated_remote(
            def,
            local,
            remote_crdt,
            remote_meta,
            remote_sequence,
            remote_version,
            session_id,
        );
    }
    let mut model = decode_remote(remote_crdt)?;
    let patches = patch_log::deserialize_patches(&local.pending_patches)?;
    crdt::merge_with_pending_patches(&mut model, &patches);
    finish_merge(
        def,
        local,
        model,
        patches.len(),
        remote_meta,
        remote_sequence,
    )
}

/// Cross-version merge: the remote was written at an older schema version. Its data is
/// migrated to the current version and the remote document edited to match (as a fresh
/// session), then the local edits are replayed. When the local edits do not carry over
/// (they were made against a document the remote never had), the local view is diffed
/// onto the migrated remote instead, so local values still win where they differ.
pub fn merge_with_migrated_remote(
    def: &CollectionDef,
    local: &SerializedRecord,
    remote_crdt: &[u8],
    remote_meta: Option<&Value>,
    remote_sequence: i64,
    remote_version: u32,
    session_id: Option<u64>,
) -> Result<MergeRecordsResult> {
    let sid = session_id.unwrap_or_else(crdt::generate_session_id);
    let remote = decode_remote(remote_crdt)?;
    let remote_view = crdt::view_model(seams::schema_at(def, remote_version), &remote);
    let migrated = seams::migrate(def, remote_view, remote_version, &local.id)?;
    let mut model = crdt::model_load(remote_crdt, sid)?;
    if let Some(p) = crdt::diff_model(&def.current_schema, &model, &migrated) {
        model.apply_patch(&p);
    }
    let patches = patch_log::deserialize_patches(&local.pending_patches)?;
    crdt::merge_with_pending_patches(&mut model, &patches);
    let mut pending_count = patches.len();
    let mut extra: Option<Patch> = None;
    if local.dirty {
        let local_model = crdt::model_from_binary(&local.crdt).ok();
        let local_view = local_model
            .as_ref()
            .map(|m| crdt::view_model(&def.current_schema, m))
            .unwrap_or_else(|| local.data.clone());
        // The merge-time migration above is a fresh session, so its writes can
        // outrank replayed local edits; re-assert the local values. When the local
        // document grew from the remote's (same root node), only the fields the
        // pending patches touch are re-asserted: the rest of the local view is older
        // than the remote's edits. Otherwise (edits against a document the remote
        // never had) the whole local view is diffed on.
        let shares_history = local_model
            .as_ref()
            .and_then(Model::root_id)
            .is_some_and(|root| remote.node(root).is_some());
        let target = if shares_history {
            overlay_touched_fields(def, &remote, &patches, &migrated, &local_view)
        } else {
            local_view
        };
        if let Some(p) = crdt::diff_model(&def.current_schema, &model, &target) {
            model.apply_patch(&p);
            pending_count += 1;
            extra = Some(p);
        }
    }
    let mut result = finish_merge(
        def,
        local,
        model,
        pending_count,
        remote_meta,
        remote_sequence,
    )?;
    if let Some(p) = extra {
        result.record.pending_patches = patch_log::append_patch(&result.record.pending_patches, &p);
    }
    Ok(result)
}

/// `migrated` with the top-level fields that `patches` change on `remote` taken from
/// `local_view`.
fn overlay_touched_fields(
    def: &CollectionDef,
    remote: &Model,
    patches: &[Patch],
    migrated: &Value,
    local_view: &Value,
) -> Value {
    let before = crdt::view_model(&def.current_schema, remote);
    let mut replayed = remote.clone_model();
    crdt::merge_with_pending_patches(&mut replayed, patches);
    let after = crdt::view_model(&def.current_schema, &replayed);
    let (Some(before), Some(after), Some(local)) = (
        before.as_object(),
        after.as_object(),
        local_view.as_object(),
    ) else {
        return local_view.clone();
    };
    let mut target = migrated.clone();
    if let Some(out) = target.as_object_mut() {
        let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for key in keys.into_iter().filter(|k| before.get(*k) != after.get(*k)) {
            match local.get(key) {
                Some(v) => out.insert(key.clone(), v.clone()),
                None => out.remove(key),
            };
        }
    }
    target
}

fn finish_merge(
    def: &CollectionDef,
    local: &SerializedRecord,
    model: Model,
    pending_count: usize,
    remote_meta: Option<&Value>,
    remote_sequence: i64,
) -> Result<MergeRecordsResult> {
    let data = crdt::view_model(&def.current_schema, &model);
    let data = seams::validate(def, data)?;
    let crdt_bytes = model.to_binary();
    // Metadata the local replica changed and has not pushed wins over the remote's.
    let unpushed_meta = local.dirty && !meta_equal(local.meta.as_ref(), remote_meta);
    let had_local_changes = pending_count > 0 || unpushed_meta || (local.dirty && local.deleted);
    let meta = if unpushed_meta || remote_meta.is_none() {
        local.meta.clone()
    } else {
        remote_meta.cloned()
    };
    let computed = compute_index_values(&data, &def.indexes);
    Ok(MergeRecordsResult {
        record: SerializedRecord {
            id: local.id.clone(),
            collection: def.name.clone(),
            version: def.current_version,
            data,
            crdt: crdt_bytes,
            pending_patches: if pending_count > 0 {
                local.pending_patches.clone()
            } else {
                EMPTY_PATCH_LOG.to_vec()
            },
            sequence: remote_sequence,
            dirty: had_local_changes,
            deleted: false,
            deleted_at: None,
            meta,
            computed,
        },
        had_local_changes,
    })
}

/// A record for a remote that has no local counterpart. An older-version remote is
/// migrated (its document edited to match, as session `session_id` or a fresh one).
pub fn prepare_remote_insert(
    def: &CollectionDef,
    remote: &RemoteRecord,
    session_id: Option<u64>,
) -> Result<PrepareNewResult> {
    let bytes = remote.crdt.as_deref().ok_or_else(|| {
        LessDbError::Crdt(format!("remote record {} has no CRDT binary", remote.id))
    })?;
    check_version(def, &remote.id, remote.version)?;
    let model = decode_remote(bytes)?;
    let (data, crdt_bytes) = if remote.version < def.current_version {
        let view = crdt::view_model(seams::schema_at(def, remote.version), &model);
        let data = seams::migrate(def, view, remote.version, &remote.id)?;
        let sid = session_id.unwrap_or_else(crdt::generate_session_id);
        let crdt_bytes = rebase_crdt(def, bytes, &data, sid)?;
        (data, crdt_bytes)
    } else {
        let data = crdt::view_model(&def.current_schema, &model);
        (seams::validate(def, data)?, bytes.to_vec())
    };
    let computed = compute_index_values(&data, &def.indexes);
    Ok(PrepareNewResult {
        record: SerializedRecord {
            id: remote.id.clone(),
            collection: def.name.clone(),
            version: def.current_version,
            data,
            crdt: crdt_bytes,
            pending_patches: EMPTY_PATCH_LOG.to_vec(),
            sequence: remote.sequence,
            dirty: false,
            deleted: false,
            deleted_at: None,
            meta: remote.meta.clone(),
            computed,
        },
    })
}

/// A clean tombstone for a remote delete.
pub fn prepare_remote_tombstone(
    def: &CollectionDef,
    remote_id: &str,
    remote_sequence: i64,
    received_at: Option<&str>,
    meta: Option<Value>,
) -> SerializedRecord {
    SerializedRecord {
        id: remote_id.to_string(),
        collection: def.name.clone(),
        version: def.current_version,
        data: Value::Null,
        crdt: Vec::new(),
        pending_patches: EMPTY_PATCH_LOG.to_vec(),
        sequence: remote_sequence,
        dirty: false,
        deleted: true,
        deleted_at: Some(received_at.map_or_else(now_iso, str::to_string)),
        meta,
        computed: None,
    }
}

/// Calls into the schema and collection modules, gathered in one place.
mod seams {
    use super::*;
    use crate::collection::{AutofillOptions, autofill_for_update_owned, autofill_owned};

    pub(super) fn validate(def: &CollectionDef, data: Value) -> Result<Value> {
        Ok(crate::schema::validate(&def.current_schema, data)?)
    }

    /// Fills auto-fields of a new record; an explicit id wins over the one in `data`.
    pub(super) fn autofill_new(
        def: &CollectionDef,
        data: Value,
        id: Option<&str>,
        now: &str,
    ) -> Value {
        let data = match (id, data) {
            (Some(id), Value::Object(mut map)) => {
                map.insert("id".to_string(), Value::String(id.to_string()));
                Value::Object(map)
            }
            (_, data) => data,
        };
        autofill_owned(&def.current_schema, data, &AutofillOptions::at(now))
    }

    /// A replacement of `existing`: its immutable auto-fields carried over where the new
    /// data leaves them out, then auto-fields filled as for an update (`updatedAt` is
    /// the given time, nested keys are generated).
    pub(super) fn autofill_update(
        def: &CollectionDef,
        data: Value,
        existing: &Value,
        now: &str,
    ) -> Value {
        let Value::Object(mut map) = data else {
            return data;
        };
        if let Some(props) = object_props(&def.current_schema) {
            for (k, s) in props {
                let carried = matches!(s, SchemaNode::Key | SchemaNode::CreatedAt);
                if carried
                    && !map.contains_key(k)
                    && let Some(v) = existing.get(k)
                {
                    map.insert(k.clone(), v.clone());
                }
            }
        }
        autofill_for_update_owned(
            &def.current_schema,
            Value::Object(map),
            &AutofillOptions::at(now),
        )
    }

    /// Changed fields, ignoring `updatedAt` (it changes because something else did).
    pub(super) fn changed_fields(
        def: &CollectionDef,
        old: &Value,
        new: &Value,
    ) -> BTreeSet<String> {
        let mut set = crate::patch::diff(&def.current_schema, old, new);
        if let Some(props) = object_props(&def.current_schema) {
            for (k, s) in props {
                if matches!(s, SchemaNode::UpdatedAt) {
                    set.remove(k);
                }
            }
        }
        set
    }

    /// The full schema of `version`; the current one when the version is unknown.
    pub(super) fn schema_at(def: &CollectionDef, version: u32) -> &SchemaNode {
        def.schema_for_version(version)
            .unwrap_or(&def.current_schema)
    }

    /// Migrates `data` from `from` to the current version (the result is validated).
    pub(super) fn migrate(def: &CollectionDef, data: Value, from: u32, id: &str) -> Result<Value> {
        Ok(crate::collection::migrate(def, data, from, id)?)
    }
}
