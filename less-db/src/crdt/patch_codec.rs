//! Interim local encoding of one patch inside the pending-patch log.
//!
//! The log is local state (never sent to another replica: sync ships whole model
//! binaries), so its entry format only has to round-trip. This compact tagged encoding
//! stands in until json-joy's binary patch codec (`Patch::to_binary`) is available;
//! swapping it in changes only [`encode_patch`] and [`decode_patch`].
//!
//! Decoding checks every length against the bytes present and bounds nesting, so
//! hostile input is an error, never a panic or a large allocation.

use json_joy::json_crdt_patch::clock::{Timespan, Timestamp};
use json_joy::json_crdt_patch::{ConValue, Op, Patch};
use json_joy::json_pack::PackValue;

/// Deepest nesting of constant values accepted when decoding.
const MAX_DEPTH: usize = 64;

pub(crate) fn encode_patch(patch: &Patch) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(16 * patch.ops.len() + 8));
    w.uint(patch.ops.len() as u64);
    for op in &patch.ops {
        w.op(op);
    }
    match &patch.meta {
        None => w.0.push(0),
        Some(m) => {
            w.0.push(1);
            w.pack(m);
        }
    }
    w.0
}

pub(crate) fn decode_patch(bytes: &[u8]) -> Result<Patch, String> {
    let mut r = Reader { b: bytes, pos: 0 };
    let count = r.len()?;
    let mut ops = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        ops.push(r.op()?);
    }
    let meta = match r.byte()? {
        0 => None,
        1 => Some(r.pack(0)?),
        t => return Err(format!("bad meta tag {t}")),
    };
    if r.pos != bytes.len() {
        return Err("trailing bytes after patch".into());
    }
    Ok(Patch { ops, meta })
}

struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn ts(&mut self, t: Timestamp) {
        self.uint(t.sid);
        self.uint(t.time);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.uint(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::NewCon { id, val } => {
                self.0.push(0);
                self.ts(*id);
                match val {
                    ConValue::Val(v) => {
                        self.0.push(0);
                        self.pack(v);
                    }
                    ConValue::Ref(t) => {
                        self.0.push(1);
                        self.ts(*t);
                    }
                }
            }
            Op::NewVal { id } => self.tag_ts(1, *id),
            Op::NewObj { id } => self.tag_ts(2, *id),
            Op::NewVec { id } => self.tag_ts(3, *id),
            Op::NewStr { id } => self.tag_ts(4, *id),
            Op::NewBin { id } => self.tag_ts(5, *id),
            Op::NewArr { id } => self.tag_ts(6, *id),
            Op::InsVal { id, obj, val } => {
                self.tag_ts(7, *id);
                self.ts(*obj);
                self.ts(*val);
            }
            Op::InsObj { id, obj, data } => {
                self.tag_ts(8, *id);
                self.ts(*obj);
                self.uint(data.len() as u64);
                for (k, v) in data {
                    self.bytes(k.as_bytes());
                    self.ts(*v);
                }
            }
            Op::InsVec { id, obj, data } => {
                self.tag_ts(9, *id);
                self.ts(*obj);
                self.uint(data.len() as u64);
                for (i, v) in data {
                    self.0.push(*i);
                    self.ts(*v);
                }
            }
            Op::InsStr {
                id,
                obj,
                after,
                data,
            } => {
                self.tag_ts(10, *id);
                self.ts(*obj);
                self.ts(*after);
                self.bytes(data.as_bytes());
            }
            Op::InsBin {
                id,
                obj,
                after,
                data,
            } => {
                self.tag_ts(11, *id);
                self.ts(*obj);
                self.ts(*after);
                self.bytes(data);
            }
            Op::InsArr {
                id,
                obj,
                after,
                data,
            } => {
                self.tag_ts(12, *id);
                self.ts(*obj);
                self.ts(*after);
                self.uint(data.len() as u64);
                data.iter().for_each(|t| self.ts(*t));
            }
            Op::UpdArr {
                id,
                obj,
                after,
                val,
            } => {
                self.tag_ts(13, *id);
                self.ts(*obj);
                self.ts(*after);
                self.ts(*val);
            }
            Op::Del { id, obj, what } => {
                self.tag_ts(14, *id);
                self.ts(*obj);
                self.uint(what.len() as u64);
                for s in what {
                    self.uint(s.sid);
                    self.uint(s.time);
                    self.uint(s.span);
                }
            }
            Op::Nop { id, len } => {
                self.tag_ts(15, *id);
                self.uint(*len);
            }
        }
    }

    fn tag_ts(&mut self, tag: u8, id: Timestamp) {
        self.0.push(tag);
        self.ts(id);
    }

    fn pack(&mut self, v: &PackValue) {
        match v {
            PackValue::Null => self.0.push(0),
            PackValue::Undefined => self.0.push(1),
            PackValue::Bool(b) => self.0.push(if *b { 3 } else { 2 }),
            PackValue::Int(i) => {
                self.0.push(4);
                // Zig-zag so small negative numbers stay short.
                self.uint(((*i << 1) ^ (*i >> 63)) as u64);
            }
            PackValue::UInt(u) => {
                self.0.push(5);
                self.uint(*u);
            }
            PackValue::Float(f) => {
                self.0.push(6);
                self.0.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            PackValue::Str(s) => {
                self.0.push(7);
                self.bytes(s.as_bytes());
            }
            PackValue::Bytes(b) => {
                self.0.push(8);
                self.bytes(b);
            }
            PackValue::Array(items) => {
                self.0.push(9);
                self.uint(items.len() as u64);
                items.iter().for_each(|x| self.pack(x));
            }
            PackValue::Object(entries) => {
                self.0.push(10);
                self.uint(entries.len() as u64);
                for (k, x) in entries {
                    self.bytes(k.as_bytes());
                    self.pack(x);
                }
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let v = *self.b.get(self.pos).ok_or("unexpected end of patch")?;
        self.pos += 1;
        Ok(v)
    }

    fn uint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    /// A count of items that each take at least one byte: never more than what is left.
    fn len(&mut self) -> Result<usize, String> {
        let n = self.uint()?;
        let left = (self.b.len() - self.pos) as u64;
        if n > left {
            return Err(format!("count {n} exceeds the {left} bytes left"));
        }
        Ok(n as usize)
    }

    fn ts(&mut self) -> Result<Timestamp, String> {
        Ok(Timestamp::new(self.uint()?, self.uint()?))
    }

    fn raw(&mut self) -> Result<&[u8], String> {
        let n = self.len()?;
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn string(&mut self) -> Result<String, String> {
        let raw = self.raw()?;
        std::str::from_utf8(raw)
            .map(str::to_owned)
            .map_err(|_| "invalid UTF-8 in patch".to_string())
    }

    fn op(&mut self) -> Result<Op, String> {
        let tag = self.byte()?;
        let id = self.ts()?;
        Ok(match tag {
            0 => Op::NewCon {
                id,
                val: match self.byte()? {
                    0 => ConValue::Val(self.pack(0)?),
                    1 => ConValue::Ref(self.ts()?),
                    t => return Err(format!("bad con tag {t}")),
                },
            },
            1 => Op::NewVal { id },
            2 => Op::NewObj { id },
            3 => Op::NewVec { id },
            4 => Op::NewStr { id },
            5 => Op::NewBin { id },
            6 => Op::NewArr { id },
            7 => Op::InsVal {
                id,
                obj: self.ts()?,
                val: self.ts()?,
            },
            8 => {
                let obj = self.ts()?;
                let n = self.len()?;
                let mut data = Vec::with_capacity(n);
                for _ in 0..n {
                    data.push((self.string()?, self.ts()?));
                }
                Op::InsObj { id, obj, data }
            }
            9 => {
                let obj = self.ts()?;
                let n = self.len()?;
                let mut data = Vec::with_capacity(n);
                for _ in 0..n {
                    data.push((self.byte()?, self.ts()?));
                }
                Op::InsVec { id, obj, data }
            }
            10 => Op::InsStr {
                id,
                obj: self.ts()?,
                after: self.ts()?,
                data: self.string()?,
            },
            11 => Op::InsBin {
                id,
                obj: self.ts()?,
                after: self.ts()?,
                data: self.raw()?.to_vec(),
            },
            12 => {
                let obj = self.ts()?;
                let after = self.ts()?;
                let n = self.len()?;
                let mut data = Vec::with_capacity(n);
                for _ in 0..n {
                    data.push(self.ts()?);
                }
                Op::InsArr {
                    id,
                    obj,
                    after,
                    data,
                }
            }
            13 => Op::UpdArr {
                id,
                obj: self.ts()?,
                after: self.ts()?,
                val: self.ts()?,
            },
            14 => {
                let obj = self.ts()?;
                let n = self.len()?;
                let mut what = Vec::with_capacity(n);
                for _ in 0..n {
                    what.push(Timespan::new(self.uint()?, self.uint()?, self.uint()?));
                }
                Op::Del { id, obj, what }
            }
            15 => Op::Nop {
                id,
                len: self.uint()?,
            },
            t => return Err(format!("unknown operation tag {t}")),
        })
    }

    fn pack(&mut self, depth: usize) -> Result<PackValue, String> {
        if depth > MAX_DEPTH {
            return Err("constant nested too deeply".into());
        }
        Ok(match self.byte()? {
            0 => PackValue::Null,
            1 => PackValue::Undefined,
            2 => PackValue::Bool(false),
            3 => PackValue::Bool(true),
            4 => {
                let z = self.uint()?;
                PackValue::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            5 => PackValue::UInt(self.uint()?),
            6 => {
                let end = self.pos + 8;
                let raw = self.b.get(self.pos..end).ok_or("truncated float")?;
                let mut a = [0u8; 8];
                a.copy_from_slice(raw);
                self.pos = end;
                PackValue::Float(f64::from_bits(u64::from_le_bytes(a)))
            }
            7 => PackValue::Str(self.string()?),
            8 => PackValue::Bytes(self.raw()?.to_vec()),
            9 => {
                let n = self.len()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.pack(depth + 1)?);
                }
                PackValue::Array(items)
            }
            10 => {
                let n = self.len()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    entries.push((self.string()?, self.pack(depth + 1)?));
                }
                PackValue::Object(entries)
            }
            t => Err(format!("unknown constant tag {t}"))?,
        })
    }
}
