//! Sync: the transport trait a user implements, the sync manager, the scheduler and a
//! reference in-memory server.
//!
//! A sync of one collection pulls first (remote changes are applied and merged with
//! unpushed local edits), then pushes the dirty records. The pull cursor (last server
//! sequence seen) is kept in the storage's meta store, so it survives restarts.

pub mod clock;
mod lock;
pub mod manager;
pub mod memory;
pub mod scheduler;
pub mod types;

pub use clock::{Clock, ManualClock, ThreadClock};
pub use manager::{SyncConfig, SyncManager};
pub use memory::{Fault, MemoryClient, MemoryServer, RandomFaults};
pub use scheduler::{SchedulerConfig, SchedulerDisposed, SyncScheduler};
pub use types::{
    OutboundRecord, PullFailure, PullResult, PushAck, RemoteDeleteEvent, SyncErrorEntry,
    SyncErrorKind, SyncPhase, SyncProgress, SyncResult, SyncTransport, TransportError,
};
