//! The reactive adapter forwards every storage call to the inner adapter unchanged.

use less_db::query::{Filter, Query};
use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};
use less_db::types::{DeleteOptions, GetOptions, ListOptions, PatchOptions};
use serde_json::json;

use crate::common::*;

#[test]
fn reads_match_the_inner_adapter() {
    let db = open();
    put_todo(&db, "a", "a", false, 1);
    put_todo(&db, "b", "b", true, 2);
    let def = todos();
    let got = db.get(&def, "a", &GetOptions::default()).unwrap().unwrap();
    assert_eq!(
        got,
        db.inner()
            .get(&def, "a", &GetOptions::default())
            .unwrap()
            .unwrap()
    );
    assert_eq!(
        db.get_all(&def, &ListOptions::default())
            .unwrap()
            .records
            .len(),
        2
    );
    let q = Query::new().filter(Filter::eq("done", true));
    assert_eq!(db.query(&def, &q).unwrap().records[0].id, "b");
    assert_eq!(db.count(&def, Some(&q)).unwrap(), 1);
    assert_eq!(db.count(&def, None).unwrap(), 2);
    assert_eq!(
        db.explain_query(&def, &q),
        db.inner().explain_query(&def, &q)
    );
}

#[test]
fn writes_return_what_the_inner_adapter_returns() {
    let db = open();
    let def = todos();
    let r = db.put(&def, todo("a", false, 1), &put_opts()).unwrap();
    assert_eq!(r.data["title"], json!("a"));
    let p = patch_todo(&db, &r.id, json!({ "title": "b" }));
    assert_eq!(p.data["title"], json!("b"));
    put_todo(&db, "x", "x", false, 1);
    put_todo(&db, "y", "y", false, 1);
    let bp = db
        .bulk_patch(
            &def,
            vec![
                json!({ "id": "x", "done": true }),
                json!({ "id": "y", "done": true }),
            ],
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!((bp.records.len(), bp.errors.len()), (2, 0));
    let pm = db
        .patch_many(
            &def,
            &Filter::eq("done", true),
            &json!({ "priority": 7 }),
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!((pm.matched_count, pm.updated_count), (2, 2));
    let dm = db
        .delete_many(&def, &Filter::eq("priority", 7), &DeleteOptions::default())
        .unwrap();
    assert_eq!(dm.deleted_ids.len(), 2);
    assert_eq!(db.count(&def, None).unwrap(), 1);
}

#[test]
fn sync_calls_pass_through() {
    let db = open();
    let def = todos();
    put_todo(&db, "a", "a", false, 1);
    assert_eq!(db.get_dirty(&def).unwrap().records.len(), 1);
    db.mark_synced(&def, "a", 3, None).unwrap();
    assert!(db.get_dirty(&def).unwrap().records.is_empty());
    assert_eq!(db.get_last_sequence("todos").unwrap(), 0);
    db.set_last_sequence("todos", 42).unwrap();
    assert_eq!(db.get_last_sequence("todos").unwrap(), 42);
    assert_eq!(db.inner().get_last_sequence("todos").unwrap(), 42);
}

#[test]
fn writes_made_on_the_inner_adapter_are_not_reported() {
    let db = open();
    let (log, cb) = record_log();
    let _s = db.observe(&todos(), "a", cb);
    db.flush();
    db.inner()
        .put(
            &todos(),
            json!({ "id": "a", "title": "a", "done": false, "priority": 1 }),
            &put_opts(),
        )
        .unwrap();
    assert_eq!(db.flush(), 0);
    assert_eq!(log.len(), 1);
}
