//! Query behaviour: parsing and the JSON form, operators, in-memory execution.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod execute;
mod operators;
mod parse;

use less_db::query::operators::matches_filter;
use less_db::query::types::Filter;
use serde_json::Value;

/// Parses a filter that the test knows is valid.
pub fn f(v: Value) -> Filter {
    Filter::from_value(&v).unwrap_or_else(|e| panic!("bad test filter {v}: {e}"))
}

/// Does `record` match the filter written as JSON?
pub fn m(record: &Value, filter: Value) -> bool {
    matches_filter(record, &f(filter))
}
