//! A scripted transport and a scripted storage that record every call.

use std::collections::HashMap;
use std::sync::Arc;

use less_db::collection::{CollectionDef, collection};
use less_db::error::LessDbError;
use less_db::schema::t;
use less_db::storage::traits::StorageSync;
use less_db::sync::{
    OutboundRecord, PullResult, PushAck, SyncManager, SyncTransport, TransportError,
};
use less_db::types::{
    ApplyRemoteOptions, ApplyRemoteRecordResult, ApplyRemoteResult, BatchResult, PushSnapshot,
    RecordError, RemoteAction, RemoteRecord, StoredRecordWithMeta,
};
use parking_lot::Mutex;
use serde_json::json;

type PushFn =
    Box<dyn Fn(&str, &[OutboundRecord]) -> Result<Vec<PushAck>, TransportError> + Send + Sync>;
type PullFn = Box<dyn Fn(&str, i64) -> Result<PullResult, TransportError> + Send + Sync>;

#[derive(Default)]
pub struct ScriptedTransport {
    pub pushes: Mutex<Vec<(String, Vec<OutboundRecord>)>>,
    pub pulls: Mutex<Vec<(String, i64)>>,
    on_push: Mutex<Option<PushFn>>,
    on_pull: Mutex<Option<PullFn>>,
}

impl ScriptedTransport {
    pub fn on_push(
        &self,
        f: impl Fn(&str, &[OutboundRecord]) -> Result<Vec<PushAck>, TransportError>
        + Send
        + Sync
        + 'static,
    ) {
        *self.on_push.lock() = Some(Box::new(f));
    }

    pub fn on_pull(
        &self,
        f: impl Fn(&str, i64) -> Result<PullResult, TransportError> + Send + Sync + 'static,
    ) {
        *self.on_pull.lock() = Some(Box::new(f));
    }

    pub fn pushed_ids(&self) -> Vec<Vec<String>> {
        self.pushes
            .lock()
            .iter()
            .map(|(_, recs)| recs.iter().map(|r| r.id.clone()).collect())
            .collect()
    }
}

#[async_trait::async_trait]
impl SyncTransport for ScriptedTransport {
    async fn push(
        &self,
        collection: &str,
        records: &[OutboundRecord],
    ) -> Result<Vec<PushAck>, TransportError> {
        self.pushes
            .lock()
            .push((collection.to_string(), records.to_vec()));
        match &*self.on_push.lock() {
            Some(f) => f(collection, records),
            // Ack everything, sequences 1, 2, ...
            None => Ok(records
                .iter()
                .enumerate()
                .map(|(i, r)| PushAck {
                    id: r.id.clone(),
                    sequence: i as i64 + 1,
                })
                .collect()),
        }
    }

    async fn pull(&self, collection: &str, since: i64) -> Result<PullResult, TransportError> {
        self.pulls.lock().push((collection.to_string(), since));
        match &*self.on_pull.lock() {
            Some(f) => f(collection, since),
            None => Ok(PullResult::default()),
        }
    }
}

type ApplyFn = Box<dyn Fn(&[RemoteRecord]) -> Result<ApplyRemoteResult, LessDbError> + Send + Sync>;

#[derive(Default)]
pub struct ScriptedStorage {
    pub dirty: Mutex<HashMap<String, Vec<StoredRecordWithMeta>>>,
    pub dirty_errors: Mutex<Vec<RecordError>>,
    pub sequences: Mutex<HashMap<String, i64>>,
    pub synced: Mutex<Vec<(String, i64, Option<PushSnapshot>)>>,
    pub applied: Mutex<Vec<Vec<RemoteRecord>>>,
    pub strategies: Mutex<Vec<String>>,
    pub fail_get_dirty: Mutex<Option<String>>,
    pub fail_get_sequence: Mutex<Option<String>>,
    pub fail_set_sequence: Mutex<Option<String>>,
    pub fail_mark_synced: Mutex<Option<String>>,
    on_apply: Mutex<Option<ApplyFn>>,
}

impl ScriptedStorage {
    pub fn set_dirty(&self, collection: &str, records: Vec<StoredRecordWithMeta>) {
        self.dirty.lock().insert(collection.to_string(), records);
    }

    pub fn sequence(&self, collection: &str) -> i64 {
        self.sequences.lock().get(collection).copied().unwrap_or(0)
    }

    pub fn set_sequence(&self, collection: &str, seq: i64) {
        self.sequences.lock().insert(collection.to_string(), seq);
    }

    pub fn on_apply(
        &self,
        f: impl Fn(&[RemoteRecord]) -> Result<ApplyRemoteResult, LessDbError> + Send + Sync + 'static,
    ) {
        *self.on_apply.lock() = Some(Box::new(f));
    }

    /// Fails every record whose id is in `bad`, applies the others.
    pub fn fail_ids(&self, bad: &'static [&'static str]) {
        self.on_apply(move |records| {
            let mut out = ApplyRemoteResult::default();
            for (i, r) in records.iter().enumerate() {
                if bad.contains(&r.id.as_str()) {
                    out.errors.push(RecordError {
                        id: r.id.clone(),
                        collection: "tasks".into(),
                        index: Some(i),
                        error: "cannot apply".into(),
                    });
                } else {
                    out.applied.push(applied(&r.id, RemoteAction::Updated));
                }
            }
            Ok(out)
        });
    }

    pub fn applied_ids(&self) -> Vec<Vec<String>> {
        self.applied
            .lock()
            .iter()
            .map(|b| b.iter().map(|r| r.id.clone()).collect())
            .collect()
    }
}

fn fail(slot: &Mutex<Option<String>>) -> Result<(), LessDbError> {
    match &*slot.lock() {
        Some(msg) => Err(LessDbError::Internal(msg.clone())),
        None => Ok(()),
    }
}

pub fn applied(id: &str, action: RemoteAction) -> ApplyRemoteRecordResult {
    ApplyRemoteRecordResult {
        id: id.to_string(),
        action,
        record: None,
    }
}

impl StorageSync for ScriptedStorage {
    fn get_dirty(&self, def: &CollectionDef) -> less_db::Result<BatchResult> {
        fail(&self.fail_get_dirty)?;
        Ok(BatchResult {
            records: self
                .dirty
                .lock()
                .get(&def.name)
                .cloned()
                .unwrap_or_default(),
            errors: self.dirty_errors.lock().clone(),
        })
    }

    fn mark_synced(
        &self,
        _def: &CollectionDef,
        id: &str,
        sequence: i64,
        snapshot: Option<&PushSnapshot>,
    ) -> less_db::Result<()> {
        fail(&self.fail_mark_synced)?;
        self.synced
            .lock()
            .push((id.to_string(), sequence, snapshot.cloned()));
        Ok(())
    }

    fn apply_remote_changes(
        &self,
        _def: &CollectionDef,
        records: &[RemoteRecord],
        opts: &ApplyRemoteOptions,
    ) -> less_db::Result<ApplyRemoteResult> {
        self.applied.lock().push(records.to_vec());
        self.strategies
            .lock()
            .push(format!("{:?}", opts.delete_conflict_strategy));
        if let Some(f) = &*self.on_apply.lock() {
            return f(records);
        }
        Ok(ApplyRemoteResult {
            applied: records
                .iter()
                .map(|r| {
                    let action = if r.deleted {
                        RemoteAction::Deleted
                    } else {
                        RemoteAction::Updated
                    };
                    applied(&r.id, action)
                })
                .collect(),
            errors: Vec::new(),
            new_sequence: records.iter().map(|r| r.sequence).max().unwrap_or(0),
            merged_count: 0,
        })
    }

    fn get_last_sequence(&self, collection: &str) -> less_db::Result<i64> {
        fail(&self.fail_get_sequence)?;
        Ok(self.sequence(collection))
    }

    fn set_last_sequence(&self, collection: &str, sequence: i64) -> less_db::Result<()> {
        fail(&self.fail_set_sequence)?;
        self.set_sequence(collection, sequence);
        Ok(())
    }
}

pub fn tasks() -> Arc<CollectionDef> {
    named("tasks")
}

pub fn named(name: &str) -> Arc<CollectionDef> {
    collection(name)
        .v(1, t::object([("name", t::string())]))
        .build()
        .unwrap()
}

pub fn dirty(id: &str) -> StoredRecordWithMeta {
    StoredRecordWithMeta {
        id: id.to_string(),
        collection: "tasks".into(),
        version: 1,
        data: json!({"name": "x"}),
        crdt: vec![7, 7, 7],
        pending_patches: vec![1, 2],
        sequence: 0,
        dirty: true,
        deleted: false,
        deleted_at: None,
        meta: None,
        was_migrated: false,
        original_version: None,
    }
}

pub fn dirty_tombstone(id: &str) -> StoredRecordWithMeta {
    StoredRecordWithMeta {
        data: serde_json::Value::Null,
        crdt: Vec::new(),
        deleted: true,
        deleted_at: Some("2025-01-01T00:00:00.000Z".into()),
        ..dirty(id)
    }
}

pub fn remote(id: &str, sequence: i64) -> RemoteRecord {
    RemoteRecord {
        id: id.to_string(),
        version: 1,
        crdt: Some(vec![1, 2, 3]),
        deleted: false,
        sequence,
        meta: None,
    }
}

pub fn remote_tombstone(id: &str, sequence: i64) -> RemoteRecord {
    RemoteRecord {
        crdt: None,
        deleted: true,
        ..remote(id, sequence)
    }
}

pub fn pulled(records: Vec<RemoteRecord>, latest: Option<i64>) -> PullResult {
    PullResult {
        records,
        latest_sequence: latest,
        failures: Vec::new(),
    }
}

pub struct Rig {
    pub transport: Arc<ScriptedTransport>,
    pub storage: Arc<ScriptedStorage>,
}

impl Rig {
    pub fn new() -> Self {
        Rig {
            transport: Arc::new(ScriptedTransport::default()),
            storage: Arc::new(ScriptedStorage::default()),
        }
    }

    pub fn manager(&self, collections: Vec<Arc<CollectionDef>>) -> SyncManager {
        SyncManager::new(self.transport.clone(), self.storage.clone(), collections)
    }
}
