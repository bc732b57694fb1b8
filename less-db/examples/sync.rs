#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Two devices share tasks through a sync server. Both go offline, edit (the same
//! record too: one renames it and ticks it off, the other edits its notes), then come
//! back, sync, and end with the same data. Nothing either of them wrote is lost.
//!
//! The server here is less-db's in-memory reference server; a real app implements
//! `SyncTransport` over its own API. The phone's database is a file, the laptop's
//! lives in memory, and the phone's UI list is a live query subscription.
//!
//! `cargo run -p less-db --example sync`

use std::sync::Arc;

use less_db::collection::{CollectionDef, collection};
use less_db::query::{Filter, Query, SortEntry};
use less_db::reactive::ReactiveAdapter;
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::sync::{MemoryClient, MemoryServer, SyncManager, SyncResult};
use less_db::types::{DeleteOptions, ListOptions, PatchOptions, PutOptions};
use serde_json::{Value, json};

type Db = Arc<ReactiveAdapter<SqliteBackend>>;

/// One device: its database, its connection to the server and its sync manager.
struct Device {
    name: &'static str,
    db: Db,
    net: MemoryClient,
    sync: SyncManager,
}

impl Device {
    fn new(name: &'static str, backend: SqliteBackend, server: &MemoryServer) -> Self {
        let def = tasks();
        let adapter = Adapter::open(backend, std::slice::from_ref(&def)).unwrap();
        let db: Db = Arc::new(ReactiveAdapter::new(adapter));
        let net = server.client(name);
        let sync = SyncManager::new(Arc::new(net.clone()), db.clone(), vec![def]);
        Device {
            name,
            db,
            net,
            sync,
        }
    }

    fn put(&self, id: &str, data: Value) {
        let opts = PutOptions {
            id: Some(id.into()),
            ..PutOptions::default()
        };
        self.db.put(&tasks(), data, &opts).unwrap();
        println!("  {:<6} put    {id}", self.name);
    }

    fn patch(&self, id: &str, data: Value) {
        let opts = PatchOptions {
            id: id.into(),
            ..PatchOptions::default()
        };
        println!("  {:<6} patch  {id} with {data}", self.name);
        self.db.patch(&tasks(), data, &opts).unwrap();
    }

    fn delete(&self, id: &str) {
        self.db
            .delete(&tasks(), id, &DeleteOptions::default())
            .unwrap();
        println!("  {:<6} delete {id}", self.name);
    }

    async fn sync(&self) -> SyncResult {
        let res = self.sync.sync(&tasks()).await;
        print!(
            "  {:<6} sync: pulled {}, merged {}, pushed {}",
            self.name, res.pulled, res.merged, res.pushed
        );
        match res.errors.first() {
            Some(e) => println!(" - failed: {}", e.error),
            None => println!(),
        }
        self.db.flush();
        res
    }

    /// Live tasks, sorted by id, without the automatic timestamps.
    fn tasks(&self) -> Vec<Value> {
        let all = self.db.get_all(&tasks(), &ListOptions::default()).unwrap();
        let mut out: Vec<Value> = all
            .records
            .into_iter()
            .map(|r| {
                json!({
                    "id": r.data["id"], "title": r.data["title"],
                    "done": r.data["done"], "notes": r.data["notes"],
                })
            })
            .collect();
        out.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        out
    }

    fn show(&self) {
        println!("  {}:", self.name);
        for t in self.tasks() {
            println!("    {t}");
        }
    }
}

/// Title and done flag are plain values (the last writer wins per field); notes are
/// collaborative text, merged character by character.
fn tasks() -> Arc<CollectionDef> {
    collection("tasks")
        .v(
            1,
            t::object([
                ("title", t::string()),
                ("done", t::boolean()),
                ("notes", t::text()),
            ]),
        )
        .index("done")
        .build()
        .unwrap()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MemoryServer::new();
    let dir = tempfile::tempdir()?;
    let phone = Device::new(
        "phone",
        SqliteBackend::open(dir.path().join("phone.db"))?,
        &server,
    );
    let laptop = Device::new("laptop", SqliteBackend::open_in_memory()?, &server);

    // The phone's to-do screen: a live query of open tasks.
    println!("0. The phone shows its to-do screen (a live query of open tasks).");
    let _screen = phone.db.observe_query(
        &tasks(),
        Query::new()
            .filter(Filter::eq("done", false))
            .sort(SortEntry::asc("title")),
        |result| {
            let titles: Vec<&str> = result
                .records
                .iter()
                .filter_map(|r| r.data["title"].as_str())
                .collect();
            println!("  [phone screen] open tasks: {titles:?}");
        },
    );
    phone.db.flush();

    println!("\n1. The laptop creates two tasks; both devices sync.");
    laptop.put(
        "groceries",
        json!({"title": "Groceries", "done": false, "notes": "milk"}),
    );
    laptop.put(
        "call",
        json!({"title": "Call the plumber", "done": false, "notes": ""}),
    );
    laptop.sync().await;
    phone.sync().await;

    println!("\n2. Both go offline and keep working.");
    phone.net.set_online(false);
    laptop.net.set_online(false);
    laptop.patch("groceries", json!({"notes": "milk, eggs"}));
    laptop.put(
        "flights",
        json!({"title": "Book flights", "done": false, "notes": ""}),
    );
    phone.patch(
        "groceries",
        json!({"title": "Groceries (Saturday)", "done": true, "notes": "oat milk"}),
    );
    phone.delete("call");
    phone.db.flush();
    println!("  A sync attempt while offline fails and keeps every change:");
    let offline = phone.sync().await;
    assert!(offline.has_step_failure());

    println!("\n3. Back online: each device syncs (pull first, then push).");
    phone.net.set_online(true);
    laptop.net.set_online(true);
    laptop.sync().await;
    phone.sync().await;
    laptop.sync().await;

    println!("\n4. Both devices now hold the same tasks:");
    laptop.show();
    phone.show();
    assert_eq!(laptop.tasks(), phone.tasks());
    let groceries = laptop
        .tasks()
        .into_iter()
        .find(|t| t["id"] == "groceries")
        .unwrap();
    println!(
        "\n  The groceries notes kept both edits (\"oat\" from the phone, \"eggs\" from the \
         laptop): {}",
        groceries["notes"]
    );
    assert_eq!(groceries["notes"], json!("oat milk, eggs"));
    assert_eq!(groceries["done"], json!(true));
    println!(
        "  The server holds {} records (the deleted one as a tombstone).",
        server.records("tasks").len()
    );
    Ok(())
}
