//! Structural model codecs: the document tree written node by node.

pub mod binary;
mod cbor;
mod wire;
