//! [`PatchBuilder`]: appends operations with consecutive timestamps to a [`Patch`],
//! exactly as JS `PatchBuilder` does (same op order, same ticks, same `nop` padding).

use serde_json::{Map, Value};

use super::clock::{LogicalClock, ORIGIN, Timespan, Timestamp};
use super::operations::{ConValue, Op};
use super::patch::Patch;
use super::schema::NodeBuilder;
use crate::json_pack::{PackValue, number_to_pack};

/// An insert that JS refuses (it throws) because it would insert nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BuilderError {
    #[error("an insert needs at least one element")]
    Empty,
}

/// Builds a patch for one session (JS `PatchBuilder`).
#[derive(Debug, Clone)]
pub struct PatchBuilder {
    pub clock: LogicalClock,
    pub patch: Patch,
}

impl PatchBuilder {
    /// A builder whose first operation gets `(sid, time)`.
    pub fn new(sid: u64, time: u64) -> Self {
        Self::with_clock(LogicalClock::new(sid, time))
    }

    pub fn with_clock(clock: LogicalClock) -> Self {
        Self {
            clock,
            patch: Patch::new(),
        }
    }

    /// JS `nextTime()`: the time after the last op, or the clock's time.
    pub fn next_time(&self) -> u64 {
        match self.patch.next_time() {
            Some(t) if t != 0 => t,
            _ => self.clock.time,
        }
    }

    /// Returns the patch built so far and starts a new one (the clock keeps going).
    pub fn flush(&mut self) -> Patch {
        std::mem::take(&mut self.patch)
    }

    /// Fills a gap between the last op and the clock with a `nop` (JS `pad`).
    fn pad(&mut self) {
        let Some(next) = self.patch.next_time() else {
            return;
        };
        if next == 0 {
            return;
        }
        if self.clock.time > next {
            let id = Timestamp::new(self.clock.sid, next);
            let len = self.clock.time - next;
            self.patch.ops.push(Op::Nop { id, len });
        }
    }

    /// Pads, takes `span` ticks and pushes the op built from its id.
    #[inline]
    fn push(&mut self, span: u64, make: impl FnOnce(Timestamp) -> Op) -> Timestamp {
        self.pad();
        let id = self.clock.tick(span);
        self.patch.ops.push(make(id));
        id
    }

    pub fn con(&mut self, val: PackValue) -> Timestamp {
        self.push(1, |id| Op::NewCon {
            id,
            val: ConValue::Val(val),
        })
    }

    /// A `con` node holding a reference to another timestamp.
    pub fn con_ref(&mut self, ts: Timestamp) -> Timestamp {
        self.push(1, |id| Op::NewCon {
            id,
            val: ConValue::Ref(ts),
        })
    }

    pub fn val(&mut self) -> Timestamp {
        self.push(1, |id| Op::NewVal { id })
    }

    pub fn obj(&mut self) -> Timestamp {
        self.push(1, |id| Op::NewObj { id })
    }

    pub fn vec(&mut self) -> Timestamp {
        self.push(1, |id| Op::NewVec { id })
    }

    pub fn str(&mut self) -> Timestamp {
        self.push(1, |id| Op::NewStr { id })
    }

    pub fn bin(&mut self) -> Timestamp {
        self.push(1, |id| Op::NewBin { id })
    }

    pub fn arr(&mut self) -> Timestamp {
        self.push(1, |id| Op::NewArr { id })
    }

    /// Sets register `obj` (a `val` node, or [`ORIGIN`] for the root) to `val`.
    pub fn set_val(&mut self, obj: Timestamp, val: Timestamp) -> Timestamp {
        self.push(1, |id| Op::InsVal { id, obj, val })
    }

    /// JS `root(val)`: sets the document root.
    pub fn root(&mut self, val: Timestamp) -> Timestamp {
        self.set_val(ORIGIN, val)
    }

    pub fn ins_obj(
        &mut self,
        obj: Timestamp,
        data: Vec<(String, Timestamp)>,
    ) -> Result<Timestamp, BuilderError> {
        if data.is_empty() {
            return Err(BuilderError::Empty);
        }
        Ok(self.push(1, |id| Op::InsObj { id, obj, data }))
    }

    pub fn ins_vec(
        &mut self,
        obj: Timestamp,
        data: Vec<(u8, Timestamp)>,
    ) -> Result<Timestamp, BuilderError> {
        if data.is_empty() {
            return Err(BuilderError::Empty);
        }
        Ok(self.push(1, |id| Op::InsVec { id, obj, data }))
    }

    /// Inserts `data` after `after` (the string's own id for the start); the op takes
    /// one tick per UTF-16 code unit.
    pub fn ins_str(
        &mut self,
        obj: Timestamp,
        after: Timestamp,
        data: String,
    ) -> Result<Timestamp, BuilderError> {
        if data.is_empty() {
            return Err(BuilderError::Empty);
        }
        let span = crate::json_pack::cbor::utf16_len(&data) as u64;
        Ok(self.push(span, |id| Op::InsStr {
            id,
            obj,
            after,
            data,
        }))
    }

    pub fn ins_bin(
        &mut self,
        obj: Timestamp,
        after: Timestamp,
        data: Vec<u8>,
    ) -> Result<Timestamp, BuilderError> {
        if data.is_empty() {
            return Err(BuilderError::Empty);
        }
        let span = data.len() as u64;
        Ok(self.push(span, |id| Op::InsBin {
            id,
            obj,
            after,
            data,
        }))
    }

    /// Inserts elements after `after`. An empty list still takes one tick (as in JS),
    /// which the next op pads with a `nop`.
    pub fn ins_arr(&mut self, obj: Timestamp, after: Timestamp, data: Vec<Timestamp>) -> Timestamp {
        let span = (data.len() as u64).max(1);
        self.push(span, |id| Op::InsArr {
            id,
            obj,
            after,
            data,
        })
    }

    /// An `ins_arr` with no elements taking no clock ticks, as [`Op::span`] counts it:
    /// what the patch decoder builds, so that decoding what it re-encodes adds no
    /// padding `nop` (the builder's [`PatchBuilder::ins_arr`] ticks once, as JS does).
    pub(crate) fn ins_arr_empty(&mut self, obj: Timestamp, after: Timestamp) -> Timestamp {
        self.push(0, |id| Op::InsArr {
            id,
            obj,
            after,
            data: Vec::new(),
        })
    }

    pub fn upd_arr(&mut self, obj: Timestamp, after: Timestamp, val: Timestamp) -> Timestamp {
        self.push(1, |id| Op::UpdArr {
            id,
            obj,
            after,
            val,
        })
    }

    pub fn del(&mut self, obj: Timestamp, what: Vec<Timespan>) -> Timestamp {
        self.push(1, |id| Op::Del { id, obj, what })
    }

    pub fn nop(&mut self, len: u64) -> Timestamp {
        self.push(len, |id| Op::Nop { id, len })
    }

    /// JS `jsonObj`: an `obj` node; scalars become `con` values, the rest `json`.
    pub fn json_obj(&mut self, o: &Map<String, Value>) -> Timestamp {
        let id = self.obj();
        if !o.is_empty() {
            let data: Vec<(String, Timestamp)> = js_key_order(o)
                .into_iter()
                .map(|(k, v)| (k.clone(), self.const_or_json(v)))
                .collect();
            self.push(1, |op| Op::InsObj {
                id: op,
                obj: id,
                data,
            });
        }
        id
    }

    /// JS `jsonArr`: an `arr` node whose elements are built with [`Self::json`].
    pub fn json_arr(&mut self, a: &[Value]) -> Timestamp {
        let id = self.arr();
        if !a.is_empty() {
            let data: Vec<Timestamp> = a.iter().map(|v| self.json(v)).collect();
            self.ins_arr(id, id, data);
        }
        id
    }

    /// JS `jsonStr`: a `str` node with the text inserted at its start.
    pub fn json_str(&mut self, s: &str) -> Timestamp {
        let id = self.str();
        if !s.is_empty() {
            let span = crate::json_pack::cbor::utf16_len(s) as u64;
            self.push(span, |op| Op::InsStr {
                id: op,
                obj: id,
                after: id,
                data: s.to_owned(),
            });
        }
        id
    }

    /// JS `jsonBin`: a `bin` node with the bytes inserted at its start.
    pub fn json_bin(&mut self, b: &[u8]) -> Timestamp {
        let id = self.bin();
        if !b.is_empty() {
            self.push(b.len() as u64, |op| Op::InsBin {
                id: op,
                obj: id,
                after: id,
                data: b.to_vec(),
            });
        }
        id
    }

    /// JS `jsonVal`: a `val` register holding a new `con`.
    pub fn json_val(&mut self, v: PackValue) -> Timestamp {
        let reg = self.val();
        let c = self.con(v);
        self.set_val(reg, c);
        reg
    }

    /// JS `json(value)`: strings become `str`, arrays `arr`, objects `obj`, and
    /// scalars `val` registers holding a `con`.
    pub fn json(&mut self, v: &Value) -> Timestamp {
        match v {
            Value::Object(o) => self.json_obj(o),
            Value::Array(a) => self.json_arr(a),
            Value::String(s) => self.json_str(s),
            scalar => self.json_val(scalar_to_pack(scalar)),
        }
    }

    /// JS `constOrJson(value)`: numbers, booleans and `null` become a bare `con`.
    pub fn const_or_json(&mut self, v: &Value) -> Timestamp {
        match v {
            Value::Null | Value::Bool(_) | Value::Number(_) => self.con(scalar_to_pack(v)),
            _ => self.json(v),
        }
    }

    /// The ops of `model.api.root(value)`: builds the value with
    /// [`Self::const_or_json`] and sets it as the root.
    pub fn set_root_json(&mut self, v: &Value) -> Timestamp {
        let val = self.const_or_json(v);
        self.root(val)
    }

    /// Emits the ops of a schema tree (JS `NodeBuilder.build`); returns its node id.
    pub fn build_node(&mut self, node: &NodeBuilder) -> Timestamp {
        match node {
            NodeBuilder::Con(v) => self.con(v.clone()),
            NodeBuilder::ConRef(ts) => self.con_ref(*ts),
            NodeBuilder::Str(s) => self.json_str(s),
            NodeBuilder::Bin(b) => self.json_bin(b),
            NodeBuilder::Val(inner) => {
                let reg = self.val();
                let v = self.build_node(inner);
                self.set_val(reg, v);
                reg
            }
            NodeBuilder::Vec(items) => {
                let id = self.vec();
                let data: Vec<(u8, Timestamp)> = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| n.as_ref().map(|n| (i, n)))
                    .map(|(i, n)| (i as u8, self.build_node(n)))
                    .collect();
                if !data.is_empty() {
                    self.push(1, |op| Op::InsVec {
                        id: op,
                        obj: id,
                        data,
                    });
                }
                id
            }
            NodeBuilder::Obj(entries) => {
                let id = self.obj();
                let data: Vec<(String, Timestamp)> = js_entry_order(entries)
                    .into_iter()
                    .map(|(k, n)| (k.clone(), self.build_node(n)))
                    .collect();
                if !data.is_empty() {
                    self.push(1, |op| Op::InsObj {
                        id: op,
                        obj: id,
                        data,
                    });
                }
                id
            }
            NodeBuilder::Arr(items) => {
                let id = self.arr();
                if !items.is_empty() {
                    let data: Vec<Timestamp> = items.iter().map(|n| self.build_node(n)).collect();
                    self.ins_arr(id, id, data);
                }
                id
            }
            NodeBuilder::Json(v) => self.json(v),
        }
    }
}

/// A JSON scalar as JS holds it (see [`number_to_pack`]).
fn scalar_to_pack(v: &Value) -> PackValue {
    match v {
        Value::Bool(b) => PackValue::Bool(*b),
        Value::Number(n) => number_to_pack(n),
        _ => PackValue::Null,
    }
}

/// Whether `k` is a JS array index ("0", "42", ... below 2^32 - 1), which JS objects
/// list before other keys, in numeric order.
pub fn is_array_index(k: &str) -> bool {
    let b = k.as_bytes();
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if b.len() > 1 && b[0] == b'0' {
        return false;
    }
    k.parse::<u64>().is_ok_and(|n| n < u64::from(u32::MAX))
}

fn index_then_insertion<'a, T>(
    items: impl Iterator<Item = (&'a String, T)>,
) -> Vec<(&'a String, T)> {
    let mut v: Vec<(&String, T)> = items.collect();
    if v.iter().any(|(k, _)| is_array_index(k)) {
        // Stable: index keys first by numeric value, other keys keep their order.
        v.sort_by_key(|(k, _)| {
            if is_array_index(k) {
                (0, k.parse::<u64>().unwrap_or(0))
            } else {
                (1, 0)
            }
        });
    }
    v
}

/// Object entries in JS `Object.keys` order.
pub fn js_key_order(o: &Map<String, Value>) -> Vec<(&String, &Value)> {
    index_then_insertion(o.iter())
}

fn js_entry_order(entries: &[(String, NodeBuilder)]) -> Vec<(&String, &NodeBuilder)> {
    // A later duplicate key overwrites the earlier value in its first position.
    let mut dedup: Vec<(&String, &NodeBuilder)> = Vec::with_capacity(entries.len());
    for (k, n) in entries {
        match dedup.iter_mut().find(|(ek, _)| *ek == k) {
            Some(slot) => slot.1 = n,
            None => dedup.push((k, n)),
        }
    }
    index_then_insertion(dedup.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn root_of_object_matches_js_op_order() {
        let mut b = PatchBuilder::new(100_000, 1);
        b.set_root_json(&json!({"a": 1, "b": "xy", "c": [true]}));
        let p = b.flush();
        let names: Vec<String> = p.ops.iter().map(|o| format!("{o:?}")).collect();
        assert_eq!(p.ops.len(), 11, "{names:#?}");
        assert!(matches!(p.ops[0], Op::NewObj { id } if id == Timestamp::new(100_000, 1)));
        assert!(matches!(p.ops[1], Op::NewCon { .. }));
        assert!(matches!(p.ops[2], Op::NewStr { .. }));
        assert!(matches!(p.ops[3], Op::InsStr { id, .. } if id.time == 4));
        assert!(matches!(p.ops[4], Op::NewArr { id } if id.time == 6));
        assert!(matches!(p.ops[5], Op::NewVal { .. }));
        assert!(matches!(p.ops[7], Op::InsVal { .. }));
        assert!(matches!(p.ops[8], Op::InsArr { .. }));
        assert!(matches!(p.ops[9], Op::InsObj { .. }));
        assert!(matches!(p.ops[10], Op::InsVal { obj, .. } if obj == ORIGIN));
        assert_eq!(p.next_time(), Some(13));
    }

    #[test]
    fn integer_keys_come_first_like_js() {
        let v: Value =
            serde_json::from_str(r#"{"b":1,"10":2,"a":3,"2":4,"01":5}"#).unwrap_or_default();
        let Value::Object(o) = v else { unreachable!() };
        let keys: Vec<&str> = js_key_order(&o)
            .into_iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, vec!["2", "10", "b", "a", "01"]);
    }

    #[test]
    fn empty_ins_arr_is_padded_with_nop() {
        let mut b = PatchBuilder::new(70_000, 0);
        let a = b.arr();
        b.ins_arr(a, a, vec![]);
        b.con(PackValue::Null);
        let p = b.flush();
        assert!(matches!(p.ops[2], Op::Nop { len: 1, id } if id.time == 1));
        assert!(matches!(p.ops[3], Op::NewCon { id, .. } if id.time == 2));
    }

    #[test]
    fn empty_inserts_are_refused() {
        let mut b = PatchBuilder::new(70_000, 0);
        assert_eq!(
            b.ins_str(ORIGIN, ORIGIN, String::new()),
            Err(BuilderError::Empty)
        );
        assert_eq!(b.ins_obj(ORIGIN, vec![]), Err(BuilderError::Empty));
        assert!(b.patch.ops.is_empty());
    }
}
