//! SQL for index scans: a WHERE clause over an index's expressions, with ORDER BY,
//! LIMIT and OFFSET when the caller asks for the index order.

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use super::ddl::{RECORD_COLUMNS, direction_sql, index_columns, table_name};
use super::row::json_to_sql;
use crate::index::types::{IndexScan, SortDirection};
use crate::storage::traits::ScanWindow;

/// A statement and its parameters.
pub(super) struct BuiltSql {
    pub(super) sql: String,
    pub(super) params: Vec<SqlValue>,
}

/// `None` when the scan names more columns than the index has.
fn where_clause(range: &IndexScan) -> Option<(String, Vec<SqlValue>)> {
    let cols = index_columns(&range.index);
    let mut conds = vec!["deleted = 0".to_string()];
    let mut params = Vec::new();
    for (value, (expr, _)) in range.equality.iter().zip(&cols) {
        if value.is_null() {
            conds.push(format!("{expr} IS NULL"));
        } else {
            conds.push(format!("{expr} = ?"));
            params.push(json_to_sql(value));
        }
    }
    if range.equality.len() > cols.len() {
        return None;
    }
    let has_next = range.lower.is_some() || range.upper.is_some() || range.in_values.is_some();
    if has_next {
        let (expr, _) = cols.get(range.equality.len())?;
        if let Some(b) = &range.lower {
            conds.push(format!("{expr} {} ?", if b.inclusive { ">=" } else { ">" }));
            params.push(json_to_sql(&b.value));
        }
        if let Some(b) = &range.upper {
            conds.push(format!("{expr} {} ?", if b.inclusive { "<=" } else { "<" }));
            params.push(json_to_sql(&b.value));
        }
        if let Some(values) = &range.in_values {
            // `x IN (NULL)` is never true in SQL, so null members become `IS NULL`.
            let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            let marks = vec!["?"; non_null.len()].join(", ");
            if non_null.len() == values.len() {
                conds.push(format!("{expr} IN ({marks})"));
            } else {
                conds.push(format!("({expr} IN ({marks}) OR {expr} IS NULL)"));
            }
            params.extend(non_null.into_iter().map(json_to_sql));
        }
    }
    Some((conds.join(" AND "), params))
}

fn order_by(range: &IndexScan) -> String {
    let backwards = range.direction == SortDirection::Desc;
    let flip = |d: SortDirection| match (d, backwards) {
        (SortDirection::Asc, false) | (SortDirection::Desc, true) => SortDirection::Asc,
        _ => SortDirection::Desc,
    };
    let mut terms: Vec<String> = index_columns(&range.index)
        .into_iter()
        .skip(range.equality.len())
        .map(|(expr, d)| format!("{expr} {}", direction_sql(flip(d))))
        .collect();
    // Ties come back in insertion order, the order an in-memory stable sort of a
    // table scan gives.
    terms.push(format!("rowid {}", direction_sql(flip(SortDirection::Asc))));
    terms.join(", ")
}

pub(super) fn select_sql(
    collection: &str,
    range: &IndexScan,
    window: &ScanWindow,
) -> Option<BuiltSql> {
    let (cond, mut params) = where_clause(range)?;
    let mut sql = format!(
        "SELECT {RECORD_COLUMNS} FROM {} WHERE {cond}",
        table_name(collection)
    );
    if window.ordered {
        sql.push_str(" ORDER BY ");
        sql.push_str(&order_by(range));
    }
    if window.limit.is_some() || window.offset > 0 {
        sql.push_str(" LIMIT ? OFFSET ?");
        params.push(SqlValue::Integer(window.limit.map_or(-1, to_i64)));
        params.push(SqlValue::Integer(to_i64(window.offset)));
    }
    Some(BuiltSql { sql, params })
}

pub(super) fn count_sql(collection: &str, range: &IndexScan) -> Option<BuiltSql> {
    let (cond, params) = where_clause(range)?;
    Some(BuiltSql {
        sql: format!(
            "SELECT count(*) FROM {} WHERE {cond}",
            table_name(collection)
        ),
        params,
    })
}

pub(super) fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
