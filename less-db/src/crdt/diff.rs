//! The schema-aware diff: turns a new record into a patch against the CRDT document,
//! respecting the node kinds already there.
//!
//! A `con` leaf that changed is replaced by a new node built the schema way (so an
//! atomic string stays a `con` and merges last-writer-wins); a `str` node is edited in
//! place character by character (also when the schema calls the field atomic: a record
//! written by a plain JS `api.root` keeps its `str` nodes and still merges); objects are
//! diffed key by key, arrays element by element. A key missing from the new value is
//! deleted the way JS does it, by writing `undefined`.

use json_joy::json_crdt_patch::Timestamp;
use json_joy::json_crdt_patch::clock::Timespan;
use json_joy::json_pack::PackValue;
use serde_json::{Map, Value};

use super::doc::{Doc, NodeKind};
use super::ops::OpWriter;
use super::schema::{build_node, leaf_to_pack, union_variant, view_to_record};
use crate::schema::SchemaNode;

/// The node cannot be edited into the new value; its parent must replace it.
struct Replace;

pub(crate) struct Differ<'a, D: Doc> {
    doc: &'a D,
    pub(crate) w: OpWriter,
}

impl<'a, D: Doc> Differ<'a, D> {
    pub(crate) fn new(doc: &'a D) -> Self {
        Self {
            doc,
            w: OpWriter::new(doc.sid(), doc.next_time()),
        }
    }

    /// Diffs the whole document against `value`.
    pub(crate) fn diff_root(&mut self, schema: &SchemaNode, value: &Value) {
        let replaced = match self.doc.root() {
            Some(root) => self.diff_node(schema, root, value).is_err(),
            None => true,
        };
        if replaced {
            let id = build_node(&mut self.w, schema, value);
            self.w.set_root(id);
        }
    }

    fn diff_node(
        &mut self,
        schema: &SchemaNode,
        id: Timestamp,
        value: &Value,
    ) -> Result<(), Replace> {
        let schema = resolve(schema, value);
        match self.doc.kind(id).ok_or(Replace)? {
            NodeKind::Con(current) => {
                let wanted = leaf_to_pack(schema, value).ok_or(Replace)?;
                if pack_eq(current, &wanted) {
                    Ok(())
                } else {
                    Err(Replace)
                }
            }
            NodeKind::Str => {
                let text = value.as_str().ok_or(Replace)?;
                self.diff_str(id, text);
                Ok(())
            }
            NodeKind::Obj => {
                let map = value.as_object().ok_or(Replace)?;
                self.diff_obj(schema, id, map);
                Ok(())
            }
            NodeKind::Arr => {
                let items = value.as_array().ok_or(Replace)?;
                let item_schema = match schema {
                    SchemaNode::Array(item) => Some(item.as_ref()),
                    _ => None,
                };
                self.diff_arr(item_schema, id, items);
                Ok(())
            }
            NodeKind::Val(child) => {
                if self.diff_node(schema, child, value).is_err() {
                    let new = build_node(&mut self.w, schema, value);
                    self.w.set_val(id, new);
                }
                Ok(())
            }
            NodeKind::Other => {
                if self.view_matches(schema, id, value) {
                    Ok(())
                } else {
                    Err(Replace)
                }
            }
        }
    }

    fn diff_str(&mut self, id: Timestamp, new: &str) {
        let old = self.doc.str_view(id);
        if old == new {
            return;
        }
        let (prefix, old_mid, new_mid) = split_common(&old, new);
        if !new_mid.is_empty() {
            let after = if prefix == 0 {
                Some(id)
            } else {
                self.doc.str_find(id, prefix - 1)
            };
            if let Some(after) = after {
                self.w.ins_str(id, after, new_mid);
            }
        }
        if old_mid > 0 {
            let spans = self.doc.str_find_interval(id, prefix, old_mid);
            self.w.del(id, spans);
        }
    }

    fn diff_obj(&mut self, schema: &SchemaNode, id: Timestamp, map: &Map<String, Value>) {
        let mut inserts: Vec<(String, Timestamp)> = Vec::new();
        for key in self.doc.obj_keys(id) {
            if !map.contains_key(&key) {
                let undef = self.w.con(PackValue::Undefined);
                inserts.push((key, undef));
            }
        }
        for (key, value) in map {
            let child_schema = child_schema(schema, key);
            if let Some(child) = self.doc.obj_get(id, key) {
                let ok = match child_schema {
                    Some(s) => self.diff_node(s, child, value).is_ok(),
                    None => self
                        .diff_node(&SchemaNode::Union(Vec::new()), child, value)
                        .is_ok(),
                };
                if ok {
                    continue;
                }
            }
            let new = match child_schema {
                Some(s) => build_node(&mut self.w, s, value),
                None => build_node(&mut self.w, &SchemaNode::Union(Vec::new()), value),
            };
            inserts.push((key.clone(), new));
        }
        self.w.ins_obj(id, inserts);
    }

    fn diff_arr(&mut self, item: Option<&SchemaNode>, id: Timestamp, items: &[Value]) {
        let any = SchemaNode::Union(Vec::new());
        let item = item.unwrap_or(&any);
        let elements = self.doc.arr_elements(id);
        let n = elements.len();
        let m = items.len();
        let mut prefix = 0;
        while prefix < n.min(m) && self.view_matches(item, elements[prefix].1, &items[prefix]) {
            prefix += 1;
        }
        let mut suffix = 0;
        while suffix < (n - prefix).min(m - prefix)
            && self.view_matches(item, elements[n - 1 - suffix].1, &items[m - 1 - suffix])
        {
            suffix += 1;
        }
        let old_mid = &elements[prefix..n - suffix];
        let new_mid = &items[prefix..m - suffix];
        let mut deletes: Vec<Timespan> = Vec::new();
        if old_mid.len() == new_mid.len() {
            // Same shape: edit each element in place where its node kind allows.
            for (i, ((slot, child), value)) in old_mid.iter().zip(new_mid).enumerate() {
                if self.diff_node(item, *child, value).is_ok() {
                    continue;
                }
                let after = if prefix + i == 0 {
                    id
                } else {
                    elements[prefix + i - 1].0
                };
                let new = build_node(&mut self.w, item, value);
                self.w.ins_arr(id, after, vec![new]);
                deletes.push(Timespan::new(slot.sid, slot.time, 1));
            }
        } else {
            let after = if prefix == 0 {
                id
            } else {
                elements[prefix - 1].0
            };
            let ids: Vec<Timestamp> = new_mid
                .iter()
                .map(|v| build_node(&mut self.w, item, v))
                .collect();
            self.w.ins_arr(id, after, ids);
            deletes.extend(
                old_mid
                    .iter()
                    .map(|(slot, _)| Timespan::new(slot.sid, slot.time, 1)),
            );
        }
        self.w.del(id, deletes);
    }

    fn view_matches(&self, schema: &SchemaNode, id: Timestamp, value: &Value) -> bool {
        let mut view = self.doc.view_of(id);
        view_to_record(schema, &mut view);
        json_eq(&view, value)
    }
}

/// The member of a union (or the inner node of an optional) that describes `value`.
fn resolve<'s>(schema: &'s SchemaNode, value: &Value) -> &'s SchemaNode {
    match schema {
        SchemaNode::Optional(inner) if !value.is_null() => resolve(inner, value),
        SchemaNode::Union(vs) => union_variant(vs, value).map_or(schema, |v| resolve(v, value)),
        _ => schema,
    }
}

fn child_schema<'s>(schema: &'s SchemaNode, key: &str) -> Option<&'s SchemaNode> {
    match schema {
        SchemaNode::Object(props) => props.get(key),
        SchemaNode::Record(item) => Some(item),
        _ => None,
    }
}

/// Splits two strings into common prefix (length in UTF-16 units), the UTF-16 length
/// of the old middle, and the new middle; never splits a character.
fn split_common<'n>(old: &str, new: &'n str) -> (u64, u64, &'n str) {
    let mut prefix_bytes_old = 0;
    let mut prefix_bytes_new = 0;
    let mut prefix16 = 0u64;
    for (a, b) in old.chars().zip(new.chars()) {
        if a != b {
            break;
        }
        prefix_bytes_old += a.len_utf8();
        prefix_bytes_new += b.len_utf8();
        prefix16 += a.len_utf16() as u64;
    }
    let old_rest = &old[prefix_bytes_old..];
    let new_rest = &new[prefix_bytes_new..];
    let mut suffix_old = 0;
    let mut suffix_new = 0;
    for (a, b) in old_rest.chars().rev().zip(new_rest.chars().rev()) {
        if a != b {
            break;
        }
        suffix_old += a.len_utf8();
        suffix_new += b.len_utf8();
    }
    let old_mid = &old_rest[..old_rest.len() - suffix_old];
    let new_mid = &new_rest[..new_rest.len() - suffix_new];
    let old_mid16 = old_mid.encode_utf16().count() as u64;
    (prefix16, old_mid16, new_mid)
}

/// Equality of `con` values, treating integral floats and integers alike.
fn pack_eq(a: &PackValue, b: &PackValue) -> bool {
    match (a, b) {
        (PackValue::Int(x), PackValue::Float(y)) | (PackValue::Float(y), PackValue::Int(x)) => {
            (*x as f64) == *y
        }
        _ => a == b,
    }
}

/// JSON equality where `1` and `1.0` are the same number (JS has one number type).
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}
