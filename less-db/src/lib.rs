//! less-db: a local-first document store. Write a Rust struct; get a schema, indexes,
//! typed reads and writes, and typed queries, with schema mistakes caught by the
//! compiler.
//!
//! ```
//! use less_db::prelude::*;
//!
//! #[derive(Schema, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default)]
//! #[serde(rename_all = "lowercase")]
//! enum Role {
//!     Admin,
//!     #[default]
//!     Member,
//! }
//!
//! #[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
//! #[collection(name = "users")]
//! #[index(email, unique)]
//! #[index(age)]
//! #[serde(rename_all = "camelCase")]
//! pub struct User {
//!     #[key]
//!     pub id: String,
//!     pub email: String,
//!     pub display_name: String,
//!     pub age: Option<u32>,
//!     pub role: Role,
//!     #[created_at]
//!     pub created_at: DateTime<Utc>,
//!     #[updated_at]
//!     pub updated_at: DateTime<Utc>,
//! }
//!
//! # fn main() -> Result<(), less_db::LessDbError> {
//! // `Database::open("app.db", ..)` for a file; registers the collections in one call.
//! let db = Database::in_memory([User::def()])?;
//! let users = db.collection::<User>();
//!
//! // The engine fills in the id and the timestamps.
//! let ada = users.put(&User {
//!     email: "ada@example.com".into(),
//!     display_name: "Ada".into(),
//!     age: Some(36),
//!     role: Role::Admin,
//!     ..User::default()
//! })?;
//! assert!(!ada.id.is_empty());
//! assert_eq!(users.get(&ada.id)?, Some(ada.clone()));
//!
//! // Typed queries: `User::fields().agee` or `.gt("30")` would not compile.
//! let f = User::fields();
//! let found = users.find(f.age.gt(30).and(f.role.eq(Role::Admin)).sort_by(f.age.desc()))?;
//! assert_eq!(found, [ada.clone()]);
//!
//! // Patches set some fields and leave the rest.
//! let older = users.patch(&ada.id, [f.age.set(Some(37))])?;
//! assert_eq!(older.age, Some(37));
//! assert_eq!(users.count(f.age.gte(37))?, 1);
//! # Ok(())
//! # }
//! ```
//!
//! Under the typed layer ([`typed`]): versioned schemas with migrations
//! ([`collection`](mod@collection)), SQLite storage with indexes and a query planner ([`storage`]),
//! CRDT records that merge across devices ([`crdt`]), and remote-change merging. The
//! value-level API works on `serde_json::Value` records with the same field names a JS
//! app uses (`id`, `createdAt`, `updatedAt`).

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
pub use less_db_derive::{Collection, Schema, collection};

/// Paths the derive macros' generated code uses; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json::Value;
}
