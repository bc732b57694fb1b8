//! Structural model codecs: the document tree written node by node.

pub mod binary;
mod cbor;
mod wire;

pub(crate) use wire::decode_to_utf16 as wire_decode_to_utf16;

/// UTF-16 units to WTF-8 (`keep_lone`) or UTF-8 with U+FFFD for lone surrogates.
pub(crate) fn wire_encode_utf16(out: &mut Vec<u8>, units: &[u16], keep_lone: bool) {
    wire::encode_utf16(out, units, keep_lone);
}
