//! Everything together: reactive adapters as sync storage, a scheduler woken by local
//! writes, subscriptions seeing remote changes.

use std::sync::Arc;
use std::time::Duration;

use less_db::query::{Filter, Query, SortEntry};
use less_db::reactive::{ChangeEvent, ReactiveAdapter};
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};
use less_db::sync::{
    Clock, ManualClock, MemoryClient, MemoryServer, SchedulerConfig, SyncManager, SyncScheduler,
};
use less_db::types::{PatchOptions, PutOptions};
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::common::{block_on, task, tasks};

type Reactive = Arc<ReactiveAdapter<SqliteBackend>>;

struct App {
    db: Reactive,
    net: MemoryClient,
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
    let net = server.client(name);
    let manager = Arc::new(SyncManager::new(
        Arc::new(net.clone()),
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
        net,
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

fn patch(app: &App, id: &str, data: Value) {
    let opts = PatchOptions {
        id: id.into(),
        ..PatchOptions::default()
    };
    app.db.patch(&tasks(), data, &opts).unwrap();
}

fn titles(r: &less_db::query::QueryResult<less_db::types::StoredRecordWithMeta>) -> Vec<String> {
    r.records
        .iter()
        .map(|r| r.data["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

type QueryLog = Arc<Mutex<Vec<Vec<String>>>>;

/// Open tasks sorted by title, as a list screen would show them.
fn watch_open(app: &App) -> (QueryLog, less_db::reactive::Subscription) {
    let log: QueryLog = Arc::default();
    let l = log.clone();
    let q = Query::new()
        .filter(Filter::eq("done", false))
        .sort(SortEntry::asc("title"));
    let sub = app.db.observe_query(&tasks(), q, move |r| {
        l.lock().push(titles(r));
    });
    app.db.flush();
    (log, sub)
}

#[test]
fn a_burst_of_writes_inside_the_debounce_goes_out_in_one_sync() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let a = app(&server, "a", &clock);
    for i in 0..5 {
        put(&a, &format!("t{i}"), task(&format!("task {i}")));
        clock.advance(Duration::from_millis(150));
    }
    assert!(
        block_on(a.scheduler.run_due()).is_empty(),
        "each write restarted the delay"
    );
    clock.advance(Duration::from_millis(50));
    let ran = block_on(a.scheduler.run_due());
    assert_eq!(ran.len(), 1);
    assert_eq!(ran["tasks"].pushed, 5);
    assert_eq!(server.records("tasks").len(), 5);
    assert_eq!(server.stats().pushes, 1, "one push carried the whole burst");
}

#[test]
fn an_offline_device_backs_off_and_catches_up_once_back_online() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let a = app(&server, "a", &clock);
    a.net.set_online(false);
    put(&a, "t1", task("written offline"));
    clock.advance(Duration::from_millis(200));
    let ran = block_on(a.scheduler.run_due());
    assert!(ran["tasks"].has_step_failure());
    assert_eq!(a.scheduler.failures("tasks"), 1);
    let retry_at = a.scheduler.next_due().unwrap();
    assert_eq!(
        retry_at,
        clock.now() + a.scheduler.config().backoff(1),
        "the retry waits for the backoff"
    );

    a.net.set_online(true);
    clock.advance(a.scheduler.config().backoff(1));
    let ran = block_on(a.scheduler.run_due());
    assert_eq!(ran["tasks"].pushed, 1);
    assert_eq!(a.scheduler.failures("tasks"), 0);
    assert!(!a.scheduler.is_pending("tasks"));
    assert!(server.record("tasks", "t1").is_some());
}

#[test]
fn a_query_screen_follows_local_writes_remote_edits_and_remote_deletes() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let (a, b) = (app(&server, "a", &clock), app(&server, "b", &clock));
    let (screen, _sub) = watch_open(&b);
    assert_eq!(*screen.lock(), vec![Vec::<String>::new()]);

    put(&b, "mine", task("b's own"));
    b.db.flush();
    put(&a, "x", task("from a"));
    put(&a, "y", task("also from a"));
    block_on(a.scheduler.flush(&tasks())).unwrap();
    block_on(b.scheduler.flush(&tasks())).unwrap();
    b.db.flush();
    assert_eq!(
        screen.lock().last().unwrap(),
        &vec!["also from a", "b's own", "from a"]
    );

    patch(&a, "x", json!({"done": true}));
    a.db.delete(&tasks(), "y", &Default::default()).unwrap();
    block_on(a.scheduler.flush(&tasks())).unwrap();
    let calls = screen.lock().len();
    block_on(b.scheduler.flush(&tasks())).unwrap();
    b.db.flush();
    assert_eq!(screen.lock().len(), calls + 1, "one pull, one update");
    assert_eq!(screen.lock().last().unwrap(), &vec!["b's own"]);
}

#[test]
fn a_second_delivery_of_the_same_changes_does_not_call_subscribers_again() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let (a, b) = (app(&server, "a", &clock), app(&server, "b", &clock));
    put(&a, "t1", task("once"));
    block_on(a.scheduler.flush(&tasks())).unwrap();
    let (screen, _sub) = watch_open(&b);
    block_on(b.scheduler.flush(&tasks())).unwrap();
    b.db.flush();
    let before =
        b.db.get(&tasks(), "t1", &Default::default())
            .unwrap()
            .unwrap();
    let calls = screen.lock().len();
    assert_eq!(calls, 2);

    // The server sends everything again, as after a lost cursor write.
    let again = server.changes_since("tasks", 0);
    let latest = again.latest_sequence.unwrap_or_default();
    let res = block_on(b.scheduler.manager().apply_remote_records(
        &tasks(),
        &again.records,
        latest,
    ));
    assert!(res.errors.is_empty(), "{:?}", res.errors);
    b.db.flush();
    let after =
        b.db.get(&tasks(), "t1", &Default::default())
            .unwrap()
            .unwrap();
    assert_eq!(before.data, after.data);
    assert_eq!(before.sequence, after.sequence);
    assert_eq!(screen.lock().len(), calls, "nothing changed, nothing shown");
}

#[test]
fn two_observers_of_one_record_unsubscribe_independently() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let a = app(&server, "a", &clock);
    put(&a, "t1", task("shared"));
    let (first, second): (Arc<Mutex<usize>>, Arc<Mutex<usize>>) = Default::default();
    let (f, s) = (first.clone(), second.clone());
    let sub1 = a.db.observe(&tasks(), "t1", move |_| *f.lock() += 1);
    let _sub2 = a.db.observe(&tasks(), "t1", move |_| *s.lock() += 1);
    a.db.flush();
    assert_eq!((*first.lock(), *second.lock()), (1, 1));

    patch(&a, "t1", json!({"title": "renamed"}));
    a.db.flush();
    assert_eq!((*first.lock(), *second.lock()), (2, 2));

    drop(sub1);
    patch(&a, "t1", json!({"title": "renamed again"}));
    a.db.flush();
    assert_eq!((*first.lock(), *second.lock()), (2, 3));
}

#[test]
fn a_remote_tombstone_for_an_observed_record_delivers_none() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let (a, b) = (app(&server, "a", &clock), app(&server, "b", &clock));
    put(&a, "t1", task("short-lived"));
    block_on(a.scheduler.flush(&tasks())).unwrap();
    block_on(b.scheduler.flush(&tasks())).unwrap();
    let seen: Arc<Mutex<Vec<bool>>> = Arc::default();
    let s = seen.clone();
    let _sub =
        b.db.observe(&tasks(), "t1", move |r| s.lock().push(r.is_some()));
    b.db.flush();

    a.db.delete(&tasks(), "t1", &Default::default()).unwrap();
    block_on(a.scheduler.flush(&tasks())).unwrap();
    let res = block_on(b.scheduler.flush(&tasks())).unwrap();
    assert_eq!(res.pulled, 1);
    b.db.flush();
    assert_eq!(*seen.lock(), vec![true, false]);
    assert!(
        b.db.get(&tasks(), "t1", &Default::default())
            .unwrap()
            .is_none()
    );
    assert!(
        !b.scheduler.is_pending("tasks"),
        "a remote delete is nothing to push"
    );
}

#[test]
fn every_local_write_kind_wakes_the_scheduler_and_remote_ones_do_not() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let (a, b) = (app(&server, "a", &clock), app(&server, "b", &clock));
    let settle = |app: &App| {
        clock.advance(Duration::from_millis(200));
        block_on(app.scheduler.run_due());
        assert!(!app.scheduler.is_pending("tasks"));
    };
    put(&a, "t1", task("put"));
    assert!(a.scheduler.is_pending("tasks"));
    settle(&a);
    patch(&a, "t1", json!({"done": true}));
    assert!(a.scheduler.is_pending("tasks"));
    settle(&a);
    a.db.bulk_put(
        &tasks(),
        vec![
            json!({"id": "t2", "title": "bulk", "done": false, "notes": "", "tags": []}),
            json!({"id": "t3", "title": "bulk", "done": false, "notes": "", "tags": []}),
        ],
        &PutOptions::default(),
    )
    .unwrap();
    assert!(a.scheduler.is_pending("tasks"));
    settle(&a);
    a.db.delete(&tasks(), "t2", &Default::default()).unwrap();
    assert!(a.scheduler.is_pending("tasks"));
    settle(&a);
    assert_eq!(server.records("tasks").len(), 3);

    // b pulls all of that: remote applies and nothing to push.
    let res = block_on(b.scheduler.flush(&tasks())).unwrap();
    assert_eq!((res.pulled, res.pushed), (3, 0));
    assert!(!b.scheduler.is_pending("tasks"));
}

#[test]
fn a_disposed_scheduler_ignores_writes_but_the_data_stays_dirty_for_later() {
    let server = MemoryServer::new();
    let clock = ManualClock::new();
    let a = app(&server, "a", &clock);
    a.scheduler.dispose();
    put(&a, "t1", task("after dispose"));
    assert!(!a.scheduler.is_pending("tasks"));
    clock.advance(Duration::from_secs(10));
    assert!(block_on(a.scheduler.run_due()).is_empty());
    assert!(server.record("tasks", "t1").is_none());
    assert_eq!(a.db.get_dirty(&tasks()).unwrap().records.len(), 1);
    // A direct sync through the manager still sends it.
    let res = block_on(a.scheduler.manager().sync(&tasks()));
    assert_eq!(res.pushed, 1);
}
