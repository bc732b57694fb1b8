#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The cost of the typed layer: typed put/get/query next to the value API doing the
//! same work on the same database, collection and data.
//!
//! `cargo bench -p less-db --bench typed -- --warm-up-time 1 --measurement-time 3`

use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use less_db::prelude::*;
use less_db::types::{GetOptions, PutOptions};
use serde_json::{Value, json};

const FIXTURE: usize = 10_000;

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
#[collection(name = "users")]
#[index(email, unique)]
#[index(age)]
#[serde(rename_all = "camelCase")]
struct User {
    #[key]
    id: String,
    email: String,
    name: String,
    age: u32,
    bio: String,
    tags: Vec<String>,
    #[created_at]
    created_at: DateTime<Utc>,
    #[updated_at]
    updated_at: DateTime<Utc>,
}

const BIO: &str = "Likes long walks, short benchmarks and predictable latency.";

fn age(i: usize) -> u32 {
    u32::try_from((i * 7919) % 90 + 10).unwrap()
}

fn typed_user(i: usize) -> User {
    User {
        id: format!("user-{i:08}"),
        email: format!("user{i}@example.com"),
        name: format!("User Number {i}"),
        age: age(i),
        bio: BIO.into(),
        tags: vec!["alpha".into(), "beta".into()],
        ..User::default()
    }
}

fn value_user(i: usize) -> Value {
    json!({
        "id": format!("user-{i:08}"),
        "email": format!("user{i}@example.com"),
        "name": format!("User Number {i}"),
        "age": age(i),
        "bio": BIO,
        "tags": ["alpha", "beta"],
    })
}

fn fixture() -> Database {
    let db = Database::in_memory([User::def()]).unwrap();
    let batch = db
        .collection::<User>()
        .bulk_put(&(0..FIXTURE).map(typed_user).collect::<Vec<_>>())
        .unwrap();
    assert!(batch.errors.is_empty());
    db
}

fn puts(c: &mut Criterion) {
    let def = User::def();
    let mut g = c.benchmark_group("put");
    // Each variant writes into its own database of the same starting size: sharing one
    // would make the second variant write into a table the first one grew.
    let db = fixture();
    let next = AtomicUsize::new(FIXTURE);
    g.bench_function("value", |b| {
        b.iter(|| {
            let i = next.fetch_add(1, Ordering::Relaxed);
            db.adapter()
                .put(&def, value_user(i), &PutOptions::default())
                .unwrap()
        });
    });
    let db = fixture();
    let users = db.collection::<User>();
    let next = AtomicUsize::new(FIXTURE);
    g.bench_function("typed", |b| {
        b.iter(|| {
            let i = next.fetch_add(1, Ordering::Relaxed);
            users.put(&typed_user(i)).unwrap()
        });
    });
    g.finish();
}

fn gets(c: &mut Criterion) {
    let db = fixture();
    let users = db.collection::<User>();
    let def = User::def();
    let ids: Vec<String> = (0..1000).map(|i| format!("user-{:08}", i * 7)).collect();
    let mut g = c.benchmark_group("get");
    let mut n = 0;
    g.bench_function("value", |b| {
        b.iter(|| {
            n = (n + 1) % ids.len();
            db.adapter()
                .get(&def, &ids[n], &GetOptions::default())
                .unwrap()
                .unwrap()
                .data
        });
    });
    g.bench_function("typed", |b| {
        b.iter(|| {
            n = (n + 1) % ids.len();
            users.get(&ids[n]).unwrap().unwrap()
        });
    });
    g.finish();
}

fn queries(c: &mut Criterion) {
    let db = fixture();
    let users = db.collection::<User>();
    let def = User::def();
    let value_query = Query::from_value(&json!({
        "filter": {"age": {"$gte": 30, "$lte": 35}},
        "sort": [{"field": "age", "direction": "desc"}],
        "limit": 50
    }))
    .unwrap();
    let f = User::fields();
    let typed_query = f.age.between(30, 35).sort_by(f.age.desc()).limit(50);
    assert_eq!(typed_query.as_query(), &value_query);
    let mut g = c.benchmark_group("query_range_limit50");
    g.bench_function("value", |b| {
        b.iter(|| {
            let r = db.adapter().query(&def, &value_query).unwrap();
            r.records.into_iter().map(|r| r.data).collect::<Vec<_>>()
        });
    });
    g.bench_function("typed", |b| {
        b.iter(|| users.query(typed_query.clone()).unwrap());
    });
    g.finish();
}

criterion_group!(benches, puts, gets, queries);
criterion_main!(benches);
