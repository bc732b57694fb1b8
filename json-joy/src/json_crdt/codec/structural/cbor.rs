//! CBOR glue for the structural model codec: `con` values and object keys go through
//! the shared [`crate::json_pack::cbor`] codec; tombstone lengths and text-string
//! headers are read here against the model decoder's cursor.

use super::binary::DecodeError;
use super::wire::Reader;
use crate::json_pack::PackValue;
use crate::json_pack::cbor;

pub fn write_uint(out: &mut Vec<u8>, n: u64) {
    cbor::write_header(out, 0, n);
}

/// A Rust string written as JS would write the same string.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    cbor::write_str(out, s);
}

/// JS `CborEncoder.writeAny`.
pub fn write_any(out: &mut Vec<u8>, v: &PackValue) {
    cbor::encode_into(out, v);
}

fn read_len(r: &mut Reader<'_>, minor: u8) -> Result<u64, DecodeError> {
    Ok(match minor {
        0..=23 => u64::from(minor),
        24 => u64::from(r.u8()?),
        25 => {
            let b = r.bytes(2)?;
            u64::from(u16::from_be_bytes([b[0], b[1]]))
        }
        26 => u64::from(r.u32()?),
        27 => {
            let b = r.bytes(8)?;
            u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        }
        _ => return Err(DecodeError::Cbor),
    })
}

fn bytes_to_string(b: &[u8]) -> String {
    cbor::utf8_lossy(b)
}

/// Reads an unsigned integer item (a tombstone length).
pub fn read_uint(r: &mut Reader<'_>) -> Result<u64, DecodeError> {
    let b = r.u8()?;
    if b >> 5 != 0 {
        return Err(DecodeError::Cbor);
    }
    read_len(r, b & 31)
}

/// Reads a CBOR text string header and returns its bytes, or `None` if the next item
/// is not a text string (nothing is consumed then).
pub fn read_str_bytes<'a>(r: &mut Reader<'a>) -> Result<Option<&'a [u8]>, DecodeError> {
    let b = r.peek()?;
    if b >> 5 != 3 {
        return Ok(None);
    }
    r.x += 1;
    let n = read_len(r, b & 31)?;
    Ok(Some(r.bytes(n)?))
}

/// An object key: a text string, or any other item turned into a string as JS does.
pub fn read_key(r: &mut Reader<'_>, depth: usize) -> Result<String, DecodeError> {
    if let Some(b) = read_str_bytes(r)? {
        return Ok(bytes_to_string(b));
    }
    Ok(match read_any(r, depth)? {
        PackValue::Int(i) => i.to_string(),
        PackValue::UInt(u) => u.to_string(),
        PackValue::Bool(b) => b.to_string(),
        PackValue::Null => "null".into(),
        PackValue::Undefined => "undefined".into(),
        _ => return Err(DecodeError::Cbor),
    })
}

/// JS `CborDecoder.readAny`.
pub fn read_any(r: &mut Reader<'_>, _depth: usize) -> Result<PackValue, DecodeError> {
    cbor::decode_at(r.data, &mut r.x).map_err(|_| DecodeError::Cbor)
}
