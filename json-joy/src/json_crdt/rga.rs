//! The replicated growable array (RGA) behind `str`, `bin` and `arr` nodes.
//!
//! Chunks live in an arena and form a doubly linked list in document order; a
//! `BTreeMap` keyed by chunk id finds the chunk holding a timestamp. Chunk boundaries,
//! tombstone merging and the "split successor" links follow json-joy exactly, because
//! the binary model codec writes one record per chunk and must produce the same bytes.

use std::collections::BTreeMap;

use crate::json_crdt_patch::clock::{Timespan, Timestamp};

const NIL: u32 = u32::MAX;
const IDS_INDEX_AT: usize = 8;

/// Content a chunk holds: UTF-16 code units, bytes or element ids.
pub trait ChunkData: Clone + Default {
    /// Number of clock ticks (units) in this content.
    fn span(&self) -> u64;
    /// Splits off everything from `at` on and returns it.
    fn split_off_at(&mut self, at: usize) -> Self;
    /// Appends `other` at the end.
    fn append_data(&mut self, other: Self);
    /// Whether an empty insert becomes a tombstone (JS: only strings do).
    const EMPTY_IS_TOMBSTONE: bool;
}

impl ChunkData for Vec<u16> {
    fn span(&self) -> u64 {
        self.len() as u64
    }
    fn split_off_at(&mut self, at: usize) -> Self {
        self.split_off(at)
    }
    fn append_data(&mut self, mut other: Self) {
        self.append(&mut other);
    }
    const EMPTY_IS_TOMBSTONE: bool = true;
}

impl ChunkData for Vec<u8> {
    fn span(&self) -> u64 {
        self.len() as u64
    }
    fn split_off_at(&mut self, at: usize) -> Self {
        self.split_off(at)
    }
    fn append_data(&mut self, mut other: Self) {
        self.append(&mut other);
    }
    const EMPTY_IS_TOMBSTONE: bool = false;
}

impl ChunkData for Vec<Timestamp> {
    fn span(&self) -> u64 {
        self.len() as u64
    }
    fn split_off_at(&mut self, at: usize) -> Self {
        self.split_off(at)
    }
    fn append_data(&mut self, mut other: Self) {
        self.append(&mut other);
    }
    const EMPTY_IS_TOMBSTONE: bool = false;
}

/// One run of consecutive ids from one insert (or a piece of it after splits).
#[derive(Debug, Clone)]
pub struct Chunk<T> {
    pub id: Timestamp,
    pub span: u64,
    /// Tombstone: the content was deleted; only `span` is kept.
    pub del: bool,
    /// The content; empty for tombstones.
    pub data: T,
    prev: u32,
    next: u32,
    /// The chunk holding the ids right after this one from the same insert.
    split: u32,
}

impl<T: ChunkData> Chunk<T> {
    fn new(id: Timestamp, data: T) -> Self {
        let span = data.span();
        let del = span == 0 && T::EMPTY_IS_TOMBSTONE;
        Self {
            id,
            span,
            del,
            data,
            prev: NIL,
            next: NIL,
            split: NIL,
        }
    }

    /// A chunk as read from a binary model: content, or a tombstone of `span` ticks.
    pub fn decoded(id: Timestamp, span: u64, data: Option<T>) -> Self {
        match data {
            Some(d) => Self::new(id, d),
            None => Self {
                id,
                span,
                del: true,
                data: T::default(),
                prev: NIL,
                next: NIL,
                split: NIL,
            },
        }
    }

    fn contains(&self, id: Timestamp) -> bool {
        self.id.sid == id.sid && self.id.time <= id.time && id.time < self.id.time + self.span
    }
}

/// A replicated growable array of chunks with content `T`.
#[derive(Debug, Clone)]
pub struct Rga<T> {
    pub id: Timestamp,
    chunks: Vec<Chunk<T>>,
    free: Vec<u32>,
    first: u32,
    last: u32,
    /// Chunk id -> arena index; built only once there are more than
    /// [`IDS_INDEX_AT`] chunks (smaller RGAs are scanned).
    ids: Option<BTreeMap<Timestamp, u32>>,
    /// Number of chunks in the list.
    count: usize,
    /// Visible (non-deleted) length in units.
    len: u64,
}

impl<T: ChunkData> Rga<T> {
    pub fn new(id: Timestamp) -> Self {
        Self {
            id,
            chunks: Vec::new(),
            free: Vec::new(),
            first: NIL,
            last: NIL,
            ids: None,
            count: 0,
            len: 0,
        }
    }

    /// Number of chunks, tombstones included.
    pub fn chunk_count(&self) -> usize {
        self.count
    }

    /// Visible length in units (UTF-16 code units, bytes or elements).
    pub fn length(&self) -> u64 {
        self.len
    }

    /// Chunks in document order, tombstones included.
    pub fn chunks(&self) -> ChunkIter<'_, T> {
        ChunkIter {
            rga: self,
            at: self.first,
        }
    }

    fn c(&self, i: u32) -> &Chunk<T> {
        &self.chunks[i as usize]
    }

    fn cm(&mut self, i: u32) -> &mut Chunk<T> {
        &mut self.chunks[i as usize]
    }

    fn next_of(&self, i: u32) -> Option<u32> {
        let n = self.c(i).next;
        (n != NIL).then_some(n)
    }

    fn prev_of(&self, i: u32) -> Option<u32> {
        let p = self.c(i).prev;
        (p != NIL).then_some(p)
    }

    fn alloc(&mut self, chunk: Chunk<T>) -> u32 {
        if !chunk.del {
            self.len += chunk.span;
        }
        let id = chunk.id;
        let idx = if let Some(i) = self.free.pop() {
            self.chunks[i as usize] = chunk;
            i
        } else {
            self.chunks.push(chunk);
            (self.chunks.len() - 1) as u32
        };
        self.count += 1;
        if let Some(ids) = &mut self.ids {
            ids.insert(id, idx);
        } else if self.count > IDS_INDEX_AT {
            let mut ids: BTreeMap<Timestamp, u32> = BTreeMap::new();
            let mut at = self.first;
            while at != NIL {
                ids.insert(self.c(at).id, at);
                at = self.c(at).next;
            }
            ids.insert(id, idx);
            self.ids = Some(ids);
        }
        idx
    }

    /// Links `idx` into the list after `after` (`NIL` = at the start).
    fn link_after(&mut self, idx: u32, after: u32) {
        let next = if after == NIL {
            self.first
        } else {
            self.c(after).next
        };
        self.cm(idx).prev = after;
        self.cm(idx).next = next;
        if after == NIL {
            self.first = idx;
        } else {
            self.cm(after).next = idx;
        }
        if next == NIL {
            self.last = idx;
        } else {
            self.cm(next).prev = idx;
        }
    }

    fn unlink(&mut self, idx: u32) {
        let (p, n) = (self.c(idx).prev, self.c(idx).next);
        if p == NIL {
            self.first = n;
        } else {
            self.cm(p).next = n;
        }
        if n == NIL {
            self.last = p;
        } else {
            self.cm(n).prev = p;
        }
        let id = self.c(idx).id;
        self.count -= 1;
        if let Some(ids) = &mut self.ids {
            ids.remove(&id);
        }
        let c = self.cm(idx);
        c.data = T::default();
        c.prev = NIL;
        c.next = NIL;
        c.split = NIL;
        self.free.push(idx);
    }

    /// Appends a decoded chunk at the end; call [`Rga::relink_splits`] when done.
    /// Returns false if a chunk with the same id already exists.
    pub fn push_decoded(&mut self, chunk: Chunk<T>) -> bool {
        let known = match &self.ids {
            Some(ids) => ids.contains_key(&chunk.id),
            None => self.chunks().any(|c| c.id == chunk.id),
        };
        if known {
            return false;
        }
        let last = self.last;
        let idx = self.alloc(chunk);
        self.link_after(idx, last);
        true
    }

    /// Rebuilds split-successor links the way JS does when it ingests chunks (after
    /// decoding or cloning): a chunk links to the next chunk in order whose id starts
    /// right where it ends.
    pub fn relink_splits(&mut self) {
        // Most decoded nodes hold one chunk: nothing to link, and no map to build.
        if self.first == NIL || self.c(self.first).next == NIL {
            if self.first != NIL {
                let first = self.first;
                self.cm(first).split = NIL;
            }
            return;
        }
        let mut pending: crate::json_crdt::model::TsMap<u32> = Default::default();
        let mut at = self.first;
        while at != NIL {
            let (id, span) = (self.c(at).id, self.c(at).span);
            if let Some(left) = pending.remove(&id) {
                self.cm(left).split = at;
            }
            self.cm(at).split = NIL;
            pending.insert(id.tick(span), at);
            at = self.c(at).next;
        }
    }

    /// The chunk containing `id`, if any.
    pub fn find_by_id(&self, id: Timestamp) -> Option<u32> {
        match &self.ids {
            Some(ids) => {
                let (_, &idx) = ids.range(..=id).next_back()?;
                self.c(idx).contains(id).then_some(idx)
            }
            None => {
                let mut at = self.first;
                while at != NIL {
                    if self.c(at).contains(id) {
                        return Some(at);
                    }
                    at = self.c(at).next;
                }
                None
            }
        }
    }

    /// Inserts `content` with first id `id` after the unit `after` (the RGA's own id
    /// inserts at the start). Unknown `after` and already-known ids are ignored.
    pub fn ins(&mut self, after: Timestamp, id: Timestamp, content: T) {
        if after == self.id {
            self.ins_after_root(id, content);
            return;
        }
        let Some(at) = self.find_by_id(after) else {
            return;
        };
        let offset = after.time - self.c(at).id.time;
        self.ins_after_chunk(after, at, offset, id, content);
    }

    fn ins_after_root(&mut self, id: Timestamp, content: T) {
        let first = self.first;
        if first == NIL {
            let idx = self.alloc(Chunk::new(id, content));
            self.link_after(idx, NIL);
            return;
        }
        let fid = self.c(first).id;
        if compare(fid, id) == std::cmp::Ordering::Less {
            let idx = self.alloc(Chunk::new(id, content));
            self.link_after(idx, NIL);
        } else {
            if self.c(first).contains(id) {
                return;
            }
            self.insert_after_ref(Chunk::new(id, content), self.id, first);
        }
    }

    fn ins_after_chunk(
        &mut self,
        after: Timestamp,
        at: u32,
        offset: u64,
        id: Timestamp,
        content: T,
    ) {
        let span = self.c(at).span;
        if offset + 1 < span {
            if self.c(at).contains(id) {
                return;
            }
            if id.time > after.time + 1 || id.sid > after.sid {
                self.insert_inside(Chunk::new(id, content), at, offset + 1);
                return;
            }
        }
        self.insert_after_ref(Chunk::new(id, content), after, at);
    }

    fn insert_after_ref(&mut self, chunk: Chunk<T>, after: Timestamp, mut left: u32) {
        let (sid, time) = (chunk.id.sid, chunk.id.time);
        let mut is_split = false;
        let mut split_owner = NIL;
        loop {
            let l = self.c(left);
            let left_next_tick = l.id.time + l.span;
            if l.split == NIL {
                is_split =
                    l.id.sid == sid && left_next_tick == time && left_next_tick - 1 == after.time;
                if is_split {
                    split_owner = left;
                }
            }
            let Some(right) = self.next_of(left) else {
                break;
            };
            let rid = self.c(right).id;
            if rid.time < time {
                break;
            }
            if rid.time == time {
                if rid.sid == sid {
                    return;
                }
                if rid.sid < sid {
                    break;
                }
            }
            left = right;
        }
        if is_split && !self.c(left).del {
            if split_owner != left && split_owner != NIL {
                // JS leaves a link to a chunk that never enters the tree; nothing walks it.
                self.cm(split_owner).split = NIL;
            }
            let add = chunk.span;
            let l = self.cm(left);
            l.data.append_data(chunk.data);
            l.span += add;
            l.split = NIL;
            self.len += add;
        } else {
            let idx = self.alloc(chunk);
            if is_split && split_owner != NIL {
                self.cm(split_owner).split = idx;
            }
            self.link_after(idx, left);
        }
    }

    fn insert_inside(&mut self, chunk: Chunk<T>, at: u32, offset: u64) {
        let at2 = self.split(at, offset);
        let idx = self.alloc(chunk);
        self.link_after(idx, at);
        let _ = at2;
    }

    /// Splits chunk `at` after `ticks` units; returns the right part (linked after it).
    fn split(&mut self, at: u32, ticks: u64) -> u32 {
        let c = self.cm(at);
        let old_split = c.split;
        let right_span = c.span - ticks;
        let right_id = c.id.tick(ticks);
        let del = c.del;
        let right_data = if del {
            T::default()
        } else {
            c.data.split_off_at(ticks as usize)
        };
        c.span = ticks;
        let right = Chunk {
            id: right_id,
            span: right_span,
            del,
            data: right_data,
            prev: NIL,
            next: NIL,
            split: old_split,
        };
        // `alloc` counts visible length; the units were already counted in `at`.
        let idx = self.alloc(right);
        if !del {
            self.len -= right_span;
        }
        self.cm(at).split = idx;
        self.link_after(idx, at);
        idx
    }

    fn tombstone(&mut self, idx: u32) {
        let c = self.cm(idx);
        if !c.del {
            c.del = true;
            c.data = T::default();
            let span = c.span;
            self.len -= span;
        }
    }

    /// Deletes every unit in `spans`; unknown ids are ignored.
    pub fn delete(&mut self, spans: &[Timespan]) {
        for span in spans {
            self.delete_span(*span);
        }
    }

    fn delete_span(&mut self, span: Timespan) {
        if span.span == 0 {
            return;
        }
        let t1 = span.time;
        let t2 = t1 + span.span - 1;
        let Some(start) = self.find_by_id(span.start()) else {
            return;
        };
        let mut chunk = start;
        let mut last = chunk;
        while chunk != NIL {
            last = chunk;
            let c = self.c(chunk);
            let c1 = c.id.time;
            let c2 = c1 + c.span - 1;
            if c.del {
                if c2 >= t2 {
                    break;
                }
                chunk = c.split;
                continue;
            }
            if t1 <= c1 {
                if t2 >= c2 {
                    self.tombstone(chunk);
                    if t2 <= c2 {
                        break;
                    }
                } else {
                    self.split(chunk, t2 - c1 + 1);
                    self.tombstone(chunk);
                    break;
                }
            } else if t1 <= c2 {
                if t2 >= c2 {
                    let right = self.split(chunk, t1 - c1);
                    self.tombstone(right);
                    if t2 <= c2 {
                        break;
                    }
                } else {
                    self.split(chunk, t2 - c1 + 1);
                    let mid = self.split(chunk, t1 - c1);
                    self.tombstone(mid);
                    break;
                }
            }
            chunk = self.c(chunk).split;
        }
        self.merge_tombstones_range(start, last);
    }

    fn merge_tombstones(&mut self, a: u32, b: u32) -> bool {
        let (ca, cb) = (self.c(a), self.c(b));
        if !ca.del || !cb.del || ca.id.sid != cb.id.sid || ca.id.time + ca.span != cb.id.time {
            return false;
        }
        let (bs, bspan) = (cb.split, cb.span);
        let ca = self.cm(a);
        ca.split = bs;
        ca.span += bspan;
        self.unlink(b);
        true
    }

    fn merge_tombstones_range(&mut self, start: u32, end: u32) {
        let mut curr = start;
        while curr != NIL {
            let Some(next) = self.next_of(curr) else {
                break;
            };
            if !self.merge_tombstones(curr, next) {
                if next == end {
                    if let Some(n) = self.next_of(next) {
                        self.merge_tombstones(next, n);
                    }
                    break;
                }
                curr = self.c(curr).split;
            }
        }
        if let Some(left) = self.prev_of(start) {
            self.merge_tombstones(left, start);
        }
    }

    /// The chunk and offset holding visible unit `pos`.
    pub fn find_chunk(&self, mut pos: u64) -> Option<(&Chunk<T>, u64)> {
        for c in self.chunks() {
            if c.del {
                continue;
            }
            if pos < c.span {
                return Some((c, pos));
            }
            pos -= c.span;
        }
        None
    }

    /// Id of the visible unit at `pos`.
    pub fn find(&self, pos: u64) -> Option<Timestamp> {
        self.find_chunk(pos).map(|(c, off)| c.id.tick(off))
    }

    /// Id spans covering `len` visible units from `pos` (what a delete op names).
    pub fn find_interval(&self, mut pos: u64, mut len: u64) -> Vec<Timespan> {
        let mut out = Vec::new();
        for c in self.chunks() {
            if len == 0 {
                break;
            }
            if c.del {
                continue;
            }
            if pos >= c.span {
                pos -= c.span;
                continue;
            }
            let take = (c.span - pos).min(len);
            out.push(Timespan::new(c.id.sid, c.id.time + pos, take));
            len -= take;
            pos = 0;
        }
        out
    }

    /// Id of the last unit, tombstones included (JS `lastId`).
    pub fn last_id(&self) -> Option<Timestamp> {
        (self.last != NIL).then(|| {
            let c = self.c(self.last);
            c.id.tick(c.span.saturating_sub(1))
        })
    }

    /// Mutable access to the content of the chunk at `idx` (for `upd_arr`).
    pub(crate) fn chunk_mut(&mut self, idx: u32) -> &mut Chunk<T> {
        self.cm(idx)
    }

    pub(crate) fn chunk_at(&self, idx: u32) -> &Chunk<T> {
        self.c(idx)
    }

    /// A copy with split links rebuilt as JS's clone does.
    pub fn fork(&self) -> Self {
        let mut out = Self::new(self.id);
        for c in self.chunks() {
            out.push_decoded(Chunk::decoded(
                c.id,
                c.span,
                (!c.del).then(|| c.data.clone()),
            ));
        }
        out.relink_splits();
        out
    }
}

/// Iterator over chunks in document order.
pub struct ChunkIter<'a, T> {
    rga: &'a Rga<T>,
    at: u32,
}

impl<'a, T: ChunkData> Iterator for ChunkIter<'a, T> {
    type Item = &'a Chunk<T>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.at == NIL {
            return None;
        }
        let c = &self.rga.chunks[self.at as usize];
        self.at = c.next;
        Some(c)
    }
}

/// JS `compare`: by time, then by session id.
pub fn compare(a: Timestamp, b: Timestamp) -> std::cmp::Ordering {
    a.time.cmp(&b.time).then(a.sid.cmp(&b.sid))
}

impl<T: ChunkData> Rga<T> {
    /// Arena indices of chunks whose first id lies in `from..=to`.
    pub(crate) fn chunk_ids_in(&self, from: Timestamp, to: Timestamp) -> Vec<u32> {
        match &self.ids {
            Some(ids) => ids.range(from..=to).map(|(_, &i)| i).collect(),
            None => {
                let mut out = Vec::new();
                let mut at = self.first;
                while at != NIL {
                    let id = self.c(at).id;
                    if id >= from && id <= to {
                        out.push(at);
                    }
                    at = self.c(at).next;
                }
                out
            }
        }
    }
}
