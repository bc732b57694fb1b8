use json_joy::json_crdt::Model;
use less_db::crdt;
use serde_json::{Value, json};

use crate::common::*;

fn view(m: &Model) -> Value {
    crdt::view_model(&note_schema(), m)
}

/// Exchanges the given patches between the replicas.
fn exchange(a: &mut Model, pa: &[crdt::Patch], b: &mut Model, pb: &[crdt::Patch]) {
    crdt::merge_with_pending_patches(a, pb);
    crdt::merge_with_pending_patches(b, pa);
}

#[test]
fn concurrent_edits_to_different_fields_both_survive() {
    let schema = note_schema();
    let (mut a, mut b) = two_replicas(&schema, &note());
    let pa = edit(&schema, &mut a, &with(&note(), json!({"title": "From A"})));
    let pb = edit(
        &schema,
        &mut b,
        &with(&note(), json!({"stars": 5, "tag": "from-b"})),
    );
    exchange(&mut a, &[pa], &mut b, &[pb]);
    let expected = with(
        &note(),
        json!({"title": "From A", "stars": 5, "tag": "from-b"}),
    );
    assert_eq!(view(&a), expected);
    assert_eq!(view(&b), expected);
}

#[test]
fn concurrent_writes_to_one_atomic_field_pick_one_winner() {
    let schema = note_schema();
    let (mut a, mut b) = two_replicas(&schema, &note());
    let pa = edit(&schema, &mut a, &with(&note(), json!({"title": "Apples"})));
    let pb = edit(&schema, &mut b, &with(&note(), json!({"title": "Bananas"})));
    exchange(
        &mut a,
        std::slice::from_ref(&pa),
        &mut b,
        std::slice::from_ref(&pb),
    );
    let winner = view(&a)["title"].clone();
    assert_eq!(view(&b)["title"], winner, "replicas converge");
    // Same logical time: the higher session id wins, whole value, never a mix.
    assert_eq!(winner, json!("Bananas"));

    // The outcome does not depend on the order patches arrive in.
    let (mut c, _) = two_replicas(&schema, &note());
    crdt::merge_with_pending_patches(&mut c, &[pb, pa]);
    assert_eq!(view(&c)["title"], winner);
}

#[test]
fn later_write_to_an_atomic_field_wins() {
    let schema = note_schema();
    let (mut a, mut b) = two_replicas(&schema, &note());
    let pb = edit(&schema, &mut b, &with(&note(), json!({"title": "B first"})));
    crdt::merge_with_pending_patches(&mut a, std::slice::from_ref(&pb));
    // A saw B's write, then wrote again: A's write is causally later.
    let pa = edit(&schema, &mut a, &with(&note(), json!({"title": "A after"})));
    crdt::merge_with_pending_patches(&mut b, &[pa]);
    assert_eq!(view(&a)["title"], json!("A after"));
    assert_eq!(view(&b)["title"], json!("A after"));
}

#[test]
fn concurrent_text_edits_interleave_without_losing_characters() {
    let schema = note_schema();
    let (mut a, mut b) = two_replicas(&schema, &note());
    let pa = edit(
        &schema,
        &mut a,
        &with(&note(), json!({"body": "hello big world"})),
    );
    let pb = edit(
        &schema,
        &mut b,
        &with(&note(), json!({"body": "hello world!"})),
    );
    exchange(&mut a, &[pa], &mut b, &[pb]);
    assert_eq!(view(&a)["body"], json!("hello big world!"));
    assert_eq!(view(&b)["body"], json!("hello big world!"));
}

#[test]
fn concurrent_inserts_at_the_same_spot_keep_both() {
    let schema = note_schema();
    let (mut a, mut b) = two_replicas(&schema, &note());
    let pa = edit(
        &schema,
        &mut a,
        &with(&note(), json!({"body": "hello AAA world"})),
    );
    let pb = edit(
        &schema,
        &mut b,
        &with(&note(), json!({"body": "hello BBB world"})),
    );
    exchange(&mut a, &[pa], &mut b, &[pb]);
    let body = view(&a)["body"].as_str().unwrap().to_string();
    assert_eq!(view(&b)["body"], json!(body));
    assert!(body.contains("AAA") && body.contains("BBB"), "{body}");
    assert_eq!(body.len(), "hello AAA BBB world".len());
}

#[test]
fn replaying_patches_twice_changes_nothing() {
    let schema = note_schema();
    let (mut a, mut b) = two_replicas(&schema, &note());
    let p1 = edit(
        &schema,
        &mut a,
        &with(&note(), json!({"body": "hello big world"})),
    );
    let p2 = edit(
        &schema,
        &mut a,
        &with(&note(), json!({"body": "hello big world", "stars": 4})),
    );
    crdt::merge_with_pending_patches(&mut b, &[p1.clone(), p2.clone()]);
    let once = view(&b);
    crdt::merge_with_pending_patches(&mut b, &[p1, p2]);
    assert_eq!(view(&b), once);
    assert_eq!(once, view(&a));
}

#[test]
fn str_node_records_merge_character_by_character() {
    let schema = note_schema();
    let mut plain = Model::create(SID_B + 1);
    plain.set_root(&note());
    let bytes = plain.to_binary();
    let mut a = crdt::model_load(&bytes, SID_A).unwrap();
    let mut b = crdt::model_load(&bytes, SID_B).unwrap();
    let pa = edit(
        &schema,
        &mut a,
        &with(&note(), json!({"title": "My Groceries"})),
    );
    let pb = edit(
        &schema,
        &mut b,
        &with(&note(), json!({"title": "Groceries 2"})),
    );
    exchange(&mut a, &[pa], &mut b, &[pb]);
    assert_eq!(view(&a)["title"], json!("My Groceries 2"));
    assert_eq!(view(&a), view(&b));
}

#[test]
fn fork_writes_as_a_new_session() {
    let schema = note_schema();
    let origin = crdt::create_model(&schema, &note(), SID_A).unwrap();
    let mut fork = crdt::fork_model(&origin, SID_B).unwrap();
    let patch = edit(&schema, &mut fork, &with(&note(), json!({"stars": 9})));
    assert!(patch.ops.iter().all(|op| op.id().sid == SID_B));
    let mut back = crdt::model_from_binary(&crdt::model_to_binary(&origin)).unwrap();
    crdt::apply_patch(&mut back, &patch);
    assert_eq!(view(&back)["stars"], json!(9));
}
