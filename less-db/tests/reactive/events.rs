//! Change events: one per successful write, with the collection and the ids it
//! changed, delivered synchronously to `on_change` listeners.

use less_db::query::Filter;
use less_db::reactive::ChangeEvent;
use less_db::storage::traits::{StorageSync, StorageWrite};
use less_db::types::{ApplyRemoteOptions, DeleteOptions, PatchOptions, PutOptions};
use serde_json::json;

use crate::common::*;

fn listen(db: &Db) -> (Log<ChangeEvent>, less_db::reactive::Subscription) {
    let log = Log::new();
    let sink = log.clone();
    let sub = db.on_change(move |e| sink.push(e.clone()));
    (log, sub)
}

fn todos_event_ids(e: &ChangeEvent) -> Vec<String> {
    e.ids().into_iter().map(str::to_string).collect()
}

#[test]
fn put_emits_put_with_the_record_id() {
    let db = open();
    let (log, _s) = listen(&db);
    let r = db.put(&todos(), todo("x", false, 1), &put_opts()).unwrap();
    assert_eq!(
        log.all(),
        vec![ChangeEvent::Put {
            collection: "todos".into(),
            id: r.id.clone()
        }]
    );
}

#[test]
fn patch_emits_patch() {
    let db = open();
    put_todo(&db, "a", "x", false, 1);
    let (log, _s) = listen(&db);
    patch_todo(&db, "a", json!({ "done": true }));
    assert_eq!(
        log.all(),
        vec![ChangeEvent::Patch {
            collection: "todos".into(),
            id: "a".into()
        }]
    );
}

#[test]
fn delete_emits_only_when_something_was_deleted() {
    let db = open();
    put_todo(&db, "a", "x", false, 1);
    let (log, _s) = listen(&db);
    assert!(
        !db.delete(&todos(), "missing", &DeleteOptions::default())
            .unwrap()
    );
    assert_eq!(log.len(), 0);
    assert!(db.delete(&todos(), "a", &DeleteOptions::default()).unwrap());
    // Deleting a tombstone again deletes nothing.
    assert!(!db.delete(&todos(), "a", &DeleteOptions::default()).unwrap());
    assert_eq!(
        log.all(),
        vec![ChangeEvent::Delete {
            collection: "todos".into(),
            id: "a".into()
        }]
    );
}

#[test]
fn failed_writes_emit_nothing() {
    let db = open();
    let (log, _s) = listen(&db);
    // Wrong type for `done`.
    assert!(
        db.put(
            &todos(),
            json!({ "title": "x", "done": "no", "priority": 1 }),
            &put_opts()
        )
        .is_err()
    );
    // Patch of a record that does not exist.
    assert!(
        db.patch(&todos(), json!({ "done": true }), &patch_opts("nope"))
            .is_err()
    );
    assert_eq!(log.len(), 0);
}

#[test]
fn bulk_put_emits_one_bulk_event_with_the_written_ids_only() {
    let db = open();
    let (log, _s) = listen(&db);
    let out = db
        .bulk_put(
            &todos(),
            vec![
                json!({ "id": "a", "title": "a", "done": false, "priority": 1 }),
                json!({ "id": "bad", "title": 3, "done": false, "priority": 1 }),
                json!({ "id": "c", "title": "c", "done": false, "priority": 1 }),
            ],
            &PutOptions::default(),
        )
        .unwrap();
    assert_eq!(out.errors.len(), 1);
    assert_eq!(log.len(), 1);
    assert!(matches!(log.all()[0], ChangeEvent::Bulk { .. }));
    assert_eq!(todos_event_ids(&log.all()[0]), ids(&["a", "c"]));
}

#[test]
fn bulk_writes_with_nothing_written_emit_nothing() {
    let db = open();
    let (log, _s) = listen(&db);
    db.bulk_put(&todos(), vec![], &PutOptions::default())
        .unwrap();
    db.bulk_delete(&todos(), &["x", "y"], &DeleteOptions::default())
        .unwrap();
    db.delete_many(
        &todos(),
        &Filter::eq("done", true),
        &DeleteOptions::default(),
    )
    .unwrap();
    db.patch_many(
        &todos(),
        &Filter::eq("done", true),
        &json!({ "title": "z" }),
        &PatchOptions::default(),
    )
    .unwrap();
    assert_eq!(log.len(), 0);
}

#[test]
fn bulk_delete_delete_many_bulk_patch_and_patch_many_emit_bulk() {
    let db = open();
    for (id, done) in [("a", false), ("b", true), ("c", true), ("d", false)] {
        put_todo(&db, id, id, done, 1);
    }
    let (log, _s) = listen(&db);
    db.bulk_patch(
        &todos(),
        vec![
            json!({ "id": "a", "priority": 2 }),
            json!({ "id": "d", "priority": 3 }),
        ],
        &PatchOptions::default(),
    )
    .unwrap();
    db.patch_many(
        &todos(),
        &Filter::eq("done", true),
        &json!({ "title": "done" }),
        &PatchOptions::default(),
    )
    .unwrap();
    db.bulk_delete(&todos(), &["a", "zz"], &DeleteOptions::default())
        .unwrap();
    db.delete_many(
        &todos(),
        &Filter::eq("done", true),
        &DeleteOptions::default(),
    )
    .unwrap();
    let got: Vec<Vec<String>> = log.all().iter().map(todos_event_ids).collect();
    assert_eq!(
        got,
        vec![
            ids(&["a", "d"]),
            ids(&["b", "c"]),
            ids(&["a"]),
            ids(&["b", "c"])
        ]
    );
    assert!(
        log.all()
            .iter()
            .all(|e| matches!(e, ChangeEvent::Bulk { .. }) && e.is_local())
    );
}

#[test]
fn remote_apply_emits_remote_with_applied_ids_and_skips_skipped() {
    let db = open();
    put_todo(&db, "a", "x", false, 1);
    let (log, _s) = listen(&db);
    let fresh = remote_todo(&db, "n", todo("new", false, 1), 4);
    let edit = remote_todo(&db, "a", json!({ "title": "peer" }), 5);
    db.apply_remote_changes(&todos(), &[fresh, edit], &ApplyRemoteOptions::default())
        .unwrap();
    assert_eq!(
        log.all(),
        vec![ChangeEvent::Remote {
            collection: "todos".into(),
            ids: ids(&["n", "a"])
        }]
    );
    assert!(!log.all()[0].is_local());
    // Only stale remotes: every one skipped, no event.
    let stale = remote_todo(&db, "n", todo("old", false, 1), 4);
    db.apply_remote_changes(&todos(), &[stale], &ApplyRemoteOptions::default())
        .unwrap();
    assert_eq!(log.len(), 1);
}

#[test]
fn listeners_run_in_registration_order_and_stop_after_unsubscribe() {
    let db = open();
    let order = Log::new();
    let (a, b) = (order.clone(), order.clone());
    let first = db.on_change(move |_| a.push("first"));
    let _second = db.on_change(move |_| b.push("second"));
    put_todo(&db, "a", "x", false, 1);
    assert_eq!(order.all(), vec!["first", "second"]);
    first.unsubscribe();
    assert!(!first.is_active());
    put_todo(&db, "b", "x", false, 1);
    assert_eq!(order.all(), vec!["first", "second", "second"]);
}

#[test]
fn events_are_delivered_before_flush_and_without_it() {
    let db = open();
    let (log, _s) = listen(&db);
    put_todo(&db, "a", "x", false, 1);
    assert_eq!(log.len(), 1, "listeners do not wait for a flush");
}

#[test]
fn accessors_give_collection_ids_and_locality() {
    let put = ChangeEvent::Put {
        collection: "c".into(),
        id: "1".into(),
    };
    let remote = ChangeEvent::Remote {
        collection: "d".into(),
        ids: ids(&["x", "y"]),
    };
    let synced = ChangeEvent::Synced {
        collection: "e".into(),
        id: "z".into(),
    };
    assert_eq!((put.collection(), put.ids()), ("c", vec!["1"]));
    assert_eq!((remote.collection(), remote.ids()), ("d", vec!["x", "y"]));
    assert_eq!(synced.ids(), vec!["z"]);
    assert!(put.is_local());
    assert!(!remote.is_local());
    assert!(!synced.is_local());
    let bulk = ChangeEvent::Bulk {
        collection: "c".into(),
        ids: vec![],
    };
    assert!(bulk.is_local());
    assert_eq!(bulk.clone(), bulk);
}

#[test]
fn events_serialize_with_a_type_tag() {
    let e = ChangeEvent::Delete {
        collection: "todos".into(),
        id: "a".into(),
    };
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(
        v,
        json!({ "type": "delete", "collection": "todos", "id": "a" })
    );
    let back: ChangeEvent = serde_json::from_value(v).unwrap();
    assert_eq!(back, e);
}

#[test]
fn remote_tombstone_emits_remote() {
    let db = open();
    put_todo(&db, "a", "x", false, 1);
    let (log, _s) = listen(&db);
    db.apply_remote_changes(
        &todos(),
        &[remote_tombstone("a", 3)],
        &ApplyRemoteOptions::default(),
    )
    .unwrap();
    assert_eq!(
        log.all(),
        vec![ChangeEvent::Remote {
            collection: "todos".into(),
            ids: ids(&["a"])
        }]
    );
}
