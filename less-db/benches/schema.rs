//! Schema validation speed: `validate_shape` of a 20-field record, plus the invalid
//! path (every failure collected) and the diff of two versions of the record.
//!
//! `cargo bench -p less-db --bench schema -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use less_db::patch::diff;
use less_db::schema::node::{SchemaNode, t};
use less_db::schema::validate::validate_shape;
use serde_json::{Value, json};

fn schema() -> SchemaNode {
    t::object([
        ("id", t::key()),
        ("createdAt", t::created_at()),
        ("updatedAt", t::updated_at()),
        ("email", t::string()),
        ("first_name", t::string()),
        ("last_name", t::string()),
        ("bio", t::text()),
        ("age", t::optional(t::number())),
        ("score", t::number()),
        ("active", t::boolean()),
        ("birthday", t::date()),
        ("avatar", t::optional(t::bytes())),
        (
            "role",
            t::union([t::literal("admin"), t::literal("user"), t::literal("guest")]),
        ),
        ("tags", t::array(t::string())),
        ("prefs", t::record(t::boolean())),
        (
            "address",
            t::object([
                ("street", t::string()),
                ("city", t::string()),
                ("zip", t::string()),
            ]),
        ),
        (
            "phones",
            t::array(t::object([("kind", t::string()), ("number", t::string())])),
        ),
        ("nickname", t::optional(t::string())),
        ("last_login", t::optional(t::date())),
        ("rank", t::union([t::number(), t::string()])),
    ])
}

fn record() -> Value {
    json!({
        "id": "0b7e1c2a-5d43-4f8e-9a61-3c2d1e0f9b87",
        "createdAt": "2024-01-15T10:30:00.000Z",
        "updatedAt": "2024-03-01T08:00:00.000Z",
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "bio": "Writes Rust and climbs rocks.",
        "age": 34,
        "score": 98.5,
        "active": true,
        "birthday": "1990-06-01T00:00:00Z",
        "avatar": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        "role": "user",
        "tags": ["rust", "climbing", "coffee"],
        "prefs": {"dark_mode": true, "emails": false},
        "address": {"street": "1 Main St", "city": "Springfield", "zip": "12345"},
        "phones": [{"kind": "home", "number": "555-0100"}, {"kind": "work", "number": "555-0101"}],
        "nickname": null,
        "last_login": "2024-03-01T07:59:00.000Z",
        "rank": 3
    })
}

fn bench(c: &mut Criterion) {
    let s = schema();
    let good = record();
    assert!(validate_shape(&s, &good).is_ok());
    let mut bad = good.clone();
    bad["email"] = json!(1);
    bad["birthday"] = json!("not a date");
    bad["tags"] = json!(["ok", 2]);
    assert_eq!(validate_shape(&s, &bad).unwrap_err().0.len(), 3);
    let mut changed = good.clone();
    changed["address"]["city"] = json!("Shelbyville");
    changed["tags"] = json!(["rust"]);

    c.bench_function("validate_shape 20-field record (valid)", |b| {
        b.iter(|| validate_shape(black_box(&s), black_box(&good)))
    });
    c.bench_function("validate_shape 20-field record (3 errors)", |b| {
        b.iter(|| validate_shape(black_box(&s), black_box(&bad)))
    });
    c.bench_function("diff 20-field record (2 changes)", |b| {
        b.iter(|| diff(black_box(&s), black_box(&good), black_box(&changed)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
