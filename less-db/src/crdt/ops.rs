//! The patch writer of the schema-aware code: json-joy's [`PatchBuilder`] with the
//! empty-insert cases turned into no-ops, so callers can pass whatever a diff found.

use json_joy::json_crdt_patch::Patch;
use json_joy::json_crdt_patch::builder::PatchBuilder;
use json_joy::json_crdt_patch::clock::{Timespan, Timestamp};
use json_joy::json_pack::PackValue;
use serde_json::Value;

pub(crate) struct OpWriter(PatchBuilder);

impl OpWriter {
    pub(crate) fn new(sid: u64, time: u64) -> Self {
        Self(PatchBuilder::new(sid, time))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.patch.ops.is_empty()
    }

    pub(crate) fn con(&mut self, value: PackValue) -> Timestamp {
        self.0.con(value)
    }

    pub(crate) fn obj(&mut self) -> Timestamp {
        self.0.obj()
    }

    pub(crate) fn arr(&mut self) -> Timestamp {
        self.0.arr()
    }

    /// A `str` node holding `text`.
    pub(crate) fn str_node(&mut self, text: &str) -> Timestamp {
        self.0.json_str(text)
    }

    /// JS `builder.json`: the schema-less way of building a value.
    pub(crate) fn json(&mut self, value: &Value) -> Timestamp {
        self.0.json(value)
    }

    /// JS `builder.constOrJson`.
    pub(crate) fn const_or_json(&mut self, value: &Value) -> Timestamp {
        self.0.const_or_json(value)
    }

    pub(crate) fn ins_str(&mut self, obj: Timestamp, after: Timestamp, text: &str) {
        // Only an empty text is refused, and empty inserts are skipped by design.
        let _ = self.0.ins_str(obj, after, text.to_owned());
    }

    pub(crate) fn ins_obj(&mut self, obj: Timestamp, data: Vec<(String, Timestamp)>) {
        let _ = self.0.ins_obj(obj, data);
    }

    pub(crate) fn ins_arr(&mut self, obj: Timestamp, after: Timestamp, data: Vec<Timestamp>) {
        if !data.is_empty() {
            self.0.ins_arr(obj, after, data);
        }
    }

    pub(crate) fn del(&mut self, obj: Timestamp, what: Vec<Timespan>) {
        if !what.is_empty() {
            self.0.del(obj, what);
        }
    }

    /// Points the document root at `val`.
    pub(crate) fn set_root(&mut self, val: Timestamp) {
        self.0.root(val);
    }

    /// Points the `val` register `obj` at `val`.
    pub(crate) fn set_val(&mut self, obj: Timestamp, val: Timestamp) {
        self.0.set_val(obj, val);
    }

    pub(crate) fn finish(mut self) -> Patch {
        self.0.flush()
    }
}
