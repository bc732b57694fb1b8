#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The committed generated module compiles against the derive layer, stores and reads
//! records of every collection, migrates version 1 users through the migration
//! function it names, and builds the same definitions as the schema file.

// The snapshot is prettyplease output, checked byte for byte: rustfmt leaves it alone.
#[rustfmt::skip]
#[path = "snapshots/schema.rs"]
mod schema;

/// The migration functions the generated module asks for.
mod migrations {
    use crate::schema::{Address, Role, User, UserV1};

    pub fn users_v1_to_v2(old: UserV1) -> User {
        let (first, last) = old.name.split_once(' ').unwrap_or((old.name.as_str(), ""));
        User {
            id: old.id,
            email: old.email,
            first_name: first.to_string(),
            last_name: last.to_string(),
            nickname: None,
            bio: String::new(),
            age: None,
            active: true,
            birthday: None,
            avatar: None,
            tags: vec!["migrated".into()],
            prefs: Default::default(),
            address: Address {
                street: String::new(),
                city: "unknown".into(),
                zip_code: None,
            },
            role: Role::Member,
            created_at: old.created_at,
            updated_at: old.updated_at,
        }
    }
}

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use less_db::typed::{Bytes, Database, Document};
use schema::*;

fn epoch() -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(0, 0).unwrap()
}

fn sample_user(id: &str, email: &str) -> User {
    User {
        id: id.into(),
        email: email.into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        nickname: Some("ada".into()),
        bio: "Wrote the first program".into(),
        age: Some(36.0),
        active: true,
        birthday: Some(Utc.with_ymd_and_hms(1815, 12, 10, 0, 0, 0).unwrap()),
        avatar: Some(Bytes::new(vec![0, 1, 2, 255])),
        tags: vec!["math".into(), "poetry".into()],
        prefs: BTreeMap::from([("dark".to_string(), true)]),
        address: Address {
            street: "12 St James's Square".into(),
            city: "London".into(),
            zip_code: Some("SW1Y".into()),
        },
        role: Role::Admin,
        created_at: epoch(),
        updated_at: epoch(),
    }
}

fn sample_note(id: &str, priority: Priority) -> Note {
    Note {
        id: id.into(),
        owner: "u1".into(),
        kind: NoteKind,
        body: "Hello".into(),
        pinned: true,
        priority,
        attachments: vec![Attachment {
            name: "a.bin".into(),
            data: Bytes::new(vec![9, 8, 7]),
            added_at: Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap(),
        }],
        scores: BTreeMap::from([("x".to_string(), 1.5)]),
        created_at: epoch(),
        updated_at: epoch(),
    }
}

#[test]
fn stores_and_reads_records_of_every_collection() {
    let db = Database::in_memory(definitions()).unwrap();
    let users = db.collection::<User>();
    let stored = users.put(&sample_user("u1", "ada@example.com")).unwrap();
    assert_eq!(stored.first_name, "Ada");
    assert_ne!(stored.created_at, epoch(), "the engine sets the timestamps");
    assert_eq!(users.get("u1").unwrap(), Some(stored.clone()));

    let notes = db.collection::<Note>();
    let a = notes
        .put(&sample_note("n1", Priority::Number(2.0)))
        .unwrap();
    let b = notes
        .put(&sample_note("n2", Priority::PriorityNone(PriorityNone)))
        .unwrap();
    assert_eq!(notes.get("n1").unwrap(), Some(a));
    assert_eq!(notes.get("n2").unwrap(), Some(b.clone()));
    assert_eq!(b.priority, Priority::PriorityNone(PriorityNone));
    assert_eq!(notes.all().unwrap().len(), 2);
}

#[test]
fn unique_index_from_the_schema_file_is_enforced() {
    let db = Database::in_memory(definitions()).unwrap();
    let users = db.collection::<User>();
    users.put(&sample_user("u1", "same@example.com")).unwrap();
    assert!(users.put(&sample_user("u2", "same@example.com")).is_err());
}

#[test]
fn version_1_records_migrate_through_the_user_function() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    {
        let db = Database::open(&path, [UserV1::def(), Note::def()]).unwrap();
        db.collection::<UserV1>()
            .put(&UserV1 {
                id: "old".into(),
                name: "Grace Hopper".into(),
                email: "grace@example.com".into(),
                created_at: epoch(),
                updated_at: epoch(),
            })
            .unwrap();
    }
    let db = Database::open(&path, definitions()).unwrap();
    let user = db.collection::<User>().get("old").unwrap().unwrap();
    assert_eq!(user.id, "old");
    assert_eq!(
        (user.first_name.as_str(), user.last_name.as_str()),
        ("Grace", "Hopper")
    );
    assert_eq!(user.email, "grace@example.com");
    assert_eq!(user.tags, ["migrated"]);
    assert_ne!(
        user.created_at,
        epoch(),
        "the record keeps its own timestamps"
    );
}

#[test]
fn literal_types_accept_only_their_value() {
    assert_eq!(
        serde_json::to_value(NoteKind).unwrap(),
        serde_json::json!("note")
    );
    assert!(serde_json::from_value::<NoteKind>(serde_json::json!("note")).is_ok());
    assert!(serde_json::from_value::<NoteKind>(serde_json::json!("other")).is_err());
    assert_eq!(
        serde_json::from_value::<Priority>(serde_json::json!(false)).unwrap(),
        Priority::PriorityNone(PriorityNone)
    );
    assert_eq!(
        serde_json::from_value::<Priority>(serde_json::json!(3)).unwrap(),
        Priority::Number(3.0)
    );
    assert!(serde_json::from_value::<Priority>(serde_json::json!(true)).is_err());
    assert_eq!(
        serde_json::to_value(Role::Member).unwrap(),
        serde_json::json!("member")
    );
}

#[test]
fn constants_name_the_collections_and_newest_versions() {
    assert_eq!((USERS_COLLECTION, USERS_VERSION), ("users", 2));
    assert_eq!((NOTES_COLLECTION, NOTES_VERSION), ("notes", 1));
}

/// The schema file, read by the codegen library, gives the definitions the derive
/// builds from the generated structs.
#[test]
fn schema_file_definitions_equal_the_derived_ones() {
    let text = include_str!("../examples/schema.json");
    let file = less_db_codegen::parse_schema("examples/schema.json", text).unwrap();
    let derived = definitions();
    assert_eq!(file.collections.len(), derived.len());
    for (spec, derived) in file.collections.iter().zip(&derived) {
        let from_file = less_db_codegen::defs::checked_def(spec).unwrap();
        assert_eq!(from_file.name, derived.name);
        assert_eq!(from_file.current_version, derived.current_version);
        assert_eq!(
            from_file.current_schema, derived.current_schema,
            "{}",
            spec.name
        );
        assert_eq!(from_file.versions.len(), derived.versions.len());
        for (a, b) in from_file.versions.iter().zip(&derived.versions) {
            assert_eq!(a.version, b.version);
            assert_eq!(a.shape, b.shape, "{} v{}", spec.name, a.version);
            assert_eq!(a.schema, b.schema);
            assert_eq!(a.migrate.is_some(), b.migrate.is_some());
        }
        assert_eq!(from_file.indexes, derived.indexes, "{}", spec.name);
    }
}
