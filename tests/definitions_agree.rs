#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// clippy reads `#[index(a)]` next to `#[index(a, b)]` as a repeated attribute.
#![allow(clippy::duplicated_attributes)]
//! Derived definitions, `collection!` definitions and hand-built ones agree (schema
//! trees, version maps, indexes), and `collection!` value migrations run.

use std::collections::BTreeMap;
use std::sync::Arc;

use less_db::collection::{CollectionDef, IndexSpec, MigrateError};
use less_db::prelude::*;
use less_db::schema::node::SchemaNode;
use less_db::types::{GetOptions, PutOptions};
use serde_json::{Value, json};

fn same(a: &CollectionDef, b: &CollectionDef) {
    assert_eq!(a.name, b.name);
    assert_eq!(a.current_version, b.current_version);
    assert_eq!(a.current_schema, b.current_schema);
    assert_eq!(a.versions.len(), b.versions.len());
    for (va, vb) in a.versions.iter().zip(&b.versions) {
        assert_eq!(va.version, vb.version);
        assert_eq!(va.shape, vb.shape, "version {}", va.version);
        assert_eq!(va.schema, vb.schema);
        assert_eq!(va.migrate.is_some(), vb.migrate.is_some());
    }
    assert_eq!(a.indexes, b.indexes);
}

// --- a small collection with every index kind but computed ----------------------

#[derive(Schema, Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
enum Priority {
    Low,
    High,
}

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[collection(name = "tasks")]
#[index(title)]
#[index(done, priority)]
#[index(due desc, name = "by_due")]
#[index(owner, unique, sparse)]
struct Task {
    #[key]
    id: String,
    title: String,
    done: bool,
    priority: Priority,
    due: Option<DateTime<Utc>>,
    owner: Option<String>,
    notes: Vec<String>,
}

fn task_shape() -> SchemaNode {
    t::object([
        ("title", t::string()),
        ("done", t::boolean()),
        (
            "priority",
            t::union([t::literal("Low"), t::literal("High")]),
        ),
        ("due", t::optional(t::date())),
        ("owner", t::optional(t::string())),
        ("notes", t::array(t::string())),
    ])
}

#[test]
fn task_definitions_agree() {
    let by_hand = collection("tasks")
        .v(1, task_shape())
        .index("title")
        .index(["done", "priority"])
        .index(IndexSpec::on(["due"]).desc("due").named("by_due"))
        .index(IndexSpec::on(["owner"]).unique().sparse())
        .build()
        .unwrap();
    let by_macro = less_db::collection! {
        name: "tasks",
        version 1 {
            title: t::string(),
            done: t::boolean(),
            priority: t::union([t::literal("Low"), t::literal("High")]),
            due: t::optional(t::date()),
            owner: t::optional(t::string()),
            notes: t::array(t::string()),
        },
        index(title),
        index(done, priority),
        index(due desc, name = "by_due"),
        index(owner, unique, sparse),
    }
    .unwrap();
    same(&Task::def(), &by_hand);
    same(&Task::def(), &by_macro);
}

// --- nested objects, records and renames -----------------------------------------

#[derive(Schema, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Line {
    product_id: String,
    quantity: u32,
}

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[collection(name = "orders")]
#[index(customer_id, placed_at)]
#[serde(rename_all = "camelCase")]
struct Order {
    #[key]
    id: String,
    customer_id: String,
    placed_at: DateTime<Utc>,
    lines: Vec<Line>,
    totals: BTreeMap<String, f64>,
    #[text]
    comment: String,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

#[test]
fn order_definitions_agree() {
    let line = || t::object([("productId", t::string()), ("quantity", t::number())]);
    let shape = t::object([
        ("customerId", t::string()),
        ("placedAt", t::date()),
        ("lines", t::array(line())),
        ("totals", t::record(t::number())),
        ("comment", t::text()),
    ]);
    let by_hand = collection("orders")
        .v(1, shape)
        .index(["customerId", "placedAt"])
        .build()
        .unwrap();
    let by_macro = less_db::collection! {
        name: "orders",
        version 1 {
            customerId: t::string(),
            placedAt: t::date(),
            lines: t::array(line()),
            totals: t::record(t::number()),
            comment: t::text(),
        },
        index(customerId, placedAt),
    }
    .unwrap();
    same(&Order::def(), &by_hand);
    same(&Order::def(), &by_macro);
}

// --- several versions ---------------------------------------------------------------

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "contacts")]
struct ContactV1 {
    #[key]
    id: String,
    name: String,
}

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "contacts", version = 2, migrate_from = ContactV1, migrate = to_v2)]
#[index(email, sparse)]
struct Contact {
    #[key]
    id: String,
    name: String,
    email: Option<String>,
}

fn to_v2(old: ContactV1) -> Contact {
    Contact {
        id: old.id,
        name: old.name,
        email: None,
    }
}

fn add_email(mut data: Value) -> Result<Value, MigrateError> {
    let obj = data.as_object_mut().ok_or("not an object")?;
    let name = obj["name"].as_str().ok_or("no name")?.to_lowercase();
    obj.insert("email".into(), json!(format!("{name}@example.com")));
    Ok(data)
}

fn contacts_v2_by_macro() -> Arc<CollectionDef> {
    less_db::collection! {
        name: "contacts",
        version 1 { name: t::string() },
        version 2 {
            name: t::string(),
            email: t::optional(t::string()),
        } migrate add_email,
        index(email, sparse),
    }
    .unwrap()
}

#[test]
fn versioned_definitions_agree() {
    let by_hand = collection("contacts")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(
            2,
            t::object([("name", t::string()), ("email", t::optional(t::string()))]),
            Ok,
        )
        .index(IndexSpec::on(["email"]).sparse())
        .build()
        .unwrap();
    same(&Contact::def(), &by_hand);
    same(&Contact::def(), &contacts_v2_by_macro());
}

#[test]
fn collection_macro_migrations_run_on_stored_records() {
    let v1 = less_db::collection! {
        name: "contacts",
        version 1 { name: t::string() },
    }
    .unwrap();
    let backend = SqliteBackend::open_in_memory().unwrap();
    let old = Adapter::open(backend, std::slice::from_ref(&v1)).unwrap();
    let stored = old
        .put(&v1, json!({"name": "Ada"}), &PutOptions::default())
        .unwrap();
    // The same storage with the version 2 definition.
    let mut adapter = old;
    let v2 = contacts_v2_by_macro();
    adapter.initialize(std::slice::from_ref(&v2)).unwrap();
    let got = adapter
        .get(&v2, &stored.id, &GetOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(got.version, 2);
    assert_eq!(got.data["email"], json!("ada@example.com"));
    assert_eq!(got.data["name"], json!("Ada"));
}

#[test]
fn collection_macro_leaves_runtime_checks_to_the_builder() {
    // Indexing an array is only known once the schema expression runs.
    let err = less_db::collection! {
        name: "posts",
        version 1 { tags: t::array(t::string()) },
        index(tags),
    }
    .unwrap_err();
    assert!(err.to_string().contains("tags"), "{err}");
}
