//! A reference sync server kept in memory, for tests, examples and benchmarks.
//!
//! [`MemoryServer`] stores the latest state of every record per collection, stamped
//! with a server-wide increasing sequence; deletes are kept as tombstones so every
//! client learns about them. Each device talks to it through its own
//! [`MemoryClient`], which can go offline and inject faults (errors, lost acks,
//! duplicated deliveries) deterministically or at random from a seed.
//!
//! Concurrency rule: a pushed record is accepted only when its base sequence
//! ([`OutboundRecord::sequence`]) is at least the server's sequence for that id, that
//! is when the client had seen the current server state. A stale change gets no ack;
//! the client's next sync pulls the newer state, merges its edits into it and pushes
//! the merged record. The server itself never merges (it could not read encrypted
//! payloads anyway).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::Value;

use super::types::{
    OutboundRecord, PullResult, PushAck, SyncErrorKind, SyncTransport, TransportError,
};
use crate::types::RemoteRecord;

/// A record as the server stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRecord {
    pub id: String,
    pub version: u32,
    /// `None` for tombstones.
    pub crdt: Option<Vec<u8>>,
    pub deleted: bool,
    pub meta: Option<Value>,
    /// Server sequence of this state.
    pub sequence: i64,
}

impl ServerRecord {
    fn to_remote(&self) -> RemoteRecord {
        RemoteRecord {
            id: self.id.clone(),
            version: self.version,
            crdt: self.crdt.clone(),
            deleted: self.deleted,
            sequence: self.sequence,
            meta: self.meta.clone(),
        }
    }
}

/// Counters of what the server did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerStats {
    pub pushes: usize,
    pub pulls: usize,
    /// Records stored (acked or not).
    pub accepted: usize,
    /// Records refused because their base sequence was stale.
    pub rejected_stale: usize,
}

#[derive(Debug, Default)]
struct ServerState {
    last_sequence: i64,
    collections: HashMap<String, BTreeMap<String, ServerRecord>>,
    stats: ServerStats,
}

impl ServerState {
    fn accept(&mut self, collection: &str, records: &[OutboundRecord]) -> Vec<PushAck> {
        self.stats.pushes += 1;
        let mut acks = Vec::with_capacity(records.len());
        for out in records {
            if !out.deleted && out.crdt.is_none() {
                continue;
            }
            let table = self.collections.entry(collection.to_string()).or_default();
            if let Some(current) = table.get(&out.id)
                && out.sequence < current.sequence
            {
                self.stats.rejected_stale += 1;
                continue;
            }
            self.last_sequence += 1;
            let sequence = self.last_sequence;
            table.insert(
                out.id.clone(),
                ServerRecord {
                    id: out.id.clone(),
                    version: out.version,
                    crdt: if out.deleted { None } else { out.crdt.clone() },
                    deleted: out.deleted,
                    meta: out.meta.clone(),
                    sequence,
                },
            );
            self.stats.accepted += 1;
            acks.push(PushAck {
                id: out.id.clone(),
                sequence,
            });
        }
        acks
    }

    fn changes_since(&mut self, collection: &str, since: i64) -> PullResult {
        self.stats.pulls += 1;
        let Some(table) = self.collections.get(collection) else {
            return PullResult {
                latest_sequence: Some(since),
                ..PullResult::default()
            };
        };
        let mut records: Vec<RemoteRecord> = table
            .values()
            .filter(|r| r.sequence > since)
            .map(ServerRecord::to_remote)
            .collect();
        records.sort_by_key(|r| r.sequence);
        let latest = table
            .values()
            .map(|r| r.sequence)
            .max()
            .unwrap_or(since)
            .max(since);
        PullResult {
            records,
            latest_sequence: Some(latest),
            failures: Vec::new(),
        }
    }
}

/// The in-memory server. Cloning gives another handle to the same server.
#[derive(Debug, Clone, Default)]
pub struct MemoryServer {
    state: Arc<Mutex<ServerState>>,
}

impl MemoryServer {
    pub fn new() -> Self {
        Self::default()
    }

    /// A transport for one device, with its own online flag and faults.
    pub fn client(&self, name: impl Into<String>) -> MemoryClient {
        MemoryClient {
            server: self.clone(),
            name: name.into(),
            faults: Arc::new(Mutex::new(FaultState::default())),
        }
    }

    /// Every record of `collection` (tombstones included), by id.
    pub fn records(&self, collection: &str) -> Vec<ServerRecord> {
        self.state
            .lock()
            .collections
            .get(collection)
            .map(|t| t.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn record(&self, collection: &str, id: &str) -> Option<ServerRecord> {
        self.state
            .lock()
            .collections
            .get(collection)
            .and_then(|t| t.get(id).cloned())
    }

    /// The highest sequence handed out so far.
    pub fn last_sequence(&self) -> i64 {
        self.state.lock().last_sequence
    }

    pub fn stats(&self) -> ServerStats {
        self.state.lock().stats
    }

    /// Stores `records` under the concurrency rule of the module docs; returns the acks.
    pub fn accept(&self, collection: &str, records: &[OutboundRecord]) -> Vec<PushAck> {
        self.state.lock().accept(collection, records)
    }

    /// The latest state of every record of `collection` changed after `since`, in
    /// sequence order.
    pub fn changes_since(&self, collection: &str, since: i64) -> PullResult {
        self.state.lock().changes_since(collection, since)
    }
}

#[async_trait::async_trait]
impl SyncTransport for MemoryServer {
    async fn push(
        &self,
        collection: &str,
        records: &[OutboundRecord],
    ) -> Result<Vec<PushAck>, TransportError> {
        Ok(self.accept(collection, records))
    }

    async fn pull(&self, collection: &str, since: i64) -> Result<PullResult, TransportError> {
        Ok(self.changes_since(collection, since))
    }
}

/// One fault for the next call it applies to (see [`MemoryClient::inject`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The next push fails before reaching the server.
    PushError,
    /// The next pull fails.
    PullError,
    /// The next push is stored but its response is lost (the client sees an error).
    DropAck,
    /// The next push reaches the server twice (the second copy is a stale duplicate).
    DuplicatePush,
    /// The next pull delivers every record twice and re-delivers records the client
    /// already had.
    DuplicatePull,
}

/// Probabilities (0.0..=1.0) of random faults per call, drawn from a seeded generator
/// so a failing run can be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RandomFaults {
    pub seed: u64,
    pub push_error: f64,
    pub pull_error: f64,
    /// Push stored, response lost.
    pub drop_ack: f64,
    /// Each ack of a push dropped on its own.
    pub drop_single_ack: f64,
    pub duplicate_push: f64,
    pub duplicate_pull: f64,
}

#[derive(Debug, Default)]
struct FaultState {
    offline: bool,
    queued: VecDeque<Fault>,
    random: Option<(RandomFaults, SplitMix64)>,
    stats: ClientStats,
}

impl FaultState {
    fn take(&mut self, wanted: &[Fault]) -> Option<Fault> {
        let pos = self.queued.iter().position(|f| wanted.contains(f))?;
        self.queued.remove(pos)
    }

    fn roll(&mut self, pick: impl Fn(&RandomFaults) -> f64) -> bool {
        match &mut self.random {
            Some((cfg, rng)) => {
                let p = pick(cfg);
                p > 0.0 && rng.next_f64() < p
            }
            None => false,
        }
    }
}

/// What a client's faults did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    pub push_errors: usize,
    pub pull_errors: usize,
    pub dropped_acks: usize,
    pub duplicated_pushes: usize,
    pub duplicated_pulls: usize,
}

/// A device's connection to a [`MemoryServer`]: a [`SyncTransport`] with an online
/// switch and fault injection. Cloning shares the switch and the faults.
#[derive(Debug, Clone)]
pub struct MemoryClient {
    server: MemoryServer,
    name: String,
    faults: Arc<Mutex<FaultState>>,
}

impl MemoryClient {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn server(&self) -> &MemoryServer {
        &self.server
    }

    /// Offline, every call fails with a network error.
    pub fn set_online(&self, online: bool) {
        self.faults.lock().offline = !online;
    }

    pub fn is_online(&self) -> bool {
        !self.faults.lock().offline
    }

    /// Queues a fault for the next call it applies to.
    pub fn inject(&self, fault: Fault) {
        self.faults.lock().queued.push_back(fault);
    }

    /// Turns random faults on (`Some`) or off (`None`).
    pub fn set_random_faults(&self, faults: Option<RandomFaults>) {
        self.faults.lock().random = faults.map(|f| (f, SplitMix64(f.seed)));
    }

    pub fn stats(&self) -> ClientStats {
        self.faults.lock().stats
    }

    fn offline_error(&self) -> TransportError {
        TransportError::with_kind(format!("{} is offline", self.name), SyncErrorKind::Network)
    }
}

/// What one push call does, decided before it runs.
#[derive(Debug, Default)]
struct PushPlan {
    fail: bool,
    drop_ack: bool,
    duplicate: bool,
    drop_single: f64,
}

impl MemoryClient {
    fn plan_push(&self, st: &mut FaultState) -> PushPlan {
        let mut plan = PushPlan::default();
        match st.take(&[Fault::PushError, Fault::DropAck, Fault::DuplicatePush]) {
            Some(Fault::PushError) => plan.fail = true,
            Some(Fault::DropAck) => plan.drop_ack = true,
            Some(Fault::DuplicatePush) => plan.duplicate = true,
            _ => {}
        }
        plan.fail |= st.roll(|c| c.push_error);
        plan.drop_ack |= st.roll(|c| c.drop_ack);
        plan.duplicate |= st.roll(|c| c.duplicate_push);
        plan.drop_single = st.random.as_ref().map_or(0.0, |(c, _)| c.drop_single_ack);
        plan
    }
}

#[async_trait::async_trait]
impl SyncTransport for MemoryClient {
    async fn push(
        &self,
        collection: &str,
        records: &[OutboundRecord],
    ) -> Result<Vec<PushAck>, TransportError> {
        let mut st = self.faults.lock();
        if st.offline {
            return Err(self.offline_error());
        }
        let plan = self.plan_push(&mut st);
        if plan.fail {
            st.stats.push_errors += 1;
            return Err(TransportError::new(format!(
                "push to server failed ({})",
                self.name
            )));
        }
        let mut acks = self.server.accept(collection, records);
        if plan.duplicate {
            st.stats.duplicated_pushes += 1;
            self.server.accept(collection, records);
        }
        if plan.drop_ack {
            st.stats.dropped_acks += 1;
            return Err(TransportError::new(
                "connection lost before the push response",
            ));
        }
        if plan.drop_single > 0.0
            && let Some((_, rng)) = &mut st.random
        {
            acks.retain(|_| rng.next_f64() >= plan.drop_single);
        }
        Ok(acks)
    }

    async fn pull(&self, collection: &str, since: i64) -> Result<PullResult, TransportError> {
        let mut st = self.faults.lock();
        if st.offline {
            return Err(self.offline_error());
        }
        let queued = st.take(&[Fault::PullError, Fault::DuplicatePull]);
        if queued == Some(Fault::PullError) || st.roll(|c| c.pull_error) {
            st.stats.pull_errors += 1;
            return Err(TransportError::new(format!(
                "pull from server failed ({})",
                self.name
            )));
        }
        let duplicate = queued == Some(Fault::DuplicatePull) || st.roll(|c| c.duplicate_pull);
        if !duplicate {
            return Ok(self.server.changes_since(collection, since));
        }
        st.stats.duplicated_pulls += 1;
        let mut result = self.server.changes_since(collection, since);
        let again = self.server.changes_since(collection, 0);
        result.records.extend(again.records);
        Ok(result)
    }
}

/// SplitMix64: a tiny seeded generator, so the library needs no `rand`.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
