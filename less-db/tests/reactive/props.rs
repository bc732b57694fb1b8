//! Random writes (local puts, patches, deletes, remote records and tombstones, sync
//! acknowledgements) against a set of live subscriptions, flushing at random points.
//! After every flush each subscription's last delivery equals a fresh read, and it was
//! called back in that flush exactly when what it shows changed: never for a change it
//! cannot see, never twice for one flush, never missing one.

use less_db::query::{Filter, Operator, Query, QueryResult, SortEntry};
use less_db::reactive::Subscription;
use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};
use less_db::types::{ApplyRemoteOptions, DeleteOptions, GetOptions, StoredRecordWithMeta};
use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::sync::Arc;

use crate::common::*;

const IDS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
const TITLES: [&str; 3] = ["x", "y", "z"];

/// What a subscriber can see of a record.
type Shown = (String, u32, bool, bool, i64, Option<Value>, Value);
/// What a subscriber can see of a query result.
type ShownPage = (usize, Vec<Shown>);

fn shown(r: &StoredRecordWithMeta) -> Shown {
    (
        r.id.clone(),
        r.version,
        r.deleted,
        r.dirty,
        r.sequence,
        r.meta.clone(),
        r.data.clone(),
    )
}

fn shown_page(r: &QueryResult<StoredRecordWithMeta>) -> ShownPage {
    (r.total, r.records.iter().map(shown).collect())
}

fn queries() -> Vec<Query> {
    vec![
        Query::new()
            .filter(Filter::eq("done", false))
            .sort(SortEntry::asc("priority"))
            .sort(SortEntry::asc("title")),
        Query::new()
            .filter(Filter::ops("priority", vec![Operator::Gt(json!(2))]))
            .sort(SortEntry::desc("title"))
            .limit(2),
        Query::new()
            .filter(Filter::eq("title", "x"))
            .sort(SortEntry::asc("priority"))
            .offset(1),
        Query::new(),
    ]
}

struct Watched<T> {
    /// Every delivery, in order.
    log: Arc<Mutex<Vec<T>>>,
    _sub: Subscription,
}

fn random_todo(rng: &mut StdRng) -> Value {
    todo(
        TITLES[rng.random_range(0..TITLES.len())],
        rng.random_bool(0.5),
        rng.random_range(0..6),
    )
}

fn random_fields(rng: &mut StdRng) -> Value {
    let mut out = serde_json::Map::new();
    if rng.random_bool(0.5) {
        out.insert("title".into(), json!(TITLES[rng.random_range(0..3)]));
    }
    if rng.random_bool(0.5) {
        out.insert("done".into(), json!(rng.random_bool(0.5)));
    }
    if out.is_empty() || rng.random_bool(0.5) {
        out.insert("priority".into(), json!(rng.random_range(0..6)));
    }
    Value::Object(out)
}

/// One random write; failures (a deleted id, a missing record) are part of the game.
fn random_write(rng: &mut StdRng, db: &Db, sequence: &mut i64) {
    let def = todos();
    let id = IDS[rng.random_range(0..IDS.len())];
    match rng.random_range(0..10) {
        0..=2 => {
            let mut data = random_todo(rng);
            data["id"] = json!(id);
            let _ = db.put(&def, data, &put_opts());
        }
        3..=4 => {
            let _ = db.patch(&def, random_fields(rng), &patch_opts(id));
        }
        5 => {
            let _ = db.delete(&def, id, &DeleteOptions::default());
        }
        6..=7 => {
            *sequence += 1;
            let remote = if rng.random_bool(0.8) {
                let fields = if db.get(&def, id, &GetOptions::default()).unwrap().is_some() {
                    random_fields(rng)
                } else {
                    random_todo(rng)
                };
                remote_todo(db, id, fields, *sequence)
            } else {
                remote_tombstone(id, *sequence)
            };
            let _ = db.apply_remote_changes(&def, &[remote], &ApplyRemoteOptions::default());
        }
        8 => {
            *sequence += 1;
            let _ = db.mark_synced(&def, id, *sequence, None);
        }
        _ => {
            // Another collection: never visible to these subscriptions.
            let _ = db.put(&notes(), json!({"body": "elsewhere"}), &put_opts());
        }
    }
}

/// Returns how many subscription checks saw a callback and how many saw none.
fn run_seed(seed: u64, steps: usize) -> (usize, usize) {
    let (mut fired, mut silent) = (0, 0);
    let db = open();
    let def = todos();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut sequence = 0;
    for _ in 0..3 {
        random_write(&mut rng, &db, &mut sequence);
    }

    let watched_queries: Vec<(Query, Watched<ShownPage>)> = queries()
        .into_iter()
        .map(|q| {
            let log: Arc<Mutex<Vec<ShownPage>>> = Arc::default();
            let sink = log.clone();
            let sub = db.observe_query(&def, q.clone(), move |r| sink.lock().push(shown_page(r)));
            (q, Watched { log, _sub: sub })
        })
        .collect();
    let watched_records: Vec<(&str, Watched<Option<Shown>>)> = IDS[..4]
        .iter()
        .map(|&id| {
            let log: Arc<Mutex<Vec<Option<Shown>>>> = Arc::default();
            let sink = log.clone();
            let sub = db.observe(&def, id, move |r| sink.lock().push(r.map(shown)));
            (id, Watched { log, _sub: sub })
        })
        .collect();

    for step in 0..=steps {
        if step > 0 {
            random_write(&mut rng, &db, &mut sequence);
            if !rng.random_bool(0.4) {
                continue;
            }
        }
        let before_q: Vec<(usize, Option<ShownPage>)> = watched_queries
            .iter()
            .map(|(_, w)| {
                let log = w.log.lock();
                (log.len(), log.last().cloned())
            })
            .collect();
        let before_r: Vec<(usize, Option<Option<Shown>>)> = watched_records
            .iter()
            .map(|(_, w)| {
                let log = w.log.lock();
                (log.len(), log.last().cloned())
            })
            .collect();
        db.flush();

        for ((q, w), (calls, last)) in watched_queries.iter().zip(before_q) {
            let fresh = shown_page(&db.query(&def, q).unwrap());
            let log = w.log.lock();
            let changed = last.as_ref() != Some(&fresh);
            if changed {
                fired += 1;
            } else {
                silent += 1;
            }
            assert_eq!(
                log.len() - calls,
                usize::from(changed),
                "seed {seed} step {step}: calls for {q:?}"
            );
            assert_eq!(log.last(), Some(&fresh), "seed {seed} step {step}: {q:?}");
        }
        for ((id, w), (calls, last)) in watched_records.iter().zip(before_r) {
            let fresh = db
                .get(&def, id, &GetOptions::default())
                .unwrap()
                .map(|r| shown(&r));
            let log = w.log.lock();
            let changed = last.as_ref() != Some(&fresh);
            if changed {
                fired += 1;
            } else {
                silent += 1;
            }
            assert_eq!(
                log.len() - calls,
                usize::from(changed),
                "seed {seed} step {step}: calls for record {id}"
            );
            assert_eq!(log.last(), Some(&fresh), "seed {seed} step {step}: {id}");
        }
    }
    (fired, silent)
}

#[test]
fn subscriptions_fire_exactly_when_what_they_show_changes_over_random_writes() {
    let (mut fired, mut silent) = (0, 0);
    for seed in 0..60 {
        let (f, s) = run_seed(seed, 40);
        fired += f;
        silent += s;
    }
    assert!(
        fired > 500 && silent > 500,
        "fired {fired}, silent {silent}"
    );
}

#[test]
#[ignore = "soak: run with --ignored in release"]
fn subscriptions_fire_exactly_when_what_they_show_changes_soak() {
    for seed in 0..5_000 {
        run_seed(10_000 + seed, 80);
    }
}
