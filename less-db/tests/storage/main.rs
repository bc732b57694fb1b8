#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]
//! Storage tests: the SQLite backend, and the adapter over it.

mod backend;
