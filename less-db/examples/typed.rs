#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The typed API: a struct is the schema, its fields build queries, and a second
//! version migrates the records the first one stored.
//!
//! `cargo run -p less-db --example typed`

use less_db::prelude::*;

#[derive(Schema, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default)]
#[serde(rename_all = "lowercase")]
enum Role {
    Admin,
    #[default]
    Member,
}

#[derive(Schema, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
struct Address {
    city: String,
    country: String,
}

/// Version 1, as an earlier release of the app stored it.
#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "users", version = 1)]
#[serde(rename_all = "camelCase")]
struct UserV1 {
    #[key]
    id: String,
    name: String,
    email: String,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

/// Version 2: the name is split, and users have an age, a role and an address.
#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "users", version = 2, migrate_from = UserV1, migrate = upgrade)]
#[index(email, unique)]
#[index(last_name, first_name)]
#[index(age)]
#[serde(rename_all = "camelCase")]
struct User {
    #[key]
    id: String,
    email: String,
    first_name: String,
    last_name: String,
    #[text]
    bio: String,
    age: Option<u32>,
    role: Role,
    tags: Vec<String>,
    address: Option<Address>,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

fn upgrade(old: UserV1) -> User {
    let (first, last) = old.name.split_once(' ').unwrap_or((&old.name, ""));
    User {
        email: old.email,
        first_name: first.to_string(),
        last_name: last.to_string(),
        ..User::default()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("less-db-typed-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("app.db");

    // An earlier release wrote version 1 records.
    {
        let db = Database::open(&path, [UserV1::def()])?;
        db.collection::<UserV1>().put(&UserV1 {
            name: "Grace Hopper".into(),
            email: "grace@example.com".into(),
            ..UserV1::default()
        })?;
    }

    // This release opens the same file with version 2.
    let db = Database::open(&path, [User::def()])?;
    let users = db.collection::<User>();
    let status = users.migrate()?;
    println!("migrated {} of {} records", status.done, status.total);

    // No ids or timestamps to invent: the engine fills them in.
    let ada = users.put(&User {
        email: "ada@example.com".into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        age: Some(36),
        role: Role::Admin,
        tags: vec!["math".into()],
        ..User::default()
    })?;
    println!("put     {} created {}", ada.id, ada.created_at);
    users.put(&User {
        email: "alan@example.com".into(),
        first_name: "Alan".into(),
        last_name: "Turing".into(),
        age: Some(41),
        ..User::default()
    })?;

    // Typed queries: a misspelt field or a wrong value type does not compile.
    let f = User::fields();
    let over_30 = users.query(f.age.gt(30).sort_by(f.age.desc()).limit(10))?;
    for u in &over_30.records {
        println!("over 30 {} {} ({:?})", u.first_name, u.last_name, u.age);
    }
    let admins = users.count(f.role.eq(Role::Admin))?;
    println!("admins  {admins}");

    // Patches set some fields; `update` edits the struct in a closure.
    users.patch(&ada.id, [f.age.set(Some(37))])?;
    let ada = users.update(&ada.id, |u| {
        u.address = Some(Address {
            city: "London".into(),
            country: "UK".into(),
        });
    })?;
    println!("updated {:?} {:?}", ada.age, ada.address);

    let grace = users.first(f.first_name.eq("Grace"))?;
    println!("grace   {grace:?}");

    users.delete(&ada.id)?;
    println!("left    {}", users.count_all()?);

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
