//! SQLite storage backend.
//!
//! Layout (see the `ddl` module): one table per registered collection, record data as JSON text
//! in its original key order, expression indexes per collection index, and a meta
//! table. A file database runs in WAL mode. Every statement is prepared once and
//! cached; every multi-record write runs in one transaction.

// `LessDbError` is the crate-wide error; its size is a crate-level design choice.
#![allow(clippy::result_large_err)]

mod backend_impl;
mod conn;
mod ddl;
mod row;
mod scan;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, params, params_from_iter};
use serde_json::Value;

pub use crate::storage::traits::ScanWindow;
pub use conn::{Durability, SqliteOptions};

use crate::error::{LessDbError, StorageError};
use crate::index::types::{IndexDefinition, IndexScan};
use crate::types::SerializedRecord;
use conn::{SharedConn, sql_err};
use row::{RawRow, encode_json, json_to_sql};

/// A row's data as stored, before decoding: see `SqliteBackend::get_data_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataText {
    /// The schema version the data is at (as stored; not checked).
    pub version: i64,
    pub deleted: bool,
    /// The record's JSON text.
    pub data: String,
}

/// The prepared SQL texts of one collection's table.
struct Table {
    get: String,
    /// The version, deleted flag and data text of one row: what a typed read needs.
    get_data: String,
    /// Inserts a row unless its id exists (then changes nothing).
    insert_new: String,
    /// Rewrites a row whose `deleted` flag stays as it is.
    update_same_state: String,
    /// Rewrites a row whatever its `deleted` flag.
    update_any: String,
    /// Adds `?1` to the live count.
    bump_live: String,
    scan_live: String,
    scan_all: String,
    scan_dirty: String,
    count_live: String,
    tombstones_all: String,
    tombstones_before: String,
    purge_all: String,
    purge_before: String,
    /// Unique-check statements, built on first use: the SQL text depends on the index,
    /// on which values are null and on whether an id is excluded.
    unique_checks: Mutex<HashMap<String, Arc<str>>>,
}

impl Table {
    fn new(collection: &str) -> Self {
        let t = ddl::table_name(collection);
        let cols = ddl::RECORD_COLUMNS;
        let marks: Vec<String> = (1..=11).map(|i| format!("?{i}")).collect();
        let updates: Vec<String> = cols
            .split(", ")
            .skip(1)
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 2))
            .collect();
        // Tombstones without a deletion time are never "older than" anything.
        let before =
            "deleted = 1 AND deleted_at IS NOT NULL AND julianday(deleted_at) < julianday(?1)";
        Self {
            get: format!("SELECT {cols} FROM {t} WHERE id = ?1"),
            get_data: format!("SELECT version, deleted, data FROM {t} WHERE id = ?1"),
            // An upsert keeps the rowid, so scan order stays insertion order. `+deleted`
            // keeps the planner on the table itself (rowid order, no sort) rather than on
            // a user index that leads with `deleted`.
            insert_new: format!(
                "INSERT INTO {t} ({cols}) VALUES ({}) ON CONFLICT(id) DO NOTHING",
                marks.join(", ")
            ),
            update_same_state: format!(
                "UPDATE {t} SET {} WHERE id = ?1 AND deleted = ?8",
                updates.join(", ")
            ),
            update_any: format!("UPDATE {t} SET {} WHERE id = ?1", updates.join(", ")),
            bump_live: ddl::live_bump_sql(collection, "?1"),
            scan_live: format!(
                "SELECT {cols} FROM {t} WHERE +deleted = 0 ORDER BY rowid LIMIT ?1 OFFSET ?2"
            ),
            scan_all: format!("SELECT {cols} FROM {t} ORDER BY rowid LIMIT ?1 OFFSET ?2"),
            scan_dirty: format!("SELECT {cols} FROM {t} WHERE dirty = 1 ORDER BY rowid"),
            count_live: format!(
                "SELECT live FROM {} WHERE collection = '{collection}'",
                ddl::COUNTS_TABLE
            ),
            tombstones_all: format!("SELECT count(*) FROM {t} WHERE deleted = 1"),
            tombstones_before: format!("SELECT count(*) FROM {t} WHERE {before}"),
            purge_all: format!("DELETE FROM {t} WHERE deleted = 1"),
            purge_before: format!("DELETE FROM {t} WHERE {before}"),
            unique_checks: Mutex::new(HashMap::new()),
        }
    }

    /// The statement finding another live record with `values` in `index` (cached:
    /// building it formats several long expressions).
    fn unique_check_sql(
        &self,
        collection: &str,
        index: &IndexDefinition,
        values: &[Value],
        exclude: bool,
    ) -> Arc<str> {
        let key = unique_check_key(index, values, exclude);
        let mut cache = self.unique_checks.lock();
        if let Some(sql) = cache.get(&key) {
            return Arc::clone(sql);
        }
        let sql: Arc<str> = unique_check_sql(collection, index, values, exclude).into();
        cache.insert(key, Arc::clone(&sql));
        sql
    }
}

/// Cache key of a unique-check statement: the index's name and columns, the null
/// pattern of the values and whether an id is excluded.
fn unique_check_key(index: &IndexDefinition, values: &[Value], exclude: bool) -> String {
    let mut key = String::with_capacity(64);
    key.push_str(index.name());
    match index {
        IndexDefinition::Field(f) => {
            for field in &f.fields {
                key.push('\0');
                key.push_str(&field.field);
            }
        }
        IndexDefinition::Computed(_) => key.push_str("\0#computed"),
    }
    key.push('\0');
    for v in values {
        key.push(if v.is_null() { 'n' } else { 'v' });
        key.push(char::from(b'0' + ddl::type_rank(v) as u8));
    }
    key.push(if exclude { 'x' } else { '-' });
    key
}

/// `SELECT id` of a live record equal to `values` in `index`, with one parameter per
/// non-null value and a last one for the excluded id.
fn unique_check_sql(
    collection: &str,
    index: &IndexDefinition,
    values: &[Value],
    exclude: bool,
) -> String {
    let mut conds = vec!["deleted = 0".to_string()];
    // Same typed comparison as index scans: `true` and `1` are different values.
    for (col, value) in ddl::index_columns(index).iter().zip(values) {
        match (&col.rank, value.is_null()) {
            (Some(rank), true) => conds.push(format!("{rank} = 0")),
            (None, true) => conds.push(format!("{} IS NULL", col.expr)),
            (rank, false) => {
                if let Some(rank) = rank {
                    conds.push(format!("{rank} = {}", ddl::type_rank(value)));
                }
                conds.push(format!("{} = ?", col.expr));
            }
        }
    }
    if exclude {
        conds.push("id <> ?".to_string());
    }
    format!(
        "SELECT id FROM {} WHERE {} LIMIT 1",
        ddl::table_name(collection),
        conds.join(" AND ")
    )
}

/// SQLite implementation of the storage backend.
///
/// Thread-safe: one connection behind a re-entrant lock. A transaction holds the lock
/// for its whole closure, so a read-modify-write inside one is never interleaved with
/// another thread's writes.
pub struct SqliteBackend {
    conn: SharedConn,
    tables: RwLock<HashMap<String, Arc<Table>>>,
}

impl std::fmt::Debug for SqliteBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tables: Vec<String> = self.tables.read().keys().cloned().collect();
        f.debug_struct("SqliteBackend")
            .field("collections", &tables)
            .finish_non_exhaustive()
    }
}

impl SqliteBackend {
    /// Opens (or creates) a database file in WAL mode with default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, LessDbError> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens (or creates) a database file with explicit durability and cache settings.
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, LessDbError> {
        Self::from_conn(SharedConn::open_file(path.as_ref(), &options)?)
    }

    /// A private in-memory database, gone when the backend is dropped.
    pub fn open_in_memory() -> Result<Self, LessDbError> {
        Self::from_conn(SharedConn::open_memory(&SqliteOptions::default())?)
    }

    fn from_conn(conn: SharedConn) -> Result<Self, LessDbError> {
        let backend = Self {
            conn,
            tables: RwLock::new(HashMap::new()),
        };
        backend.create_meta_table()?;
        Ok(backend)
    }

    fn create_meta_table(&self) -> Result<(), LessDbError> {
        let guard = self.conn.lock();
        guard
            .conn
            .execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                 CREATE TABLE IF NOT EXISTS {} (collection TEXT PRIMARY KEY NOT NULL, live INTEGER NOT NULL) WITHOUT ROWID;",
                ddl::META_TABLE,
                ddl::COUNTS_TABLE
            ))
            .map_err(sql_err)?;
        let stored: Option<String> = guard
            .conn
            .query_row(
                &format!(
                    "SELECT value FROM {} WHERE key = 'layout_version'",
                    ddl::META_TABLE
                ),
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql_err)?;
        match stored.as_deref() {
            None => {
                guard
                    .conn
                    .execute(
                        &format!(
                            "INSERT INTO {} (key, value) VALUES ('layout_version', ?1)",
                            ddl::META_TABLE
                        ),
                        [ddl::LAYOUT_VERSION],
                    )
                    .map_err(sql_err)?;
                Ok(())
            }
            Some(v) if v == ddl::LAYOUT_VERSION => Ok(()),
            Some(v) => Err(StorageError::Sqlite(format!(
                "database layout version {v} is not supported (expected {})",
                ddl::LAYOUT_VERSION
            ))
            .into()),
        }
    }

    /// Creates or upgrades the table and indexes of a collection: missing columns are
    /// added, indexes whose definition changed are rebuilt, indexes no longer defined
    /// are dropped. Names are validated before any SQL is built.
    pub fn register_collection(
        &self,
        name: &str,
        indexes: &[IndexDefinition],
    ) -> Result<(), LessDbError> {
        ddl::validate_identifier("collection", name)?;
        for index in indexes {
            ddl::validate_index(index)?;
        }
        self.conn.transaction(|| {
            let guard = self.conn.lock();
            let conn = &guard.conn;
            conn.execute_batch(&ddl::create_table_sql(name))
                .map_err(sql_err)?;
            add_missing_columns(conn, name)?;
            let mut wanted = ddl::system_index_sql(name);
            wanted.extend(indexes.iter().map(|i| ddl::user_index_sql(name, i)));
            sync_indexes(conn, name, &wanted)?;
            let (triggers, recount) = ddl::live_count_sql(name);
            for trigger in triggers {
                conn.execute_batch(&trigger).map_err(sql_err)?;
            }
            conn.execute_batch(&recount).map_err(sql_err)
        })?;
        self.tables
            .write()
            .insert(name.to_string(), Arc::new(Table::new(name)));
        Ok(())
    }

    /// Whether a collection has been registered on this backend.
    pub fn has_collection(&self, name: &str) -> bool {
        self.tables.read().contains_key(name)
    }

    fn table(&self, collection: &str) -> Result<Arc<Table>, LessDbError> {
        self.tables
            .read()
            .get(collection)
            .cloned()
            .ok_or_else(|| StorageError::CollectionNotRegistered(collection.to_string()).into())
    }

    /// Runs `f` in one transaction (a savepoint when nested); an error from `f` rolls
    /// back everything `f` wrote.
    pub fn run_in_transaction<T>(
        &self,
        f: impl FnOnce(&Self) -> Result<T, LessDbError>,
    ) -> Result<T, LessDbError> {
        self.conn.transaction(|| f(self))
    }

    /// Runs `PRAGMA optimize` (also done periodically and when the backend is dropped).
    pub fn optimize(&self) {
        self.conn.optimize();
    }

    /// Result of `PRAGMA integrity_check`: `"ok"` for a sound database.
    pub fn integrity_check(&self) -> Result<String, LessDbError> {
        let guard = self.conn.lock();
        guard
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(sql_err)
    }

    pub fn get_record(
        &self,
        collection: &str,
        id: &str,
    ) -> Result<Option<SerializedRecord>, LessDbError> {
        self.read_record(collection, id, RawRow::read)
    }

    /// The record as [`crate::storage::traits::StorageBackend::get_raw_for_remote`]
    /// describes it: a clean record comes without data, CRDT or pending patches.
    pub fn get_record_for_remote(
        &self,
        collection: &str,
        id: &str,
    ) -> Result<Option<SerializedRecord>, LessDbError> {
        self.read_record(collection, id, RawRow::read_for_remote)
    }

    /// The version, deleted flag and undecoded data text of the row `id`: a reader that
    /// deserializes the text into its own type skips the CRDT bytes and the
    /// intermediate `serde_json::Value`.
    pub(crate) fn get_data_text(
        &self,
        collection: &str,
        id: &str,
    ) -> Result<Option<DataText>, LessDbError> {
        self.row_by_id(
            collection,
            id,
            |t| &t.get_data,
            |row| {
                Ok(DataText {
                    version: row.get(0)?,
                    deleted: row.get(1)?,
                    data: row.get(2)?,
                })
            },
        )
    }

    /// One row by id through `read`, decoded outside the connection lock.
    fn read_record(
        &self,
        collection: &str,
        id: &str,
        read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<RawRow>,
    ) -> Result<Option<SerializedRecord>, LessDbError> {
        let raw = self.row_by_id(collection, id, |t| &t.get, read)?;
        raw.map(|r| r.decode(collection)).transpose()
    }

    /// The row `id` read by the table's statement `sql`, under the connection lock.
    fn row_by_id<T>(
        &self,
        collection: &str,
        id: &str,
        sql: fn(&Table) -> &String,
        read: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, LessDbError> {
        let table = self.table(collection)?;
        let guard = self.conn.lock();
        let mut stmt = guard.conn.prepare_cached(sql(&table)).map_err(sql_err)?;
        stmt.query_row([id], read).optional().map_err(sql_err)
    }

    pub fn put_record(&self, record: &SerializedRecord) -> Result<(), LessDbError> {
        let table = self.table(&record.collection)?;
        let json = encode_json(record)?;
        // A row write is several statements (row, then live count).
        self.conn.atomic(|| {
            let guard = self.conn.lock();
            write_row(&guard.conn, &table, record, &json)
        })
    }

    /// Writes all records in one transaction: all or nothing.
    pub fn put_records(&self, records: &[SerializedRecord]) -> Result<(), LessDbError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut encoded = Vec::with_capacity(records.len());
        for record in records {
            encoded.push((self.table(&record.collection)?, encode_json(record)?));
        }
        self.conn.transaction(|| {
            let guard = self.conn.lock();
            for (record, (table, json)) in records.iter().zip(&encoded) {
                write_row(&guard.conn, table, record, json)?;
            }
            Ok(())
        })
    }

    /// Records in insertion order, tombstones included on request.
    pub fn scan_records(
        &self,
        collection: &str,
        include_deleted: bool,
        limit: Option<usize>,
        offset: usize,
    ) -> Result<Vec<SerializedRecord>, LessDbError> {
        let table = self.table(collection)?;
        let sql = if include_deleted {
            &table.scan_all
        } else {
            &table.scan_live
        };
        let limit = limit.map_or(-1, scan::to_i64);
        self.select(
            collection,
            sql,
            &[
                SqlValue::Integer(limit),
                SqlValue::Integer(scan::to_i64(offset)),
            ],
        )
    }

    pub fn scan_dirty(&self, collection: &str) -> Result<Vec<SerializedRecord>, LessDbError> {
        let table = self.table(collection)?;
        self.select(collection, &table.scan_dirty, &[])
    }

    /// Live (non-deleted) records, read from the trigger-maintained counter.
    pub fn count_live(&self, collection: &str) -> Result<usize, LessDbError> {
        let table = self.table(collection)?;
        self.count(&table.count_live, &[])
    }

    /// Rows of an index scan. `None` when the scan does not fit the index (more
    /// columns than it has); the caller then falls back to a table scan.
    pub fn scan_index(
        &self,
        collection: &str,
        range: &IndexScan,
        window: &ScanWindow,
    ) -> Result<Option<Vec<SerializedRecord>>, LessDbError> {
        let _table = self.table(collection)?;
        self.check_index_names(&range.index)?;
        let Some(built) = scan::select_sql(collection, range, window) else {
            return Ok(None);
        };
        self.select(collection, &built.sql, &built.params).map(Some)
    }

    /// Number of rows an index scan would return, counted in SQL.
    pub fn count_index(
        &self,
        collection: &str,
        range: &IndexScan,
    ) -> Result<Option<usize>, LessDbError> {
        let _table = self.table(collection)?;
        self.check_index_names(&range.index)?;
        let Some(built) = scan::count_sql(collection, range) else {
            return Ok(None);
        };
        self.count(&built.sql, &built.params).map(Some)
    }

    /// Deletes tombstones (all, or those deleted before `before`, an ISO-8601 time);
    /// with `dry_run` only counts them.
    pub fn purge_tombstones(
        &self,
        collection: &str,
        before: Option<&str>,
        dry_run: bool,
    ) -> Result<usize, LessDbError> {
        let table = self.table(collection)?;
        let params: Vec<SqlValue> = before
            .map(|b| SqlValue::Text(b.to_string()))
            .into_iter()
            .collect();
        match (dry_run, before.is_some()) {
            (true, false) => self.count(&table.tombstones_all, &params),
            (true, true) => self.count(&table.tombstones_before, &params),
            (false, has_cutoff) => {
                let sql = if has_cutoff {
                    &table.purge_before
                } else {
                    &table.purge_all
                };
                let guard = self.conn.lock();
                let mut stmt = guard.conn.prepare_cached(sql).map_err(sql_err)?;
                stmt.execute(params_from_iter(params.iter()))
                    .map_err(sql_err)
            }
        }
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, LessDbError> {
        let guard = self.conn.lock();
        let mut stmt = guard
            .conn
            .prepare_cached("SELECT value FROM less_meta WHERE key = ?1")
            .map_err(sql_err)?;
        stmt.query_row([key], |r| r.get(0))
            .optional()
            .map_err(sql_err)
    }

    pub fn set_meta_value(&self, key: &str, value: &str) -> Result<(), LessDbError> {
        let guard = self.conn.lock();
        let mut stmt = guard
            .conn
            .prepare_cached(
                "INSERT INTO less_meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )
            .map_err(sql_err)?;
        stmt.execute(params![key, value]).map_err(sql_err)?;
        Ok(())
    }

    /// Fails with [`StorageError::UniqueConstraint`] when another live record has the
    /// same value for a unique index. Null or missing values are values too, except on a
    /// sparse index, where a record with any null indexed field is not checked.
    pub fn check_unique_value(
        &self,
        collection: &str,
        index: &IndexDefinition,
        data: &Value,
        computed: Option<&Value>,
        exclude_id: Option<&str>,
    ) -> Result<(), LessDbError> {
        let table = self.table(collection)?;
        self.check_index_names(index)?;
        let values = unique_key(index, data, computed);
        if index.is_sparse() && values.iter().any(Value::is_null) {
            return Ok(());
        }
        let sql = table.unique_check_sql(collection, index, &values, exclude_id.is_some());
        let mut params: Vec<SqlValue> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(json_to_sql)
            .collect();
        if let Some(id) = exclude_id {
            params.push(SqlValue::Text(id.to_string()));
        }
        let existing: Option<String> = {
            let guard = self.conn.lock();
            let mut stmt = guard.conn.prepare_cached(&sql).map_err(sql_err)?;
            stmt.query_row(params_from_iter(params.iter()), |r| r.get(0))
                .optional()
                .map_err(sql_err)?
        };
        match existing {
            None => Ok(()),
            Some(existing_id) => Err(StorageError::UniqueConstraint {
                collection: collection.to_string(),
                index: index.name().to_string(),
                existing_id,
                value: if values.len() == 1 {
                    values.into_iter().next().unwrap_or(Value::Null)
                } else {
                    Value::Array(values)
                },
            }
            .into()),
        }
    }

    /// Index definitions arrive from callers; their names are interpolated, so they are
    /// validated on every use, not only at registration.
    fn check_index_names(&self, index: &IndexDefinition) -> Result<(), LessDbError> {
        ddl::validate_index(index)
    }

    fn select(
        &self,
        collection: &str,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Vec<SerializedRecord>, LessDbError> {
        let rows = {
            let guard = self.conn.lock();
            let mut stmt = guard.conn.prepare_cached(sql).map_err(sql_err)?;
            let rows = stmt
                .query_map(params_from_iter(params.iter()), RawRow::read)
                .map_err(sql_err)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(sql_err)?
        };
        rows.into_iter().map(|r| r.decode(collection)).collect()
    }

    fn count(&self, sql: &str, params: &[SqlValue]) -> Result<usize, LessDbError> {
        let guard = self.conn.lock();
        let mut stmt = guard.conn.prepare_cached(sql).map_err(sql_err)?;
        let n: i64 = stmt
            .query_row(params_from_iter(params.iter()), |r| r.get(0))
            .map_err(sql_err)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

impl Drop for SqliteBackend {
    fn drop(&mut self) {
        self.conn.optimize();
    }
}

/// The values a unique index compares, one per index column, read the way the index
/// expression reads them (`null` for missing).
fn unique_key(index: &IndexDefinition, data: &Value, computed: Option<&Value>) -> Vec<Value> {
    match index {
        IndexDefinition::Field(f) => f
            .fields
            .iter()
            .map(|field| {
                lookup_path(data, &field.field)
                    .cloned()
                    .unwrap_or(Value::Null)
            })
            .collect(),
        IndexDefinition::Computed(c) => vec![
            computed
                .and_then(|v| v.get(&c.name))
                .cloned()
                .unwrap_or(Value::Null),
        ],
    }
}

fn lookup_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

fn write_row(
    conn: &rusqlite::Connection,
    table: &Table,
    record: &SerializedRecord,
    json: &row::EncodedJson,
) -> Result<(), LessDbError> {
    let params = params![
        record.id,
        record.version,
        json.data,
        record.crdt,
        record.pending_patches,
        record.sequence,
        record.dirty,
        record.deleted,
        record.deleted_at,
        json.meta,
        json.computed,
    ];
    let run = |sql: &str| -> Result<usize, LessDbError> {
        let mut stmt = conn.prepare_cached(sql).map_err(sql_err)?;
        stmt.execute(params).map_err(sql_err)
    };
    // The live count changes when a live row is added or a row's `deleted` flag flips.
    let delta: i64 = if run(&table.insert_new)? == 1 {
        i64::from(!record.deleted)
    } else if run(&table.update_same_state)? == 1 {
        0
    } else {
        run(&table.update_any)?;
        if record.deleted { -1 } else { 1 }
    };
    if delta != 0 {
        let mut stmt = conn.prepare_cached(&table.bump_live).map_err(sql_err)?;
        stmt.execute([delta]).map_err(sql_err)?;
    }
    Ok(())
}

fn add_missing_columns(conn: &rusqlite::Connection, collection: &str) -> Result<(), LessDbError> {
    let table = ddl::table_name(collection);
    let existing: Vec<String> = {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('records_{collection}')"
            ))
            .map_err(sql_err)?;
        let names = stmt.query_map([], |r| r.get(0)).map_err(sql_err)?;
        names.collect::<rusqlite::Result<_>>().map_err(sql_err)?
    };
    for (name, decl) in ddl::COLUMN_DECLS {
        if !existing.iter().any(|c| c == name) {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {name} {decl}"))
                .map_err(sql_err)?;
        }
    }
    Ok(())
}

/// Makes the table's indexes exactly `wanted`: drops ours that are gone or changed,
/// creates the missing ones.
fn sync_indexes(
    conn: &rusqlite::Connection,
    collection: &str,
    wanted: &[(String, String)],
) -> Result<(), LessDbError> {
    let prefix = ddl::index_prefix(collection);
    let existing: Vec<(String, Option<String>)> = {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1")
            .map_err(sql_err)?;
        let rows = stmt
            .query_map([format!("records_{collection}")], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(sql_err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(sql_err)?
    };
    for (name, sql) in &existing {
        if !name.starts_with(&prefix) {
            continue;
        }
        let keep = wanted
            .iter()
            .any(|(n, s)| n == name && sql.as_deref() == Some(s.as_str()));
        if !keep {
            conn.execute_batch(&format!("DROP INDEX \"{name}\""))
                .map_err(sql_err)?;
        }
    }
    for (name, sql) in wanted {
        let present = existing
            .iter()
            .any(|(n, s)| n == name && s.as_deref() == Some(sql.as_str()));
        if !present {
            conn.execute_batch(sql).map_err(sql_err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(id: &str, dirty: bool) -> SerializedRecord {
        SerializedRecord {
            id: id.to_string(),
            collection: "items".to_string(),
            version: 1,
            data: json!({"id": id, "n": 1}),
            crdt: vec![1, 2, 3],
            pending_patches: vec![0, 0, 0, 1, 9],
            sequence: 4,
            dirty,
            deleted: false,
            deleted_at: None,
            meta: Some(json!({"m": true})),
            computed: None,
        }
    }

    #[test]
    fn remote_reads_skip_the_body_of_clean_records_only() {
        let db = SqliteBackend::open_in_memory().unwrap();
        db.register_collection("items", &[]).unwrap();
        db.put_record(&record("clean", false)).unwrap();
        db.put_record(&record("dirty", true)).unwrap();

        let clean = db.get_record_for_remote("items", "clean").unwrap().unwrap();
        assert_eq!(clean.data, Value::Null);
        assert!(clean.crdt.is_empty() && clean.pending_patches.is_empty());
        assert_eq!((clean.sequence, clean.dirty), (4, false));
        assert_eq!(clean.meta, Some(json!({"m": true})));

        let dirty = db.get_record_for_remote("items", "dirty").unwrap().unwrap();
        assert_eq!(dirty, record("dirty", true));
        assert!(db.get_record_for_remote("items", "none").unwrap().is_none());
    }

    #[test]
    fn the_live_count_follows_row_writes() {
        let db = SqliteBackend::open_in_memory().unwrap();
        db.register_collection("items", &[]).unwrap();
        let mut r = record("a", true);
        db.put_record(&r).unwrap();
        db.put_record(&r).unwrap();
        assert_eq!(db.count_live("items").unwrap(), 1);
        r.deleted = true;
        db.put_record(&r).unwrap();
        db.put_record(&r).unwrap();
        assert_eq!(db.count_live("items").unwrap(), 0);
        r.deleted = false;
        db.put_record(&r).unwrap();
        let mut tomb = record("b", false);
        tomb.deleted = true;
        db.put_records(&[tomb, record("c", false)]).unwrap();
        assert_eq!(db.count_live("items").unwrap(), 2);
    }
}
