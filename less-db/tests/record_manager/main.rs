//! The record manager (pure record transitions) and remote-change processing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]

mod common;
mod merge;
mod read_path;
mod remote;
mod sync_ack;
mod write_path;
