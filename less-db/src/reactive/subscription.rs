//! The handle a subscription call returns.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use super::registry::{Registry, SubKey};

/// A live subscription (record, query or change listener). Dropping it, or calling
/// [`Subscription::unsubscribe`], stops delivery: no callback of this subscription
/// starts afterwards (one already running on another thread finishes).
///
/// The handle does not borrow the adapter, so it can be stored anywhere; it outlives
/// the adapter harmlessly.
#[must_use = "dropping a Subscription unsubscribes at once; keep it, or call .detach()"]
pub struct Subscription {
    registry: Weak<Mutex<Registry>>,
    key: SubKey,
    active: Arc<AtomicBool>,
    detached: bool,
}

impl Subscription {
    pub(crate) fn new(
        registry: Weak<Mutex<Registry>>,
        key: SubKey,
        active: Arc<AtomicBool>,
    ) -> Self {
        Subscription {
            registry,
            key,
            active,
            detached: false,
        }
    }

    /// Stops delivery and removes the subscription from the adapter. Calling it again,
    /// or after the adapter is gone, does nothing.
    pub fn unsubscribe(&self) {
        self.active.store(false, Ordering::Release);
        if let Some(registry) = self.registry.upgrade() {
            let detached = registry.lock().remove(self.key);
            drop(detached);
        }
    }

    /// True until unsubscribed, or until the adapter is closed or dropped.
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    /// Keeps the subscription alive for the adapter's lifetime without keeping the
    /// handle: dropping the returned nothing does not unsubscribe.
    pub fn detach(mut self) {
        self.detached = true;
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if !self.detached {
            self.unsubscribe();
        }
    }
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("key", &self.key)
            .field("active", &self.is_active())
            .finish()
    }
}
