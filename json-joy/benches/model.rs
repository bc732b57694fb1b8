#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Model and patch benchmarks on the documents tools/interop/bench.mjs times in JS
//! (a 1 KB record, a 1 MB document, a 10,000-item array, a 100 KB string): `set_root`,
//! `apply_patch` (both on a fresh model, as in JS), model `to_binary`/`from_binary`, a
//! cold `view` of a freshly decoded model, and patch `to_binary`/`from_binary`.
//! Run `cargo bench -p json-joy --bench model -- --warm-up-time 1 --measurement-time 3`,
//! then `node tools/interop/bench.mjs` (same CARGO_TARGET_DIR) prints JS timings and the
//! JS/Rust ratios.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::Patch;
use serde_json::{Value, json};
use std::hint::black_box;

/// A ~1 KB record; the same generator as bench.mjs.
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

fn docs() -> Vec<(&'static str, Value)> {
    let big = json!({ "records": (0..1000).map(record).collect::<Vec<_>>() });
    let arr = Value::Array((0..10_000).map(Value::from).collect());
    let s = Value::String("The quick brown fox jumps over the lazy dog 😀. ".repeat(2100));
    vec![
        ("record_1kb", record(1)),
        ("doc_1mb", big),
        ("array_10k", arr),
        ("string_100kb", s),
    ]
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("model");
    for (name, doc) in docs() {
        let mut m = Model::create(123_456);
        let patch = m.set_root(&doc);
        let bytes = m.to_binary();
        let patch_bytes = patch.to_binary();
        g.bench_function(format!("{name}/set_root"), |b| {
            b.iter(|| {
                let mut m = Model::create(123_456);
                black_box(m.set_root(black_box(&doc)));
            })
        });
        g.bench_function(format!("{name}/apply_patch"), |b| {
            b.iter(|| {
                let mut m = Model::create(654_321);
                m.apply_patch(black_box(&patch));
                black_box(m);
            })
        });
        g.bench_function(format!("{name}/to_binary"), |b| {
            b.iter(|| black_box(m.to_binary()))
        });
        g.bench_function(format!("{name}/from_binary"), |b| {
            b.iter(|| black_box(Model::from_binary(black_box(&bytes)).unwrap()))
        });
        g.bench_function(format!("{name}/cold_view"), |b| {
            // By reference: dropping the decoded model is not part of the view.
            b.iter_batched_ref(
                || Model::from_binary(&bytes).unwrap(),
                |m| black_box(m.view()),
                BatchSize::LargeInput,
            )
        });
        g.bench_function(format!("{name}/patch_to_binary"), |b| {
            b.iter(|| black_box(black_box(&patch).to_binary()))
        });
        g.bench_function(format!("{name}/patch_from_binary"), |b| {
            b.iter(|| black_box(Patch::from_binary(black_box(&patch_bytes)).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
