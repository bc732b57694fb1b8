//! Filters and queries: types, JSON form, operators and in-memory execution.

pub mod types;

pub use types::{Condition, Filter, Operator, Query, QueryResult, SortDirection, SortEntry};
