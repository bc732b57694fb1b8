//! In-memory query execution: filter, sort, paginate.
//!
//! Every function has a `_by` form generic over the item type, with a closure that
//! gives the record data of an item, so storage can run queries over its own record
//! types without copying the data out.

use std::cmp::Ordering;

use serde_json::Value;

use super::operators::{compare_values, get_field_value, matches_filter};
use super::types::{Filter, Query, QueryResult, SortDirection, SortEntry};

/// Order of two records under a multi-key sort. A missing field sorts as null, which
/// comes first in ascending order and last in descending order (as SQLite orders NULL).
pub fn compare_by_sort(a: &Value, b: &Value, sort: &[SortEntry]) -> Ordering {
    const NULL: Value = Value::Null;
    sort.iter()
        .map(|entry| {
            let x = get_field_value(a, &entry.field).unwrap_or(&NULL);
            let y = get_field_value(b, &entry.field).unwrap_or(&NULL);
            let o = compare_values(x, y);
            match entry.direction {
                SortDirection::Asc => o,
                SortDirection::Desc => o.reverse(),
            }
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Sorts items in place, stably (ties keep their input order).
pub fn sort_records_by<T>(items: &mut [T], sort: &[SortEntry], data: impl Fn(&T) -> &Value) {
    if sort.is_empty() {
        return;
    }
    items.sort_by(|a, b| compare_by_sort(data(a), data(b), sort));
}

/// Sorted copy of `records` (stable).
pub fn sort_records(mut records: Vec<Value>, sort: &[SortEntry]) -> Vec<Value> {
    sort_records_by(&mut records, sort, |v| v);
    records
}

/// Skips `offset` items, then keeps at most `limit`.
pub fn paginate_records<T>(items: Vec<T>, offset: Option<usize>, limit: Option<usize>) -> Vec<T> {
    let offset = offset.unwrap_or(0);
    let limit = limit.unwrap_or(usize::MAX);
    items.into_iter().skip(offset).take(limit).collect()
}

fn keep_matching<T>(
    items: Vec<T>,
    filter: Option<&Filter>,
    data: &impl Fn(&T) -> &Value,
) -> Vec<T> {
    match filter {
        Some(f) if !f.is_match_all() => items
            .into_iter()
            .filter(|item| matches_filter(data(item), f))
            .collect(),
        _ => items,
    }
}

/// Runs a query over items: filter, sort, then paginate. `total` counts the matches
/// before pagination.
pub fn execute_query_by<T>(
    items: Vec<T>,
    query: &Query,
    data: impl Fn(&T) -> &Value,
) -> QueryResult<T> {
    let mut matched = keep_matching(items, query.filter.as_ref(), &data);
    let total = matched.len();
    sort_records_by(&mut matched, &query.sort, &data);
    QueryResult {
        records: paginate_records(matched, query.offset, query.limit),
        total,
    }
}

/// Runs a query over records.
pub fn execute_query(records: Vec<Value>, query: &Query) -> QueryResult<Value> {
    execute_query_by(records, query, |v| v)
}

/// The first record in query order (the query's offset is honoured, its limit is not
/// needed).
pub fn find_first(records: Vec<Value>, query: &Query) -> Option<Value> {
    let q = Query {
        limit: Some(1),
        ..query.clone()
    };
    execute_query(records, &q).records.into_iter().next()
}

/// Number of records matching the query's filter; sort and pagination are ignored.
pub fn count_matching<'a, I>(records: I, query: &Query) -> usize
where
    I: IntoIterator<Item = &'a Value>,
{
    match query.filter.as_ref() {
        Some(f) => records.into_iter().filter(|r| matches_filter(r, f)).count(),
        None => records.into_iter().count(),
    }
}
