#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]
//! Storage tests: the SQLite backend, and the adapter over it in memory and on a file.

mod backend;
mod bad_input;
mod conformance;
mod defs;
mod differential;
mod fixtures;
mod migration;
mod threads;
