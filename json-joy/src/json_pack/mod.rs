//! CBOR values: the constants held by `con` nodes and the metadata of a patch.
//!
//! JS json-joy stores any JS value in a `con` node and writes it as CBOR. This module
//! is the Rust side of that: [`PackValue`] is the value tree, and the `cbor` codec
//! reads and writes it byte-compatibly with `@jsonjoy.com/json-pack`'s CBOR encoder.

/// A value a `con` node (or patch metadata) can hold: a JSON value plus what CBOR adds
/// (`undefined`, byte strings, the integer/float distinction).
#[derive(Debug, Clone, PartialEq)]
pub enum PackValue {
    Null,
    /// JS `undefined`: the value of a deleted object key and of an unset vec slot.
    Undefined,
    Bool(bool),
    /// Integers that fit `i64` (JS writes safe integers as CBOR integers).
    Int(i64),
    /// Unsigned integers above `i64::MAX` (only seen from non-JS writers).
    UInt(u64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Array(Vec<PackValue>),
    /// Keys in insertion order, as JS objects keep them.
    Object(Vec<(String, PackValue)>),
}

pub mod cbor;

use serde_json::Value;

const MAX_SAFE_INT: i64 = (1 << 53) - 1;

impl PackValue {
    /// The JSON a JS `model.view()` would show for this value, or `None` for
    /// `undefined` (which JSON cannot hold).
    ///
    /// Choices: `undefined` inside an object drops the key and inside an array becomes
    /// `null` (as `JSON.stringify` does); a byte string becomes an array of its byte
    /// values; an integral float within the safe range becomes a JSON integer (JS has
    /// one number type); NaN and infinities become `null`.
    pub fn to_json_opt(&self) -> Option<Value> {
        Some(match self {
            PackValue::Undefined => return None,
            PackValue::Null => Value::Null,
            PackValue::Bool(b) => Value::Bool(*b),
            PackValue::Int(i) => Value::from(*i),
            PackValue::UInt(u) => Value::from(*u),
            PackValue::Float(f) => float_to_json(*f),
            PackValue::Str(s) => Value::String(s.clone()),
            PackValue::Bytes(b) => Value::Array(b.iter().map(|x| Value::from(*x)).collect()),
            PackValue::Array(a) => Value::Array(a.iter().map(PackValue::to_json).collect()),
            PackValue::Object(o) => Value::Object(
                o.iter()
                    .filter_map(|(k, x)| x.to_json_opt().map(|x| (k.clone(), x)))
                    .collect(),
            ),
        })
    }

    /// [`PackValue::to_json_opt`] with `undefined` shown as `null`.
    pub fn to_json(&self) -> Value {
        self.to_json_opt().unwrap_or(Value::Null)
    }

    /// Encodes this value as CBOR ([`cbor::encode`]).
    pub fn to_cbor(&self) -> Vec<u8> {
        cbor::encode(self)
    }
}

fn float_to_json(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INT as f64 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// A JSON number as JS holds it: integers within ±(2^53 - 1) stay integers, anything
/// else (fractions, larger integers) is a float.
pub fn number_to_pack(n: &serde_json::Number) -> PackValue {
    match n.as_i64() {
        Some(i) if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&i) => PackValue::Int(i),
        _ => match n.as_f64() {
            Some(f) => PackValue::Float(f),
            None => PackValue::Null,
        },
    }
}

impl From<&Value> for PackValue {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => PackValue::Null,
            Value::Bool(b) => PackValue::Bool(*b),
            Value::Number(n) => number_to_pack(n),
            Value::String(s) => PackValue::Str(s.clone()),
            Value::Array(a) => PackValue::Array(a.iter().map(PackValue::from).collect()),
            Value::Object(o) => PackValue::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), PackValue::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<Value> for PackValue {
    fn from(v: Value) -> Self {
        PackValue::from(&v)
    }
}

impl From<bool> for PackValue {
    fn from(b: bool) -> Self {
        PackValue::Bool(b)
    }
}

impl From<i64> for PackValue {
    fn from(i: i64) -> Self {
        PackValue::Int(i)
    }
}

impl From<f64> for PackValue {
    fn from(f: f64) -> Self {
        PackValue::Float(f)
    }
}

impl From<&str> for PackValue {
    fn from(s: &str) -> Self {
        PackValue::Str(s.to_owned())
    }
}

impl From<String> for PackValue {
    fn from(s: String) -> Self {
        PackValue::Str(s)
    }
}

impl From<Vec<u8>> for PackValue {
    fn from(b: Vec<u8>) -> Self {
        PackValue::Bytes(b)
    }
}
