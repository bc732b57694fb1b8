//! Filter evaluation and planning speed.
//!
//! `cargo bench -p less-db --bench query -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use less_db::index::plan_query;
use less_db::index::types::{
    ComputedIndex, FieldIndex, IndexDefinition, IndexField, SortDirection,
};
use less_db::query::execute::execute_query_by;
use less_db::query::operators::matches_filter;
use less_db::query::types::{Filter, Query};
use serde_json::{Value, json};

const RECORDS: usize = 100_000;

fn records() -> Vec<Value> {
    let statuses = ["active", "pending", "closed", "archived"];
    (0..RECORDS)
        .map(|i| {
            json!({
                "id": format!("rec-{i:06}"),
                "name": format!("user {i}"),
                "email": format!("user{i}@example.com"),
                "status": statuses[i % statuses.len()],
                "age": (i * 7919) % 90,
                "score": ((i * 104_729) % 1000) as f64 / 10.0,
                "tags": ["a", if i % 3 == 0 { "vip" } else { "std" }],
                "address": {"city": if i % 5 == 0 { "Portland" } else { "Salem" }},
                "createdAt": format!("2024-{:02}-{:02}T00:00:00.000Z", 1 + i % 12, 1 + i % 28),
            })
        })
        .collect()
}

fn field(name: &str, fields: &[&str], unique: bool) -> IndexDefinition {
    IndexDefinition::Field(FieldIndex {
        name: name.into(),
        fields: fields
            .iter()
            .map(|f| IndexField {
                field: (*f).into(),
                order: SortDirection::Asc,
            })
            .collect(),
        unique,
        sparse: false,
    })
}

fn five_indexes() -> Vec<IndexDefinition> {
    vec![
        field("email", &["email"], true),
        field("status", &["status"], false),
        field("status_created", &["status", "createdAt"], false),
        field("age", &["age"], false),
        IndexDefinition::Computed(ComputedIndex {
            name: "email_lower".into(),
            compute: Arc::new(|d: &Value| {
                d.get("email")
                    .and_then(Value::as_str)
                    .map(|s| Value::String(s.to_lowercase()))
            }),
            unique: true,
            sparse: false,
        }),
    ]
}

fn bench_matches(c: &mut Criterion) {
    let recs = records();
    let filter = Filter::from_value(&json!({
        "status": "active",
        "age": {"$gte": 30, "$lt": 60},
        "address.city": "Portland"
    }))
    .unwrap();
    let mut g = c.benchmark_group("matches_filter");
    g.throughput(Throughput::Elements(RECORDS as u64));
    g.bench_function("100k_records_3_conditions", |b| {
        b.iter(|| {
            recs.iter()
                .filter(|r| matches_filter(r, black_box(&filter)))
                .count()
        })
    });
    let query = Query::from_value(&json!({
        "filter": {"status": "active", "age": {"$gte": 30, "$lt": 60}, "address.city": "Portland"},
        "sort": [{"field": "score", "direction": "desc"}],
        "limit": 50
    }))
    .unwrap();
    g.bench_function("100k_records_execute_sort_limit", |b| {
        b.iter(|| execute_query_by(recs.iter().collect(), black_box(&query), |r| *r).total)
    });
    g.finish();
}

fn bench_plan(c: &mut Criterion) {
    let indexes = five_indexes();
    let queries = [
        (
            "unique_equality",
            json!({"filter": {"email": "user1@example.com"}}),
        ),
        (
            "compound_range_sort",
            json!({"filter": {"status": "active", "createdAt": {"$gte": "2024-03-01"}}, "sort": "createdAt", "limit": 20}),
        ),
        ("sort_only", json!({"sort": "age", "limit": 20})),
        (
            "or_and_residual",
            json!({"filter": {"status": {"$in": ["active", "pending"]}, "$or": [{"age": 1}, {"tags": {"$contains": "vip"}}]}}),
        ),
    ];
    let mut g = c.benchmark_group("plan_query_5_indexes");
    for (name, q) in queries {
        let query = Query::from_value(&q).unwrap();
        g.bench_function(name, |b| b.iter(|| plan_query(black_box(&query), &indexes)));
    }
    g.finish();
}

criterion_group!(benches, bench_matches, bench_plan);
criterion_main!(benches);
