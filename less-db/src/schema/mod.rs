//! Schemas: the [`node::SchemaNode`] tree, validation with coercions, and
//! serialization between native and JSON-safe forms.

pub mod node;

pub use node::{LiteralValue, SchemaNode};
