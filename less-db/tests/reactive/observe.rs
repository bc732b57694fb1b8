//! Record subscriptions: the first flush delivers the current value, later flushes
//! deliver changes only.

use less_db::storage::traits::{StorageSync, StorageWrite};
use less_db::types::{ApplyRemoteOptions, DeleteOptions, PutOptions};
use serde_json::json;

use crate::common::*;

#[test]
fn first_flush_delivers_the_current_record() {
    let db = open();
    put_todo(&db, "a", "alpha", false, 1);
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    assert_eq!(log.len(), 0, "nothing before a flush");
    assert_eq!(db.flush(), 1);
    assert_eq!(log.last().unwrap().unwrap()["title"], json!("alpha"));
}

#[test]
fn a_missing_record_is_delivered_as_none() {
    let db = open();
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "nope", cb);
    db.flush();
    assert_eq!(log.all(), vec![None]);
}

#[test]
fn a_record_created_later_is_delivered() {
    let db = open();
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    db.flush();
    put_todo(&db, "a", "alpha", false, 1);
    db.flush();
    assert_eq!(log.len(), 2);
    assert_eq!(log.last().unwrap().unwrap()["title"], json!("alpha"));
}

#[test]
fn put_replacing_the_record_delivers_the_new_value() {
    let db = open();
    put_todo(&db, "a", "alpha", false, 1);
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    db.flush();
    put_todo(&db, "a", "alpha v2", true, 1);
    db.flush();
    let last = log.last().unwrap().unwrap();
    assert_eq!(
        (last["title"].clone(), last["done"].clone()),
        (json!("alpha v2"), json!(true))
    );
}

#[test]
fn delete_delivers_none() {
    let db = open();
    put_todo(&db, "a", "alpha", false, 1);
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    db.flush();
    db.delete(&todos(), "a", &DeleteOptions::default()).unwrap();
    db.flush();
    assert_eq!(log.len(), 2);
    assert_eq!(log.last().unwrap(), None);
}

#[test]
fn second_flush_without_changes_does_nothing() {
    let db = open();
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "x", cb);
    assert_eq!(db.flush(), 1);
    assert_eq!(db.flush(), 0);
    assert!(!db.has_pending());
    assert_eq!(log.len(), 1);
}

#[test]
fn a_put_that_changes_nothing_does_not_call_back() {
    let db = open();
    put_todo(&db, "a", "alpha", false, 1);
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    db.flush();
    put_todo(&db, "a", "alpha", false, 1);
    assert!(db.has_pending(), "the write still marks the observer dirty");
    assert_eq!(db.flush(), 0);
    assert_eq!(log.len(), 1);
}

#[test]
fn several_observers_of_one_record_all_fire() {
    let db = open();
    let (l1, c1) = record_log();
    let (l2, c2) = record_log();
    let _a = db.observe(&todos(), "a", c1);
    let _b = db.observe(&todos(), "a", c2);
    db.flush();
    put_todo(&db, "a", "alpha", false, 1);
    assert_eq!(db.flush(), 2);
    assert_eq!((l1.len(), l2.len()), (2, 2));
}

#[test]
fn unsubscribe_and_drop_stop_delivery() {
    let db = open();
    let (l1, c1) = record_log();
    let (l2, c2) = record_log();
    let a = db.observe(&todos(), "a", c1);
    let b = db.observe(&todos(), "a", c2);
    db.flush();
    a.unsubscribe();
    a.unsubscribe(); // twice is harmless
    drop(b);
    assert_eq!(db.subscription_count(), 0);
    put_todo(&db, "a", "alpha", false, 1);
    assert_eq!(db.flush(), 0);
    assert_eq!((l1.len(), l2.len()), (1, 1));
}

#[test]
fn unsubscribe_before_the_first_flush_means_no_call_at_all() {
    let db = open();
    let (log, cb) = record_log();
    let s = db.observe(&todos(), "a", cb);
    drop(s);
    db.flush();
    assert_eq!(log.len(), 0);
}

#[test]
fn detached_subscriptions_live_until_the_adapter_closes() {
    let db = open();
    let (log, cb) = record_log();
    db.observe(&todos(), "a", cb).detach();
    db.flush();
    put_todo(&db, "a", "alpha", false, 1);
    db.flush();
    assert_eq!(log.len(), 2);
    assert_eq!(db.subscription_count(), 1);
}

#[test]
fn delivered_records_carry_meta_and_sync_state() {
    let db = open();
    let opts = PutOptions {
        meta: Some(json!({ "spaceId": "s1" })),
        ..put_opts()
    };
    db.put(
        &todos(),
        json!({ "id": "a", "title": "t", "done": false, "priority": 1 }),
        &opts,
    )
    .unwrap();
    let seen = Log::new();
    let sink = seen.clone();
    let _s = db.observe(&todos(), "a", move |r| {
        let r = r.unwrap();
        sink.push((r.meta.clone(), r.dirty, r.sequence));
    });
    db.flush();
    db.mark_synced(&todos(), "a", 7, None).unwrap();
    db.flush();
    assert_eq!(
        seen.all(),
        vec![
            (Some(json!({ "spaceId": "s1" })), true, 0),
            (Some(json!({ "spaceId": "s1" })), false, 7),
        ]
    );
}

#[test]
fn remote_insert_of_an_observed_id_is_delivered() {
    let db = open();
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "r1", cb);
    db.flush();
    let r = remote_todo(&db, "r1", todo("remote", false, 1), 100);
    let out = db
        .apply_remote_changes(&todos(), &[r], &ApplyRemoteOptions::default())
        .unwrap();
    assert_eq!(out.applied.len(), 1);
    db.flush();
    assert_eq!(log.len(), 2);
    assert_eq!(log.last().unwrap().unwrap()["title"], json!("remote"));
}

#[test]
fn observers_of_other_ids_are_not_reread() {
    let db = open();
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    db.flush();
    let reads = db.stats().records_read;
    for i in 0..3 {
        put_todo(&db, &format!("x{i}"), "x", false, 1);
    }
    db.flush();
    assert_eq!(db.stats().records_read, reads);
    assert_eq!(log.len(), 1);
}

#[test]
fn same_id_in_another_collection_is_not_confused() {
    let db = open();
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    db.flush();
    db.put(&notes(), json!({ "id": "a", "body": "hi" }), &put_opts())
        .unwrap();
    assert_eq!(db.flush(), 0);
    assert_eq!(log.all(), vec![None]);
}

#[test]
fn auto_flush_delivers_on_subscribe_and_after_each_write() {
    let db = open();
    db.set_auto_flush(true);
    assert!(db.auto_flush());
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    assert_eq!(log.all(), vec![None]);
    put_todo(&db, "a", "alpha", false, 1);
    assert_eq!(log.len(), 2);
    patch_todo(&db, "a", json!({ "title": "beta" }));
    assert_eq!(log.len(), 3);
    assert!(!db.has_pending());
}
