#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Storage benchmarks: the adapter over in-memory SQLite next to raw rusqlite doing
//! the same work on the same table layout and indexes.
//!
//! `cargo bench -p less-db --bench storage -- --warm-up-time 1 --measurement-time 3`

use std::time::Duration;

use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::crdt;
use less_db::query::{Filter, Query, SortEntry};
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};
use less_db::types::{ApplyRemoteOptions, GetOptions, PatchOptions, PutOptions, RemoteRecord};
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
    // What the adapter's `total` costs: counting the same range in SQL.
    g.bench_function("age_range_count", |b| {
        b.iter(|| {
            let n: i64 = conn
                .prepare_cached("SELECT count(*) FROM records_users WHERE deleted = 0 AND json_extract(data, '$.age') >= ?1 AND json_extract(data, '$.age') < ?2")
                .unwrap()
                .query_row(params![30, 60], |r| r.get(0))
                .unwrap();
            n
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

/// The `users` collection: unique index on email, index on age.
fn users_def() -> Arc<CollectionDef> {
    collection("users")
        .v(
            1,
            t::object([
                ("email", t::string()),
                ("name", t::string()),
                ("age", t::number()),
                ("bio", t::string()),
                ("tags", t::array(t::string())),
            ]),
        )
        .index(IndexSpec::on(["email"]).unique())
        .index("age")
        .build()
        .unwrap()
}

fn adapter() -> (Adapter<SqliteBackend>, Arc<CollectionDef>) {
    let def = users_def();
    let a = Adapter::open(
        SqliteBackend::open_in_memory().unwrap(),
        std::slice::from_ref(&def),
    )
    .unwrap();
    (a, def)
}

fn adapter_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("adapter");
    g.bench_function("bulk_put_10k", |b| {
        b.iter_batched(
            || {
                let (a, def) = adapter();
                (a, def, (0..BULK).map(user).collect::<Vec<_>>())
            },
            |(a, def, rows)| {
                let res = a.bulk_put(&def, rows, &PutOptions::default()).unwrap();
                assert!(res.errors.is_empty());
            },
            BatchSize::PerIteration,
        )
    });
    {
        let (a, def) = adapter();
        let mut i = FIXTURE;
        g.bench_function("single_put", |b| {
            b.iter(|| {
                i += 1;
                a.put(&def, user(i), &PutOptions::default()).unwrap()
            })
        });
    }
    let (a, def) = adapter();
    for chunk in (0..FIXTURE).collect::<Vec<_>>().chunks(10_000) {
        let rows = chunk.iter().map(|&i| user(i)).collect();
        a.bulk_put(&def, rows, &PutOptions::default()).unwrap();
    }
    g.bench_function("get_by_id", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 7919) % FIXTURE;
            a.get(&def, &format!("user-{i:08}"), &GetOptions::default())
                .unwrap()
                .unwrap()
        })
    });
    g.bench_function("unique_email_lookup", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 7919) % FIXTURE;
            let q = Query::new().filter(Filter::eq("email", format!("user{i}@example.com")));
            let res = a.query(&def, &q).unwrap();
            assert_eq!(res.records.len(), 1);
            res
        })
    });
    g.bench_function("age_range_limit_50", |b| {
        let q = Query::new()
            .filter(Filter::from_value(&json!({"age": {"$gte": 30, "$lt": 60}})).unwrap())
            .sort(SortEntry::asc("age"))
            .limit(50);
        b.iter(|| {
            let res = a.query(&def, &q).unwrap();
            assert_eq!(res.records.len(), 50);
            res
        })
    });
    g.bench_function("count", |b| b.iter(|| a.count(&def, None).unwrap()));

    // Remote changes: a clean record takes the remote state; a dirty one merges.
    let remote_of = |i: usize, seq: i64| {
        let mut v = user(i);
        v["name"] = json!(format!("Remote {seq}"));
        let sid = crdt::MIN_SESSION_ID + 7;
        let model = crdt::create_model(&def.current_schema, &v, sid).unwrap();
        RemoteRecord {
            id: format!("user-{i:08}"),
            version: 1,
            crdt: Some(model.to_binary()),
            deleted: false,
            sequence: seq,
            meta: None,
        }
    };
    let mut seq = 1_000i64;
    g.bench_function("apply_remote_change", |b| {
        b.iter_batched(
            || {
                seq += 1;
                remote_of(FIXTURE + 1_000 + (seq as usize % 5_000), seq)
            },
            |r| {
                a.apply_remote_changes(&def, &[r], &ApplyRemoteOptions::default())
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("apply_remote_change_merge_dirty", |b| {
        b.iter_batched(
            || {
                seq += 1;
                let i = (seq as usize * 7919) % FIXTURE;
                let id = format!("user-{i:08}");
                a.patch(
                    &def,
                    json!({"bio": format!("edit {seq}")}),
                    &PatchOptions {
                        id,
                        ..Default::default()
                    },
                )
                .unwrap();
                remote_of(i, seq)
            },
            |r| {
                a.apply_remote_changes(&def, &[r], &ApplyRemoteOptions::default())
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    targets = raw_benches, adapter_benches
}
criterion_main!(benches);
