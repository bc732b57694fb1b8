//! The names most programs need, and the traits whose methods they call.
//!
//! `use less_db::prelude::*;` brings in the typed layer (the `Collection` and `Schema`
//! derives, [`Database`], [`Collection<T>`](crate::typed::Collection), typed filters,
//! serde's derives and chrono's `DateTime<Utc>`), and the value layer (the adapter, the
//! SQLite backend, the collection builder, the schema builder, queries and the storage
//! traits).

pub use crate::collection::{CollectionDef, collection};
pub use crate::error::{LessDbError, Result};
pub use crate::query::types::{Filter, Query, QueryResult};
pub use crate::schema::t;
pub use crate::storage::adapter::Adapter;
pub use crate::storage::sqlite::SqliteBackend;
pub use crate::storage::traits::{StorageLifecycle, StorageRead, StorageSync, StorageWrite};
pub use crate::typed::{
    Bytes, Collection, Database, Document, Schema, Subscription, TypedBatch, TypedQuery, Where,
};
pub use chrono::{DateTime, Utc};
#[cfg(feature = "derive")]
pub use less_db_derive::{Collection, Schema};
pub use serde::{Deserialize, Serialize};
