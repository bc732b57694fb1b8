#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Reactive overhead per write: a patch through the plain adapter, and the same patch
//! (plus the flush that delivers it) through a reactive adapter with no subscriptions
//! and with 100 live query subscriptions, in-memory SQLite.
//!
//! `cargo bench -p less-db --bench reactive -- --warm-up-time 1 --measurement-time 3`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::query::{Filter, Query, SortEntry};
use less_db::reactive::{ReactiveAdapter, Subscription};
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageSync, StorageWrite};
use less_db::types::{PatchOptions, PutOptions};
use serde_json::json;

/// Records in the collection; `group` takes values 0..GROUPS, 10 records each.
const RECORDS: usize = 1_000;
const GROUPS: usize = 100;
/// Live query subscriptions, one per group 0..QUERIES.
const QUERIES: usize = 100;

fn items() -> Arc<CollectionDef> {
    collection("items")
        .v(
            1,
            t::object([
                ("group", t::number()),
                ("score", t::number()),
                ("note", t::string()),
            ]),
        )
        .index(IndexSpec::on(["group"]).named("group"))
        .build()
        .unwrap()
}

fn seeded() -> Adapter<SqliteBackend> {
    let def = items();
    let adapter = Adapter::open(
        SqliteBackend::open_in_memory().unwrap(),
        std::slice::from_ref(&def),
    )
    .unwrap();
    let records = (0..RECORDS)
        .map(|i| json!({ "id": format!("item-{i:05}"), "group": i % GROUPS, "score": i, "note": "n" }))
        .collect();
    let out = adapter
        .bulk_put(&def, records, &PutOptions::default())
        .unwrap();
    assert!(out.errors.is_empty());
    adapter
}

/// 100 queries `group == g` sorted by score, each holding 10 records.
fn subscribe(db: &ReactiveAdapter<SqliteBackend>, calls: &Arc<AtomicUsize>) -> Vec<Subscription> {
    let def = items();
    let subs = (0..QUERIES)
        .map(|g| {
            let calls = Arc::clone(calls);
            let q = Query::new()
                .filter(Filter::eq("group", g))
                .sort(SortEntry::desc("score"));
            db.observe_query(&def, q, move |r| {
                assert_eq!(r.total, RECORDS / GROUPS);
                calls.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    db.flush();
    subs
}

fn patch(id: &str, fields: serde_json::Value) -> (serde_json::Value, PatchOptions) {
    (
        fields,
        PatchOptions {
            id: id.to_string(),
            ..PatchOptions::default()
        },
    )
}

/// Times `iters` writes, each followed by an untimed `mark_synced` of the record, so
/// every write starts from the same state (a never-synced record keeps a growing log of
/// pending patches, which would make each write slower than the last).
fn timed_writes<S: StorageSync>(
    iters: u64,
    storage: &S,
    id: &str,
    mut write: impl FnMut(u64),
    mut after_reset: impl FnMut(),
) -> Duration {
    let def = items();
    let mut total = Duration::ZERO;
    for i in 0..iters {
        let start = Instant::now();
        write(i);
        total += start.elapsed();
        storage.mark_synced(&def, id, 1, None).unwrap();
        after_reset();
    }
    total
}

fn bench_writes(c: &mut Criterion) {
    let def = items();
    let mut g = c.benchmark_group("reactive_write");
    let mut n = 0_u64;

    let plain = seeded();
    g.bench_function("plain_adapter_patch", |b| {
        b.iter_custom(|iters| {
            timed_writes(
                iters,
                &plain,
                "item-00007",
                |_| {
                    n += 1;
                    let (data, opts) = patch("item-00007", json!({ "score": n }));
                    plain.patch(&def, data, &opts).unwrap();
                },
                || {},
            )
        })
    });

    let bare = ReactiveAdapter::new(seeded());
    g.bench_function("reactive_no_subscriptions_patch_flush", |b| {
        b.iter_custom(|iters| {
            timed_writes(
                iters,
                &bare,
                "item-00007",
                |_| {
                    n += 1;
                    let (data, opts) = patch("item-00007", json!({ "score": n }));
                    bare.patch(&def, data, &opts).unwrap();
                    bare.flush();
                },
                || {
                    bare.flush();
                },
            )
        })
    });

    let db = ReactiveAdapter::new(seeded());
    let calls = Arc::new(AtomicUsize::new(0));
    let _subs = subscribe(&db, &calls);

    // A record outside every result set, patched on the field every query sorts by:
    // each query checks the new data against its filter, and none re-runs.
    db.put(
        &def,
        json!({ "id": "loner", "group": 1000, "score": 0, "note": "n" }),
        &PutOptions::default(),
    )
    .unwrap();
    db.flush();
    let before = db.stats();
    g.bench_function("reactive_100_queries_patch_flush_unaffected", |b| {
        b.iter_custom(|iters| {
            timed_writes(
                iters,
                &db,
                "loner",
                |_| {
                    n += 1;
                    let (data, opts) = patch("loner", json!({ "score": n }));
                    db.patch(&def, data, &opts).unwrap();
                    db.flush();
                },
                || {
                    db.flush();
                },
            )
        })
    });
    assert_eq!(
        db.stats().queries_run,
        before.queries_run,
        "no query may re-run"
    );

    // A member of one query's results: that query re-runs and calls back once per
    // write (the untimed sync acknowledgement that follows refreshes it once more).
    let before = db.stats();
    let calls_before = calls.load(Ordering::Relaxed);
    g.bench_function("reactive_100_queries_patch_flush_one_affected", |b| {
        b.iter_custom(|iters| {
            timed_writes(
                iters,
                &db,
                "item-00007",
                |_| {
                    n += 1;
                    let (data, opts) = patch("item-00007", json!({ "score": n }));
                    db.patch(&def, data, &opts).unwrap();
                    db.flush();
                },
                || {
                    db.flush();
                },
            )
        })
    });
    let after = db.stats();
    assert!(after.queries_run > before.queries_run);
    assert_eq!(
        after.callbacks - before.callbacks,
        (calls.load(Ordering::Relaxed) - calls_before) as u64,
        "callbacks counted by the adapter and by the subscriptions agree"
    );
    g.finish();
}

criterion_group!(benches, bench_writes);
criterion_main!(benches);
