//! Query subscriptions: results at the first flush, new results after each flush
//! where they changed.

use less_db::query::{Filter, Operator, Query, SortEntry};
use less_db::storage::traits::StorageWrite;
use less_db::types::DeleteOptions;
use serde_json::json;

use crate::common::*;

#[test]
fn first_flush_delivers_current_results() {
    let db = open();
    put_todo(&db, "a", "a", false, 1);
    put_todo(&db, "b", "b", true, 2);
    let (log, cb) = query_log();
    let _s = db.observe_query(&todos(), Query::new(), cb);
    assert_eq!(log.len(), 0);
    db.flush();
    assert_eq!(log.all(), vec![(ids(&["a", "b"]), 2)]);
}

#[test]
fn an_empty_collection_delivers_an_empty_result() {
    let db = open();
    let (log, cb) = query_log();
    let _s = db.observe_query(&todos(), Query::new(), cb);
    db.flush();
    assert_eq!(log.all(), vec![(vec![], 0)]);
}

#[test]
fn inserts_and_deletes_update_the_results() {
    let db = open();
    let (log, cb) = query_log();
    let _s = db.observe_query(&todos(), Query::new().sort(SortEntry::asc("priority")), cb);
    db.flush();
    put_todo(&db, "a", "a", false, 2);
    db.flush();
    put_todo(&db, "b", "b", false, 1);
    db.flush();
    db.delete(&todos(), "a", &DeleteOptions::default()).unwrap();
    db.flush();
    assert_eq!(
        log.all(),
        vec![
            (vec![], 0),
            (ids(&["a"]), 1),
            (ids(&["b", "a"]), 2),
            (ids(&["b"]), 1)
        ]
    );
}

#[test]
fn limit_and_offset_pages_follow_changes() {
    let db = open();
    for (id, p) in [("a", 1), ("b", 2), ("c", 3)] {
        put_todo(&db, id, id, false, p);
    }
    let (log, cb) = query_log();
    let q = Query::new()
        .sort(SortEntry::asc("priority"))
        .offset(1)
        .limit(1);
    let _s = db.observe_query(&todos(), q, cb);
    db.flush();
    assert_eq!(log.last().unwrap(), (ids(&["b"]), 3));
    // A record before the page leaves: the page shifts.
    db.delete(&todos(), "a", &DeleteOptions::default()).unwrap();
    db.flush();
    assert_eq!(log.last().unwrap(), (ids(&["c"]), 2));
}

#[test]
fn operators_and_nested_paths_are_honoured() {
    let db = open();
    put_todo(&db, "a", "a", false, 1);
    put_todo(&db, "b", "b", false, 5);
    let (log, cb) = query_log();
    let q = Query::new().filter(Filter::ops("priority", vec![Operator::Gte(json!(3))]));
    let _s = db.observe_query(&todos(), q, cb);
    db.flush();
    assert_eq!(log.last().unwrap().0, ids(&["b"]));
    patch_todo(&db, "a", json!({ "priority": 3 }));
    db.flush();
    assert_eq!(log.last().unwrap().0, ids(&["a", "b"]));
}

#[test]
fn queries_parsed_from_json_work_too() {
    let db = open();
    put_todo(&db, "a", "a", false, 1);
    put_todo(&db, "b", "b", true, 1);
    let q = Query::from_value(
        &json!({ "filter": { "$or": [{ "done": true }, { "priority": { "$gt": 4 } }] } }),
    )
    .unwrap();
    let (log, cb) = query_log();
    let _s = db.observe_query(&todos(), q, cb);
    db.flush();
    assert_eq!(log.last().unwrap().0, ids(&["b"]));
    patch_todo(&db, "a", json!({ "priority": 5 }));
    db.flush();
    assert_eq!(log.last().unwrap().0, ids(&["a", "b"]));
}

#[test]
fn unsubscribe_stops_query_delivery() {
    let db = open();
    let (log, cb) = query_log();
    let s = db.observe_query(&todos(), Query::new(), cb);
    db.flush();
    s.unsubscribe();
    put_todo(&db, "a", "a", false, 1);
    assert_eq!(db.flush(), 0);
    assert_eq!(log.len(), 1);
}

#[test]
fn delivered_results_carry_record_meta() {
    let db = open();
    let opts = less_db::types::PutOptions {
        meta: Some(json!({ "spaceId": "shared" })),
        ..put_opts()
    };
    db.put(&todos(), todo("t", false, 1), &opts).unwrap();
    let metas = Log::new();
    let sink = metas.clone();
    let _s = db.observe_query(&todos(), Query::new(), move |r| {
        sink.push(r.records.iter().map(|r| r.meta.clone()).collect::<Vec<_>>())
    });
    db.flush();
    assert_eq!(
        metas.all(),
        vec![vec![Some(json!({ "spaceId": "shared" }))]]
    );
}

#[test]
fn query_and_record_subscriptions_flush_together() {
    let db = open();
    let (ql, qc) = query_log();
    let (rl, rc) = record_log();
    let _q = db.observe_query(&todos(), Query::new(), qc);
    let _r = db.observe(&todos(), "a", rc);
    assert_eq!(db.flush(), 2);
    put_todo(&db, "a", "a", false, 1);
    assert_eq!(db.flush(), 2);
    assert_eq!((ql.len(), rl.len()), (2, 2));
}

#[test]
fn bulk_writes_give_one_call_per_flush() {
    let db = open();
    let (log, cb) = query_log();
    let _s = db.observe_query(&todos(), Query::new(), cb);
    db.flush();
    db.bulk_put(
        &todos(),
        (0..10).map(|i| todo(&format!("t{i}"), false, i)).collect(),
        &put_opts(),
    )
    .unwrap();
    assert_eq!(db.flush(), 1);
    assert_eq!(log.last().unwrap().1, 10);
}
