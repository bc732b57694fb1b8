//! Callbacks that panic, or call back into the adapter, never deadlock it or stop
//! other callbacks.

use std::sync::Arc;

use less_db::query::Query;
use less_db::reactive::Subscription;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::types::GetOptions;
use parking_lot::Mutex;
use serde_json::json;

use crate::common::*;

#[test]
fn a_panicking_listener_does_not_stop_the_others_or_the_write() {
    let db = open();
    let seen = Log::new();
    let (a, b) = (seen.clone(), seen.clone());
    let _first = db.on_change(move |_| a.push("first"));
    let _bad = db.on_change(|_| panic!("listener failure"));
    let _third = db.on_change(move |_| b.push("third"));
    put_todo(&db, "a", "x", false, 1);
    assert_eq!(seen.all(), vec!["first", "third"]);
}

#[test]
fn a_panicking_observer_does_not_stop_the_others_or_later_flushes() {
    let db = open();
    let _bad = db.observe(&todos(), "a", |_| panic!("observer failure"));
    let (log, cb) = record_log();
    let _good = db.observe(&todos(), "a", cb);
    db.flush();
    put_todo(&db, "a", "x", false, 1);
    db.flush();
    assert_eq!(log.len(), 2);
    // Still usable: reads and new subscriptions work.
    assert!(
        db.get(&todos(), "a", &GetOptions::default())
            .unwrap()
            .is_some()
    );
    let _q = db.observe_query(&todos(), Query::new(), |_| panic!("query failure"));
    db.flush();
}

#[test]
fn a_listener_may_subscribe_during_an_event() {
    let db = Arc::new(open());
    let inner = Arc::clone(&db);
    let added: Arc<Mutex<Vec<Subscription>>> = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&added);
    let calls = Log::new();
    let sink = calls.clone();
    let _s = db.on_change(move |_| {
        sink.push(());
        keep.lock().push(inner.on_change(|_| {}));
    });
    put_todo(&db, "a", "x", false, 1);
    assert_eq!(calls.len(), 1);
    assert_eq!(added.lock().len(), 1);
    // Cycle between the adapter and its own listener: clear it so both drop.
    added.lock().clear();
}

#[test]
fn a_listener_added_during_an_event_waits_for_the_next_one() {
    let db = Arc::new(open());
    let inner = Arc::clone(&db);
    let late = Log::new();
    let late_sink = late.clone();
    let held: Arc<Mutex<Vec<Subscription>>> = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&held);
    let _s = db.on_change(move |_| {
        if keep.lock().is_empty() {
            let sink = late_sink.clone();
            keep.lock().push(inner.on_change(move |_| sink.push(())));
        }
    });
    put_todo(&db, "a", "x", false, 1);
    assert_eq!(late.len(), 0);
    put_todo(&db, "b", "x", false, 1);
    assert_eq!(late.len(), 1);
    held.lock().clear();
}

#[test]
fn a_listener_removed_during_an_event_is_still_called_for_it() {
    let db = Arc::new(open());
    let first = Log::new();
    let sink = first.clone();
    let victim = Arc::new(Mutex::new(Some(db.on_change(move |_| sink.push(())))));
    let v = Arc::clone(&victim);
    let _remover = db.on_change(move |_| {
        v.lock().take();
    });
    put_todo(&db, "a", "x", false, 1);
    assert_eq!(first.len(), 1, "the emission had already started");
    put_todo(&db, "b", "x", false, 1);
    assert_eq!(first.len(), 1);
}

#[test]
fn an_observer_may_write_through_the_adapter_during_a_flush() {
    let db = Arc::new(open());
    let inner = Arc::clone(&db);
    let (log, cb) = record_log();
    let _mirror = db.observe(&todos(), "copy", cb);
    let _s = db.observe(&todos(), "a", move |r| {
        if let Some(r) = r {
            let mut data = r.data.clone();
            data["id"] = json!("copy");
            inner.put(&todos(), data, &put_opts()).unwrap();
        }
    });
    db.flush();
    put_todo(&db, "a", "original", false, 1);
    // One flush delivers `a`, whose callback writes `copy`, which the same flush
    // then delivers.
    db.flush();
    assert_eq!(log.last().unwrap().unwrap()["title"], json!("original"));
}

#[test]
fn an_observer_may_flush_and_unsubscribe_itself() {
    let db = Arc::new(open());
    let inner = Arc::clone(&db);
    let slot: Arc<Mutex<Option<Subscription>>> = Arc::new(Mutex::new(None));
    let me = Arc::clone(&slot);
    let calls = Log::new();
    let sink = calls.clone();
    let sub = db.observe(&todos(), "a", move |_| {
        sink.push(());
        assert_eq!(inner.flush(), 0, "a nested flush returns at once");
        if let Some(s) = me.lock().take() {
            s.unsubscribe();
        }
    });
    *slot.lock() = Some(sub);
    db.flush();
    put_todo(&db, "a", "x", false, 1);
    db.flush();
    assert_eq!(calls.len(), 1);
    assert_eq!(db.subscription_count(), 0);
}

#[test]
fn a_callback_that_writes_on_every_call_cannot_spin_a_flush_for_ever() {
    let db = Arc::new(open());
    let inner = Arc::clone(&db);
    let counter = Arc::new(Mutex::new(0_i64));
    let c = Arc::clone(&counter);
    let _s = db.observe(&todos(), "loop", move |_| {
        let mut n = c.lock();
        *n += 1;
        put_todo(&inner, "loop", "x", false, *n);
    });
    db.flush();
    let calls = *counter.lock();
    assert!(
        calls > 1 && calls < 1000,
        "flush stopped after {calls} rounds"
    );
    assert!(db.has_pending(), "the rest waits for the next flush");
}

#[test]
fn read_errors_go_to_on_error_not_the_callback() {
    let db = open();
    let errors = Log::new();
    let sink = errors.clone();
    let unregistered = less_db::collection::collection("ghost")
        .v(
            1,
            less_db::schema::t::object([("x", less_db::schema::t::string())]),
        )
        .build()
        .unwrap();
    let _s = db.observe_with_error(
        &unregistered,
        "a",
        |_| panic!("must not be called"),
        move |e| sink.push(e.to_string()),
    );
    let qsink = Log::<String>::new();
    let qs = qsink.clone();
    let _q = db.observe_query_with_error(
        &unregistered,
        Query::new(),
        |_| panic!("must not be called"),
        move |e| qs.push(e.to_string()),
    );
    assert_eq!(db.flush(), 0);
    assert_eq!(errors.len(), 1);
    assert!(errors.all()[0].contains("ghost"), "{:?}", errors.all());
    assert_eq!(qsink.len(), 1);
}

#[test]
fn successful_reads_do_not_call_on_error() {
    let db = open();
    let errors = Log::<String>::new();
    let sink = errors.clone();
    let (log, cb) = query_log();
    let _q = db.observe_query_with_error(&todos(), Query::new(), cb, move |e| {
        sink.push(e.to_string())
    });
    db.flush();
    assert_eq!((log.len(), errors.len()), (1, 0));
}
