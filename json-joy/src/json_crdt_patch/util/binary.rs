//! The variable-length integers and relative ids of json-joy's binary formats (JS
//! `CrdtWriter` / `CrdtReader`), reused by the patch codec and the model codecs.
//!
//! - `vu57`: 7 bits per byte with a continuation bit, the eighth byte holds 8 bits.
//! - `b1vu56`: a flag bit, a continuation bit and 6 bits, then as `vu57` (8 bits in the
//!   eighth byte).
//! - `id(x, y)`: one byte `0xxxyyyy` when `x < 8 && y < 16`, else `b1vu56(1, x)`
//!   followed by `vu57(y)`.

use crate::json_pack::{PackValue, cbor};

/// Why bytes could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("input ends early")]
    Truncated,
    #[error(transparent)]
    Cbor(#[from] cbor::CborError),
}

/// An append-only byte writer. `out` is public so callers can reuse or take the buffer.
#[derive(Debug, Default, Clone)]
pub struct CrdtWriter {
    pub out: Vec<u8>,
}

impl CrdtWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Self {
            out: Vec::with_capacity(n),
        }
    }

    /// Takes the written bytes, leaving the writer empty.
    pub fn flush(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    #[inline]
    pub fn u8(&mut self, b: u8) {
        self.out.push(b);
    }

    #[inline]
    pub fn buf(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    #[inline]
    pub fn vu57(&mut self, n: u64) {
        write_vu57(&mut self.out, n);
    }

    #[inline]
    pub fn b1vu56(&mut self, flag: bool, n: u64) {
        write_b1vu56(&mut self.out, flag, n);
    }

    #[inline]
    pub fn id(&mut self, x: u64, y: u64) {
        write_id(&mut self.out, x, y);
    }

    /// Appends the UTF-8 bytes of `s`; returns how many were written.
    #[inline]
    pub fn utf8(&mut self, s: &str) -> usize {
        self.out.extend_from_slice(s.as_bytes());
        s.len()
    }

    /// A value in JS `CborEncoder` form.
    #[inline]
    pub fn cbor(&mut self, v: &PackValue) {
        cbor::encode_into(&mut self.out, v);
    }

    /// A text string in JS `CborEncoder.writeStr` form.
    #[inline]
    pub fn cbor_str(&mut self, s: &str) {
        cbor::write_str(&mut self.out, s);
    }
}

/// Appends `n` (at most 2^57 - 1) as `vu57`.
#[inline]
pub fn write_vu57(out: &mut Vec<u8>, mut n: u64) {
    if n <= 0x7f {
        out.push(n as u8);
        return;
    }
    for _ in 0..7 {
        if n <= 0x7f {
            out.push(n as u8);
            return;
        }
        out.push(0x80 | (n & 0x7f) as u8);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Appends a flag and `n` (at most 2^56 - 1) as `b1vu56`.
#[inline]
pub fn write_b1vu56(out: &mut Vec<u8>, flag: bool, n: u64) {
    let f = if flag { 0x80 } else { 0 };
    if n <= 0x3f {
        out.push(f | n as u8);
        return;
    }
    out.push(f | 0x40 | (n & 0x3f) as u8);
    let mut n = n >> 6;
    for _ in 0..6 {
        if n <= 0x7f {
            out.push(n as u8);
            return;
        }
        out.push(0x80 | (n & 0x7f) as u8);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Appends a relative id (session index `x`, time difference `y`).
#[inline]
pub fn write_id(out: &mut Vec<u8>, x: u64, y: u64) {
    if x <= 7 && y <= 15 {
        out.push(((x << 4) | y) as u8);
    } else {
        write_b1vu56(out, true, x);
        write_vu57(out, y);
    }
}

/// A bounds-checked cursor over untrusted bytes.
#[derive(Debug, Clone)]
pub struct CrdtReader<'a> {
    pub data: &'a [u8],
    /// Position of the next byte.
    pub x: usize,
}

impl<'a> CrdtReader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, x: 0 }
    }

    /// Bytes not yet read.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.x)
    }

    #[inline]
    pub fn peek(&self) -> Result<u8, ReadError> {
        self.data.get(self.x).copied().ok_or(ReadError::Truncated)
    }

    #[inline]
    pub fn u8(&mut self) -> Result<u8, ReadError> {
        let b = self.peek()?;
        self.x += 1;
        Ok(b)
    }

    /// The next `n` bytes; an error (not an allocation) when fewer remain.
    #[inline]
    pub fn buf(&mut self, n: u64) -> Result<&'a [u8], ReadError> {
        if n > self.remaining() as u64 {
            return Err(ReadError::Truncated);
        }
        let start = self.x;
        self.x += n as usize;
        Ok(&self.data[start..self.x])
    }

    /// `n` bytes of UTF-8 as a string, validated once; invalid sequences are decoded
    /// leniently (see [`cbor::utf8_lossy`]).
    #[inline]
    pub fn utf8(&mut self, n: u64) -> Result<String, ReadError> {
        Ok(cbor::utf8_lossy(self.buf(n)?))
    }

    pub fn vu57(&mut self) -> Result<u64, ReadError> {
        let mut v: u64 = 0;
        for i in 0..7 {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Ok(v | (u64::from(self.u8()?) << 49))
    }

    /// Returns the flag and the value.
    pub fn b1vu56(&mut self) -> Result<(bool, u64), ReadError> {
        let b = self.u8()?;
        let flag = b & 0x80 != 0;
        let mut v = u64::from(b & 0x3f);
        if b & 0x40 == 0 {
            return Ok((flag, v));
        }
        for i in 0..6 {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << (6 + 7 * i);
            if b & 0x80 == 0 {
                return Ok((flag, v));
            }
        }
        Ok((flag, v | (u64::from(self.u8()?) << 48)))
    }

    /// A relative id: `(session index, time difference)`.
    pub fn id(&mut self) -> Result<(u64, u64), ReadError> {
        let b = self.peek()?;
        if b <= 0x7f {
            self.x += 1;
            return Ok((u64::from(b >> 4), u64::from(b & 0x0f)));
        }
        let (_, x) = self.b1vu56()?;
        Ok((x, self.vu57()?))
    }

    /// One CBOR value (JS `CborDecoder.val()`).
    pub fn cbor(&mut self) -> Result<PackValue, ReadError> {
        Ok(cbor::decode_at(self.data, &mut self.x)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vu57_and_b1vu56_roundtrip_at_every_width() {
        let mut vals = vec![0u64, 1, 63, 64, 127, 128, 8191, 8192, 16383, 16384];
        for bits in 14..57 {
            vals.push((1u64 << bits) - 1);
            vals.push(1u64 << bits);
        }
        for &v in &vals {
            let mut w = CrdtWriter::new();
            if v < (1 << 57) {
                w.vu57(v);
                let mut r = CrdtReader::new(&w.out);
                assert_eq!(r.vu57(), Ok(v), "vu57 {v}");
                assert_eq!(r.remaining(), 0);
                assert!(w.out.len() <= 8);
            }
            if v < (1 << 56) {
                let mut w = CrdtWriter::new();
                w.b1vu56(true, v);
                let mut r = CrdtReader::new(&w.out);
                assert_eq!(r.b1vu56(), Ok((true, v)), "b1vu56 {v}");
                assert_eq!(r.remaining(), 0);
            }
        }
    }

    #[test]
    fn known_encodings_match_js() {
        // Values checked against JS CrdtWriter.
        let mut w = CrdtWriter::new();
        w.vu57(300);
        w.b1vu56(true, 100);
        w.id(3, 5);
        w.id(9, 1);
        assert_eq!(w.out, vec![0xac, 0x02, 0xe4, 0x01, 0x35, 0x89, 0x01]);
        let mut r = CrdtReader::new(&w.out);
        assert_eq!(r.vu57(), Ok(300));
        assert_eq!(r.b1vu56(), Ok((true, 100)));
        assert_eq!(r.id(), Ok((3, 5)));
        assert_eq!(r.id(), Ok((9, 1)));
        assert_eq!(r.id(), Err(ReadError::Truncated));
    }

    #[test]
    fn buf_rejects_lengths_beyond_input() {
        let mut r = CrdtReader::new(&[1, 2, 3]);
        assert_eq!(r.buf(u64::MAX), Err(ReadError::Truncated));
        assert_eq!(r.buf(2), Ok(&[1u8, 2][..]));
    }
}
