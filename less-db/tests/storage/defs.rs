//! Collection definitions used by the storage tests.

use std::sync::Arc;

use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::index::types::{FieldIndex, IndexDefinition, IndexField, SortDirection};
use less_db::schema::t;
use serde_json::Value;

/// `users`: name, email (unique index `email`), age (index `age`).
pub fn users() -> Arc<CollectionDef> {
    collection("users")
        .v(
            1,
            t::object([
                ("name", t::string()),
                ("email", t::string()),
                ("age", t::number()),
            ]),
        )
        .index(IndexSpec::on(["email"]).unique().named("email"))
        .index(IndexSpec::on(["age"]).named("age"))
        .build()
        .unwrap()
}

/// `users` under another name, built by hand so names the builder would refuse reach
/// the storage layer.
pub fn named(name: &str) -> Arc<CollectionDef> {
    let mut def = (*users()).clone();
    def.name = name.to_string();
    Arc::new(def)
}

/// A collection whose only index reads `field`, built by hand like [`named`].
pub fn with_index_field(name: &str, field: &str) -> Arc<CollectionDef> {
    let mut def = (*named(name)).clone();
    def.indexes = vec![IndexDefinition::Field(FieldIndex {
        name: "bad".into(),
        fields: vec![IndexField {
            field: field.to_string(),
            order: SortDirection::Asc,
        }],
        unique: false,
        sparse: false,
    })];
    Arc::new(def)
}

/// CRDT bytes of a record as another replica would send them.
pub fn remote_crdt(def: &CollectionDef, data: Value) -> Vec<u8> {
    let sid = less_db::crdt::MIN_SESSION_ID + 99;
    less_db::crdt::create_model(&def.current_schema, &data, sid)
        .unwrap()
        .to_binary()
}
