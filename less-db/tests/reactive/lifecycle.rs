//! Initialization, close and drop.

use std::sync::Arc;

use less_db::error::{LessDbError, StorageError};
use less_db::query::Query;
use less_db::storage::traits::{StorageLifecycle, StorageRead};
use less_db::types::GetOptions;

use crate::common::*;

#[test]
fn subscriptions_made_before_initialize_fire_once_it_runs() {
    let mut db = open_uninitialized();
    let (rlog, rcb) = record_log();
    let (qlog, qcb) = query_log();
    let _r = db.observe(&todos(), "a", rcb);
    let _q = db.observe_query(&todos(), Query::new(), qcb);
    assert_eq!(db.flush(), 0, "no flush before the adapter is initialized");
    assert!(db.has_pending());
    assert_eq!((rlog.len(), qlog.len()), (0, 0));
    db.initialize(&[todos(), notes()]).unwrap();
    assert!(db.is_initialized());
    assert_eq!((rlog.len(), qlog.len()), (1, 1));
}

#[test]
fn unsubscribed_before_initialize_never_fires() {
    let mut db = open_uninitialized();
    let (log, cb) = record_log();
    let s = db.observe(&todos(), "a", cb);
    s.unsubscribe();
    db.initialize(&[todos()]).unwrap();
    assert_eq!(log.len(), 0);
}

#[test]
fn close_ends_subscriptions_and_later_reads_fail() {
    let mut db = open();
    put_todo(&db, "a", "a", false, 1);
    let (log, cb) = record_log();
    let sub = db.observe(&todos(), "a", cb);
    let listener = db.on_change(|_| {});
    db.close().unwrap();
    assert!(!db.is_initialized());
    assert!(!sub.is_active());
    assert!(!listener.is_active());
    assert_eq!(db.subscription_count(), 0);
    let err = db.get(&todos(), "a", &GetOptions::default()).unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::NotInitialized)
    ));
    assert_eq!(log.len(), 0);
}

#[test]
fn handles_outliving_the_adapter_are_inert() {
    let db = open();
    let (log, cb) = record_log();
    let sub = db.observe(&todos(), "a", cb);
    drop(db);
    assert!(!sub.is_active());
    sub.unsubscribe();
    drop(sub);
    assert_eq!(log.len(), 0);
}

#[test]
fn dropping_the_adapter_releases_callbacks() {
    let db = open();
    let token = Arc::new(());
    let held = Arc::clone(&token);
    db.observe(&todos(), "a", move |_| {
        let _ = &held;
    })
    .detach();
    assert_eq!(Arc::strong_count(&token), 2);
    drop(db);
    assert_eq!(
        Arc::strong_count(&token),
        1,
        "the callback was dropped with the adapter"
    );
}

#[test]
fn unsubscribing_a_listener_that_owns_the_last_adapter_handle_drops_the_adapter() {
    // A listener holding the adapter (e.g. through a sync scheduler) forms a cycle that
    // only its subscription handle breaks; dropping the handle must not deadlock.
    let db = Arc::new(open());
    let owned = Arc::clone(&db);
    let sub = db.on_change(move |_| {
        let _ = &owned;
    });
    let weak = Arc::downgrade(&db);
    drop(db);
    assert!(
        weak.upgrade().is_some(),
        "the listener keeps the adapter alive"
    );
    drop(sub);
    assert!(
        weak.upgrade().is_none(),
        "the adapter went with its last handle"
    );
}

#[test]
fn dropping_the_adapter_drops_callbacks_that_hold_subscription_handles() {
    let db = open();
    let inner = db.observe(&todos(), "a", |_| {});
    let slot = parking_lot::Mutex::new(Some(inner));
    db.observe(&todos(), "b", move |_| {
        let _ = &slot;
    })
    .detach();
    drop(db);
}

#[test]
fn the_adapter_is_send_and_sync_and_works_behind_arc() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Db>();
    assert_send_sync::<less_db::reactive::Subscription>();
    let db = Arc::new(open());
    let (log, cb) = query_log();
    let _s = db.observe_query(&todos(), Query::new(), cb);
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let db = Arc::clone(&db);
            std::thread::spawn(move || {
                for i in 0..5 {
                    put_todo(&db, &format!("t{t}-{i}"), "x", false, i);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    db.flush();
    assert_eq!(log.last().unwrap().1, 20);
}

#[test]
fn debug_output_names_the_counts() {
    let db = open();
    let _s = db.observe_query(&todos(), Query::new(), |_| {});
    let text = format!("{db:?}");
    assert!(
        text.contains("ReactiveAdapter") && text.contains("subscriptions: 1"),
        "{text}"
    );
}
