//! Conversions between table rows and [`SerializedRecord`], and between JSON values
//! and bound SQL parameters.

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use crate::error::{LessDbError, StorageError};
use crate::types::SerializedRecord;

/// A row as read from SQLite, before its JSON columns are decoded. Decoding is a
/// separate step so the statement (and the lock) can be released first.
pub(super) struct RawRow {
    id: String,
    version: i64,
    data: String,
    crdt: Vec<u8>,
    pending_patches: Vec<u8>,
    sequence: i64,
    dirty: bool,
    deleted: bool,
    deleted_at: Option<String>,
    meta: Option<String>,
    computed: Option<String>,
    /// Only the sync state was read (see [`RawRow::read_for_remote`]).
    header_only: bool,
}

impl RawRow {
    /// Reads the columns of [`super::ddl::RECORD_COLUMNS`] starting at column 0.
    pub(super) fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            version: row.get(1)?,
            data: row.get(2)?,
            crdt: row.get(3)?,
            pending_patches: row.get(4)?,
            sequence: row.get(5)?,
            dirty: row.get(6)?,
            deleted: row.get(7)?,
            deleted_at: row.get(8)?,
            meta: row.get(9)?,
            computed: row.get(10)?,
            header_only: false,
        })
    }

    /// Like [`RawRow::read`], but a clean row is read without its data, CRDT, pending
    /// patches and computed values: a remote change replaces a clean record outright,
    /// so only its sync state (sequence, flags, meta) takes part in the decision.
    pub(super) fn read_for_remote(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let dirty: bool = row.get(6)?;
        if dirty {
            return Self::read(row);
        }
        Ok(Self {
            id: row.get(0)?,
            version: row.get(1)?,
            data: String::new(),
            crdt: Vec::new(),
            pending_patches: Vec::new(),
            sequence: row.get(5)?,
            dirty,
            deleted: row.get(7)?,
            deleted_at: row.get(8)?,
            meta: row.get(9)?,
            computed: None,
            header_only: true,
        })
    }

    pub(super) fn decode(self, collection: &str) -> Result<SerializedRecord, LessDbError> {
        let corrupt = |field: &str, source: Box<dyn std::error::Error + Send + Sync>| {
            LessDbError::from(StorageError::Corruption {
                collection: collection.to_string(),
                id: self.id.clone(),
                field: field.to_string(),
                source,
            })
        };
        let version = u32::try_from(self.version).map_err(|e| corrupt("version", Box::new(e)))?;
        let data: Value = if self.header_only {
            Value::Null
        } else {
            serde_json::from_str(&self.data).map_err(|e| corrupt("data", Box::new(e)))?
        };
        let meta = decode_opt(self.meta.as_deref()).map_err(|e| corrupt("meta", Box::new(e)))?;
        let computed =
            decode_opt(self.computed.as_deref()).map_err(|e| corrupt("computed", Box::new(e)))?;
        Ok(SerializedRecord {
            id: self.id,
            collection: collection.to_string(),
            version,
            data,
            crdt: self.crdt,
            pending_patches: self.pending_patches,
            sequence: self.sequence,
            dirty: self.dirty,
            deleted: self.deleted,
            deleted_at: self.deleted_at,
            meta,
            computed,
        })
    }
}

fn decode_opt(text: Option<&str>) -> Result<Option<Value>, serde_json::Error> {
    text.map(serde_json::from_str).transpose()
}

/// JSON text of a record's `data`, `meta` and `computed` columns.
pub(super) struct EncodedJson {
    pub(super) data: String,
    pub(super) meta: Option<String>,
    pub(super) computed: Option<String>,
}

pub(super) fn encode_json(record: &SerializedRecord) -> Result<EncodedJson, LessDbError> {
    let enc = |v: &Value| {
        serde_json::to_string(v).map_err(|e| LessDbError::Internal(format!("encode JSON: {e}")))
    };
    Ok(EncodedJson {
        data: enc(&record.data)?,
        meta: record.meta.as_ref().map(enc).transpose()?,
        computed: match &record.computed {
            None | Some(Value::Null) => None,
            Some(v) => Some(enc(v)?),
        },
    })
}

/// The SQL value `json_extract` yields for a JSON value, so a bound parameter compares
/// equal to the indexed expression: booleans are 1/0, containers are JSON text.
pub(super) fn json_to_sql(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}
