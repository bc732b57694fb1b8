//! The structural binary model codec (JS `json-crdt/codec/structural/binary`): the
//! document tree, node by node, with ids relative to a clock table (logical clock) or
//! plain sequence numbers (server clock).

use super::cbor;
use super::wire::{Reader, write_wtf8_str};
use crate::json_crdt::model::{MAX_DEPTH, Model, ModelClock};
use crate::json_crdt::nodes::{ConNode, Node, ObjNode, ValNode, VecNode};
use crate::json_crdt::rga::{Chunk, Rga};
use crate::json_crdt::str_data::StrData;
use crate::json_crdt_patch::clock::{ORIGIN, SERVER_SESSION, Timestamp};
use crate::json_crdt_patch::operations::ConValue;
use crate::json_crdt_patch::util::binary::{write_b1vu56, write_id, write_vu57};

/// Why a binary model could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("model binary is truncated")]
    Truncated,
    #[error("invalid clock table")]
    ClockTable,
    #[error("id refers to an unknown clock table entry")]
    UnknownSession,
    #[error("id time is out of range")]
    TimeRange,
    #[error("unknown node type")]
    UnknownNode,
    #[error("invalid CBOR value")]
    Cbor,
    #[error("document nesting is deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("duplicate chunk id")]
    DuplicateChunk,
    #[error("duplicate node id")]
    DuplicateNode,
    /// A server-clock node at time 0 as the root or in a `vec` slot is written as a
    /// single zero byte, which reads back as "empty" (JS reads it so too): such bytes
    /// only come from a non-canonical encoding and are refused so that decoding and
    /// encoding agree.
    #[error("server-clock node at time 0 where a zero byte means empty")]
    ServerTimeZero,
}

const MAX_TIME: u64 = (1 << 53) - 1;

/// Encodes `model` (JS `Encoder.encode` / `model.toBinary()`).
pub fn encode(model: &Model) -> Vec<u8> {
    let mut enc = Encoder {
        out: Vec::with_capacity(256),
        model,
        table: Vec::new(),
        last_sid: model.clock.sid,
        last_index: 1,
        server: model.clock.server,
        depth: 0,
    };
    if enc.server {
        enc.out.push(0x80);
        write_vu57(&mut enc.out, model.clock.time);
        enc.root();
        return enc.out;
    }
    enc.table
        .push((model.clock.sid, model.clock.time.saturating_sub(1)));
    enc.out.extend_from_slice(&[0; 4]);
    enc.root();
    let len = (enc.out.len() - 4) as u32;
    enc.out[0..4].copy_from_slice(&len.to_be_bytes());
    write_vu57(&mut enc.out, enc.table.len() as u64);
    for &(sid, time) in &enc.table {
        write_vu57(&mut enc.out, sid);
        write_vu57(&mut enc.out, time);
    }
    enc.out
}

struct Encoder<'a> {
    out: Vec<u8>,
    model: &'a Model,
    table: Vec<(u64, u64)>,
    last_sid: u64,
    last_index: usize,
    server: bool,
    depth: usize,
}

impl Encoder<'_> {
    fn ts(&mut self, ts: Timestamp) {
        if self.server {
            write_vu57(&mut self.out, ts.time);
            return;
        }
        let found = if self.last_sid == ts.sid {
            Some(self.last_index)
        } else {
            self.table.iter().position(|e| e.0 == ts.sid).map(|i| i + 1)
        };
        let index = match found {
            Some(i) => i,
            None => {
                let clock = &self.model.clock;
                let time = clock
                    .peers
                    .get(&ts.sid)
                    .copied()
                    .unwrap_or(clock.time.saturating_sub(1));
                self.table.push((ts.sid, time));
                self.table.len()
            }
        };
        self.last_sid = ts.sid;
        self.last_index = index;
        let diff = self.table[index - 1].1.saturating_sub(ts.time);
        write_id(&mut self.out, index as u64, diff);
    }

    fn root(&mut self) {
        if self.model.root.sid == 0 {
            self.out.push(0);
        } else {
            self.node(self.model.root);
        }
    }

    fn write_tl(&mut self, overlay: u8, len: usize) {
        if len < 31 {
            self.out.push(overlay | len as u8);
        } else {
            self.out.push(overlay | 31);
            write_vu57(&mut self.out, len as u64);
        }
    }

    /// Writes the node `id`; a missing node writes nothing, as in JS. Nesting past
    /// [`MAX_DEPTH`] (only reachable through hostile input) is cut off the same way.
    fn node(&mut self, id: Timestamp) {
        if self.depth > MAX_DEPTH {
            return;
        }
        let Some(node) = self.model.index.get(&id) else {
            return;
        };
        self.depth += 1;
        self.node_body(node);
        self.depth -= 1;
    }

    fn node_body(&mut self, node: &Node) {
        match node {
            Node::Con(n) => {
                self.ts(n.id);
                match &n.val {
                    ConValue::Ref(r) => {
                        self.out.push(1);
                        self.ts(*r);
                    }
                    ConValue::Val(v) => {
                        self.out.push(0);
                        cbor::write_any(&mut self.out, v);
                    }
                }
            }
            Node::Val(n) => {
                self.ts(n.id);
                self.out.push(0x20);
                if n.val.sid == 0 {
                    // JS writes its shared `undefined` constant with id (0, 0).
                    self.ts(ORIGIN);
                    self.out.extend_from_slice(&[0, 0xf7]);
                } else {
                    self.node(n.val);
                }
            }
            Node::Obj(n) => {
                self.ts(n.id);
                self.write_tl(0x40, n.entries().len());
                for (k, v) in n.entries() {
                    cbor::write_str(&mut self.out, k);
                    self.node(*v);
                }
            }
            Node::Vec(n) => {
                self.ts(n.id);
                self.write_tl(0x60, n.elements.len());
                for e in &n.elements {
                    match e {
                        None => self.out.push(0),
                        Some(e) => self.node(*e),
                    }
                }
            }
            Node::Str(n) => {
                self.ts(n.id);
                self.write_tl(0x80, n.chunk_count());
                for c in n.chunks() {
                    self.ts(c.id);
                    if c.del {
                        cbor::write_uint(&mut self.out, c.span);
                    } else {
                        write_wtf8_str(&mut self.out, c.data.as_bytes(), c.span);
                    }
                }
            }
            Node::Bin(n) => {
                self.ts(n.id);
                self.write_tl(0xa0, n.chunk_count());
                for c in n.chunks() {
                    self.ts(c.id);
                    write_b1vu56(&mut self.out, c.del, c.span);
                    if !c.del {
                        self.out.extend_from_slice(&c.data);
                    }
                }
            }
            Node::Arr(n) => {
                self.ts(n.id);
                self.write_tl(0xc0, n.chunk_count());
                for c in n.chunks() {
                    self.ts(c.id);
                    write_b1vu56(&mut self.out, c.del, c.span);
                    if !c.del {
                        for e in &c.data {
                            self.node(*e);
                        }
                    }
                }
            }
        }
    }
}

/// Decodes a binary model (JS `Model.fromBinary`). Never panics on bad input.
pub fn decode(data: &[u8]) -> Result<Model, DecodeError> {
    let mut r = Reader::new(data);
    let first = r.peek()?;
    let mut dec = if first & 0x80 != 0 {
        r.x += 1;
        let time = r.vu57()?;
        Decoder {
            r,
            table: Vec::new(),
            server: true,
            model: Model::with_clock(ModelClock::server(time)),
        }
    } else {
        let (table, clock) = decode_clock_table(&mut r)?;
        Decoder {
            r,
            table,
            server: false,
            model: Model::with_clock(clock),
        }
    };
    if dec.r.peek()? != 0 {
        // Size the table from the input (never from a count in it). Structured data
        // averages well under 48 bytes a node, so large documents get one table and
        // no rehashing; small ones keep a 1,024-entry cap on the denser guess so
        // text-heavy ones do not over-allocate.
        let dense = (data.len() / 16).min(1024);
        dec.model.index.reserve(dense.max(data.len() / 48));
        let root = dec.node(0)?;
        if dec.server && root.time == 0 {
            return Err(DecodeError::ServerTimeZero);
        }
        dec.model.root = root;
    }
    Ok(dec.model)
}

fn decode_clock_table(r: &mut Reader<'_>) -> Result<(Vec<Timestamp>, ModelClock), DecodeError> {
    let offset = u64::from(r.u32()?);
    let start = r.x;
    r.bytes(offset)?;
    let len = r.vu57()?;
    if len == 0 {
        return Err(DecodeError::ClockTable);
    }
    let sid = r.vu57()?;
    let time = r.vu57()?;
    if time >= MAX_TIME {
        return Err(DecodeError::ClockTable);
    }
    let mut clock = ModelClock::logical(sid, time + 1);
    let mut table = vec![Timestamp::new(sid, time)];
    for _ in 1..len {
        let sid = r.vu57()?;
        let time = r.vu57()?;
        if time >= MAX_TIME {
            return Err(DecodeError::ClockTable);
        }
        let _ = clock.observe(Timestamp::new(sid, time), 1);
        table.push(Timestamp::new(sid, time));
    }
    r.x = start;
    Ok((table, clock))
}

struct Decoder<'a> {
    r: Reader<'a>,
    table: Vec<Timestamp>,
    server: bool,
    model: Model,
}

impl Decoder<'_> {
    fn ts(&mut self) -> Result<Timestamp, DecodeError> {
        if self.server {
            let t = self.r.vu57()?;
            return Ok(Timestamp::new(SERVER_SESSION, t));
        }
        let (index, diff) = self.r.id()?;
        if index == 0 {
            // Session 0 is written relative to the time the encoder gives it (as JS
            // does); a later time could not be written back, so it is out of range.
            let clock = &self.model.clock;
            let bound = clock
                .peers
                .get(&0)
                .copied()
                .unwrap_or(clock.time.saturating_sub(1));
            if diff > bound {
                return Err(DecodeError::TimeRange);
            }
            return Ok(Timestamp::new(0, diff));
        }
        let entry = usize::try_from(index - 1)
            .ok()
            .and_then(|i| self.table.get(i))
            .ok_or(DecodeError::UnknownSession)?;
        let time = entry.time.checked_sub(diff).ok_or(DecodeError::TimeRange)?;
        Ok(Timestamp::new(entry.sid, time))
    }

    fn len(&mut self, minor: u8) -> Result<u64, DecodeError> {
        if minor != 31 {
            Ok(u64::from(minor))
        } else {
            self.r.vu57()
        }
    }

    /// Decodes one node and its subtree; returns its id.
    fn node(&mut self, depth: usize) -> Result<Timestamp, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        let id = self.ts()?;
        let octet = self.r.u8()?;
        let minor = octet & 31;
        let node = match octet >> 5 {
            0 => {
                let val = if minor == 0 {
                    ConValue::Val(cbor::read_any(&mut self.r, depth + 1)?)
                } else {
                    ConValue::Ref(self.ts()?)
                };
                Node::Con(ConNode { id, val })
            }
            1 => {
                let child = self.node(depth + 1)?;
                Node::Val(ValNode { id, val: child })
            }
            2 => {
                let n = self.len(minor)?;
                let mut obj = ObjNode::with_capacity(id, self.r.capacity_hint(n));
                for _ in 0..n {
                    let key = cbor::read_key(&mut self.r, depth + 1)?;
                    let child = self.node(depth + 1)?;
                    obj.push_decoded(key, child);
                }
                Node::Obj(Box::new(obj))
            }
            3 => {
                let n = self.len(minor)?;
                let mut elements = Vec::with_capacity(self.r.capacity_hint(n));
                for _ in 0..n {
                    if self.r.peek()? == 0 {
                        self.r.x += 1;
                        elements.push(None);
                    } else {
                        let e = self.node(depth + 1)?;
                        if self.server && e.time == 0 {
                            return Err(DecodeError::ServerTimeZero);
                        }
                        elements.push(Some(e));
                    }
                }
                Node::Vec(VecNode { id, elements })
            }
            4 => {
                let n = self.len(minor)?;
                let mut rga = Rga::new(id);
                for _ in 0..n {
                    let cid = self.ts()?;
                    let chunk = if let Some(bytes) = cbor::read_str_bytes(&mut self.r)? {
                        Chunk::decoded(cid, 0, Some(StrData::from_wire(bytes)))
                    } else {
                        let span = cbor::read_uint(&mut self.r)?;
                        Chunk::decoded(cid, check_span(cid, span)?, None)
                    };
                    push_chunk(&mut rga, chunk)?;
                }
                rga.relink_splits();
                Node::Str(Box::new(rga))
            }
            5 => {
                let n = self.len(minor)?;
                let mut rga = Rga::new(id);
                for _ in 0..n {
                    let cid = self.ts()?;
                    let (del, span) = self.r.b1vu56()?;
                    let span = check_span(cid, span)?;
                    let data = if del {
                        None
                    } else {
                        Some(self.r.bytes(span)?.to_vec())
                    };
                    push_chunk(&mut rga, Chunk::decoded(cid, span, data))?;
                }
                rga.relink_splits();
                Node::Bin(Box::new(rga))
            }
            6 => {
                let n = self.len(minor)?;
                let mut rga = Rga::new(id);
                for _ in 0..n {
                    let cid = self.ts()?;
                    let (del, span) = self.r.b1vu56()?;
                    let span = check_span(cid, span)?;
                    let data = if del {
                        None
                    } else {
                        let mut ids = Vec::with_capacity(self.r.capacity_hint(span));
                        for _ in 0..span {
                            ids.push(self.node(depth + 1)?);
                        }
                        Some(ids)
                    };
                    push_chunk(&mut rga, Chunk::decoded(cid, span, data))?;
                }
                rga.relink_splits();
                Node::Arr(Box::new(rga))
            }
            _ => return Err(DecodeError::UnknownNode),
        };
        // Session 0 only names JS's shared `undefined` constant (0, 0); other nodes
        // there are invisible to the view and cannot be written back faithfully.
        let undefined = matches!(&node, Node::Con(c) if matches!(c.val, ConValue::Val(crate::json_pack::PackValue::Undefined)));
        if id.sid == 0 && !(id.time == 0 && undefined) {
            return Err(DecodeError::UnknownSession);
        }
        if self.model.index.insert(id, node).is_some() {
            return Err(DecodeError::DuplicateNode);
        }
        Ok(id)
    }
}

fn check_span(id: Timestamp, span: u64) -> Result<u64, DecodeError> {
    if id
        .time
        .checked_add(span)
        .is_none_or(|end| end > MAX_TIME + 1)
    {
        return Err(DecodeError::TimeRange);
    }
    Ok(span)
}

fn push_chunk<T: crate::json_crdt::rga::ChunkData>(
    rga: &mut Rga<T>,
    chunk: Chunk<T>,
) -> Result<(), DecodeError> {
    check_span(chunk.id, chunk.span)?;
    if rga.push_decoded(chunk) {
        Ok(())
    } else {
        Err(DecodeError::DuplicateChunk)
    }
}
