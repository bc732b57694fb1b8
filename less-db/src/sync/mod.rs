//! Sync: the transport trait a user implements, the sync manager and the scheduler.
