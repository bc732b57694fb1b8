//! JSON CRDT patches: logical clocks, operations, [`Patch`], the patch builder and the
//! patch binary codec.

pub mod builder;
pub mod clock;
pub mod codec;
pub mod operations;
pub mod patch;
pub mod schema;
pub mod util;

pub use builder::{BuilderError, PatchBuilder};
pub use clock::{ClockVector, LogicalClock, ServerClock, Timespan, Timestamp};
pub use codec::binary::PatchDecodeError;
pub use operations::{ConValue, Op};
pub use patch::Patch;
pub use schema::{NodeBuilder, s};
