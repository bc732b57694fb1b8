//! [`Model`]: a JSON CRDT document replica.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::Value;

use super::nodes::{ConNode, Node, ObjNode, StrNode, ValNode, VecNode, fork_node};
use super::rga::{Rga, compare};
use super::str_data::StrData;
use crate::json_crdt_patch::clock::{MIN_USER_SESSION, ORIGIN, SERVER_SESSION, Timestamp};
use crate::json_crdt_patch::operations::{ConValue, Op};
use crate::json_crdt_patch::patch::Patch;
use crate::json_pack::PackValue;

/// Deepest nesting the view and the binary decoder follow.
pub const MAX_DEPTH: usize = 256;

/// Errors of model construction and patch application.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("session id {0} is reserved: user sessions must be >= 65536")]
    ReservedSession(u64),
    #[error("server clock: operation time {op_time} is ahead of the model time {model_time}")]
    TimeTravel { op_time: u64, model_time: u64 },
    #[error("server clock: session id {0} is not a server session")]
    InvalidServerSession(u64),
}

/// Why [`Model::load`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Session(#[from] ModelError),
    #[error(transparent)]
    Decode(#[from] super::DecodeError),
}

/// Fast hasher for timestamps (two integers, no hostile-key concern beyond ids that
/// peers already control).
#[derive(Default, Clone, Copy)]
pub struct TsHasher(u64);

impl Hasher for TsHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type TsMap<V> = HashMap<Timestamp, V, BuildHasherDefault<TsHasher>>;

/// The clock of a model: a logical clock vector (own session plus the highest time
/// seen from each peer) or a server clock (JS `ClockVector` / `ServerClockVector`).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelClock {
    pub sid: u64,
    /// Next time this session will use.
    pub time: u64,
    /// Highest time seen per peer session (logical clocks only).
    pub peers: HashMap<u64, u64, BuildHasherDefault<TsHasher>>,
    pub server: bool,
}

impl ModelClock {
    pub fn logical(sid: u64, time: u64) -> Self {
        Self {
            sid,
            time,
            peers: HashMap::default(),
            server: false,
        }
    }

    pub fn server(time: u64) -> Self {
        Self {
            sid: SERVER_SESSION,
            time,
            peers: HashMap::default(),
            server: true,
        }
    }

    /// Records that ids `id .. id + span` exist.
    pub fn observe(&mut self, id: Timestamp, span: u64) -> Result<(), ModelError> {
        if self.server {
            if id.sid > 8 {
                return Err(ModelError::InvalidServerSession(id.sid));
            }
            if self.time < id.time {
                return Err(ModelError::TimeTravel {
                    op_time: id.time,
                    model_time: self.time,
                });
            }
            self.time = self.time.max(id.time.saturating_add(span));
            return Ok(());
        }
        if span == 0 && id.time == 0 {
            return Ok(());
        }
        let edge = id.time.saturating_add(span) - 1;
        if id.sid != self.sid {
            let e = self.peers.entry(id.sid).or_insert(edge);
            *e = (*e).max(edge);
        }
        if edge >= self.time {
            self.time = edge + 1;
        }
        Ok(())
    }

    /// The clock of a fork with session `sid` (JS `ClockVector.fork`).
    fn fork(&self, sid: u64) -> Self {
        if self.server {
            return self.clone();
        }
        let mut c = Self::logical(sid, self.time);
        if sid != self.sid {
            let _ = c.observe(Timestamp::new(self.sid, self.time.saturating_sub(1)), 1);
        }
        for (&psid, &ptime) in &self.peers {
            let _ = c.observe(Timestamp::new(psid, ptime), 1);
        }
        c
    }
}

/// A JSON CRDT document replica.
///
/// Nodes are kept in an index by id; [`Model::root_id`] names the node the root
/// register points to and [`Model::node`] looks any node up, so a caller can walk the
/// document: `model.node(model.root_id()?)`, then the ids in each node.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) clock: ModelClock,
    pub(crate) index: TsMap<Node>,
    /// What the root register points to; [`ORIGIN`] when unset.
    pub(crate) root: Timestamp,
    tick: u64,
}

fn check_sid(sid: u64) -> Result<(), ModelError> {
    if sid < MIN_USER_SESSION {
        return Err(ModelError::ReservedSession(sid));
    }
    Ok(())
}

impl Model {
    /// An empty model for session `sid` (JS `Model.create(undefined, sid)`). Like JS,
    /// session 1 selects a server clock and other ids are taken as given; use
    /// [`Model::try_create`] to reject reserved ids (below 65536).
    pub fn create(sid: u64) -> Self {
        if sid == SERVER_SESSION {
            return Self::with_server_clock(1);
        }
        Self::with_clock(ModelClock::logical(sid, 1))
    }

    /// An empty model with a logical clock for session `sid`; errors when `sid` is a
    /// reserved session id (below 65536).
    pub fn try_create(sid: u64) -> Result<Self, ModelError> {
        check_sid(sid)?;
        Ok(Self::create(sid))
    }

    /// An empty model with a server clock at `time` (JS `Model.withServerClock`).
    pub fn with_server_clock(time: u64) -> Self {
        Self::with_clock(ModelClock::server(time.max(1)))
    }

    pub(crate) fn with_clock(mut clock: ModelClock) -> Self {
        if clock.time == 0 {
            clock.time = 1;
        }
        Self {
            clock,
            index: TsMap::default(),
            root: ORIGIN,
            tick: 0,
        }
    }

    pub fn clock(&self) -> &ModelClock {
        &self.clock
    }

    /// This replica's session id.
    pub fn sid(&self) -> u64 {
        self.clock.sid
    }

    /// Number of `apply_patch` calls so far.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// Id of the node the root register points to; `None` for an empty document.
    pub fn root_id(&self) -> Option<Timestamp> {
        (self.root.sid != 0).then_some(self.root)
    }

    /// The node with id `id`, if it exists (and was not garbage-collected).
    pub fn node(&self, id: Timestamp) -> Option<&Node> {
        self.index.get(&id)
    }

    /// The root node, if the document is not empty.
    pub fn root_node(&self) -> Option<&Node> {
        self.root_id().and_then(|id| self.node(id))
    }

    /// Number of live nodes.
    pub fn node_count(&self) -> usize {
        self.index.len()
    }

    /// Changes the session id (JS `setSid`).
    pub fn set_sid(&mut self, sid: u64) -> Result<(), ModelError> {
        check_sid(sid)?;
        self.set_sid_unchecked(sid);
        Ok(())
    }

    pub(crate) fn set_sid_unchecked(&mut self, sid: u64) {
        let old = self.clock.sid;
        if old != sid && !self.clock.server {
            self.clock.sid = sid;
            let t = self.clock.time.saturating_sub(1);
            let _ = self.clock.observe(Timestamp::new(old, t), 1);
        }
    }

    /// A deep copy with session `sid` (JS `model.fork(sid)`); see [`Model::try_fork`]
    /// to reject reserved session ids.
    pub fn fork(&self, sid: u64) -> Self {
        self.fork_with(sid)
    }

    /// A deep copy with session `sid`; errors when `sid` is below 65536.
    pub fn try_fork(&self, sid: u64) -> Result<Self, ModelError> {
        check_sid(sid)?;
        Ok(self.fork_with(sid))
    }

    /// A deep copy with the same session id (JS `model.clone()`).
    pub fn clone_model(&self) -> Self {
        self.fork_with(self.clock.sid)
    }

    fn fork_with(&self, sid: u64) -> Self {
        let mut index = TsMap::default();
        index.reserve(self.index.len());
        for (id, n) in &self.index {
            index.insert(*id, fork_node(n));
        }
        Self {
            clock: self.clock.fork(sid),
            index,
            root: self.root,
            tick: self.tick,
        }
    }

    /// Replaces the document with `value` and returns the applied patch (JS
    /// `model.api.set(value); model.api.flush()`).
    pub fn set_root(&mut self, value: &Value) -> Patch {
        let mut b = super::json_builder::JsonOps {
            sid: self.clock.sid,
            time: self.clock.time,
            ops: Vec::new(),
        };
        let val = b.const_or_json(value);
        b.set_root(val);
        let patch = Patch {
            ops: b.ops,
            meta: None,
        };
        self.apply_patch(&patch);
        patch
    }

    /// Encodes the model in the structural binary format (JS `model.toBinary()`).
    pub fn to_binary(&self) -> Vec<u8> {
        super::codec::structural::binary::encode(self)
    }

    /// Decodes a model written by [`Model::to_binary`] or JS (JS `Model.fromBinary`).
    pub fn from_binary(data: &[u8]) -> Result<Self, super::DecodeError> {
        super::codec::structural::binary::decode(data)
    }

    /// Decodes a model and switches it to session `sid` (JS `Model.load(data, sid)`).
    pub fn load(data: &[u8], sid: u64) -> Result<Self, LoadError> {
        check_sid(sid)?;
        let mut m = Self::from_binary(data)?;
        m.set_sid_unchecked(sid);
        Ok(m)
    }

    /// Applies every operation of `patch` in order (JS `applyPatch`). Operations on
    /// unknown nodes and already-applied operations change nothing. On a server-clock
    /// model an operation from the future stops the patch there (JS throws).
    pub fn apply_patch(&mut self, patch: &Patch) {
        let _ = self.try_apply_patch(patch);
    }

    /// Like [`Model::apply_patch`], reporting a server-clock violation.
    pub fn try_apply_patch(&mut self, patch: &Patch) -> Result<(), ModelError> {
        let mut res = Ok(());
        // One table growth up front instead of a rehash at every doubling.
        let new_nodes = patch
            .ops
            .iter()
            .filter(|op| {
                matches!(
                    op,
                    Op::NewCon { .. }
                        | Op::NewVal { .. }
                        | Op::NewObj { .. }
                        | Op::NewVec { .. }
                        | Op::NewStr { .. }
                        | Op::NewBin { .. }
                        | Op::NewArr { .. }
                )
            })
            .count();
        self.index.reserve(new_nodes);
        for op in &patch.ops {
            if let Err(e) = self.apply_op(op) {
                res = Err(e);
                break;
            }
        }
        self.tick += 1;
        res
    }

    /// Applies one operation.
    pub fn apply_op(&mut self, op: &Op) -> Result<(), ModelError> {
        let span = match op {
            Op::InsStr { data, .. } => super::str_data::utf16_len(data.as_bytes()),
            _ => op.span(),
        };
        self.clock.observe(op.id(), span)?;
        match op {
            Op::NewCon { id, val } => self.create_node(*id, || {
                Node::Con(ConNode {
                    id: *id,
                    val: val.clone(),
                })
            }),
            Op::NewVal { id } => self.create_node(*id, || {
                Node::Val(ValNode {
                    id: *id,
                    val: ORIGIN,
                })
            }),
            Op::NewObj { id } => self.create_node(*id, || Node::Obj(Box::new(ObjNode::new(*id)))),
            Op::NewVec { id } => self.create_node(*id, || {
                Node::Vec(VecNode {
                    id: *id,
                    elements: Vec::new(),
                })
            }),
            Op::NewStr { id } => self.create_node(*id, || Node::Str(Box::new(Rga::new(*id)))),
            Op::NewBin { id } => self.create_node(*id, || Node::Bin(Box::new(Rga::new(*id)))),
            Op::NewArr { id } => self.create_node(*id, || Node::Arr(Box::new(Rga::new(*id)))),
            Op::InsVal { obj, val, .. } => self.ins_val(*obj, *val),
            Op::InsObj { obj, data, .. } => self.ins_obj(*obj, data),
            Op::InsVec { obj, data, .. } => self.ins_vec(*obj, data),
            Op::InsStr {
                id,
                obj,
                after,
                data,
            } => {
                if let Some(Node::Str(s)) = self.index.get_mut(obj) {
                    s.ins(*after, *id, StrData::from_text_units(data, span));
                }
            }
            Op::InsBin {
                id,
                obj,
                after,
                data,
            } => {
                if let Some(Node::Bin(s)) = self.index.get_mut(obj) {
                    s.ins(*after, *id, data.clone());
                }
            }
            Op::InsArr {
                id,
                obj,
                after,
                data,
            } => self.ins_arr(*id, *obj, *after, data),
            Op::UpdArr {
                obj, after, val, ..
            } => self.upd_arr(*obj, *after, *val),
            Op::Del { obj, what, .. } => self.del(*obj, what),
            Op::Nop { .. } => {}
        }
        Ok(())
    }

    fn create_node(&mut self, id: Timestamp, make: impl FnOnce() -> Node) {
        self.index.entry(id).or_insert_with(make);
    }

    fn ins_val(&mut self, obj: Timestamp, val: Timestamp) {
        if !self.index.contains_key(&val) {
            return;
        }
        let old = if obj == ORIGIN {
            let cur = self.root;
            if compare(val, cur).is_le() && cur.sid != 0 {
                return;
            }
            if compare(val, ORIGIN).is_le() {
                return;
            }
            self.root = val;
            cur
        } else {
            let Some(Node::Val(node)) = self.index.get_mut(&obj) else {
                return;
            };
            let cur = node.val;
            if compare(val, cur).is_le() && cur.sid != 0 {
                return;
            }
            if compare(val, node.id).is_le() {
                return;
            }
            node.val = val;
            cur
        };
        self.gc_tree(old);
    }

    fn ins_obj(&mut self, obj: Timestamp, data: &[(String, Timestamp)]) {
        let Some(Node::Obj(node)) = self.index.get(&obj) else {
            return;
        };
        let node_time = node.id.time;
        let mut olds = Vec::new();
        for (key, val) in data {
            if !self.index.contains_key(val) || node_time >= val.time {
                continue;
            }
            if let Some(Node::Obj(node)) = self.index.get_mut(&obj)
                && let Some(old) = node.put(key, *val)
            {
                olds.push(old);
            }
        }
        for old in olds {
            self.gc_tree(old);
        }
    }

    fn ins_vec(&mut self, obj: Timestamp, data: &[(u8, Timestamp)]) {
        let Some(Node::Vec(node)) = self.index.get(&obj) else {
            return;
        };
        let node_time = node.id.time;
        let mut olds = Vec::new();
        for (i, val) in data {
            if !self.index.contains_key(val) || node_time >= val.time {
                continue;
            }
            if let Some(Node::Vec(node)) = self.index.get_mut(&obj)
                && let Some(old) = node.put(usize::from(*i), *val)
            {
                olds.push(old);
            }
        }
        for old in olds {
            self.gc_tree(old);
        }
    }

    fn ins_arr(&mut self, id: Timestamp, obj: Timestamp, after: Timestamp, data: &[Timestamp]) {
        let Some(Node::Arr(node)) = self.index.get(&obj) else {
            return;
        };
        let node_time = node.id.time;
        let ids: Vec<Timestamp> = data
            .iter()
            .copied()
            .filter(|s| self.index.contains_key(s) && node_time < s.time)
            .collect();
        if ids.is_empty() {
            return;
        }
        if let Some(Node::Arr(node)) = self.index.get_mut(&obj) {
            node.ins(after, id, ids);
        }
    }

    fn upd_arr(&mut self, obj: Timestamp, after: Timestamp, val: Timestamp) {
        if !self.index.contains_key(&val) {
            return;
        }
        let Some(Node::Arr(node)) = self.index.get_mut(&obj) else {
            return;
        };
        let Some(idx) = node.find_by_id(after) else {
            return;
        };
        let chunk = node.chunk_mut(idx);
        if chunk.del {
            return;
        }
        let off = (after.time - chunk.id.time) as usize;
        let Some(slot) = chunk.data.get_mut(off) else {
            return;
        };
        let cur = *slot;
        if compare(cur, val).is_ge() {
            return;
        }
        *slot = val;
        self.gc_tree(cur);
    }

    fn del(&mut self, obj: Timestamp, what: &[crate::json_crdt_patch::clock::Timespan]) {
        match self.index.get_mut(&obj) {
            Some(Node::Arr(node)) => {
                let mut gone = Vec::new();
                for span in what {
                    collect_live_in_span(node, *span, &mut gone);
                }
                node.delete(what);
                for id in gone {
                    self.gc_tree(id);
                }
            }
            Some(Node::Str(node)) => node.delete(what),
            Some(Node::Bin(node)) => node.delete(what),
            _ => {}
        }
    }

    /// Removes a replaced subtree from the index (JS `_gcTree`).
    fn gc_tree(&mut self, id: Timestamp) {
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            if id.sid == 0 {
                continue;
            }
            if let Some(node) = self.index.remove(&id) {
                node.for_each_child(|c| stack.push(c));
            }
        }
    }

    /// The JSON view of the document (JS `model.view()`); `null` for an empty one.
    pub fn view(&self) -> Value {
        self.node_view(self.root, 0).unwrap_or(Value::Null)
    }

    /// The view of the node `id`; `None` where JS gives `undefined`.
    pub fn node_view(&self, id: Timestamp, depth: usize) -> Option<Value> {
        if id.sid == 0 || depth > MAX_DEPTH {
            return None;
        }
        let node = self.index.get(&id)?;
        Some(match node {
            Node::Con(n) => return con_view(&n.val),
            Node::Val(n) => return self.node_view(n.val, depth + 1),
            Node::Obj(n) => {
                let mut map = serde_json::Map::with_capacity(n.entries().len());
                for (k, v) in n.entries() {
                    if let Some(v) = self.node_view(*v, depth + 1) {
                        map.insert(k.clone(), v);
                    }
                }
                Value::Object(map)
            }
            Node::Vec(n) => Value::Array(
                n.elements
                    .iter()
                    .map(|e| {
                        e.and_then(|e| self.node_view(e, depth + 1))
                            .unwrap_or(Value::Null)
                    })
                    .collect(),
            ),
            Node::Str(n) => Value::String(str_view(n)),
            Node::Bin(n) => Value::Array(
                n.chunks()
                    .filter(|c| !c.del)
                    .flat_map(|c| c.data.iter().map(|b| Value::from(*b)))
                    .collect(),
            ),
            Node::Arr(n) => {
                let mut out = Vec::with_capacity(n.length() as usize);
                for c in n.chunks().filter(|c| !c.del) {
                    for e in &c.data {
                        if self.index.contains_key(e) {
                            out.push(self.node_view(*e, depth + 1).unwrap_or(Value::Null));
                        }
                    }
                }
                Value::Array(out)
            }
        })
    }
}

/// Live element ids of `node` within `span`, found through the chunks overlapping it.
fn collect_live_in_span(
    node: &Rga<Vec<Timestamp>>,
    span: crate::json_crdt_patch::clock::Timespan,
    out: &mut Vec<Timestamp>,
) {
    if span.span == 0 {
        return;
    }
    let t1 = span.time;
    let t2 = span.time.saturating_add(span.span - 1);
    let mut visit = |idx: u32| {
        let c = node.chunk_at(idx);
        if c.del {
            return;
        }
        for (i, e) in c.data.iter().enumerate() {
            let t = c.id.time + i as u64;
            if t >= t1 && t <= t2 {
                out.push(*e);
            }
        }
    };
    let first = node.find_by_id(span.start());
    if let Some(idx) = first {
        visit(idx);
    }
    for idx in node.chunk_ids_in(Timestamp::new(span.sid, t1), Timestamp::new(span.sid, t2)) {
        if Some(idx) != first {
            visit(idx);
        }
    }
}

/// The string a `str` node holds (lone surrogates become U+FFFD).
pub fn str_view(n: &StrNode) -> String {
    let mut live = n.chunks().filter(|c| !c.del);
    let Some(first) = live.next() else {
        return String::new();
    };
    let mut bytes = Vec::with_capacity(first.data.as_bytes().len());
    bytes.extend_from_slice(first.data.as_bytes());
    for c in live {
        StrData::push_bytes(&mut bytes, c.data.as_bytes());
    }
    StrData::into_string(bytes)
}

/// The JSON view of a constant; `None` for `undefined`.
pub fn con_view(val: &ConValue) -> Option<Value> {
    match val {
        ConValue::Val(v) => pack_view(v),
        ConValue::Ref(ts) => Some(serde_json::json!({"sid": ts.sid, "time": ts.time})),
    }
}

fn pack_view(v: &PackValue) -> Option<Value> {
    Some(match v {
        PackValue::Undefined => return None,
        PackValue::Null => Value::Null,
        PackValue::Bool(b) => Value::Bool(*b),
        PackValue::Int(i) => Value::from(*i),
        PackValue::UInt(u) => Value::from(*u),
        PackValue::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                Value::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
        }
        PackValue::Str(s) => Value::String(s.clone()),
        PackValue::Bytes(b) => Value::Array(b.iter().map(|x| Value::from(*x)).collect()),
        PackValue::Array(a) => Value::Array(
            a.iter()
                .map(|x| pack_view(x).unwrap_or(Value::Null))
                .collect(),
        ),
        PackValue::Object(o) => Value::Object(
            o.iter()
                .filter_map(|(k, x)| pack_view(x).map(|x| (k.clone(), x)))
                .collect(),
        ),
    })
}
