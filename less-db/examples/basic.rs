#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A first look at less-db: a collection with indexes, on a database file.
//!
//! `cargo run -p less-db --example basic`

use less_db::collection::{IndexSpec, collection};
use less_db::query::{Filter, Query, SortEntry};
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::types::{DeleteOptions, GetOptions, PatchOptions, PutOptions};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A `users` collection: email is unique, age is indexed for range queries.
    let users = collection("users")
        .v(
            1,
            t::object([
                ("name", t::string()),
                ("email", t::string()),
                ("age", t::number()),
            ]),
        )
        .index(IndexSpec::on(["email"]).unique())
        .index("age")
        .build()?;

    // Open a database file (WAL mode) and register the collection, in one call.
    let dir = std::env::temp_dir().join(format!("less-db-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = Adapter::open(
        SqliteBackend::open(dir.join("app.db"))?,
        std::slice::from_ref(&users),
    )?;

    let put = PutOptions::default();
    let ada = db.put(
        &users,
        json!({"name": "Ada", "email": "ada@example.com", "age": 36}),
        &put,
    )?;
    db.put(
        &users,
        json!({"name": "Grace", "email": "grace@example.com", "age": 45}),
        &put,
    )?;
    db.put(
        &users,
        json!({"name": "Linus", "email": "linus@example.com", "age": 28}),
        &put,
    )?;
    println!("put     {}", ada.data);

    let got = db.get(&users, &ada.id, &GetOptions::default())?;
    println!("get     {}", got.map(|r| r.data).unwrap_or_default());

    // Runs on the age index: the sort, limit and offset happen in SQL.
    let query = Query::new()
        .filter(Filter::from_value(&json!({"age": {"$gte": 30}}))?)
        .sort(SortEntry::desc("age"))
        .limit(10);
    let found = db.query(&users, &query)?;
    let names: Vec<&str> = found
        .records
        .iter()
        .filter_map(|r| r.data["name"].as_str())
        .collect();
    println!(
        "query   age >= 30, oldest first: {names:?} ({} matches)",
        found.total
    );

    let patch = PatchOptions {
        id: ada.id.clone(),
        ..Default::default()
    };
    let older = db.patch(&users, json!({"age": 37}), &patch)?;
    println!(
        "patch   {} is now {}",
        older.data["name"], older.data["age"]
    );

    // The unique index refuses a second user with the same email; nothing is written.
    let dup = db.put(
        &users,
        json!({"name": "Eve", "email": "ada@example.com", "age": 1}),
        &put,
    );
    println!(
        "put     same email again: {}",
        dup.map(|_| "accepted".to_string())
            .unwrap_or_else(|e| e.to_string())
    );

    db.delete(&users, &ada.id, &DeleteOptions::default())?;
    let gone = db.get(&users, &ada.id, &GetOptions::default())?;
    println!(
        "delete  then get: {:?}; {} users left",
        gone.map(|r| r.id),
        db.count(&users, None)?
    );

    drop(db);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
