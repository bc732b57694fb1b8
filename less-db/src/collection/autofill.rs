//! Filling in the fields the engine owns: record keys (UUID v4), `createdAt` and
//! `updatedAt` (ISO-8601, `2024-01-15T10:30:00.000Z`). The clock and the id source can
//! be injected for deterministic tests.

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Map, Value};

use crate::schema::node::SchemaNode;
use crate::schema::serialize::to_iso_string;
use crate::schema::validate::is_valid;

/// Makes a new record key.
pub type IdGenerator = Arc<dyn Fn() -> String + Send + Sync>;

/// Where autofill takes the time and new ids from.
#[derive(Clone, Default)]
pub struct AutofillOptions {
    /// The time written to `createdAt`/`updatedAt`; the current time when `None`.
    pub now: Option<String>,
    /// The id source for missing keys; UUID v4 when `None`.
    pub generate_id: Option<IdGenerator>,
}

impl std::fmt::Debug for AutofillOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AutofillOptions")
            .field("now", &self.now)
            .field("generate_id", &self.generate_id.as_ref().map(|_| ".."))
            .finish()
    }
}

impl AutofillOptions {
    /// Options with a fixed time.
    pub fn at(now: impl Into<String>) -> Self {
        AutofillOptions {
            now: Some(now.into()),
            generate_id: None,
        }
    }

    /// These options with an id source.
    pub fn with_ids(mut self, generate: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.generate_id = Some(Arc::new(generate));
        self
    }
}

/// A random UUID v4, lowercase and hyphenated.
pub fn generate_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The current time as an ISO-8601 string with milliseconds.
pub fn now_iso() -> String {
    to_iso_string(&Utc::now())
}

/// Fills a new record: missing or empty keys get new ids (at any depth: nested objects,
/// array items, record values, union variants), a missing `createdAt` gets the time,
/// `updatedAt` always does. Properties the schema does not name are dropped; values of
/// the wrong type are left for validation to report.
pub fn autofill(schema: &SchemaNode, data: &Value, opts: &AutofillOptions) -> Value {
    autofill_owned(schema, data.clone(), opts)
}

/// [`autofill`] taking the data by value: the write path owns its input, so nothing
/// is copied.
pub(crate) fn autofill_owned(schema: &SchemaNode, data: Value, opts: &AutofillOptions) -> Value {
    let now = opts.now.clone().unwrap_or_else(now_iso);
    Filler { opts, now }.node(schema, data)
}

/// Fills a replacement of an existing record: as [`autofill`] (an existing `createdAt`
/// is kept, `updatedAt` is refreshed, keys of new nested items are generated).
pub fn autofill_for_update(schema: &SchemaNode, data: &Value, opts: &AutofillOptions) -> Value {
    autofill(schema, data, opts)
}

/// [`autofill_for_update`] taking the data by value.
pub(crate) fn autofill_for_update_owned(
    schema: &SchemaNode,
    data: Value,
    opts: &AutofillOptions,
) -> Value {
    autofill_owned(schema, data, opts)
}

struct Filler<'a> {
    opts: &'a AutofillOptions,
    now: String,
}

impl Filler<'_> {
    fn new_id(&self) -> String {
        self.opts
            .generate_id
            .as_ref()
            .map_or_else(generate_uuid, |g| g())
    }

    fn node(&self, schema: &SchemaNode, value: Value) -> Value {
        match (schema, value) {
            (SchemaNode::Optional(_), Value::Null) => Value::Null,
            (SchemaNode::Optional(inner), value) => self.node(inner, value),
            (SchemaNode::Key, Value::String(s)) if s.is_empty() => Value::String(self.new_id()),
            (SchemaNode::UpdatedAt, _) => Value::String(self.now.clone()),
            (SchemaNode::Object(props), Value::Object(map)) => self.object(props, map),
            (SchemaNode::Array(item), Value::Array(items)) => {
                Value::Array(items.into_iter().map(|v| self.node(item, v)).collect())
            }
            (SchemaNode::Record(item), Value::Object(map)) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, self.node(item, v)))
                    .collect(),
            ),
            (SchemaNode::Union(variants), value) => match pick_variant(variants, &value) {
                Some(v) => self.node(v, value),
                None => value,
            },
            (_, value) => value,
        }
    }

    /// The value of a property missing from the input, if autofill supplies one.
    fn missing(&self, schema: &SchemaNode) -> Option<Value> {
        match schema {
            SchemaNode::Key => Some(Value::String(self.new_id())),
            SchemaNode::CreatedAt | SchemaNode::UpdatedAt => Some(Value::String(self.now.clone())),
            _ => None,
        }
    }

    fn object(
        &self,
        props: &std::collections::BTreeMap<String, SchemaNode>,
        map: Map<String, Value>,
    ) -> Value {
        // Values for absent properties are made after the present ones are filled, so
        // generated ids come out in document order.
        let absent: Vec<(&String, &SchemaNode)> = props
            .iter()
            .filter(|(k, _)| !map.contains_key(k.as_str()))
            .collect();
        let mut out = Map::with_capacity(props.len());
        for (k, v) in map {
            if let Some(s) = props.get(&k) {
                let filled = self.node(s, v);
                out.insert(k, filled);
            }
        }
        for (k, s) in absent {
            if let Some(v) = self.missing(s) {
                out.insert(k.clone(), v);
            }
        }
        Value::Object(out)
    }
}

/// The union variant autofill descends into: the first variant that accepts the value
/// as it is, else the first object variant whose literal properties (discriminators)
/// all match, else the first variant of the value's JSON kind.
fn pick_variant<'s>(variants: &'s [SchemaNode], value: &Value) -> Option<&'s SchemaNode> {
    if let Some(v) = variants.iter().find(|v| is_valid(v, value)) {
        return Some(v);
    }
    if let Value::Object(map) = value {
        let discriminated = variants.iter().find(|v| match v.unwrap_optional() {
            SchemaNode::Object(props) => props.iter().all(|(k, s)| match s {
                SchemaNode::Literal(l) => map.get(k).is_some_and(|x| l.matches(x)),
                _ => true,
            }),
            _ => false,
        });
        if discriminated.is_some() {
            return discriminated;
        }
    }
    variants
        .iter()
        .find(|v| same_kind(v.unwrap_optional(), value))
}

fn same_kind(schema: &SchemaNode, value: &Value) -> bool {
    matches!(
        (schema, value),
        (
            SchemaNode::Object(_) | SchemaNode::Record(_),
            Value::Object(_)
        ) | (SchemaNode::Array(_), Value::Array(_))
    )
}
