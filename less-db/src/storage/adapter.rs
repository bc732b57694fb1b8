//! `Adapter<B>`: the storage API (read, write, sync, lifecycle) over any
//! [`StorageBackend`]. Records are prepared by the record manager, checked against the
//! unique indexes, and written through the backend. Every operation that reads then
//! writes, and every multi-record write, runs in one backend transaction.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::{Mutex, RwLock};
use serde_json::Value;

use crate::collection::CollectionDef;
use crate::error::{LessDbError, Result, StorageError};
use crate::index::planner::plan_query;
use crate::index::types::QueryPlan;
use crate::query::execute::{paginate_records, sort_records_by};
use crate::query::operators::matches_filter_with_computed;
use crate::query::types::{Filter, Query, QueryResult};
use crate::storage::record_manager::{
    migrate_and_deserialize, prepare_delete, prepare_mark_synced, prepare_new, prepare_patch,
    prepare_update, try_extract_id,
};
use crate::storage::remote_changes::{RemoteContext, apply_remote_decision, process_remote_record};
use crate::storage::traits::{
    ScanWindow, StorageBackend, StorageLifecycle, StorageRead, StorageSync, StorageWrite,
};
use crate::types::{
    ApplyRemoteOptions, ApplyRemoteRecordResult, ApplyRemoteResult, BatchResult, BulkDeleteResult,
    BulkPatchResult, DeleteOptions, GetOptions, ListOptions, MigrationStatus, PatchManyResult,
    PatchOptions, PurgeTombstonesOptions, PushSnapshot, PutOptions, RecordError, RemoteAction,
    RemoteRecord, ScanOptions, SerializedRecord, StoredRecordWithMeta,
};

/// Meta key of the persisted CRDT session id.
const META_SESSION_ID: &str = "session_id";
/// Meta key prefix of per-collection sync cursors.
const META_SEQUENCE_PREFIX: &str = "last_sequence:";
/// Records migrated per transaction by [`Adapter::migrate_collection`].
const MIGRATION_CHUNK: usize = 500;

/// Progress of an eager migration, reported after every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationProgress {
    pub done: usize,
    pub total: usize,
}

/// The storage API over a backend. Create it with [`Adapter::open`] (open and register
/// collections in one call), or [`Adapter::new`] followed by
/// [`StorageLifecycle::initialize`].
pub struct Adapter<B: StorageBackend> {
    backend: B,
    collections: RwLock<HashMap<String, Arc<CollectionDef>>>,
    initialized: AtomicBool,
    session_id: Mutex<Option<u64>>,
    migrations: Mutex<HashMap<String, MigrationStatus>>,
}

impl<B: StorageBackend> std::fmt::Debug for Adapter<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.collections.read().keys().cloned().collect();
        f.debug_struct("Adapter")
            .field("collections", &names)
            .field("initialized", &self.initialized.load(Ordering::Acquire))
            .finish_non_exhaustive()
    }
}

fn record_error(
    def: &CollectionDef,
    id: impl Into<String>,
    index: usize,
    e: &LessDbError,
) -> RecordError {
    RecordError {
        id: id.into(),
        collection: def.name.clone(),
        index: Some(index),
        error: e.to_string(),
    }
}

fn with_meta(
    record: SerializedRecord,
    was_migrated: bool,
    original_version: Option<u32>,
) -> StoredRecordWithMeta {
    StoredRecordWithMeta::from_serialized(record, was_migrated, original_version)
}

impl Adapter<crate::storage::sqlite::SqliteBackend> {
    /// The stored version, deleted flag and undecoded data text of the record `id`,
    /// for readers that deserialize it into their own type (the typed layer). It is
    /// what the row holds: no migration, and tombstones are included.
    pub(crate) fn data_text(
        &self,
        def: &CollectionDef,
        id: &str,
    ) -> Result<Option<crate::storage::sqlite::DataText>> {
        self.ensure_ready(def)?;
        self.backend.get_data_text(&def.name, id)
    }
}

impl<B: StorageBackend> Adapter<B> {
    /// An adapter with no collections; call `initialize` before use.
    pub fn new(backend: B) -> Self {
        Self {
            backend,
            collections: RwLock::new(HashMap::new()),
            initialized: AtomicBool::new(false),
            session_id: Mutex::new(None),
            migrations: Mutex::new(HashMap::new()),
        }
    }

    /// Wraps `backend` and registers `collections` (their tables and indexes are
    /// created or upgraded) in one call.
    pub fn open(backend: B, collections: &[Arc<CollectionDef>]) -> Result<Self> {
        let adapter = Self::new(backend);
        adapter.register(collections)?;
        Ok(adapter)
    }

    /// The wrapped backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    fn register(&self, collections: &[Arc<CollectionDef>]) -> Result<()> {
        for def in collections {
            self.backend.register_collection(&def.name, &def.indexes)?;
        }
        {
            let mut map = self.collections.write();
            for def in collections {
                map.insert(def.name.clone(), Arc::clone(def));
            }
        }
        self.initialized.store(true, Ordering::Release);
        self.session_id()?;
        Ok(())
    }

    fn ensure_ready(&self, def: &CollectionDef) -> Result<()> {
        if !self.initialized.load(Ordering::Acquire) {
            return Err(StorageError::NotInitialized.into());
        }
        if !self.collections.read().contains_key(&def.name) {
            return Err(StorageError::CollectionNotRegistered(def.name.clone()).into());
        }
        Ok(())
    }

    /// The CRDT session id of this database: loaded from the meta store, or created and
    /// stored on first use.
    pub fn session_id(&self) -> Result<u64> {
        let mut guard = self.session_id.lock();
        if let Some(sid) = *guard {
            return Ok(sid);
        }
        let sid = self
            .backend
            .transaction(|b| match b.get_meta(META_SESSION_ID)? {
                Some(text) => text.parse::<u64>().map_err(|_| {
                    LessDbError::Internal(format!("stored session id `{text}` is not a number"))
                }),
                None => {
                    let sid = crate::crdt::generate_session_id();
                    b.set_meta(META_SESSION_ID, &sid.to_string())?;
                    Ok(sid)
                }
            })?;
        *guard = Some(sid);
        Ok(sid)
    }

    fn sequence_key(collection: &str) -> String {
        format!("{META_SEQUENCE_PREFIX}{collection}")
    }

    fn session_for(&self, explicit: Option<u64>) -> Result<u64> {
        match explicit {
            Some(sid) => Ok(sid),
            None => self.session_id(),
        }
    }

    fn check_unique(
        &self,
        backend: &B,
        def: &CollectionDef,
        record: &SerializedRecord,
        exclude: Option<&str>,
    ) -> Result<()> {
        for index in def.indexes.iter().filter(|i| i.is_unique()) {
            backend.check_unique(
                &def.name,
                index,
                &record.data,
                record.computed.as_ref(),
                exclude,
            )?;
        }
        Ok(())
    }

    /// Migrates a stored record to the current version when needed and writes the
    /// migrated form back, so the migration runs once.
    fn load(
        &self,
        backend: &B,
        def: &CollectionDef,
        raw: SerializedRecord,
        migrate: bool,
    ) -> Result<StoredRecordWithMeta> {
        if !migrate || raw.version == def.current_version {
            return Ok(with_meta(raw, false, None));
        }
        let original = raw.version;
        let migrated = migrate_and_deserialize(def, &raw)?;
        let record = SerializedRecord {
            data: migrated.data,
            crdt: migrated.crdt,
            version: migrated.version,
            computed: migrated.computed,
            ..raw
        };
        if migrated.was_migrated {
            backend.put_raw(&record)?;
        }
        Ok(with_meta(record, migrated.was_migrated, Some(original)))
    }

    fn put_one(
        &self,
        backend: &B,
        def: &CollectionDef,
        data: Value,
        opts: &PutOptions,
    ) -> Result<StoredRecordWithMeta> {
        let sid = self.session_for(opts.session_id)?;
        let id = opts.id.clone().or_else(|| try_extract_id(def, &data));
        let existing = match &id {
            Some(id) => backend.get_raw(&def.name, id)?,
            None => None,
        };
        match existing {
            Some(existing) if existing.deleted => Err(StorageError::Deleted {
                collection: def.name.clone(),
                id: existing.id,
            }
            .into()),
            Some(existing) => {
                let prepared = prepare_update(def, &existing, data, sid, opts)?;
                if prepared.has_changes {
                    if !opts.skip_unique_check {
                        self.check_unique(backend, def, &prepared.record, Some(&existing.id))?;
                    }
                    backend.put_raw(&prepared.record)?;
                }
                Ok(with_meta(prepared.record, false, None))
            }
            None => {
                let prepared = prepare_new(def, data, sid, opts)?;
                if !opts.skip_unique_check {
                    self.check_unique(backend, def, &prepared.record, None)?;
                }
                backend.put_raw(&prepared.record)?;
                Ok(with_meta(prepared.record, false, None))
            }
        }
    }

    fn patch_one(
        &self,
        backend: &B,
        def: &CollectionDef,
        data: Value,
        opts: &PatchOptions,
    ) -> Result<StoredRecordWithMeta> {
        let existing =
            backend
                .get_raw(&def.name, &opts.id)?
                .ok_or_else(|| StorageError::NotFound {
                    collection: def.name.clone(),
                    id: opts.id.clone(),
                })?;
        if existing.deleted {
            return Err(StorageError::Deleted {
                collection: def.name.clone(),
                id: opts.id.clone(),
            }
            .into());
        }
        let sid = self.session_for(opts.session_id)?;
        let prepared = prepare_patch(def, &existing, data, sid, opts)?;
        if prepared.has_changes {
            if !opts.skip_unique_check {
                self.check_unique(backend, def, &prepared.record, Some(&opts.id))?;
            }
            backend.put_raw(&prepared.record)?;
        }
        Ok(with_meta(prepared.record, false, None))
    }

    fn delete_one(
        &self,
        backend: &B,
        def: &CollectionDef,
        id: &str,
        opts: &DeleteOptions,
    ) -> Result<bool> {
        match backend.get_raw(&def.name, id)? {
            Some(existing) if !existing.deleted => {
                backend.put_raw(&prepare_delete(&existing, opts))?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Raw records a query selects, in query order, with the total before pagination.
    fn run_query(
        &self,
        def: &CollectionDef,
        query: &Query,
    ) -> Result<(Vec<SerializedRecord>, usize)> {
        let plan = plan_query(query, &def.indexes);
        if let Some(scan) = &plan.scan
            && plan.can_paginate_in_scan()
        {
            return self.run_paged_scan(def, query, &plan, scan);
        }
        let rows = self.candidates(def, &plan)?;
        let mut matched: Vec<SerializedRecord> = match &plan.post_filter {
            Some(filter) => rows
                .into_iter()
                .filter(|r| record_matches(r, filter))
                .collect(),
            None => rows,
        };
        let total = matched.len();
        sort_records_by(&mut matched, &plan.post_sort, |r| &r.data);
        Ok((paginate_records(matched, query.offset, query.limit), total))
    }

    /// The index walks the query order and enforces the whole filter: SQL does the
    /// ORDER BY, LIMIT and OFFSET, and only the returned rows are decoded.
    fn run_paged_scan(
        &self,
        def: &CollectionDef,
        query: &Query,
        plan: &QueryPlan,
        scan: &crate::index::types::IndexScan,
    ) -> Result<(Vec<SerializedRecord>, usize)> {
        let window = ScanWindow {
            ordered: plan.index_order_is_query_order(),
            limit: query.limit,
            offset: query.offset.unwrap_or(0),
        };
        let Some(rows) = self.backend.scan_index_raw(&def.name, scan, &window)? else {
            let rows = self.full_scan(def)?;
            return Ok(finish_in_memory(rows, query, plan));
        };
        let offset = window.offset;
        let got = rows.records.len();
        let page_not_full = query.limit.is_none_or(|l| got < l);
        // A short page ends the matches, so the total is known without counting.
        let total = if page_not_full && (got > 0 || offset == 0) {
            offset + got
        } else {
            match self.backend.count_index_raw(&def.name, scan)? {
                Some(n) => n,
                None => offset + got,
            }
        };
        Ok((rows.records, total))
    }

    fn candidates(&self, def: &CollectionDef, plan: &QueryPlan) -> Result<Vec<SerializedRecord>> {
        if let Some(scan) = &plan.scan {
            let window = ScanWindow {
                ordered: plan.index_provides_sort,
                ..ScanWindow::default()
            };
            if let Some(rows) = self.backend.scan_index_raw(&def.name, scan, &window)? {
                return Ok(rows.records);
            }
        }
        self.full_scan(def)
    }

    fn full_scan(&self, def: &CollectionDef) -> Result<Vec<SerializedRecord>> {
        Ok(self
            .backend
            .scan_raw(&def.name, &ScanOptions::default())?
            .records)
    }

    /// Migrates every record of `def` stored at an older version, in chunks of one
    /// transaction each, calling `progress` after each chunk.
    pub fn migrate_collection(
        &self,
        def: &CollectionDef,
        mut progress: impl FnMut(MigrationProgress),
    ) -> Result<MigrationStatus> {
        self.ensure_ready(def)?;
        let all = self.backend.scan_raw(
            &def.name,
            &ScanOptions {
                include_deleted: false,
                ..ScanOptions::default()
            },
        )?;
        let stale: Vec<SerializedRecord> = all
            .records
            .into_iter()
            .filter(|r| r.version < def.current_version)
            .collect();
        let total = stale.len();
        let mut done = 0;
        let mut failed = Vec::new();
        self.set_migration_status(def, running(0, total));
        for chunk in stale.chunks(MIGRATION_CHUNK) {
            self.backend.transaction(|b| {
                for raw in chunk {
                    if let Err(e) = self.load(b, def, raw.clone(), true) {
                        failed.push(RecordError {
                            id: raw.id.clone(),
                            collection: def.name.clone(),
                            index: None,
                            error: e.to_string(),
                        });
                    }
                }
                Ok(())
            })?;
            done += chunk.len();
            self.set_migration_status(def, running(done, total));
            progress(MigrationProgress { done, total });
        }
        let status = MigrationStatus {
            done,
            total,
            finished: true,
            errors: failed,
        };
        self.set_migration_status(def, status.clone());
        Ok(status)
    }

    /// Status of the last eager migration of a collection.
    pub fn migration_status(&self, collection: &str) -> Option<MigrationStatus> {
        self.migrations.lock().get(collection).cloned()
    }

    fn set_migration_status(&self, def: &CollectionDef, status: MigrationStatus) {
        self.migrations.lock().insert(def.name.clone(), status);
    }

    /// Deletes tombstones for good; see [`PurgeTombstonesOptions`].
    pub fn purge_tombstones(
        &self,
        def: &CollectionDef,
        opts: &PurgeTombstonesOptions,
    ) -> Result<usize> {
        self.ensure_ready(def)?;
        self.backend.purge_tombstones_raw(&def.name, opts)
    }
}

fn running(done: usize, total: usize) -> MigrationStatus {
    MigrationStatus {
        done,
        total,
        finished: false,
        errors: Vec::new(),
    }
}

fn record_matches(record: &SerializedRecord, filter: &Filter) -> bool {
    let computed = record.computed.as_ref().and_then(Value::as_object);
    matches_filter_with_computed(&record.data, computed, filter)
}

fn finish_in_memory(
    rows: Vec<SerializedRecord>,
    query: &Query,
    plan: &QueryPlan,
) -> (Vec<SerializedRecord>, usize) {
    let filter = query.filter.as_ref();
    let mut matched: Vec<SerializedRecord> = match filter {
        Some(f) => rows.into_iter().filter(|r| record_matches(r, f)).collect(),
        None => rows,
    };
    let total = matched.len();
    let _ = plan;
    sort_records_by(&mut matched, &query.sort, |r| &r.data);
    (paginate_records(matched, query.offset, query.limit), total)
}

impl<B: StorageBackend> StorageLifecycle for Adapter<B> {
    fn initialize(&mut self, collections: &[Arc<CollectionDef>]) -> Result<()> {
        self.register(collections)
    }

    fn close(&mut self) -> Result<()> {
        self.initialized.store(false, Ordering::Release);
        Ok(())
    }

    fn is_initialized(&self) -> bool {
        self.initialized.load(Ordering::Acquire)
    }
}

impl<B: StorageBackend> StorageRead for Adapter<B> {
    fn get(
        &self,
        def: &CollectionDef,
        id: &str,
        opts: &GetOptions,
    ) -> Result<Option<StoredRecordWithMeta>> {
        self.ensure_ready(def)?;
        let Some(raw) = self.backend.get_raw(&def.name, id)? else {
            return Ok(None);
        };
        if raw.deleted && !opts.include_deleted {
            return Ok(None);
        }
        if !opts.migrate || raw.version == def.current_version || raw.deleted {
            return Ok(Some(with_meta(raw, false, None)));
        }
        self.backend
            .transaction(|b| self.load(b, def, raw, true))
            .map(Some)
    }

    fn get_all(&self, def: &CollectionDef, opts: &ListOptions) -> Result<BatchResult> {
        self.ensure_ready(def)?;
        let raw = self.backend.scan_raw(
            &def.name,
            &ScanOptions {
                include_deleted: opts.include_deleted,
                limit: opts.limit,
                offset: opts.offset,
            },
        )?;
        Ok(self.load_all(def, raw.records))
    }

    fn query(
        &self,
        def: &CollectionDef,
        query: &Query,
    ) -> Result<QueryResult<StoredRecordWithMeta>> {
        self.ensure_ready(def)?;
        let (rows, total) = self.run_query(def, query)?;
        let loaded = self.load_all(def, rows);
        Ok(QueryResult {
            records: loaded.records,
            total,
        })
    }

    fn count(&self, def: &CollectionDef, query: Option<&Query>) -> Result<usize> {
        self.ensure_ready(def)?;
        let Some(filter) = query
            .and_then(|q| q.filter.as_ref())
            .filter(|f| !f.is_match_all())
        else {
            return self.backend.count_raw(&def.name);
        };
        let q = Query {
            filter: Some(filter.clone()),
            ..Query::default()
        };
        let plan = plan_query(&q, &def.indexes);
        if let Some(scan) = &plan.scan
            && plan.can_count_in_scan()
            && let Some(n) = self.backend.count_index_raw(&def.name, scan)?
        {
            return Ok(n);
        }
        let rows = self.candidates(def, &plan)?;
        let filter = plan.post_filter.as_ref().unwrap_or(filter);
        Ok(rows.iter().filter(|r| record_matches(r, filter)).count())
    }

    fn explain_query(&self, def: &CollectionDef, query: &Query) -> QueryPlan {
        plan_query(query, &def.indexes)
    }
}

impl<B: StorageBackend> Adapter<B> {
    /// Migrates (and persists) records that need it; a record that fails to load is
    /// reported in `errors` and left out.
    fn load_all(&self, def: &CollectionDef, rows: Vec<SerializedRecord>) -> BatchResult {
        let mut records = Vec::with_capacity(rows.len());
        let mut errors = Vec::new();
        let needs_migration = rows
            .iter()
            .any(|r| !r.deleted && r.version != def.current_version);
        let run = |b: &B| {
            for (index, raw) in rows.into_iter().enumerate() {
                let id = raw.id.clone();
                match self.load(b, def, raw, true) {
                    Ok(r) => records.push(r),
                    Err(e) => errors.push(record_error(def, id, index, &e)),
                }
            }
            Ok(())
        };
        let outcome = if needs_migration {
            self.backend.transaction(run)
        } else {
            run(&self.backend)
        };
        if let Err(e) = outcome {
            errors.push(record_error(def, "", 0, &e));
        }
        BatchResult { records, errors }
    }
}

impl<B: StorageBackend> StorageWrite for Adapter<B> {
    fn put(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: &PutOptions,
    ) -> Result<StoredRecordWithMeta> {
        self.ensure_ready(def)?;
        self.backend
            .transaction(|b| self.put_one(b, def, data, opts))
    }

    fn patch(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: &PatchOptions,
    ) -> Result<StoredRecordWithMeta> {
        self.ensure_ready(def)?;
        self.backend
            .transaction(|b| self.patch_one(b, def, data, opts))
    }

    fn delete(&self, def: &CollectionDef, id: &str, opts: &DeleteOptions) -> Result<bool> {
        self.ensure_ready(def)?;
        self.backend
            .transaction(|b| self.delete_one(b, def, id, opts))
    }

    /// Writes the records in order in one transaction. A record that fails (validation,
    /// a unique value already stored or taken by an earlier record of the same batch,
    /// a deleted id) is reported with its id and position and not written; every other
    /// record is written.
    fn bulk_put(
        &self,
        def: &CollectionDef,
        records: Vec<Value>,
        opts: &PutOptions,
    ) -> Result<BatchResult> {
        self.ensure_ready(def)?;
        self.backend.transaction(|b| {
            let mut out = BatchResult {
                records: Vec::with_capacity(records.len()),
                errors: Vec::new(),
            };
            // `put_one` checks everything before its single write, so a failed record
            // leaves nothing behind and needs no savepoint of its own.
            for (index, data) in records.into_iter().enumerate() {
                let id = opts
                    .id
                    .clone()
                    .or_else(|| try_extract_id(def, &data))
                    .unwrap_or_default();
                match self.put_one(b, def, data, opts) {
                    Ok(r) => out.records.push(r),
                    Err(e) => out.errors.push(record_error(def, id, index, &e)),
                }
            }
            Ok(out)
        })
    }

    fn bulk_delete(
        &self,
        def: &CollectionDef,
        ids: &[&str],
        opts: &DeleteOptions,
    ) -> Result<BulkDeleteResult> {
        self.ensure_ready(def)?;
        self.backend.transaction(|b| {
            let mut out = BulkDeleteResult::default();
            for (index, id) in ids.iter().enumerate() {
                match self.delete_one(b, def, id, opts) {
                    Ok(true) => out.deleted_ids.push((*id).to_string()),
                    Ok(false) => {}
                    Err(e) => out.errors.push(record_error(def, *id, index, &e)),
                }
            }
            Ok(out)
        })
    }

    fn bulk_patch(
        &self,
        def: &CollectionDef,
        patches: Vec<Value>,
        opts: &PatchOptions,
    ) -> Result<BulkPatchResult> {
        self.ensure_ready(def)?;
        self.backend.transaction(|b| {
            let mut out = BulkPatchResult::default();
            for (index, data) in patches.into_iter().enumerate() {
                let Some(id) = try_extract_id(def, &data) else {
                    let e = LessDbError::Internal("patch has no `id`".into());
                    out.errors.push(record_error(def, "", index, &e));
                    continue;
                };
                let one = PatchOptions {
                    id: id.clone(),
                    ..opts.clone()
                };
                match self.patch_one(b, def, data, &one) {
                    Ok(r) => out.records.push(r),
                    Err(e) => out.errors.push(record_error(def, id, index, &e)),
                }
            }
            Ok(out)
        })
    }

    fn delete_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        opts: &DeleteOptions,
    ) -> Result<BulkDeleteResult> {
        self.ensure_ready(def)?;
        let q = Query {
            filter: Some(filter.clone()),
            ..Query::default()
        };
        self.backend.transaction(|b| {
            let (rows, _) = self.run_query(def, &q)?;
            let mut out = BulkDeleteResult::default();
            for (index, row) in rows.iter().enumerate() {
                match self.delete_one(b, def, &row.id, opts) {
                    Ok(true) => out.deleted_ids.push(row.id.clone()),
                    Ok(false) => {}
                    Err(e) => out
                        .errors
                        .push(record_error(def, row.id.clone(), index, &e)),
                }
            }
            Ok(out)
        })
    }

    fn patch_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        patch: &Value,
        opts: &PatchOptions,
    ) -> Result<PatchManyResult> {
        self.ensure_ready(def)?;
        let q = Query {
            filter: Some(filter.clone()),
            ..Query::default()
        };
        self.backend.transaction(|b| {
            let (rows, _) = self.run_query(def, &q)?;
            let mut out = PatchManyResult {
                matched_count: rows.len(),
                ..PatchManyResult::default()
            };
            for (index, row) in rows.iter().enumerate() {
                let one = PatchOptions {
                    id: row.id.clone(),
                    ..opts.clone()
                };
                match self.patch_one(b, def, patch.clone(), &one) {
                    Ok(r) => out.records.push(r),
                    Err(e) => out
                        .errors
                        .push(record_error(def, row.id.clone(), index, &e)),
                }
            }
            out.updated_count = out.records.len();
            Ok(out)
        })
    }
}

impl<B: StorageBackend> StorageSync for Adapter<B> {
    fn get_dirty(&self, def: &CollectionDef) -> Result<BatchResult> {
        self.ensure_ready(def)?;
        let raw = self.backend.scan_dirty_raw(&def.name)?;
        Ok(BatchResult {
            records: raw
                .records
                .into_iter()
                .map(|r| with_meta(r, false, None))
                .collect(),
            errors: Vec::new(),
        })
    }

    fn mark_synced(
        &self,
        def: &CollectionDef,
        id: &str,
        sequence: i64,
        snapshot: Option<&PushSnapshot>,
    ) -> Result<()> {
        self.ensure_ready(def)?;
        self.backend.transaction(|b| {
            let existing = b
                .get_raw(&def.name, id)?
                .ok_or_else(|| StorageError::NotFound {
                    collection: def.name.clone(),
                    id: id.to_string(),
                })?;
            b.put_raw(&prepare_mark_synced(&existing, sequence, snapshot))
        })
    }

    /// Applies pulled records in one transaction. Each record is decided and written on
    /// its own: a corrupt or oversized CRDT binary, or a failed write, makes that record
    /// an error and the others still apply.
    fn apply_remote_changes(
        &self,
        def: &CollectionDef,
        records: &[RemoteRecord],
        opts: &ApplyRemoteOptions,
    ) -> Result<ApplyRemoteResult> {
        self.ensure_ready(def)?;
        let sid = self.session_id()?;
        self.backend.transaction(|b| {
            let mut out = ApplyRemoteResult::default();
            for (index, remote) in records.iter().enumerate() {
                out.new_sequence = out.new_sequence.max(remote.sequence);
                let ctx = RemoteContext {
                    session_id: Some(sid),
                    received_at: opts.received_at.as_deref(),
                };
                // One write at most per record, so a failure leaves nothing behind.
                let step = (|| {
                    // Only a dirty local record is merged; a clean one is only read
                    // for its sync state.
                    let local = b.get_raw_for_remote(&def.name, &remote.id)?;
                    let decision = process_remote_record(
                        def,
                        local.as_ref(),
                        remote,
                        &opts.delete_conflict_strategy,
                        ctx,
                    )?;
                    apply_remote_decision(decision, &mut |r| b.put_raw(r))
                })();
                match step {
                    Ok(applied) => {
                        if applied.action == RemoteAction::Merged {
                            out.merged_count += 1;
                        }
                        out.applied.push(ApplyRemoteRecordResult {
                            id: applied.id,
                            action: applied.action,
                            record: applied.record,
                        });
                    }
                    Err(e) => out
                        .errors
                        .push(record_error(def, remote.id.clone(), index, &e)),
                }
            }
            Ok(out)
        })
    }

    fn get_last_sequence(&self, collection: &str) -> Result<i64> {
        match self.backend.get_meta(&Self::sequence_key(collection))? {
            None => Ok(0),
            Some(text) => text.parse().map_err(|_| {
                LessDbError::Internal(format!(
                    "stored sequence `{text}` of {collection} is not a number"
                ))
            }),
        }
    }

    fn set_last_sequence(&self, collection: &str, sequence: i64) -> Result<()> {
        self.backend
            .set_meta(&Self::sequence_key(collection), &sequence.to_string())
    }
}
