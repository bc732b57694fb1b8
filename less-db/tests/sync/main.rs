#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Mock closures return the crate error type as it is; its size does not matter here.
#![allow(clippy::result_large_err)]
//! Sync: the manager against scripted transports and storage, the scheduler on a
//! manual clock, the in-memory reference server, and convergence of random replicas.

mod common;
mod convergence;
mod manager;
mod memory;
mod mocks;
mod scheduler;
