//! Time for the scheduler, injected so tests need no real sleeps.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// A boxed future that completes after a delay.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A monotonic clock and a timer.
///
/// Implement it over your runtime's timer (`tokio::time::sleep`, a browser timeout...)
/// or use [`ThreadClock`] (plain threads) or [`ManualClock`] (tests).
pub trait Clock: Send + Sync {
    /// Time elapsed since an origin fixed by the clock; never goes backwards.
    fn now(&self) -> Duration;
    /// A future that completes once `delay` has passed on this clock.
    fn sleep(&self, delay: Duration) -> Sleep;
}

/// Real time with std only: each sleep parks a short-lived thread that wakes the
/// waiting task. Good enough for a timer that fires a few times a second; hosts with an
/// async runtime should implement [`Clock`] over its timer instead.
#[derive(Debug, Clone)]
pub struct ThreadClock {
    origin: Instant,
}

impl Default for ThreadClock {
    fn default() -> Self {
        ThreadClock {
            origin: Instant::now(),
        }
    }
}

impl ThreadClock {
    pub fn new() -> Self {
        Self::default()
    }
}

#[derive(Default)]
struct ThreadSleepState {
    done: bool,
    waker: Option<Waker>,
}

struct ThreadSleep {
    state: Arc<Mutex<ThreadSleepState>>,
}

impl Future for ThreadSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut st = self.state.lock();
        if st.done {
            return Poll::Ready(());
        }
        st.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Clock for ThreadClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn sleep(&self, delay: Duration) -> Sleep {
        let state = Arc::new(Mutex::new(ThreadSleepState::default()));
        let shared = Arc::clone(&state);
        let spawned = std::thread::Builder::new()
            .name("less-db-sync-timer".into())
            .spawn(move || {
                std::thread::sleep(delay);
                let waker = {
                    let mut st = shared.lock();
                    st.done = true;
                    st.waker.take()
                };
                if let Some(w) = waker {
                    w.wake();
                }
            });
        if spawned.is_err() {
            // No thread to wait with: complete at once rather than hang; the scheduler
            // re-checks its deadlines after every wake-up.
            state.lock().done = true;
        }
        Box::pin(ThreadSleep { state })
    }
}

#[derive(Default)]
struct ManualState {
    now: Duration,
    sleepers: Vec<(Duration, Arc<Mutex<ThreadSleepState>>)>,
}

/// A clock that moves only when told to ([`ManualClock::advance`]); sleeps complete
/// when the clock passes their deadline. Cloning shares the clock.
#[derive(Clone, Default)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

impl std::fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualClock")
            .field("now", &self.state.lock().now)
            .finish_non_exhaustive()
    }
}

impl ManualClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves time forward and completes every sleep whose deadline has passed.
    pub fn advance(&self, by: Duration) {
        let due: Vec<Arc<Mutex<ThreadSleepState>>> = {
            let mut st = self.state.lock();
            st.now += by;
            let now = st.now;
            let (due, waiting): (Vec<_>, Vec<_>) =
                st.sleepers.drain(..).partition(|(at, _)| *at <= now);
            st.sleepers = waiting;
            due.into_iter().map(|(_, s)| s).collect()
        };
        for s in due {
            let waker = {
                let mut g = s.lock();
                g.done = true;
                g.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        }
    }

    /// Sleeps not yet completed.
    pub fn pending_sleeps(&self) -> usize {
        self.state.lock().sleepers.len()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.state.lock().now
    }

    fn sleep(&self, delay: Duration) -> Sleep {
        let state = Arc::new(Mutex::new(ThreadSleepState::default()));
        {
            let mut st = self.state.lock();
            if delay.is_zero() {
                state.lock().done = true;
            } else {
                let at = st.now + delay;
                st.sleepers.push((at, Arc::clone(&state)));
            }
        }
        Box::pin(ThreadSleep { state })
    }
}
