//! Table and index layout of the SQLite backend.
//!
//! One table per collection (`records_<collection>`), one row per record. The record
//! data is stored as JSON text exactly as serialized (key order kept). Field indexes
//! are expression indexes over `json_extract(data, ...)`; computed indexes read the
//! `computed` column, which only holds values for computed indexes. Every user index
//! leads with the `deleted` flag: queries and unique checks pin `deleted = 0`, which
//! keeps tombstones out of the scanned range and makes counts index-only (SQLite
//! treats an index as covering only when `deleted` is one of its columns).
//!
//! Every name interpolated into SQL goes through [`validate_identifier`] or
//! [`validate_field_path`]; values are always bound as parameters.

use crate::error::{LessDbError, SchemaError};
use crate::index::types::{IndexDefinition, SortDirection};

/// Longest collection or index name accepted; keeps generated SQL names readable.
const MAX_IDENTIFIER_LEN: usize = 64;

/// Column list of the records tables, in the order every SELECT uses.
pub(super) const RECORD_COLUMNS: &str = "id, version, data, crdt, pending_patches, sequence, dirty, deleted, deleted_at, meta, computed";

/// Columns of the records table with their declarations; also used to upgrade a table
/// created by an older layout (any missing column is added with its default).
pub(super) const COLUMN_DECLS: &[(&str, &str)] = &[
    ("id", "TEXT NOT NULL UNIQUE"),
    ("version", "INTEGER NOT NULL DEFAULT 1"),
    ("data", "TEXT NOT NULL DEFAULT '{}'"),
    ("crdt", "BLOB NOT NULL DEFAULT x''"),
    ("pending_patches", "BLOB NOT NULL DEFAULT x''"),
    ("sequence", "INTEGER NOT NULL DEFAULT -1"),
    ("dirty", "INTEGER NOT NULL DEFAULT 0"),
    ("deleted", "INTEGER NOT NULL DEFAULT 0"),
    ("deleted_at", "TEXT"),
    ("meta", "TEXT"),
    ("computed", "TEXT"),
];

/// Name of the key/value table holding session id, sync cursors and layout version.
pub(super) const META_TABLE: &str = "less_meta";

/// Live-record count per collection, kept exact by triggers so `count()` is one
/// primary-key read whatever the collection size.
pub(super) const COUNTS_TABLE: &str = "less_counts";

/// Version of this table layout, kept in the meta table.
pub(super) const LAYOUT_VERSION: &str = "1";

fn invalid(kind: &str, name: &str, why: &str) -> LessDbError {
    SchemaError::InvalidDefinition {
        collection: name.to_string(),
        message: format!("{kind} name `{name}` {why}"),
    }
    .into()
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Accepts `[A-Za-z_][A-Za-z0-9_]*` up to 64 characters: the only names that are ever
/// interpolated into SQL text.
pub(crate) fn validate_identifier(kind: &str, name: &str) -> Result<(), LessDbError> {
    if name.len() > MAX_IDENTIFIER_LEN {
        return Err(invalid(kind, name, "is longer than 64 characters"));
    }
    if !is_identifier(name) {
        return Err(invalid(
            kind,
            name,
            "must start with a letter or `_` and contain only ASCII letters, digits and `_`",
        ));
    }
    Ok(())
}

/// Accepts dot paths whose segments are identifiers (`address.city`).
pub(crate) fn validate_field_path(path: &str) -> Result<(), LessDbError> {
    if path.is_empty() || path.len() > 4 * MAX_IDENTIFIER_LEN || !path.split('.').all(is_identifier)
    {
        return Err(invalid(
            "field",
            path,
            "must be a dot path of identifiers (letters, digits, `_`)",
        ));
    }
    Ok(())
}

/// Validates every name of an index definition.
pub(super) fn validate_index(index: &IndexDefinition) -> Result<(), LessDbError> {
    validate_identifier("index", index.name())?;
    if let IndexDefinition::Field(f) = index {
        if f.fields.is_empty() {
            return Err(invalid("index", &f.name, "has no fields"));
        }
        for field in &f.fields {
            validate_field_path(&field.field)?;
        }
    }
    Ok(())
}

/// Quoted table name of a collection. The name must have been validated.
pub(super) fn table_name(collection: &str) -> String {
    format!("\"records_{collection}\"")
}

/// Unquoted prefix shared by every index of a collection's table.
pub(super) fn index_prefix(collection: &str) -> String {
    format!("records_{collection}__")
}

fn user_index_name(collection: &str, index: &str) -> String {
    format!("{}ix_{index}", index_prefix(collection))
}

/// SQL expression of a data field; identical text in indexes and queries so SQLite
/// matches them.
pub(super) fn field_expr(path: &str) -> String {
    format!("json_extract(data, '$.{path}')")
}

/// SQL expression of a computed index value.
pub(super) fn computed_expr(index: &str) -> String {
    format!("json_extract(computed, '$.{index}')")
}

/// One indexed column: the value expression, its declared order and, for data fields,
/// the expression of the value's type rank.
#[derive(Debug, Clone)]
pub(super) struct IndexColumn {
    /// Type rank of the value (see [`type_rank_expr`]); `None` for computed columns,
    /// whose values are already normalised (booleans stored as 1/0, containers as
    /// null), so SQLite's order is their order.
    pub(super) rank: Option<String>,
    /// The value as SQLite reads it.
    pub(super) expr: String,
    pub(super) order: SortDirection,
}

/// Rank of a JSON type in the query engine's value order (`null < bool < number <
/// string < array < object`), as [`type_rank_expr`] computes it.
pub(super) fn type_rank(v: &serde_json::Value) -> i64 {
    i64::from(crate::query::operators::type_rank(v))
}

/// SQL expression of the type rank of a data field; 0 for null and missing. SQLite
/// alone would read `true` as 1 and `"[1]"` like the array `[1]`, and sorts booleans
/// among numbers: an index over (rank, value) orders and selects values exactly as the
/// query engine compares them.
pub(super) fn type_rank_expr(path: &str) -> String {
    format!(
        "CASE json_type(data, '$.{path}') WHEN 'true' THEN 1 WHEN 'false' THEN 1 \
         WHEN 'integer' THEN 2 WHEN 'real' THEN 2 WHEN 'text' THEN 3 WHEN 'array' THEN 4 \
         WHEN 'object' THEN 5 ELSE 0 END"
    )
}

/// The columns of an index, in index order.
pub(super) fn index_columns(index: &IndexDefinition) -> Vec<IndexColumn> {
    match index {
        IndexDefinition::Field(f) => f
            .fields
            .iter()
            .map(|field| IndexColumn {
                rank: Some(type_rank_expr(&field.field)),
                expr: field_expr(&field.field),
                order: field.order,
            })
            .collect(),
        IndexDefinition::Computed(c) => vec![IndexColumn {
            rank: None,
            expr: computed_expr(&c.name),
            order: SortDirection::Asc,
        }],
    }
}

pub(super) fn direction_sql(d: SortDirection) -> &'static str {
    match d {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    }
}

pub(super) fn create_table_sql(collection: &str) -> String {
    let cols: Vec<String> = COLUMN_DECLS
        .iter()
        .map(|(name, decl)| format!("{name} {decl}"))
        .collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {} ({})",
        table_name(collection),
        cols.join(", ")
    )
}

/// The backend's own indexes: dirty records and tombstones by age. (Live counts come
/// from [`COUNTS_TABLE`]; every user index leads with `deleted`.)
pub(super) fn system_index_sql(collection: &str) -> Vec<(String, String)> {
    let table = table_name(collection);
    let prefix = index_prefix(collection);
    vec![
        (
            format!("{prefix}sys_dirty"),
            format!("CREATE INDEX \"{prefix}sys_dirty\" ON {table}(dirty) WHERE dirty = 1"),
        ),
        (
            format!("{prefix}sys_tombstones"),
            format!(
                "CREATE INDEX \"{prefix}sys_tombstones\" ON {table}(deleted_at) WHERE deleted = 1"
            ),
        ),
    ]
}

/// Statements that set up live-count maintenance, and the statement that recounts it
/// (run at registration, which also covers rows written by an older layout).
///
/// Writes through the backend keep the count themselves (the row writer knows whether
/// a row was added or its `deleted` flag changed); an insert or update trigger would
/// make SQLite open a statement journal for every row write, which cost more than the
/// rest of the write. Deletes keep a trigger: they are rare and may remove many rows.
/// Adds `delta` (an SQL expression) to the live count of `collection`.
pub(super) fn live_bump_sql(collection: &str, delta: &str) -> String {
    format!("UPDATE {COUNTS_TABLE} SET live = live + ({delta}) WHERE collection = '{collection}'")
}

pub(super) fn live_count_sql(collection: &str) -> (Vec<String>, String) {
    let table = table_name(collection);
    let prefix = index_prefix(collection);
    let triggers = vec![
        format!("DROP TRIGGER IF EXISTS \"{prefix}live_ins\""),
        format!("DROP TRIGGER IF EXISTS \"{prefix}live_upd\""),
        format!(
            "CREATE TRIGGER IF NOT EXISTS \"{prefix}live_del\" AFTER DELETE ON {table} WHEN OLD.deleted = 0 BEGIN {}; END",
            live_bump_sql(collection, "-1")
        ),
    ];
    let recount = format!(
        "INSERT INTO {COUNTS_TABLE} (collection, live) SELECT '{collection}', count(*) FROM {table} WHERE deleted = 0 ON CONFLICT(collection) DO UPDATE SET live = excluded.live"
    );
    (triggers, recount)
}

/// `(sql name, CREATE INDEX statement)` of a user index. The statement is written the
/// way SQLite stores it in `sqlite_schema`, so a changed definition is detected by
/// comparing texts.
pub(super) fn user_index_sql(collection: &str, index: &IndexDefinition) -> (String, String) {
    let name = user_index_name(collection, index.name());
    let cols: Vec<String> = index_columns(index)
        .into_iter()
        .flat_map(|c| {
            let dir = direction_sql(c.order);
            c.rank
                .map(|rank| format!("{rank} {dir}"))
                .into_iter()
                .chain([format!("{} {dir}", c.expr)])
        })
        .collect();
    let sql = format!(
        "CREATE INDEX \"{name}\" ON {}(deleted, {})",
        table_name(collection),
        cols.join(", ")
    );
    (name, sql)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::types::{FieldIndex, IndexField};

    #[test]
    fn identifiers_accept_plain_names_only() {
        assert!(validate_identifier("collection", "users").is_ok());
        assert!(validate_identifier("collection", "_a1_B").is_ok());
        for bad in [
            "",
            "1users",
            "users; DROP TABLE x",
            "us\"ers",
            "us'ers",
            "a-b",
            "é",
            "a.b",
        ] {
            assert!(validate_identifier("collection", bad).is_err(), "{bad}");
        }
        assert!(validate_identifier("index", &"a".repeat(65)).is_err());
    }

    #[test]
    fn field_paths_are_dotted_identifiers() {
        assert!(validate_field_path("email").is_ok());
        assert!(validate_field_path("address.city").is_ok());
        for bad in ["", ".a", "a.", "a..b", "a') --", "a.b'c", "$.a"] {
            assert!(validate_field_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_index_sql_uses_the_query_expression() {
        let index = IndexDefinition::Field(FieldIndex {
            name: "by_name".into(),
            fields: vec![
                IndexField {
                    field: "last".into(),
                    order: SortDirection::Asc,
                },
                IndexField {
                    field: "first".into(),
                    order: SortDirection::Desc,
                },
            ],
            unique: false,
            sparse: false,
        });
        let (name, sql) = user_index_sql("users", &index);
        assert_eq!(name, "records_users__ix_by_name");
        let (last, first) = (type_rank_expr("last"), type_rank_expr("first"));
        assert_eq!(
            sql,
            format!(
                "CREATE INDEX \"records_users__ix_by_name\" ON \"records_users\"(deleted, {last} ASC, json_extract(data, '$.last') ASC, {first} DESC, json_extract(data, '$.first') DESC)"
            )
        );
    }
}
