#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]
//! Middleware tests: a "spaces" middleware that stores a space id in record metadata
//! and filters queries by it, data rewriting and rejection, stack order, bulk writes,
//! subscriptions through the stack and sync-state resets.

mod common;
mod hooks;
mod spaces;
mod stack;
mod subscriptions;
