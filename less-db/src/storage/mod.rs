//! Storage: backend traits, the generic adapter and the SQLite backend.

pub mod adapter;
pub mod record_manager;
pub mod remote_changes;
pub mod sqlite;
pub mod traits;
