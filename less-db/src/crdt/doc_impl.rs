//! Glue between the schema-aware code and json-joy's model: the [`Doc`] view of a
//! model, and the two entry points that write patches against it.

use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::Patch;
use serde_json::Value;

use super::diff::Differ;
use super::doc::Doc;
use super::ops::OpWriter;
use super::schema::build_node;
use crate::schema::SchemaNode;

/// The patch that sets the root of `model` to `data`, built the schema way.
pub(crate) fn build_root_patch(model: &Model, schema: &SchemaNode, data: &Value) -> Patch {
    let mut w = OpWriter::new(model.sid(), model.clock().time);
    let id = build_node(&mut w, schema, data);
    w.set_root(id);
    w.finish()
}

/// The schema-aware diff of `model` against `data`; `None` when nothing changed.
pub(crate) fn diff_patch(model: &Model, schema: &SchemaNode, data: &Value) -> Option<Patch> {
    let mut differ = Differ::new(model);
    differ.diff_root(schema, data);
    if differ.w.is_empty() {
        None
    } else {
        Some(differ.w.finish())
    }
}

// ---------------------------------------------------------------------------------
// The `Doc` view of a json-joy model
// ---------------------------------------------------------------------------------

use json_joy::json_crdt::model::str_view;
use json_joy::json_crdt::nodes::Node;
use json_joy::json_crdt_patch::ConValue;
use json_joy::json_crdt_patch::clock::{Timespan, Timestamp};
use json_joy::json_pack::PackValue;

use super::doc::NodeKind;

impl Doc for Model {
    fn sid(&self) -> u64 {
        Model::sid(self)
    }

    fn next_time(&self) -> u64 {
        self.clock().time
    }

    fn root(&self) -> Option<Timestamp> {
        self.root_id()
    }

    fn kind(&self, id: Timestamp) -> Option<NodeKind<'_>> {
        Some(match self.node(id)? {
            Node::Con(c) => match &c.val {
                ConValue::Val(v) => NodeKind::Con(v),
                ConValue::Ref(_) => NodeKind::Other,
            },
            Node::Str(_) => NodeKind::Str,
            Node::Obj(_) => NodeKind::Obj,
            Node::Arr(_) => NodeKind::Arr,
            Node::Val(v) => NodeKind::Val(v.val),
            Node::Vec(_) | Node::Bin(_) => NodeKind::Other,
        })
    }

    fn obj_keys(&self, obj: Timestamp) -> Vec<String> {
        match self.node(obj) {
            Some(Node::Obj(o)) => o
                .entries()
                .iter()
                .filter(|(_, id)| !is_undefined(self, *id))
                .map(|(k, _)| k.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    fn obj_get(&self, obj: Timestamp, key: &str) -> Option<Timestamp> {
        match self.node(obj)? {
            Node::Obj(o) => o.get(key).filter(|id| !is_undefined(self, *id)),
            _ => None,
        }
    }

    fn str_view(&self, id: Timestamp) -> String {
        match self.node(id) {
            Some(Node::Str(s)) => str_view(s),
            _ => String::new(),
        }
    }

    fn str_find(&self, id: Timestamp, pos: u64) -> Option<Timestamp> {
        match self.node(id)? {
            Node::Str(s) => s.find(pos),
            _ => None,
        }
    }

    fn str_find_interval(&self, id: Timestamp, pos: u64, len: u64) -> Vec<Timespan> {
        match self.node(id) {
            Some(Node::Str(s)) => s.find_interval(pos, len),
            _ => Vec::new(),
        }
    }

    fn arr_elements(&self, id: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let Some(Node::Arr(a)) = self.node(id) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(a.length() as usize);
        for chunk in a.chunks().filter(|c| !c.del) {
            for (i, child) in chunk.data.iter().enumerate() {
                out.push((chunk.id.tick(i as u64), *child));
            }
        }
        out
    }

    fn view_of(&self, id: Timestamp) -> Value {
        self.node_view(id, 0).unwrap_or(Value::Null)
    }
}

fn is_undefined(model: &Model, id: Timestamp) -> bool {
    match model.node(id) {
        Some(Node::Con(c)) => matches!(c.val, ConValue::Val(PackValue::Undefined)),
        Some(_) => false,
        None => true,
    }
}
