//! Text of a `str` chunk: WTF-8 bytes (UTF-8 that may also hold lone surrogates), so
//! the common case is plain UTF-8 (cheap to view and encode) while a chunk can still
//! split between the two UTF-16 halves of an astral character, as JS allows.

use super::rga::ChunkData;

/// WTF-8 text measured in UTF-16 code units. Surrogate pairs are always stored joined
/// (as one 4-byte character); only unpaired halves use the 3-byte surrogate form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrData(Vec<u8>, u64);

fn width(b: u8) -> usize {
    match b {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

fn enc3(u: u32) -> [u8; 3] {
    [
        0xe0 | (u >> 12) as u8,
        0x80 | ((u >> 6) & 0x3f) as u8,
        0x80 | (u & 0x3f) as u8,
    ]
}

fn dec3(b: &[u8]) -> u32 {
    (u32::from(b[0] & 0x0f) << 12) | (u32::from(b[1] & 0x3f) << 6) | u32::from(b[2] & 0x3f)
}

fn is_high(b: &[u8]) -> bool {
    b.len() == 3 && b[0] == 0xed && (0xa0..=0xaf).contains(&b[1])
}

fn is_low(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] == 0xed && (0xb0..=0xbf).contains(&b[1])
}

impl StrData {
    /// Text from a Rust string (always well formed).
    pub fn from_text(s: &str) -> Self {
        Self::from_text_units(s, utf16_len(s.as_bytes()))
    }

    /// Text from a Rust string whose UTF-16 length is already known.
    pub fn from_text_units(s: &str, units: u64) -> Self {
        Self(s.as_bytes().to_vec(), units)
    }

    /// Text from bytes JS wrote (UTF-8 with possible 3-byte surrogates); anything
    /// malformed becomes U+FFFD.
    pub fn from_wire(bytes: &[u8]) -> Self {
        if std::str::from_utf8(bytes).is_ok() {
            return Self(bytes.to_vec(), utf16_len(bytes));
        }
        let mut units = Vec::with_capacity(bytes.len());
        super::codec::structural::wire_decode_to_utf16(bytes, &mut units);
        let mut out = Vec::with_capacity(bytes.len());
        super::codec::structural::wire_encode_utf16(&mut out, &units, true);
        Self(out, units.len() as u64)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether the bytes hold an unpaired surrogate (so are not valid UTF-8).
    pub fn has_lone_surrogate(bytes: &[u8]) -> bool {
        // A surrogate's lead byte 0xED is rare (Hangul shares it): find blocks holding
        // one with a vectorisable scan, and look closer only there.
        const BLOCK: usize = 64;
        bytes.chunks(BLOCK).enumerate().any(|(k, c)| {
            c.iter().fold(false, |acc, &b| acc | (b == 0xed)) && {
                let start = k * BLOCK;
                let end = (start + BLOCK + 1).min(bytes.len());
                bytes[start..end]
                    .windows(2)
                    .any(|w| w[0] == 0xed && w[1] >= 0xa0)
            }
        })
    }

    /// Appends `bytes`, joining a trailing high surrogate with a leading low one.
    pub fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
        let n = out.len();
        if n >= 3 && is_high(&out[n - 3..]) && is_low(bytes) {
            let hi = dec3(&out[n - 3..]);
            let lo = dec3(&bytes[..3]);
            let cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
            out.truncate(n - 3);
            out.extend_from_slice(&[
                0xf0 | (cp >> 18) as u8,
                0x80 | ((cp >> 12) & 0x3f) as u8,
                0x80 | ((cp >> 6) & 0x3f) as u8,
                0x80 | (cp & 0x3f) as u8,
            ]);
            out.extend_from_slice(&bytes[3..]);
        } else {
            out.extend_from_slice(bytes);
        }
    }

    /// Turns concatenated chunk bytes into a string; lone surrogates become U+FFFD.
    pub fn into_string(bytes: Vec<u8>) -> String {
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let bytes = e.into_bytes();
                let mut units = Vec::with_capacity(bytes.len());
                super::codec::structural::wire_decode_to_utf16(&bytes, &mut units);
                String::from_utf16_lossy(&units)
            }
        }
    }
}

/// Length in UTF-16 code units of WTF-8 (or UTF-8) bytes.
pub fn utf16_len(b: &[u8]) -> u64 {
    if b.is_ascii() {
        return b.len() as u64;
    }
    utf16_units(b) as u64
}

/// UTF-16 length of WTF-8 bytes: one unit per lead byte, two for a 4-byte lead. Counted
/// in byte lanes a block at a time (a block's count fits a `u8`) so the compiler
/// vectorises it: long texts are counted at memory speed.
pub(crate) fn utf16_units(bytes: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let units = |b: &u8| u8::from((*b as i8) >= -64) + u8::from(*b >= 0xf0);
    let blocks = bytes.chunks_exact(BLOCK);
    let rest: usize = blocks
        .remainder()
        .iter()
        .map(|b| usize::from(units(b)))
        .sum();
    blocks
        .map(|c| usize::from(c.iter().map(units).fold(0u8, u8::wrapping_add)))
        .sum::<usize>()
        + rest
}

impl ChunkData for StrData {
    fn span(&self) -> u64 {
        self.1
    }

    fn split_off_at(&mut self, at: usize) -> Self {
        let right_units = self.1.saturating_sub(at as u64);
        self.1 = self.1.min(at as u64);
        let b = &mut self.0;
        if at <= b.len() && b[..at].is_ascii() {
            return Self(b.split_off(at), right_units);
        }
        let (mut i, mut units) = (0usize, 0usize);
        while units < at && i < b.len() {
            let w = width(b[i]);
            let u = if w == 4 { 2 } else { 1 };
            if units + u > at {
                // The split falls between the halves of an astral character.
                let s = &b[i..i + 4];
                let cp = (u32::from(s[0] & 0x07) << 18)
                    | (u32::from(s[1] & 0x3f) << 12)
                    | (u32::from(s[2] & 0x3f) << 6)
                    | u32::from(s[3] & 0x3f);
                let c = cp - 0x10000;
                let mut right = enc3(0xdc00 | (c & 0x3ff)).to_vec();
                right.extend_from_slice(&b[i + 4..]);
                b.truncate(i);
                b.extend_from_slice(&enc3(0xd800 | (c >> 10)));
                return Self(right, right_units);
            }
            units += u;
            i += w;
        }
        Self(b.split_off(i.min(b.len())), right_units)
    }

    fn append_data(&mut self, other: Self) {
        Self::push_bytes(&mut self.0, &other.0);
        self.1 += other.1;
    }

    const EMPTY_IS_TOMBSTONE: bool = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_inside_a_surrogate_pair_and_joining_back() {
        let mut a = StrData::from_text("a😀b");
        assert_eq!(a.span(), 4);
        let b = a.split_off_at(2);
        assert_eq!((a.span(), b.span()), (2, 2));
        assert!(StrData::has_lone_surrogate(a.as_bytes()));
        let mut joined = a.as_bytes().to_vec();
        StrData::push_bytes(&mut joined, b.as_bytes());
        assert_eq!(StrData::into_string(joined), "a😀b");
        assert_eq!(StrData::into_string(a.as_bytes().to_vec()), "a\u{fffd}");
        a.append_data(b);
        assert_eq!(a.as_bytes(), "a😀b".as_bytes());
        assert_eq!(a.span(), 4);
    }

    #[test]
    fn utf16_length_counts_astral_characters_twice() {
        assert_eq!(utf16_len("héllo 日本 😀".as_bytes()), 11);
        assert_eq!(utf16_len(b"plain"), 5);
    }

    #[test]
    fn block_counts_match_across_block_edges() {
        for n in [0, 1, 63, 64, 65, 127, 200, 1000] {
            for piece in ["é", "😀", "x中", "\u{d55c}"] {
                let t = piece.repeat(n);
                assert_eq!(
                    utf16_units(t.as_bytes()),
                    t.encode_utf16().count(),
                    "{n} {piece}"
                );
            }
        }
    }

    #[test]
    fn lone_surrogates_are_found_at_any_offset() {
        // 0xED also leads Hangul syllables (second byte below 0xA0): not surrogates.
        let hangul = "\u{d55c}".repeat(100);
        assert!(!StrData::has_lone_surrogate(hangul.as_bytes()));
        for at in [0, 1, 62, 63, 64, 65, 190, 299] {
            let mut b = "a".repeat(300).into_bytes();
            b.splice(at..at, [0xed, 0xa0, 0xbd]);
            assert!(StrData::has_lone_surrogate(&b), "at {at}");
        }
    }
}
