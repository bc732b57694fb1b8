//! The typed database: [`Database`] opens SQLite storage with a set of collections,
//! and [`Collection<T>`] reads, writes and observes `#[derive(Collection)]` structs.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::query::{Set, TypedQuery, Where, patch_object};
use super::{Document, normalize_dates, serde_value};
use crate::collection::CollectionDef;
use crate::error::{LessDbError, Result, SchemaError, StorageError};
use crate::query::types::{Query, QueryResult};
use crate::reactive::{ReactiveAdapter, Subscription};
use crate::schema::node::{CREATED_AT_FIELD, ID_FIELD, SchemaNode, UPDATED_AT_FIELD};
use crate::storage::adapter::{Adapter, MigrationProgress};
use crate::storage::sqlite::SqliteBackend;
use crate::storage::traits::{StorageRead, StorageWrite};
use crate::types::{
    BulkDeleteResult, DeleteOptions, GetOptions, MigrationStatus, PatchOptions, PutOptions,
    RecordError, StoredRecordWithMeta,
};

/// A less-db database on SQLite with its collections registered. Cheap to clone: clones
/// share the storage.
///
/// Writes are reported to subscriptions ([`Collection::observe`]); by default the
/// callbacks run on the writing thread right after each write (see
/// [`Database::set_auto_flush`]).
#[derive(Clone, Debug)]
pub struct Database {
    adapter: Arc<ReactiveAdapter<SqliteBackend>>,
}

impl Database {
    /// Opens (or creates) the database file at `path` in WAL mode and registers `defs`
    /// (their tables and indexes are created or upgraded).
    pub fn open(
        path: impl AsRef<Path>,
        defs: impl IntoIterator<Item = Arc<CollectionDef>>,
    ) -> Result<Self> {
        Self::with_backend(SqliteBackend::open(path)?, defs)
    }

    /// A database in memory, gone when the last clone is dropped.
    pub fn in_memory(defs: impl IntoIterator<Item = Arc<CollectionDef>>) -> Result<Self> {
        Self::with_backend(SqliteBackend::open_in_memory()?, defs)
    }

    fn with_backend(
        backend: SqliteBackend,
        defs: impl IntoIterator<Item = Arc<CollectionDef>>,
    ) -> Result<Self> {
        let defs: Vec<_> = defs.into_iter().collect();
        let adapter = ReactiveAdapter::new(Adapter::open(backend, &defs)?);
        adapter.set_auto_flush(true);
        Ok(Database {
            adapter: Arc::new(adapter),
        })
    }

    /// The typed handle of `T`'s collection. `T` must be registered (its `T::def()`
    /// passed to [`Database::open`]); otherwise every operation fails with
    /// [`StorageError::CollectionNotRegistered`].
    pub fn collection<T: Document>(&self) -> Collection<T> {
        Collection {
            adapter: Arc::clone(&self.adapter),
            def: T::def(),
            marker: PhantomData,
        }
    }

    /// The value-level storage API over the same database (records as JSON values);
    /// its writes are reported to subscriptions too.
    pub fn adapter(&self) -> &ReactiveAdapter<SqliteBackend> {
        &self.adapter
    }

    /// With `true` (the default), subscription callbacks run right after each write on
    /// the writing thread; with `false`, they run at [`Database::flush`].
    pub fn set_auto_flush(&self, on: bool) {
        self.adapter.set_auto_flush(on);
    }

    /// Runs the callbacks of the subscriptions whose record or query changed; returns
    /// how many ran.
    pub fn flush(&self) -> usize {
        self.adapter.flush()
    }
}

/// The records of several writes: what was written, and what failed with its id and
/// position (those records were not written).
#[derive(Debug, Clone, PartialEq)]
pub struct TypedBatch<T> {
    pub records: Vec<T>,
    pub errors: Vec<RecordError>,
}

/// Typed access to the collection of `T`, from [`Database::collection`]. Cheap to
/// clone; clones share the database.
pub struct Collection<T> {
    adapter: Arc<ReactiveAdapter<SqliteBackend>>,
    def: Arc<CollectionDef>,
    marker: PhantomData<fn() -> T>,
}

impl<T> Clone for Collection<T> {
    fn clone(&self) -> Self {
        Collection {
            adapter: Arc::clone(&self.adapter),
            def: Arc::clone(&self.def),
            marker: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Collection<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collection")
            .field("name", &self.def.name)
            .field("version", &self.def.current_version)
            .finish()
    }
}

impl<T: Document> Collection<T> {
    /// The collection definition.
    pub fn def(&self) -> &Arc<CollectionDef> {
        &self.def
    }

    /// Writes `value`: a new record when its key is empty or unknown (an empty key gets
    /// a new id), otherwise a replacement of the stored record. The engine sets
    /// `createdAt` (kept on a replacement) and `updatedAt`, whatever `value` holds.
    /// Returns the record as stored.
    pub fn put(&self, value: &T) -> Result<T> {
        let data = self.write_form(value)?;
        let stored = self.adapter.put(&self.def, data, &PutOptions::default())?;
        self.decode(stored)
    }

    /// The live record with key `id`, migrated to the current version if it was stored
    /// at an older one (and stored back).
    pub fn get(&self, id: &str) -> Result<Option<T>> {
        let Some(row) = self.adapter.inner().data_text(&self.def, id)? else {
            return Ok(None);
        };
        if row.deleted {
            return Ok(None);
        }
        // The common case, a record at the current version, goes from the stored text
        // straight to `T`. Anything else (an older version to migrate, text that does
        // not read as `T`) takes the engine's read, which migrates and reports errors in
        // its own terms.
        if row.version == i64::from(self.def.current_version)
            && let Ok(value) = serde_json::from_str::<T>(&row.data)
        {
            return Ok(Some(value));
        }
        self.adapter
            .get(&self.def, id, &GetOptions::default())?
            .map(|r| self.decode(r))
            .transpose()
    }

    /// Sets some fields of the record `id`, leaving the others as stored:
    /// `users.patch(&id, [User::fields().age.set(Some(31))])`. Fails with
    /// [`StorageError::NotFound`] when there is no such record.
    pub fn patch(&self, id: &str, sets: impl IntoIterator<Item = Set<T>>) -> Result<T> {
        let data = patch_object(sets)?;
        let opts = PatchOptions {
            id: id.to_string(),
            ..PatchOptions::default()
        };
        let stored = self.adapter.patch(&self.def, data, &opts)?;
        self.decode(stored)
    }

    /// Reads the record `id`, lets `change` edit it, and writes it back; only the
    /// fields that changed are recorded as changes. Fails with
    /// [`StorageError::NotFound`] when there is no such record.
    pub fn update(&self, id: &str, change: impl FnOnce(&mut T)) -> Result<T> {
        let mut value = self.get(id)?.ok_or_else(|| StorageError::NotFound {
            collection: self.def.name.clone(),
            id: id.to_string(),
        })?;
        change(&mut value);
        let mut data = self.write_form(&value)?;
        if let Value::Object(map) = &mut data {
            map.insert(ID_FIELD.into(), Value::String(id.to_string()));
        }
        let stored = self.adapter.put(&self.def, data, &PutOptions::default())?;
        self.decode(stored)
    }

    /// Deletes the record `id` (a tombstone stays for sync). `false` when there was no
    /// live record.
    pub fn delete(&self, id: &str) -> Result<bool> {
        self.adapter
            .delete(&self.def, id, &DeleteOptions::default())
    }

    /// Writes `values` in one transaction, as [`Collection::put`] each. A record that
    /// fails is reported with its id and position and not written; the others are.
    pub fn bulk_put<'a>(&self, values: impl IntoIterator<Item = &'a T>) -> Result<TypedBatch<T>> {
        let data = values
            .into_iter()
            .map(|v| self.write_form(v))
            .collect::<Result<Vec<_>>>()?;
        let batch = self
            .adapter
            .bulk_put(&self.def, data, &PutOptions::default())?;
        let mut out = TypedBatch {
            records: Vec::with_capacity(batch.records.len()),
            errors: batch.errors,
        };
        for r in batch.records {
            out.records.push(self.decode(r)?);
        }
        Ok(out)
    }

    /// Deletes the records `ids` in one transaction.
    pub fn bulk_delete(&self, ids: &[&str]) -> Result<BulkDeleteResult> {
        self.adapter
            .bulk_delete(&self.def, ids, &DeleteOptions::default())
    }

    /// The records matching `query` (a [`Where`] filter or a [`TypedQuery`] with sort,
    /// limit and offset), with the number of matches before `limit`/`offset`.
    pub fn query(&self, query: impl Into<TypedQuery<T>>) -> Result<QueryResult<T>> {
        let result = self.adapter.query(&self.def, query.into().as_query())?;
        Ok(QueryResult {
            records: result
                .records
                .into_iter()
                .map(|r| self.decode(r))
                .collect::<Result<_>>()?,
            total: result.total,
        })
    }

    /// The records matching `query`, without the total.
    pub fn find(&self, query: impl Into<TypedQuery<T>>) -> Result<Vec<T>> {
        self.query(query).map(|r| r.records)
    }

    /// The first record matching `query`, in its sort order.
    pub fn first(&self, query: impl Into<TypedQuery<T>>) -> Result<Option<T>> {
        Ok(self.find(query.into().limit(1))?.into_iter().next())
    }

    /// Every live record.
    pub fn all(&self) -> Result<Vec<T>> {
        self.find(TypedQuery::all())
    }

    /// The number of live records matching `filter` (counted in SQL when an index
    /// covers it; records are not decoded).
    pub fn count(&self, filter: Where<T>) -> Result<usize> {
        let query = Query::new().filter(filter.into_filter());
        self.adapter.count(&self.def, Some(&query))
    }

    /// The number of live records.
    pub fn count_all(&self) -> Result<usize> {
        self.adapter.count(&self.def, None)
    }

    /// Migrates every record stored at an older version now (in chunks of one
    /// transaction each), instead of when each is next read.
    pub fn migrate(&self) -> Result<MigrationStatus> {
        self.migrate_with_progress(|_| {})
    }

    /// [`Collection::migrate`], calling `progress` after each chunk.
    pub fn migrate_with_progress(
        &self,
        progress: impl FnMut(MigrationProgress),
    ) -> Result<MigrationStatus> {
        self.adapter.inner().migrate_collection(&self.def, progress)
    }

    /// Calls `callback` with the record `id` (`None` when absent or deleted) now or at
    /// the next flush, then whenever it changes, until the returned [`Subscription`]
    /// is dropped. A stored record that does not read as `T` is logged and skipped.
    pub fn observe(
        &self,
        id: &str,
        callback: impl Fn(Option<T>) + Send + Sync + 'static,
    ) -> Subscription {
        let name = self.def.name.clone();
        self.adapter.observe(&self.def, id, move |record| {
            match record.map(|r| decode_record::<T>(&name, r.id.clone(), r.data.clone())) {
                None => callback(None),
                Some(Ok(value)) => callback(Some(value)),
                Some(Err(e)) => tracing::error!(error = %e, "observed record skipped"),
            }
        })
    }

    /// Calls `callback` with the results of `query` now or at the next flush, then
    /// whenever they change, until the returned [`Subscription`] is dropped. Records
    /// that do not read as `T` are logged and left out.
    pub fn observe_query(
        &self,
        query: impl Into<TypedQuery<T>>,
        callback: impl Fn(QueryResult<T>) + Send + Sync + 'static,
    ) -> Subscription {
        let name = self.def.name.clone();
        self.adapter
            .observe_query(&self.def, query.into().into_query(), move |result| {
                let mut records = Vec::with_capacity(result.records.len());
                for r in &result.records {
                    match decode_record::<T>(&name, r.id.clone(), r.data.clone()) {
                        Ok(value) => records.push(value),
                        Err(e) => tracing::error!(error = %e, "observed record skipped"),
                    }
                }
                callback(QueryResult {
                    records,
                    total: result.total,
                });
            })
    }

    fn write_form(&self, value: &T) -> Result<Value> {
        write_form(&self.def.current_schema, value)
    }

    fn decode(&self, record: StoredRecordWithMeta) -> Result<T> {
        decode_record(&self.def.name, record.id, record.data)
    }
}

fn decode_record<T: Document>(collection: &str, id: String, data: Value) -> Result<T> {
    serde_json::from_value(data).map_err(|e| {
        LessDbError::Schema(SchemaError::Serialize {
            path: format!("{collection}/{id}"),
            message: format!("the stored record does not read as the Rust type: {e}"),
        })
    })
}

/// The data a typed write sends: the engine owns the timestamps, and an empty key
/// asks for a new id. `schema` is the definition's (the derive builds it from the
/// struct), already built: `T::schema()` would allocate the whole tree per record.
/// The auto-fields go before the dates are rewritten, so theirs are not.
fn write_form<T: Document>(schema: &SchemaNode, value: &T) -> Result<Value> {
    let mut data = serde_value(value)?;
    if let Value::Object(map) = &mut data {
        map.shift_remove(CREATED_AT_FIELD);
        map.shift_remove(UPDATED_AT_FIELD);
        if map.get(ID_FIELD).is_some_and(|id| id.as_str() == Some("")) {
            map.shift_remove(ID_FIELD);
        }
    }
    normalize_dates(schema, &mut data);
    Ok(data)
}
