use std::collections::BTreeMap;

use less_db::crdt::{self, Model};
use less_db::schema::SchemaNode;
use serde_json::{Value, json};

pub const SID_A: u64 = 100_001;
pub const SID_B: u64 = 200_002;

/// A note: atomic title/tag, collaborative body, a date, a number, an optional field.
pub fn note_schema() -> SchemaNode {
    let mut props = BTreeMap::new();
    props.insert("id".to_string(), SchemaNode::Key);
    props.insert("title".to_string(), SchemaNode::String);
    props.insert("body".to_string(), SchemaNode::Text);
    props.insert("stars".to_string(), SchemaNode::Number);
    props.insert(
        "tag".to_string(),
        SchemaNode::Optional(Box::new(SchemaNode::String)),
    );
    props.insert("due".to_string(), SchemaNode::Date);
    props.insert("createdAt".to_string(), SchemaNode::CreatedAt);
    SchemaNode::Object(props)
}

pub fn note() -> Value {
    json!({
        "id": "n1",
        "title": "Groceries",
        "body": "hello world",
        "stars": 3,
        "tag": "home",
        "due": "2024-03-01T12:00:00.000Z",
        "createdAt": "2024-01-15T10:00:00.000Z"
    })
}

/// `base` with some top-level fields replaced.
pub fn with(base: &Value, changes: Value) -> Value {
    let mut out = base.clone();
    for (k, v) in changes.as_object().unwrap() {
        out[k] = v.clone();
    }
    out
}

/// Two replicas of the same document, as sessions A and B.
pub fn two_replicas(schema: &SchemaNode, data: &Value) -> (Model, Model) {
    let origin = crdt::create_model(schema, data, SID_A).unwrap();
    let bytes = crdt::model_to_binary(&origin);
    let a = crdt::model_load(&bytes, SID_A).unwrap();
    let b = crdt::model_load(&bytes, SID_B).unwrap();
    (a, b)
}

/// Applies `data` as a local edit of `model`; returns the patch.
pub fn edit(schema: &SchemaNode, model: &mut Model, data: &Value) -> crdt::Patch {
    let patch = crdt::diff_model(schema, model, data).expect("edit produced no patch");
    crdt::apply_patch(model, &patch);
    patch
}
