//! Bad input is refused with a typed error and changes nothing.

use less_db::error::{LessDbError, SchemaError, StorageError};
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};
use less_db::types::RemoteAction;
use less_db::types::{ApplyRemoteOptions, GetOptions, RemoteRecord};
use serde_json::json;

use crate::defs;
use crate::fixtures::{Db, put_opts, users_def};

#[test]
fn invalid_records_fail_validation_with_paths_and_write_nothing() {
    let db = Db::memory();
    let def = users_def();
    let err =
        db.a.put(
            &def,
            json!({"name": 42, "email": "a@x.io", "age": "old"}),
            &put_opts(),
        )
        .unwrap_err();
    let LessDbError::Schema(SchemaError::Validation(errors)) = &err else {
        panic!("expected a validation error, got {err}");
    };
    let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
    assert!(
        paths.contains(&"name") && paths.contains(&"age"),
        "{paths:?}"
    );
    assert_eq!(db.a.count(&def, None).unwrap(), 0);
    assert!(db.a.get_dirty(&def).unwrap().records.is_empty());
}

#[test]
fn a_unique_violation_leaves_the_stored_record_untouched() {
    let db = Db::memory();
    let def = users_def();
    let first =
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
    let LessDbError::Storage(StorageError::UniqueConstraint {
        existing_id, value, ..
    }) = err
    else {
        panic!("expected a unique violation");
    };
    assert_eq!(existing_id, first.id);
    assert_eq!(value, json!("same@x.io"));
    assert_eq!(db.a.count(&def, None).unwrap(), 1);
}

#[test]
fn unregistered_collections_are_refused() {
    let db = Db::memory();
    let other = defs::named("ghosts");
    let err =
        db.a.put(
            &other,
            json!({"name": "A", "email": "a@x.io", "age": 1}),
            &put_opts(),
        )
        .unwrap_err();
    assert!(
        matches!(err, LessDbError::Storage(StorageError::CollectionNotRegistered(ref n)) if n == "ghosts"),
        "{err}"
    );
    assert!(db.a.get(&other, "x", &GetOptions::default()).is_err());
    assert!(db.a.count(&other, None).is_err());
}

#[test]
fn collection_and_index_names_that_could_inject_sql_are_refused() {
    for name in ["users; DROP TABLE less_meta; --", "u\"s", "x' OR '1'='1"] {
        let backend = SqliteBackend::open_in_memory().unwrap();
        let err = Adapter::open(backend, &[defs::named(name)]).unwrap_err();
        assert!(
            matches!(
                err,
                LessDbError::Schema(SchemaError::InvalidDefinition { .. })
            ),
            "{name}: {err}"
        );
    }
    let backend = SqliteBackend::open_in_memory().unwrap();
    let err = Adapter::open(
        backend,
        &[defs::with_index_field("notes", "title') IS NULL; --")],
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            LessDbError::Schema(SchemaError::InvalidDefinition { .. })
        ),
        "{err}"
    );
}

#[test]
fn adapter_refuses_work_before_initialize() {
    let a = Adapter::new(SqliteBackend::open_in_memory().unwrap());
    let err = a
        .get(&users_def(), "x", &GetOptions::default())
        .unwrap_err();
    assert!(
        matches!(err, LessDbError::Storage(StorageError::NotInitialized)),
        "{err}"
    );
}

fn remote(id: &str, seq: i64, crdt: Option<Vec<u8>>) -> RemoteRecord {
    RemoteRecord {
        id: id.to_string(),
        version: 1,
        crdt,
        deleted: false,
        sequence: seq,
        meta: None,
    }
}

#[test]
fn corrupt_or_oversized_remote_crdt_fails_that_record_only() {
    let db = Db::memory();
    let def = users_def();
    let good = |id: &str| {
        defs::remote_crdt(
            &def,
            json!({"id": id, "name": "R", "email": format!("{id}@x.io"), "age": 3, "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"}),
        )
    };
    let records = vec![
        remote("r1", 5, Some(good("r1"))),
        remote("r2", 6, Some(vec![0xFF, 0x00, 0x13, 0x37])),
        remote("r3", 7, Some(vec![0u8; 10 * 1024 * 1024 + 1])),
        remote("r4", 8, None),
        remote("r5", 9, Some(good("r5"))),
    ];
    let res =
        db.a.apply_remote_changes(&def, &records, &ApplyRemoteOptions::default())
            .unwrap();
    let applied: Vec<(&str, RemoteAction)> = res
        .applied
        .iter()
        .map(|a| (a.id.as_str(), a.action))
        .collect();
    assert_eq!(
        applied,
        vec![
            ("r1", RemoteAction::Inserted),
            ("r5", RemoteAction::Inserted)
        ]
    );
    let failed: Vec<(&str, Option<usize>)> = res
        .errors
        .iter()
        .map(|e| (e.id.as_str(), e.index))
        .collect();
    assert_eq!(
        failed,
        vec![("r2", Some(1)), ("r3", Some(2)), ("r4", Some(3))]
    );
    assert_eq!(res.new_sequence, 9);
    for id in ["r2", "r3", "r4"] {
        assert!(
            db.a.get(&def, id, &GetOptions::default())
                .unwrap()
                .is_none()
        );
    }
    assert_eq!(db.a.count(&def, None).unwrap(), 2);
}

#[test]
fn a_stale_remote_is_skipped() {
    let db = Db::memory();
    let def = users_def();
    let data = |name: &str| json!({"id": "r1", "name": name, "email": "r1@x.io", "age": 3, "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"});
    db.a.apply_remote_changes(
        &def,
        &[remote("r1", 10, Some(defs::remote_crdt(&def, data("new"))))],
        &ApplyRemoteOptions::default(),
    )
    .unwrap();
    let res =
        db.a.apply_remote_changes(
            &def,
            &[remote("r1", 9, Some(defs::remote_crdt(&def, data("old"))))],
            &ApplyRemoteOptions::default(),
        )
        .unwrap();
    assert_eq!(res.applied[0].action, RemoteAction::Skipped);
    assert_eq!(
        db.a.get(&def, "r1", &GetOptions::default())
            .unwrap()
            .unwrap()
            .data["name"],
        "new"
    );
}
