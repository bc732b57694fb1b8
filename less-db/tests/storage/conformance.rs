//! The adapter's behaviour, run against SQLite in memory and on a file.
use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};

use less_db::error::{LessDbError, StorageError};
use less_db::query::{Filter, Query, SortEntry};
use less_db::types::{
    DeleteOptions, GetOptions, ListOptions, PatchOptions, PurgeTombstonesOptions,
};
use serde_json::json;

use crate::fixtures::{Db, put_opts, users_def};

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod in_memory {
            $( #[test] fn $name() { super::$name(crate::fixtures::Db::memory()); } )*
        }
        mod on_file {
            $( #[test] fn $name() { super::$name(crate::fixtures::Db::file()); } )*
        }
    };
}

conformance!(
    put_then_get_round_trips_with_auto_fields,
    put_with_an_existing_id_updates_in_place,
    put_into_a_deleted_record_fails,
    patch_changes_only_the_given_fields,
    patch_of_missing_or_deleted_records_fails,
    delete_hides_the_record_and_reports_whether_it_deleted,
    get_all_skips_tombstones_unless_asked,
    query_filters_sorts_and_paginates,
    query_through_an_index_matches_a_full_scan,
    count_with_and_without_filters,
    unique_index_rejects_duplicates_on_put_and_patch,
    bulk_put_reports_each_failure_with_id_and_index,
    bulk_delete_and_delete_many,
    bulk_patch_and_patch_many,
    dirty_records_and_mark_synced,
    sequences_and_session_id_persist_in_meta,
    purge_tombstones_removes_only_tombstones,
);

fn put_then_get_round_trips_with_auto_fields(db: Db) {
    let def = users_def();
    let rec =
        db.a.put(
            &def,
            json!({"name": "Ada", "email": "ada@x.io", "age": 36}),
            &put_opts(),
        )
        .unwrap();
    assert!(!rec.id.is_empty());
    assert!(rec.dirty);
    assert!(rec.data["createdAt"].is_string());
    assert!(rec.data["updatedAt"].is_string());
    let got =
        db.a.get(&def, &rec.id, &GetOptions::default())
            .unwrap()
            .unwrap();
    assert_eq!(got.data, rec.data);
    assert_eq!(got.version, 1);
    assert!(
        db.a.get(&def, "missing", &GetOptions::default())
            .unwrap()
            .is_none()
    );
}

fn put_with_an_existing_id_updates_in_place(db: Db) {
    let def = users_def();
    let first =
        db.a.put(
            &def,
            json!({"name": "Ada", "email": "ada@x.io", "age": 36}),
            &put_opts(),
        )
        .unwrap();
    let again =
        db.a.put(
            &def,
            json!({"id": first.id, "name": "Ada L.", "email": "ada@x.io", "age": 37}),
            &put_opts(),
        )
        .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.data["name"], "Ada L.");
    assert_eq!(again.data["createdAt"], first.data["createdAt"]);
    assert_eq!(db.a.count(&def, None).unwrap(), 1);
}

fn put_into_a_deleted_record_fails(db: Db) {
    let def = users_def();
    let r =
        db.a.put(
            &def,
            json!({"name": "Ada", "email": "ada@x.io", "age": 36}),
            &put_opts(),
        )
        .unwrap();
    assert!(db.a.delete(&def, &r.id, &DeleteOptions::default()).unwrap());
    let err =
        db.a.put(
            &def,
            json!({"id": r.id, "name": "Back", "email": "ada@x.io", "age": 1}),
            &put_opts(),
        )
        .unwrap_err();
    assert!(
        matches!(err, LessDbError::Storage(StorageError::Deleted { .. })),
        "{err}"
    );
}

fn patch_changes_only_the_given_fields(db: Db) {
    let def = users_def();
    let r =
        db.a.put(
            &def,
            json!({"name": "Ada", "email": "ada@x.io", "age": 36}),
            &put_opts(),
        )
        .unwrap();
    let p =
        db.a.patch(
            &def,
            json!({"age": 37}),
            &PatchOptions {
                id: r.id.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(p.data["age"], 37);
    assert_eq!(p.data["name"], "Ada");
    let got =
        db.a.get(&def, &r.id, &GetOptions::default())
            .unwrap()
            .unwrap();
    assert_eq!(got.data["age"], 37);
}

fn patch_of_missing_or_deleted_records_fails(db: Db) {
    let def = users_def();
    let err =
        db.a.patch(
            &def,
            json!({"age": 1}),
            &PatchOptions {
                id: "nope".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, LessDbError::Storage(StorageError::NotFound { .. })),
        "{err}"
    );
    let r =
        db.a.put(
            &def,
            json!({"name": "Ada", "email": "ada@x.io", "age": 36}),
            &put_opts(),
        )
        .unwrap();
    db.a.delete(&def, &r.id, &DeleteOptions::default()).unwrap();
    let err =
        db.a.patch(
            &def,
            json!({"age": 1}),
            &PatchOptions {
                id: r.id.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, LessDbError::Storage(StorageError::Deleted { .. })),
        "{err}"
    );
}

fn delete_hides_the_record_and_reports_whether_it_deleted(db: Db) {
    let def = users_def();
    let r =
        db.a.put(
            &def,
            json!({"name": "Ada", "email": "ada@x.io", "age": 36}),
            &put_opts(),
        )
        .unwrap();
    assert!(db.a.delete(&def, &r.id, &DeleteOptions::default()).unwrap());
    assert!(!db.a.delete(&def, &r.id, &DeleteOptions::default()).unwrap());
    assert!(
        !db.a
            .delete(&def, "never", &DeleteOptions::default())
            .unwrap()
    );
    assert!(
        db.a.get(&def, &r.id, &GetOptions::default())
            .unwrap()
            .is_none()
    );
    let tomb =
        db.a.get(
            &def,
            &r.id,
            &GetOptions {
                include_deleted: true,
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert!(tomb.deleted);
    assert!(tomb.deleted_at.is_some());
}

fn get_all_skips_tombstones_unless_asked(db: Db) {
    let def = users_def();
    let a = db.seed(&def, 3);
    db.a.delete(&def, &a[0], &DeleteOptions::default()).unwrap();
    assert_eq!(
        db.a.get_all(&def, &ListOptions::default())
            .unwrap()
            .records
            .len(),
        2
    );
    let all =
        db.a.get_all(
            &def,
            &ListOptions {
                include_deleted: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(all.records.len(), 3);
}

fn query_filters_sorts_and_paginates(db: Db) {
    let def = users_def();
    db.seed(&def, 10);
    let q = Query::new()
        .filter(Filter::from_value(&json!({"age": {"$gte": 23}})).unwrap())
        .sort(SortEntry::desc("age"))
        .limit(3)
        .offset(1);
    let res = db.a.query(&def, &q).unwrap();
    let ages: Vec<i64> = res
        .records
        .iter()
        .map(|r| r.data["age"].as_i64().unwrap())
        .collect();
    assert_eq!(ages, vec![28, 27, 26]);
    assert_eq!(res.total, 7);
    // Sorting on a field without an index goes through memory.
    let by_name =
        db.a.query(&def, &Query::new().sort(SortEntry::asc("name")).limit(2))
            .unwrap();
    let names: Vec<&str> = by_name
        .records
        .iter()
        .map(|r| r.data["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["user 0", "user 1"]);
    assert_eq!(by_name.total, 10);
}

fn query_through_an_index_matches_a_full_scan(db: Db) {
    let def = users_def();
    db.seed(&def, 30);
    let filters = [
        json!({"age": {"$gt": 25, "$lte": 40}}),
        json!({"age": {"$in": [21, 33, 99]}}),
        json!({"email": "u7@x.io"}),
        json!({"age": {"$gte": 30}, "name": {"$ne": "user 12"}}),
        json!({"$or": [{"age": 20}, {"name": "user 29"}]}),
    ];
    for f in filters {
        let filter = Filter::from_value(&f).unwrap();
        for (limit, offset) in [(None, None), (Some(4), Some(2))] {
            let mut q = Query::new()
                .filter(filter.clone())
                .sort(SortEntry::asc("age"));
            q.limit = limit;
            q.offset = offset;
            let got = db.a.query(&def, &q).unwrap();
            let expected = db.reference_query(&def, &q);
            let got_ids: Vec<&str> = got.records.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(got_ids, expected.0, "filter {f}, limit {limit:?}");
            assert_eq!(got.total, expected.1, "total for {f}");
            let count =
                db.a.count(&def, Some(&Query::new().filter(filter.clone())))
                    .unwrap();
            assert_eq!(count, expected.1, "count for {f}");
        }
    }
}

fn count_with_and_without_filters(db: Db) {
    let def = users_def();
    let ids = db.seed(&def, 8);
    db.a.delete(&def, &ids[1], &DeleteOptions::default())
        .unwrap();
    assert_eq!(db.a.count(&def, None).unwrap(), 7);
    let q = Query::new().filter(Filter::from_value(&json!({"age": {"$lt": 24}})).unwrap());
    assert_eq!(db.a.count(&def, Some(&q)).unwrap(), 3);
}

fn unique_index_rejects_duplicates_on_put_and_patch(db: Db) {
    let def = users_def();
    db.a.put(
        &def,
        json!({"name": "A", "email": "same@x.io", "age": 1}),
        &put_opts(),
    )
    .unwrap();
    let err =
        db.a.put(
            &def,
            json!({"name": "B", "email": "same@x.io", "age": 2}),
            &put_opts(),
        )
        .unwrap_err();
    assert!(
        matches!(err, LessDbError::Storage(StorageError::UniqueConstraint { ref index, .. }) if index == "email"),
        "{err}"
    );
    let b =
        db.a.put(
            &def,
            json!({"name": "B", "email": "b@x.io", "age": 2}),
            &put_opts(),
        )
        .unwrap();
    let err =
        db.a.patch(
            &def,
            json!({"email": "same@x.io"}),
            &PatchOptions {
                id: b.id.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            LessDbError::Storage(StorageError::UniqueConstraint { .. })
        ),
        "{err}"
    );
    // Nothing changed.
    assert_eq!(
        db.a.get(&def, &b.id, &GetOptions::default())
            .unwrap()
            .unwrap()
            .data["email"],
        "b@x.io"
    );
    assert_eq!(db.a.count(&def, None).unwrap(), 2);
    // Re-saving a record with its own email is fine.
    db.a.patch(
        &def,
        json!({"name": "B2"}),
        &PatchOptions {
            id: b.id.clone(),
            ..Default::default()
        },
    )
    .unwrap();
}

fn bulk_put_reports_each_failure_with_id_and_index(db: Db) {
    let def = users_def();
    db.a.put(
        &def,
        json!({"id": "taken", "name": "T", "email": "t@x.io", "age": 1}),
        &put_opts(),
    )
    .unwrap();
    let res =
        db.a.bulk_put(
            &def,
            vec![
                json!({"id": "a", "name": "A", "email": "a@x.io", "age": 1}),
                json!({"id": "b", "name": "B", "email": "t@x.io", "age": 2}),
                json!({"id": "c", "name": 3, "email": "c@x.io", "age": 3}),
                json!({"id": "d", "name": "D", "email": "a@x.io", "age": 4}),
                json!({"id": "e", "name": "E", "email": "e@x.io", "age": 5}),
            ],
            &put_opts(),
        )
        .unwrap();
    let ok: Vec<&str> = res.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ok, vec!["a", "e"]);
    let failed: Vec<(&str, Option<usize>)> = res
        .errors
        .iter()
        .map(|e| (e.id.as_str(), e.index))
        .collect();
    assert_eq!(failed, vec![("b", Some(1)), ("c", Some(2)), ("d", Some(3))]);
    assert!(
        res.errors[1].error.contains("name"),
        "{}",
        res.errors[1].error
    );
    for id in ["a", "e", "taken"] {
        assert!(
            db.a.get(&def, id, &GetOptions::default())
                .unwrap()
                .is_some(),
            "{id}"
        );
    }
    for id in ["b", "c", "d"] {
        assert!(
            db.a.get(&def, id, &GetOptions::default())
                .unwrap()
                .is_none(),
            "{id}"
        );
    }
}

fn bulk_delete_and_delete_many(db: Db) {
    let def = users_def();
    let ids = db.seed(&def, 6);
    let res =
        db.a.bulk_delete(
            &def,
            &[ids[0].as_str(), "ghost", ids[1].as_str()],
            &DeleteOptions::default(),
        )
        .unwrap();
    assert_eq!(res.deleted_ids, vec![ids[0].clone(), ids[1].clone()]);
    let f = Filter::from_value(&json!({"age": {"$gte": 24}})).unwrap();
    let res =
        db.a.delete_many(&def, &f, &DeleteOptions::default())
            .unwrap();
    assert_eq!(res.deleted_ids.len(), 2);
    assert_eq!(db.a.count(&def, None).unwrap(), 2);
}

fn bulk_patch_and_patch_many(db: Db) {
    let def = users_def();
    let ids = db.seed(&def, 4);
    let res =
        db.a.bulk_patch(
            &def,
            vec![
                json!({"id": ids[0], "age": 90}),
                json!({"age": 1}),
                json!({"id": "ghost", "age": 2}),
            ],
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!(res.records.len(), 1);
    assert_eq!(res.errors.len(), 2);
    let f = Filter::from_value(&json!({"age": {"$lt": 90}})).unwrap();
    let res =
        db.a.patch_many(
            &def,
            &f,
            &json!({"name": "renamed"}),
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!(res.matched_count, 3);
    assert_eq!(res.updated_count, 3);
    let q = Query::new().filter(Filter::from_value(&json!({"name": "renamed"})).unwrap());
    assert_eq!(db.a.count(&def, Some(&q)).unwrap(), 3);
}

fn dirty_records_and_mark_synced(db: Db) {
    let def = users_def();
    let ids = db.seed(&def, 3);
    assert_eq!(db.a.get_dirty(&def).unwrap().records.len(), 3);
    db.a.mark_synced(&def, &ids[0], 11, None).unwrap();
    let dirty = db.a.get_dirty(&def).unwrap();
    assert_eq!(dirty.records.len(), 2);
    let synced =
        db.a.get(&def, &ids[0], &GetOptions::default())
            .unwrap()
            .unwrap();
    assert!(!synced.dirty);
    assert_eq!(synced.sequence, 11);
}

fn sequences_and_session_id_persist_in_meta(db: Db) {
    assert_eq!(db.a.get_last_sequence("users").unwrap(), 0);
    db.a.set_last_sequence("users", 77).unwrap();
    assert_eq!(db.a.get_last_sequence("users").unwrap(), 77);
    let sid = db.a.session_id().unwrap();
    assert_eq!(db.a.session_id().unwrap(), sid);
    if let Some(reopened) = db.reopen() {
        assert_eq!(reopened.a.session_id().unwrap(), sid);
        assert_eq!(reopened.a.get_last_sequence("users").unwrap(), 77);
    }
}

fn purge_tombstones_removes_only_tombstones(db: Db) {
    let def = users_def();
    let ids = db.seed(&def, 3);
    db.a.delete(&def, &ids[2], &DeleteOptions::default())
        .unwrap();
    let dry =
        db.a.purge_tombstones(
            &def,
            &PurgeTombstonesOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(dry, 1);
    let n =
        db.a.purge_tombstones(&def, &PurgeTombstonesOptions::default())
            .unwrap();
    assert_eq!(n, 1);
    let all =
        db.a.get_all(
            &def,
            &ListOptions {
                include_deleted: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(all.records.len(), 2);
}

#[test]
fn remote_changes_update_clean_records_and_merge_dirty_ones() {
    use less_db::types::{ApplyRemoteOptions, RemoteAction, RemoteRecord};
    let db = Db::memory();
    let def = users_def();
    let base = json!({"id": "r1", "name": "Ann", "email": "r1@x.io", "age": 30, "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"});
    let remote = |data: serde_json::Value, seq: i64| RemoteRecord {
        id: "r1".into(),
        version: 1,
        crdt: Some(crate::defs::remote_crdt(&def, data)),
        deleted: false,
        sequence: seq,
        meta: None,
    };
    let opts = ApplyRemoteOptions::default();
    let res =
        db.a.apply_remote_changes(&def, &[remote(base.clone(), 1)], &opts)
            .unwrap();
    assert_eq!(res.applied[0].action, RemoteAction::Inserted);
    assert!(
        !db.a
            .get(&def, "r1", &GetOptions::default())
            .unwrap()
            .unwrap()
            .dirty
    );

    // Clean local: the remote state replaces it.
    let mut newer = base.clone();
    newer["name"] = json!("Anne");
    let res =
        db.a.apply_remote_changes(&def, &[remote(newer, 2)], &opts)
            .unwrap();
    assert_eq!(res.applied[0].action, RemoteAction::Updated);
    assert_eq!(
        db.a.get(&def, "r1", &GetOptions::default())
            .unwrap()
            .unwrap()
            .data["name"],
        "Anne"
    );

    // Dirty local: a local edit of `age` survives a concurrent remote edit of `email`
    // made on the synced state.
    let synced =
        db.a.get(&def, "r1", &GetOptions::default())
            .unwrap()
            .unwrap();
    db.a.patch(
        &def,
        json!({"age": 31}),
        &PatchOptions {
            id: "r1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let model = less_db::crdt::model_from_binary(&synced.crdt).unwrap();
    let mut fork = less_db::crdt::fork_model(&model, less_db::crdt::MIN_SESSION_ID + 500).unwrap();
    let mut theirs = synced.data.clone();
    theirs["email"] = json!("anne@x.io");
    let patch = less_db::crdt::diff_model(&def.current_schema, &fork, &theirs).unwrap();
    less_db::crdt::apply_patch(&mut fork, &patch);
    let merged_remote = RemoteRecord {
        crdt: Some(fork.to_binary()),
        ..remote(base.clone(), 3)
    };
    let res =
        db.a.apply_remote_changes(&def, &[merged_remote], &opts)
            .unwrap();
    assert_eq!(res.applied[0].action, RemoteAction::Merged);
    assert_eq!(res.merged_count, 1);
    let got =
        db.a.get(&def, "r1", &GetOptions::default())
            .unwrap()
            .unwrap();
    assert_eq!(got.data["age"], 31);
    assert_eq!(got.data["email"], "anne@x.io");
    assert!(got.dirty);
}
