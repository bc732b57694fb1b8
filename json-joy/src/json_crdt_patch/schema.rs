//! Schema trees that say which node kind each part of a document becomes (JS
//! `json-crdt-patch/schema`, the `s.*` builders). Emit them with
//! [`super::builder::PatchBuilder::build_node`].

use serde_json::Value;

use super::clock::Timestamp;
use crate::json_pack::PackValue;

/// A node to create, with its children.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeBuilder {
    /// `s.con(value)`: an immutable constant.
    Con(PackValue),
    /// `s.con(timestamp)`: a constant holding a timestamp reference.
    ConRef(Timestamp),
    /// `s.str(text)`: a collaborative string.
    Str(String),
    /// `s.bin(bytes)`: a collaborative byte array.
    Bin(Vec<u8>),
    /// `s.val(node)`: a last-writer-wins register.
    Val(Box<NodeBuilder>),
    /// `s.vec([...])`: a fixed-size tuple; `None` leaves a slot unset.
    Vec(Vec<Option<NodeBuilder>>),
    /// `s.obj({...})`: a map; JS key order applies (index-like keys first).
    Obj(Vec<(String, NodeBuilder)>),
    /// `s.arr([...])`: a collaborative array.
    Arr(Vec<NodeBuilder>),
    /// Plain JSON built as JS `builder.json(value)` would.
    Json(Value),
}

/// Constructors named as in JS (`s.con`, `s.str`, ...).
pub mod s {
    use super::*;

    pub fn con(v: impl Into<PackValue>) -> NodeBuilder {
        NodeBuilder::Con(v.into())
    }

    pub fn con_ref(ts: Timestamp) -> NodeBuilder {
        NodeBuilder::ConRef(ts)
    }

    pub fn str(s: impl Into<String>) -> NodeBuilder {
        NodeBuilder::Str(s.into())
    }

    pub fn bin(b: impl Into<Vec<u8>>) -> NodeBuilder {
        NodeBuilder::Bin(b.into())
    }

    pub fn val(n: NodeBuilder) -> NodeBuilder {
        NodeBuilder::Val(Box::new(n))
    }

    pub fn vec(items: Vec<Option<NodeBuilder>>) -> NodeBuilder {
        NodeBuilder::Vec(items)
    }

    pub fn obj<K: Into<String>>(
        entries: impl IntoIterator<Item = (K, NodeBuilder)>,
    ) -> NodeBuilder {
        NodeBuilder::Obj(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn arr(items: Vec<NodeBuilder>) -> NodeBuilder {
        NodeBuilder::Arr(items)
    }

    pub fn json(v: Value) -> NodeBuilder {
        NodeBuilder::Json(v)
    }
}
