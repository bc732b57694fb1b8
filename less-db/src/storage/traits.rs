//! The narrow backend trait: raw record I/O that a storage engine implements. The
//! adapter builds every higher-level operation on top of it.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use serde_json::Value;

use crate::collection::CollectionDef;
use crate::error::Result;
use crate::index::types::{IndexDefinition, IndexScan, QueryPlan};
use crate::query::types::{Filter, Query, QueryResult};
use crate::types::{
    ApplyRemoteOptions, ApplyRemoteResult, BatchResult, BulkDeleteResult, BulkPatchResult,
    DeleteOptions, GetOptions, ListOptions, PatchManyResult, PatchOptions, PurgeTombstonesOptions,
    PushSnapshot, PutOptions, RawBatchResult, RemoteRecord, ScanOptions, SerializedRecord,
    StoredRecordWithMeta,
};

/// Which rows of an index scan come back, and in what order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanWindow {
    /// `true`: in the scan's index order (its `direction`); `false`: any order.
    pub ordered: bool,
    /// At most this many rows (after `offset`).
    pub limit: Option<usize>,
    /// Rows to skip first.
    pub offset: usize,
}

/// Raw storage I/O. Implementations are thread-safe; [`StorageBackend::transaction`]
/// runs a closure atomically, and the closure's own calls on the backend join it.
pub trait StorageBackend: Send + Sync {
    /// Creates or upgrades the storage of a collection and its indexes. Names that are
    /// not plain identifiers are rejected.
    fn register_collection(&self, name: &str, indexes: &[IndexDefinition]) -> Result<()>;
    fn get_raw(&self, collection: &str, id: &str) -> Result<Option<SerializedRecord>>;
    /// The stored record for deciding what to do with a remote change. A remote change
    /// replaces a clean (not dirty) record outright, so a backend may return a clean
    /// record with only its id, version, sync state and meta (`data` null, empty CRDT
    /// and pending patches, no computed values). Dirty records come whole.
    fn get_raw_for_remote(&self, collection: &str, id: &str) -> Result<Option<SerializedRecord>> {
        self.get_raw(collection, id)
    }
    /// Inserts or replaces the record with the same collection and id.
    fn put_raw(&self, record: &SerializedRecord) -> Result<()>;
    fn scan_raw(&self, collection: &str, options: &ScanOptions) -> Result<RawBatchResult>;
    fn scan_dirty_raw(&self, collection: &str) -> Result<RawBatchResult>;
    /// The live records an index scan selects, within `window`. `None` when the
    /// backend cannot run this scan (the caller then scans the table).
    fn scan_index_raw(
        &self,
        collection: &str,
        scan: &IndexScan,
        window: &ScanWindow,
    ) -> Result<Option<RawBatchResult>>;
    /// Number of live records.
    fn count_raw(&self, collection: &str) -> Result<usize>;
    /// Number of live records an index scan selects; `None` when unsupported.
    fn count_index_raw(&self, collection: &str, scan: &IndexScan) -> Result<Option<usize>>;
    /// Writes every record or none.
    fn batch_put_raw(&self, records: &[SerializedRecord]) -> Result<()>;
    /// Removes tombstones; returns how many were (or, on a dry run, would be) removed.
    fn purge_tombstones_raw(
        &self,
        collection: &str,
        options: &PurgeTombstonesOptions,
    ) -> Result<usize>;
    fn get_meta(&self, key: &str) -> Result<Option<String>>;
    fn set_meta(&self, key: &str, value: &str) -> Result<()>;
    /// Fails with `StorageError::UniqueConstraint` when a live record other than
    /// `exclude_id` holds the same value for the unique `index`.
    fn check_unique(
        &self,
        collection: &str,
        index: &IndexDefinition,
        data: &Value,
        computed: Option<&Value>,
        exclude_id: Option<&str>,
    ) -> Result<()>;
    /// Runs `f` atomically: everything it wrote is kept when it returns `Ok`, nothing
    /// when it returns `Err`. Nested calls are nested transactions.
    fn transaction<F, T>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Self) -> Result<T>;
}

/// Reads of records of one collection.
pub trait StorageRead {
    fn get(
        &self,
        def: &CollectionDef,
        id: &str,
        opts: &GetOptions,
    ) -> Result<Option<StoredRecordWithMeta>>;
    fn get_all(&self, def: &CollectionDef, opts: &ListOptions) -> Result<BatchResult>;
    fn query(
        &self,
        def: &CollectionDef,
        query: &Query,
    ) -> Result<QueryResult<StoredRecordWithMeta>>;
    /// Number of live records matching `query` (all live records when `None`).
    fn count(&self, def: &CollectionDef, query: Option<&Query>) -> Result<usize>;
    /// The plan `query` would run with, without running it.
    fn explain_query(&self, def: &CollectionDef, query: &Query) -> QueryPlan;
}

/// Writes of records of one collection.
pub trait StorageWrite {
    fn put(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: &PutOptions,
    ) -> Result<StoredRecordWithMeta>;
    fn patch(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: &PatchOptions,
    ) -> Result<StoredRecordWithMeta>;
    /// Returns `false` when there was no live record to delete.
    fn delete(&self, def: &CollectionDef, id: &str, opts: &DeleteOptions) -> Result<bool>;
    fn bulk_put(
        &self,
        def: &CollectionDef,
        records: Vec<Value>,
        opts: &PutOptions,
    ) -> Result<BatchResult>;
    fn bulk_delete(
        &self,
        def: &CollectionDef,
        ids: &[&str],
        opts: &DeleteOptions,
    ) -> Result<BulkDeleteResult>;
    fn bulk_patch(
        &self,
        def: &CollectionDef,
        patches: Vec<Value>,
        opts: &PatchOptions,
    ) -> Result<BulkPatchResult>;
    fn delete_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        opts: &DeleteOptions,
    ) -> Result<BulkDeleteResult>;
    fn patch_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        patch: &Value,
        opts: &PatchOptions,
    ) -> Result<PatchManyResult>;
}

/// What a sync manager needs from storage.
pub trait StorageSync {
    fn get_dirty(&self, def: &CollectionDef) -> Result<BatchResult>;
    fn mark_synced(
        &self,
        def: &CollectionDef,
        id: &str,
        sequence: i64,
        snapshot: Option<&PushSnapshot>,
    ) -> Result<()>;
    fn apply_remote_changes(
        &self,
        def: &CollectionDef,
        records: &[RemoteRecord],
        opts: &ApplyRemoteOptions,
    ) -> Result<ApplyRemoteResult>;
    fn get_last_sequence(&self, collection: &str) -> Result<i64>;
    fn set_last_sequence(&self, collection: &str, sequence: i64) -> Result<()>;
}

/// Registering collections and shutting down.
pub trait StorageLifecycle {
    fn initialize(&mut self, collections: &[Arc<CollectionDef>]) -> Result<()>;
    fn close(&mut self) -> Result<()>;
    fn is_initialized(&self) -> bool;
}
