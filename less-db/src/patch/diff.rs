//! Schema-aware diff of two versions of a record into the changed field paths.

use serde_json::Value;

use super::changeset::Changeset;
use crate::query::operators::compare_values;
use crate::schema::node::SchemaNode;
use crate::schema::validate::{MAX_DEPTH, is_valid, parse_iso_date};

/// The fields that differ between `old` and `new`, as dot paths.
///
/// Objects are compared property by property, so a change deep inside reports the
/// leaf (`profile.email`), not its parents. Arrays, records and unions are compared as
/// a whole and reported at their own path (`tags`). Dates compare as instants, so
/// `...00Z` and `...00.000Z` are the same value. A missing property equals `null`.
/// When the schema is not an object the only possible path is `""` (the root).
pub fn diff(schema: &SchemaNode, old: &Value, new: &Value) -> Changeset {
    let mut out = Changeset::new();
    let mut path = String::new();
    walk(schema, Some(old), Some(new), &mut path, &mut out, 0);
    out
}

/// True when `a` and `b` are the same value under `schema`.
pub fn node_equals(schema: &SchemaNode, a: &Value, b: &Value) -> bool {
    equal(schema, Some(a), Some(b))
}

fn walk(
    schema: &SchemaNode,
    old: Option<&Value>,
    new: Option<&Value>,
    path: &mut String,
    out: &mut Changeset,
    depth: usize,
) {
    let props = match (schema.unwrap_optional(), old, new) {
        (SchemaNode::Object(props), Some(Value::Object(_)), Some(Value::Object(_)))
            if depth < MAX_DEPTH =>
        {
            props
        }
        _ => {
            if !equal(schema, old, new) {
                out.insert(path.clone());
            }
            return;
        }
    };
    for (k, s) in props {
        let base = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(k);
        walk(
            s,
            old.and_then(|o| o.get(k)),
            new.and_then(|n| n.get(k)),
            path,
            out,
            depth + 1,
        );
        path.truncate(base);
    }
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

fn equal(schema: &SchemaNode, a: Option<&Value>, b: Option<&Value>) -> bool {
    let (a, b) = match (present(a), present(b)) {
        (None, None) => return true,
        (Some(a), Some(b)) => (a, b),
        _ => return false,
    };
    match schema {
        SchemaNode::Optional(inner) => equal(inner, Some(a), Some(b)),
        SchemaNode::Date | SchemaNode::CreatedAt | SchemaNode::UpdatedAt => {
            match (
                a.as_str().and_then(parse_iso_date),
                b.as_str().and_then(parse_iso_date),
            ) {
                (Some(x), Some(y)) => x == y,
                _ => a == b,
            }
        }
        SchemaNode::Number => compare_values(a, b).is_eq() && a.is_number() == b.is_number(),
        SchemaNode::Object(props) => match (a, b) {
            (Value::Object(_), Value::Object(_)) => {
                props.iter().all(|(k, s)| equal(s, a.get(k), b.get(k)))
            }
            _ => a == b,
        },
        SchemaNode::Array(item) => match (a, b) {
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(item, Some(p), Some(q)))
            }
            _ => a == b,
        },
        SchemaNode::Record(item) => match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, p)| y.get(k).is_some_and(|q| equal(item, Some(p), Some(q))))
            }
            _ => a == b,
        },
        SchemaNode::Union(variants) => {
            match variants.iter().find(|v| is_valid(v, a) && is_valid(v, b)) {
                Some(v) => equal(v, Some(a), Some(b)),
                None => a == b,
            }
        }
        _ => a == b,
    }
}
