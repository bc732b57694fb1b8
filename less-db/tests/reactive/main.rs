#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]
//! Reactive adapter tests: change events, record and query subscriptions, flush
//! semantics, re-entrancy and panics in callbacks, and the query-field dependencies
//! that decide which changes re-run a query.

mod common;
mod events;
mod lifecycle;
mod observe;
mod observe_query;
mod precision;
mod props;
mod query_fields;
mod reentrancy;
mod storage_traits;
