#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Applying `diff(a -> b)` to a model of `a` gives exactly `b`.

mod common;

use common::random::{mutate, rand_value};
use json_joy::json_crdt::Model;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

#[test]
fn random_pairs_round_trip() {
    let mut r = StdRng::seed_from_u64(7);
    for case in 0..2500 {
        let a = rand_value(&mut r, 0);
        let b = if case % 5 == 0 {
            rand_value(&mut r, 0)
        } else {
            mutate(&mut r, &a, 0)
        };
        let mut m = Model::create(100_000 + case);
        m.set_root(&a);
        assert_eq!(m.view(), a, "set_root view, case {case}");
        let p = m.diff(&b);
        if a == b {
            assert!(p.is_none(), "identical values give no patch, case {case}");
            continue;
        }
        let p = p.unwrap_or_default();
        m.apply_patch(&p);
        assert_eq!(m.view(), b, "case {case}: a={a} b={b}");
        assert!(
            m.diff(&b).is_none(),
            "diff after apply is empty, case {case}"
        );
    }
}

/// A 100 KB text (ASCII with an emoji every 97 pieces) and a copy with one character
/// inserted, deleted or replaced at char index `at`.
fn long_text_edits() -> (String, Vec<String>) {
    let text: String = (0..21_000)
        .map(|i| if i % 97 == 0 { "😀" } else { "abcde" })
        .collect();
    assert!(text.len() >= 100_000, "{}", text.len());
    let chars: Vec<char> = text.chars().collect();
    let mid = chars.len() / 2;
    let emoji = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '😀')
        .nth(100)
        .unwrap()
        .0;
    assert_eq!(chars[emoji], '😀');
    let edit = |at: usize, del: usize, ins: &str| {
        let mut c = chars.clone();
        c.splice(at..at + del, ins.chars());
        c.into_iter().collect::<String>()
    };
    (
        text.clone(),
        vec![
            edit(mid, 0, "Z"),
            edit(mid, 1, ""),
            edit(mid, 1, "Q"),
            edit(emoji, 1, "👍"),
            edit(emoji, 0, "🎉"),
            edit(0, 0, "A"),
            edit(chars.len(), 0, "Ω"),
        ],
    )
}

#[test]
fn one_char_edit_in_long_text_is_small() {
    let (text, edits) = long_text_edits();
    for (i, edited) in edits.iter().enumerate() {
        let mut m = Model::create(123_456);
        m.set_root(&json!({ "t": text }));
        let p = m.diff(&json!({ "t": edited })).unwrap();
        let bytes = p.to_binary();
        eprintln!("edit {i}: {} patch bytes, {} ops", bytes.len(), p.ops.len());
        // Header plus at most one insertion and one deletion of a single character.
        assert!(
            bytes.len() <= 40,
            "edit {i}: {} bytes, ops {:?}",
            bytes.len(),
            p.ops
        );
        assert!(p.ops.len() <= 2, "edit {i}: {:?}", p.ops);
        m.apply_patch(&p);
        assert_eq!(m.view(), json!({ "t": edited }), "edit {i}");
    }
}

fn fifty_fields() -> serde_json::Map<String, Value> {
    (0..50)
        .map(|i| {
            let v = match i % 5 {
                0 => json!(i),
                1 => json!(format!("text {i} 😀")),
                2 => json!([i, i + 1, "x"]),
                3 => json!({ "n": i, "s": "nested" }),
                _ => json!(i % 2 == 0),
            };
            (format!("f{i}"), v)
        })
        .collect()
}

/// Object ids named by the ops of `p`: every op must act on the root object or on
/// nodes the patch itself creates.
fn touched_objects(
    p: &json_joy::json_crdt_patch::Patch,
) -> Vec<json_joy::json_crdt_patch::clock::Timestamp> {
    use json_joy::json_crdt_patch::Op;
    p.ops
        .iter()
        .filter_map(|op| match op {
            Op::InsObj { obj, .. }
            | Op::InsStr { obj, .. }
            | Op::InsArr { obj, .. }
            | Op::InsVal { obj, .. }
            | Op::InsVec { obj, .. }
            | Op::InsBin { obj, .. }
            | Op::UpdArr { obj, .. }
            | Op::Del { obj, .. } => Some(*obj),
            _ => None,
        })
        .collect()
}

#[test]
fn one_field_of_fifty_touches_one_field() {
    use json_joy::json_crdt_patch::Op;
    let o = fifty_fields();
    let a = Value::Object(o.clone());
    // Replace a number with a string: new_str, ins_str, then one ins_obj key.
    let mut b = o.clone();
    b.insert("f15".into(), json!("changed"));
    let mut m = Model::create(123_457);
    m.set_root(&a);
    let p = m.diff(&Value::Object(b.clone())).unwrap();
    assert_eq!(p.ops.len(), 3, "{:?}", p.ops);
    assert!(matches!(p.ops[0], Op::NewStr { .. }), "{:?}", p.ops);
    assert!(matches!(p.ops[1], Op::InsStr { .. }), "{:?}", p.ops);
    match &p.ops[2] {
        Op::InsObj { obj, data, .. } => {
            assert_eq!(*obj, m.root_id().unwrap());
            assert_eq!(data.len(), 1);
            assert_eq!(data[0].0, "f15");
        }
        other => panic!("unexpected {other:?}"),
    }
    m.apply_patch(&p);
    assert_eq!(m.view(), Value::Object(b));

    // A one-character edit inside a string field edits that str node in place: no
    // op names the root object, and the patch stays small.
    let mut b = o.clone();
    b.insert("f16".into(), json!("text 16 😀!"));
    let mut m = Model::create(123_458);
    m.set_root(&a);
    let p = m.diff(&Value::Object(b.clone())).unwrap();
    assert_eq!(p.ops.len(), 1, "{:?}", p.ops);
    let touched = touched_objects(&p);
    assert!(!touched.contains(&m.root_id().unwrap()), "{:?}", p.ops);
    assert!(p.to_binary().len() <= 24, "{} bytes", p.to_binary().len());
    m.apply_patch(&p);
    assert_eq!(m.view(), Value::Object(b));

    // A nested object field: only its inner key changes.
    let mut b = o.clone();
    b.insert("f18".into(), json!({ "n": 18, "s": "nested!" }));
    let mut m = Model::create(123_459);
    m.set_root(&a);
    let p = m.diff(&Value::Object(b.clone())).unwrap();
    assert_eq!(p.ops.len(), 1, "{:?}", p.ops);
    m.apply_patch(&p);
    assert_eq!(m.view(), Value::Object(b));
}
