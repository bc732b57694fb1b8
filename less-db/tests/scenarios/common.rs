//! Devices, collections and a runtime-free `block_on`.

use std::path::Path;
use std::sync::Arc;

use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::crdt::MIN_SESSION_ID;
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::sync::{MemoryClient, MemoryServer, SyncConfig, SyncManager, SyncResult};
use less_db::types::{
    DeleteOptions, GetOptions, ListOptions, PatchOptions, PutOptions, StoredRecordWithMeta,
};
use serde_json::Value;

pub type Db = Arc<Adapter<SqliteBackend>>;

/// Tasks: atomic title, a flag, collaborative notes, tags.
pub fn tasks() -> Arc<CollectionDef> {
    collection("tasks")
        .v(
            1,
            t::object([
                ("title", t::string()),
                ("done", t::boolean()),
                ("notes", t::text()),
                ("tags", t::array(t::string())),
            ]),
        )
        .index("done")
        .build()
        .unwrap()
}

/// Users with a unique email.
pub fn users() -> Arc<CollectionDef> {
    collection("users")
        .v(
            1,
            t::object([
                ("name", t::string()),
                ("email", t::string()),
                ("age", t::optional(t::number())),
            ]),
        )
        .index(IndexSpec::on(["email"]).unique())
        .build()
        .unwrap()
}

/// A task as the tests write it.
pub fn task(title: &str) -> Value {
    serde_json::json!({"title": title, "done": false, "notes": "", "tags": []})
}

pub struct Device {
    pub name: String,
    pub db: Db,
    pub net: MemoryClient,
    pub sync: SyncManager,
    pub sid: u64,
}

impl Device {
    pub fn new(server: &MemoryServer, name: &str, defs: &[Arc<CollectionDef>]) -> Self {
        Self::open(
            server,
            name,
            defs,
            SqliteBackend::open_in_memory().unwrap(),
            SyncConfig::default(),
        )
    }

    pub fn on_file(
        server: &MemoryServer,
        name: &str,
        defs: &[Arc<CollectionDef>],
        path: &Path,
    ) -> Self {
        Self::open(
            server,
            name,
            defs,
            SqliteBackend::open(path).unwrap(),
            SyncConfig::default(),
        )
    }

    pub fn open(
        server: &MemoryServer,
        name: &str,
        defs: &[Arc<CollectionDef>],
        backend: SqliteBackend,
        config: SyncConfig,
    ) -> Self {
        let db: Db = Arc::new(Adapter::open(backend, defs).unwrap());
        let net = server.client(name);
        let sync =
            SyncManager::new(Arc::new(net.clone()), db.clone(), defs.to_vec()).with_config(config);
        let sid = MIN_SESSION_ID + name.bytes().map(u64::from).sum::<u64>();
        Device {
            name: name.to_string(),
            db,
            net,
            sync,
            sid,
        }
    }

    pub fn put(&self, def: &CollectionDef, id: &str, data: Value) -> StoredRecordWithMeta {
        let opts = PutOptions {
            id: Some(id.to_string()),
            session_id: Some(self.sid),
            ..PutOptions::default()
        };
        self.db.put(def, data, &opts).unwrap()
    }

    pub fn patch(&self, def: &CollectionDef, id: &str, data: Value) -> StoredRecordWithMeta {
        let opts = PatchOptions {
            id: id.to_string(),
            session_id: Some(self.sid),
            ..PatchOptions::default()
        };
        self.db.patch(def, data, &opts).unwrap()
    }

    pub fn delete(&self, def: &CollectionDef, id: &str) -> bool {
        self.db.delete(def, id, &DeleteOptions::default()).unwrap()
    }

    pub fn get(&self, def: &CollectionDef, id: &str) -> Option<Value> {
        self.db
            .get(def, id, &GetOptions::default())
            .unwrap()
            .map(|r| r.data)
    }

    pub fn record(&self, def: &CollectionDef, id: &str) -> Option<StoredRecordWithMeta> {
        let opts = GetOptions {
            include_deleted: true,
            ..GetOptions::default()
        };
        self.db.get(def, id, &opts).unwrap()
    }

    /// Every record, tombstones as `None`, sorted by id.
    pub fn state(&self, def: &CollectionDef) -> Vec<(String, Option<Value>)> {
        let opts = ListOptions {
            include_deleted: true,
            ..ListOptions::default()
        };
        let mut out: Vec<(String, Option<Value>)> = self
            .db
            .get_all(def, &opts)
            .unwrap()
            .records
            .into_iter()
            .map(|r| (r.id, (!r.deleted).then_some(r.data)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    pub fn sync(&self, def: &CollectionDef) -> SyncResult {
        let res = block_on(self.sync.sync(def));
        assert!(res.errors.is_empty(), "{}: {:?}", self.name, res.errors);
        res
    }

    pub fn try_sync(&self, def: &CollectionDef) -> SyncResult {
        block_on(self.sync.sync(def))
    }
}

/// Syncs the devices in order, twice, so everyone has seen everyone's pushes.
pub fn sync_all(devices: &[&Device], def: &CollectionDef) {
    for _ in 0..2 {
        for d in devices {
            d.sync(def);
        }
    }
}

/// Runs a future that never waits on anything external to completion.
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
