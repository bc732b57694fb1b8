//! Subscriptions fire exactly when what they show changed: a change outside a query's
//! fields to a record outside its results neither re-runs the query nor calls back;
//! remote applies count like local writes; nothing arrives after unsubscribe.

use less_db::query::{Filter, Query, SortEntry};
use less_db::reactive::ChangeEvent;
use less_db::storage::traits::{StorageSync, StorageWrite};
use less_db::types::{ApplyRemoteOptions, DeleteOptions};
use serde_json::json;

use crate::common::*;

fn open_todos() -> Query {
    Query::new()
        .filter(Filter::eq("done", false))
        .sort(SortEntry::asc("priority"))
}

#[test]
fn query_callbacks_count_local_remote_and_after_unsubscribe() {
    let db = open();
    let def = todos();
    put_todo(&db, "a", "alpha", false, 1);
    put_todo(&db, "b", "beta", true, 2);

    let (log, cb) = query_log();
    let sub = db.observe_query(&def, open_todos(), cb);
    assert_eq!(db.flush(), 1);
    assert_eq!(log.all(), vec![(ids(&["a"]), 1)]);
    let runs = |db: &Db| db.stats().queries_run;
    let base = runs(&db);

    // Outside the query's fields, on a record outside its results: no re-run at all.
    patch_todo(&db, "b", json!({ "title": "beta 2" }));
    assert_eq!(db.flush(), 0);
    assert_eq!(log.len(), 1);
    assert_eq!(
        runs(&db),
        base,
        "an irrelevant change must not re-run the query"
    );

    // Outside the query's fields, on a record inside its results: what it shows
    // changed, so it fires.
    patch_todo(&db, "a", json!({ "title": "alpha 2" }));
    assert_eq!(db.flush(), 1);
    assert_eq!(log.len(), 2);

    // Inside the query's fields: `b` enters.
    patch_todo(&db, "b", json!({ "done": false }));
    db.flush();
    assert_eq!(log.len(), 3);
    assert_eq!(log.last().unwrap(), (ids(&["a", "b"]), 2));

    // A sort field: the order flips.
    patch_todo(&db, "a", json!({ "priority": 9 }));
    db.flush();
    assert_eq!(log.len(), 4);
    assert_eq!(log.last().unwrap().0, ids(&["b", "a"]));

    // A new record that does not match: no re-run, no call.
    let before = runs(&db);
    put_todo(&db, "c", "gamma", true, 0);
    assert_eq!(db.flush(), 0);
    assert_eq!(runs(&db), before);
    assert_eq!(log.len(), 4);

    // Remote apply of a record that matches: fires.
    let r = remote_todo(&db, "r1", todo("remote", false, 5), 10);
    db.apply_remote_changes(&def, &[r], &ApplyRemoteOptions::default())
        .unwrap();
    db.flush();
    assert_eq!(log.len(), 5);
    assert_eq!(log.last().unwrap().0, ids(&["b", "r1", "a"]));

    // Remote apply of a record that does not match: nothing.
    let before = runs(&db);
    let r = remote_todo(&db, "r2", todo("remote done", true, 5), 11);
    db.apply_remote_changes(&def, &[r], &ApplyRemoteOptions::default())
        .unwrap();
    assert_eq!(db.flush(), 0);
    assert_eq!(runs(&db), before);
    assert_eq!(log.len(), 5);

    // Remote edit that moves a member out of the results: fires.
    let r = remote_todo(&db, "b", json!({ "done": true }), 12);
    db.apply_remote_changes(&def, &[r], &ApplyRemoteOptions::default())
        .unwrap();
    db.flush();
    assert_eq!(log.len(), 6);
    assert_eq!(log.last().unwrap(), (ids(&["r1", "a"]), 2));

    // Remote tombstone of a member: fires.
    db.apply_remote_changes(
        &def,
        &[remote_tombstone("r1", 13)],
        &ApplyRemoteOptions::default(),
    )
    .unwrap();
    db.flush();
    assert_eq!(log.len(), 7);
    assert_eq!(log.last().unwrap(), (ids(&["a"]), 1));

    // After unsubscribe: nothing, whatever changes.
    sub.unsubscribe();
    put_todo(&db, "d", "delta", false, 0);
    patch_todo(&db, "a", json!({ "done": true }));
    let r = remote_todo(&db, "r3", todo("late", false, 1), 14);
    db.apply_remote_changes(&def, &[r], &ApplyRemoteOptions::default())
        .unwrap();
    assert_eq!(db.flush(), 0);
    assert_eq!(log.len(), 7);
    assert_eq!(db.subscription_count(), 0);
}

#[test]
fn record_callbacks_count_local_remote_and_after_drop() {
    let db = open();
    let def = todos();
    put_todo(&db, "a", "alpha", false, 1);
    put_todo(&db, "b", "beta", false, 1);

    let (log, cb) = record_log();
    let sub = db.observe(&def, "a", cb);
    db.flush();
    assert_eq!(log.len(), 1);

    // Another record: not re-read, not called.
    let reads = db.stats().records_read;
    patch_todo(&db, "b", json!({ "title": "beta 2" }));
    db.flush();
    assert_eq!(log.len(), 1);
    assert_eq!(db.stats().records_read, reads);

    // Same record, local then remote.
    patch_todo(&db, "a", json!({ "title": "alpha 2" }));
    db.flush();
    assert_eq!(log.len(), 2);
    let r = remote_todo(&db, "a", json!({ "title": "from peer" }), 5);
    db.apply_remote_changes(&def, &[r], &ApplyRemoteOptions::default())
        .unwrap();
    db.flush();
    assert_eq!(log.len(), 3);
    assert_eq!(log.last().unwrap().unwrap()["title"], json!("from peer"));

    // A remote that is not newer is skipped: no event, no call.
    let events = db.stats().events;
    let stale = remote_todo(&db, "a", json!({ "title": "stale" }), 5);
    let out = db
        .apply_remote_changes(&def, &[stale], &ApplyRemoteOptions::default())
        .unwrap();
    assert_eq!(out.applied.len(), 1);
    db.flush();
    assert_eq!(db.stats().events, events);
    assert_eq!(log.len(), 3);

    // Delete: called with None.
    db.delete(&def, "a", &DeleteOptions::default()).unwrap();
    db.flush();
    assert_eq!(log.len(), 4);
    assert_eq!(log.last().unwrap(), None);

    drop(sub);
    db.put(
        &def,
        json!({"id": "a2", "title": "x", "done": false, "priority": 0}),
        &put_opts(),
    )
    .unwrap();
    assert_eq!(db.flush(), 0);
    assert_eq!(log.len(), 4);
}

#[test]
fn several_writes_between_flushes_give_one_call() {
    let db = open();
    let def = todos();
    let (log, cb) = query_log();
    let _sub = db.observe_query(&def, open_todos(), cb);
    db.flush();
    for i in 0..5 {
        put_todo(&db, &format!("t{i}"), "t", false, i);
    }
    assert_eq!(db.flush(), 1);
    assert_eq!(log.len(), 2);
    assert_eq!(log.last().unwrap().1, 5);
}

#[test]
fn a_rerun_with_identical_results_does_not_call_back() {
    let db = open();
    let def = todos();
    put_todo(&db, "a", "alpha", false, 1);
    let (log, cb) = query_log();
    let _sub = db.observe_query(
        &def,
        Query::new().filter(Filter::eq("done", false)).limit(1),
        cb,
    );
    db.flush();
    // Matches the filter but lands beyond the limit: the page is the same, the total
    // is not, so it fires.
    put_todo(&db, "b", "beta", false, 2);
    db.flush();
    assert_eq!(log.len(), 2);
    assert_eq!(log.last().unwrap(), (ids(&["a"]), 2));
    // Putting `b` again with the same content changes nothing the query shows.
    put_todo(&db, "b", "beta", false, 2);
    let runs = db.stats().queries_run;
    assert_eq!(db.flush(), 0);
    assert!(
        db.stats().queries_run > runs,
        "a paged query re-runs on a matching put"
    );
    assert_eq!(log.len(), 2);
}

#[test]
fn paged_query_ignores_changes_outside_its_fields_to_non_members() {
    let db = open();
    let def = todos();
    put_todo(&db, "a", "alpha", false, 1);
    put_todo(&db, "b", "beta", false, 2);
    let (log, cb) = query_log();
    let q = Query::new()
        .filter(Filter::eq("done", false))
        .sort(SortEntry::asc("priority"))
        .limit(1);
    let _sub = db.observe_query(&def, q, cb);
    db.flush();
    let runs = db.stats().queries_run;
    patch_todo(&db, "b", json!({ "title": "beta 2" }));
    assert_eq!(db.flush(), 0);
    assert_eq!(db.stats().queries_run, runs);
    // A sort-field change on the non-member moves it onto the page.
    patch_todo(&db, "b", json!({ "priority": 0 }));
    db.flush();
    assert_eq!(log.last().unwrap(), (ids(&["b"]), 2));
}

#[test]
fn changes_in_another_collection_do_not_touch_subscriptions() {
    let db = open();
    let def = todos();
    let (qlog, qcb) = query_log();
    let (rlog, rcb) = record_log();
    let _q = db.observe_query(&def, Query::new(), qcb);
    let _r = db.observe(&def, "n1", rcb);
    db.flush();
    let stats = db.stats();
    db.put(
        &notes(),
        json!({ "id": "n1", "body": "hello" }),
        &put_opts(),
    )
    .unwrap();
    assert_eq!(db.flush(), 0);
    assert_eq!(db.stats().queries_run, stats.queries_run);
    assert_eq!(db.stats().records_read, stats.records_read);
    assert_eq!((qlog.len(), rlog.len()), (1, 1));
}

#[test]
fn mark_synced_emits_synced_and_refreshes_members_only() {
    let db = open();
    let def = todos();
    put_todo(&db, "a", "alpha", false, 1);
    put_todo(&db, "b", "beta", true, 1);
    let events = Log::new();
    let sink = events.clone();
    let _l = db.on_change(move |e| sink.push(e.clone()));
    let (log, cb) = query_log();
    let _q = db.observe_query(&def, open_todos(), cb);
    db.flush();
    let runs = db.stats().queries_run;
    // `b` is not a member and no data field changed: no re-run.
    db.mark_synced(&def, "b", 3, None).unwrap();
    assert_eq!(db.flush(), 0);
    assert_eq!(db.stats().queries_run, runs);
    // `a` is a member; its sync state changed, so the query shows something new.
    db.mark_synced(&def, "a", 4, None).unwrap();
    assert_eq!(db.flush(), 1);
    assert_eq!(log.len(), 2);
    assert_eq!(
        events.all(),
        vec![
            ChangeEvent::Synced {
                collection: "todos".into(),
                id: "b".into()
            },
            ChangeEvent::Synced {
                collection: "todos".into(),
                id: "a".into()
            },
        ]
    );
}
