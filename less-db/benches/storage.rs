#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Storage benchmarks: the adapter over in-memory SQLite next to raw rusqlite doing
//! the same work on the same table layout and indexes.
//!
//! `cargo bench -p less-db --bench storage -- --warm-up-time 1 --measurement-time 3`

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, params};
use serde_json::{Value, json};

const FIXTURE: usize = 100_000;
const BULK: usize = 10_000;

/// A ~250-byte user record.
fn user(i: usize) -> Value {
    json!({
        "id": format!("user-{i:08}"),
        "email": format!("user{i}@example.com"),
        "name": format!("User Number {i}"),
        "age": (i * 7919) % 90 + 10,
        "bio": "Likes long walks, short benchmarks and predictable latency.",
        "tags": ["alpha", "beta"],
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-01T00:00:00.000Z",
    })
}

/// Raw rusqlite with the backend's table layout and the two user indexes.
fn raw_conn() -> Connection {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(
        "PRAGMA cache_size = -65536;
         CREATE TABLE records_users (id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL DEFAULT 1,
           data TEXT NOT NULL, crdt BLOB NOT NULL DEFAULT x'', pending_patches BLOB NOT NULL DEFAULT x'',
           sequence INTEGER NOT NULL DEFAULT -1, dirty INTEGER NOT NULL DEFAULT 0,
           deleted INTEGER NOT NULL DEFAULT 0, deleted_at TEXT, meta TEXT, computed TEXT);
         CREATE INDEX records_users__sys_deleted ON records_users(deleted);
         CREATE INDEX records_users__ix_email ON records_users(deleted, json_extract(data, '$.email') ASC);
         CREATE INDEX records_users__ix_age ON records_users(deleted, json_extract(data, '$.age') ASC);",
    )
    .unwrap();
    c
}

fn raw_insert(c: &Connection, rows: &[(String, String)]) {
    c.execute_batch("BEGIN").unwrap();
    {
        let mut st = c
            .prepare_cached("INSERT INTO records_users (id, data, dirty) VALUES (?1, ?2, 1)")
            .unwrap();
        for (id, data) in rows {
            st.execute(params![id, data]).unwrap();
        }
    }
    c.execute_batch("COMMIT").unwrap();
}

fn raw_rows(range: std::ops::Range<usize>) -> Vec<(String, String)> {
    range
        .map(|i| {
            let v = user(i);
            (v["id"].as_str().unwrap().to_string(), v.to_string())
        })
        .collect()
}

fn raw_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("raw");
    g.bench_function("bulk_insert_10k", |b| {
        b.iter_batched(
            || (raw_conn(), raw_rows(0..BULK)),
            |(conn, rows)| raw_insert(&conn, &rows),
            BatchSize::PerIteration,
        )
    });
    let conn = raw_conn();
    raw_insert(&conn, &raw_rows(0..FIXTURE));
    g.bench_function("get_by_id", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 7919) % FIXTURE;
            let mut st = conn
                .prepare_cached("SELECT id, version, data, crdt FROM records_users WHERE id = ?1")
                .unwrap();
            let (data, crdt): (String, Vec<u8>) = st
                .query_row([format!("user-{i:08}")], |r| Ok((r.get(2)?, r.get(3)?)))
                .unwrap();
            let v: Value = serde_json::from_str(&data).unwrap();
            (v, crdt)
        })
    });
    g.bench_function("unique_email_lookup", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 7919) % FIXTURE;
            let mut st = conn
                .prepare_cached("SELECT id, data FROM records_users WHERE deleted = 0 AND json_extract(data, '$.email') = ?1")
                .unwrap();
            let data: String = st
                .query_row([format!("user{i}@example.com")], |r| r.get(1))
                .unwrap();
            serde_json::from_str::<Value>(&data).unwrap()
        })
    });
    g.bench_function("age_range_limit_50", |b| {
        b.iter(|| {
            let mut st = conn
                .prepare_cached("SELECT id, data FROM records_users WHERE deleted = 0 AND json_extract(data, '$.age') >= ?1 AND json_extract(data, '$.age') < ?2 ORDER BY json_extract(data, '$.age') ASC LIMIT 50")
                .unwrap();
            let rows: Vec<Value> = st
                .query_map(params![30, 60], |r| r.get::<_, String>(1))
                .unwrap()
                .map(|s| serde_json::from_str(&s.unwrap()).unwrap())
                .collect();
            assert_eq!(rows.len(), 50);
            rows
        })
    });
    g.bench_function("count", |b| {
        b.iter(|| {
            let n: i64 = conn
                .prepare_cached("SELECT count(*) FROM records_users WHERE deleted = 0")
                .unwrap()
                .query_row([], |r| r.get(0))
                .unwrap();
            n
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    targets = raw_benches
}
criterion_main!(benches);
