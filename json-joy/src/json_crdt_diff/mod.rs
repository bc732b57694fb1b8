//! Diffing a JSON value against a model into a patch (JS `JsonCrdtDiff`).
//!
//! [`Model::diff`] walks the document and the new value together, as json-joy 17.67
//! does, and emits the same operations in the same order: text edits inside `str`
//! nodes, key updates inside `obj`, slot updates inside `vec`, element inserts and
//! deletes inside `arr` (aligned by a line diff over structural hashes), and a new
//! subtree wherever the node kind cannot hold the new value.
//!
//! JSON has no byte strings; the model's view shows a `bin` node as an array of
//! numbers, so an array of integers 0-255 diffs against a `bin` node as bytes.

pub mod hash;
pub mod line;
pub mod text;

use serde_json::{Map, Value};

use crate::json_crdt::Model;
use crate::json_crdt::nodes::{ArrNode, BinNode, Node, ObjNode, StrNode, VecNode};
use crate::json_crdt::rga::{ChunkData, Rga};
use crate::json_crdt_patch::clock::{ORIGIN, Timespan, Timestamp};
use crate::json_crdt_patch::operations::{ConValue, Op};
use crate::json_crdt_patch::patch::Patch;
use crate::json_pack::PackValue;

const MAX_SAFE: i64 = (1 << 53) - 1;

/// The node cannot hold the new value in place (JS `DiffError`).
struct Mismatch;

type Res = Result<(), Mismatch>;

impl Model {
    /// The patch that turns this document into `value` (JS
    /// `new JsonCrdtDiff(model).diff(model.root, value)`), not applied; `None` when
    /// the document already equals `value`.
    pub fn diff(&self, value: &Value) -> Option<Patch> {
        let mut d = JsonCrdtDiff::new(self);
        d.diff_root(value);
        d.finish()
    }
}

/// Builds the operations of one diff with the model's clock (JS `PatchBuilder` over
/// `model.clock.clone()`).
pub struct JsonCrdtDiff<'a> {
    model: &'a Model,
    sid: u64,
    time: u64,
    ops: Vec<Op>,
}

/// Visible chunks of an RGA with their start positions, for position lookups.
struct Positions {
    starts: Vec<u64>,
    ids: Vec<Timestamp>,
    spans: Vec<u64>,
}

impl Positions {
    fn new<T: ChunkData>(rga: &Rga<T>) -> Self {
        let mut p = Positions {
            starts: Vec::new(),
            ids: Vec::new(),
            spans: Vec::new(),
        };
        let mut pos = 0;
        for c in rga.chunks().filter(|c| !c.del) {
            p.starts.push(pos);
            p.ids.push(c.id);
            p.spans.push(c.span);
            pos += c.span;
        }
        p
    }

    fn chunk_of(&self, pos: u64) -> Option<usize> {
        let i = self.starts.partition_point(|&s| s <= pos).checked_sub(1)?;
        (pos < self.starts[i] + self.spans[i]).then_some(i)
    }

    fn find(&self, pos: u64) -> Option<Timestamp> {
        let i = self.chunk_of(pos)?;
        Some(self.ids[i].tick(pos - self.starts[i]))
    }

    fn interval(&self, pos: u64, len: u64) -> Vec<Timespan> {
        let mut out = Vec::new();
        let Some(mut i) = self.chunk_of(pos) else {
            return out;
        };
        let (mut pos, mut len) = (pos, len);
        while len > 0 && i < self.ids.len() {
            let off = pos - self.starts[i];
            let take = (self.spans[i] - off).min(len);
            let id = self.ids[i];
            out.push(Timespan::new(id.sid, id.time + off, take));
            len -= take;
            pos += take;
            i += 1;
        }
        out
    }
}

/// Object keys in JS `Object.keys` order: array-index keys ascending, then the rest in
/// insertion order.
fn js_keys(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    fn index(k: &str) -> Option<u32> {
        if k.is_empty()
            || (k.len() > 1 && k.starts_with('0'))
            || !k.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        k.parse::<u32>().ok().filter(|&n| n != u32::MAX)
    }
    let mut idx: Vec<(u32, &String, &Value)> = Vec::new();
    let mut rest = Vec::new();
    for (k, v) in map {
        match index(k) {
            Some(n) => idx.push((n, k, v)),
            None => rest.push((k, v)),
        }
    }
    if idx.is_empty() {
        return rest;
    }
    idx.sort_by_key(|e| e.0);
    idx.into_iter()
        .map(|(_, k, v)| (k, v))
        .chain(rest)
        .collect()
}

fn scalar(v: &Value) -> PackValue {
    match v {
        Value::Bool(b) => PackValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) if (-MAX_SAFE..=MAX_SAFE).contains(&i) => PackValue::Int(i),
            _ => PackValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => PackValue::Str(s.clone()),
        _ => PackValue::Null,
    }
}

fn num_eq(n: &serde_json::Number, p: &PackValue) -> bool {
    let f = n.as_f64();
    match p {
        PackValue::Int(i) => {
            n.as_i64() == Some(*i) || (n.as_i64().is_none() && f == Some(*i as f64))
        }
        PackValue::UInt(u) => n.as_u64() == Some(*u),
        PackValue::Float(x) => f == Some(*x),
        _ => false,
    }
}

/// JS `deepEqual(con.val, dst)`, with bytes equal to the array of numbers the view
/// shows for them.
fn pack_eq(p: &PackValue, v: &Value) -> bool {
    match (p, v) {
        (PackValue::Null, Value::Null) => true,
        (PackValue::Bool(a), Value::Bool(b)) => a == b,
        (PackValue::Int(_) | PackValue::UInt(_) | PackValue::Float(_), Value::Number(n)) => {
            num_eq(n, p)
        }
        (PackValue::Str(a), Value::String(b)) => a == b,
        (PackValue::Bytes(a), Value::Array(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| y.as_u64() == Some(u64::from(*x)))
        }
        (PackValue::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| pack_eq(x, y))
        }
        (PackValue::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, x)| b.get(k).is_some_and(|y| pack_eq(x, y)))
        }
        _ => false,
    }
}

/// The bytes an array of integers 0-255 stands for.
fn as_bytes(v: &[Value]) -> Option<Vec<u8>> {
    v.iter()
        .map(|e| e.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect()
}

fn is_con(n: Option<&Node>) -> bool {
    matches!(n, Some(Node::Con(_)))
}

impl<'a> JsonCrdtDiff<'a> {
    pub fn new(model: &'a Model) -> Self {
        Self {
            model,
            sid: model.clock.sid,
            time: model.clock.time,
            ops: Vec::new(),
        }
    }

    /// The patch built so far; `None` if it has no operations.
    pub fn finish(self) -> Option<Patch> {
        if self.ops.is_empty() {
            return None;
        }
        Some(Patch {
            ops: self.ops,
            meta: None,
        })
    }

    // ----------------------------------------------------------- builder

    fn push(&mut self, make: impl FnOnce(Timestamp) -> Op) -> Timestamp {
        let id = Timestamp::new(self.sid, self.time);
        let op = make(id);
        self.time += op.span().max(1);
        self.ops.push(op);
        id
    }

    fn con(&mut self, v: PackValue) -> Timestamp {
        self.push(|id| Op::NewCon {
            id,
            val: ConValue::Val(v),
        })
    }

    /// JS `builder.json(value)`.
    fn json(&mut self, v: &Value) -> Timestamp {
        match v {
            Value::Array(a) => {
                let id = self.push(|id| Op::NewArr { id });
                if !a.is_empty() {
                    let data: Vec<Timestamp> = a.iter().map(|e| self.json(e)).collect();
                    self.push(|op| Op::InsArr {
                        id: op,
                        obj: id,
                        after: id,
                        data,
                    });
                }
                id
            }
            Value::Object(o) => {
                let id = self.push(|id| Op::NewObj { id });
                if !o.is_empty() {
                    let data: Vec<(String, Timestamp)> = js_keys(o)
                        .into_iter()
                        .map(|(k, v)| (k.clone(), self.const_or_json(v)))
                        .collect();
                    self.push(|op| Op::InsObj {
                        id: op,
                        obj: id,
                        data,
                    });
                }
                id
            }
            Value::String(s) => {
                let id = self.push(|id| Op::NewStr { id });
                if !s.is_empty() {
                    let data = s.clone();
                    self.push(|op| Op::InsStr {
                        id: op,
                        obj: id,
                        after: id,
                        data,
                    });
                }
                id
            }
            _ => {
                let id = self.push(|id| Op::NewVal { id });
                let c = self.con(scalar(v));
                self.push(|op| Op::InsVal {
                    id: op,
                    obj: id,
                    val: c,
                });
                id
            }
        }
    }

    /// JS `builder.constOrJson(value)`.
    fn const_or_json(&mut self, v: &Value) -> Timestamp {
        match v {
            Value::Null | Value::Bool(_) | Value::Number(_) => self.con(scalar(v)),
            _ => self.json(v),
        }
    }

    fn del(&mut self, obj: Timestamp, what: Vec<Timespan>) {
        self.push(|id| Op::Del { id, obj, what });
    }

    // ----------------------------------------------------------- diff

    /// JS `diff(model.root, value)`: the root register is a `val` node.
    pub fn diff_root(&mut self, dst: &Value) {
        let root = self.model.root;
        if self.diff_any(root, dst).is_err() {
            let val = self.const_or_json(dst);
            self.push(|id| Op::InsVal {
                id,
                obj: ORIGIN,
                val,
            });
        }
    }

    fn diff_any(&mut self, id: Timestamp, dst: &Value) -> Res {
        let model = self.model;
        let Some(node) = (id.sid != 0).then(|| model.node(id)).flatten() else {
            return Err(Mismatch);
        };
        match (node, dst) {
            (Node::Con(c), _) => match &c.val {
                ConValue::Val(p) if pack_eq(p, dst) => Ok(()),
                _ => Err(Mismatch),
            },
            (Node::Str(s), Value::String(d)) => {
                self.diff_str(s, d);
                Ok(())
            }
            (Node::Obj(o), Value::Object(d)) => {
                self.diff_obj(o, d);
                Ok(())
            }
            (Node::Val(v), _) => {
                if self.diff_any(v.val, dst).is_err() {
                    let val = self.const_or_json(dst);
                    let obj = v.id;
                    self.push(|id| Op::InsVal { id, obj, val });
                }
                Ok(())
            }
            (Node::Arr(a), Value::Array(d)) => self.diff_arr(a, d),
            (Node::Vec(v), Value::Array(d)) => {
                self.diff_vec(v, d);
                Ok(())
            }
            (Node::Bin(b), Value::Array(d)) => match as_bytes(d) {
                Some(bytes) => {
                    self.diff_bin(b, &bytes);
                    Ok(())
                }
                None => Err(Mismatch),
            },
            _ => Err(Mismatch),
        }
    }

    fn diff_str(&mut self, s: &StrNode, dst: &str) {
        let src = str_units(s);
        let dst16: Vec<u16> = dst.encode_utf16().collect();
        if src == dst16 {
            return;
        }
        let edits = text::diff(&src, &dst16);
        if edits
            .iter()
            .any(|(k, t)| *k == text::Kind::Ins && String::from_utf16(t).is_err())
        {
            // A lone surrogate would have to be inserted, which a Rust string cannot
            // carry: replace the whole differing middle instead (see DIVERGENCE.md).
            let p = text::pfx(&src, &dst16);
            let sf = text::sfx(&src[p..], &dst16[p..]);
            let fallback = vec![
                (text::Kind::Eql, src[..p].to_vec()),
                (text::Kind::Del, src[p..src.len() - sf].to_vec()),
                (text::Kind::Ins, dst16[p..dst16.len() - sf].to_vec()),
                (text::Kind::Eql, src[src.len() - sf..].to_vec()),
            ];
            self.emit_str(s, &fallback, src.len());
            return;
        }
        self.emit_str(s, &edits, src.len());
    }

    fn emit_str(&mut self, s: &StrNode, edits: &[text::Edit<u16>], src_len: usize) {
        let pos = Positions::new(s);
        let obj = s.id;
        let out = std::cell::RefCell::new(Vec::<(usize, Result<String, Vec<Timespan>>)>::new());
        text::apply(
            edits,
            src_len,
            |p, t| out.borrow_mut().push((p, Ok(String::from_utf16_lossy(t)))),
            |p, l| {
                out.borrow_mut()
                    .push((p, Err(pos.interval(p as u64, l as u64))))
            },
        );
        let out = out.into_inner();
        for (p, what) in out {
            match what {
                Ok(data) => {
                    let after = if p == 0 {
                        Some(obj)
                    } else {
                        pos.find(p as u64 - 1)
                    };
                    if let Some(after) = after {
                        self.push(|id| Op::InsStr {
                            id,
                            obj,
                            after,
                            data,
                        });
                    }
                }
                Err(spans) => self.del(obj, spans),
            }
        }
    }

    fn diff_bin(&mut self, b: &BinNode, dst: &[u8]) {
        let src: Vec<u8> = b
            .chunks()
            .filter(|c| !c.del)
            .flat_map(|c| c.data.iter().copied())
            .collect();
        if src == dst {
            return;
        }
        let edits = text::diff(&src, dst);
        let pos = Positions::new(b);
        let obj = b.id;
        let out = std::cell::RefCell::new(Vec::<(usize, Result<Vec<u8>, Vec<Timespan>>)>::new());
        text::apply(
            &edits,
            src.len(),
            |p, t| out.borrow_mut().push((p, Ok(t.to_vec()))),
            |p, l| {
                out.borrow_mut()
                    .push((p, Err(pos.interval(p as u64, l as u64))))
            },
        );
        let out = out.into_inner();
        for (p, what) in out {
            match what {
                Ok(data) => {
                    let after = if p == 0 {
                        Some(obj)
                    } else {
                        pos.find(p as u64 - 1)
                    };
                    if let Some(after) = after {
                        self.push(|id| Op::InsBin {
                            id,
                            obj,
                            after,
                            data,
                        });
                    }
                }
                Err(spans) => self.del(obj, spans),
            }
        }
    }

    fn diff_obj(&mut self, o: &ObjNode, dst: &Map<String, Value>) {
        let model = self.model;
        let mut inserts: Vec<(String, Timestamp)> = Vec::new();
        let mut live: std::collections::HashMap<&str, Timestamp> = std::collections::HashMap::new();
        for (key, id) in o.entries() {
            let deleted = match model.node(*id) {
                None => true,
                Some(Node::Con(c)) => matches!(c.val, ConValue::Val(PackValue::Undefined)),
                Some(_) => false,
            };
            if deleted {
                continue;
            }
            live.insert(key.as_str(), *id);
            if !dst.contains_key(key) {
                let c = self.con(PackValue::Undefined);
                inserts.push((key.clone(), c));
            }
        }
        for (key, v) in js_keys(dst) {
            if let Some(&child) = live.get(key.as_str())
                && self.diff_any(child, v).is_ok()
            {
                continue;
            }
            let id = self.const_or_json(v);
            inserts.push((key.clone(), id));
        }
        if !inserts.is_empty() {
            let obj = o.id;
            self.push(|id| Op::InsObj {
                id,
                obj,
                data: inserts,
            });
        }
    }

    fn diff_vec(&mut self, v: &VecNode, dst: &[Value]) {
        let model = self.model;
        let mut edits: Vec<(u8, Timestamp)> = Vec::new();
        let (src_len, dst_len) = (v.elements.len(), dst.len());
        for i in dst_len..src_len {
            if let Some(Some(id)) = v.elements.get(i) {
                let deleted = match model.node(*id) {
                    None => true,
                    Some(Node::Con(c)) => matches!(c.val, ConValue::Val(PackValue::Undefined)),
                    Some(_) => false,
                };
                if !deleted && let Ok(i) = u8::try_from(i) {
                    let c = self.con(PackValue::Undefined);
                    edits.push((i, c));
                }
            }
        }
        for (i, value) in dst.iter().enumerate().take(src_len.min(dst_len)) {
            let Ok(slot) = u8::try_from(i) else { break };
            let child = v.elements[i].and_then(|id| model.node(id).map(|n| (id, n)));
            if let Some((id, n)) = child {
                if self.diff_any(id, value).is_ok() {
                    continue;
                }
                if is_con(Some(n))
                    && !matches!(value, Value::Null | Value::Array(_) | Value::Object(_))
                {
                    let c = self.con(scalar(value));
                    edits.push((slot, c));
                    continue;
                }
            }
            let c = self.const_or_json(value);
            edits.push((slot, c));
        }
        for (i, value) in dst.iter().enumerate().skip(src_len) {
            let Ok(slot) = u8::try_from(i) else { break };
            let c = self.const_or_json(value);
            edits.push((slot, c));
        }
        if !edits.is_empty() {
            let obj = v.id;
            self.push(|id| Op::InsVec {
                id,
                obj,
                data: edits,
            });
        }
    }

    fn diff_arr(&mut self, a: &ArrNode, dst: &[Value]) -> Res {
        let obj = a.id;
        if a.length() == 0 {
            let mut after = obj;
            for v in dst {
                let e = self.json(v);
                after = self.push(|id| Op::InsArr {
                    id,
                    obj,
                    after,
                    data: vec![e],
                });
            }
            return Ok(());
        }
        if dst.is_empty() {
            let spans: Vec<Timespan> = a
                .chunks()
                .filter(|c| !c.del)
                .map(|c| Timespan::new(c.id.sid, c.id.time, c.span))
                .collect();
            if !spans.is_empty() {
                self.del(obj, spans);
            }
            return Ok(());
        }
        let model = self.model;
        let elems: Vec<Timestamp> = a
            .chunks()
            .filter(|c| !c.del)
            .flat_map(|c| c.data.iter().copied())
            .collect();
        let src_lines: Vec<String> = elems
            .iter()
            .map(|id| {
                let mut s = String::new();
                hash::node(model, *id, &mut s, 0);
                s
            })
            .collect();
        let dst_lines: Vec<String> = dst
            .iter()
            .map(|v| {
                let mut s = String::new();
                hash::value(v, &mut s);
                s
            })
            .collect();
        let patch = line::diff(&src_lines, &dst_lines);
        if patch.is_empty() {
            return Ok(());
        }
        let pos = Positions::new(a);
        let mut inserts: Vec<(Timestamp, &Value)> = Vec::new();
        let mut deletes: Vec<Timespan> = Vec::new();
        for &(op, ps, pd) in patch.iter().rev() {
            match op {
                line::LineOp::Eql => {}
                line::LineOp::Del => {
                    let span = pos.interval(ps as u64, 1);
                    if span.is_empty() {
                        return Err(Mismatch);
                    }
                    deletes.extend(span);
                }
                line::LineOp::Ins => {
                    let after = if ps >= 0 {
                        pos.find(ps as u64)
                    } else {
                        Some(obj)
                    };
                    let (Some(after), Some(v)) = (after, dst.get(pd as usize)) else {
                        return Err(Mismatch);
                    };
                    inserts.push((after, v));
                }
                line::LineOp::Mix => {
                    let Some(v) = dst.get(pd as usize) else {
                        return Err(Mismatch);
                    };
                    let child = elems.get(ps as usize).copied().unwrap_or(ORIGIN);
                    if self.diff_any(child, v).is_err() {
                        deletes.extend(pos.interval(ps as u64, 1));
                        let after = if ps != 0 {
                            pos.find(ps as u64 - 1)
                        } else {
                            Some(obj)
                        };
                        let Some(after) = after else {
                            return Err(Mismatch);
                        };
                        inserts.push((after, v));
                    }
                }
            }
        }
        for (after, v) in inserts {
            let e = self.json(v);
            self.push(|id| Op::InsArr {
                id,
                obj,
                after,
                data: vec![e],
            });
        }
        if !deletes.is_empty() {
            self.del(obj, deletes);
        }
        Ok(())
    }
}

/// Appends the UTF-16 units of WTF-8 `bytes` (a 3-byte surrogate form decodes to the
/// lone surrogate it holds).
pub(crate) fn wtf8_units(bytes: &[u8], out: &mut Vec<u16>) {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(u16::from(b));
            i += 1;
            continue;
        }
        let (w, init) = match b {
            0xc0..=0xdf => (2, u32::from(b & 0x1f)),
            0xe0..=0xef => (3, u32::from(b & 0x0f)),
            _ => (4, u32::from(b & 0x07)),
        };
        let mut cp = init;
        for k in 1..w {
            cp = (cp << 6) | u32::from(bytes.get(i + k).copied().unwrap_or(0x80) & 0x3f);
        }
        if cp >= 0x10000 {
            let c = cp - 0x10000;
            out.push(0xd800 | (c >> 10) as u16);
            out.push(0xdc00 | (c & 0x3ff) as u16);
        } else {
            out.push(cp as u16);
        }
        i += w;
    }
}

fn str_units(s: &StrNode) -> Vec<u16> {
    let mut out = Vec::with_capacity(s.length() as usize);
    for c in s.chunks().filter(|c| !c.del) {
        wtf8_units(c.data.as_bytes(), &mut out);
    }
    out
}
