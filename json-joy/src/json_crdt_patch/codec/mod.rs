//! Patch codecs.

pub mod binary;
