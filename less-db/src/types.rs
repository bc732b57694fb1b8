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
