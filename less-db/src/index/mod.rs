//! Indexes: definitions and the query planner.

pub mod types;
