//! Replicas (SQLite in memory) talking to one in-memory server.

use std::sync::Arc;

use less_db::collection::{CollectionDef, collection};
use less_db::crdt::MIN_SESSION_ID;
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::StorageRead;
use less_db::sync::{MemoryClient, MemoryServer, SyncConfig, SyncManager};
use less_db::types::{ListOptions, PatchOptions, PutOptions};
use serde_json::Value;

pub type Db = Arc<Adapter<SqliteBackend>>;

/// Notes: an atomic title, collaborative body text, a number and a map of marks.
pub fn notes_def() -> Arc<CollectionDef> {
    collection("notes")
        .v(
            1,
            t::object([
                ("title", t::string()),
                ("body", t::text()),
                ("n", t::number()),
                ("marks", t::record(t::boolean())),
            ]),
        )
        .build()
        .unwrap()
}

pub struct Replica {
    pub name: String,
    pub db: Db,
    pub client: MemoryClient,
    pub sync: SyncManager,
    pub sid: u64,
}

impl Replica {
    pub fn new(
        server: &MemoryServer,
        name: &str,
        sid_offset: u64,
        def: &Arc<CollectionDef>,
    ) -> Self {
        Self::with_config(server, name, sid_offset, def, SyncConfig::default())
    }

    pub fn with_config(
        server: &MemoryServer,
        name: &str,
        sid_offset: u64,
        def: &Arc<CollectionDef>,
        config: SyncConfig,
    ) -> Self {
        let db: Db = Arc::new(
            Adapter::open(
                SqliteBackend::open_in_memory().unwrap(),
                std::slice::from_ref(def),
            )
            .unwrap(),
        );
        let client = server.client(name);
        let sync = SyncManager::new(Arc::new(client.clone()), db.clone(), vec![def.clone()])
            .with_config(config);
        Replica {
            name: name.to_string(),
            db,
            client,
            sync,
            sid: MIN_SESSION_ID + sid_offset,
        }
    }

    pub fn put_opts(&self, id: &str) -> PutOptions {
        PutOptions {
            id: Some(id.to_string()),
            session_id: Some(self.sid),
            ..PutOptions::default()
        }
    }

    pub fn patch_opts(&self, id: &str) -> PatchOptions {
        PatchOptions {
            id: id.to_string(),
            session_id: Some(self.sid),
            ..PatchOptions::default()
        }
    }

    /// Every record, tombstones included: id -> `None` (deleted) or the data.
    pub fn snapshot(&self, def: &CollectionDef) -> Vec<(String, Option<Value>)> {
        let all = self
            .db
            .get_all(
                def,
                &ListOptions {
                    include_deleted: true,
                    ..ListOptions::default()
                },
            )
            .unwrap();
        assert!(all.errors.is_empty(), "{:?}", all.errors);
        let mut out: Vec<(String, Option<Value>)> = all
            .records
            .into_iter()
            .map(|r| (r.id, (!r.deleted).then_some(r.data)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Runs a future that never waits on anything external (the memory transport answers
/// at once) to completion, without a runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}
