//! Shared set-up: collection definitions and an adapter over memory or a file.
use less_db::storage::traits::{StorageRead, StorageWrite};

use std::path::PathBuf;
use std::sync::Arc;

use less_db::collection::CollectionDef;
use less_db::query::Query;
use less_db::query::execute::execute_query_by;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::types::{ListOptions, PutOptions};
use serde_json::json;

/// `users`: name, email (unique index `email`), age (index `age`).
pub fn users_def() -> Arc<CollectionDef> {
    crate::defs::users()
}

pub fn put_opts() -> PutOptions {
    PutOptions::default()
}

/// An adapter with `users` registered, plus what is needed to reopen it.
pub struct Db {
    pub a: Adapter<SqliteBackend>,
    path: Option<PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    pub fn memory() -> Self {
        let backend = SqliteBackend::open_in_memory().unwrap();
        Db {
            a: Adapter::open(backend, &[users_def()]).unwrap(),
            path: None,
            _dir: None,
        }
    }

    pub fn file() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conformance.sqlite");
        let backend = SqliteBackend::open(&path).unwrap();
        Db {
            a: Adapter::open(backend, &[users_def()]).unwrap(),
            path: Some(path),
            _dir: Some(dir),
        }
    }

    /// A second adapter on the same file (None for in-memory databases).
    pub fn reopen(&self) -> Option<Db> {
        let path = self.path.clone()?;
        let backend = SqliteBackend::open(&path).unwrap();
        Some(Db {
            a: Adapter::open(backend, &[users_def()]).unwrap(),
            path: Some(path),
            _dir: None,
        })
    }

    /// Puts `n` users (`user i`, `u{i}@x.io`, age `20 + i`) and returns their ids.
    pub fn seed(&self, def: &CollectionDef, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                self.a
                    .put(
                        def,
                        json!({"name": format!("user {i}"), "email": format!("u{i}@x.io"), "age": 20 + i}),
                        &put_opts(),
                    )
                    .unwrap()
                    .id
            })
            .collect()
    }

    /// The query run in memory over every live record: ids in order, and the total.
    pub fn reference_query(&self, def: &CollectionDef, q: &Query) -> (Vec<String>, usize) {
        let all = self
            .a
            .get_all(def, &ListOptions::default())
            .unwrap()
            .records;
        let res = execute_query_by(all, q, |r| &r.data);
        (res.records.into_iter().map(|r| r.id).collect(), res.total)
    }
}
