//! Collection tests: the builder, migrations and autofill.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod autofill;
mod builder;
mod migrate;
