//! The names most programs need, and the storage traits whose methods they call.
//!
//! `use less_db::prelude::*;` brings the adapter, the SQLite backend, the collection
//! builder, the schema builder, queries and the storage traits into scope.

pub use crate::collection::{CollectionDef, collection};
pub use crate::error::{LessDbError, Result};
pub use crate::query::types::{Filter, Query};
pub use crate::schema::t;
pub use crate::storage::adapter::Adapter;
pub use crate::storage::sqlite::SqliteBackend;
pub use crate::storage::traits::{StorageLifecycle, StorageRead, StorageSync, StorageWrite};
