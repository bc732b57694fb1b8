//! Byte-level pieces of the structural binary format that are specific to the model:
//! strings held as UTF-16 (which may contain lone surrogates after a split), and a
//! bounds-checked reader.

use super::binary::DecodeError;

/// Appends WTF-8 text of `span` UTF-16 units as a CBOR text string exactly as
/// json-joy's CBOR encoder does: the header size is chosen from `4 * span` (its worst
/// case), short strings keep lone surrogates as 3-byte sequences (its own encoder) and
/// longer ones turn them into U+FFFD (Node's UTF-8 writer).
pub fn write_wtf8_str(out: &mut Vec<u8>, bytes: &[u8], span: u64) {
    let max = span as usize * 4;
    let head = out.len();
    let hdr_len = if max <= 23 {
        out.push(0);
        0
    } else if max <= 0xff {
        out.extend_from_slice(&[0x78, 0]);
        1
    } else if max <= 0xffff {
        out.extend_from_slice(&[0x79, 0, 0]);
        2
    } else {
        out.extend_from_slice(&[0x7a, 0, 0, 0, 0]);
        4
    };
    let start = out.len();
    if max < 168 || !crate::json_crdt::str_data::StrData::has_lone_surrogate(bytes) {
        out.extend_from_slice(bytes);
    } else {
        let mut units = Vec::with_capacity(bytes.len());
        decode_to_utf16(bytes, &mut units);
        encode_utf16(out, &units, false);
    }
    let n = out.len() - start;
    match hdr_len {
        0 => out[head] = 0x60 + n as u8,
        1 => out[head + 1] = n as u8,
        2 => out[head + 1..head + 3].copy_from_slice(&(n as u16).to_be_bytes()),
        _ => out[head + 1..head + 5].copy_from_slice(&(n as u32).to_be_bytes()),
    }
}

pub fn encode_utf16(out: &mut Vec<u8>, units: &[u16], keep_lone: bool) {
    if units.iter().all(|&u| u < 0x80) {
        out.extend(units.iter().map(|&u| u as u8));
        return;
    }
    let mut i = 0;
    while i < units.len() {
        let u = u32::from(units[i]);
        i += 1;
        let mut cp = u;
        if (0xd800..=0xdbff).contains(&u) && i < units.len() && (units[i] & 0xfc00) == 0xdc00 {
            cp = 0x10000 + ((u & 0x3ff) << 10) + (u32::from(units[i]) & 0x3ff);
            i += 1;
        } else if (0xd800..=0xdfff).contains(&u) && !keep_lone {
            cp = 0xfffd;
        }
        push_code_point(out, cp);
    }
}

fn push_code_point(out: &mut Vec<u8>, cp: u32) {
    if cp < 0x80 {
        out.push(cp as u8);
    } else if cp < 0x800 {
        out.extend_from_slice(&[0xc0 | (cp >> 6) as u8, 0x80 | (cp & 0x3f) as u8]);
    } else if cp < 0x10000 {
        out.extend_from_slice(&[
            0xe0 | (cp >> 12) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xf0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3f) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]);
    }
}

/// Decodes UTF-8 that may hold encoded surrogates (as json-joy writes them) into
/// UTF-16 code units; malformed sequences become U+FFFD.
pub fn decode_to_utf16(bytes: &[u8], out: &mut Vec<u16>) {
    if bytes.is_ascii() {
        out.extend(bytes.iter().map(|&b| u16::from(b)));
        return;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (cp, n) = if b < 0x80 {
            (u32::from(b), 1)
        } else if b & 0xe0 == 0xc0 {
            (u32::from(b & 0x1f), 2)
        } else if b & 0xf0 == 0xe0 {
            (u32::from(b & 0x0f), 3)
        } else if b & 0xf8 == 0xf0 {
            (u32::from(b & 0x07), 4)
        } else {
            out.push(0xfffd);
            i += 1;
            continue;
        };
        if i + n > bytes.len() || bytes[i + 1..i + n].iter().any(|c| c & 0xc0 != 0x80) {
            out.push(0xfffd);
            i += 1;
            continue;
        }
        let cp = bytes[i + 1..i + n]
            .iter()
            .fold(cp, |acc, c| (acc << 6) | u32::from(c & 0x3f));
        i += n;
        if cp >= 0x10000 {
            if cp > 0x10ffff {
                out.push(0xfffd);
                continue;
            }
            let c = cp - 0x10000;
            out.push(0xd800 | (c >> 10) as u16);
            out.push(0xdc00 | (c & 0x3ff) as u16);
        } else {
            out.push(cp as u16);
        }
    }
}

/// A bounds-checked cursor over untrusted bytes.
pub struct Reader<'a> {
    pub data: &'a [u8],
    pub x: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, x: 0 }
    }

    /// Room to reserve for `n` items of at least one byte each: never more than the
    /// bytes left, so a hostile count cannot make the decoder over-allocate.
    pub fn capacity_hint(&self, n: u64) -> usize {
        let left = self.data.len().saturating_sub(self.x);
        usize::try_from(n).map_or(left, |n| n.min(left))
    }

    pub fn peek(&self) -> Result<u8, DecodeError> {
        self.data.get(self.x).copied().ok_or(DecodeError::Truncated)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let b = self.peek()?;
        self.x += 1;
        Ok(b)
    }

    pub fn bytes(&mut self, n: u64) -> Result<&'a [u8], DecodeError> {
        let n = usize::try_from(n).map_err(|_| DecodeError::Truncated)?;
        let end = self.x.checked_add(n).ok_or(DecodeError::Truncated)?;
        let s = self.data.get(self.x..end).ok_or(DecodeError::Truncated)?;
        self.x = end;
        Ok(s)
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// json-joy `vu57`: 7 bits per byte, the eighth byte holds 8 bits.
    pub fn vu57(&mut self) -> Result<u64, DecodeError> {
        let mut v: u64 = 0;
        for i in 0..8 {
            let b = self.u8()?;
            if i == 7 {
                return Ok(v | (u64::from(b) << 49));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Ok(v)
    }

    /// json-joy `b1vu56`: a flag bit, then 6 bits, then 7 bits per byte (8 in the last).
    pub fn b1vu56(&mut self) -> Result<(bool, u64), DecodeError> {
        let b = self.u8()?;
        let flag = b & 0x80 != 0;
        let mut v = u64::from(b & 0x3f);
        if b & 0x40 == 0 {
            return Ok((flag, v));
        }
        let mut shift = 6;
        for i in 0..7 {
            let b = self.u8()?;
            if i == 6 {
                return Ok((flag, v | (u64::from(b) << shift)));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok((flag, v));
            }
            shift += 7;
        }
        Ok((flag, v))
    }

    /// json-joy relative id: `(session index, time difference)`.
    pub fn id(&mut self) -> Result<(u64, u64), DecodeError> {
        let b = self.peek()?;
        if b <= 0x7f {
            self.x += 1;
            return Ok((u64::from(b >> 4), u64::from(b & 0x0f)));
        }
        let (_, x) = self.b1vu56()?;
        Ok((x, self.vu57()?))
    }
}
