//! Filters and queries: types, JSON form, operators and in-memory execution.
