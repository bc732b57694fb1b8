//! The schema-aware mapping between records and CRDT documents.
//!
//! - Atomic strings (`String`, `Key`, `Literal`) and `Bytes` (base64 text in records)
//!   are `con` nodes: a concurrent write to the same field resolves last-writer-wins.
//! - `Text` is a `str` node: concurrent edits merge character by character.
//! - `Date`, `CreatedAt`, `UpdatedAt` are epoch milliseconds (`con` integers) inside
//!   the CRDT and ISO-8601 strings (`YYYY-MM-DDTHH:MM:SS.sssZ`) in records.
//! - Numbers, booleans and null are `con` nodes; objects and records are `obj` nodes,
//!   arrays are `arr` nodes. Values the schema does not describe (unknown keys, a value
//!   of the wrong shape) are built the way a plain JS `api.root` builds them.

use chrono::{DateTime, SecondsFormat, Utc};
use json_joy::json_crdt_patch::Timestamp;
use json_joy::json_crdt_patch::builder::js_key_order;
use json_joy::json_pack::PackValue;
use serde_json::{Map, Number, Value};

use super::ops::OpWriter;
use crate::schema::{LiteralValue, SchemaNode};

pub use crate::schema::date::iso_to_millis;

/// Formats epoch milliseconds the way JS `Date.prototype.toISOString` does.
pub fn millis_to_iso(ms: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// The `con` value of a JSON scalar. Integral floats become integers, as JS writes
/// every safe integer as a CBOR integer whatever its source spelling.
pub(crate) fn scalar_to_pack(value: &Value) -> Option<PackValue> {
    Some(match value {
        Value::Null => PackValue::Null,
        Value::Bool(b) => PackValue::Bool(*b),
        Value::Number(n) => number_to_pack(n),
        Value::String(s) => PackValue::Str(s.clone()),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

fn number_to_pack(n: &Number) -> PackValue {
    if let Some(i) = n.as_i64() {
        return PackValue::Int(i);
    }
    if let Some(u) = n.as_u64() {
        return PackValue::UInt(u);
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    // 2^53: beyond it JS numbers are no longer exact integers.
    const SAFE: f64 = 9_007_199_254_740_992.0;
    if f.fract() == 0.0 && f.abs() < SAFE {
        PackValue::Int(f as i64)
    } else {
        PackValue::Float(f)
    }
}

/// What a field should be inside the CRDT: dates become epoch milliseconds, everything
/// else is unchanged. Returns `None` when nothing needs converting (the common case),
/// so callers can avoid a copy.
fn date_to_crdt(schema: &SchemaNode, value: &Value) -> Option<PackValue> {
    match (schema, value) {
        (SchemaNode::Date | SchemaNode::CreatedAt | SchemaNode::UpdatedAt, Value::String(s)) => {
            iso_to_millis(s).map(PackValue::Int)
        }
        _ => None,
    }
}

/// True when `schema` is an atomic (last-writer-wins) leaf.
fn is_atomic_leaf(schema: &SchemaNode) -> bool {
    matches!(
        schema,
        SchemaNode::String
            | SchemaNode::Key
            | SchemaNode::Literal(_)
            | SchemaNode::Bytes
            | SchemaNode::Number
            | SchemaNode::Boolean
            | SchemaNode::Date
            | SchemaNode::CreatedAt
            | SchemaNode::UpdatedAt
    )
}

/// Picks the union member that describes `value`: the first one whose shape fits.
pub(crate) fn union_variant<'a>(
    variants: &'a [SchemaNode],
    value: &Value,
) -> Option<&'a SchemaNode> {
    variants.iter().find(|v| shape_fits(v, value))
}

fn shape_fits(schema: &SchemaNode, value: &Value) -> bool {
    match schema {
        SchemaNode::String | SchemaNode::Text | SchemaNode::Key | SchemaNode::Bytes => {
            value.is_string()
        }
        SchemaNode::Date | SchemaNode::CreatedAt | SchemaNode::UpdatedAt => {
            value.as_str().is_some_and(|s| iso_to_millis(s).is_some()) || value.is_i64()
        }
        SchemaNode::Number => value.is_number(),
        SchemaNode::Boolean => value.is_boolean(),
        SchemaNode::Literal(lit) => literal_matches(lit, value),
        SchemaNode::Optional(inner) => value.is_null() || shape_fits(inner, value),
        SchemaNode::Array(_) => value.is_array(),
        SchemaNode::Record(_) => value.is_object(),
        SchemaNode::Object(props) => value
            .as_object()
            .is_some_and(|m| m.keys().all(|k| props.contains_key(k))),
        SchemaNode::Union(vs) => vs.iter().any(|v| shape_fits(v, value)),
    }
}

fn literal_matches(lit: &LiteralValue, value: &Value) -> bool {
    match (lit, value) {
        (LiteralValue::String(a), Value::String(b)) => a == b,
        (LiteralValue::Bool(a), Value::Bool(b)) => a == b,
        (LiteralValue::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => false,
    }
}

/// Writes the operations that build `value` as described by `schema`; returns the id
/// of the node that holds it. Object keys go in JS `Object.keys` order (integer-like
/// keys first), as a JS writer would emit them.
pub(crate) fn build_node(w: &mut OpWriter, schema: &SchemaNode, value: &Value) -> Timestamp {
    if let Some(ms) = date_to_crdt(schema, value) {
        return w.con(ms);
    }
    match (schema, value) {
        (SchemaNode::Text, Value::String(s)) => w.str_node(s),
        (SchemaNode::Optional(inner), v) if !v.is_null() => build_node(w, inner, v),
        (SchemaNode::Union(variants), v) => match union_variant(variants, v) {
            Some(variant) => build_node(w, variant, v),
            None => build_plain_const(w, v),
        },
        (SchemaNode::Array(item), Value::Array(items)) => {
            let arr = w.arr();
            let ids = items.iter().map(|v| build_node(w, item, v)).collect();
            w.ins_arr(arr, arr, ids);
            arr
        }
        (SchemaNode::Record(item), Value::Object(map)) => {
            let obj = w.obj();
            let pairs = js_key_order(map)
                .into_iter()
                .map(|(k, v)| (k.clone(), build_node(w, item, v)))
                .collect();
            w.ins_obj(obj, pairs);
            obj
        }
        (SchemaNode::Object(props), Value::Object(map)) => {
            let obj = w.obj();
            let pairs = js_key_order(map)
                .into_iter()
                .map(|(k, v)| {
                    let id = match props.get(k) {
                        Some(s) => build_node(w, s, v),
                        None => build_plain_const(w, v),
                    };
                    (k.clone(), id)
                })
                .collect();
            w.ins_obj(obj, pairs);
            obj
        }
        (s, v) if is_atomic_leaf(s) || !matches!(v, Value::Array(_) | Value::Object(_)) => {
            match scalar_to_pack(v) {
                Some(p) if is_atomic_leaf(s) || !v.is_string() => w.con(p),
                _ => build_plain(w, v),
            }
        }
        (_, v) => build_plain(w, v),
    }
}

fn build_plain_const(w: &mut OpWriter, value: &Value) -> Timestamp {
    w.const_or_json(value)
}

fn build_plain(w: &mut OpWriter, value: &Value) -> Timestamp {
    w.json(value)
}

/// Converts a CRDT view into record form: epoch-millisecond dates become ISO strings.
/// Works in place so the common case (no dates deep inside) costs one walk.
pub fn view_to_record(schema: &SchemaNode, view: &mut Value) {
    match schema {
        SchemaNode::Date | SchemaNode::CreatedAt | SchemaNode::UpdatedAt => {
            if let Some(iso) = view.as_i64().and_then(millis_to_iso) {
                *view = Value::String(iso);
            } else if let Some(iso) = view
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .and_then(|f| millis_to_iso(f as i64))
            {
                *view = Value::String(iso);
            }
        }
        SchemaNode::Bytes => {
            if let Some(b64) = bytes_view_to_base64(view) {
                *view = Value::String(b64);
            }
        }
        SchemaNode::Optional(inner) if !view.is_null() => view_to_record(inner, view),
        SchemaNode::Union(variants) => {
            if let Some(v) = union_variant(variants, view) {
                view_to_record(v, view);
            }
        }
        SchemaNode::Array(item) => {
            if let Value::Array(items) = view {
                items.iter_mut().for_each(|v| view_to_record(item, v));
            }
        }
        SchemaNode::Record(item) => {
            if let Value::Object(map) = view {
                map.values_mut().for_each(|v| view_to_record(item, v));
            }
        }
        SchemaNode::Object(props) => {
            if let Value::Object(map) = view {
                object_view_to_record(props, map);
            }
        }
        _ => {}
    }
}

/// A `con` holding raw bytes (what a JS writer stores for a `Uint8Array`) views as an
/// array of byte values; records hold bytes as base64 text.
fn bytes_view_to_base64(view: &Value) -> Option<String> {
    use base64::Engine;
    let items = view.as_array()?;
    let bytes = items
        .iter()
        .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect::<Option<Vec<u8>>>()?;
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn object_view_to_record(
    props: &std::collections::BTreeMap<String, SchemaNode>,
    map: &mut Map<String, Value>,
) {
    for (k, v) in map.iter_mut() {
        if let Some(s) = props.get(k) {
            view_to_record(s, v);
        }
    }
}

/// The CRDT form of a leaf value under `schema`, for comparing against a `con` node.
pub(crate) fn leaf_to_pack(schema: &SchemaNode, value: &Value) -> Option<PackValue> {
    date_to_crdt(schema, value).or_else(|| scalar_to_pack(value))
}
