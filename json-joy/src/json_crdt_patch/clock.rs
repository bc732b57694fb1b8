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
