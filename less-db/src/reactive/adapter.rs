//! `ReactiveAdapter<B>`: an [`Adapter`] that reports its writes and keeps record and
//! query subscriptions up to date.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::Mutex;
use serde_json::Value;

use crate::collection::CollectionDef;
use crate::error::{LessDbError, Result};
use crate::index::types::QueryPlan;
use crate::query::types::{Filter, Query, QueryResult};
use crate::schema::node::UPDATED_AT_FIELD;
use crate::storage::adapter::Adapter;
use crate::storage::traits::{
    StorageBackend, StorageLifecycle, StorageRead, StorageSync, StorageWrite,
};
use crate::types::{
    ApplyRemoteOptions, ApplyRemoteResult, BatchResult, BulkDeleteResult, BulkPatchResult,
    DeleteOptions, GetOptions, ListOptions, PatchManyResult, PatchOptions, PushSnapshot,
    PutOptions, RemoteAction, RemoteRecord, StoredRecordWithMeta,
};

use super::event::ChangeEvent;
use super::registry::{
    After, ChangeListener, ErrorCallback, Job, QueryCallback, RecordCallback, Registry, Touched,
};
use super::subscription::Subscription;

/// Rounds of re-reads one flush runs at most. A callback that writes on every call
/// would otherwise keep a flush going for ever; what is left stays dirty for the next
/// flush.
const MAX_FLUSH_ROUNDS: usize = 64;

/// Counters of the work the reactive layer did, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReactiveStats {
    /// Query subscriptions re-run by flushes.
    pub queries_run: u64,
    /// Record subscriptions re-read by flushes.
    pub records_read: u64,
    /// Subscription callbacks called (change listeners not counted).
    pub callbacks: u64,
    /// Change events emitted.
    pub events: u64,
}

#[derive(Default)]
struct Counters {
    queries_run: AtomicU64,
    records_read: AtomicU64,
    callbacks: AtomicU64,
    events: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// An [`Adapter`] with change events and live subscriptions.
///
/// It implements the same storage traits and forwards every call. After a write
/// commits it
/// 1. emits a [`ChangeEvent`] to the [`on_change`](Self::on_change) listeners, then
/// 2. marks dirty the subscriptions the change may affect: a record subscription when
///    its record changed; a query subscription when the record is in its current
///    results, or the change touched a field the query filters or sorts on and the
///    record could now belong to its results (see
///    [`extract_query_fields`](crate::reactive::extract_query_fields)).
///
/// [`flush`](Self::flush) re-reads the dirty subscriptions and calls each callback
/// whose value differs from the one it last received. Nothing runs in the background:
/// call `flush` after writes, or turn on [`set_auto_flush`](Self::set_auto_flush) to
/// flush at the end of every write and subscription call.
///
/// Callbacks run with no lock held: they may read, write, subscribe or unsubscribe
/// through the same adapter. A callback that panics is isolated (logged with
/// `tracing`); other callbacks still run and the adapter stays usable.
///
/// The adapter is `Send + Sync` when the backend is; share it with `Arc`.
/// Dropping it (or [`close`](StorageLifecycle::close)) ends every subscription.
pub struct ReactiveAdapter<B: StorageBackend> {
    inner: Adapter<B>,
    registry: Arc<Mutex<Registry>>,
    flushing: AtomicBool,
    auto_flush: AtomicBool,
    counters: Counters,
}

impl<B: StorageBackend> std::fmt::Debug for ReactiveAdapter<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let registry = self.registry.lock();
        f.debug_struct("ReactiveAdapter")
            .field("inner", &self.inner)
            .field("subscriptions", &registry.subscription_count())
            .field("listeners", &registry.listener_count())
            .field("auto_flush", &self.auto_flush.load(Ordering::Relaxed))
            .finish()
    }
}

/// Runs a user callback, containing a panic so it cannot unwind through the adapter.
fn guarded(what: &str, f: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(f)).is_err() {
        tracing::error!(callback = what, "reactive callback panicked; continuing");
    }
}

/// Clears the `flushing` flag however the flush ends.
struct FlushGuard<'a>(&'a AtomicBool);

impl Drop for FlushGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Top-level keys of a patch plus the timestamp every patch refreshes.
fn patch_fields(data: &Value) -> Vec<String> {
    let mut fields: Vec<String> = data
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    fields.push(UPDATED_AT_FIELD.to_string());
    fields
}

fn live<'a>(record: &'a StoredRecordWithMeta, fields: Option<&'a [String]>) -> Touched<'a> {
    Touched {
        id: &record.id,
        after: if record.deleted {
            After::Gone
        } else {
            After::Live(&record.data)
        },
        fields,
    }
}

fn gone(id: &str) -> Touched<'_> {
    Touched {
        id,
        after: After::Gone,
        fields: None,
    }
}

impl<B: StorageBackend> ReactiveAdapter<B> {
    /// Wraps `inner`. Subscriptions made before `inner` is initialized wait for
    /// [`StorageLifecycle::initialize`].
    pub fn new(inner: Adapter<B>) -> Self {
        ReactiveAdapter {
            inner,
            registry: Arc::new(Mutex::new(Registry::default())),
            flushing: AtomicBool::new(false),
            auto_flush: AtomicBool::new(false),
            counters: Counters::default(),
        }
    }

    /// The wrapped adapter. Writes made through it directly are not reported.
    pub fn inner(&self) -> &Adapter<B> {
        &self.inner
    }

    /// With `true`, every write and every new subscription is followed by a
    /// [`flush`](Self::flush) on the calling thread. Off by default.
    pub fn set_auto_flush(&self, on: bool) {
        self.auto_flush.store(on, Ordering::Release);
    }

    /// Whether auto-flush is on.
    pub fn auto_flush(&self) -> bool {
        self.auto_flush.load(Ordering::Acquire)
    }

    /// Calls `listener` with every [`ChangeEvent`], synchronously after each write.
    pub fn on_change(
        &self,
        listener: impl Fn(&ChangeEvent) + Send + Sync + 'static,
    ) -> Subscription {
        let cb: ChangeListener = Arc::new(listener);
        let (key, active) = self.registry.lock().add_listener(cb);
        Subscription::new(Arc::downgrade(&self.registry), key, active)
    }

    /// Observes one record: `callback` gets the record (`None` when it does not exist
    /// or is deleted) at the next flush, then after every flush where it changed.
    pub fn observe(
        &self,
        def: &Arc<CollectionDef>,
        id: impl Into<String>,
        callback: impl Fn(Option<&StoredRecordWithMeta>) + Send + Sync + 'static,
    ) -> Subscription {
        self.observe_inner(def, id.into(), Arc::new(callback), None)
    }

    /// [`observe`](Self::observe), with `on_error` called when re-reading the record
    /// fails (without it the error is logged).
    pub fn observe_with_error(
        &self,
        def: &Arc<CollectionDef>,
        id: impl Into<String>,
        callback: impl Fn(Option<&StoredRecordWithMeta>) + Send + Sync + 'static,
        on_error: impl Fn(&LessDbError) + Send + Sync + 'static,
    ) -> Subscription {
        self.observe_inner(def, id.into(), Arc::new(callback), Some(Arc::new(on_error)))
    }

    fn observe_inner(
        &self,
        def: &Arc<CollectionDef>,
        id: String,
        cb: RecordCallback,
        on_error: Option<ErrorCallback>,
    ) -> Subscription {
        let (key, active) = self
            .registry
            .lock()
            .add_record(Arc::clone(def), id, cb, on_error);
        let sub = Subscription::new(Arc::downgrade(&self.registry), key, active);
        self.maybe_flush();
        sub
    }

    /// Observes a query: `callback` gets its results at the next flush, then after
    /// every flush where they changed.
    pub fn observe_query(
        &self,
        def: &Arc<CollectionDef>,
        query: Query,
        callback: impl Fn(&QueryResult<StoredRecordWithMeta>) + Send + Sync + 'static,
    ) -> Subscription {
        self.observe_query_inner(def, query, Arc::new(callback), None)
    }

    /// [`observe_query`](Self::observe_query), with `on_error` called when re-running
    /// the query fails (without it the error is logged).
    pub fn observe_query_with_error(
        &self,
        def: &Arc<CollectionDef>,
        query: Query,
        callback: impl Fn(&QueryResult<StoredRecordWithMeta>) + Send + Sync + 'static,
        on_error: impl Fn(&LessDbError) + Send + Sync + 'static,
    ) -> Subscription {
        self.observe_query_inner(def, query, Arc::new(callback), Some(Arc::new(on_error)))
    }

    fn observe_query_inner(
        &self,
        def: &Arc<CollectionDef>,
        query: Query,
        cb: QueryCallback,
        on_error: Option<ErrorCallback>,
    ) -> Subscription {
        let (key, active) = self
            .registry
            .lock()
            .add_query(Arc::clone(def), query, cb, on_error);
        let sub = Subscription::new(Arc::downgrade(&self.registry), key, active);
        self.maybe_flush();
        sub
    }

    /// Number of live record and query subscriptions.
    pub fn subscription_count(&self) -> usize {
        self.registry.lock().subscription_count()
    }

    /// True when some subscription waits for a flush.
    pub fn has_pending(&self) -> bool {
        self.registry.lock().has_dirty()
    }

    /// Work done so far.
    pub fn stats(&self) -> ReactiveStats {
        let c = &self.counters;
        ReactiveStats {
            queries_run: c.queries_run.load(Ordering::Relaxed),
            records_read: c.records_read.load(Ordering::Relaxed),
            callbacks: c.callbacks.load(Ordering::Relaxed),
            events: c.events.load(Ordering::Relaxed),
        }
    }

    /// Re-reads every dirty subscription and calls the callbacks whose value changed;
    /// returns how many callbacks ran.
    ///
    /// Does nothing before the inner adapter is initialized. A flush called while
    /// another is running (from a callback, or on another thread) returns 0 at once:
    /// the running flush picks up what the caller changed before it returns.
    pub fn flush(&self) -> usize {
        if !self.inner.is_initialized() {
            return 0;
        }
        let mut delivered = 0;
        loop {
            if self
                .flushing
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                return delivered;
            }
            {
                let _guard = FlushGuard(&self.flushing);
                for _ in 0..MAX_FLUSH_ROUNDS {
                    let jobs = self.registry.lock().take_dirty();
                    if jobs.is_empty() {
                        break;
                    }
                    for job in jobs {
                        delivered += self.run_job(job);
                    }
                }
            }
            // A change that raced with the end of the loop above would otherwise wait
            // for the next flush; a callback that writes for ever stops at the cap.
            if delivered > 0 || !self.registry.lock().has_dirty() {
                return delivered;
            }
        }
    }

    fn maybe_flush(&self) {
        if self.auto_flush() {
            self.flush();
        }
    }

    fn run_job(&self, job: Job) -> usize {
        match job {
            Job::Record {
                key,
                def,
                id,
                cb,
                on_error,
                active,
            } => {
                bump(&self.counters.records_read);
                match self.inner.get(&def, &id, &GetOptions::default()) {
                    Ok(value) => {
                        let fresh = self.registry.lock().commit_record(key, value);
                        match fresh {
                            Some(value) if active.load(Ordering::Acquire) => {
                                bump(&self.counters.callbacks);
                                guarded("observe", || cb(value.as_ref()));
                                1
                            }
                            _ => 0,
                        }
                    }
                    Err(e) => {
                        report(&active, on_error.as_ref(), &e);
                        0
                    }
                }
            }
            Job::Query {
                key,
                def,
                query,
                cb,
                on_error,
                active,
            } => {
                bump(&self.counters.queries_run);
                match self.inner.query(&def, &query) {
                    Ok(result) => {
                        let fresh = self.registry.lock().commit_query(key, result);
                        match fresh {
                            Some(result) if active.load(Ordering::Acquire) => {
                                bump(&self.counters.callbacks);
                                guarded("observe_query", || cb(&result));
                                1
                            }
                            _ => 0,
                        }
                    }
                    Err(e) => {
                        report(&active, on_error.as_ref(), &e);
                        0
                    }
                }
            }
        }
    }

    /// Reports a change: listeners first, then dirty marks, then an auto-flush.
    fn emit(&self, event: ChangeEvent, touched: &[Touched<'_>]) {
        if touched.is_empty() {
            return;
        }
        let _span = tracing::trace_span!(
            "reactive_emit",
            collection = event.collection(),
            records = touched.len()
        )
        .entered();
        bump(&self.counters.events);
        let listeners = {
            let mut registry = self.registry.lock();
            registry.mark(event.collection(), touched);
            registry.listeners()
        };
        for (listener, active) in listeners {
            if active.load(Ordering::Acquire) {
                guarded("on_change", || listener(&event));
            }
        }
        self.maybe_flush();
    }
}

fn report(active: &AtomicBool, on_error: Option<&ErrorCallback>, e: &LessDbError) {
    match on_error {
        Some(cb) if active.load(Ordering::Acquire) => guarded("on_error", || cb(e)),
        Some(_) => {}
        None => tracing::warn!(error = %e, "reactive subscription re-read failed"),
    }
}

impl<B: StorageBackend> Drop for ReactiveAdapter<B> {
    fn drop(&mut self) {
        let detached = self.registry.lock().dispose();
        drop(detached);
    }
}

impl<B: StorageBackend> StorageLifecycle for ReactiveAdapter<B> {
    /// Initializes the inner adapter, then flushes the subscriptions made before.
    fn initialize(&mut self, collections: &[Arc<CollectionDef>]) -> Result<()> {
        self.inner.initialize(collections)?;
        self.flush();
        Ok(())
    }

    /// Ends every subscription and listener, then closes the inner adapter.
    fn close(&mut self) -> Result<()> {
        let detached = self.registry.lock().dispose();
        drop(detached);
        self.inner.close()
    }

    fn is_initialized(&self) -> bool {
        self.inner.is_initialized()
    }
}

impl<B: StorageBackend> StorageRead for ReactiveAdapter<B> {
    fn get(
        &self,
        def: &CollectionDef,
        id: &str,
        opts: &GetOptions,
    ) -> Result<Option<StoredRecordWithMeta>> {
        self.inner.get(def, id, opts)
    }

    fn get_all(&self, def: &CollectionDef, opts: &ListOptions) -> Result<BatchResult> {
        self.inner.get_all(def, opts)
    }

    fn query(
        &self,
        def: &CollectionDef,
        query: &Query,
    ) -> Result<QueryResult<StoredRecordWithMeta>> {
        self.inner.query(def, query)
    }

    fn count(&self, def: &CollectionDef, query: Option<&Query>) -> Result<usize> {
        self.inner.count(def, query)
    }

    fn explain_query(&self, def: &CollectionDef, query: &Query) -> QueryPlan {
        self.inner.explain_query(def, query)
    }
}

impl<B: StorageBackend> StorageWrite for ReactiveAdapter<B> {
    fn put(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: &PutOptions,
    ) -> Result<StoredRecordWithMeta> {
        let record = self.inner.put(def, data, opts)?;
        let event = ChangeEvent::Put {
            collection: def.name.clone(),
            id: record.id.clone(),
        };
        self.emit(event, &[live(&record, None)]);
        Ok(record)
    }

    fn patch(
        &self,
        def: &CollectionDef,
        data: Value,
        opts: &PatchOptions,
    ) -> Result<StoredRecordWithMeta> {
        let fields = patch_fields(&data);
        let record = self.inner.patch(def, data, opts)?;
        let event = ChangeEvent::Patch {
            collection: def.name.clone(),
            id: record.id.clone(),
        };
        self.emit(event, &[live(&record, Some(&fields))]);
        Ok(record)
    }

    fn delete(&self, def: &CollectionDef, id: &str, opts: &DeleteOptions) -> Result<bool> {
        let deleted = self.inner.delete(def, id, opts)?;
        if deleted {
            let event = ChangeEvent::Delete {
                collection: def.name.clone(),
                id: id.to_string(),
            };
            self.emit(event, &[gone(id)]);
        }
        Ok(deleted)
    }

    fn bulk_put(
        &self,
        def: &CollectionDef,
        records: Vec<Value>,
        opts: &PutOptions,
    ) -> Result<BatchResult> {
        let out = self.inner.bulk_put(def, records, opts)?;
        let touched: Vec<Touched<'_>> = out.records.iter().map(|r| live(r, None)).collect();
        self.emit(bulk(def, touched.iter().map(|t| t.id)), &touched);
        Ok(out)
    }

    fn bulk_delete(
        &self,
        def: &CollectionDef,
        ids: &[&str],
        opts: &DeleteOptions,
    ) -> Result<BulkDeleteResult> {
        let out = self.inner.bulk_delete(def, ids, opts)?;
        self.emit_deleted(def, &out);
        Ok(out)
    }

    fn bulk_patch(
        &self,
        def: &CollectionDef,
        patches: Vec<Value>,
        opts: &PatchOptions,
    ) -> Result<BulkPatchResult> {
        // One field set for the batch: the union is a safe over-approximation.
        let mut fields: Vec<String> = patches.iter().flat_map(patch_fields).collect();
        fields.sort_unstable();
        fields.dedup();
        let out = self.inner.bulk_patch(def, patches, opts)?;
        let touched: Vec<Touched<'_>> =
            out.records.iter().map(|r| live(r, Some(&fields))).collect();
        self.emit(bulk(def, touched.iter().map(|t| t.id)), &touched);
        Ok(out)
    }

    fn delete_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        opts: &DeleteOptions,
    ) -> Result<BulkDeleteResult> {
        let out = self.inner.delete_many(def, filter, opts)?;
        self.emit_deleted(def, &out);
        Ok(out)
    }

    fn patch_many(
        &self,
        def: &CollectionDef,
        filter: &Filter,
        patch: &Value,
        opts: &PatchOptions,
    ) -> Result<PatchManyResult> {
        let fields = patch_fields(patch);
        let out = self.inner.patch_many(def, filter, patch, opts)?;
        let touched: Vec<Touched<'_>> =
            out.records.iter().map(|r| live(r, Some(&fields))).collect();
        self.emit(bulk(def, touched.iter().map(|t| t.id)), &touched);
        Ok(out)
    }
}

fn bulk<'a>(def: &CollectionDef, ids: impl Iterator<Item = &'a str>) -> ChangeEvent {
    ChangeEvent::Bulk {
        collection: def.name.clone(),
        ids: ids.map(str::to_string).collect(),
    }
}

impl<B: StorageBackend> ReactiveAdapter<B> {
    fn emit_deleted(&self, def: &CollectionDef, out: &BulkDeleteResult) {
        let touched: Vec<Touched<'_>> = out.deleted_ids.iter().map(|id| gone(id)).collect();
        self.emit(
            bulk(def, out.deleted_ids.iter().map(String::as_str)),
            &touched,
        );
    }
}

/// No data field changes when a push is acknowledged.
const NO_FIELDS: &[String] = &[];

impl<B: StorageBackend> StorageSync for ReactiveAdapter<B> {
    fn get_dirty(&self, def: &CollectionDef) -> Result<BatchResult> {
        self.inner.get_dirty(def)
    }

    fn mark_synced(
        &self,
        def: &CollectionDef,
        id: &str,
        sequence: i64,
        snapshot: Option<&PushSnapshot>,
    ) -> Result<()> {
        self.inner.mark_synced(def, id, sequence, snapshot)?;
        let event = ChangeEvent::Synced {
            collection: def.name.clone(),
            id: id.to_string(),
        };
        let touched = Touched {
            id,
            after: After::Unknown,
            fields: Some(NO_FIELDS),
        };
        self.emit(event, &[touched]);
        Ok(())
    }

    fn apply_remote_changes(
        &self,
        def: &CollectionDef,
        records: &[RemoteRecord],
        opts: &ApplyRemoteOptions,
    ) -> Result<ApplyRemoteResult> {
        let out = self.inner.apply_remote_changes(def, records, opts)?;
        let touched: Vec<Touched<'_>> = out
            .applied
            .iter()
            .filter(|a| a.action != RemoteAction::Skipped)
            .map(|a| Touched {
                id: &a.id,
                after: match &a.record {
                    Some(r) if r.deleted => After::Gone,
                    Some(r) => After::Live(&r.data),
                    None => After::Unknown,
                },
                fields: None,
            })
            .collect();
        let event = ChangeEvent::Remote {
            collection: def.name.clone(),
            ids: touched.iter().map(|t| t.id.to_string()).collect(),
        };
        self.emit(event, &touched);
        Ok(out)
    }

    fn get_last_sequence(&self, collection: &str) -> Result<i64> {
        self.inner.get_last_sequence(collection)
    }

    fn set_last_sequence(&self, collection: &str, sequence: i64) -> Result<()> {
        self.inner.set_last_sequence(collection, sequence)
    }
}
