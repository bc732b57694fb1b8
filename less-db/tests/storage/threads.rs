//! One adapter shared by eight threads doing mixed work ends consistent.
use less_db::storage::traits::{StorageRead, StorageWrite};

use std::collections::HashMap;
use std::sync::Arc;
use std::thread;

use less_db::error::{LessDbError, StorageError};
use less_db::query::{Filter, Query, SortEntry};
use less_db::types::{DeleteOptions, GetOptions, ListOptions, PatchOptions};
use serde_json::json;

use crate::fixtures::{Db, put_opts, users_def};

const THREADS: usize = 8;
const OPS: usize = 150;

/// Tiny deterministic generator so every run does the same mix.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn eight_threads_of_mixed_work_leave_a_consistent_store() {
    let db = Arc::new(Db::memory());
    let def = users_def();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let db = Arc::clone(&db);
            let def = Arc::clone(&def);
            thread::spawn(move || {
                let mut rng = Lcg(t as u64 + 1);
                // Expected final state of this thread's own records: id -> Some(age) or None (deleted).
                let mut mine: HashMap<String, Option<i64>> = HashMap::new();
                for op in 0..OPS {
                    let id = format!("t{t}-{}", rng.next() % 20);
                    match rng.next() % 5 {
                        0 | 1 => {
                            let age = (op % 90) as i64;
                            let res = db.a.put(
                                &def,
                                json!({"id": id, "name": format!("n{t}"), "email": format!("{id}@x.io"), "age": age}),
                                &put_opts(),
                            );
                            match res {
                                Ok(_) => {
                                    mine.insert(id, Some(age));
                                }
                                Err(LessDbError::Storage(StorageError::Deleted { .. })) => {
                                    assert_eq!(mine.get(&id), Some(&None));
                                }
                                Err(e) => panic!("put {id}: {e}"),
                            }
                        }
                        2 => {
                            let age = 1000 + op as i64;
                            let res = db.a.patch(&def, json!({"age": age}), &PatchOptions { id: id.clone(), ..Default::default() });
                            match res {
                                Ok(_) => {
                                    mine.insert(id, Some(age));
                                }
                                Err(LessDbError::Storage(StorageError::NotFound { .. } | StorageError::Deleted { .. })) => {
                                    assert!(!matches!(mine.get(&id), Some(Some(_))), "patch lost {id}");
                                }
                                Err(e) => panic!("patch {id}: {e}"),
                            }
                        }
                        3 => {
                            let deleted = db.a.delete(&def, &id, &DeleteOptions::default()).unwrap();
                            assert_eq!(deleted, matches!(mine.get(&id), Some(Some(_))), "delete {id}");
                            if deleted {
                                mine.insert(id, None);
                            }
                        }
                        _ => {
                            let q = Query::new()
                                .filter(Filter::from_value(&json!({"age": {"$gte": 10}})).unwrap())
                                .sort(SortEntry::asc("age"))
                                .limit(10);
                            let res = db.a.query(&def, &q).unwrap();
                            assert!(res.records.len() <= 10);
                            assert!(res.records.windows(2).all(|w| w[0].data["age"].as_i64() <= w[1].data["age"].as_i64()));
                        }
                    }
                }
                mine
            })
        })
        .collect();
    let mut expected: HashMap<String, Option<i64>> = HashMap::new();
    for h in handles {
        expected.extend(h.join().unwrap());
    }
    for (id, want) in &expected {
        let got = db.a.get(&def, id, &GetOptions::default()).unwrap();
        assert_eq!(got.map(|r| r.data["age"].as_i64().unwrap()), *want, "{id}");
    }
    let live = expected.values().filter(|v| v.is_some()).count();
    assert_eq!(db.a.count(&def, None).unwrap(), live);
    assert_eq!(
        db.a.get_all(&def, &ListOptions::default())
            .unwrap()
            .records
            .len(),
        live
    );
    assert_eq!(db.a.backend().integrity_check().unwrap(), "ok");
}
