//! Turning a JSON value into the operations JS `model.api.set(value)` emits:
//! numbers, booleans and `null` become `con` nodes directly at the top and as object
//! values; inside arrays they are wrapped in `val` registers; strings become `str`
//! nodes, arrays `arr`, objects `obj`.
//!
//! Used by [`super::Model::set_root`] until the shared patch builder lands.

use serde_json::Value;

use crate::json_crdt_patch::clock::{ORIGIN, Timestamp};
use crate::json_crdt_patch::operations::{ConValue, Op};
use crate::json_pack::PackValue;

const MAX_SAFE: i64 = (1 << 53) - 1;

/// Emits operations with consecutive times from `(sid, time)`.
pub(crate) struct JsonOps {
    pub sid: u64,
    pub time: u64,
    pub ops: Vec<Op>,
}

impl JsonOps {
    fn tick(&mut self, span: u64) -> Timestamp {
        let id = Timestamp::new(self.sid, self.time);
        self.time += span;
        id
    }

    fn con(&mut self, v: PackValue) -> Timestamp {
        let id = self.tick(1);
        self.ops.push(Op::NewCon {
            id,
            val: ConValue::Val(v),
        });
        id
    }

    fn is_const(v: &Value) -> bool {
        matches!(v, Value::Null | Value::Bool(_) | Value::Number(_))
    }

    /// JS `builder.constOrJson(value)`.
    pub fn const_or_json(&mut self, v: &Value) -> Timestamp {
        if Self::is_const(v) {
            self.con(scalar(v))
        } else {
            self.json(v)
        }
    }

    /// JS `builder.json(value)`.
    pub fn json(&mut self, v: &Value) -> Timestamp {
        match v {
            Value::Array(a) => {
                let id = self.tick(1);
                self.ops.push(Op::NewArr { id });
                if !a.is_empty() {
                    let data: Vec<Timestamp> = a.iter().map(|e| self.json(e)).collect();
                    let op_id = self.tick(data.len() as u64);
                    self.ops.push(Op::InsArr {
                        id: op_id,
                        obj: id,
                        after: id,
                        data,
                    });
                }
                id
            }
            Value::Object(o) => {
                let id = self.tick(1);
                self.ops.push(Op::NewObj { id });
                if !o.is_empty() {
                    let data: Vec<(String, Timestamp)> = o
                        .iter()
                        .map(|(k, v)| (k.clone(), self.const_or_json(v)))
                        .collect();
                    let op_id = self.tick(1);
                    self.ops.push(Op::InsObj {
                        id: op_id,
                        obj: id,
                        data,
                    });
                }
                id
            }
            Value::String(s) => {
                let id = self.tick(1);
                self.ops.push(Op::NewStr { id });
                if !s.is_empty() {
                    let op_id = self.tick(super::str_data::utf16_len(s.as_bytes()));
                    self.ops.push(Op::InsStr {
                        id: op_id,
                        obj: id,
                        after: id,
                        data: s.clone(),
                    });
                }
                id
            }
            scalar_value => {
                let id = self.tick(1);
                self.ops.push(Op::NewVal { id });
                let c = self.con(scalar(scalar_value));
                let op_id = self.tick(1);
                self.ops.push(Op::InsVal {
                    id: op_id,
                    obj: id,
                    val: c,
                });
                id
            }
        }
    }

    /// JS `builder.root(id)`.
    pub fn set_root(&mut self, val: Timestamp) {
        let id = self.tick(1);
        self.ops.push(Op::InsVal {
            id,
            obj: ORIGIN,
            val,
        });
    }
}

/// A JSON scalar as JS holds it: integers beyond 2^53 are floats.
fn scalar(v: &Value) -> PackValue {
    match v {
        Value::Bool(b) => PackValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) if (-MAX_SAFE..=MAX_SAFE).contains(&i) => PackValue::Int(i),
            _ => PackValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        _ => PackValue::Null,
    }
}
