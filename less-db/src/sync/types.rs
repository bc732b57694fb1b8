//! The transport seam and the values that cross it, plus what a sync reports back.

use serde_json::Value;

use crate::types::RemoteRecord;

/// A local change sent to the server by a push.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboundRecord {
    pub id: String,
    /// Schema version the record is stored at.
    pub version: u32,
    /// json-joy structural binary of the record; `None` for a tombstone.
    pub crdt: Option<Vec<u8>>,
    pub deleted: bool,
    /// Server sequence the local state was last synced at (the base of this change);
    /// `0` or less when the record was never synced. A server may use it to refuse a
    /// change made against a state it has since replaced.
    pub sequence: i64,
    pub meta: Option<Value>,
}

/// The server accepted `id` and stored it at `sequence`. Records of a push that get no
/// ack stay dirty and are pushed again by a later sync (after its pull merged them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PushAck {
    pub id: String,
    pub sequence: i64,
}

/// A record the server had but could not deliver (e.g. it could not be decrypted).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PullFailure {
    pub id: String,
    pub sequence: i64,
    pub error: String,
    /// `true`: a passing problem, not counted towards quarantine.
    pub retryable: bool,
}

/// The changes a pull returned.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PullResult {
    /// Records changed since the requested sequence.
    pub records: Vec<RemoteRecord>,
    /// The server's sequence this pull is complete up to; when `None` the highest
    /// sequence among `records` is used.
    pub latest_sequence: Option<i64>,
    pub failures: Vec<PullFailure>,
}

/// What kind of failure a [`SyncErrorEntry`] or [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncErrorKind {
    /// Network or server trouble; worth retrying later.
    Network,
    /// The server refused the credentials.
    Auth,
    /// The server refused the request for another reason.
    Rejected,
    /// Local storage failed (reading dirty records, writing the cursor...).
    Storage,
    /// One record could not be applied or delivered.
    Record,
}

/// An error a [`SyncTransport`] returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    pub message: String,
    pub kind: SyncErrorKind,
}

impl TransportError {
    /// A network error (the default kind).
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_kind(message, SyncErrorKind::Network)
    }

    pub fn with_kind(message: impl Into<String>, kind: SyncErrorKind) -> Self {
        TransportError {
            message: message.into(),
            kind,
        }
    }
}

/// The network side of sync, implemented by the application (HTTP, WebSocket...) or by
/// [`crate::sync::memory::MemoryServer`] in tests.
///
/// Both calls may fail as a whole; the manager then reports the error and retries on a
/// later sync. Partial success is expressed by acking only some records.
#[async_trait::async_trait]
pub trait SyncTransport: Send + Sync {
    /// Sends local changes of `collection`; returns one ack per accepted record.
    async fn push(
        &self,
        collection: &str,
        records: &[OutboundRecord],
    ) -> Result<Vec<PushAck>, TransportError>;

    /// Returns the changes of `collection` stored after sequence `since`.
    async fn pull(&self, collection: &str, since: i64) -> Result<PullResult, TransportError>;
}

/// Which half of a sync something happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncPhase {
    Pull,
    Push,
}

/// One problem met during a sync; the sync went on where it could.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncErrorEntry {
    pub collection: String,
    pub phase: SyncPhase,
    pub kind: SyncErrorKind,
    /// The record concerned; `None` when the whole step failed.
    pub id: Option<String>,
    pub error: String,
}

impl SyncErrorEntry {
    /// `true` when the whole step failed (transport or storage), not one record.
    pub fn is_step_failure(&self) -> bool {
        self.id.is_none()
    }
}

/// What a sync (or a pull, or a push) of one collection did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncResult {
    /// Records the server acknowledged (and that were marked synced).
    pub pushed: usize,
    /// Remote records applied locally.
    pub pulled: usize,
    /// Of the pulled records, those merged with unpushed local edits.
    pub merged: usize,
    /// Every problem, in the order met.
    pub errors: Vec<SyncErrorEntry>,
    /// Ids quarantined by this call (they are skipped until
    /// [`crate::sync::SyncManager::retry_quarantined`]).
    pub quarantined: Vec<String>,
}

impl SyncResult {
    /// `true` when a step failed as a whole: the scheduler backs off after such a sync.
    pub fn has_step_failure(&self) -> bool {
        self.errors.iter().any(SyncErrorEntry::is_step_failure)
    }

    /// Adds the counts and errors of `other` to `self`.
    pub fn absorb(&mut self, other: SyncResult) {
        self.pushed += other.pushed;
        self.pulled += other.pulled;
        self.merged += other.merged;
        self.errors.extend(other.errors);
        self.quarantined.extend(other.quarantined);
    }
}

/// Progress of a push (after each batch) or a pull (after applying).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncProgress {
    pub collection: String,
    pub phase: SyncPhase,
    pub processed: usize,
    pub total: usize,
}

/// A record that a pull deleted locally (a remote tombstone applied).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteDeleteEvent {
    pub collection: String,
    pub id: String,
}
