#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// clippy reads `#[index(age)]` and `#[index(role, age)]` as a repeated attribute.
#![allow(clippy::duplicated_attributes)]
//! The typed database: CRUD, typed queries and patches, bulk writes, and records shared
//! with the value API under the JS field names.

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::{DateTime, TimeZone, Utc};
use less_db::error::{LessDbError, SchemaError, StorageError};
use less_db::prelude::*;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::typed::{Bytes, Document};
use less_db::types::{GetOptions, PutOptions};
use serde_json::json;

#[derive(Schema, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
enum Role {
    Admin,
    #[default]
    Member,
}

#[derive(Schema, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
struct Address {
    city: String,
    zip: Option<String>,
}

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "users")]
#[index(email, unique)]
#[index(age)]
#[index(role, age)]
#[serde(rename_all = "camelCase")]
struct User {
    #[key]
    id: String,
    email: String,
    display_name: String,
    age: Option<u32>,
    role: Role,
    tags: Vec<String>,
    address: Address,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

fn user(email: &str, age: Option<u32>, role: Role) -> User {
    User {
        email: email.into(),
        display_name: email.split('@').next().unwrap().into(),
        age,
        role,
        ..User::default()
    }
}

/// A fresh directory for database files, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("less-db-typed-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn db() -> Database {
    Database::in_memory([User::def()]).unwrap()
}

#[test]
fn put_fills_the_key_and_timestamps_and_get_reads_it_back() {
    let db = db();
    let users = db.collection::<User>();
    let before = Utc::now() - chrono::Duration::seconds(1);
    let ada = users.put(&user("ada@x.io", Some(36), Role::Admin)).unwrap();
    assert!(!ada.id.is_empty());
    assert!(ada.created_at > before);
    assert_eq!(ada.created_at, ada.updated_at);
    assert_eq!(users.get(&ada.id).unwrap(), Some(ada.clone()));
    assert_eq!(users.get("missing").unwrap(), None);
}

#[test]
fn put_of_a_stored_record_replaces_it_and_keeps_created_at() {
    let db = db();
    let users = db.collection::<User>();
    let ada = users.put(&user("ada@x.io", Some(36), Role::Admin)).unwrap();
    let mut changed = ada.clone();
    changed.age = Some(37);
    // A caller cannot rewrite the engine's timestamps.
    changed.created_at = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    let stored = users.put(&changed).unwrap();
    assert_eq!(stored.id, ada.id);
    assert_eq!(stored.age, Some(37));
    assert_eq!(stored.created_at, ada.created_at);
    assert!(stored.updated_at >= ada.updated_at);
    assert_eq!(users.count_all().unwrap(), 1);
}

#[test]
fn patch_sets_only_the_named_fields() {
    let db = db();
    let users = db.collection::<User>();
    let ada = users
        .put(&user("ada@x.io", Some(36), Role::Member))
        .unwrap();
    let f = User::fields();
    let patched = users
        .patch(&ada.id, [f.age.set(None), f.role.set(Role::Admin)])
        .unwrap();
    assert_eq!(patched.age, None);
    assert_eq!(patched.role, Role::Admin);
    assert_eq!(patched.email, ada.email);
    assert_eq!(users.get(&ada.id).unwrap(), Some(patched));
    let err = users.patch("nope", [f.age.set(Some(1))]).unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::NotFound { .. })
    ));
}

#[test]
fn update_edits_the_stored_struct_in_a_closure() {
    let db = db();
    let users = db.collection::<User>();
    let ada = users.put(&user("ada@x.io", None, Role::Member)).unwrap();
    let updated = users
        .update(&ada.id, |u| {
            u.tags.push("math".into());
            u.address.city = "London".into();
        })
        .unwrap();
    assert_eq!(updated.tags, ["math"]);
    assert_eq!(updated.address.city, "London");
    assert_eq!(users.get(&ada.id).unwrap(), Some(updated));
    assert!(users.update("nope", |_| {}).is_err());
}

#[test]
fn delete_and_bulk_operations() {
    let db = db();
    let users = db.collection::<User>();
    let batch = users
        .bulk_put(&[
            user("a@x.io", Some(20), Role::Member),
            user("b@x.io", Some(30), Role::Admin),
            // Same email as the first: the unique index rejects it, the rest is written.
            user("a@x.io", Some(40), Role::Member),
        ])
        .unwrap();
    assert_eq!(batch.records.len(), 2);
    assert_eq!(batch.errors.len(), 1);
    assert_eq!(batch.errors[0].index, Some(2));
    assert!(batch.errors[0].error.contains("unique"));
    assert_eq!(users.count_all().unwrap(), 2);

    assert!(users.delete(&batch.records[0].id).unwrap());
    assert!(!users.delete(&batch.records[0].id).unwrap());
    assert_eq!(users.get(&batch.records[0].id).unwrap(), None);
    let gone = users.bulk_delete(&[&batch.records[1].id, "nope"]).unwrap();
    assert_eq!(gone.deleted_ids, [batch.records[1].id.clone()]);
    assert_eq!(users.count_all().unwrap(), 0);
}

#[test]
fn unique_violations_are_the_engine_errors() {
    let db = db();
    let users = db.collection::<User>();
    users.put(&user("a@x.io", None, Role::Member)).unwrap();
    let err = users.put(&user("a@x.io", None, Role::Admin)).unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::UniqueConstraint { .. })
    ));
}

fn seeded() -> (Database, Collection<User>) {
    let db = db();
    let users = db.collection::<User>();
    for (i, (age, role)) in [
        (Some(25), Role::Member),
        (Some(31), Role::Admin),
        (Some(45), Role::Member),
        (None, Role::Admin),
        (Some(52), Role::Admin),
    ]
    .into_iter()
    .enumerate()
    {
        let mut u = user(&format!("u{i}@x.io"), age, role);
        u.tags = if i % 2 == 0 {
            vec!["even".into()]
        } else {
            vec![]
        };
        users.put(&u).unwrap();
    }
    (db, users)
}

fn emails(users: &[User]) -> Vec<&str> {
    users.iter().map(|u| u.email.as_str()).collect()
}

#[test]
fn typed_queries_filter_sort_and_page() {
    let (_db, users) = seeded();
    let f = User::fields();
    let older = users.find(f.age.gt(30).sort_by(f.age.asc())).unwrap();
    assert_eq!(emails(&older), ["u1@x.io", "u2@x.io", "u4@x.io"]);

    let admins_over_30 = users
        .find(
            f.age
                .gt(30)
                .and(f.role.eq(Role::Admin))
                .sort_by(f.age.desc()),
        )
        .unwrap();
    assert_eq!(emails(&admins_over_30), ["u4@x.io", "u1@x.io"]);

    let page = users
        .query(f.age.gte(0).sort_by(f.age.desc()).limit(2).offset(1))
        .unwrap();
    assert_eq!(page.total, 4);
    assert_eq!(emails(&page.records), ["u2@x.io", "u1@x.io"]);

    let either = users
        .find(f.age.lt(30).or(f.age.is_null()).sort_by(f.email.asc()))
        .unwrap();
    assert_eq!(emails(&either), ["u0@x.io", "u3@x.io"]);

    let tagged = users.find(f.tags.contains("even")).unwrap();
    assert_eq!(tagged.len(), 3);
    let in_list = users
        .find(
            f.email
                .is_in(["u1@x.io", "u3@x.io"])
                .sort_by(f.email.desc()),
        )
        .unwrap();
    assert_eq!(emails(&in_list), ["u3@x.io", "u1@x.io"]);
    let first = users
        .first(f.role.eq(Role::Member).sort_by(f.age.desc()))
        .unwrap();
    assert_eq!(first.map(|u| u.email), Some("u2@x.io".to_string()));
    assert_eq!(users.find(f.role.ne(Role::Admin).not()).unwrap().len(), 3);
}

#[test]
fn typed_counts_match_the_queries() {
    let (_db, users) = seeded();
    let f = User::fields();
    assert_eq!(users.count(f.age.between(30, 50)).unwrap(), 2);
    assert_eq!(users.count(f.role.eq(Role::Admin)).unwrap(), 3);
    assert_eq!(users.count(Where::all()).unwrap(), 5);
    assert_eq!(users.all().unwrap().len(), 5);
}

#[test]
fn typed_filters_have_the_js_json_form() {
    let f = User::fields();
    let q = f
        .age
        .gt(30)
        .and(f.role.eq(Role::Admin))
        .sort_by(f.created_at.desc())
        .limit(5);
    assert_eq!(
        q.to_query().to_value(),
        json!({
            "filter": {"$and": [{"age": {"$gt": 30}}, {"role": "admin"}]},
            "sort": [{"field": "createdAt", "direction": "desc"}],
            "limit": 5
        })
    );
    let day = Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap();
    assert_eq!(
        f.created_at.lt(day).into_filter().to_value(),
        json!({"createdAt": {"$lt": "2024-05-06T07:08:09.000Z"}})
    );
    assert_eq!(f.display_name.path(), "displayName");
    assert!(f.email.matches("(").is_err());
    assert_eq!(
        f.email.matches("^a").unwrap().into_filter().to_value(),
        json!({"email": {"$regex": "^a"}})
    );
}

#[test]
fn typed_writes_are_read_by_the_value_api_with_js_names() {
    let db = db();
    let users = db.collection::<User>();
    let ada = users.put(&user("ada@x.io", Some(36), Role::Admin)).unwrap();
    let raw = db
        .adapter()
        .get(&User::def(), &ada.id, &GetOptions::default())
        .unwrap()
        .unwrap();
    let data = raw.data.as_object().unwrap();
    assert_eq!(data["id"], json!(ada.id));
    assert_eq!(data["displayName"], json!("ada"));
    assert_eq!(data["role"], json!("admin"));
    let created = data["createdAt"].as_str().unwrap();
    // JS form: milliseconds and a Z.
    assert_eq!(created.len(), "2024-01-15T10:30:00.000Z".len(), "{created}");
    assert!(created.ends_with('Z'));
    assert!(data.contains_key("updatedAt"));
    assert!(!data.contains_key("created_at"));
    // `to_record` gives callers of the value API the stored form of a struct.
    assert_eq!(ada.to_record().unwrap(), raw.data);
}

#[test]
fn value_api_writes_are_read_as_structs() {
    let db = db();
    let stored = db
        .adapter()
        .put(
            &User::def(),
            json!({
                "email": "js@x.io",
                "displayName": "From JS",
                "age": null,
                "role": "member",
                "tags": ["a"],
                "address": {"city": "Oslo", "zip": "0150"},
                "createdAt": "2024-01-15T10:30:00.000Z"
            }),
            &PutOptions::default(),
        )
        .unwrap();
    let users = db.collection::<User>();
    let got = users.get(&stored.id).unwrap().unwrap();
    assert_eq!(got.display_name, "From JS");
    assert_eq!(got.address.zip.as_deref(), Some("0150"));
    assert_eq!(
        got.created_at,
        Utc.with_ymd_and_hms(2024, 1, 15, 10, 30, 0).unwrap()
    );
}

#[test]
fn unregistered_collections_fail_with_the_engine_error() {
    let db = Database::in_memory([]).unwrap();
    let err = db.collection::<User>().get("x").unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::CollectionNotRegistered(_))
    ));
}

#[test]
fn file_databases_keep_records_across_opens() {
    let dir = TempDir::new("reopen");
    let path = dir.path().join("app.db");
    let id = {
        let db = Database::open(&path, [User::def()]).unwrap();
        db.collection::<User>()
            .put(&user("ada@x.io", Some(36), Role::Admin))
            .unwrap()
            .id
    };
    let db = Database::open(&path, [User::def()]).unwrap();
    let got = db.collection::<User>().get(&id).unwrap().unwrap();
    assert_eq!(got.email, "ada@x.io");
}

#[test]
fn a_row_edited_behind_the_library_reads_with_the_engine_error() {
    let dir = TempDir::new("edited");
    let path = dir.path().join("app.db");
    let [edited, intact] = {
        let db = Database::open(&path, [User::def()]).unwrap();
        let users = db.collection::<User>();
        ["a@x.io", "b@x.io"].map(|e| users.put(&user(e, Some(30), Role::Member)).unwrap().id)
    };
    // Another program rewrites a row: still JSON (the expression indexes make SQLite
    // refuse anything else), but no longer a `User`. A typed read must report it, not
    // make up a struct or panic.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE records_users SET data = json_set(data, '$.age', 'thirty') WHERE id = ?1",
            [&edited],
        )
        .unwrap();
    let db = Database::open(&path, [User::def()]).unwrap();
    let users = db.collection::<User>();
    let got = users.get(&edited);
    assert!(
        matches!(got, Err(LessDbError::Schema(SchemaError::Serialize { ref path, .. })) if path.contains(&edited)),
        "{got:?}"
    );
    assert_eq!(users.get(&intact).unwrap().unwrap().email, "b@x.io");
}

// ---------------------------------------------------------------------------------
// Every supported field type round-trips.
// ---------------------------------------------------------------------------------

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "everything")]
#[serde(rename_all = "camelCase")]
struct Everything {
    #[key]
    id: String,
    text: String,
    #[text]
    body: String,
    letter: char,
    small: i8,
    medium: i16,
    int: i32,
    big: i64,
    size: isize,
    ubyte: u8,
    ushort: u16,
    uint: u32,
    ubig: u64,
    usize_: usize,
    float: f32,
    double: f64,
    flag: bool,
    when: DateTime<Utc>,
    maybe_when: Option<DateTime<Utc>>,
    blob: Bytes,
    #[bytes]
    #[serde(with = "less_db::typed::base64")]
    raw: Vec<u8>,
    #[bytes]
    #[serde(with = "less_db::typed::base64::option")]
    maybe_raw: Option<Vec<u8>>,
    maybe: Option<String>,
    nested_option: Option<Option<u32>>,
    list: Vec<i64>,
    deque: VecDeque<bool>,
    btree: BTreeMap<String, f64>,
    hash: HashMap<String, Vec<String>>,
    boxed: Box<u32>,
    role: Role,
    roles: Vec<Role>,
    address: Address,
    addresses: Vec<Address>,
    by_name: BTreeMap<String, Address>,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

fn everything() -> Everything {
    let when =
        Utc.with_ymd_and_hms(2021, 3, 4, 5, 6, 7).unwrap() + chrono::Duration::milliseconds(89);
    Everything {
        id: String::new(),
        text: "plain ✓".into(),
        body: "collaborative text".into(),
        letter: 'λ',
        small: -8,
        medium: -1600,
        int: -320_000,
        big: -(1 << 50),
        size: -7,
        ubyte: 255,
        ushort: 65_535,
        uint: 4_000_000_000,
        ubig: 1 << 52,
        usize_: 99,
        float: 1.5,
        double: -2.25e-3,
        flag: true,
        when,
        maybe_when: Some(when),
        blob: Bytes::new(vec![0, 1, 2, 250]),
        raw: b"raw bytes".to_vec(),
        maybe_raw: Some(vec![9, 8, 7]),
        maybe: Some("x".into()),
        nested_option: Some(Some(3)),
        list: vec![1, -2, 3],
        deque: VecDeque::from([true, false]),
        btree: BTreeMap::from([("pi".into(), 3.25)]),
        hash: HashMap::from([("k".into(), vec!["v".into()])]),
        boxed: Box::new(7),
        role: Role::Admin,
        roles: vec![Role::Member, Role::Admin],
        address: Address {
            city: "Paris".into(),
            zip: None,
        },
        addresses: vec![Address {
            city: "Rome".into(),
            zip: Some("00100".into()),
        }],
        by_name: BTreeMap::from([(
            "home".into(),
            Address {
                city: "Lima".into(),
                zip: None,
            },
        )]),
        created_at: DateTime::default(),
        updated_at: DateTime::default(),
    }
}

#[test]
fn every_supported_type_round_trips_through_the_database() {
    let dir = TempDir::new("all");
    let path = dir.path().join("all.db");
    let value = everything();
    let stored = {
        let db = Database::open(&path, [Everything::def()]).unwrap();
        db.collection::<Everything>().put(&value).unwrap()
    };
    let expected = Everything {
        id: stored.id.clone(),
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        ..value.clone()
    };
    assert_eq!(stored, expected);
    // Read back from a fresh open of the file, not from what the write returned.
    let db = Database::open(&path, [Everything::def()]).unwrap();
    let docs = db.collection::<Everything>();
    assert_eq!(docs.get(&stored.id).unwrap(), Some(expected.clone()));
    let empty = Everything {
        maybe_when: None,
        maybe_raw: None,
        maybe: None,
        nested_option: None,
        list: vec![],
        ..value
    };
    let stored = docs.put(&empty).unwrap();
    assert_eq!(docs.get(&stored.id).unwrap(), Some(stored));
}

#[test]
fn every_supported_type_is_stored_in_its_js_form() {
    let db = Database::in_memory([Everything::def()]).unwrap();
    let stored = db.collection::<Everything>().put(&everything()).unwrap();
    let raw = db
        .adapter()
        .get(&Everything::def(), &stored.id, &GetOptions::default())
        .unwrap()
        .unwrap()
        .data;
    assert_eq!(raw["when"], json!("2021-03-04T05:06:07.089Z"));
    assert_eq!(raw["blob"], json!("AAEC+g=="));
    assert_eq!(raw["raw"], json!("cmF3IGJ5dGVz"));
    assert_eq!(raw["role"], json!("admin"));
    assert_eq!(raw["usize"], json!(99));
    assert_eq!(raw["hash"], json!({"k": ["v"]}));
}

#[test]
fn fields_of_every_type_can_be_queried() {
    let db = Database::in_memory([Everything::def()]).unwrap();
    let docs = db.collection::<Everything>();
    let stored = docs.put(&everything()).unwrap();
    let f = Everything::fields();
    let when = stored.when;
    for filter in [
        f.text.eq("plain ✓"),
        f.body.eq("collaborative text"),
        f.letter.eq('λ'),
        f.small.lt(0),
        f.ubig.gt(1),
        f.double.lt(0.0),
        f.flag.eq(true),
        f.when.eq(when),
        f.maybe_when.lte(when),
        f.blob.eq(&[0, 1, 2, 250]),
        f.raw.eq(b"raw bytes"),
        f.maybe.eq("x"),
        f.list.contains(-2),
        f.roles.contains(Role::Admin),
        f.role.is_in([Role::Admin]),
        f.btree.exists(),
    ] {
        assert_eq!(docs.count(filter.clone()).unwrap(), 1, "{filter:?}");
    }
    assert_eq!(docs.count(f.when.gt(when)).unwrap(), 0);
}

#[test]
fn observe_calls_back_with_typed_records() {
    use std::sync::{Arc, Mutex};
    let db = db();
    let users = db.collection::<User>();
    let ada = users.put(&user("ada@x.io", Some(36), Role::Admin)).unwrap();
    let seen: Arc<Mutex<Vec<Option<u32>>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let sub = users.observe(&ada.id, move |u| {
        sink.lock().unwrap().push(u.map(|u| u.age.unwrap_or(0)));
    });
    let f = User::fields();
    users.patch(&ada.id, [f.age.set(Some(37))]).unwrap();
    users.delete(&ada.id).unwrap();
    assert_eq!(*seen.lock().unwrap(), [Some(36), Some(37), None]);
    drop(sub);
    users.put(&user("late@x.io", None, Role::Member)).unwrap();
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn observe_query_follows_the_matching_records() {
    use std::sync::{Arc, Mutex};
    let db = db();
    db.set_auto_flush(false);
    let users = db.collection::<User>();
    let f = User::fields();
    let seen: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let _sub = users.observe_query(f.role.eq(Role::Admin).sort_by(f.email.asc()), move |r| {
        sink.lock()
            .unwrap()
            .push(r.records.into_iter().map(|u| u.email).collect());
    });
    db.flush();
    users.put(&user("b@x.io", None, Role::Admin)).unwrap();
    users.put(&user("c@x.io", None, Role::Member)).unwrap();
    users.put(&user("a@x.io", None, Role::Admin)).unwrap();
    // Nothing runs until the flush; then one call with the current results.
    assert_eq!(seen.lock().unwrap().len(), 1);
    db.flush();
    assert_eq!(
        *seen.lock().unwrap(),
        [vec![], vec!["a@x.io".to_string(), "b@x.io".to_string()]]
    );
}
