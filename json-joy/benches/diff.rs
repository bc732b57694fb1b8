#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `Model::diff` benchmarks on the inputs tools/interop/bench-diff.mjs times in JS:
//! `cargo bench -p json-joy --bench diff -- --warm-up-time 1 --measurement-time 3`, then
//! `node tools/interop/bench-diff.mjs` prints JS timings and the JS/Rust ratios.

use criterion::{Criterion, criterion_group, criterion_main};
use json_joy::json_crdt::Model;
use serde_json::{Value, json};
use std::hint::black_box;

/// A ~1 KB record; the same generator as bench-diff.mjs.
fn record(i: usize) -> Value {
    json!({
        "id": format!("rec-{i}"),
        "name": format!("Name {i}"),
        "email": format!("user{i}@example.com"),
        "age": i % 90,
        "active": i.is_multiple_of(2),
        "score": i as f64 * 1.5,
        "tags": ["alpha", "beta", "gamma"],
        "address": {"street": format!("{i} Main St"), "city": "Springfield", "zip": format!("{}", 10000 + i)},
        "bio": "lorem ipsum dolor sit amet ".repeat(26),
    })
}

const PIECE: &str = "The quick brown fox jumps over the lazy dog 😀. ";

/// The (before, after) pairs; bench-diff.mjs builds the same ones.
fn cases() -> Vec<(&'static str, Value, Value)> {
    let rec = record(1);
    let mut rec2 = rec.clone();
    rec2["age"] = json!(99);

    // ~100 KB of text with an emoji per sentence; five characters inserted mid-word
    // in the middle.
    let text = PIECE.repeat(2100);
    let mid = PIECE.len() * 1050 + 6;
    let edited = format!("{}Hello{}", &text[..mid], &text[mid..]);

    // 10,000 numbers; 4 replaced, 3 inserted, 3 deleted, spread over the array.
    let a: Vec<Value> = (0..10_000).map(Value::from).collect();
    let mut b = a.clone();
    for k in 0..4 {
        b[500 + k * 2500] = json!(-1 - k as i64);
    }
    for k in 0..3 {
        b.insert(1200 + k * 3000, json!(100_000 + k));
    }
    for k in 0..3 {
        b.remove(2000 + k * 3000);
    }
    vec![
        ("record_1kb", rec, rec2),
        ("text_100kb", Value::String(text), Value::String(edited)),
        ("array_10k", Value::Array(a), Value::Array(b)),
    ]
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff");
    for (name, a, b) in cases() {
        let mut m = Model::create(123_456);
        m.set_root(&a);
        let p = m.diff(&b).unwrap();
        let mut check = m.clone_model();
        check.apply_patch(&p);
        assert_eq!(check.view(), b, "{name}: diff does not reach the target");
        g.bench_function(name, |bch| bch.iter(|| black_box(m.diff(black_box(&b)))));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
