//! The JSON CRDT document model.
