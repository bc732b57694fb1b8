//! The JSON CRDT document model: [`Model`], its [`nodes`], the [`rga`] sequence type
//! and the structural binary model codec.

pub mod codec;
mod json_builder;
pub mod model;
pub mod nodes;
pub mod rga;
pub mod str_data;

pub use codec::structural::binary::DecodeError;
pub use model::{LoadError, Model, ModelClock, ModelError};
pub use nodes::Node;
