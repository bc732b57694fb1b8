#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Sync of 1,000 dirty records through the in-memory reference server, SQLite in
//! memory on both sides: one device pushes them all, a second device pulls them all.
//! Only the sync is timed; building the devices and writing the records is setup.
//!
//! `cargo bench -p less-db --bench sync -- --warm-up-time 1 --measurement-time 3`

use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::StorageWrite;
use less_db::sync::{MemoryServer, SyncManager};
use less_db::types::PutOptions;
use serde_json::json;

const RECORDS: usize = 1_000;

fn tasks() -> Arc<CollectionDef> {
    collection("tasks")
        .v(
            1,
            t::object([
                ("title", t::string()),
                ("done", t::boolean()),
                ("notes", t::text()),
                ("priority", t::number()),
            ]),
        )
        .index(IndexSpec::on(["done"]).named("done"))
        .build()
        .unwrap()
}

struct Device {
    db: Arc<Adapter<SqliteBackend>>,
    sync: SyncManager,
}

fn device(server: &MemoryServer, name: &str, def: &Arc<CollectionDef>) -> Device {
    let backend = SqliteBackend::open_in_memory().unwrap();
    let db = Arc::new(Adapter::open(backend, std::slice::from_ref(def)).unwrap());
    let sync = SyncManager::new(Arc::new(server.client(name)), db.clone(), vec![def.clone()]);
    Device { db, sync }
}

/// A device holding `RECORDS` records never synced (all dirty).
fn dirty_device(server: &MemoryServer, def: &Arc<CollectionDef>) -> Device {
    let d = device(server, "writer", def);
    let records = (0..RECORDS)
        .map(|i| {
            json!({
                "id": format!("task-{i:05}"),
                "title": format!("Task number {i}"),
                "done": i % 3 == 0,
                "notes": "some collaborative notes on the task",
                "priority": i % 5,
            })
        })
        .collect();
    let out = d.db.bulk_put(def, records, &PutOptions::default()).unwrap();
    assert!(out.errors.is_empty());
    d
}

/// Drives a sync future: the memory transport answers at once, so no runtime is needed.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

fn bench_sync(c: &mut Criterion) {
    let def = tasks();
    let mut g = c.benchmark_group("sync_1000_records");
    g.sample_size(10);

    g.bench_function("push_dirty", |b| {
        b.iter_batched(
            || {
                let server = MemoryServer::new();
                let d = dirty_device(&server, &def);
                (server, d)
            },
            |(server, d)| {
                let res = block_on(d.sync.push(&def));
                assert_eq!(res.pushed, RECORDS, "{:?}", res.errors);
                (server, d)
            },
            BatchSize::PerIteration,
        )
    });

    // The server is filled once; every iteration pulls into a fresh device.
    let server = MemoryServer::new();
    let writer = dirty_device(&server, &def);
    assert_eq!(block_on(writer.sync.push(&def)).pushed, RECORDS);
    g.bench_function("pull_on_second_device", |b| {
        b.iter_batched(
            || device(&server, "reader", &def),
            |d| {
                let res = block_on(d.sync.pull(&def));
                assert_eq!(res.pulled, RECORDS, "{:?}", res.errors);
                d
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function("push_then_pull_round_trip", |b| {
        b.iter_batched(
            || {
                let server = MemoryServer::new();
                let w = dirty_device(&server, &def);
                let r = device(&server, "reader", &def);
                (server, w, r)
            },
            |(server, w, r)| {
                assert_eq!(block_on(w.sync.push(&def)).pushed, RECORDS);
                assert_eq!(block_on(r.sync.pull(&def)).pulled, RECORDS);
                (server, w, r)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_sync);
criterion_main!(benches);
