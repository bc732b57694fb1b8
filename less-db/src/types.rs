//! Record, option and result types shared by storage, sync and the public API.

use serde_json::Value;

/// A record as a storage backend stores it: the data (JSON, key order kept), the CRDT
/// document, the pending-patch log and sync state.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SerializedRecord {
    pub id: String,
    pub collection: String,
    /// Schema version the data is stored at.
    pub version: u32,
    pub data: Value,
    /// json-joy structural binary of the record's CRDT model.
    pub crdt: Vec<u8>,
    /// Local patches not yet acknowledged by the server (see `crdt::patch_log`).
    pub pending_patches: Vec<u8>,
    /// Server sequence of the last synced state; -1 when never synced.
    pub sequence: i64,
    /// True when the record has local changes to push.
    pub dirty: bool,
    pub deleted: bool,
    /// ISO-8601 time of the delete, for tombstones.
    pub deleted_at: Option<String>,
    pub meta: Option<Value>,
    /// Values of the collection's computed indexes, by index name; `None` when it has
    /// none.
    pub computed: Option<Value>,
}

/// Which records a backend scan returns (insertion order).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanOptions {
    pub include_deleted: bool,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// Records read by a backend, before migration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawBatchResult {
    pub records: Vec<SerializedRecord>,
}

/// Which tombstones a purge removes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurgeTombstonesOptions {
    /// Only tombstones deleted at least this many seconds ago (undated tombstones are
    /// kept); `None` purges every tombstone.
    pub older_than_seconds: Option<u64>,
    /// Count what would be purged without deleting.
    pub dry_run: bool,
}

/// Options of a put (insert or full replacement).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PutOptions {
    /// The record id; without it the id comes from the data or is generated.
    pub id: Option<String>,
    /// CRDT session id of the writer; defaults to the database's session id.
    pub session_id: Option<u64>,
    pub skip_unique_check: bool,
    pub meta: Option<Value>,
}

/// Options of a patch (shallow merge into an existing record).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatchOptions {
    /// The record to patch.
    pub id: String,
    pub session_id: Option<u64>,
    pub skip_unique_check: bool,
    pub meta: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeleteOptions {
    pub meta: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOptions {
    /// Return tombstones too.
    pub include_deleted: bool,
    /// Bring a record stored at an older schema version up to date (and store it).
    pub migrate: bool,
}

impl Default for GetOptions {
    fn default() -> Self {
        GetOptions {
            include_deleted: false,
            migrate: true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    pub include_deleted: bool,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// What a push sent, so an acknowledgement keeps edits made while it was in flight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PushSnapshot {
    pub pending_patches_length: usize,
    pub deleted: bool,
    pub meta: Option<Value>,
}

/// A record pulled from the server.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteRecord {
    pub id: String,
    pub version: u32,
    /// json-joy structural binary; `None` for tombstones.
    pub crdt: Option<Vec<u8>>,
    pub deleted: bool,
    pub sequence: i64,
    pub meta: Option<Value>,
}

/// One record that an operation could not handle; the others went on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordError {
    /// The record id ("" when the input had none).
    pub id: String,
    pub collection: String,
    /// Position of the record in the operation's input, when it came from a list.
    pub index: Option<usize>,
    pub error: String,
}

/// A stored record as the public API returns it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRecordWithMeta {
    pub id: String,
    pub collection: String,
    pub version: u32,
    pub data: Value,
    pub crdt: Vec<u8>,
    pub pending_patches: Vec<u8>,
    pub sequence: i64,
    pub dirty: bool,
    pub deleted: bool,
    pub deleted_at: Option<String>,
    pub meta: Option<Value>,
    /// True when this read migrated the record to the current version.
    pub was_migrated: bool,
    /// The stored version before migration.
    pub original_version: Option<u32>,
}

impl StoredRecordWithMeta {
    pub fn from_serialized(
        r: SerializedRecord,
        was_migrated: bool,
        original_version: Option<u32>,
    ) -> Self {
        StoredRecordWithMeta {
            id: r.id,
            collection: r.collection,
            version: r.version,
            data: r.data,
            crdt: r.crdt,
            pending_patches: r.pending_patches,
            sequence: r.sequence,
            dirty: r.dirty,
            deleted: r.deleted,
            deleted_at: r.deleted_at,
            meta: r.meta,
            was_migrated,
            original_version,
        }
    }
}

/// Records read, and the ones that failed to load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchResult {
    pub records: Vec<StoredRecordWithMeta>,
    pub errors: Vec<RecordError>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkDeleteResult {
    pub deleted_ids: Vec<String>,
    pub errors: Vec<RecordError>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkPatchResult {
    pub records: Vec<StoredRecordWithMeta>,
    pub errors: Vec<RecordError>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatchManyResult {
    pub records: Vec<StoredRecordWithMeta>,
    pub errors: Vec<RecordError>,
    pub matched_count: usize,
    pub updated_count: usize,
}

/// The outcome of a delete conflict (one side deleted, the other edited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteResolution {
    Delete,
    Keep,
}

/// A custom delete-conflict rule: local record, remote record in, resolution out.
pub type DeleteConflictFn =
    std::sync::Arc<dyn Fn(&SerializedRecord, &RemoteRecord) -> DeleteResolution + Send + Sync>;

/// Who wins a delete conflict.
#[derive(Clone, Default)]
pub enum DeleteConflictStrategy {
    /// The remote side's choice (delete or edit) wins.
    #[default]
    RemoteWins,
    LocalWins,
    DeleteWins,
    UpdateWins,
    Custom(DeleteConflictFn),
}

impl std::fmt::Debug for DeleteConflictStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DeleteConflictStrategy::RemoteWins => "RemoteWins",
            DeleteConflictStrategy::LocalWins => "LocalWins",
            DeleteConflictStrategy::DeleteWins => "DeleteWins",
            DeleteConflictStrategy::UpdateWins => "UpdateWins",
            DeleteConflictStrategy::Custom(_) => "Custom(..)",
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ApplyRemoteOptions {
    pub delete_conflict_strategy: DeleteConflictStrategy,
    /// When the pull happened (ISO-8601): `deletedAt` of remote tombstones.
    pub received_at: Option<String>,
}

/// A record as read back from storage, without the backend-only computed index values.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRecord {
    pub id: String,
    pub collection: String,
    pub version: u32,
    pub data: Value,
    pub crdt: Vec<u8>,
    pub pending_patches: Vec<u8>,
    pub sequence: i64,
    pub dirty: bool,
    pub deleted: bool,
    pub deleted_at: Option<String>,
    pub meta: Option<Value>,
}

impl From<SerializedRecord> for StoredRecord {
    fn from(r: SerializedRecord) -> Self {
        StoredRecord {
            id: r.id,
            collection: r.collection,
            version: r.version,
            data: r.data,
            crdt: r.crdt,
            pending_patches: r.pending_patches,
            sequence: r.sequence,
            dirty: r.dirty,
            deleted: r.deleted,
            deleted_at: r.deleted_at,
            meta: r.meta,
        }
    }
}

impl From<StoredRecordWithMeta> for StoredRecord {
    fn from(r: StoredRecordWithMeta) -> Self {
        StoredRecord {
            id: r.id,
            collection: r.collection,
            version: r.version,
            data: r.data,
            crdt: r.crdt,
            pending_patches: r.pending_patches,
            sequence: r.sequence,
            dirty: r.dirty,
            deleted: r.deleted,
            deleted_at: r.deleted_at,
            meta: r.meta,
        }
    }
}

/// What applying one remote record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RemoteAction {
    /// A record (or tombstone) the local store did not have.
    Inserted,
    /// The local record took the remote state.
    Updated,
    /// The local record became a tombstone.
    Deleted,
    /// Local pending edits were replayed on top of the remote state.
    Merged,
    /// A delete conflict resolved for the local side; the local state is pushed again.
    KeptLocal,
    /// The remote is not newer than the local record: nothing was written.
    Skipped,
}

/// The outcome of one applied remote record.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyRemoteRecordResult {
    pub id: String,
    pub action: RemoteAction,
    /// The record as written; `None` when skipped.
    pub record: Option<SerializedRecord>,
}

/// What applying a batch of remote records did: one entry per applied record, one error
/// per record that could not be applied (the others still were).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyRemoteResult {
    pub applied: Vec<ApplyRemoteRecordResult>,
    pub errors: Vec<RecordError>,
    /// Highest sequence among the records received.
    pub new_sequence: i64,
    /// Records whose local pending edits were merged with the remote state.
    pub merged_count: usize,
}

/// State of an eager migration of one collection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Records migrated (or attempted) so far.
    pub done: usize,
    /// Records that needed migration when it started.
    pub total: usize,
    pub finished: bool,
    /// Records that failed to migrate; they stay at their stored version.
    pub errors: Vec<RecordError>,
}
