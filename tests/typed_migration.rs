#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Typed versions: records stored by an older struct are read as the newest one after
//! the upgrade, lazily on read and through eager migration.

use less_db::collection::MigrateError;
use less_db::prelude::*;
use less_db::storage::traits::StorageRead;
use less_db::types::GetOptions;

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "people", version = 1)]
struct PersonV1 {
    #[key]
    id: String,
    name: String,
    #[created_at]
    #[serde(rename = "createdAt")]
    created_at: DateTime<Utc>,
    #[updated_at]
    #[serde(rename = "updatedAt")]
    updated_at: DateTime<Utc>,
}

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "people", version = 2, migrate_from = PersonV1, migrate = split_name)]
#[serde(rename_all = "camelCase")]
struct PersonV2 {
    #[key]
    id: String,
    first_name: String,
    last_name: String,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

/// Version 3 adds an indexed age; unknown ages fail the migration of that record.
#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "people", version = 3, migrate_from = PersonV2, migrate = add_age)]
#[index(age)]
#[serde(rename_all = "camelCase")]
struct Person {
    #[key]
    id: String,
    first_name: String,
    last_name: String,
    age: u32,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

fn split_name(old: PersonV1) -> PersonV2 {
    let (first, last) = old.name.split_once(' ').unwrap_or((&old.name, ""));
    PersonV2 {
        id: old.id,
        first_name: first.into(),
        last_name: last.into(),
        created_at: old.created_at,
        updated_at: old.updated_at,
    }
}

fn add_age(old: PersonV2) -> Result<Person, MigrateError> {
    let age = match old.first_name.as_str() {
        "Ada" => 36,
        "Alan" => 41,
        other => return Err(format!("no age known for {other}").into()),
    };
    Ok(Person {
        id: old.id,
        first_name: old.first_name,
        last_name: old.last_name,
        age,
        created_at: old.created_at,
        updated_at: old.updated_at,
    })
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("less-db-migrate-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes three people with the version 1 struct; returns the database path and ids.
fn stored_at_v1(dir: &TempDir) -> (std::path::PathBuf, Vec<PersonV1>) {
    let path = dir.0.join("people.db");
    let db = Database::open(&path, [PersonV1::def()]).unwrap();
    let people = db.collection::<PersonV1>();
    let stored = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
        .into_iter()
        .map(|name| {
            people
                .put(&PersonV1 {
                    name: name.into(),
                    ..PersonV1::default()
                })
                .unwrap()
        })
        .collect();
    (path, stored)
}

fn stored_version(db: &Database, id: &str) -> u32 {
    db.adapter()
        .get(
            &Person::def(),
            id,
            &GetOptions {
                include_deleted: false,
                migrate: false,
            },
        )
        .unwrap()
        .unwrap()
        .version
}

#[test]
fn the_derived_definition_chains_every_version() {
    let def = Person::def();
    assert_eq!(def.current_version, 3);
    assert_eq!(def.versions.len(), 3);
    assert_eq!(def.versions[0].shape, PersonV1::shape());
    assert_eq!(def.versions[1].shape, PersonV2::shape());
    assert!(def.versions[0].migrate.is_none());
    assert!(def.versions[1].migrate.is_some() && def.versions[2].migrate.is_some());
    // Indexes are the newest struct's.
    assert_eq!(def.indexes.len(), 1);
    assert!(PersonV2::def().indexes.is_empty());
}

#[test]
fn old_records_are_migrated_lazily_on_read() {
    let dir = TempDir::new("lazy");
    let (path, v1) = stored_at_v1(&dir);
    let db = Database::open(&path, [Person::def()]).unwrap();
    let people = db.collection::<Person>();
    assert_eq!(stored_version(&db, &v1[0].id), 1);

    let ada = people.get(&v1[0].id).unwrap().unwrap();
    assert_eq!(
        (ada.first_name.as_str(), ada.last_name.as_str(), ada.age),
        ("Ada", "Lovelace", 36)
    );
    // The engine keeps the record's own id and creation time through the migration.
    assert_eq!(ada.id, v1[0].id);
    assert_eq!(ada.created_at, v1[0].created_at);
    // Read once, stored back at the new version; the others are untouched.
    assert_eq!(stored_version(&db, &v1[0].id), 3);
    assert_eq!(stored_version(&db, &v1[1].id), 1);

    // A record whose migration fails is an error naming the record and the step.
    let err = people.get(&v1[2].id).unwrap_err().to_string();
    assert!(err.contains("no age known for Grace"), "{err}");
    assert!(err.contains(&v1[2].id), "{err}");
}

#[test]
fn old_records_are_migrated_eagerly() {
    let dir = TempDir::new("eager");
    let (path, v1) = stored_at_v1(&dir);
    let db = Database::open(&path, [Person::def()]).unwrap();
    let people = db.collection::<Person>();
    let mut seen = Vec::new();
    let status = people
        .migrate_with_progress(|p| seen.push((p.done, p.total)))
        .unwrap();
    assert!(status.finished);
    assert_eq!((status.done, status.total), (3, 3));
    assert_eq!(seen, [(3, 3)]);
    assert_eq!(status.errors.len(), 1);
    assert_eq!(status.errors[0].id, v1[2].id);
    assert_eq!(stored_version(&db, &v1[0].id), 3);
    assert_eq!(stored_version(&db, &v1[1].id), 3);
    assert_eq!(stored_version(&db, &v1[2].id), 1);

    // Migrated records answer typed queries on the new index.
    let f = Person::fields();
    let found = people.find(f.age.gt(40)).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].first_name, "Alan");
}
