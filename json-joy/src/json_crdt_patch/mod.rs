//! JSON CRDT patches: logical clocks, operations, [`Patch`], the patch builder and the
//! patch binary codec.

pub mod clock;
pub mod operations;
pub mod patch;
pub mod util;

pub use clock::{Timespan, Timestamp};
pub use operations::{ConValue, Op};
pub use patch::Patch;
