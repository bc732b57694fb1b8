//! Storage: backend traits, the generic adapter and the SQLite backend.
