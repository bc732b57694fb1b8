//! SQL for index scans: a WHERE clause over an index's expressions, with ORDER BY,
//! LIMIT and OFFSET when the caller asks for the index order.

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use super::ddl::{RECORD_COLUMNS, direction_sql, index_columns, index_type_exprs, table_name};
use super::row::json_to_sql;
use crate::index::types::{IndexScan, RangeBound, SortDirection};
use crate::storage::traits::ScanWindow;

/// A statement and its parameters.
pub(super) struct BuiltSql {
    pub(super) sql: String,
    pub(super) params: Vec<SqlValue>,
}

const NUMBER_TYPES: &str = "IN ('integer', 'real')";
const BOOLEAN_TYPES: &str = "IN ('true', 'false')";

/// The JSON types a value may match in a column, when SQLite's comparison alone would
/// let other types through: booleans read as 1/0 and containers read as JSON text.
fn type_guard(value: &Value) -> Option<&'static str> {
    match value {
        Value::Bool(_) => Some(BOOLEAN_TYPES),
        Value::Number(n) if n.as_f64().is_some_and(|f| f == 0.0 || f == 1.0) => Some(NUMBER_TYPES),
        Value::String(s) if s.starts_with('[') || s.starts_with('{') => Some("= 'text'"),
        _ => None,
    }
}

/// Accumulates the conditions and parameters of a WHERE clause.
struct Where {
    conds: Vec<String>,
    params: Vec<SqlValue>,
}

impl Where {
    fn equal(&mut self, expr: &str, ty: Option<&str>, value: &Value) {
        if value.is_null() {
            self.conds.push(format!("{expr} IS NULL"));
            return;
        }
        self.conds.push(format!("{expr} = ?"));
        self.params.push(json_to_sql(value));
        if let (Some(ty), Some(guard)) = (ty, type_guard(value)) {
            self.conds.push(format!("{ty} {guard}"));
        }
    }

    fn one_of(&mut self, expr: &str, ty: Option<&str>, values: &[Value]) {
        // Plain members go in one `IN` list; null and members needing a type guard get
        // their own alternatives.
        let plain: Vec<&Value> = values
            .iter()
            .filter(|v| !v.is_null() && (ty.is_none() || type_guard(v).is_none()))
            .collect();
        let mut alts = Vec::new();
        if !plain.is_empty() {
            alts.push(format!("{expr} IN ({})", vec!["?"; plain.len()].join(", ")));
            self.params.extend(plain.into_iter().map(json_to_sql));
        }
        if values.iter().any(Value::is_null) {
            alts.push(format!("{expr} IS NULL"));
        }
        if let Some(ty) = ty {
            for v in values.iter().filter(|v| !v.is_null()) {
                if let Some(guard) = type_guard(v) {
                    alts.push(format!("({expr} = ? AND {ty} {guard})"));
                    self.params.push(json_to_sql(v));
                }
            }
        }
        self.conds.push(format!("({})", alts.join(" OR ")));
    }

    /// A range holds only for values of its bounds' JSON type: numbers and strings sort
    /// apart in SQLite (every number below every text), so one extra comparison on
    /// the same indexed expression closes the open end; booleans (read as 1/0) and
    /// containers (read as JSON text) need a `json_type` guard when the range reaches
    /// them.
    fn range(
        &mut self,
        expr: &str,
        ty: Option<&str>,
        lower: Option<&RangeBound>,
        upper: Option<&RangeBound>,
    ) {
        for (b, strict, loose) in [(lower, ">", ">="), (upper, "<", "<=")] {
            if let Some(b) = b {
                let op = if b.inclusive { loose } else { strict };
                self.conds.push(format!("{expr} {op} ?"));
                self.params.push(json_to_sql(&b.value));
            }
        }
        let sample = lower.or(upper).map(|b| &b.value);
        match sample {
            Some(Value::Number(_)) => {
                if upper.is_none() {
                    self.conds.push(format!("{expr} < ''"));
                }
                if let Some(ty) = ty
                    && (reaches(lower, upper, 0.0) || reaches(lower, upper, 1.0))
                {
                    self.conds.push(format!("{ty} {NUMBER_TYPES}"));
                }
            }
            Some(Value::String(_)) => {
                if lower.is_none() {
                    self.conds.push(format!("{expr} >= ''"));
                }
                let containers = reaches_prefix(lower, upper, "[", "\\")
                    || reaches_prefix(lower, upper, "{", "|");
                if let Some(ty) = ty
                    && containers
                {
                    self.conds.push(format!("{ty} = 'text'"));
                }
            }
            _ => {}
        }
    }
}

fn bound_f64(b: Option<&RangeBound>) -> Option<f64> {
    b.and_then(|b| b.value.as_f64())
}

/// Whether the numeric range includes `x` (conservatively: inclusive ends).
fn reaches(lower: Option<&RangeBound>, upper: Option<&RangeBound>, x: f64) -> bool {
    bound_f64(lower).is_none_or(|l| l <= x) && bound_f64(upper).is_none_or(|u| u >= x)
}

/// Whether the string range meets strings starting with `start` (all of which sort
/// below `end`), conservatively.
fn reaches_prefix(
    lower: Option<&RangeBound>,
    upper: Option<&RangeBound>,
    start: &str,
    end: &str,
) -> bool {
    let lo = lower.and_then(|b| b.value.as_str());
    let hi = upper.and_then(|b| b.value.as_str());
    lo.is_none_or(|l| l < end) && hi.is_none_or(|h| h >= start)
}

/// `None` when the scan names more columns than the index has.
fn where_clause(range: &IndexScan) -> Option<(String, Vec<SqlValue>)> {
    let cols = index_columns(&range.index);
    let types = index_type_exprs(&range.index);
    if range.equality.len() > cols.len() {
        return None;
    }
    let mut w = Where {
        conds: vec!["deleted = 0".to_string()],
        params: Vec::new(),
    };
    for (i, value) in range.equality.iter().enumerate() {
        w.equal(&cols[i].0, types[i].as_deref(), value);
    }
    let has_next = range.lower.is_some() || range.upper.is_some() || range.in_values.is_some();
    if has_next {
        let i = range.equality.len();
        let (expr, _) = cols.get(i)?;
        let ty = types[i].as_deref();
        if range.lower.is_some() || range.upper.is_some() {
            w.range(expr, ty, range.lower.as_ref(), range.upper.as_ref());
        }
        if let Some(values) = &range.in_values {
            w.one_of(expr, ty, values);
        }
    }
    Some((w.conds.join(" AND "), w.params))
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
    // Ties come back in insertion order in both directions: the order an in-memory
    // stable sort of a table scan gives.
    terms.push("rowid ASC".to_string());
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
