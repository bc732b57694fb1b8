//! The CBOR subset the structural model codec needs for `con` values, object keys and
//! tombstone lengths, written exactly as json-joy's `CborEncoder` writes them.
//!
//! Kept here until the shared `json_pack` CBOR codec lands; it then replaces this file.

use super::binary::DecodeError;
use super::wire::{Reader, decode_to_utf16, write_wtf8_str};
use crate::json_pack::PackValue;

const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn write_major(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n <= 23 {
        out.push(m | n as u8);
    } else if n <= 0xff {
        out.extend_from_slice(&[m | 24, n as u8]);
    } else if n <= 0xffff {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= 0xffff_ffff {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

pub fn write_uint(out: &mut Vec<u8>, n: u64) {
    write_major(out, 0, n);
}

fn write_int(out: &mut Vec<u8>, i: i64) {
    if i >= 0 {
        write_major(out, 0, i as u64);
    } else {
        write_major(out, 1, (-1 - i) as u64);
    }
}

/// A Rust string written as JS would write the same string.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    if s.is_ascii() {
        let n = s.len();
        let max = n * 4;
        if max <= 23 {
            out.push(0x60 + n as u8);
        } else if max <= 0xff {
            out.extend_from_slice(&[0x78, n as u8]);
        } else if max <= 0xffff {
            out.push(0x79);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            out.push(0x7a);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        out.extend_from_slice(s.as_bytes());
        return;
    }
    write_wtf8_str(
        out,
        s.as_bytes(),
        crate::json_crdt::str_data::utf16_len(s.as_bytes()),
    );
}

fn write_float(out: &mut Vec<u8>, f: f64) {
    if f.fract() == 0.0 && f.abs() <= MAX_SAFE {
        write_int(out, f as i64);
    } else if f64::from(f as f32) == f || (f.is_infinite()) {
        out.push(0xfa);
        out.extend_from_slice(&(f as f32).to_be_bytes());
    } else {
        out.push(0xfb);
        out.extend_from_slice(&f.to_be_bytes());
    }
}

/// JS `CborEncoder.writeAny`.
pub fn write_any(out: &mut Vec<u8>, v: &PackValue) {
    match v {
        PackValue::Null => out.push(0xf6),
        PackValue::Undefined => out.push(0xf7),
        PackValue::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        PackValue::Int(i) => write_int(out, *i),
        PackValue::UInt(u) => write_major(out, 0, *u),
        PackValue::Float(f) => write_float(out, *f),
        PackValue::Str(s) => write_str(out, s),
        PackValue::Bytes(b) => {
            write_major(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
        PackValue::Array(a) => {
            write_major(out, 4, a.len() as u64);
            a.iter().for_each(|x| write_any(out, x));
        }
        PackValue::Object(o) => {
            write_major(out, 5, o.len() as u64);
            for (k, x) in o {
                write_str(out, k);
                write_any(out, x);
            }
        }
    }
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
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            let mut u = Vec::with_capacity(b.len());
            decode_to_utf16(b, &mut u);
            String::from_utf16_lossy(&u)
        }
    }
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

/// JS `CborDecoder.readAny` for the definite-length items JS writes.
pub fn read_any(r: &mut Reader<'_>, depth: usize) -> Result<PackValue, DecodeError> {
    if depth > crate::json_crdt::model::MAX_DEPTH {
        return Err(DecodeError::TooDeep);
    }
    let b = r.u8()?;
    let minor = b & 31;
    Ok(match b >> 5 {
        0 => {
            let n = read_len(r, minor)?;
            i64::try_from(n).map_or(PackValue::UInt(n), PackValue::Int)
        }
        1 => {
            let n = read_len(r, minor)?;
            i64::try_from(n).map_or(PackValue::Float(-1.0 - n as f64), |n| {
                PackValue::Int(-1 - n)
            })
        }
        2 => {
            let n = read_len(r, minor)?;
            PackValue::Bytes(r.bytes(n)?.to_vec())
        }
        3 => {
            let n = read_len(r, minor)?;
            PackValue::Str(bytes_to_string(r.bytes(n)?))
        }
        4 => {
            let n = read_len(r, minor)?;
            let mut a = Vec::with_capacity((n as usize).min(r.data.len() - r.x));
            for _ in 0..n {
                a.push(read_any(r, depth + 1)?);
            }
            PackValue::Array(a)
        }
        5 => {
            let n = read_len(r, minor)?;
            let mut o = Vec::with_capacity((n as usize).min((r.data.len() - r.x) / 2));
            for _ in 0..n {
                let k = read_key(r, depth + 1)?;
                let v = read_any(r, depth + 1)?;
                o.push((k, v));
            }
            PackValue::Object(o)
        }
        7 => match minor {
            20 => PackValue::Bool(false),
            21 => PackValue::Bool(true),
            22 => PackValue::Null,
            23 => PackValue::Undefined,
            25 => {
                let h = r.bytes(2)?;
                PackValue::Float(f16_to_f64(u16::from_be_bytes([h[0], h[1]])))
            }
            26 => PackValue::Float(f64::from(f32::from_bits(r.u32()?))),
            27 => {
                let h = r.bytes(8)?;
                PackValue::Float(f64::from_be_bytes([
                    h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7],
                ]))
            }
            _ => return Err(DecodeError::Cbor),
        },
        _ => return Err(DecodeError::Cbor),
    })
}

fn f16_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let v = match exp {
        0 => mant * 2f64.powi(-24),
        31 => {
            if mant == 0.0 {
                f64::INFINITY
            } else {
                f64::NAN
            }
        }
        e => (1.0 + mant / 1024.0) * 2f64.powi(i32::from(e) - 15),
    };
    if h & 0x8000 != 0 { -v } else { v }
}
