//! Validation of values against a schema.
//!
//! Forms accepted for the kinds that JSON has no native type for:
//! - `Date`, `CreatedAt`, `UpdatedAt`: an ISO-8601 date-time string
//!   `YYYY-MM-DDTHH:MM:SS`, optionally with a fraction of 1 to 9 digits and a `Z` or
//!   `±HH:MM` offset (no offset means UTC), that names a real instant. The string is
//!   kept as written.
//! - `Bytes`: a standard-alphabet, padded base64 string (length a multiple of 4, no
//!   whitespace). The string is kept as written.
//!
//! Objects drop properties their schema does not name; a missing optional property
//! stays missing. Every failure is reported with its path (`address.zip`, `tags[2]`).

use base64::Engine as _;
use serde_json::{Map, Value};

pub use super::date::{is_valid_iso_date, parse_iso_date};
use super::node::{LiteralValue, SchemaNode};
use crate::error::{LessDbError, ValidationError, ValidationErrors};

/// Deepest nesting of containers (objects, arrays, records) a value may have.
pub const MAX_DEPTH: usize = 100;

/// Validates `value` against `schema`, returning the cleaned value (unknown object
/// properties removed) or every failure found.
pub fn validate_shape(schema: &SchemaNode, value: &Value) -> Result<Value, ValidationErrors> {
    let mut v = Validator::default();
    let out = v.node(schema, Some(value), 0);
    if v.errors.is_empty() {
        Ok(out.unwrap_or(Value::Null))
    } else {
        Err(ValidationErrors(v.errors))
    }
}

/// [`validate_shape`] taking the value by ownership.
pub fn validate(schema: &SchemaNode, value: Value) -> Result<Value, ValidationErrors> {
    validate_shape(schema, &value)
}

/// [`validate_shape`] with the public error type.
#[allow(clippy::result_large_err)]
pub fn validate_or_throw(schema: &SchemaNode, value: &Value) -> Result<Value, LessDbError> {
    Ok(validate_shape(schema, value)?)
}

/// True when `value` passes `schema`.
pub fn is_valid(schema: &SchemaNode, value: &Value) -> bool {
    let mut v = Validator {
        stop_early: true,
        ..Validator::default()
    };
    v.node(schema, Some(value), 0);
    v.errors.is_empty()
}

/// True for a standard, padded base64 string.
pub fn is_valid_base64(s: &str) -> bool {
    s.len().is_multiple_of(4)
        && base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .is_ok()
}

/// True for a key a `Record` may hold: non-empty, without `.`, `[` or `]` (they would
/// make field paths ambiguous).
pub fn is_valid_record_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(['.', '[', ']'])
}

/// The JSON type name of a value, as used in `received`.
pub fn type_name(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

fn received(value: Option<&Value>) -> String {
    match value {
        Some(v @ Value::String(s)) if s.len() <= 64 => v.to_string(),
        other => type_name(other).to_string(),
    }
}

#[derive(Default)]
struct Validator {
    errors: Vec<ValidationError>,
    path: String,
    /// Stop at the first failure (a union probing its variants).
    stop_early: bool,
}

impl Validator {
    fn fail(&mut self, expected: impl Into<String>, value: Option<&Value>) {
        let expected = expected.into();
        let received = received(value);
        let message = format!("expected {expected}, received {received}");
        self.errors.push(ValidationError {
            path: self.path.clone(),
            expected,
            received,
            message,
        });
    }

    fn failed(&self) -> bool {
        self.stop_early && !self.errors.is_empty()
    }

    /// Validates one node; `None` is a missing value. Returns the cleaned value
    /// (`None` for a missing optional).
    fn node(&mut self, schema: &SchemaNode, value: Option<&Value>, depth: usize) -> Option<Value> {
        if self.failed() {
            return None;
        }
        match schema {
            SchemaNode::Optional(inner) => match value {
                None => None,
                Some(Value::Null) => Some(Value::Null),
                Some(_) => self.node(inner, value, depth),
            },
            SchemaNode::String | SchemaNode::Text => self.string(value, "string", |_| true),
            SchemaNode::Key => self.string(value, "non-empty string", |s| !s.is_empty()),
            SchemaNode::Date => self.string(value, "ISO-8601 date string", is_valid_iso_date),
            SchemaNode::CreatedAt | SchemaNode::UpdatedAt => {
                self.string(value, "ISO-8601 date string", is_valid_iso_date)
            }
            SchemaNode::Bytes => self.string(value, "base64 string", is_valid_base64),
            SchemaNode::Number => match value {
                Some(v @ Value::Number(_)) => Some(v.clone()),
                other => self.reject("number", other),
            },
            SchemaNode::Boolean => match value {
                Some(v @ Value::Bool(_)) => Some(v.clone()),
                other => self.reject("boolean", other),
            },
            SchemaNode::Literal(lit) => self.literal(lit, value),
            SchemaNode::Union(variants) => self.union(schema, variants, value, depth),
            SchemaNode::Array(item) => self.array(item, value, depth),
            SchemaNode::Record(item) => self.record(item, value, depth),
            SchemaNode::Object(props) => self.object(props, value, depth),
        }
    }

    fn reject(&mut self, expected: &str, value: Option<&Value>) -> Option<Value> {
        self.fail(expected, value);
        None
    }

    fn string(
        &mut self,
        value: Option<&Value>,
        expected: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Option<Value> {
        match value {
            Some(v @ Value::String(s)) if ok(s) => Some(v.clone()),
            other => self.reject(expected, other),
        }
    }

    fn literal(&mut self, lit: &LiteralValue, value: Option<&Value>) -> Option<Value> {
        match value {
            Some(v) if lit.matches(v) => Some(v.clone()),
            other => {
                self.fail(lit.to_value().to_string(), other);
                None
            }
        }
    }

    fn union(
        &mut self,
        schema: &SchemaNode,
        variants: &[SchemaNode],
        value: Option<&Value>,
        depth: usize,
    ) -> Option<Value> {
        for variant in variants {
            let mut probe = Validator {
                errors: Vec::new(),
                path: std::mem::take(&mut self.path),
                stop_early: true,
            };
            let out = probe.node(variant, value, depth);
            self.path = probe.path;
            if probe.errors.is_empty() {
                return out;
            }
        }
        self.fail(format!("one of {}", schema.kind_name()), value);
        None
    }

    fn too_deep(&mut self, depth: usize, value: Option<&Value>) -> bool {
        if depth >= MAX_DEPTH {
            self.fail(
                format!("value nested at most {MAX_DEPTH} levels deep"),
                value,
            );
            return true;
        }
        false
    }

    fn array(&mut self, item: &SchemaNode, value: Option<&Value>, depth: usize) -> Option<Value> {
        let Some(Value::Array(items)) = value else {
            return self.reject("array", value);
        };
        if self.too_deep(depth, value) {
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let base = self.path.len();
        for (i, v) in items.iter().enumerate() {
            use std::fmt::Write as _;
            let _ = write!(self.path, "[{i}]");
            let r = self.node(item, Some(v), depth + 1);
            self.path.truncate(base);
            out.push(r.unwrap_or(Value::Null));
            if self.failed() {
                break;
            }
        }
        Some(Value::Array(out))
    }

    fn push_key(&mut self, key: &str) -> usize {
        let base = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
        base
    }

    fn record(&mut self, item: &SchemaNode, value: Option<&Value>, depth: usize) -> Option<Value> {
        let Some(Value::Object(map)) = value else {
            return self.reject("record (object)", value);
        };
        if self.too_deep(depth, value) {
            return None;
        }
        let mut out = Map::with_capacity(map.len());
        for (k, v) in map {
            let base = self.push_key(k);
            if is_valid_record_key(k) {
                if let Some(r) = self.node(item, Some(v), depth + 1) {
                    out.insert(k.clone(), r);
                }
            } else {
                let key = Value::String(k.clone());
                self.fail("valid key (non-empty, without '.', '[' or ']')", Some(&key));
            }
            self.path.truncate(base);
            if self.failed() {
                break;
            }
        }
        Some(Value::Object(out))
    }

    fn object(
        &mut self,
        props: &std::collections::BTreeMap<String, SchemaNode>,
        value: Option<&Value>,
        depth: usize,
    ) -> Option<Value> {
        let Some(Value::Object(map)) = value else {
            return self.reject("object", value);
        };
        if self.too_deep(depth, value) {
            return None;
        }
        let mut out = Map::with_capacity(props.len());
        // Input order is kept, so stored JSON reads back the way it was written.
        for (k, v) in map {
            let Some(schema) = props.get(k) else { continue };
            let base = self.push_key(k);
            let r = self.node(schema, Some(v), depth + 1);
            self.path.truncate(base);
            if let Some(r) = r {
                out.insert(k.clone(), r);
            }
            if self.failed() {
                return None;
            }
        }
        for (k, schema) in props {
            if !map.contains_key(k) && !matches!(schema, SchemaNode::Optional(_)) {
                let base = self.push_key(k);
                self.node(schema, None, depth + 1);
                self.path.truncate(base);
                if self.failed() {
                    return None;
                }
            }
        }
        Some(Value::Object(out))
    }
}
