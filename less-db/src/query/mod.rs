//! Filters and queries: types, JSON form, operators and in-memory execution.

pub mod types;

pub use types::{Condition, Filter, Operator, Query, QueryResult, SortDirection, SortEntry};
pub mod operators;

pub use operators::{compare_values, deep_equals, get_field_value, matches_filter};
pub mod execute;

pub use execute::execute_query;
