//! `TypedAdapter<B>`: a reactive adapter seen through a stack of middleware.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::collection::CollectionDef;
use crate::crdt::patch_log::EMPTY_PATCH_LOG;
use crate::error::LessDbError;
use crate::query::execute::paginate_records;
use crate::query::types::{Filter, Query, QueryResult};
use crate::reactive::{ReactiveAdapter, Subscription};
use crate::storage::traits::{StorageBackend, StorageRead, StorageWrite};
use crate::types::{
    BatchResult, BulkDeleteResult, BulkPatchResult, DeleteOptions, GetOptions, ListOptions,
    PatchManyResult, PatchOptions, PutOptions, RecordError, StoredRecordWithMeta,
};

use super::types::{MetaFilter, Middleware, MiddlewareError, WriteContext, WriteOp};

/// Result of a [`TypedAdapter`] operation.
pub type MwResult<T> = Result<T, MiddlewareError>;

static NO_OPTIONS: Value = Value::Null;

/// A [`ReactiveAdapter`] whose reads and writes pass through a stack of
/// [`Middleware`]: write hooks may rewrite data, set record metadata from the
/// caller's options, or reject the write with [`MiddlewareError::Rejected`]; read
/// hooks rewrite the data callers and subscribers see.
///
/// Each write method takes the caller's middleware `options` (any JSON the stack
/// understands, or `None`). Rejected records of a bulk write are reported in the
/// result's `errors` with their position, and the others are written.
pub struct TypedAdapter<B: StorageBackend> {
    inner: Arc<ReactiveAdapter<B>>,
    stack: Vec<Arc<dyn Middleware>>,
}

impl<B: StorageBackend> std::fmt::Debug for TypedAdapter<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedAdapter")
            .field("inner", &self.inner)
            .field("middleware", &self.stack.len())
            .finish()
    }
}

impl<B: StorageBackend> Clone for TypedAdapter<B> {
    fn clone(&self) -> Self {
        TypedAdapter {
            inner: Arc::clone(&self.inner),
            stack: self.stack.clone(),
        }
    }
}

fn options(o: Option<&Value>) -> &Value {
    o.unwrap_or(&NO_OPTIONS)
}

fn record_error(
    def: &CollectionDef,
    id: Option<&str>,
    index: usize,
    e: &MiddlewareError,
) -> RecordError {
    RecordError {
        id: id.unwrap_or_default().to_string(),
        collection: def.name.clone(),
        index: Some(index),
        error: e.to_string(),
    }
}

fn data_id(data: &Value) -> Option<&str> {
    data.get("id").and_then(Value::as_str)
}

/// Re-points the errors of a write over a filtered list at the caller's positions.
/// The errors of a bulk call in input order: the stack's rejections, and the inner
/// adapter's, whose indexes count only the accepted items (`positions` maps them back).
fn merge_errors(
    mut rejected: Vec<RecordError>,
    inner: Vec<RecordError>,
    positions: &[usize],
) -> Vec<RecordError> {
    rejected.extend(inner.into_iter().map(|mut e| {
        e.index = e.index.and_then(|i| positions.get(i).copied());
        e
    }));
    rejected.sort_by_key(|e| e.index);
    rejected
}

impl<B: StorageBackend> TypedAdapter<B> {
    /// Wraps `inner` with an empty stack.
    pub fn new(inner: ReactiveAdapter<B>) -> Self {
        Self::from_shared(Arc::new(inner))
    }

    /// Wraps an adapter shared with other users (a sync manager, say): writes they
    /// make are not seen by the middleware, but subscribers here still see them.
    pub fn from_shared(inner: Arc<ReactiveAdapter<B>>) -> Self {
        TypedAdapter {
            inner,
            stack: Vec::new(),
        }
    }

    /// Adds a middleware on top of the stack.
    pub fn with(mut self, middleware: impl Middleware + 'static) -> Self {
        self.stack.push(Arc::new(middleware));
        self
    }

    /// Adds a shared middleware on top of the stack.
    pub fn with_shared(mut self, middleware: Arc<dyn Middleware>) -> Self {
        self.stack.push(middleware);
        self
    }

    /// The adapter underneath: its calls bypass the middleware.
    pub fn inner(&self) -> &ReactiveAdapter<B> {
        &self.inner
    }

    /// A shared handle to the adapter underneath.
    pub fn shared(&self) -> Arc<ReactiveAdapter<B>> {
        Arc::clone(&self.inner)
    }

    /// Number of middleware layers.
    pub fn middleware_count(&self) -> usize {
        self.stack.len()
    }

    /// Whether the adapter underneath is initialized.
    pub fn is_initialized(&self) -> bool {
        use crate::storage::traits::StorageLifecycle;
        self.inner.is_initialized()
    }

    /// Runs the reactive adapter's [`flush`](ReactiveAdapter::flush).
    pub fn flush(&self) -> usize {
        self.inner.flush()
    }

    // ---------------------------------------------------------------- hooks

    fn prepare_data(&self, ctx: &WriteContext<'_>, mut data: Value) -> MwResult<Value> {
        for mw in &self.stack {
            data = mw
                .before_write(ctx, data)
                .map_err(|r| MiddlewareError::rejected(ctx, r))?;
        }
        Ok(data)
    }

    /// The merged metadata of the stack; `None` when no layer set any.
    fn write_meta(&self, ctx: &WriteContext<'_>) -> MwResult<Option<Value>> {
        let mut merged: Option<Map<String, Value>> = None;
        let mut other: Option<Value> = None;
        for mw in &self.stack {
            match mw
                .on_write(ctx)
                .map_err(|r| MiddlewareError::rejected(ctx, r))?
            {
                Some(Value::Object(m)) if m.is_empty() => {}
                Some(Value::Object(m)) => merged.get_or_insert_with(Map::new).extend(m),
                Some(Value::Null) | None => {}
                Some(v) => other = Some(v),
            }
        }
        Ok(merged.map(Value::Object).or(other))
    }

    fn check_delete(&self, ctx: &WriteContext<'_>) -> MwResult<()> {
        for mw in &self.stack {
            mw.before_delete(ctx)
                .map_err(|r| MiddlewareError::rejected(ctx, r))?;
        }
        Ok(())
    }

    fn after(&self, ctx: &WriteContext<'_>, record: &StoredRecordWithMeta) {
        for mw in &self.stack {
            mw.after_write(ctx, record);
        }
    }

    /// Runs the after-write hooks on each record a bulk call wrote, then reads them
    /// back through the stack.
    fn finish_written(
        &self,
        base: &WriteContext<'_>,
        records: Vec<StoredRecordWithMeta>,
    ) -> Vec<StoredRecordWithMeta> {
        for r in &records {
            let ctx = WriteContext {
                id: Some(&r.id),
                ..*base
            };
            self.after(&ctx, r);
        }
        records
            .into_iter()
            .map(|r| self.read(base.def, r))
            .collect()
    }

    fn read_data(&self, def: &CollectionDef, data: Value, meta: Option<&Value>) -> Value {
        self.stack
            .iter()
            .rev()
            .fold(data, |d, mw| mw.on_read(def, d, meta))
    }

    fn read(&self, def: &CollectionDef, mut record: StoredRecordWithMeta) -> StoredRecordWithMeta {
        if !self.stack.is_empty() {
            let data = std::mem::take(&mut record.data);
            record.data = self.read_data(def, data, record.meta.as_ref());
        }
        record
    }

    fn meta_filters(&self, def: &CollectionDef, opts: Option<&Value>) -> Vec<MetaFilter> {
        let opts = options(opts);
        self.stack
            .iter()
            .filter_map(|mw| mw.on_query(def, opts))
            .collect()
    }

    fn wants_reset(&self, old: Option<&Value>, new: &Value) -> bool {
        self.stack
            .iter()
            .any(|mw| mw.should_reset_sync_state(old, new))
    }

    /// Restarts the record's sync state before a write that moves it (see
    /// [`Middleware::should_reset_sync_state`]).
    fn reset_sync_state(&self, def: &CollectionDef, id: &str) -> MwResult<()> {
        let backend = self.inner.inner().backend();
        backend.transaction(|b| {
            if let Some(mut raw) = b.get_raw(&def.name, id)? {
                raw.sequence = 0;
                raw.pending_patches = EMPTY_PATCH_LOG.to_vec();
                raw.dirty = true;
                b.put_raw(&raw)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Resets the sync state when the new metadata moves an existing record.
    fn maybe_reset(
        &self,
        def: &CollectionDef,
        id: Option<&str>,
        meta: Option<&Value>,
    ) -> MwResult<()> {
        let (Some(id), Some(new)) = (id, meta) else {
            return Ok(());
        };
        let Some(existing) = self.inner.get(def, id, &GetOptions::default())? else {
            return Ok(());
        };
        if self.wants_reset(existing.meta.as_ref(), new) {
            self.reset_sync_state(def, id)?;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- reads

    /// Reads one record; its data passes through the read hooks.
    pub fn get(
        &self,
        def: &CollectionDef,
        id: &str,
        opts: &GetOptions,
    ) -> MwResult<Option<StoredRecordWithMeta>> {
        Ok(self.inner.get(def, id, opts)?.map(|r| self.read(def, r)))
    }

    /// Reads every record (within `opts`); data passes through the read hooks.
    pub fn get_all(&self, def: &CollectionDef, opts: &ListOptions) -> MwResult<BatchResult> {
        let out = self.inner.get_all(def, opts)?;
        Ok(BatchResult {
            records: out.records.into_iter().map(|r| self.read(def, r)).collect(),
            errors: out.errors,
        })
    }

    /// Runs `query`, keeping only records every layer's [`Middleware::on_query`]
    /// filter accepts for `opts`; limit, offset and total apply after that filter.
    pub fn query(
        &self,
        def: &CollectionDef,
        query: &Query,
        opts: Option<&Value>,
    ) -> MwResult<QueryResult<StoredRecordWithMeta>> {
        let filters = self.meta_filters(def, opts);
        let result = if filters.is_empty() {
            self.inner.query(def, query)?
        } else {
            let unpaged = Query {
                limit: None,
                offset: None,
                ..query.clone()
            };
            let all = self.inner.query(def, &unpaged)?;
            page_by_meta(all.records, &filters, query)
        };
        Ok(QueryResult {
            records: result
                .records
                .into_iter()
                .map(|r| self.read(def, r))
                .collect(),
            total: result.total,
        })
    }

    /// Counts the records `query` matches that the stack's query filters accept.
    pub fn count(
        &self,
        def: &CollectionDef,
        query: Option<&Query>,
        opts: Option<&Value>,
    ) -> MwResult<usize> {
        let filters = self.meta_filters(def, opts);
        if filters.is_empty() {
            return Ok(self.inner.count(def, query)?);
        }
        let q = Query {
            filter: query.and_then(|q| q.filter.clone()),
            ..Query::default()
        };
        let all = self.inner.query(def, &q)?;
        Ok(all
            .records
            .iter()
            .filter(|r| filters.iter().all(|f| f(r.meta.as_ref())))
            .count())
    }

    // ---------------------------------------------------------------- writes

    /// Puts a record: write hooks run first (any rejection writes nothing), their
    /// metadata goes into `opts.meta`, and the stored record comes back through the
    /// read hooks.
    pub fn put(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: Option<&Value>,
        put: &PutOptions,
    ) -> MwResult<StoredRecordWithMeta> {
        let id = put
            .id
            .clone()
            .or_else(|| data_id(&data).map(str::to_string));
        let ctx = WriteContext {
            def,
            op: WriteOp::Put,
            id: id.as_deref(),
            options: options(opts),
        };
        let data = self.prepare_data(&ctx, data)?;
        let put = self.with_meta_put(&ctx, put)?;
        self.maybe_reset(def, ctx.id, put.meta.as_ref())?;
        let record = self.inner.put(def, data, &put)?;
        let ctx = WriteContext {
            id: Some(&record.id),
            ..ctx
        };
        self.after(&ctx, &record);
        Ok(self.read(def, record))
    }

    fn with_meta_put(&self, ctx: &WriteContext<'_>, put: &PutOptions) -> MwResult<PutOptions> {
        let mut put = put.clone();
        if let Some(meta) = self.write_meta(ctx)? {
            put.meta = Some(meta);
        }
        Ok(put)
    }

    /// Patches a record (`patch.id`, or the `id` in `data` when that is empty).
    pub fn patch(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: Option<&Value>,
        patch: &PatchOptions,
    ) -> MwResult<StoredRecordWithMeta> {
        let mut patch = patch.clone();
        if patch.id.is_empty()
            && let Some(id) = data_id(&data)
        {
            patch.id = id.to_string();
        }
        let id = patch.id.clone();
        let ctx = WriteContext {
            def,
            op: WriteOp::Patch,
            id: Some(&id),
            options: options(opts),
        };
        let data = self.prepare_data(&ctx, data)?;
        if let Some(meta) = self.write_meta(&ctx)? {
            patch.meta = Some(meta);
        }
        self.maybe_reset(def, Some(&id), patch.meta.as_ref())?;
        let record = self.inner.patch(def, data, &patch)?;
        self.after(&ctx, &record);
        Ok(self.read(def, record))
    }

    /// Deletes a record; the tombstone keeps the metadata the stack sets.
    pub fn delete(
        &self,
        def: &CollectionDef,
        id: &str,
        opts: Option<&Value>,
        delete: &DeleteOptions,
    ) -> MwResult<bool> {
        let ctx = WriteContext {
            def,
            op: WriteOp::Delete,
            id: Some(id),
            options: options(opts),
        };
        let delete = self.prepare_delete(&ctx, delete)?;
        Ok(self.inner.delete(def, id, &delete)?)
    }

    fn prepare_delete(
        &self,
        ctx: &WriteContext<'_>,
        delete: &DeleteOptions,
    ) -> MwResult<DeleteOptions> {
        self.check_delete(ctx)?;
        let mut delete = delete.clone();
        if let Some(meta) = self.write_meta(ctx)? {
            delete.meta = Some(meta);
        }
        Ok(delete)
    }

    /// Puts several records in one transaction; rejected ones are reported in
    /// `errors` (with their position in `records`) and the rest are written.
    pub fn bulk_put(
        &self,
        def: &CollectionDef,
        records: Vec<Value>,
        opts: Option<&Value>,
        put: &PutOptions,
    ) -> MwResult<BatchResult> {
        let base = WriteContext {
            def,
            op: WriteOp::Put,
            id: None,
            options: options(opts),
        };
        let put = self.with_meta_put(&base, put)?;
        let mut accepted = Vec::with_capacity(records.len());
        let mut positions = Vec::with_capacity(records.len());
        let mut errors = Vec::new();
        for (index, data) in records.into_iter().enumerate() {
            let id = data_id(&data).map(str::to_string);
            let ctx = WriteContext {
                id: id.as_deref(),
                ..base
            };
            match self.prepare_data(&ctx, data) {
                Ok(data) => {
                    accepted.push(data);
                    positions.push(index);
                }
                Err(e) => errors.push(record_error(def, id.as_deref(), index, &e)),
            }
        }
        let out = self.inner.bulk_put(def, accepted, &put)?;
        Ok(BatchResult {
            records: self.finish_written(&base, out.records),
            errors: merge_errors(errors, out.errors, &positions),
        })
    }

    /// Patches several records (each patch names its record with `id`); rejected
    /// patches are reported in `errors` and the rest are applied.
    pub fn bulk_patch(
        &self,
        def: &CollectionDef,
        patches: Vec<Value>,
        opts: Option<&Value>,
        patch: &PatchOptions,
    ) -> MwResult<BulkPatchResult> {
        let base = WriteContext {
            def,
            op: WriteOp::Patch,
            id: None,
            options: options(opts),
        };
        let mut patch = patch.clone();
        if let Some(meta) = self.write_meta(&base)? {
            patch.meta = Some(meta);
        }
        let mut accepted = Vec::with_capacity(patches.len());
        let mut positions = Vec::with_capacity(patches.len());
        let mut errors = Vec::new();
        for (index, data) in patches.into_iter().enumerate() {
            let id = data_id(&data).map(str::to_string);
            let ctx = WriteContext {
                id: id.as_deref(),
                ..base
            };
            match self.prepare_data(&ctx, data).and_then(|d| {
                self.maybe_reset(def, ctx.id, patch.meta.as_ref())
                    .map(|()| d)
            }) {
                Ok(data) => {
                    accepted.push(data);
                    positions.push(index);
                }
                Err(e) => errors.push(record_error(def, id.as_deref(), index, &e)),
            }
        }
        let out = self.inner.bulk_patch(def, accepted, &patch)?;
        Ok(BulkPatchResult {
            records: self.finish_written(&base, out.records),
            errors: merge_errors(errors, out.errors, &positions),
        })
    }

    /// Deletes several records; rejected ids are reported in `errors`.
    pub fn bulk_delete(
        &self,
        def: &CollectionDef,
        ids: &[&str],
        opts: Option<&Value>,
        delete: &DeleteOptions,
    ) -> MwResult<BulkDeleteResult> {
        let base = WriteContext {
            def,
            op: WriteOp::Delete,
            id: None,
            options: options(opts),
        };
        let mut delete = delete.clone();
        if let Some(meta) = self.write_meta(&base)? {
            delete.meta = Some(meta);
        }
        let mut accepted = Vec::with_capacity(ids.len());
        let mut positions = Vec::with_capacity(ids.len());
        let mut errors = Vec::new();
        for (index, id) in ids.iter().enumerate() {
            let ctx = WriteContext {
                id: Some(id),
                ..base
            };
            match self.check_delete(&ctx) {
                Ok(()) => {
                    accepted.push(*id);
                    positions.push(index);
                }
                Err(e) => errors.push(record_error(def, Some(id), index, &e)),
            }
        }
        let out = self.inner.bulk_delete(def, &accepted, &delete)?;
        Ok(BulkDeleteResult {
            deleted_ids: out.deleted_ids,
            errors: merge_errors(errors, out.errors, &positions),
        })
    }

    /// Deletes the records `filter` matches that the stack lets through.
    pub fn delete_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        opts: Option<&Value>,
        delete: &DeleteOptions,
    ) -> MwResult<BulkDeleteResult> {
        let ids = self.matching_ids(def, filter)?;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.bulk_delete(def, &refs, opts, delete)
    }

    /// Applies `patch` to every record `filter` matches that the stack lets through.
    pub fn patch_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        patch: &Value,
        opts: Option<&Value>,
        patch_opts: &PatchOptions,
    ) -> MwResult<PatchManyResult> {
        let ids = self.matching_ids(def, filter)?;
        let patches = ids.iter().map(|id| with_id(patch, id)).collect::<Vec<_>>();
        let matched_count = patches.len();
        let out = self.bulk_patch(def, patches, opts, patch_opts)?;
        Ok(PatchManyResult {
            updated_count: out.records.len(),
            matched_count,
            records: out.records,
            errors: out.errors,
        })
    }

    fn matching_ids(
        &self,
        def: &CollectionDef,
        filter: &Filter,
    ) -> Result<Vec<String>, LessDbError> {
        let q = Query::new().filter(filter.clone());
        Ok(self
            .inner
            .query(def, &q)?
            .records
            .into_iter()
            .map(|r| r.id)
            .collect())
    }

    // ---------------------------------------------------------------- subscriptions

    /// [`ReactiveAdapter::observe`], with the record's data passed through the read
    /// hooks.
    pub fn observe(
        &self,
        def: &Arc<CollectionDef>,
        id: impl Into<String>,
        callback: impl Fn(Option<&StoredRecordWithMeta>) + Send + Sync + 'static,
    ) -> Subscription {
        let this = self.reader(def);
        self.inner.observe(def, id, move |r| match r {
            Some(r) => callback(Some(&this.read(r.clone()))),
            None => callback(None),
        })
    }

    /// [`ReactiveAdapter::observe_query`], with the stack's query filters for `opts`
    /// applied (before limit and offset) and data passed through the read hooks.
    pub fn observe_query(
        &self,
        def: &Arc<CollectionDef>,
        query: Query,
        opts: Option<&Value>,
        callback: impl Fn(&QueryResult<StoredRecordWithMeta>) + Send + Sync + 'static,
    ) -> Subscription {
        let filters = self.meta_filters(def, opts);
        let this = self.reader(def);
        if filters.is_empty() {
            return self.inner.observe_query(def, query, move |r| {
                callback(&QueryResult {
                    records: r.records.iter().map(|r| this.read(r.clone())).collect(),
                    total: r.total,
                })
            });
        }
        let unpaged = Query {
            limit: None,
            offset: None,
            ..query.clone()
        };
        self.inner.observe_query(def, unpaged, move |r| {
            let page = page_by_meta(r.records.clone(), &filters, &query);
            callback(&QueryResult {
                records: page.records.into_iter().map(|r| this.read(r)).collect(),
                total: page.total,
            })
        })
    }

    fn reader(&self, def: &Arc<CollectionDef>) -> Reader {
        Reader {
            def: Arc::clone(def),
            stack: self.stack.clone(),
        }
    }
}

/// The read side of a stack, owned by a subscription callback.
struct Reader {
    def: Arc<CollectionDef>,
    stack: Vec<Arc<dyn Middleware>>,
}

impl Reader {
    fn read(&self, mut record: StoredRecordWithMeta) -> StoredRecordWithMeta {
        let data = std::mem::take(&mut record.data);
        record.data = self
            .stack
            .iter()
            .rev()
            .fold(data, |d, mw| mw.on_read(&self.def, d, record.meta.as_ref()));
        record
    }
}

fn page_by_meta(
    records: Vec<StoredRecordWithMeta>,
    filters: &[MetaFilter],
    query: &Query,
) -> QueryResult<StoredRecordWithMeta> {
    let kept: Vec<StoredRecordWithMeta> = records
        .into_iter()
        .filter(|r| filters.iter().all(|f| f(r.meta.as_ref())))
        .collect();
    let total = kept.len();
    QueryResult {
        records: paginate_records(kept, query.offset, query.limit),
        total,
    }
}

fn with_id(patch: &Value, id: &str) -> Value {
    let mut p = patch.clone();
    if let Value::Object(m) = &mut p {
        m.insert("id".into(), Value::String(id.to_string()));
    }
    p
}
