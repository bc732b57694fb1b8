//! The middleware trait and the types its hooks see.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

use std::fmt;

use serde_json::Value;

use crate::collection::CollectionDef;
use crate::error::LessDbError;
use crate::types::StoredRecordWithMeta;

/// The kind of write a hook is called for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteOp {
    Put,
    Patch,
    Delete,
}

impl fmt::Display for WriteOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteOp::Put => "put",
            WriteOp::Patch => "patch",
            WriteOp::Delete => "delete",
        })
    }
}

/// What a write hook knows about the write.
#[derive(Debug, Clone, Copy)]
pub struct WriteContext<'a> {
    pub def: &'a CollectionDef,
    pub op: WriteOp,
    /// The record id when the caller named it (always for patch and delete; for a put,
    /// when the data or the options carry one).
    pub id: Option<&'a str>,
    /// The caller's middleware options for this write (`Value::Null` when none), e.g.
    /// `{"space": "team-1"}`. Their shape is a contract between the caller and its
    /// middleware; the adapter does not read them.
    pub options: &'a Value,
}

/// A hook's refusal of a write, with the reason given to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub reason: String,
}

impl Reject {
    pub fn new(reason: impl Into<String>) -> Self {
        Reject {
            reason: reason.into(),
        }
    }
}

/// The error of a [`TypedAdapter`](super::TypedAdapter) operation.
#[derive(Debug, thiserror::Error)]
pub enum MiddlewareError {
    /// A middleware refused the write; nothing was written.
    #[error("{op} in {collection} rejected{}: {reason}", id_suffix(.id))]
    Rejected {
        collection: String,
        op: WriteOp,
        /// The record id, when known.
        id: Option<String>,
        reason: String,
    },
    /// The storage underneath failed.
    #[error(transparent)]
    Storage(#[from] LessDbError),
}

fn id_suffix(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" for {id}"))
        .unwrap_or_default()
}

impl MiddlewareError {
    pub(crate) fn rejected(ctx: &WriteContext<'_>, reject: Reject) -> Self {
        MiddlewareError::Rejected {
            collection: ctx.def.name.clone(),
            op: ctx.op,
            id: ctx.id.map(str::to_string),
            reason: reject.reason,
        }
    }

    /// True when a middleware refused the write.
    pub fn is_rejection(&self) -> bool {
        matches!(self, MiddlewareError::Rejected { .. })
    }
}

/// Keeps a record in a query's results when it returns `true` for the record's meta.
pub type MetaFilter = Box<dyn Fn(Option<&Value>) -> bool + Send + Sync>;

/// Hooks around the reads and writes of a [`TypedAdapter`](super::TypedAdapter). Every
/// method has a no-op default, so an implementation overrides only what it needs.
///
/// In a stack, write hooks run in the order the middleware was added, each seeing the
/// previous one's output; read hooks run in the reverse order, so the last layer added
/// is the closest to the caller on the way in and on the way out.
pub trait Middleware: Send + Sync {
    /// Checks or rewrites the data of a put or patch before it is stored (a patch sees
    /// only its own fields). `Err` rejects the write.
    fn before_write(&self, _ctx: &WriteContext<'_>, data: Value) -> Result<Value, Reject> {
        Ok(data)
    }

    /// Checks a delete before it happens. `Err` rejects it.
    fn before_delete(&self, _ctx: &WriteContext<'_>) -> Result<(), Reject> {
        Ok(())
    }

    /// Record metadata for this write, derived from the caller's options. `None`, or
    /// an empty object, keeps the record's current metadata. The objects returned by a
    /// stack are merged, later layers winning on equal keys. `Err` rejects the write.
    fn on_write(&self, _ctx: &WriteContext<'_>) -> Result<Option<Value>, Reject> {
        Ok(None)
    }

    /// Called after a put, patch or delete was stored, with the stored record (for a
    /// delete, the tombstone is not read back, so this is not called).
    fn after_write(&self, _ctx: &WriteContext<'_>, _record: &StoredRecordWithMeta) {}

    /// Rewrites record data on its way out (get, query, observe, and the records write
    /// calls return). `meta` is the record's stored metadata.
    fn on_read(&self, _def: &CollectionDef, data: Value, _meta: Option<&Value>) -> Value {
        data
    }

    /// A filter on record metadata for a query or count made with `options`. `None`
    /// keeps every record.
    fn on_query(&self, _def: &CollectionDef, _options: &Value) -> Option<MetaFilter> {
        None
    }

    /// True when a change of metadata from `old` to `new` moves the record somewhere
    /// the server has never seen it (another space, say), so its sync state restarts:
    /// sequence 0, pending patch log cleared, dirty.
    fn should_reset_sync_state(&self, _old: Option<&Value>, _new: &Value) -> bool {
        false
    }
}
