//! Layered errors: each module has a narrow error type, all of which roll up into
//! [`LessDbError`], the error of the public API.

use serde_json::Value;

/// One validation failure at one place in a value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationError {
    /// Where the failure is: `""` for the root, `address.zip`, `tags[2]`.
    pub path: String,
    /// What the schema expects there, e.g. `string`, `ISO-8601 date`.
    pub expected: String,
    /// What was found there, e.g. `number`, `undefined`.
    pub received: String,
    pub message: String,
}

/// Every validation failure of one value, in the order the schema walk found them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for e in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            let path = if e.path.is_empty() {
                "(root)"
            } else {
                e.path.as_str()
            };
            write!(f, "{path}: {}", e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("validation failed: {0}")]
    Validation(ValidationErrors),
    /// A collection definition mistake found by the builder (bad name, duplicate
    /// version, missing migration, bad index...). The message says what to change.
    #[error("invalid collection definition `{collection}`: {message}")]
    InvalidDefinition { collection: String, message: String },
    /// A value that `serialize`/`deserialize` cannot convert (too deep, or no union
    /// variant fits).
    #[error("{message} (at {path})")]
    Serialize { path: String, message: String },
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("record not found: {collection}/{id}")]
    NotFound { collection: String, id: String },
    #[error("record deleted: {collection}/{id}")]
    Deleted { collection: String, id: String },
    #[error("immutable field modified: {collection}/{id} field {field}")]
    ImmutableField {
        collection: String,
        id: String,
        field: String,
    },
    #[error(
        "unique constraint violated: index {index} in {collection} (value {value} already used by {existing_id})"
    )]
    UniqueConstraint {
        collection: String,
        index: String,
        existing_id: String,
        value: Value,
    },
    #[error("storage corruption: {collection}/{id} field {field}: {source}")]
    Corruption {
        collection: String,
        id: String,
        field: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("adapter not initialized")]
    NotInitialized,
    #[error("collection not registered: {0}")]
    CollectionNotRegistered(String),
    #[error("sqlite: {0}")]
    Sqlite(String),
}

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(
        "migration failed for {collection}/{record_id} v{from_version}->v{to_version} at v{failed_at}: {source}"
    )]
    Failed {
        collection: String,
        record_id: String,
        from_version: u32,
        to_version: u32,
        failed_at: u32,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Version 0 (or another version the collection never had below its newest).
    #[error(
        "record {collection}/{record_id} has version {version}, which the collection does not define (versions start at 1)"
    )]
    UnknownVersion {
        collection: String,
        record_id: String,
        version: u32,
    },
    #[error(
        "record {collection}/{record_id} has version {version}, newer than the newest known version {current}"
    )]
    FutureVersion {
        collection: String,
        record_id: String,
        version: u32,
        current: u32,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("transport error: {0}")]
    Transport(String),
    #[error("sync already in progress for collection {0}")]
    InProgress(String),
}

/// A query or filter that could not be parsed from its JSON form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid query at {path}: {message}")]
pub struct QueryError {
    /// JSON path inside the query/filter value, e.g. `$.filter.age.$gt`.
    pub path: String,
    pub message: String,
}

/// The error of every public less-db operation.
#[derive(Debug, thiserror::Error)]
pub enum LessDbError {
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Migration(#[from] MigrationError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("CRDT error: {0}")]
    Crdt(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ValidationErrors> for LessDbError {
    fn from(e: ValidationErrors) -> Self {
        LessDbError::Schema(SchemaError::Validation(e))
    }
}

pub type Result<T, E = LessDbError> = std::result::Result<T, E>;
