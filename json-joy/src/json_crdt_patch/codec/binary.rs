//! The patch binary format (JS `json-crdt-patch/codec/binary`):
//!
//! ```text
//! vu57 sid, vu57 time            id of the first op
//! cbor undefined | [meta]        metadata
//! vu57 op count, then per op:    opcode byte (opcode << 3 | small length), ...
//! ```
//!
//! Op ids are not stored: they follow from the header time, each op taking its span.
//! Other ids are `b1vu56(0, time)` in the patch session or `b1vu56(1, time), vu57 sid`.

use super::super::builder::PatchBuilder;
use super::super::clock::{Timespan, Timestamp};
use super::super::operations::{ConValue, Op};
use super::super::patch::Patch;
use super::super::util::binary::{CrdtReader, CrdtWriter, ReadError};
use crate::json_pack::PackValue;

/// Why bytes are not a patch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchDecodeError {
    #[error("patch ends early")]
    Truncated,
    #[error("bad CBOR in patch: {0}")]
    Cbor(#[from] crate::json_pack::cbor::CborError),
    #[error("unknown patch opcode {0}")]
    UnknownOpcode(u8),
    #[error("operation {0} inserts nothing")]
    EmptyInsert(&'static str),
    #[error("ins_vec index is not a byte-sized integer")]
    BadVecIndex,
    #[error("clock overflows")]
    ClockOverflow,
}

impl From<ReadError> for PatchDecodeError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Truncated => PatchDecodeError::Truncated,
            ReadError::Cbor(c) => PatchDecodeError::Cbor(c),
        }
    }
}

/// Largest time the codec accepts; keeps every tick far from `u64` overflow.
const MAX_TIME: u64 = 1 << 57;

impl Patch {
    /// JS `patch.toBinary()`. An empty patch (which JS cannot encode) is written with
    /// id `0.0`.
    pub fn to_binary(&self) -> Vec<u8> {
        let mut w = CrdtWriter::with_capacity(self.binary_size_hint());
        encode_into(&mut w, self);
        w.out
    }

    /// JS `Patch.fromBinary(bytes)`.
    pub fn from_binary(data: &[u8]) -> Result<Patch, PatchDecodeError> {
        decode(data)
    }

    fn binary_size_hint(&self) -> usize {
        16 + self
            .ops
            .iter()
            .map(|op| match op {
                Op::InsStr { data, .. } => data.len() + 12,
                Op::InsBin { data, .. } => data.len() + 12,
                Op::InsArr { data, .. } => data.len() * 2 + 12,
                Op::InsObj { data, .. } => data.len() * 12 + 8,
                _ => 6,
            })
            .sum::<usize>()
    }
}

/// Appends the binary form of `patch` to `w` (reuse one writer across patches).
pub fn encode_into(w: &mut CrdtWriter, patch: &Patch) {
    let id = patch.id().unwrap_or(Timestamp::new(0, 0));
    let sid = id.sid;
    w.vu57(sid);
    w.vu57(id.time);
    match &patch.meta {
        None => w.u8(0xf7),
        Some(m) => {
            w.u8(0x81);
            w.cbor(m);
        }
    }
    w.vu57(patch.ops.len() as u64);
    for op in &patch.ops {
        encode_op(w, sid, op);
    }
}

#[inline]
fn write_ts(w: &mut CrdtWriter, sid: u64, ts: Timestamp) {
    if ts.sid == sid {
        w.b1vu56(false, ts.time);
    } else {
        w.b1vu56(true, ts.time);
        w.vu57(ts.sid);
    }
}

/// Opcode byte with the length packed in the low 3 bits when it is 1..=7.
///
/// A zero length goes after the opcode as `vu57(0)`: a zero in the low bits means
/// "length follows", so JS's `overlay + 0` would not decode (see DIVERGENCE.md).
#[inline]
fn write_op_len(w: &mut CrdtWriter, overlay: u8, len: u64) {
    if (1..=7).contains(&len) {
        w.u8(overlay + len as u8);
    } else {
        w.u8(overlay);
        w.vu57(len);
    }
}

fn encode_op(w: &mut CrdtWriter, sid: u64, op: &Op) {
    match op {
        Op::NewCon { val, .. } => match val {
            ConValue::Ref(ts) => {
                w.u8(1);
                write_ts(w, sid, *ts);
            }
            ConValue::Val(v) => {
                w.u8(0);
                w.cbor(v);
            }
        },
        Op::NewVal { .. } => w.u8(8),
        Op::NewObj { .. } => w.u8(16),
        Op::NewVec { .. } => w.u8(24),
        Op::NewStr { .. } => w.u8(32),
        Op::NewBin { .. } => w.u8(40),
        Op::NewArr { .. } => w.u8(48),
        Op::InsVal { obj, val, .. } => {
            w.u8(72);
            write_ts(w, sid, *obj);
            write_ts(w, sid, *val);
        }
        Op::InsObj { obj, data, .. } => {
            write_op_len(w, 80, data.len() as u64);
            write_ts(w, sid, *obj);
            for (k, v) in data {
                w.cbor_str(k);
                write_ts(w, sid, *v);
            }
        }
        Op::InsVec { obj, data, .. } => {
            write_op_len(w, 88, data.len() as u64);
            write_ts(w, sid, *obj);
            for (i, v) in data {
                // The decoder (JS's too) reads the index as CBOR: a bare byte is a
                // CBOR integer only below 24, so larger indexes get their 0x18 prefix.
                if *i >= 24 {
                    w.u8(0x18);
                }
                w.u8(*i);
                write_ts(w, sid, *v);
            }
        }
        Op::InsStr {
            obj, after, data, ..
        } => {
            // The length is the UTF-8 byte count, known up front in Rust.
            write_op_len(w, 96, data.len() as u64);
            write_ts(w, sid, *obj);
            write_ts(w, sid, *after);
            w.utf8(data);
        }
        Op::InsBin {
            obj, after, data, ..
        } => {
            write_op_len(w, 104, data.len() as u64);
            write_ts(w, sid, *obj);
            write_ts(w, sid, *after);
            w.buf(data);
        }
        Op::InsArr {
            obj, after, data, ..
        } => {
            write_op_len(w, 112, data.len() as u64);
            write_ts(w, sid, *obj);
            write_ts(w, sid, *after);
            for v in data {
                write_ts(w, sid, *v);
            }
        }
        Op::UpdArr {
            obj, after, val, ..
        } => {
            w.u8(120);
            write_ts(w, sid, *obj);
            write_ts(w, sid, *after);
            write_ts(w, sid, *val);
        }
        Op::Del { obj, what, .. } => {
            write_op_len(w, 128, what.len() as u64);
            write_ts(w, sid, *obj);
            for s in what {
                write_ts(w, sid, s.start());
                w.vu57(s.span);
            }
        }
        Op::Nop { len, .. } => write_op_len(w, 136, *len),
    }
}

struct PatchDecoder<'a> {
    r: CrdtReader<'a>,
    sid: u64,
    b: PatchBuilder,
}

/// Decodes a patch; ops get consecutive ids from the header as JS assigns them.
pub fn decode(data: &[u8]) -> Result<Patch, PatchDecodeError> {
    let mut r = CrdtReader::new(data);
    let sid = r.vu57()?;
    let time = r.vu57()?;
    if time > MAX_TIME {
        return Err(PatchDecodeError::ClockOverflow);
    }
    let meta = match r.cbor()? {
        // JS keeps `map[0]`; an empty array leaves the meta undefined.
        PackValue::Array(mut a) if !a.is_empty() => Some(a.swap_remove(0)),
        _ => None,
    };
    let mut d = PatchDecoder {
        r,
        sid,
        b: PatchBuilder::new(sid, time),
    };
    d.b.patch.meta = meta;
    let count = d.r.vu57()?;
    // Every op takes at least one byte, so a count beyond the input is truncated.
    if count > d.r.remaining() as u64 {
        return Err(PatchDecodeError::Truncated);
    }
    d.b.patch.ops.reserve(count as usize);
    for _ in 0..count {
        d.op()?;
        // The next free tick must stay writable as a `vu57`.
        if d.b.clock.time >= MAX_TIME {
            return Err(PatchDecodeError::ClockOverflow);
        }
    }
    Ok(d.b.patch)
}

impl PatchDecoder<'_> {
    #[inline]
    fn ts(&mut self) -> Result<Timestamp, PatchDecodeError> {
        let (other, time) = self.r.b1vu56()?;
        let sid = if other { self.r.vu57()? } else { self.sid };
        Ok(Timestamp::new(sid, time))
    }

    /// Small length from the opcode byte, else a `vu57` after it.
    #[inline]
    fn len(&mut self, octet: u8) -> Result<u64, PatchDecodeError> {
        match octet & 7 {
            0 => Ok(self.r.vu57()?),
            n => Ok(u64::from(n)),
        }
    }

    /// A count of items that each take at least `min` bytes, checked against the input.
    #[inline]
    fn count(&mut self, octet: u8, min: u64) -> Result<usize, PatchDecodeError> {
        let n = self.len(octet)?;
        if n.saturating_mul(min) > self.r.remaining() as u64 {
            return Err(PatchDecodeError::Truncated);
        }
        Ok(n as usize)
    }

    fn op(&mut self) -> Result<(), PatchDecodeError> {
        let octet = self.r.u8()?;
        match octet >> 3 {
            0 => {
                if octet & 7 == 0 {
                    let v = self.r.cbor()?;
                    self.b.con(v);
                } else {
                    let ts = self.ts()?;
                    self.b.con_ref(ts);
                }
            }
            1 => {
                self.b.val();
            }
            2 => {
                self.b.obj();
            }
            3 => {
                self.b.vec();
            }
            4 => {
                self.b.str();
            }
            5 => {
                self.b.bin();
            }
            6 => {
                self.b.arr();
            }
            9 => {
                let obj = self.ts()?;
                let val = self.ts()?;
                self.b.set_val(obj, val);
            }
            10 => self.ins_obj(octet)?,
            11 => self.ins_vec(octet)?,
            12 => {
                let n = self.len(octet)?;
                let obj = self.ts()?;
                let after = self.ts()?;
                let s = self.r.utf8(n)?;
                self.b
                    .ins_str(obj, after, s)
                    .map_err(|_| PatchDecodeError::EmptyInsert("ins_str"))?;
            }
            13 => {
                let n = self.len(octet)?;
                let obj = self.ts()?;
                let after = self.ts()?;
                let data = self.r.buf(n)?.to_vec();
                self.b
                    .ins_bin(obj, after, data)
                    .map_err(|_| PatchDecodeError::EmptyInsert("ins_bin"))?;
            }
            14 => {
                let n = self.count(octet, 1)?;
                let obj = self.ts()?;
                let after = self.ts()?;
                let mut data = Vec::with_capacity(n);
                for _ in 0..n {
                    data.push(self.ts()?);
                }
                if data.is_empty() {
                    self.b.ins_arr_empty(obj, after);
                } else {
                    self.b.ins_arr(obj, after, data);
                }
            }
            15 => {
                let obj = self.ts()?;
                let after = self.ts()?;
                let val = self.ts()?;
                self.b.upd_arr(obj, after, val);
            }
            16 => {
                let n = self.count(octet, 2)?;
                let obj = self.ts()?;
                let mut what = Vec::with_capacity(n);
                for _ in 0..n {
                    let start = self.ts()?;
                    let span = self.r.vu57()?;
                    what.push(Timespan::new(start.sid, start.time, span));
                }
                self.b.del(obj, what);
            }
            17 => {
                let n = self.len(octet)?;
                if n > MAX_TIME {
                    return Err(PatchDecodeError::ClockOverflow);
                }
                self.b.nop(n);
            }
            _ => return Err(PatchDecodeError::UnknownOpcode(octet)),
        }
        Ok(())
    }

    fn ins_obj(&mut self, octet: u8) -> Result<(), PatchDecodeError> {
        let n = self.count(octet, 2)?;
        let obj = self.ts()?;
        let mut data = Vec::with_capacity(n);
        for _ in 0..n {
            // JS skips an entry whose key is not a string (and does not read its id).
            if let PackValue::Str(k) = self.r.cbor()? {
                let v = self.ts()?;
                data.push((k, v));
            }
        }
        self.b
            .ins_obj(obj, data)
            .map_err(|_| PatchDecodeError::EmptyInsert("ins_obj"))?;
        Ok(())
    }

    fn ins_vec(&mut self, octet: u8) -> Result<(), PatchDecodeError> {
        let n = self.count(octet, 2)?;
        let obj = self.ts()?;
        let mut data = Vec::with_capacity(n);
        for _ in 0..n {
            let idx = match self.r.cbor()? {
                PackValue::Int(i) => u8::try_from(i).map_err(|_| PatchDecodeError::BadVecIndex)?,
                PackValue::Float(_) | PackValue::UInt(_) => {
                    return Err(PatchDecodeError::BadVecIndex);
                }
                _ => continue,
            };
            let v = self.ts()?;
            data.push((idx, v));
        }
        self.b
            .ins_vec(obj, data)
            .map_err(|_| PatchDecodeError::EmptyInsert("ins_vec"))?;
        Ok(())
    }
}
