//! The spaces middleware end to end: metadata from write options, enrichment on read,
//! query filters, and sync-state resets when a record changes space.

use less_db::query::{Filter, Query};
use less_db::storage::traits::{StorageSync, StorageWrite};
use less_db::types::{DeleteOptions, GetOptions, ListOptions, PatchOptions};
use serde_json::json;

use crate::common::*;

#[test]
fn reads_are_enriched_with_the_space() {
    let db = typed();
    let r = put(&db, "milk", false, None);
    assert_eq!(r.data["_spaceId"], json!("personal"));
    let got = db
        .get(&todos(), &r.id, &GetOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        (got.data["_spaceId"].clone(), got.data["title"].clone()),
        (json!("personal"), json!("milk"))
    );
    let all = db.get_all(&todos(), &ListOptions::default()).unwrap();
    assert!(
        all.records
            .iter()
            .all(|r| r.data["_spaceId"] == json!("personal"))
    );
    let q = db
        .query(
            &todos(),
            &Query::new().filter(Filter::eq("done", false)),
            None,
        )
        .unwrap();
    assert_eq!(q.records[0].data["_spaceId"], json!("personal"));
}

#[test]
fn the_enrichment_is_not_stored() {
    let db = typed();
    let r = put(&db, "milk", false, None);
    let raw = stored(&db, &r.id);
    assert!(raw.data.get("_spaceId").is_none());
    assert_eq!(raw.meta, None);
}

#[test]
fn a_missing_record_reads_as_none() {
    let db = typed();
    assert!(
        db.get(&todos(), "nope", &GetOptions::default())
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_space_option_is_stored_as_meta() {
    let db = typed();
    let r = put(&db, "shared", false, Some(&space("team")));
    assert_eq!(r.data["_spaceId"], json!("team"));
    assert_eq!(stored(&db, &r.id).meta, Some(json!({ "spaceId": "team" })));
    let got = db
        .get(&todos(), &r.id, &GetOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(got.data["_spaceId"], json!("team"));
}

#[test]
fn same_space_as_follows_a_record_read_through_the_middleware() {
    let db = typed();
    let parent = put(&db, "parent", false, Some(&space("abc")));
    let child = put(
        &db,
        "child",
        false,
        Some(&json!({ "sameSpaceAs": parent.data })),
    );
    assert_eq!(child.data["_spaceId"], json!("abc"));
    assert_eq!(
        stored(&db, &child.id).meta,
        Some(json!({ "spaceId": "abc" }))
    );
}

#[test]
fn same_space_as_a_record_without_space_is_rejected_and_writes_nothing() {
    let db = typed();
    let err = db
        .put(
            &todos(),
            json!({ "title": "c", "done": false }),
            Some(&json!({ "sameSpaceAs": {} })),
            &put_opts(),
        )
        .unwrap_err();
    assert!(err.is_rejection());
    assert!(err.to_string().contains("no space"), "{err}");
    assert_eq!(db.count(&todos(), None, None).unwrap(), 0);
}

#[test]
fn queries_and_counts_filter_by_space() {
    let db = typed();
    put(&db, "a", false, Some(&space("A")));
    put(&db, "b", true, Some(&space("B")));
    put(&db, "a2", true, Some(&space("A")));
    put(&db, "mine", false, None);
    let q = Query::new();
    assert_eq!(db.query(&todos(), &q, None).unwrap().records.len(), 4);
    let a = db.query(&todos(), &q, Some(&space("A"))).unwrap();
    assert_eq!(a.total, 2);
    assert!(a.records.iter().all(|r| r.data["_spaceId"] == json!("A")));
    assert_eq!(db.count(&todos(), None, None).unwrap(), 4);
    assert_eq!(db.count(&todos(), None, Some(&space("A"))).unwrap(), 2);
    let done = Query::new().filter(Filter::eq("done", true));
    assert_eq!(
        db.count(&todos(), Some(&done), Some(&space("A"))).unwrap(),
        1
    );
    let via_record = db
        .query(
            &todos(),
            &q,
            Some(&json!({ "sameSpaceAs": { "_spaceId": "B" } })),
        )
        .unwrap();
    assert_eq!(via_record.records.len(), 1);
}

#[test]
fn limit_offset_and_total_apply_after_the_space_filter() {
    let db = typed();
    for i in 0..3 {
        put(&db, &format!("other{i}"), false, Some(&space("X")));
        put(&db, &format!("mine{i}"), false, Some(&space("A")));
    }
    let q = Query::new().offset(1).limit(1);
    let page = db.query(&todos(), &q, Some(&space("A"))).unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].data["title"], json!("mine1"));
}

#[test]
fn patch_keeps_meta_unless_options_move_the_record() {
    let db = typed();
    let r = put(&db, "t", false, Some(&space("one")));
    db.patch(
        &todos(),
        json!({ "id": r.id, "done": true }),
        None,
        &PatchOptions::default(),
    )
    .unwrap();
    assert_eq!(stored(&db, &r.id).meta, Some(json!({ "spaceId": "one" })));
    let p = db
        .patch(
            &todos(),
            json!({ "id": r.id, "done": false }),
            Some(&space("two")),
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!(p.data["_spaceId"], json!("two"));
    assert_eq!(stored(&db, &r.id).meta, Some(json!({ "spaceId": "two" })));
}

#[test]
fn moving_a_record_to_another_space_restarts_its_sync_state() {
    let db = typed();
    let r = put(&db, "t", false, Some(&space("one")));
    db.inner().mark_synced(&todos(), &r.id, 5, None).unwrap();
    db.patch(
        &todos(),
        json!({ "id": r.id, "title": "edited" }),
        None,
        &patch_opts(),
    )
    .unwrap();
    let before = stored(&db, &r.id);
    assert_eq!(before.sequence, 5);
    assert!(!before.pending_patches.is_empty());
    db.patch(
        &todos(),
        json!({ "id": r.id }),
        Some(&space("two")),
        &patch_opts(),
    )
    .unwrap();
    let after = stored(&db, &r.id);
    assert_eq!(after.meta, Some(json!({ "spaceId": "two" })));
    assert_eq!(after.sequence, 0);
    assert!(after.pending_patches.is_empty());
    assert!(after.dirty);
    assert_eq!(after.data["title"], json!("edited"));
}

#[test]
fn staying_in_the_same_space_keeps_the_sync_state() {
    let db = typed();
    let r = put(&db, "t", false, Some(&space("one")));
    db.inner().mark_synced(&todos(), &r.id, 5, None).unwrap();
    db.patch(
        &todos(),
        json!({ "id": r.id }),
        Some(&space("one")),
        &patch_opts(),
    )
    .unwrap();
    let after = stored(&db, &r.id);
    assert_eq!(after.sequence, 5);
    assert!(!after.dirty);
}

#[test]
fn a_put_that_moves_an_existing_record_also_restarts_sync() {
    let db = typed();
    let r = put(&db, "t", false, Some(&space("one")));
    db.inner().mark_synced(&todos(), &r.id, 9, None).unwrap();
    db.put(
        &todos(),
        json!({ "id": r.id, "title": "t", "done": false }),
        Some(&space("two")),
        &put_opts(),
    )
    .unwrap();
    let after = stored(&db, &r.id);
    assert_eq!((after.sequence, after.dirty), (0, true));
}

#[test]
fn deletes_store_the_space_on_the_tombstone() {
    let db = typed();
    let r = put(&db, "t", false, Some(&space("s1")));
    assert!(
        db.delete(
            &todos(),
            &r.id,
            Some(&space("s1")),
            &DeleteOptions::default()
        )
        .unwrap()
    );
    let t = stored(&db, &r.id);
    assert!(t.deleted);
    assert_eq!(t.meta, Some(json!({ "spaceId": "s1" })));
    let plain = put(&db, "p", false, None);
    assert!(
        db.delete(&todos(), &plain.id, None, &DeleteOptions::default())
            .unwrap()
    );
}

#[test]
fn bulk_delete_and_delete_many_carry_the_space() {
    let db = typed();
    let a = put(&db, "a", true, Some(&space("s")));
    let b = put(&db, "b", true, Some(&space("s")));
    let c = put(&db, "c", false, Some(&space("s")));
    let out = db
        .bulk_delete(
            &todos(),
            &[a.id.as_str()],
            Some(&space("gone")),
            &DeleteOptions::default(),
        )
        .unwrap();
    assert_eq!(out.deleted_ids, vec![a.id.clone()]);
    assert_eq!(stored(&db, &a.id).meta, Some(json!({ "spaceId": "gone" })));
    let out = db
        .delete_many(
            &todos(),
            &Filter::eq("done", true),
            Some(&space("gone")),
            &DeleteOptions::default(),
        )
        .unwrap();
    assert_eq!(out.deleted_ids, vec![b.id.clone()]);
    assert_eq!(stored(&db, &b.id).meta, Some(json!({ "spaceId": "gone" })));
    assert!(!stored(&db, &c.id).deleted);
}

#[test]
fn bulk_put_sets_meta_on_every_record_and_enriches_results() {
    let db = typed();
    let out = db
        .bulk_put(
            &todos(),
            vec![
                json!({ "title": "a", "done": false }),
                json!({ "title": "b", "done": true }),
            ],
            Some(&space("bulk")),
            &put_opts(),
        )
        .unwrap();
    assert_eq!(out.records.len(), 2);
    for r in &out.records {
        assert_eq!(r.data["_spaceId"], json!("bulk"));
        assert_eq!(stored(&db, &r.id).meta, Some(json!({ "spaceId": "bulk" })));
    }
    let plain = db
        .bulk_put(
            &todos(),
            vec![json!({ "title": "x", "done": false })],
            None,
            &put_opts(),
        )
        .unwrap();
    assert_eq!(plain.records[0].data["_spaceId"], json!("personal"));
}

#[test]
fn bulk_patch_and_patch_many_enrich_and_keep_meta() {
    let db = typed();
    let a = put(&db, "a", false, Some(&space("bp")));
    let b = put(&db, "b", false, Some(&space("bp")));
    let out = db
        .bulk_patch(
            &todos(),
            vec![
                json!({ "id": a.id, "done": true }),
                json!({ "id": b.id, "done": true }),
            ],
            None,
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!(out.records.len(), 2);
    for r in &out.records {
        assert_eq!(
            (r.data["_spaceId"].clone(), r.data["done"].clone()),
            (json!("bp"), json!(true))
        );
    }
    assert_eq!(stored(&db, &a.id).meta, Some(json!({ "spaceId": "bp" })));
    let pm = db
        .patch_many(
            &todos(),
            &Filter::eq("done", true),
            &json!({ "title": "z" }),
            None,
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!((pm.matched_count, pm.updated_count), (2, 2));
    assert!(
        pm.records
            .iter()
            .all(|r| r.data["title"] == json!("z") && r.data["_spaceId"] == json!("bp"))
    );
}

#[test]
fn the_plain_reactive_adapter_has_no_meta_and_no_enrichment() {
    let db = reactive();
    let r = db
        .put(
            &todos(),
            json!({ "title": "x", "done": false }),
            &put_opts(),
        )
        .unwrap();
    assert!(r.meta.is_none());
    assert!(r.data.get("_spaceId").is_none());
}
