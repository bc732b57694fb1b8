//! Middleware: hooks around reads and writes.
//!
//! A [`Middleware`] can rewrite record data on the way in and out, derive record
//! metadata from per-call options, filter queries by metadata and reject writes.
//! [`TypedAdapter`] runs a [`ReactiveAdapter`](crate::reactive::ReactiveAdapter)
//! through a stack of them.

pub mod typed_adapter;
pub mod types;

pub use typed_adapter::{MwResult, TypedAdapter};
pub use types::{MetaFilter, Middleware, MiddlewareError, Reject, WriteContext, WriteOp};
