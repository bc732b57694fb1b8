#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Record-manager benchmarks: preparing a new ~250-byte user record, an update of it,
//! and merging a dirty local record with a remote edit (the CPU side of a put and of
//! one remote change).
//!
//! `cargo bench -p less-db --bench records -- --warm-up-time 1 --measurement-time 3`

use std::collections::BTreeMap;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use less_db::collection::CollectionDef;
use less_db::crdt;
use less_db::schema::SchemaNode;
use less_db::storage::record_manager::{merge_records, prepare_new, prepare_patch, prepare_update};
use less_db::types::{PatchOptions, PutOptions, SerializedRecord};
use serde_json::{Value, json};

const SID: u64 = 70_000;
const OTHER_SID: u64 = 80_000;

fn users_def() -> Arc<CollectionDef> {
    let mut props = BTreeMap::new();
    props.insert("email".to_string(), SchemaNode::String);
    props.insert("name".to_string(), SchemaNode::String);
    props.insert("age".to_string(), SchemaNode::Number);
    props.insert("bio".to_string(), SchemaNode::Text);
    props.insert(
        "tags".to_string(),
        SchemaNode::Array(Box::new(SchemaNode::String)),
    );
    less_db::collection::collection("users")
        .v(1, props)
        .build()
        .unwrap()
}

/// A ~250-byte user record (auto-fields filled by the record manager).
fn user() -> Value {
    json!({
        "email": "user42@example.com",
        "name": "User Number 42",
        "age": 42,
        "bio": "Likes long walks, short benchmarks and predictable latency.",
        "tags": ["alpha", "beta"],
    })
}

fn opts() -> PutOptions {
    PutOptions {
        id: Some("user-00000042".into()),
        ..PutOptions::default()
    }
}

fn existing(def: &Arc<CollectionDef>) -> SerializedRecord {
    let mut rec = prepare_new(def, user(), SID, &opts()).unwrap().record;
    rec.dirty = false;
    rec.sequence = 1;
    rec
}

fn bench_records(c: &mut Criterion) {
    let def = users_def();
    let base = existing(&def);
    let mut changed = base.data.clone();
    changed["name"] = json!("User Number 42 (renamed)");
    let put = opts();
    let no_opts = PutOptions::default();

    c.bench_function("records/prepare_new", |b| {
        b.iter_batched(
            user,
            |u| prepare_new(&def, u, SID, &put).unwrap(),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("records/prepare_update", |b| {
        b.iter_batched(
            || changed.clone(),
            |data| prepare_update(&def, &base, data, SID, &no_opts).unwrap(),
            BatchSize::SmallInput,
        )
    });

    // A dirty local edit against a remote edit of another field.
    let local = prepare_patch(
        &def,
        &base,
        json!({"name": "Local"}),
        SID,
        &PatchOptions::default(),
    )
    .unwrap()
    .record;
    let mut remote_model = crdt::model_load(&base.crdt, OTHER_SID).unwrap();
    let mut remote_data = base.data.clone();
    remote_data["age"] = json!(43);
    let p = crdt::diff_model(&def.current_schema, &remote_model, &remote_data).unwrap();
    crdt::apply_patch(&mut remote_model, &p);
    let remote_bytes = crdt::model_to_binary(&remote_model);
    c.bench_function("records/merge_records", |b| {
        b.iter(|| merge_records(&def, &local, &remote_bytes, None, 2, 1, Some(SID)).unwrap())
    });
}

criterion_group!(benches, bench_records);
criterion_main!(benches);
