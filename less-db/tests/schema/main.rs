//! Schema tests: the `t` builder and predicates, validation, serialization.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod node;
mod serialize;
mod validate;
