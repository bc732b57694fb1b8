//! [`SyncScheduler`]: decides when to sync. Local writes call
//! [`SyncScheduler::notify_dirty`]; the collection is synced once writes pause for the
//! debounce delay. A sync that fails as a whole (transport down, storage error) is
//! retried after an exponential backoff, capped.
//!
//! The scheduler owns no thread and no runtime. Time comes from an injected [`Clock`];
//! the host drives it either by awaiting [`SyncScheduler::run`] on its executor (it
//! sleeps until the next deadline or until a notification), or by calling
//! [`SyncScheduler::run_due`] itself (tests, game loops, UI ticks).
//!
//! Wiring local writes in, with the reactive adapter:
//!
//! ```ignore
//! let s = Arc::clone(&scheduler);
//! let _sub = reactive.on_change(move |e| if e.is_local() { s.notify_dirty(e.collection()) });
//! ```

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use parking_lot::Mutex;

use super::clock::{Clock, Sleep};
use super::manager::SyncManager;
use super::types::SyncResult;
use crate::collection::CollectionDef;

/// Delays of a [`SyncScheduler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Quiet time after the last dirty notification before syncing (default 1 s).
    pub debounce: Duration,
    /// Wait after the first failed sync (default 1 s); doubles per further failure.
    pub backoff_base: Duration,
    /// Upper bound of the backoff (default 60 s).
    pub backoff_max: Duration,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            debounce: Duration::from_secs(1),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
        }
    }
}

impl SchedulerConfig {
    /// The wait after `failures` consecutive failed syncs (0 when none).
    pub fn backoff(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(31));
        self.backoff_base
            .checked_mul(factor)
            .unwrap_or(self.backoff_max)
            .min(self.backoff_max)
    }
}

/// The scheduler was disposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sync scheduler disposed")]
pub struct SchedulerDisposed;

#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    /// When the next sync is due.
    due: Option<Duration>,
    /// Consecutive failed syncs.
    failures: u32,
    /// No automatic sync before this time (backoff).
    blocked_until: Option<Duration>,
}

/// Debounced, backed-off syncing of the manager's collections. See the module docs.
pub struct SyncScheduler {
    manager: Arc<SyncManager>,
    clock: Arc<dyn Clock>,
    config: SchedulerConfig,
    slots: Mutex<HashMap<String, Slot>>,
    wake: Signal,
    disposed: AtomicBool,
}

impl std::fmt::Debug for SyncScheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncScheduler")
            .field("config", &self.config)
            .field("disposed", &self.disposed.load(Ordering::Acquire))
            .finish_non_exhaustive()
    }
}

impl SyncScheduler {
    pub fn new(manager: Arc<SyncManager>, clock: Arc<dyn Clock>, config: SchedulerConfig) -> Self {
        SyncScheduler {
            manager,
            clock,
            config,
            slots: Mutex::new(HashMap::new()),
            wake: Signal::default(),
            disposed: AtomicBool::new(false),
        }
    }

    pub fn manager(&self) -> &Arc<SyncManager> {
        &self.manager
    }

    pub fn config(&self) -> &SchedulerConfig {
        &self.config
    }

    /// Records that `collection` has local changes: a sync is due after the debounce
    /// delay (and not before a running backoff ends). Each call restarts the delay.
    /// Ignored once disposed.
    pub fn notify_dirty(&self, collection: &str) {
        let after = self.config.debounce;
        self.schedule(collection, after);
    }

    /// Asks for a sync of `collection` as soon as possible (still after a running
    /// backoff), e.g. when the server announces new changes.
    pub fn request_sync(&self, collection: &str) {
        self.schedule(collection, Duration::ZERO);
    }

    fn schedule(&self, collection: &str, after: Duration) {
        if self.is_disposed() {
            return;
        }
        let now = self.clock.now();
        {
            let mut slots = self.slots.lock();
            let slot = slots.entry(collection.to_string()).or_default();
            let mut due = now + after;
            if let Some(b) = slot.blocked_until {
                due = due.max(b);
            }
            slot.due = Some(due);
        }
        self.wake.notify();
    }

    /// When the earliest pending sync is due, on the scheduler's clock.
    pub fn next_due(&self) -> Option<Duration> {
        self.slots.lock().values().filter_map(|s| s.due).min()
    }

    /// `true` when a sync of `collection` is pending.
    pub fn is_pending(&self, collection: &str) -> bool {
        self.slots
            .lock()
            .get(collection)
            .is_some_and(|s| s.due.is_some())
    }

    /// Consecutive failed syncs of `collection`.
    pub fn failures(&self, collection: &str) -> u32 {
        self.slots.lock().get(collection).map_or(0, |s| s.failures)
    }

    /// Runs every sync that is due now; returns their results by collection. Names
    /// the manager does not know are dropped.
    pub async fn run_due(&self) -> BTreeMap<String, SyncResult> {
        let mut out = BTreeMap::new();
        if self.is_disposed() {
            return out;
        }
        for name in self.take_due() {
            let Some(def) = self.manager.collection(&name).cloned() else {
                continue;
            };
            let result = self.manager.sync(&def).await;
            self.record_outcome(&name, &result);
            out.insert(name, result);
        }
        out
    }

    /// Syncs `def` now, ignoring debounce and backoff.
    pub async fn flush(&self, def: &CollectionDef) -> Result<SyncResult, SchedulerDisposed> {
        if self.is_disposed() {
            return Err(SchedulerDisposed);
        }
        if let Some(slot) = self.slots.lock().get_mut(&def.name) {
            slot.due = None;
        }
        let result = self.manager.sync(def).await;
        self.record_outcome(&def.name, &result);
        Ok(result)
    }

    /// [`SyncScheduler::flush`] for every collection of the manager.
    pub async fn flush_all(&self) -> Result<BTreeMap<String, SyncResult>, SchedulerDisposed> {
        let mut out = BTreeMap::new();
        for def in self.manager.collections().to_vec() {
            out.insert(def.name.clone(), self.flush(&def).await?);
        }
        Ok(out)
    }

    /// Drives the scheduler until [`SyncScheduler::dispose`]: sleeps on the clock until
    /// the next due sync or a notification, runs what is due, repeats.
    pub async fn run(&self) {
        while !self.is_disposed() {
            let seen = self.wake.generation();
            let now = self.clock.now();
            match self.next_due() {
                Some(due) if due <= now => {
                    self.run_due().await;
                }
                Some(due) => {
                    let sleep = self.clock.sleep(due - now);
                    FirstOf::new(sleep, self.wake.wait(seen)).await;
                }
                None => self.wake.wait(seen).await,
            }
        }
    }

    /// Stops the scheduler: pending syncs are dropped, [`SyncScheduler::run`] returns,
    /// notifications are ignored and flushes fail with [`SchedulerDisposed`].
    pub fn dispose(&self) {
        self.disposed.store(true, Ordering::Release);
        self.slots.lock().clear();
        self.wake.notify();
    }

    pub fn is_disposed(&self) -> bool {
        self.disposed.load(Ordering::Acquire)
    }

    fn take_due(&self) -> Vec<String> {
        let now = self.clock.now();
        let mut slots = self.slots.lock();
        let mut due: Vec<(Duration, String)> = slots
            .iter_mut()
            .filter_map(|(name, slot)| match slot.due {
                Some(at) if at <= now => {
                    slot.due = None;
                    Some((at, name.clone()))
                }
                _ => None,
            })
            .collect();
        due.sort();
        due.into_iter().map(|(_, n)| n).collect()
    }

    /// A failed sync backs off and schedules its own retry; a good one clears the
    /// backoff. Notifications that came in during the sync keep their due time.
    fn record_outcome(&self, collection: &str, result: &SyncResult) {
        if self.is_disposed() {
            return;
        }
        let now = self.clock.now();
        let mut slots = self.slots.lock();
        let slot = slots.entry(collection.to_string()).or_default();
        if result.has_step_failure() {
            slot.failures = slot.failures.saturating_add(1);
            let retry_at = now + self.config.backoff(slot.failures);
            slot.blocked_until = Some(retry_at);
            slot.due = Some(slot.due.map_or(retry_at, |d| d.max(retry_at)));
            tracing::debug!(
                collection,
                failures = slot.failures,
                "sync failed, backing off"
            );
        } else {
            slot.failures = 0;
            slot.blocked_until = None;
        }
        drop(slots);
        self.wake.notify();
    }
}

/// A wake-up signal: waiters registered for a generation complete once it changes.
#[derive(Default)]
struct Signal {
    state: Arc<Mutex<SignalState>>,
}

#[derive(Default)]
struct SignalState {
    generation: u64,
    wakers: Vec<Waker>,
}

impl Signal {
    fn generation(&self) -> u64 {
        self.state.lock().generation
    }

    fn notify(&self) {
        let wakers = {
            let mut st = self.state.lock();
            st.generation = st.generation.wrapping_add(1);
            std::mem::take(&mut st.wakers)
        };
        for w in wakers {
            w.wake();
        }
    }

    fn wait(&self, seen: u64) -> SignalWait {
        SignalWait {
            state: Arc::clone(&self.state),
            seen,
        }
    }
}

struct SignalWait {
    state: Arc<Mutex<SignalState>>,
    seen: u64,
}

impl Future for SignalWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut st = self.state.lock();
        if st.generation != self.seen {
            return Poll::Ready(());
        }
        st.wakers.push(cx.waker().clone());
        Poll::Pending
    }
}

/// Completes when either future does.
struct FirstOf {
    a: Sleep,
    b: SignalWait,
}

impl FirstOf {
    fn new(a: Sleep, b: SignalWait) -> Self {
        FirstOf { a, b }
    }
}

impl Future for FirstOf {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.a.as_mut().poll(cx).is_ready() {
            return Poll::Ready(());
        }
        Pin::new(&mut self.b).poll(cx)
    }
}
