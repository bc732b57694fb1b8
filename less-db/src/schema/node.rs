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

impl From<&str> for LiteralValue {
    fn from(s: &str) -> Self {
        LiteralValue::String(s.to_string())
    }
}

impl From<String> for LiteralValue {
    fn from(s: String) -> Self {
        LiteralValue::String(s)
    }
}

impl From<bool> for LiteralValue {
    fn from(b: bool) -> Self {
        LiteralValue::Bool(b)
    }
}

impl From<i64> for LiteralValue {
    fn from(n: i64) -> Self {
        LiteralValue::Number(n.into())
    }
}

impl From<i32> for LiteralValue {
    fn from(n: i32) -> Self {
        LiteralValue::Number(i64::from(n).into())
    }
}

impl From<u32> for LiteralValue {
    fn from(n: u32) -> Self {
        LiteralValue::Number(u64::from(n).into())
    }
}

/// A float literal. Whole floats become integers (`42.0` is `42`); a non-finite float,
/// which JSON cannot hold, becomes `0`.
impl From<f64> for LiteralValue {
    fn from(n: f64) -> Self {
        LiteralValue::Number(number_from_f64(n))
    }
}

fn number_from_f64(n: f64) -> serde_json::Number {
    // Whole floats are stored as integers so `1.0` and `1` compare equal as JSON.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        return serde_json::Number::from(n as i64);
    }
    serde_json::Number::from_f64(n).unwrap_or_else(|| serde_json::Number::from(0))
}

impl LiteralValue {
    /// The literal as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            LiteralValue::String(s) => serde_json::Value::String(s.clone()),
            LiteralValue::Number(n) => serde_json::Value::Number(n.clone()),
            LiteralValue::Bool(b) => serde_json::Value::Bool(*b),
        }
    }

    /// True when `value` is this literal. Numbers compare by value, so `1` matches
    /// `1.0`.
    pub fn matches(&self, value: &serde_json::Value) -> bool {
        match (self, value) {
            (LiteralValue::String(a), serde_json::Value::String(b)) => a == b,
            (LiteralValue::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (LiteralValue::Number(a), serde_json::Value::Number(b)) => {
                a == b || a.as_f64().zip(b.as_f64()).is_some_and(|(x, y)| x == y)
            }
            _ => false,
        }
    }
}

impl From<BTreeMap<String, SchemaNode>> for SchemaNode {
    fn from(props: BTreeMap<String, SchemaNode>) -> Self {
        SchemaNode::Object(props)
    }
}

/// Field name of the record id.
pub const ID_FIELD: &str = "id";
/// Field name of the creation time.
pub const CREATED_AT_FIELD: &str = "createdAt";
/// Field name of the last update time.
pub const UPDATED_AT_FIELD: &str = "updatedAt";
/// The auto-fields every collection schema gets, in the order they are added.
pub const AUTO_FIELDS: [&str; 3] = [ID_FIELD, CREATED_AT_FIELD, UPDATED_AT_FIELD];

/// The schema builder: `t::string()`, `t::object([("name", t::string())])`, ...
pub mod t {
    use super::{LiteralValue, SchemaNode};

    /// A string, last writer wins as a whole.
    pub fn string() -> SchemaNode {
        SchemaNode::String
    }
    /// Collaborative text, merged character by character.
    pub fn text() -> SchemaNode {
        SchemaNode::Text
    }
    pub fn number() -> SchemaNode {
        SchemaNode::Number
    }
    pub fn boolean() -> SchemaNode {
        SchemaNode::Boolean
    }
    /// A point in time: an ISO-8601 string in records.
    pub fn date() -> SchemaNode {
        SchemaNode::Date
    }
    /// Binary data: a standard, padded base64 string in records.
    pub fn bytes() -> SchemaNode {
        SchemaNode::Bytes
    }
    /// `inner`, or `null`, or (inside an object) absent.
    pub fn optional(inner: SchemaNode) -> SchemaNode {
        SchemaNode::Optional(Box::new(inner))
    }
    pub fn array(item: SchemaNode) -> SchemaNode {
        SchemaNode::Array(Box::new(item))
    }
    /// An object with arbitrary keys, all holding `value`.
    pub fn record(value: SchemaNode) -> SchemaNode {
        SchemaNode::Record(Box::new(value))
    }
    /// An object with fixed properties.
    pub fn object<K: Into<String>>(props: impl IntoIterator<Item = (K, SchemaNode)>) -> SchemaNode {
        SchemaNode::Object(props.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
    /// Exactly one value: `t::literal("admin")`, `t::literal(3)`, `t::literal(true)`.
    pub fn literal(value: impl Into<LiteralValue>) -> SchemaNode {
        SchemaNode::Literal(value.into())
    }
    /// The first variant that accepts the value wins.
    pub fn union(variants: impl IntoIterator<Item = SchemaNode>) -> SchemaNode {
        SchemaNode::Union(variants.into_iter().collect())
    }
    /// The record id: a non-empty string, generated (UUID v4) when missing.
    pub fn key() -> SchemaNode {
        SchemaNode::Key
    }
    /// Set once on insert.
    pub fn created_at() -> SchemaNode {
        SchemaNode::CreatedAt
    }
    /// Refreshed on every write.
    pub fn updated_at() -> SchemaNode {
        SchemaNode::UpdatedAt
    }
}

impl SchemaNode {
    /// The properties of an object node.
    pub fn properties(&self) -> Option<&BTreeMap<String, SchemaNode>> {
        match self {
            SchemaNode::Object(p) => Some(p),
            _ => None,
        }
    }

    /// The schema of the top-level property `name` of an object node.
    pub fn get(&self, name: &str) -> Option<&SchemaNode> {
        self.properties().and_then(|p| p.get(name))
    }

    /// The schema at a dot path (`address.city`) through nested objects (and the
    /// optionals around them).
    pub fn at_path(&self, path: &str) -> Option<&SchemaNode> {
        path.split('.')
            .try_fold(self, |node, seg| node.unwrap_optional().get(seg))
    }

    /// The node inside any number of `Optional` wrappers.
    pub fn unwrap_optional(&self) -> &SchemaNode {
        match self {
            SchemaNode::Optional(inner) => inner.unwrap_optional(),
            other => other,
        }
    }

    /// A short name of the node kind, used in error messages (`string`, `array`, ...).
    pub fn kind_name(&self) -> String {
        match self {
            SchemaNode::String => "string".into(),
            SchemaNode::Text => "text".into(),
            SchemaNode::Number => "number".into(),
            SchemaNode::Boolean => "boolean".into(),
            SchemaNode::Date => "date".into(),
            SchemaNode::Bytes => "bytes".into(),
            SchemaNode::Optional(inner) => format!("optional {}", inner.kind_name()),
            SchemaNode::Array(_) => "array".into(),
            SchemaNode::Record(_) => "record".into(),
            SchemaNode::Object(_) => "object".into(),
            SchemaNode::Literal(l) => l.to_value().to_string(),
            SchemaNode::Union(vs) => vs
                .iter()
                .map(SchemaNode::kind_name)
                .collect::<Vec<_>>()
                .join(" | "),
            SchemaNode::Key => "key".into(),
            SchemaNode::CreatedAt => "createdAt".into(),
            SchemaNode::UpdatedAt => "updatedAt".into(),
        }
    }
}

/// `Key`, `CreatedAt` or `UpdatedAt`: fields the engine fills in.
pub fn is_auto_field(node: &SchemaNode) -> bool {
    matches!(
        node,
        SchemaNode::Key | SchemaNode::CreatedAt | SchemaNode::UpdatedAt
    )
}

/// `CreatedAt` or `UpdatedAt`.
pub fn is_timestamp_field(node: &SchemaNode) -> bool {
    matches!(node, SchemaNode::CreatedAt | SchemaNode::UpdatedAt)
}

/// Fields that never change after insert: `Key` and `CreatedAt`.
pub fn is_immutable_field(node: &SchemaNode) -> bool {
    matches!(node, SchemaNode::Key | SchemaNode::CreatedAt)
}

/// Nodes an index can be built on: scalars (string, text, number, boolean, date,
/// literal, auto-fields), optionals of those, and unions whose variants all are.
/// Containers (array, record, object) and bytes are not indexable.
pub fn is_indexable_node(node: &SchemaNode) -> bool {
    match node {
        SchemaNode::String
        | SchemaNode::Text
        | SchemaNode::Number
        | SchemaNode::Boolean
        | SchemaNode::Date
        | SchemaNode::Literal(_)
        | SchemaNode::Key
        | SchemaNode::CreatedAt
        | SchemaNode::UpdatedAt => true,
        SchemaNode::Optional(inner) => is_indexable_node(inner),
        SchemaNode::Union(vs) => !vs.is_empty() && vs.iter().all(is_indexable_node),
        SchemaNode::Bytes
        | SchemaNode::Array(_)
        | SchemaNode::Record(_)
        | SchemaNode::Object(_) => false,
    }
}

/// True when the node accepts a missing value or `null`.
pub fn is_optional(node: &SchemaNode) -> bool {
    matches!(node, SchemaNode::Optional(_))
}
