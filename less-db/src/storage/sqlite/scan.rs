//! SQL for index scans: a WHERE clause over an index's expressions, with ORDER BY,
//! LIMIT and OFFSET when the caller asks for the index order.

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use super::ddl::{
    IndexColumn, RECORD_COLUMNS, direction_sql, index_columns, table_name, type_rank,
};
use super::row::json_to_sql;
use crate::index::types::{IndexScan, RangeBound, SortDirection};
use crate::storage::traits::ScanWindow;

/// A statement and its parameters.
pub(super) struct BuiltSql {
    pub(super) sql: String,
    pub(super) params: Vec<SqlValue>,
}

/// Accumulates the conditions and parameters of a WHERE clause.
struct Where {
    conds: Vec<String>,
    params: Vec<SqlValue>,
}

impl Where {
    /// Pins a column's type rank: the query engine compares values of one JSON type
    /// only, so every condition on a value also names its type.
    fn rank(&mut self, col: &IndexColumn, value: &Value) {
        if let Some(rank) = &col.rank {
            self.conds.push(format!("{rank} = {}", type_rank(value)));
        }
    }

    fn equal(&mut self, col: &IndexColumn, value: &Value) {
        if value.is_null() {
            // Null and missing are one value for the query engine and for SQLite.
            match &col.rank {
                Some(rank) => self.conds.push(format!("{rank} = 0")),
                None => self.conds.push(format!("{} IS NULL", col.expr)),
            }
            return;
        }
        self.rank(col, value);
        self.conds.push(format!("{} = ?", col.expr));
        self.params.push(json_to_sql(value));
    }

    /// Members are grouped by type: one `rank = r AND value IN (..)` alternative each.
    fn one_of(&mut self, col: &IndexColumn, values: &[Value]) {
        let mut groups: Vec<(i64, Vec<&Value>)> = Vec::new();
        for v in values {
            let r = if col.rank.is_some() { type_rank(v) } else { 0 };
            match groups.iter_mut().find(|(g, _)| *g == r) {
                Some((_, members)) => members.push(v),
                None => groups.push((r, vec![v])),
            }
        }
        let mut alts = Vec::with_capacity(groups.len());
        for (r, members) in groups {
            let mut parts = Vec::with_capacity(2);
            if let Some(rank) = &col.rank {
                parts.push(format!("{rank} = {r}"));
            }
            let (nulls, plain): (Vec<&Value>, Vec<&Value>) =
                members.into_iter().partition(|v| v.is_null());
            let mut members_sql = Vec::with_capacity(2);
            if !plain.is_empty() {
                members_sql.push(format!(
                    "{} IN ({})",
                    col.expr,
                    vec!["?"; plain.len()].join(", ")
                ));
                self.params.extend(plain.into_iter().map(json_to_sql));
            }
            // With a rank column, `rank = 0` already selects null and missing.
            if col.rank.is_none() && !nulls.is_empty() {
                members_sql.push(format!("{} IS NULL", col.expr));
            }
            match members_sql.len() {
                0 => {}
                1 => parts.extend(members_sql),
                _ => parts.push(format!("({})", members_sql.join(" OR "))),
            }
            alts.push(parts.join(" AND "));
        }
        if alts.is_empty() {
            self.conds.push("0".to_string());
        } else if alts.len() == 1 {
            self.conds.extend(alts);
        } else {
            self.conds.push(format!("(({}))", alts.join(") OR (")));
        }
    }

    /// A range holds only for values of its bounds' type, so each bound pins the rank
    /// (bounds of two types select nothing, as in memory).
    fn range(&mut self, col: &IndexColumn, lower: Option<&RangeBound>, upper: Option<&RangeBound>) {
        let mut ranks: Vec<i64> = Vec::with_capacity(2);
        for (b, strict, loose) in [(lower, ">", ">="), (upper, "<", "<=")] {
            if let Some(b) = b {
                let op = if b.inclusive { loose } else { strict };
                self.conds.push(format!("{} {op} ?", col.expr));
                self.params.push(json_to_sql(&b.value));
                ranks.push(type_rank(&b.value));
            }
        }
        match &col.rank {
            Some(rank) => {
                ranks.dedup();
                for r in ranks {
                    self.conds.push(format!("{rank} = {r}"));
                }
            }
            None => self.close_open_end(col, lower, upper),
        }
    }

    /// Without a rank column (computed values: null, numbers, strings), numbers and
    /// strings still sort apart in SQLite (every number below every text): one extra
    /// comparison closes the open end of a one-sided range.
    fn close_open_end(
        &mut self,
        col: &IndexColumn,
        lower: Option<&RangeBound>,
        upper: Option<&RangeBound>,
    ) {
        match lower.or(upper).map(|b| &b.value) {
            Some(Value::Number(_)) if upper.is_none() => {
                self.conds.push(format!("{} < ''", col.expr));
            }
            Some(Value::String(_)) if lower.is_none() => {
                self.conds.push(format!("{} >= ''", col.expr));
            }
            _ => {}
        }
    }
}

/// `None` when the scan names more columns than the index has.
fn where_clause(range: &IndexScan) -> Option<(String, Vec<SqlValue>)> {
    let cols = index_columns(&range.index);
    if range.equality.len() > cols.len() {
        return None;
    }
    let mut w = Where {
        conds: vec!["deleted = 0".to_string()],
        params: Vec::new(),
    };
    for (col, value) in cols.iter().zip(&range.equality) {
        w.equal(col, value);
    }
    let has_next = range.lower.is_some() || range.upper.is_some() || range.in_values.is_some();
    if has_next {
        let col = cols.get(range.equality.len())?;
        if range.lower.is_some() || range.upper.is_some() {
            w.range(col, range.lower.as_ref(), range.upper.as_ref());
        }
        if let Some(values) = &range.in_values {
            w.one_of(col, values);
        }
    }
    Some((w.conds.join(" AND "), w.params))
}

/// Whether the scan fixes the type rank of the first column after its equality
/// prefix: a range pins it, and so does an `$in` whose members share one type.
fn next_rank_is_pinned(range: &IndexScan) -> bool {
    if range.lower.is_some() || range.upper.is_some() {
        return true;
    }
    range.in_values.as_ref().is_some_and(|values| {
        values
            .split_first()
            .is_some_and(|(first, rest)| rest.iter().all(|v| type_rank(v) == type_rank(first)))
    })
}

fn order_by(range: &IndexScan) -> String {
    let backwards = range.direction == SortDirection::Desc;
    let flip = |d: SortDirection| match (d, backwards) {
        (SortDirection::Asc, false) | (SortDirection::Desc, true) => SortDirection::Asc,
        _ => SortDirection::Desc,
    };
    let pinned = next_rank_is_pinned(range);
    let mut terms: Vec<String> = Vec::new();
    for (i, col) in index_columns(&range.index)
        .into_iter()
        .skip(range.equality.len())
        .enumerate()
    {
        let dir = direction_sql(flip(col.order));
        // A rank fixed by the WHERE clause is left out: SQLite would not see that it
        // is constant and would sort instead of walking the index.
        if let Some(rank) = col.rank
            && !(i == 0 && pinned)
        {
            terms.push(format!("{rank} {dir}"));
        }
        terms.push(format!("{} {dir}", col.expr));
    }
    // Ties come back in insertion order in both directions: the order an in-memory
    // stable sort of a table scan gives. On a backward walk SQLite sorts each run of
    // equal keys by rowid (a partial sort), never the whole result.
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
    sql.push_str(" ORDER BY ");
    if window.ordered {
        sql.push_str(&order_by(range));
    } else {
        // Rows that are sorted in memory afterwards keep insertion order among ties,
        // as the in-memory engine's stable sort of a table scan does.
        sql.push_str("rowid");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::types::{FieldIndex, IndexDefinition, IndexField, IndexScanType};
    use serde_json::json;

    fn age_index(order: SortDirection) -> IndexDefinition {
        IndexDefinition::Field(FieldIndex {
            name: "age".into(),
            fields: vec![IndexField {
                field: "age".into(),
                order,
            }],
            unique: false,
            sparse: false,
        })
    }

    fn scan(index: IndexDefinition, direction: SortDirection) -> IndexScan {
        IndexScan {
            index,
            scan_type: IndexScanType::Range,
            equality: Vec::new(),
            lower: Some(RangeBound {
                value: json!(30),
                inclusive: true,
            }),
            upper: None,
            in_values: None,
            direction,
        }
    }

    /// `EXPLAIN QUERY PLAN` detail lines of `sql` on a `users` table with `index`.
    fn plan_of(index: &IndexDefinition, built: &BuiltSql) -> Vec<String> {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(&super::super::ddl::create_table_sql("users"))
            .unwrap();
        conn.execute_batch(&super::super::ddl::user_index_sql("users", index).1)
            .unwrap();
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", built.sql))
            .unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(built.params.iter()), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    #[test]
    fn ordered_range_scans_read_the_index_in_order_in_both_directions() {
        for order in [SortDirection::Asc, SortDirection::Desc] {
            for direction in [SortDirection::Asc, SortDirection::Desc] {
                let index = age_index(order);
                let window = ScanWindow {
                    ordered: true,
                    limit: Some(50),
                    offset: 0,
                };
                let built = select_sql("users", &scan(index.clone(), direction), &window).unwrap();
                let plan = plan_of(&index, &built);
                assert!(plan.iter().any(|l| l.contains("USING INDEX")), "{plan:?}");
                // A scan against the declared order walks the index backwards.
                let backward = direction == SortDirection::Desc;
                let full_sort = plan.iter().any(|l| l.contains("TEMP B-TREE FOR ORDER BY"));
                let tie_sort = plan.iter().any(|l| {
                    l.contains("RIGHT PART OF ORDER BY") || l.contains("LAST TERM OF ORDER BY")
                });
                assert!(!full_sort, "the order should come from the index: {plan:?}");
                assert_eq!(tie_sort, backward, "{order:?} {direction:?}: {plan:?}");
            }
        }
    }

    #[test]
    fn counts_use_a_covering_index() {
        let index = age_index(SortDirection::Asc);
        let built = count_sql("users", &scan(index.clone(), SortDirection::Asc)).unwrap();
        let plan = plan_of(&index, &built);
        assert!(
            plan.iter().any(|l| l.contains("COVERING INDEX")),
            "{plan:?}"
        );
    }
}
