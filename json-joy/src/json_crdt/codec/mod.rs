//! Model codecs.

pub mod structural;
