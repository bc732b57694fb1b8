//! Diffing a JSON value against a model into a patch (JS `JsonCrdtDiff`).
