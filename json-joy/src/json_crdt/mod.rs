//! The JSON CRDT document model: [`Model`], its [`nodes`], the [`rga`] sequence type
//! and the structural binary model codec.

pub mod model;
pub mod nodes;
pub mod rga;

pub use model::{Model, ModelClock, ModelError};
pub use nodes::Node;
