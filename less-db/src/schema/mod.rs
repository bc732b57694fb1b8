//! Schemas: the [`node::SchemaNode`] tree and its `t` builder, validation with the
//! accepted date and byte forms, and serialization between stored and Rust forms.

pub mod date;
pub mod node;
pub mod serialize;
pub mod validate;

pub use node::{
    LiteralValue, SchemaNode, is_auto_field, is_immutable_field, is_indexable_node,
    is_timestamp_field, t,
};
pub use serialize::{deserialize, deserialize_and_validate, serialize};
pub use validate::{validate, validate_or_throw, validate_shape};
