//! The read-only view of a CRDT document the schema-aware diff needs: node kinds,
//! object keys, string positions and array slots. Implemented for json-joy's model.

use json_joy::json_crdt_patch::Timestamp;
use json_joy::json_crdt_patch::clock::Timespan;
use json_joy::json_pack::PackValue;
use serde_json::Value;

/// What a node is, as far as the diff cares.
pub(crate) enum NodeKind<'a> {
    Con(&'a PackValue),
    Str,
    Obj,
    Arr,
    /// A `val` register and the node it points at.
    Val(Timestamp),
    /// `vec` and `bin` nodes, and `con` nodes holding a timestamp: compared by view only.
    Other,
}

pub(crate) trait Doc {
    fn sid(&self) -> u64;
    /// The time the next local operation gets.
    fn next_time(&self) -> u64;
    /// The node the root register points at; `None` for an empty document.
    fn root(&self) -> Option<Timestamp>;
    fn kind(&self, id: Timestamp) -> Option<NodeKind<'_>>;
    /// Keys of an object whose value is not deleted (`undefined`).
    fn obj_keys(&self, obj: Timestamp) -> Vec<String>;
    /// The live child under `key`.
    fn obj_get(&self, obj: Timestamp, key: &str) -> Option<Timestamp>;
    fn str_view(&self, id: Timestamp) -> String;
    /// Id of the visible character at UTF-16 position `pos`.
    fn str_find(&self, id: Timestamp, pos: u64) -> Option<Timestamp>;
    /// Ids of `len` visible UTF-16 units starting at `pos`.
    fn str_find_interval(&self, id: Timestamp, pos: u64, len: u64) -> Vec<Timespan>;
    /// Live elements of an array: (slot id, id of the node in the slot).
    fn arr_elements(&self, id: Timestamp) -> Vec<(Timestamp, Timestamp)>;
    fn view_of(&self, id: Timestamp) -> Value;
}
