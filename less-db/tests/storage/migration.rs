//! Records written at an older schema version: migrated lazily on read (and stored
//! back), or eagerly for a whole collection with progress reports.

use std::sync::Arc;

use less_db::collection::{CollectionDef, collection};
use less_db::schema::t;
use less_db::storage::adapter::{Adapter, MigrationProgress};
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::types::{GetOptions, PutOptions};
use serde_json::{Value, json};

fn v1() -> Arc<CollectionDef> {
    collection("people")
        .v(1, t::object([("name", t::string())]))
        .build()
        .unwrap()
}

/// v2 splits `name` into `first` and `last`.
fn v2() -> Arc<CollectionDef> {
    collection("people")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(
            2,
            t::object([("first", t::string()), ("last", t::string())]),
            |mut data: Value| {
                let name = data["name"].as_str().unwrap_or_default().to_string();
                let (first, last) = name.split_once(' ').unwrap_or((&name, ""));
                let (first, last) = (first.to_string(), last.to_string());
                let obj = data.as_object_mut().unwrap();
                obj.remove("name");
                obj.insert("first".into(), json!(first));
                obj.insert("last".into(), json!(last));
                Ok(data)
            },
        )
        .build()
        .unwrap()
}

fn seeded_file(n: usize) -> (tempfile::TempDir, std::path::PathBuf, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let a = Adapter::open(SqliteBackend::open(&path).unwrap(), &[v1()]).unwrap();
    let ids = (0..n)
        .map(|i| {
            a.put(
                &v1(),
                json!({"name": format!("Ada Lovelace{i}")}),
                &PutOptions::default(),
            )
            .unwrap()
            .id
        })
        .collect();
    (dir, path, ids)
}

#[test]
fn get_migrates_an_old_record_and_stores_the_result() {
    let (_dir, path, ids) = seeded_file(1);
    let def = v2();
    let a = Adapter::open(
        SqliteBackend::open(&path).unwrap(),
        std::slice::from_ref(&def),
    )
    .unwrap();
    let got = a
        .get(&def, &ids[0], &GetOptions::default())
        .unwrap()
        .unwrap();
    assert!(got.was_migrated);
    assert_eq!(got.original_version, Some(1));
    assert_eq!(got.version, 2);
    assert_eq!(got.data["first"], "Ada");
    assert_eq!(got.data["last"], "Lovelace0");
    // Stored back: the next read has nothing to migrate.
    let again = a
        .get(&def, &ids[0], &GetOptions::default())
        .unwrap()
        .unwrap();
    assert!(!again.was_migrated);
    assert_eq!(again.version, 2);
    // Without migration the stored (already migrated) form comes back as is.
    let raw = a
        .get(
            &def,
            &ids[0],
            &GetOptions {
                migrate: false,
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(raw.data["first"], "Ada");
}

#[test]
fn eager_migration_reports_progress_and_leaves_nothing_stale() {
    let (_dir, path, ids) = seeded_file(7);
    let def = v2();
    let a = Adapter::open(
        SqliteBackend::open(&path).unwrap(),
        std::slice::from_ref(&def),
    )
    .unwrap();
    let mut seen = Vec::new();
    let status = a
        .migrate_collection(&def, |p: MigrationProgress| seen.push((p.done, p.total)))
        .unwrap();
    assert_eq!(seen.last(), Some(&(7, 7)));
    assert!(status.finished);
    assert_eq!((status.done, status.total), (7, 7));
    assert!(status.errors.is_empty());
    assert_eq!(a.migration_status("people"), Some(status));
    for id in &ids {
        let r = a.get(&def, id, &GetOptions::default()).unwrap().unwrap();
        assert!(!r.was_migrated, "{id} was left for lazy migration");
        assert_eq!(r.version, 2);
    }
    // A second run finds nothing to do.
    let again = a.migrate_collection(&def, |_| {}).unwrap();
    assert_eq!((again.done, again.total), (0, 0));
}
