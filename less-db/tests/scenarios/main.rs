#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end scenarios: devices with their own SQLite databases syncing through the
//! in-memory reference server.

mod common;
mod conflict;
mod integration;
mod lifecycle;
mod metadata;
mod migration_sync;
mod multi_collection;
mod sync_roundtrip;
mod tombstone_sync;
