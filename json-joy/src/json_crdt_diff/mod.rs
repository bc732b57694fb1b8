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
        let src = str_bytes(s);
        if src.len() == dst.len() && common_prefix(&src, dst.as_bytes()) == src.len() {
            return;
        }
        // Only a window around the changed middle is turned into UTF-16 and diffed;
        // the window is wide enough that JS's result on the whole text is the same
        // (checked below, with the whole text as the fallback).
        let w = Window::new(&src, dst.as_bytes());
        let (edits, off, len) = match self.window_edits(&src, dst, &w) {
            Some(r) => r,
            None => self.window_edits_whole(&src, dst),
        };
        self.emit_str(s, &edits, len, off);
    }

    fn window_edits(
        &self,
        src: &[u8],
        dst: &str,
        w: &Window,
    ) -> Option<(Vec<text::Edit<u16>>, usize, usize)> {
        let (mut src16, dst16) = w.units(src, dst)?;
        let edits = text_edits(&src16, &dst16);
        if !w.covers(&edits) {
            return None;
        }
        let off = utf16_count(&src[..w.start]);
        let len = src16.len();
        src16.clear();
        Some((edits, off, len))
    }

    fn window_edits_whole(&self, src: &[u8], dst: &str) -> (Vec<text::Edit<u16>>, usize, usize) {
        let mut src16 = Vec::with_capacity(src.len());
        wtf8_units(src, &mut src16);
        let dst16: Vec<u16> = dst.encode_utf16().collect();
        (text_edits(&src16, &dst16), 0, src16.len())
    }

    /// Emits the operations of `edits` over the source units `[off, off + src_len)`.
    fn emit_str(&mut self, s: &StrNode, edits: &[text::Edit<u16>], src_len: usize, off: usize) {
        let pos = Positions::new(s);
        let obj = s.id;
        let out = std::cell::RefCell::new(Vec::<(usize, Result<String, Vec<Timespan>>)>::new());
        text::apply(
            edits,
            src_len,
            |p, t| {
                out.borrow_mut()
                    .push((off + p, Ok(String::from_utf16_lossy(t))))
            },
            |p, l| {
                let spans = pos.interval((off + p) as u64, l as u64);
                out.borrow_mut().push((off + p, Err(spans)))
            },
        );
        for (p, what) in out.into_inner() {
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
        let mut src_lines = line::Joined::default();
        // Looked up in a batch first: the lookups are independent, so their cache
        // misses overlap instead of stalling one element at a time.
        let nodes: Vec<Option<&Node>> = elems.iter().map(|id| model.node(*id)).collect();
        let inner: Vec<Option<&Node>> = nodes
            .iter()
            .map(|n| match n {
                Some(Node::Val(v)) => model.node(v.val),
                other => *other,
            })
            .collect();
        for (n, i) in nodes.iter().zip(&inner) {
            src_lines.push_with(|out| match (n, i) {
                (Some(Node::Val(_)), Some(i)) => hash::node_ref(model, i, out, 1),
                (Some(n), _) if !matches!(n, Node::Val(_)) => hash::node_ref(model, n, out, 0),
                _ => out.push('U'),
            });
        }
        let mut dst_lines = line::Joined::default();
        for v in dst {
            dst_lines.push_with(|out| hash::value(v, out));
        }
        let patch = line::diff_joined(&src_lines, &dst_lines);
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

/// The WTF-8 bytes of the live text of `s` (borrowed when it is one chunk).
fn str_bytes(s: &StrNode) -> std::borrow::Cow<'_, [u8]> {
    let mut live = s.chunks().filter(|c| !c.del);
    let Some(first) = live.next() else {
        return std::borrow::Cow::Borrowed(&[]);
    };
    let Some(second) = live.next() else {
        return std::borrow::Cow::Borrowed(first.data.as_bytes());
    };
    let mut out = Vec::with_capacity(s.length() as usize * 2);
    out.extend_from_slice(first.data.as_bytes());
    out.extend_from_slice(second.data.as_bytes());
    for c in live {
        out.extend_from_slice(c.data.as_bytes());
    }
    std::borrow::Cow::Owned(out)
}

/// JS `str.diff` of two UTF-16 texts, except that no insertion carries an unpaired
/// surrogate: where JS would insert half of a surrogate pair (only possible when the
/// source holds a lone surrogate), the whole differing middle is replaced instead, cut
/// at character boundaries of `dst` (see DIVERGENCE.md).
fn text_edits(src: &[u16], dst: &[u16]) -> Vec<text::Edit<u16>> {
    if src == dst {
        return Vec::new();
    }
    let edits = text::diff(src, dst);
    let splits_pair = edits
        .iter()
        .any(|(k, t)| *k == text::Kind::Ins && String::from_utf16(t).is_err());
    if !splits_pair {
        return edits;
    }
    let is_low = |u: u16| (0xdc00..=0xdfff).contains(&u);
    let mut p = src.iter().zip(dst).take_while(|(a, b)| a == b).count();
    while p > 0 && p < dst.len() && is_low(dst[p]) {
        p -= 1;
    }
    let (s_rest, d_rest) = (&src[p..], &dst[p..]);
    let mut sf = s_rest
        .iter()
        .rev()
        .zip(d_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    while sf > 0 && sf < dst.len() && is_low(dst[dst.len() - sf]) {
        sf -= 1;
    }
    let mut out = Vec::with_capacity(4);
    if p > 0 {
        out.push((text::Kind::Eql, src[..p].to_vec()));
    }
    if src.len() - sf > p {
        out.push((text::Kind::Del, src[p..src.len() - sf].to_vec()));
    }
    if dst.len() - sf > p {
        out.push((text::Kind::Ins, dst[p..dst.len() - sf].to_vec()));
    }
    if sf > 0 {
        out.push((text::Kind::Eql, src[src.len() - sf..].to_vec()));
    }
    out
}

/// UTF-16 length of WTF-8 bytes.
fn utf16_count(bytes: &[u8]) -> usize {
    crate::json_crdt::str_data::utf16_units(bytes)
}

fn is_cont(b: u8) -> bool {
    (0x80..=0xbf).contains(&b)
}

/// Block sizes for comparing long byte strings: big blocks cost one `memcmp` call each,
/// the smaller ones narrow down the first difference.
const BLOCKS: [usize; 3] = [4096, 128, 8];

/// Length of the common prefix of two byte strings.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    for block in BLOCKS {
        while i + block <= n && a[i..i + block] == b[i..i + block] {
            i += block;
        }
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Length of the common suffix of two byte strings.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    for block in BLOCKS {
        while i + block <= n && a[la - i - block..la - i] == b[lb - i - block..lb - i] {
            i += block;
        }
    }
    i + a[..la - i]
        .iter()
        .rev()
        .zip(b[..lb - i].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The part of a text diff that can differ: source bytes `[start, src_end)` against
/// destination bytes `[start, dst_end)`, all on character boundaries, with a margin of
/// equal text on each side.
struct Window {
    start: usize,
    src_end: usize,
    dst_end: usize,
    /// Whether equal text was left out before / after the window.
    cut_left: bool,
    cut_right: bool,
}

impl Window {
    fn new(src: &[u8], dst: &[u8]) -> Self {
        let boundary = |v: &[u8], i: usize| i >= v.len() || !is_cont(v[i]);
        let mut p = common_prefix(src, dst);
        while p > 0 && !(boundary(src, p) && boundary(dst, p)) {
            p -= 1;
        }
        let mut s = common_suffix(&src[p..], &dst[p..]);
        while s > 0 && !(boundary(src, src.len() - s) && boundary(dst, dst.len() - s)) {
            s -= 1;
        }
        let mid = (src.len() - p - s).max(dst.len() - p - s);
        // In bytes; a unit takes at most three bytes, so this leaves more equal units
        // on each side than any edit can hold.
        let margin = 4 * mid + 64;
        let mut start = p.saturating_sub(margin);
        while start > 0 && !boundary(src, start) {
            start -= 1;
        }
        let mut keep = s.saturating_sub(margin);
        while keep > 0 && !boundary(src, src.len() - keep) {
            keep -= 1;
        }
        Window {
            start,
            src_end: src.len() - keep,
            dst_end: dst.len() - keep,
            cut_left: start > 0,
            cut_right: keep > 0,
        }
    }

    fn units(&self, src: &[u8], dst: &str) -> Option<(Vec<u16>, Vec<u16>)> {
        let d = dst.get(self.start..self.dst_end)?.encode_utf16().collect();
        let mut s = Vec::with_capacity(self.src_end - self.start);
        wtf8_units(src.get(self.start..self.src_end)?, &mut s);
        Some((s, d))
    }

    /// Whether the edits of the window are those of the whole text: every edit is
    /// shorter than the equal text kept on a cut side, so no merge step of the diff
    /// could have reached past the window.
    fn covers(&self, edits: &[text::Edit<u16>]) -> bool {
        let longest = edits
            .iter()
            .filter(|e| e.0 != text::Kind::Eql)
            .map(|e| e.1.len())
            .max();
        let Some(longest) = longest else {
            return true;
        };
        let holds = |e: Option<&text::Edit<u16>>| {
            e.is_some_and(|(k, t)| *k == text::Kind::Eql && t.len() > longest)
        };
        (!self.cut_left || holds(edits.first())) && (!self.cut_right || holds(edits.last()))
    }
}

fn str_units(s: &StrNode) -> Vec<u16> {
    let mut out = Vec::with_capacity(s.length() as usize);
    for c in s.chunks().filter(|c| !c.del) {
        wtf8_units(c.data.as_bytes(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use serde_json::json;

    const PIECES: &[&str] = &[
        "a",
        "b",
        " ",
        "ab",
        "é",
        "e\u{301}",
        "\u{200d}",
        "\u{fe0f}",
        "😀",
        "👍🏽",
        "中",
        "\n",
        "\u{301}\u{301}",
    ];

    fn text(r: &mut StdRng, n: usize) -> String {
        (0..n)
            .map(|_| PIECES[r.random_range(0..PIECES.len())])
            .collect()
    }

    fn str_node(m: &Model) -> &StrNode {
        match m.node(m.root) {
            Some(Node::Str(s)) => s,
            _ => panic!("root value is not a str"),
        }
    }

    /// The window holds every edit: its operations equal those of the whole-text diff.
    #[test]
    fn window_diff_equals_whole_text_diff() {
        let mut r = StdRng::seed_from_u64(11);
        let mut cut = 0;
        for case in 0..400 {
            let n = r.random_range(0..700);
            let a = text(&mut r, n);
            let mut chars: Vec<char> = a.chars().collect();
            for _ in 0..r.random_range(1..3) {
                let at = r.random_range(0..=chars.len());
                let del = r.random_range(0..4).min(chars.len() - at);
                let k = r.random_range(0..3);
                let ins: Vec<char> = text(&mut r, k).chars().collect();
                chars.splice(at..at + del, ins);
            }
            let b: String = chars.into_iter().collect();
            let mut m = Model::create(100_000 + case);
            m.set_root(&json!(a));
            // A second session's edit splits the text into several chunks.
            if case % 2 == 0
                && let Some(p) = m.fork(200_000 + case).diff(&json!(format!("{a}!{a}")))
            {
                m.apply_patch(&p);
            }
            let src_val = m.view();
            let Some(src_text) = src_val.as_str() else {
                panic!("not a string")
            };
            let s = str_node(&m);
            let src = str_bytes(s);
            let w = Window::new(&src, b.as_bytes());
            cut += usize::from(w.cut_left || w.cut_right);
            let mut windowed = JsonCrdtDiff::new(&m);
            let mut whole = JsonCrdtDiff::new(&m);
            let (e, off, len) = windowed
                .window_edits(&src, &b, &w)
                .unwrap_or_else(|| windowed.window_edits_whole(&src, &b));
            windowed.emit_str(s, &e, len, off);
            let (e, off, len) = whole.window_edits_whole(&src, &b);
            whole.emit_str(s, &e, len, off);
            assert_eq!(
                windowed.ops, whole.ops,
                "case {case}: {src_text:?} -> {b:?}"
            );
        }
        assert!(cut > 100, "only {cut} cases cut a window");
    }

    #[test]
    fn utf16_count_matches_encoding() {
        for t in ["", "abc", "é中😀👍🏽", &"x😀é".repeat(100)] {
            assert_eq!(utf16_count(t.as_bytes()), t.encode_utf16().count(), "{t}");
        }
    }
}
