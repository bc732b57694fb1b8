//! [`Patch`]: an ordered list of operations from one session.

use super::clock::Timestamp;
use super::operations::Op;
use crate::json_pack::PackValue;

/// A JSON CRDT patch: operations with consecutive timestamps, plus optional metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Patch {
    pub ops: Vec<Op>,
    /// Arbitrary user metadata; JS `patch.meta`.
    pub meta: Option<PackValue>,
}

impl Patch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Id of the first operation; `None` for an empty patch.
    pub fn id(&self) -> Option<Timestamp> {
        self.ops.first().map(Op::id)
    }

    /// Total ticks consumed by all operations.
    pub fn span(&self) -> u64 {
        self.ops.iter().map(Op::span).sum()
    }

    /// The first time after this patch in its session.
    pub fn next_time(&self) -> Option<u64> {
        self.ops.last().map(|op| op.id().time + op.span())
    }
}
