//! The sixteen JSON CRDT patch operations.

use super::clock::{Timespan, Timestamp};
use crate::json_pack::PackValue;

/// What a `new_con` operation holds: a constant, or a reference to another timestamp.
#[derive(Debug, Clone, PartialEq)]
pub enum ConValue {
    Val(PackValue),
    Ref(Timestamp),
}

/// One patch operation. `id` is the timestamp of its first unit; see [`Op::span`].
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    NewCon {
        id: Timestamp,
        val: ConValue,
    },
    NewVal {
        id: Timestamp,
    },
    NewObj {
        id: Timestamp,
    },
    NewVec {
        id: Timestamp,
    },
    NewStr {
        id: Timestamp,
    },
    NewBin {
        id: Timestamp,
    },
    NewArr {
        id: Timestamp,
    },
    /// Sets the value of a `val` register (or the root when `obj` is the origin).
    InsVal {
        id: Timestamp,
        obj: Timestamp,
        val: Timestamp,
    },
    InsObj {
        id: Timestamp,
        obj: Timestamp,
        data: Vec<(String, Timestamp)>,
    },
    InsVec {
        id: Timestamp,
        obj: Timestamp,
        data: Vec<(u8, Timestamp)>,
    },
    /// Inserts text after the character `after` (the string's own id for the start).
    InsStr {
        id: Timestamp,
        obj: Timestamp,
        after: Timestamp,
        data: String,
    },
    InsBin {
        id: Timestamp,
        obj: Timestamp,
        after: Timestamp,
        data: Vec<u8>,
    },
    InsArr {
        id: Timestamp,
        obj: Timestamp,
        after: Timestamp,
        data: Vec<Timestamp>,
    },
    /// Replaces the element `after` of array `obj` with `val`.
    UpdArr {
        id: Timestamp,
        obj: Timestamp,
        after: Timestamp,
        val: Timestamp,
    },
    Del {
        id: Timestamp,
        obj: Timestamp,
        what: Vec<Timespan>,
    },
    Nop {
        id: Timestamp,
        len: u64,
    },
}

impl Op {
    pub fn id(&self) -> Timestamp {
        match self {
            Op::NewCon { id, .. }
            | Op::NewVal { id }
            | Op::NewObj { id }
            | Op::NewVec { id }
            | Op::NewStr { id }
            | Op::NewBin { id }
            | Op::NewArr { id }
            | Op::InsVal { id, .. }
            | Op::InsObj { id, .. }
            | Op::InsVec { id, .. }
            | Op::InsStr { id, .. }
            | Op::InsBin { id, .. }
            | Op::InsArr { id, .. }
            | Op::UpdArr { id, .. }
            | Op::Del { id, .. }
            | Op::Nop { id, .. } => *id,
        }
    }

    /// How many clock ticks the operation consumes: UTF-16 code units for `ins_str`,
    /// bytes for `ins_bin`, elements for `ins_arr`, `len` for `nop`, otherwise one.
    pub fn span(&self) -> u64 {
        match self {
            Op::InsStr { data, .. } => crate::json_crdt::str_data::utf16_len(data.as_bytes()),
            Op::InsBin { data, .. } => data.len() as u64,
            Op::InsArr { data, .. } => data.len() as u64,
            Op::Nop { len, .. } => *len,
            _ => 1,
        }
    }
}
