//! A small patch writer: hands out consecutive timestamps of one session and records
//! the operations, so the schema-aware code can choose node kinds (`con` for atomic
//! values, `str` for text) without going through a generic JSON builder.

use json_joy::json_crdt_patch::clock::{ORIGIN, Timespan, Timestamp};
use json_joy::json_crdt_patch::{ConValue, Op, Patch};
use json_joy::json_pack::PackValue;

/// Collects operations with consecutive ids starting at `(sid, time)`.
pub(crate) struct OpWriter {
    sid: u64,
    time: u64,
    ops: Vec<Op>,
}

impl OpWriter {
    pub(crate) fn new(sid: u64, time: u64) -> Self {
        Self {
            sid,
            time,
            ops: Vec::new(),
        }
    }

    fn push(&mut self, op: Op) -> Timestamp {
        let id = op.id();
        self.time += op.span();
        self.ops.push(op);
        id
    }

    fn next_id(&self) -> Timestamp {
        Timestamp::new(self.sid, self.time)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub(crate) fn con(&mut self, value: PackValue) -> Timestamp {
        let id = self.next_id();
        self.push(Op::NewCon {
            id,
            val: ConValue::Val(value),
        })
    }

    pub(crate) fn obj(&mut self) -> Timestamp {
        let id = self.next_id();
        self.push(Op::NewObj { id })
    }

    pub(crate) fn arr(&mut self) -> Timestamp {
        let id = self.next_id();
        self.push(Op::NewArr { id })
    }

    /// A `str` node holding `text`.
    pub(crate) fn str_node(&mut self, text: &str) -> Timestamp {
        let id = self.next_id();
        self.push(Op::NewStr { id });
        if !text.is_empty() {
            self.ins_str(id, id, text);
        }
        id
    }

    pub(crate) fn ins_str(&mut self, obj: Timestamp, after: Timestamp, text: &str) {
        let id = self.next_id();
        self.push(Op::InsStr {
            id,
            obj,
            after,
            data: text.to_owned(),
        });
    }

    pub(crate) fn ins_obj(&mut self, obj: Timestamp, data: Vec<(String, Timestamp)>) {
        if data.is_empty() {
            return;
        }
        let id = self.next_id();
        self.push(Op::InsObj { id, obj, data });
    }

    pub(crate) fn ins_arr(&mut self, obj: Timestamp, after: Timestamp, data: Vec<Timestamp>) {
        if data.is_empty() {
            return;
        }
        let id = self.next_id();
        self.push(Op::InsArr {
            id,
            obj,
            after,
            data,
        });
    }

    pub(crate) fn del(&mut self, obj: Timestamp, what: Vec<Timespan>) {
        if what.is_empty() {
            return;
        }
        let id = self.next_id();
        self.push(Op::Del { id, obj, what });
    }

    /// A `val` register holding a new `con` (JS `builder.jsonVal`).
    pub(crate) fn val_con(&mut self, value: PackValue) -> Timestamp {
        let val_id = self.next_id();
        self.push(Op::NewVal { id: val_id });
        let con = self.con(value);
        let id = self.next_id();
        self.push(Op::InsVal {
            id,
            obj: val_id,
            val: con,
        });
        val_id
    }

    /// Points the document root at `val`.
    pub(crate) fn set_root(&mut self, val: Timestamp) {
        self.set_val(ORIGIN, val);
    }

    /// Points the `val` register `obj` at `val`.
    pub(crate) fn set_val(&mut self, obj: Timestamp, val: Timestamp) {
        let id = self.next_id();
        self.push(Op::InsVal { id, obj, val });
    }

    pub(crate) fn finish(self) -> Patch {
        Patch {
            ops: self.ops,
            meta: None,
        }
    }
}
