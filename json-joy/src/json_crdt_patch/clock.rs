//! Logical timestamps. Every operation and every node is identified by a
//! [`Timestamp`]: a session id and a time that ticks once per UTF-16 code unit,
//! byte or element an operation creates.

/// Session id of the system session (the origin and the root).
pub const SYSTEM_SESSION: u64 = 0;
/// Session id a server-clock model uses for every operation.
pub const SERVER_SESSION: u64 = 1;
/// Smallest session id a user (logical clock) session may use; lower ids are reserved.
pub const MIN_USER_SESSION: u64 = 65_536;
/// Largest session id that fits the binary codecs (2^53 - 1, JS's safe integer range).
pub const MAX_SESSION: u64 = (1 << 53) - 1;

/// A logical timestamp: the id of one operation or of one unit inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    pub sid: u64,
    pub time: u64,
}

impl Timestamp {
    pub const fn new(sid: u64, time: u64) -> Self {
        Self { sid, time }
    }

    /// The timestamp `cycles` ticks later in the same session.
    pub const fn tick(self, cycles: u64) -> Self {
        Self {
            sid: self.sid,
            time: self.time + cycles,
        }
    }
}

/// The origin timestamp `(0, 0)`: the root register and "insert at the start".
pub const ORIGIN: Timestamp = Timestamp::new(SYSTEM_SESSION, 0);

/// A run of `span` consecutive timestamps starting at `(sid, time)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timespan {
    pub sid: u64,
    pub time: u64,
    pub span: u64,
}

impl Timespan {
    pub const fn new(sid: u64, time: u64, span: u64) -> Self {
        Self { sid, time, span }
    }

    pub const fn start(&self) -> Timestamp {
        Timestamp::new(self.sid, self.time)
    }
}

impl Timestamp {
    /// JS `compare`: by time first, then by session id. (The derived `Ord` orders by
    /// session first and is only meant for maps.)
    pub fn compare(&self, other: &Timestamp) -> std::cmp::Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| self.sid.cmp(&other.sid))
    }
}

/// JS `compare(a, b)` as an [`std::cmp::Ordering`].
pub fn compare(a: &Timestamp, b: &Timestamp) -> std::cmp::Ordering {
    a.compare(b)
}

/// JS `containsId(ts1, span1, ts2)`: whether the span starting at `a` holds `b`.
pub fn contains_id(a: Timestamp, span: u64, b: Timestamp) -> bool {
    a.sid == b.sid && a.time <= b.time && a.time + span > b.time
}

/// JS `contains(ts1, span1, ts2, span2)`.
pub fn contains(a: Timestamp, span_a: u64, b: Timestamp, span_b: u64) -> bool {
    a.sid == b.sid && a.time <= b.time && a.time + span_a >= b.time + span_b
}

impl std::fmt::Display for Timestamp {
    /// JS `printTs`: `.time` for the server session, `sid.time` otherwise.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.sid == SERVER_SESSION {
            write!(f, ".{}", self.time)
        } else {
            write!(f, "{}.{}", self.sid, self.time)
        }
    }
}

/// A session's clock: the time its next operation will get (JS `LogicalClock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogicalClock {
    pub sid: u64,
    pub time: u64,
}

impl LogicalClock {
    pub const fn new(sid: u64, time: u64) -> Self {
        Self { sid, time }
    }

    /// Returns the current timestamp and advances the clock by `cycles`.
    pub fn tick(&mut self, cycles: u64) -> Timestamp {
        let ts = Timestamp::new(self.sid, self.time);
        self.time += cycles;
        ts
    }

    pub const fn now(&self) -> Timestamp {
        Timestamp::new(self.sid, self.time)
    }
}

/// The local clock plus the latest time seen from every other session
/// (JS `ClockVector`). Peers keep the order in which they were first seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockVector {
    pub clock: LogicalClock,
    /// Latest seen timestamp of each peer session, in first-seen order.
    pub peers: Vec<Timestamp>,
}

impl ClockVector {
    pub fn new(sid: u64, time: u64) -> Self {
        Self {
            clock: LogicalClock::new(sid, time),
            peers: Vec::new(),
        }
    }

    pub fn sid(&self) -> u64 {
        self.clock.sid
    }

    pub fn time(&self) -> u64 {
        self.clock.time
    }

    pub fn tick(&mut self, cycles: u64) -> Timestamp {
        self.clock.tick(cycles)
    }

    /// The latest seen timestamp of session `sid`.
    pub fn peer(&self, sid: u64) -> Option<Timestamp> {
        self.peers.iter().copied().find(|p| p.sid == sid)
    }

    /// Records that `span` units starting at `id` exist (JS `observe`); `span >= 1`.
    pub fn observe(&mut self, id: Timestamp, span: u64) {
        let edge = (id.time + span).saturating_sub(1);
        if id.sid != self.clock.sid {
            match self.peers.iter_mut().find(|p| p.sid == id.sid) {
                Some(p) if edge > p.time => p.time = edge,
                Some(_) => {}
                None => self.peers.push(Timestamp::new(id.sid, edge)),
            }
        }
        if edge >= self.clock.time {
            self.clock.time = edge + 1;
        }
    }

    /// A copy of this clock for session `sid` (JS `fork`): the old session becomes a
    /// peer when the session changes.
    pub fn fork(&self, sid: u64) -> ClockVector {
        let mut c = ClockVector::new(sid, self.clock.time);
        if sid != self.clock.sid && self.clock.time > 0 {
            c.observe(Timestamp::new(self.clock.sid, self.clock.time - 1), 1);
        }
        for p in &self.peers {
            c.observe(*p, 1);
        }
        c
    }
}

/// Why a server clock refused a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ServerClockError {
    #[error("server clock session ids must be at most 8, got {0}")]
    InvalidSession(u64),
    #[error("timestamp {0} is ahead of the server clock")]
    TimeTravel(u64),
}

/// The clock of a server-ordered model: one session (1), time only moves forward
/// (JS `ServerClockVector`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerClock {
    pub clock: LogicalClock,
}

impl ServerClock {
    pub const fn new(time: u64) -> Self {
        Self {
            clock: LogicalClock::new(SERVER_SESSION, time),
        }
    }

    pub fn tick(&mut self, cycles: u64) -> Timestamp {
        self.clock.tick(cycles)
    }

    /// JS `ServerClockVector.observe`.
    pub fn observe(&mut self, id: Timestamp, span: u64) -> Result<(), ServerClockError> {
        if id.sid > 8 {
            return Err(ServerClockError::InvalidSession(id.sid));
        }
        if self.clock.time < id.time {
            return Err(ServerClockError::TimeTravel(id.time));
        }
        self.clock.time = self.clock.time.max(id.time + span);
        Ok(())
    }

    pub fn fork(&self) -> ServerClock {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_orders_by_time_then_session() {
        let a = Timestamp::new(9, 1);
        let b = Timestamp::new(1, 2);
        assert_eq!(compare(&a, &b), std::cmp::Ordering::Less);
        assert_eq!(
            compare(&Timestamp::new(2, 5), &Timestamp::new(1, 5)),
            std::cmp::Ordering::Greater
        );
    }

    #[test]
    fn clock_vector_observe_and_fork_follow_js() {
        let mut c = ClockVector::new(100_000, 5);
        assert_eq!(c.tick(3), Timestamp::new(100_000, 5));
        c.observe(Timestamp::new(200_000, 10), 4);
        assert_eq!(c.time(), 14);
        assert_eq!(c.peer(200_000), Some(Timestamp::new(200_000, 13)));
        c.observe(Timestamp::new(200_000, 2), 1);
        assert_eq!(c.peer(200_000), Some(Timestamp::new(200_000, 13)));
        let f = c.fork(300_000);
        assert_eq!(f.time(), 14);
        assert_eq!(
            f.peers,
            vec![Timestamp::new(100_000, 13), Timestamp::new(200_000, 13)]
        );
        assert_eq!(c.fork(100_000), c);
    }

    #[test]
    fn server_clock_rejects_future_and_foreign_sessions() {
        let mut s = ServerClock::new(10);
        assert_eq!(s.observe(Timestamp::new(1, 10), 5), Ok(()));
        assert_eq!(s.clock.time, 15);
        assert_eq!(
            s.observe(Timestamp::new(1, 20), 1),
            Err(ServerClockError::TimeTravel(20))
        );
        assert_eq!(
            s.observe(Timestamp::new(65_536, 1), 1),
            Err(ServerClockError::InvalidSession(65_536))
        );
    }
}
