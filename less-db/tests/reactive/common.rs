//! Shared setup: a `todos` collection, an in-memory reactive adapter, call recorders
//! and remote records as another replica would send them.

use std::sync::Arc;

use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::crdt::{self, MIN_SESSION_ID};
use less_db::query::QueryResult;
use less_db::reactive::ReactiveAdapter;
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::types::{GetOptions, PatchOptions, PutOptions, RemoteRecord, StoredRecordWithMeta};
use parking_lot::Mutex;
use serde_json::{Value, json};

pub type Db = ReactiveAdapter<SqliteBackend>;

/// Session id of the local replica.
pub const SID: u64 = MIN_SESSION_ID + 1;
/// Session id of the "other device" that sends remote records.
pub const PEER: u64 = MIN_SESSION_ID + 7;

/// `todos`: title, done, priority; index on priority.
pub fn todos() -> Arc<CollectionDef> {
    collection("todos")
        .v(
            1,
            t::object([
                ("title", t::string()),
                ("done", t::boolean()),
                ("priority", t::number()),
            ]),
        )
        .index(IndexSpec::on(["priority"]).named("priority"))
        .build()
        .unwrap()
}

/// `notes`: a second collection, to check that subscriptions stay in their own.
pub fn notes() -> Arc<CollectionDef> {
    collection("notes")
        .v(1, t::object([("body", t::string())]))
        .build()
        .unwrap()
}

pub fn open() -> Db {
    let backend = SqliteBackend::open_in_memory().unwrap();
    ReactiveAdapter::new(Adapter::open(backend, &[todos(), notes()]).unwrap())
}

/// An adapter whose inner adapter is not initialized yet.
#[allow(dead_code)]
pub fn open_uninitialized() -> Db {
    ReactiveAdapter::new(Adapter::new(SqliteBackend::open_in_memory().unwrap()))
}

pub fn put_opts() -> PutOptions {
    PutOptions {
        session_id: Some(SID),
        ..PutOptions::default()
    }
}

pub fn patch_opts(id: &str) -> PatchOptions {
    PatchOptions {
        id: id.to_string(),
        session_id: Some(SID),
        ..PatchOptions::default()
    }
}

pub fn todo(title: &str, done: bool, priority: i64) -> Value {
    json!({ "title": title, "done": done, "priority": priority })
}

/// Puts a todo with a chosen id.
pub fn put_todo(db: &Db, id: &str, title: &str, done: bool, priority: i64) -> StoredRecordWithMeta {
    let mut data = todo(title, done, priority);
    data["id"] = json!(id);
    db.put(&todos(), data, &put_opts()).unwrap()
}

pub fn patch_todo(db: &Db, id: &str, fields: Value) -> StoredRecordWithMeta {
    db.patch(&todos(), fields, &patch_opts(id)).unwrap()
}

/// Everything a callback was called with, in order.
pub struct Log<T>(Arc<Mutex<Vec<T>>>);

impl<T> Clone for Log<T> {
    fn clone(&self) -> Self {
        Log(Arc::clone(&self.0))
    }
}

impl<T: Clone> Log<T> {
    pub fn new() -> Self {
        Log(Arc::new(Mutex::new(Vec::new())))
    }
    pub fn push(&self, v: T) {
        self.0.lock().push(v);
    }
    pub fn len(&self) -> usize {
        self.0.lock().len()
    }
    pub fn last(&self) -> Option<T> {
        self.0.lock().last().cloned()
    }
    pub fn all(&self) -> Vec<T> {
        self.0.lock().clone()
    }
}

/// Records what a record observer received: the title, or `None` when absent.
pub fn record_log() -> (
    Log<Option<Value>>,
    impl Fn(Option<&StoredRecordWithMeta>) + Send + Sync + 'static,
) {
    let log = Log::new();
    let sink = log.clone();
    (log, move |r: Option<&StoredRecordWithMeta>| {
        sink.push(r.map(|r| r.data.clone()))
    })
}

/// Ids of a query result in order, and its total.
pub type Page = (Vec<String>, usize);

/// Records the ids a query observer received, in result order, with the total.
pub fn query_log() -> (
    Log<Page>,
    impl Fn(&QueryResult<StoredRecordWithMeta>) + Send + Sync + 'static,
) {
    let log = Log::new();
    let sink = log.clone();
    (log, move |r: &QueryResult<StoredRecordWithMeta>| {
        sink.push((r.records.iter().map(|r| r.id.clone()).collect(), r.total))
    })
}

pub fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A remote version of todo `id` as the peer would push it: a brand-new record when
/// the local store does not have it, else the local CRDT edited by the peer.
pub fn remote_todo(db: &Db, id: &str, data: Value, sequence: i64) -> RemoteRecord {
    let def = todos();
    let local = db
        .get(&def, id, &GetOptions::default())
        .unwrap()
        .map(|r| r.crdt);
    let crdt = match local {
        Some(bytes) => {
            let mut model = crdt::model_load(&bytes, PEER).unwrap();
            let mut full = crdt::view_model(&def.current_schema, &model);
            for (k, v) in data.as_object().unwrap() {
                full[k] = v.clone();
            }
            if let Some(patch) = crdt::diff_model(&def.current_schema, &model, &full) {
                crdt::apply_patch(&mut model, &patch);
            }
            crdt::model_to_binary(&model)
        }
        None => {
            let mut full = data;
            full["id"] = json!(id);
            full["createdAt"] = json!("2024-01-01T00:00:00.000Z");
            full["updatedAt"] = json!("2024-01-01T00:00:00.000Z");
            let model = crdt::create_model(&def.current_schema, &full, PEER).unwrap();
            crdt::model_to_binary(&model)
        }
    };
    RemoteRecord {
        id: id.to_string(),
        version: 1,
        crdt: Some(crdt),
        deleted: false,
        sequence,
        meta: None,
    }
}

/// A remote tombstone for `id`.
pub fn remote_tombstone(id: &str, sequence: i64) -> RemoteRecord {
    RemoteRecord {
        id: id.to_string(),
        version: 1,
        crdt: None,
        deleted: true,
        sequence,
        meta: None,
    }
}
