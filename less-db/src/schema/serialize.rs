//! Conversion between the JSON form stored and sent over the wire and the form records
//! have in Rust. Both are `serde_json::Value`s with dates as ISO-8601 strings and bytes
//! as base64 strings, so most values pass through; the work is the cleanup:
//!
//! - [`serialize`] drops properties the schema does not name and `null` optional
//!   properties, and fails on a union value no variant accepts.
//! - [`deserialize`] drops unknown properties and reads the alternative forms other
//!   writers use: a `Date` given as epoch milliseconds becomes an ISO string
//!   (`2024-01-15T10:30:00.000Z`), `Bytes` given as an array of byte values becomes
//!   base64. A union value no variant accepts passes through unchanged.

use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::node::SchemaNode;
use super::validate::{MAX_DEPTH, is_valid, validate_shape};
use crate::error::{SchemaError, ValidationError, ValidationErrors};

/// A date as JS `Date.prototype.toISOString` writes it (UTC, milliseconds, `Z`).
pub fn to_iso_string(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Epoch milliseconds as an ISO string; `None` outside chrono's range.
pub fn iso_from_millis(ms: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| to_iso_string(&t))
}

/// Prepares `value` for storage or the wire (see the module docs).
pub fn serialize(schema: &SchemaNode, value: &Value) -> Result<Value, SchemaError> {
    let mut w = Walker {
        path: String::new(),
        mode: Mode::Serialize,
    };
    Ok(w.node(schema, value, 0)?.unwrap_or(Value::Null))
}

/// Reads a stored or received value into the Rust form (see the module docs).
pub fn deserialize(schema: &SchemaNode, value: &Value) -> Result<Value, SchemaError> {
    let mut w = Walker {
        path: String::new(),
        mode: Mode::Deserialize,
    };
    Ok(w.node(schema, value, 0)?.unwrap_or(Value::Null))
}

/// [`deserialize`] followed by validation.
pub fn deserialize_and_validate(
    schema: &SchemaNode,
    value: &Value,
) -> Result<Value, ValidationErrors> {
    let native = deserialize(schema, value).map_err(|e| {
        let (path, message) = match e {
            SchemaError::Serialize { path, message } => (path, message),
            other => (String::new(), other.to_string()),
        };
        ValidationErrors(vec![ValidationError {
            path,
            expected: "a value the schema can read".into(),
            received: "unreadable value".into(),
            message,
        }])
    })?;
    validate_shape(schema, &native)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Serialize,
    Deserialize,
}

struct Walker {
    path: String,
    mode: Mode,
}

impl Walker {
    fn error(&self, message: String) -> SchemaError {
        SchemaError::Serialize {
            path: if self.path.is_empty() {
                "(root)".into()
            } else {
                self.path.clone()
            },
            message,
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), SchemaError> {
        if depth >= MAX_DEPTH {
            let what = match self.mode {
                Mode::Serialize => "serialize",
                Mode::Deserialize => "deserialize",
            };
            return Err(self.error(format!(
                "Maximum {what} depth exceeded: values nest at most {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    fn child(
        &mut self,
        seg: std::fmt::Arguments<'_>,
        schema: &SchemaNode,
        value: &Value,
        depth: usize,
    ) -> Result<Option<Value>, SchemaError> {
        use std::fmt::Write as _;
        let base = self.path.len();
        let _ = self.path.write_fmt(seg);
        let r = self.node(schema, value, depth + 1);
        self.path.truncate(base);
        r
    }

    fn node(
        &mut self,
        schema: &SchemaNode,
        value: &Value,
        depth: usize,
    ) -> Result<Option<Value>, SchemaError> {
        match (schema, value) {
            (SchemaNode::Optional(_), Value::Null) => Ok(Some(Value::Null)),
            (SchemaNode::Optional(inner), _) => self.node(inner, value, depth),
            (
                SchemaNode::Date | SchemaNode::CreatedAt | SchemaNode::UpdatedAt,
                Value::Number(n),
            ) if self.mode == Mode::Deserialize => Ok(Some(
                n.as_i64()
                    .and_then(iso_from_millis)
                    .map_or_else(|| value.clone(), Value::String),
            )),
            (SchemaNode::Bytes, Value::Array(items)) if self.mode == Mode::Deserialize => Ok(Some(
                bytes_array_to_base64(items).unwrap_or_else(|| value.clone()),
            )),
            (SchemaNode::Array(item), Value::Array(items)) => {
                self.check_depth(depth)?;
                let mut out = Vec::with_capacity(items.len());
                for (i, v) in items.iter().enumerate() {
                    let r = self.child(format_args!("[{i}]"), item, v, depth)?;
                    out.push(r.unwrap_or(Value::Null));
                }
                Ok(Some(Value::Array(out)))
            }
            (SchemaNode::Record(item), Value::Object(map)) => {
                self.check_depth(depth)?;
                let mut out = Map::with_capacity(map.len());
                for (k, v) in map {
                    let sep = if self.path.is_empty() { "" } else { "." };
                    if let Some(r) = self.child(format_args!("{sep}{k}"), item, v, depth)? {
                        out.insert(k.clone(), r);
                    }
                }
                Ok(Some(Value::Object(out)))
            }
            (SchemaNode::Object(props), Value::Object(map)) => {
                self.check_depth(depth)?;
                let mut out = Map::with_capacity(props.len());
                for (k, v) in map {
                    let Some(schema) = props.get(k) else { continue };
                    if self.mode == Mode::Serialize
                        && v.is_null()
                        && matches!(schema, SchemaNode::Optional(_))
                    {
                        continue;
                    }
                    let sep = if self.path.is_empty() { "" } else { "." };
                    if let Some(r) = self.child(format_args!("{sep}{k}"), schema, v, depth)? {
                        out.insert(k.clone(), r);
                    }
                }
                Ok(Some(Value::Object(out)))
            }
            (SchemaNode::Union(variants), _) => self.union(variants, value, depth),
            _ => Ok(Some(value.clone())),
        }
    }

    fn union(
        &mut self,
        variants: &[SchemaNode],
        value: &Value,
        depth: usize,
    ) -> Result<Option<Value>, SchemaError> {
        for variant in variants {
            if is_valid(variant, value) {
                return self.node(variant, value, depth);
            }
        }
        if self.mode == Mode::Deserialize {
            // A variant may accept the value once its alternative forms are read.
            for variant in variants {
                if let Ok(Some(v)) = self.node(variant, value, depth)
                    && is_valid(variant, &v)
                {
                    return Ok(Some(v));
                }
            }
            return Ok(Some(value.clone()));
        }
        Err(self.error("value does not match any union variant".into()))
    }
}

fn bytes_array_to_base64(items: &[Value]) -> Option<Value> {
    let bytes = items
        .iter()
        .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect::<Option<Vec<u8>>>()?;
    Some(Value::String(
        base64::engine::general_purpose::STANDARD.encode(bytes),
    ))
}
