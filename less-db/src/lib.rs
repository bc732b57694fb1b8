//! less-db: a local-first document store over `serde_json::Value`.
//!
//! Versioned schemas with migrations, SQLite storage with indexes and a query planner,
//! CRDT records that merge across devices, and remote-change merging.

pub mod collection;
pub mod crdt;
pub mod error;
pub mod index;
pub mod middleware;
pub mod patch;
pub mod prelude;
pub mod query;
pub mod reactive;
pub mod schema;
pub mod storage;
pub mod sync;
pub mod typed;
pub mod types;

pub use error::{LessDbError, Result};
pub use typed::{Collection, Database, Document, Schema};

#[cfg(feature = "derive")]
pub use less_db_derive::{Collection, Schema};

/// Paths the derive macros' generated code uses; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json::Value;
}
