//! Everything together: reactive adapters as sync storage, a scheduler woken by local
//! writes, subscriptions seeing remote changes.

use std::sync::Arc;
use std::time::Duration;

use less_db::reactive::{ChangeEvent, ReactiveAdapter};
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::sync::{ManualClock, MemoryServer, SchedulerConfig, SyncManager, SyncScheduler};
use less_db::types::{PatchOptions, PutOptions};
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::common::{block_on, task, tasks};

type Reactive = Arc<ReactiveAdapter<SqliteBackend>>;

struct App {
    db: Reactive,
    scheduler: Arc<SyncScheduler>,
    _wiring: less_db::reactive::Subscription,
}

fn app(server: &MemoryServer, name: &str, clock: &ManualClock) -> App {
    let def = tasks();
    let inner = Adapter::open(
        SqliteBackend::open_in_memory().unwrap(),
        std::slice::from_ref(&def),
    )
    .unwrap();
    let db: Reactive = Arc::new(ReactiveAdapter::new(inner));
    let manager = Arc::new(SyncManager::new(
        Arc::new(server.client(name)),
        db.clone(),
        vec![def],
    ));
    let scheduler = Arc::new(SyncScheduler::new(
        manager,
        Arc::new(clock.clone()),
        SchedulerConfig {
            debounce: Duration::from_millis(200),
            ..SchedulerConfig::default()
        },
    ));
    let s = scheduler.clone();
    let wiring = db.on_change(move |e: &ChangeEvent| {
        if e.is_local() {
            s.notify_dirty(e.collection());
        }
    });
    App {
        db,
        scheduler,
        _wiring: wiring,
    }
}

fn put(app: &App, id: &str, data: Value) {
    let opts = PutOptions {
        id: Some(id.into()),
        ..PutOptions::default()
    };
    app.db.put(&tasks(), data, &opts).unwrap();
}

#[test]
fn a_local_write_schedules_a_sync_after_the_debounce() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let a = app(&server, "a", &clock);
    assert!(!a.scheduler.is_pending("tasks"));
    put(&a, "t1", task("typed on a"));
    assert!(a.scheduler.is_pending("tasks"));
    clock.advance(Duration::from_millis(199));
    assert!(block_on(a.scheduler.run_due()).is_empty());
    clock.advance(Duration::from_millis(1));
    let ran = block_on(a.scheduler.run_due());
    assert_eq!(ran["tasks"].pushed, 1);
    assert!(server.record("tasks", "t1").is_some());
    assert!(
        !a.scheduler.is_pending("tasks"),
        "acks do not schedule another sync"
    );
}

#[test]
fn remote_changes_reach_subscriptions_on_the_other_device() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let (a, b) = (app(&server, "a", &clock), app(&server, "b", &clock));
    let seen: Arc<Mutex<Vec<Option<Value>>>> = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let _sub = b.db.observe(&tasks(), "t1", move |r| {
        s.lock().push(r.map(|r| r.data["title"].clone()));
    });
    b.db.flush();
    assert_eq!(*seen.lock(), vec![None]);

    put(&a, "t1", task("from a"));
    block_on(a.scheduler.flush(&tasks())).unwrap();
    block_on(b.scheduler.flush(&tasks())).unwrap();
    b.db.flush();
    assert_eq!(*seen.lock(), vec![None, Some(json!("from a"))]);
    assert!(
        !b.scheduler.is_pending("tasks"),
        "remote applies are not local writes"
    );
}

#[test]
fn two_devices_editing_offline_converge_through_their_schedulers() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let (a, b) = (app(&server, "a", &clock), app(&server, "b", &clock));
    put(
        &a,
        "groceries",
        json!({"title": "Groceries", "done": false, "notes": "milk", "tags": []}),
    );
    clock.advance(Duration::from_millis(200));
    block_on(a.scheduler.run_due());
    block_on(b.scheduler.flush(&tasks())).unwrap();

    let patch = |app: &App, data: Value| {
        let opts = PatchOptions {
            id: "groceries".into(),
            ..PatchOptions::default()
        };
        app.db.patch(&tasks(), data, &opts).unwrap();
    };
    patch(&a, json!({"notes": "milk, eggs"}));
    patch(&b, json!({"done": true, "notes": "oat milk"}));
    put(&b, "chores", task("Chores"));
    clock.advance(Duration::from_millis(200));
    block_on(a.scheduler.run_due());
    block_on(b.scheduler.run_due());
    block_on(a.scheduler.flush(&tasks())).unwrap();

    let read = |app: &App| {
        let mut all: Vec<Value> = app
            .db
            .get_all(&tasks(), &Default::default())
            .unwrap()
            .records
            .into_iter()
            .map(|r| r.data)
            .collect();
        all.sort_by_key(|v| v["id"].as_str().unwrap_or_default().to_string());
        all
    };
    assert_eq!(read(&a), read(&b));
    let g =
        a.db.get(&tasks(), "groceries", &Default::default())
            .unwrap()
            .unwrap()
            .data;
    assert_eq!(g["done"], json!(true));
    let notes = g["notes"].as_str().unwrap();
    assert!(notes.contains("eggs") && notes.contains("oat"), "{notes}");
    assert_eq!(a.db.count(&tasks(), None).unwrap(), 2);
}
