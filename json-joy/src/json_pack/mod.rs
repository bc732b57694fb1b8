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
