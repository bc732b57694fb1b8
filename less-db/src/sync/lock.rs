//! A small runtime-agnostic async mutex (no data, just exclusion), so the manager
//! serialises syncs of one collection without tying the library to an executor.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use parking_lot::Mutex;

#[derive(Default)]
struct State {
    locked: bool,
    next_ticket: u64,
    waiters: HashMap<u64, Waker>,
}

/// Exclusion across `.await` points. Waiters are woken all at once on release and race
/// for the lock; a waiter whose future is dropped simply leaves the queue.
#[derive(Default, Clone)]
pub(crate) struct AsyncLock {
    state: Arc<Mutex<State>>,
}

impl AsyncLock {
    pub(crate) fn lock(&self) -> LockFuture {
        LockFuture {
            state: Arc::clone(&self.state),
            ticket: None,
        }
    }
}

pub(crate) struct LockFuture {
    state: Arc<Mutex<State>>,
    ticket: Option<u64>,
}

impl Future for LockFuture {
    type Output = LockGuard;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard> {
        let state = Arc::clone(&self.state);
        let mut st = state.lock();
        if !st.locked {
            st.locked = true;
            if let Some(t) = self.ticket.take() {
                st.waiters.remove(&t);
            }
            return Poll::Ready(LockGuard {
                state: Arc::clone(&self.state),
            });
        }
        let ticket = match self.ticket {
            Some(t) => t,
            None => {
                let t = st.next_ticket;
                st.next_ticket += 1;
                t
            }
        };
        st.waiters.insert(ticket, cx.waker().clone());
        drop(st);
        self.ticket = Some(ticket);
        Poll::Pending
    }
}

impl Drop for LockFuture {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            self.state.lock().waiters.remove(&t);
        }
    }
}

/// Holds the lock until dropped.
pub(crate) struct LockGuard {
    state: Arc<Mutex<State>>,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let wakers: Vec<Waker> = {
            let mut st = self.state.lock();
            st.locked = false;
            st.waiters.values().cloned().collect()
        };
        for w in wakers {
            w.wake();
        }
    }
}
