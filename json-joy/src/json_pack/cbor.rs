//! CBOR codec for [`PackValue`], byte-compatible with `@jsonjoy.com/json-pack`'s
//! `CborEncoder` (the encoder json-joy uses for `con` values and patch metadata).
//!
//! Encoding choices mirror the JS encoder:
//! - a float with no fractional part within ±(2^53 - 1) is written as an integer;
//! - other floats are written as float32 (`0xfa`) when that is exact, else float64;
//! - text-string headers are sized from the worst case `4 * utf16_len`, not the real
//!   byte length (so `"a" * 6` gets a one-byte `0x78 nn` header);
//! - `undefined` is `0xf7`, byte strings are major type 2.
//!
//! Decoding accepts what `CborDecoder` accepts, including indefinite-length strings,
//! byte strings, arrays and maps, half floats and tags (a tag is dropped and its value
//! kept). All errors are values; nesting is bounded by [`MAX_DEPTH`]; no allocation is
//! sized by an untrusted length beyond the bytes actually present.

use super::PackValue;

/// Deepest nesting of arrays/maps the decoder accepts.
pub const MAX_DEPTH: usize = 512;

const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// Why CBOR bytes could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CborError {
    #[error("CBOR input ends early")]
    Truncated,
    #[error("unexpected CBOR minor value {0}")]
    UnexpectedMinor(u8),
    #[error("malformed indefinite-length CBOR item")]
    BadChunk,
    #[error("CBOR nesting deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("unsupported CBOR simple value {0}")]
    UnsupportedSimple(u8),
    #[error("CBOR map key is not a string-like value")]
    BadKey,
}

/// Encodes `v` into a fresh buffer.
pub fn encode(v: &PackValue) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    encode_into(&mut out, v);
    out
}

/// Appends the CBOR encoding of `v` to `out`.
pub fn encode_into(out: &mut Vec<u8>, v: &PackValue) {
    match v {
        PackValue::Null => out.push(0xf6),
        PackValue::Undefined => out.push(0xf7),
        PackValue::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        PackValue::Int(i) => write_int(out, *i),
        PackValue::UInt(u) => write_header(out, 0, *u),
        PackValue::Float(f) => write_number(out, *f),
        PackValue::Str(s) => write_str(out, s),
        PackValue::Bytes(b) => {
            write_header(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
        PackValue::Array(a) => {
            write_header(out, 4, a.len() as u64);
            for x in a {
                encode_into(out, x);
            }
        }
        PackValue::Object(o) => {
            write_header(out, 5, o.len() as u64);
            for (k, x) in o {
                write_str(out, k);
                encode_into(out, x);
            }
        }
    }
}

/// A major type with its argument, in the shortest form.
pub fn write_header(out: &mut Vec<u8>, major: u8, n: u64) {
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

/// JS `writeInteger`.
pub fn write_int(out: &mut Vec<u8>, i: i64) {
    if i >= 0 {
        write_header(out, 0, i as u64);
    } else {
        write_header(out, 1, (-1 - i) as u64);
    }
}

/// JS `writeNumber` for a JS number held as `f64`.
pub fn write_number(out: &mut Vec<u8>, f: f64) {
    if f.fract() == 0.0 && f.abs() <= MAX_SAFE {
        write_int(out, f as i64);
    } else if f.is_nan() || f64::from(f as f32) == f {
        // JS `isFloat32(NaN)` is false (NaN !== NaN), so NaN goes out as float64.
        if f.is_nan() {
            out.push(0xfb);
            out.extend_from_slice(&f.to_be_bytes());
        } else {
            out.push(0xfa);
            out.extend_from_slice(&(f as f32).to_be_bytes());
        }
    } else {
        out.push(0xfb);
        out.extend_from_slice(&f.to_be_bytes());
    }
}

/// Number of UTF-16 code units of `s` (JS `str.length`).
pub fn utf16_len(s: &str) -> usize {
    let b = s.as_bytes();
    if s.is_ascii() {
        return b.len();
    }
    crate::json_crdt::str_data::utf16_units(b)
}

/// JS `writeStr`: header sized for `4 * str.length` bytes, then the UTF-8 bytes.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let n = s.len();
    let max = utf16_len(s) * 4;
    out.reserve(n + 5);
    if max <= 23 {
        out.push(0x60 | n as u8);
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
}

/// Decodes one value from the start of `input`; trailing bytes are ignored.
pub fn decode(input: &[u8]) -> Result<PackValue, CborError> {
    let mut pos = 0;
    decode_at(input, &mut pos)
}

/// Decodes one value at `*pos`, advancing `*pos` past it.
pub fn decode_at(input: &[u8], pos: &mut usize) -> Result<PackValue, CborError> {
    let mut d = Decoder {
        data: input,
        x: *pos,
    };
    let v = d.any(0);
    *pos = d.x;
    v
}

/// Bytes that may hold CESU-style encoded surrogates (JS writes lone surrogates that
/// way) turned into a Rust string; anything not decodable becomes U+FFFD.
pub fn utf8_lossy(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => decode_wtf8_lossy(b),
    }
}

fn decode_wtf8_lossy(bytes: &[u8]) -> String {
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (init, n) = match b {
            0x00..=0x7f => (u32::from(b), 1),
            0xc0..=0xdf => (u32::from(b & 0x1f), 2),
            0xe0..=0xef => (u32::from(b & 0x0f), 3),
            0xf0..=0xf7 => (u32::from(b & 0x07), 4),
            _ => (0xfffd, 0),
        };
        let tail = bytes.get(i + 1..i + n.max(1));
        let ok = n > 0 && tail.is_some_and(|t| t.iter().all(|c| c & 0xc0 == 0x80));
        if !ok {
            units.push(0xfffd);
            i += 1;
            continue;
        }
        let cp = tail
            .unwrap_or_default()
            .iter()
            .fold(init, |acc, c| (acc << 6) | u32::from(c & 0x3f));
        i += n;
        if cp >= 0x10000 {
            if cp > 0x10ffff {
                units.push(0xfffd);
                continue;
            }
            let c = cp - 0x10000;
            units.push(0xd800 | (c >> 10) as u16);
            units.push(0xdc00 | (c & 0x3ff) as u16);
        } else {
            units.push(cp as u16);
        }
    }
    String::from_utf16_lossy(&units)
}

struct Decoder<'a> {
    data: &'a [u8],
    x: usize,
}

impl<'a> Decoder<'a> {
    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.x)
    }

    fn u8(&mut self) -> Result<u8, CborError> {
        let b = *self.data.get(self.x).ok_or(CborError::Truncated)?;
        self.x += 1;
        Ok(b)
    }

    fn peek(&self) -> Result<u8, CborError> {
        self.data.get(self.x).copied().ok_or(CborError::Truncated)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], CborError> {
        if n > self.remaining() as u64 {
            return Err(CborError::Truncated);
        }
        let start = self.x;
        self.x += n as usize;
        Ok(&self.data[start..self.x])
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N], CborError> {
        let s = self.take(N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    /// The argument of a header; `None` for the indefinite marker (minor 31).
    fn arg(&mut self, minor: u8) -> Result<Option<u64>, CborError> {
        Ok(Some(match minor {
            0..=23 => u64::from(minor),
            24 => u64::from(self.u8()?),
            25 => u64::from(u16::from_be_bytes(self.be()?)),
            26 => u64::from(u32::from_be_bytes(self.be()?)),
            27 => u64::from_be_bytes(self.be()?),
            31 => return Ok(None),
            m => return Err(CborError::UnexpectedMinor(m)),
        }))
    }

    fn definite(&mut self, minor: u8) -> Result<u64, CborError> {
        self.arg(minor)?.ok_or(CborError::UnexpectedMinor(minor))
    }

    fn any(&mut self, depth: usize) -> Result<PackValue, CborError> {
        if depth > MAX_DEPTH {
            return Err(CborError::TooDeep);
        }
        let b = self.u8()?;
        let minor = b & 31;
        match b >> 5 {
            0 => {
                let n = self.definite(minor)?;
                Ok(i64::try_from(n).map_or(PackValue::UInt(n), PackValue::Int))
            }
            1 => {
                let n = self.definite(minor)?;
                Ok(
                    i64::try_from(n).map_or(PackValue::Float(-1.0 - n as f64), |n| {
                        PackValue::Int(-1 - n)
                    }),
                )
            }
            2 => Ok(PackValue::Bytes(self.bytes(minor, 2)?)),
            3 => {
                let raw = self.bytes(minor, 3)?;
                Ok(PackValue::Str(match String::from_utf8(raw) {
                    Ok(s) => s,
                    Err(e) => decode_wtf8_lossy(e.as_bytes()),
                }))
            }
            4 => self.array(minor, depth),
            5 => self.map(minor, depth),
            6 => {
                self.arg(minor)?.ok_or(CborError::UnexpectedMinor(minor))?;
                self.any(depth + 1)
            }
            _ => self.simple(minor),
        }
    }

    /// A byte or text string's content, joining indefinite-length chunks.
    fn bytes(&mut self, minor: u8, major: u8) -> Result<Vec<u8>, CborError> {
        if let Some(n) = self.arg(minor)? {
            return Ok(self.take(n)?.to_vec());
        }
        let mut out = Vec::new();
        while self.peek()? != 0xff {
            let h = self.u8()?;
            if h >> 5 != major {
                return Err(CborError::BadChunk);
            }
            let n = self.arg(h & 31)?.ok_or(CborError::BadChunk)?;
            out.extend_from_slice(self.take(n)?);
        }
        self.x += 1;
        Ok(out)
    }

    fn array(&mut self, minor: u8, depth: usize) -> Result<PackValue, CborError> {
        match self.arg(minor)? {
            Some(n) => {
                let mut a = Vec::with_capacity((n as usize).min(self.remaining()));
                for _ in 0..n {
                    a.push(self.any(depth + 1)?);
                }
                Ok(PackValue::Array(a))
            }
            None => {
                let mut a = Vec::new();
                while self.peek()? != 0xff {
                    a.push(self.any(depth + 1)?);
                }
                self.x += 1;
                Ok(PackValue::Array(a))
            }
        }
    }

    fn map(&mut self, minor: u8, depth: usize) -> Result<PackValue, CborError> {
        let len = self.arg(minor)?;
        let cap = len.map_or(0, |n| (n as usize).min(self.remaining() / 2));
        let mut o: Vec<(String, PackValue)> = Vec::with_capacity(cap);
        let mut i = 0u64;
        loop {
            match len {
                Some(n) if i >= n => break,
                None if self.peek()? == 0xff => {
                    self.x += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
            let k = self.key(depth)?;
            if len.is_none() && self.peek()? == 0xff {
                return Err(CborError::BadChunk);
            }
            let v = self.any(depth + 1)?;
            // A JS object keeps the first position of a repeated key and the last value.
            match o.iter_mut().find(|(ek, _)| *ek == k) {
                Some(slot) => slot.1 = v,
                None => o.push((k, v)),
            }
        }
        Ok(PackValue::Object(o))
    }

    /// A map key; non-string keys become strings the way JS `String(value)` would.
    fn key(&mut self, depth: usize) -> Result<String, CborError> {
        let v = self.any(depth + 1)?;
        Ok(match v {
            PackValue::Str(s) => s,
            PackValue::Int(i) => i.to_string(),
            PackValue::UInt(u) => u.to_string(),
            PackValue::Bool(b) => b.to_string(),
            PackValue::Null => "null".to_owned(),
            PackValue::Undefined => "undefined".to_owned(),
            PackValue::Float(f) => js_number_string(f),
            _ => return Err(CborError::BadKey),
        })
    }

    fn simple(&mut self, minor: u8) -> Result<PackValue, CborError> {
        Ok(match minor {
            20 => PackValue::Bool(false),
            21 => PackValue::Bool(true),
            22 => PackValue::Null,
            23 => PackValue::Undefined,
            25 => PackValue::Float(f16_to_f64(u16::from_be_bytes(self.be()?))),
            26 => PackValue::Float(f64::from(f32::from_be_bytes(self.be()?))),
            27 => PackValue::Float(f64::from_be_bytes(self.be()?)),
            m => return Err(CborError::UnsupportedSimple(m)),
        })
    }
}

fn js_number_string(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        serde_json::Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string())
    }
}

fn f16_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let v = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + mant / 1024.0) * 2f64.powi(i32::from(e) - 15),
    };
    if h & 0x8000 != 0 { -v } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(v: &PackValue) -> String {
        encode(v).iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn numbers_pick_integer_float32_or_float64_like_js() {
        assert_eq!(hex(&PackValue::Int(0)), "00");
        assert_eq!(hex(&PackValue::Int(-1)), "20");
        assert_eq!(hex(&PackValue::Int(24)), "1818");
        assert_eq!(hex(&PackValue::Int(-500)), "3901f3");
        assert_eq!(hex(&PackValue::Float(3.0)), "03");
        assert_eq!(hex(&PackValue::Float(1.5)), "fa3fc00000");
        assert_eq!(hex(&PackValue::Float(0.1)), "fb3fb999999999999a");
        assert_eq!(hex(&PackValue::Float(9007199254740992.0)), "fa5a000000");
        assert_eq!(hex(&PackValue::Int(9007199254740991)), "1b001fffffffffffff");
    }

    #[test]
    fn string_header_is_sized_by_worst_case() {
        assert_eq!(hex(&PackValue::Str("abcde".into())), "656162636465");
        assert_eq!(hex(&PackValue::Str("abcdef".into())), "7806616263646566");
        let long = "x".repeat(64);
        assert_eq!(&hex(&PackValue::Str(long))[..6], "790040");
    }

    #[test]
    fn decode_roundtrips_and_accepts_indefinite() {
        let v = PackValue::Object(vec![
            (
                "a".into(),
                PackValue::Array(vec![PackValue::Undefined, PackValue::Null]),
            ),
            ("b".into(), PackValue::Bytes(vec![1, 2, 3])),
            ("c".into(), PackValue::Float(0.1)),
            ("d".into(), PackValue::Int(-9007199254740991)),
        ]);
        assert_eq!(decode(&encode(&v)), Ok(v));
        // [_ 1, "a" (_ "b" "c")] and {_ "k": 1}
        let indef = [0x9f, 0x01, 0x7f, 0x61, b'b', 0x61, b'c', 0xff, 0xff];
        assert_eq!(
            decode(&indef),
            Ok(PackValue::Array(vec![
                PackValue::Int(1),
                PackValue::Str("bc".into())
            ]))
        );
        let m = [0xbf, 0x61, b'k', 0x01, 0xff];
        assert_eq!(
            decode(&m),
            Ok(PackValue::Object(vec![("k".into(), PackValue::Int(1))]))
        );
    }

    #[test]
    fn hostile_lengths_and_depth_are_errors() {
        assert_eq!(
            decode(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(CborError::Truncated)
        );
        assert_eq!(
            decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(CborError::Truncated)
        );
        assert_eq!(decode(&[0x1c]), Err(CborError::UnexpectedMinor(28)));
        let deep = vec![0x81; MAX_DEPTH + 5];
        assert_eq!(decode(&deep), Err(CborError::TooDeep));
        assert_eq!(decode(&[]), Err(CborError::Truncated));
    }

    #[test]
    fn encoded_surrogates_decode_lossily() {
        // "\u{d83d}" written as a 3-byte sequence, then a valid pair as two such.
        let v = decode(&[0x66, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
        assert_eq!(v, Ok(PackValue::Str("\u{1f600}".into())));
        assert_eq!(decode(&[0x61, 0xff]), Ok(PackValue::Str("\u{fffd}".into())));
    }
}
