use std::collections::BTreeMap;
use std::sync::Arc;

use less_db::collection::CollectionDef;
use less_db::crdt;
use less_db::schema::SchemaNode;
use less_db::storage::record_manager::prepare_new;
use less_db::types::{PutOptions, RemoteRecord, SerializedRecord};
use serde_json::{Value, json};

pub const SID: u64 = 70_000;
pub const OTHER_SID: u64 = 80_000;

fn props(fields: &[(&str, SchemaNode)]) -> BTreeMap<String, SchemaNode> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

/// users v1: name, email (atomic strings), optional bio (text).
pub fn users_def() -> Arc<CollectionDef> {
    less_db::collection::collection("users")
        .v(
            1,
            props(&[
                ("name", SchemaNode::String),
                ("email", SchemaNode::String),
                ("bio", SchemaNode::Optional(Box::new(SchemaNode::Text))),
            ]),
        )
        .build()
        .unwrap()
}

/// docs v1 (title) -> v2 (title, body defaulting to "").
pub fn docs_def() -> Arc<CollectionDef> {
    less_db::collection::collection("docs")
        .v(1, props(&[("title", SchemaNode::String)]))
        .v_migrate(
            2,
            props(&[("title", SchemaNode::String), ("body", SchemaNode::String)]),
            |mut data: Value| {
                if let Value::Object(m) = &mut data {
                    m.entry("body").or_insert(json!(""));
                }
                Ok(data)
            },
        )
        .build()
        .unwrap()
}

/// The full schema of the newest version (with auto-fields).
pub fn schema_of(def: &CollectionDef) -> &SchemaNode {
    &def.current_schema
}

/// The full schema of version `v`.
pub fn schema_at(def: &CollectionDef, v: u32) -> SchemaNode {
    def.schema_for_version(v).unwrap().clone()
}

pub fn put_opts(id: &str) -> PutOptions {
    PutOptions {
        id: Some(id.to_string()),
        ..PutOptions::default()
    }
}

pub fn new_user(id: &str) -> SerializedRecord {
    prepare_new(
        &users_def(),
        json!({"name": "Alice", "email": "alice@example.com"}),
        SID,
        &put_opts(id),
    )
    .unwrap()
    .record
}

/// `record.data` with some fields replaced.
pub fn data_with(record: &SerializedRecord, changes: Value) -> Value {
    let mut out = record.data.clone();
    for (k, v) in changes.as_object().unwrap() {
        out[k] = v.clone();
    }
    out
}

/// A remote record whose document is `record`'s document edited to `data` by another
/// session (what another device would push).
pub fn remote_edit(
    def: &CollectionDef,
    record: &SerializedRecord,
    data: &Value,
    sequence: i64,
) -> RemoteRecord {
    let mut model = crdt::model_load(&record.crdt, OTHER_SID).unwrap();
    if let Some(p) = crdt::diff_model(schema_of(def), &model, data) {
        crdt::apply_patch(&mut model, &p);
    }
    RemoteRecord {
        id: record.id.clone(),
        version: def.current_version,
        crdt: Some(crdt::model_to_binary(&model)),
        deleted: false,
        sequence,
        meta: None,
    }
}

/// A remote record created from scratch at `version` with `data`.
pub fn remote_new(
    def: &CollectionDef,
    id: &str,
    version: u32,
    data: Value,
    sequence: i64,
) -> RemoteRecord {
    let model = crdt::create_model(&schema_at(def, version), &data, OTHER_SID).unwrap();
    RemoteRecord {
        id: id.to_string(),
        version,
        crdt: Some(crdt::model_to_binary(&model)),
        deleted: false,
        sequence,
        meta: None,
    }
}

pub fn remote_tombstone(id: &str, sequence: i64) -> RemoteRecord {
    RemoteRecord {
        id: id.to_string(),
        version: 1,
        crdt: None,
        deleted: true,
        sequence,
        meta: None,
    }
}
