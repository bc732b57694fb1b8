//! [`SyncManager`]: pulls remote changes into local storage, then pushes local changes
//! to the server, one collection at a time.
//!
//! Storage is synchronous and the transport asynchronous: the manager awaits the
//! transport and calls storage in between. Every failure is collected in the returned
//! [`SyncResult`]; nothing here panics or returns early with an error.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::Arc;

use parking_lot::Mutex;
use tracing::Instrument;

use super::lock::AsyncLock;
use super::types::{
    OutboundRecord, PullFailure, RemoteDeleteEvent, SyncErrorEntry, SyncErrorKind, SyncPhase,
    SyncProgress, SyncResult, SyncTransport,
};
use crate::collection::CollectionDef;
use crate::storage::traits::StorageSync;
use crate::types::{
    ApplyRemoteOptions, DeleteConflictStrategy, PushSnapshot, RemoteAction, RemoteRecord,
    StoredRecordWithMeta,
};

/// Storage as the manager sees it: any [`StorageSync`] shared across threads.
pub type SharedSyncStorage = Arc<dyn StorageSync + Send + Sync>;
/// Called after each pushed batch and after each applied pull.
pub type ProgressHook = Arc<dyn Fn(&SyncProgress) + Send + Sync>;
/// Called for every error a sync meets, as it meets it.
pub type ErrorHook = Arc<dyn Fn(&SyncErrorEntry) + Send + Sync>;
/// Called for every record a pull deleted locally.
pub type RemoteDeleteHook = Arc<dyn Fn(&RemoteDeleteEvent) + Send + Sync>;

/// Tuning of a [`SyncManager`].
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Records per push request (default 50).
    pub push_batch_size: NonZeroUsize,
    /// Consecutive failures after which a record is quarantined (default 3).
    pub quarantine_threshold: NonZeroU32,
    /// Who wins when one side deleted a record the other edited.
    pub delete_conflict_strategy: DeleteConflictStrategy,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            push_batch_size: NonZeroUsize::new(50).unwrap_or(NonZeroUsize::MIN),
            quarantine_threshold: NonZeroU32::new(3).unwrap_or(NonZeroU32::MIN),
            delete_conflict_strategy: DeleteConflictStrategy::default(),
        }
    }
}

#[derive(Default, Clone)]
struct Hooks {
    progress: Option<ProgressHook>,
    error: Option<ErrorHook>,
    remote_delete: Option<RemoteDeleteHook>,
}

/// Failure bookkeeping of one collection.
#[derive(Default, Debug)]
struct Quarantine {
    /// Consecutive failures of records not (yet) quarantined.
    failures: HashMap<String, u32>,
    quarantined: BTreeSet<String>,
}

/// Syncs collections through a [`SyncTransport`]. See the module docs.
///
/// Syncs of one collection are serialised (a second call waits for the first); syncs
/// of different collections may run at once.
pub struct SyncManager {
    transport: Arc<dyn SyncTransport>,
    storage: SharedSyncStorage,
    collections: Vec<Arc<CollectionDef>>,
    config: SyncConfig,
    hooks: Hooks,
    locks: Mutex<HashMap<String, AsyncLock>>,
    quarantine: Mutex<HashMap<String, Quarantine>>,
}

impl std::fmt::Debug for SyncManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.collections.iter().map(|c| c.name.as_str()).collect();
        f.debug_struct("SyncManager")
            .field("collections", &names)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The server sequence of one remote item, for quarantine bookkeeping.
type Failed = (String, i64);

impl SyncManager {
    /// A manager for `collections` with the default [`SyncConfig`].
    pub fn new(
        transport: Arc<dyn SyncTransport>,
        storage: SharedSyncStorage,
        collections: Vec<Arc<CollectionDef>>,
    ) -> Self {
        SyncManager {
            transport,
            storage,
            collections,
            config: SyncConfig::default(),
            hooks: Hooks::default(),
            locks: Mutex::new(HashMap::new()),
            quarantine: Mutex::new(HashMap::new()),
        }
    }

    /// Replaces the configuration.
    pub fn with_config(mut self, config: SyncConfig) -> Self {
        self.config = config;
        self
    }

    pub fn on_progress(mut self, hook: impl Fn(&SyncProgress) + Send + Sync + 'static) -> Self {
        self.hooks.progress = Some(Arc::new(hook));
        self
    }

    pub fn on_error(mut self, hook: impl Fn(&SyncErrorEntry) + Send + Sync + 'static) -> Self {
        self.hooks.error = Some(Arc::new(hook));
        self
    }

    pub fn on_remote_delete(
        mut self,
        hook: impl Fn(&RemoteDeleteEvent) + Send + Sync + 'static,
    ) -> Self {
        self.hooks.remote_delete = Some(Arc::new(hook));
        self
    }

    pub fn config(&self) -> &SyncConfig {
        &self.config
    }

    /// The collections [`SyncManager::sync_all`] syncs.
    pub fn collections(&self) -> &[Arc<CollectionDef>] {
        &self.collections
    }

    /// The registered collection called `name`.
    pub fn collection(&self, name: &str) -> Option<&Arc<CollectionDef>> {
        self.collections.iter().find(|c| c.name == name)
    }

    /// The persisted pull cursor of `collection` (0 when never pulled).
    pub fn last_sequence(&self, collection: &str) -> crate::Result<i64> {
        self.storage.get_last_sequence(collection)
    }

    /// Pulls, then pushes. Pulling first merges remote edits into dirty records, so the
    /// push sends states that already contain them.
    pub async fn sync(&self, def: &CollectionDef) -> SyncResult {
        let _guard = self.lock_for(&def.name).lock().await;
        let span = tracing::info_span!("less_db.sync", collection = %def.name);
        async {
            let mut result = self.pull_locked(def).await;
            result.absorb(self.push_locked(def).await);
            tracing::debug!(
                pushed = result.pushed,
                pulled = result.pulled,
                merged = result.merged,
                errors = result.errors.len(),
                "sync done"
            );
            result
        }
        .instrument(span)
        .await
    }

    /// Syncs every registered collection in turn; one failing does not stop the others.
    pub async fn sync_all(&self) -> BTreeMap<String, SyncResult> {
        let mut out = BTreeMap::new();
        for def in &self.collections {
            out.insert(def.name.clone(), self.sync(def).await);
        }
        out
    }

    /// Only the pull half of [`SyncManager::sync`].
    pub async fn pull(&self, def: &CollectionDef) -> SyncResult {
        let _guard = self.lock_for(&def.name).lock().await;
        self.pull_locked(def).await
    }

    /// Only the push half of [`SyncManager::sync`].
    pub async fn push(&self, def: &CollectionDef) -> SyncResult {
        let _guard = self.lock_for(&def.name).lock().await;
        self.push_locked(def).await
    }

    /// Applies records the server sent on its own (a push channel), as a pull would,
    /// and moves the cursor to `latest_sequence` when that is forward.
    pub async fn apply_remote_records(
        &self,
        def: &CollectionDef,
        records: &[RemoteRecord],
        latest_sequence: i64,
    ) -> SyncResult {
        let _guard = self.lock_for(&def.name).lock().await;
        let mut result = SyncResult::default();
        let Some(since) = self.read_cursor(def, &mut result) else {
            return result;
        };
        let span = tracing::info_span!("less_db.sync.pull", collection = %def.name, since);
        span.in_scope(|| {
            self.apply_pulled(
                def,
                since,
                records.to_vec(),
                Some(latest_sequence),
                &[],
                &mut result,
            );
        });
        result
    }

    /// Ids of `collection` currently quarantined.
    pub fn quarantined(&self, collection: &str) -> Vec<String> {
        self.quarantine
            .lock()
            .get(collection)
            .map(|q| q.quarantined.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Releases every quarantined record of `collection` and forgets failure counts;
    /// returns the released ids. The pull cursor never passed them, so the next pull
    /// fetches them again.
    pub async fn retry_quarantined(&self, collection: &str) -> Vec<String> {
        let _guard = self.lock_for(collection).lock().await;
        self.quarantine
            .lock()
            .remove(collection)
            .map(|q| q.quarantined.into_iter().collect())
            .unwrap_or_default()
    }

    fn lock_for(&self, collection: &str) -> AsyncLock {
        self.locks
            .lock()
            .entry(collection.to_string())
            .or_default()
            .clone()
    }

    fn report(&self, result: &mut SyncResult, entry: SyncErrorEntry) {
        tracing::warn!(
            collection = %entry.collection,
            phase = ?entry.phase,
            id = entry.id.as_deref().unwrap_or(""),
            error = %entry.error,
            "sync error"
        );
        if let Some(hook) = &self.hooks.error {
            hook(&entry);
        }
        result.errors.push(entry);
    }

    fn progress(&self, def: &CollectionDef, phase: SyncPhase, processed: usize, total: usize) {
        if let Some(hook) = &self.hooks.progress {
            hook(&SyncProgress {
                collection: def.name.clone(),
                phase,
                processed,
                total,
            });
        }
    }

    fn is_quarantined(&self, collection: &str, id: &str) -> bool {
        self.quarantine
            .lock()
            .get(collection)
            .is_some_and(|q| q.quarantined.contains(id))
    }

    /// Counts one more consecutive failure of `id`; quarantines it at the threshold.
    fn note_failure(&self, collection: &str, id: &str) -> bool {
        let mut all = self.quarantine.lock();
        let q = all.entry(collection.to_string()).or_default();
        let count = q.failures.entry(id.to_string()).or_insert(0);
        *count += 1;
        if *count < self.config.quarantine_threshold.get() {
            return false;
        }
        q.failures.remove(id);
        q.quarantined.insert(id.to_string());
        tracing::warn!(collection, id, "record quarantined");
        true
    }

    fn note_success(&self, collection: &str, id: &str) {
        if let Some(q) = self.quarantine.lock().get_mut(collection) {
            q.failures.remove(id);
        }
    }

    fn read_cursor(&self, def: &CollectionDef, result: &mut SyncResult) -> Option<i64> {
        match self.storage.get_last_sequence(&def.name) {
            Ok(s) => Some(s),
            Err(e) => {
                let entry = step_error(def, SyncPhase::Pull, SyncErrorKind::Storage, &e);
                self.report(result, entry);
                None
            }
        }
    }

    async fn pull_locked(&self, def: &CollectionDef) -> SyncResult {
        let mut result = SyncResult::default();
        let Some(since) = self.read_cursor(def, &mut result) else {
            return result;
        };
        let span = tracing::info_span!("less_db.sync.pull", collection = %def.name, since);
        let pulled = self
            .transport
            .pull(&def.name, since)
            .instrument(span.clone())
            .await;
        span.in_scope(|| match pulled {
            Err(e) => {
                let entry = SyncErrorEntry {
                    collection: def.name.clone(),
                    phase: SyncPhase::Pull,
                    kind: e.kind,
                    id: None,
                    error: e.message,
                };
                self.report(&mut result, entry);
            }
            Ok(pull) => self.apply_pulled(
                def,
                since,
                pull.records,
                pull.latest_sequence,
                &pull.failures,
                &mut result,
            ),
        });
        result
    }

    /// Applies pulled records and moves the cursor. The cursor never passes a record
    /// that was not applied (it failed, or it is quarantined), so no remote change is
    /// skipped for good: the next pull, or the first after a restart or a
    /// [`SyncManager::retry_quarantined`], fetches it again. Records after it that
    /// were applied are skipped by storage when delivered again.
    fn apply_pulled(
        &self,
        def: &CollectionDef,
        since: i64,
        records: Vec<RemoteRecord>,
        latest: Option<i64>,
        failures: &[PullFailure],
        result: &mut SyncResult,
    ) {
        let max_seen = records
            .iter()
            .map(|r| r.sequence)
            .chain(failures.iter().map(|f| f.sequence))
            .max();
        let mut target = latest.or(max_seen).unwrap_or(since);
        let mut failed: Vec<Failed> = Vec::new();
        for f in failures {
            let entry = record_error(def, SyncPhase::Pull, &f.id, &f.error);
            self.report(result, entry);
            if !f.retryable && !self.is_quarantined(&def.name, &f.id) {
                self.note_quarantine(def, &f.id, result);
            }
            failed.push((f.id.clone(), f.sequence));
        }
        let (held, to_apply): (Vec<RemoteRecord>, Vec<RemoteRecord>) = newest_per_id(records)
            .into_iter()
            .partition(|r| self.is_quarantined(&def.name, &r.id));
        failed.extend(held.into_iter().map(|r| (r.id, r.sequence)));
        if !to_apply.is_empty() {
            match self.apply_batch(def, &to_apply, result) {
                Ok(mut more) => failed.append(&mut more),
                Err(()) => return,
            }
        }
        if let Some(first_failed) = failed.iter().map(|(_, s)| *s).min() {
            target = target.min(first_failed - 1);
        }
        if target > since
            && let Err(e) = self.storage.set_last_sequence(&def.name, target)
        {
            let entry = step_error(def, SyncPhase::Pull, SyncErrorKind::Storage, &e);
            self.report(result, entry);
        }
    }

    /// Counts a failure of `id` and reports it when that quarantines it.
    fn note_quarantine(&self, def: &CollectionDef, id: &str, result: &mut SyncResult) {
        if self.note_failure(&def.name, id) {
            result.quarantined.push(id.to_string());
        }
    }

    /// Applies records in storage (one transaction); returns the records that failed,
    /// or `Err` when the whole apply failed.
    fn apply_batch(
        &self,
        def: &CollectionDef,
        records: &[RemoteRecord],
        result: &mut SyncResult,
    ) -> Result<Vec<Failed>, ()> {
        let opts = ApplyRemoteOptions {
            delete_conflict_strategy: self.config.delete_conflict_strategy.clone(),
            received_at: None,
        };
        let span = tracing::info_span!(
            "less_db.sync.merge",
            collection = %def.name,
            records = records.len()
        );
        let applied = span.in_scope(|| self.storage.apply_remote_changes(def, records, &opts));
        let applied = match applied {
            Ok(a) => a,
            Err(e) => {
                let entry = step_error(def, SyncPhase::Pull, SyncErrorKind::Storage, &e);
                self.report(result, entry);
                return Err(());
            }
        };
        let sequences: HashMap<&str, i64> = records
            .iter()
            .map(|r| (r.id.as_str(), r.sequence))
            .collect();
        let mut failed = Vec::new();
        for err in &applied.errors {
            let entry = record_error(def, SyncPhase::Pull, &err.id, &err.error);
            self.report(result, entry);
            let seq = sequences
                .get(err.id.as_str())
                .copied()
                .unwrap_or(since_unknown());
            self.note_quarantine(def, &err.id, result);
            failed.push((err.id.clone(), seq));
        }
        for a in &applied.applied {
            self.note_success(&def.name, &a.id);
            if a.action == RemoteAction::Skipped {
                continue;
            }
            result.pulled += 1;
            if a.action == RemoteAction::Deleted
                && let Some(hook) = &self.hooks.remote_delete
            {
                hook(&RemoteDeleteEvent {
                    collection: def.name.clone(),
                    id: a.id.clone(),
                });
            }
        }
        result.merged += applied.merged_count;
        tracing::debug!(
            applied = applied.applied.len(),
            merged = applied.merged_count,
            failed = applied.errors.len(),
            "remote changes applied"
        );
        self.progress(def, SyncPhase::Pull, records.len(), records.len());
        Ok(failed)
    }

    async fn push_locked(&self, def: &CollectionDef) -> SyncResult {
        let span = tracing::info_span!("less_db.sync.push", collection = %def.name);
        self.push_inner(def).instrument(span).await
    }

    async fn push_inner(&self, def: &CollectionDef) -> SyncResult {
        let mut result = SyncResult::default();
        let dirty = match self.storage.get_dirty(def) {
            Ok(d) => d,
            Err(e) => {
                let entry = step_error(def, SyncPhase::Push, SyncErrorKind::Storage, &e);
                self.report(&mut result, entry);
                return result;
            }
        };
        for err in &dirty.errors {
            let entry = record_error(def, SyncPhase::Push, &err.id, &err.error);
            self.report(&mut result, entry);
        }
        let records: Vec<StoredRecordWithMeta> = dirty
            .records
            .into_iter()
            .filter(|r| !self.is_quarantined(&def.name, &r.id))
            .collect();
        let total = records.len();
        let mut processed = 0;
        for batch in records.chunks(self.config.push_batch_size.get()) {
            if !self.push_batch(def, batch, &mut result).await {
                break;
            }
            processed += batch.len();
            self.progress(def, SyncPhase::Push, processed, total);
        }
        result
    }

    /// Pushes one batch and marks the acknowledged records synced; `false` when the
    /// transport failed (the remaining batches are left for a later sync).
    async fn push_batch(
        &self,
        def: &CollectionDef,
        batch: &[StoredRecordWithMeta],
        result: &mut SyncResult,
    ) -> bool {
        let outbound: Vec<OutboundRecord> = batch.iter().map(to_outbound).collect();
        let acks = match self.transport.push(&def.name, &outbound).await {
            Ok(a) => a,
            Err(e) => {
                let entry = SyncErrorEntry {
                    collection: def.name.clone(),
                    phase: SyncPhase::Push,
                    kind: e.kind,
                    id: None,
                    error: e.message,
                };
                self.report(result, entry);
                return false;
            }
        };
        let by_id: HashMap<&str, &StoredRecordWithMeta> =
            batch.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut seen = HashSet::new();
        for ack in acks {
            let Some(record) = by_id.get(ack.id.as_str()) else {
                continue;
            };
            if !seen.insert(ack.id.clone()) {
                continue;
            }
            let snapshot = PushSnapshot {
                pending_patches_length: record.pending_patches.len(),
                deleted: record.deleted,
                meta: record.meta.clone(),
            };
            match self
                .storage
                .mark_synced(def, &ack.id, ack.sequence, Some(&snapshot))
            {
                Ok(()) => {
                    result.pushed += 1;
                    self.note_success(&def.name, &ack.id);
                }
                Err(e) => {
                    let entry = record_error(def, SyncPhase::Push, &ack.id, &e.to_string());
                    self.report(result, entry);
                    if self.note_failure(&def.name, &ack.id) {
                        result.quarantined.push(ack.id.clone());
                    }
                }
            }
        }
        true
    }
}

/// Sequence used for a failed record the pull did not contain (cannot happen with a
/// well-behaved storage): it blocks nothing.
fn since_unknown() -> i64 {
    i64::MAX
}

/// Keeps one record per id, the one with the highest sequence (a server may deliver a
/// record twice), in first-seen order.
fn newest_per_id(records: Vec<RemoteRecord>) -> Vec<RemoteRecord> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(records.len());
    let mut out: Vec<RemoteRecord> = Vec::with_capacity(records.len());
    for r in records {
        match index.get(&r.id) {
            Some(&i) => {
                if r.sequence > out[i].sequence {
                    out[i] = r;
                }
            }
            None => {
                index.insert(r.id.clone(), out.len());
                out.push(r);
            }
        }
    }
    out
}

fn to_outbound(r: &StoredRecordWithMeta) -> OutboundRecord {
    OutboundRecord {
        id: r.id.clone(),
        version: r.version,
        crdt: (!r.deleted).then(|| r.crdt.clone()),
        deleted: r.deleted,
        sequence: r.sequence,
        meta: r.meta.clone(),
    }
}

fn step_error(
    def: &CollectionDef,
    phase: SyncPhase,
    kind: SyncErrorKind,
    e: &crate::LessDbError,
) -> SyncErrorEntry {
    SyncErrorEntry {
        collection: def.name.clone(),
        phase,
        kind,
        id: None,
        error: e.to_string(),
    }
}

fn record_error(def: &CollectionDef, phase: SyncPhase, id: &str, error: &str) -> SyncErrorEntry {
    SyncErrorEntry {
        collection: def.name.clone(),
        phase,
        kind: SyncErrorKind::Record,
        id: Some(id.to_string()),
        error: error.to_string(),
    }
}
