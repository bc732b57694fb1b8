//! The schema tree and the `t` builder functions.

use std::collections::BTreeMap;

/// The value of a literal schema node.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum LiteralValue {
    String(String),
    Number(serde_json::Number),
    Bool(bool),
}

/// One node of a collection schema.
///
/// Atomic strings (`String`, `Key`, `Literal`) are last-writer-wins per field in the
/// CRDT; `Text` is collaborative text that merges character by character. `Date`,
/// `CreatedAt` and `UpdatedAt` are ISO-8601 strings in records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaNode {
    String,
    Text,
    Number,
    Boolean,
    Date,
    Bytes,
    Optional(Box<SchemaNode>),
    Array(Box<SchemaNode>),
    Record(Box<SchemaNode>),
    Object(BTreeMap<String, SchemaNode>),
    Literal(LiteralValue),
    Union(Vec<SchemaNode>),
    /// The record id (`id`).
    Key,
    /// Creation time (`createdAt`), set once on insert.
    CreatedAt,
    /// Last update time (`updatedAt`), refreshed on every write.
    UpdatedAt,
}
