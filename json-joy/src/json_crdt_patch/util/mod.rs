//! Low-level helpers shared by the patch codec and the model codecs.

pub mod binary;
