#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Replicas with different sessions edit one document, exchange patches in different
//! orders (with duplicates) and must end with the same view and the same model.

mod common;

use common::edit::{del, obj_set, random_edit, seed, str_ins};
use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::clock::Timestamp;
use json_joy::json_crdt_patch::{Op, Patch};
use json_joy::json_pack::PackValue;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

fn assert_same(a: &Model, b: &Model) {
    assert_eq!(a.view(), b.view());
}

#[test]
fn concurrent_sessions_converge_under_reordering_and_duplicates() {
    for seed_n in 0..40u64 {
        let mut rng = StdRng::seed_from_u64(seed_n);
        let (base, seed_patch, s, a, o) = seed(100_000);
        let mut reps: Vec<Model> = (0..3).map(|i| base.fork(200_000 + i)).collect();
        let mut log: Vec<Patch> = vec![seed_patch];
        for _round in 0..6 {
            // Each replica edits concurrently (without seeing the others this round).
            let mut round: Vec<Patch> = Vec::new();
            for r in reps.iter_mut() {
                for _ in 0..rng.random_range(1..4) {
                    if let Some(p) = random_edit(&mut rng, r, s, a, o) {
                        round.push(p);
                    }
                }
            }
            // Deliver the round to everyone in a per-replica shuffled order, keeping
            // each session's own patches causal, with duplicates.
            for r in reps.iter_mut() {
                let mut order: Vec<usize> = (0..round.len()).collect();
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.random_range(0..=i));
                }
                // Stable-sort by session to keep per-session order, but sessions interleave
                // differently per replica because the sort key is a random session rank.
                let ranks: Vec<u64> = (0..3).map(|_| rng.random_range(0..1000)).collect();
                order.sort_by_key(|&i| {
                    let sid = round[i].id().unwrap().sid;
                    (ranks[(sid - 200_000) as usize], round[i].id().unwrap().time)
                });
                for &i in &order {
                    r.apply_patch(&round[i]);
                    if rng.random_bool(0.3) {
                        r.apply_patch(&round[i]);
                    }
                }
            }
            log.extend(round);
        }
        for w in reps.windows(2) {
            assert_same(&w[0], &w[1]);
        }
        // A fresh replica replaying the log (with every patch twice) agrees too.
        let mut fresh = Model::create(300_000);
        for p in &log {
            fresh.apply_patch(p);
            fresh.apply_patch(p);
        }
        assert_same(&fresh, &reps[0]);
    }
}

#[test]
fn string_edits_follow_utf16_positions() {
    let (mut m, _, s, _, _) = seed(100_000);
    str_ins(&mut m, s, 0, "a😀b");
    assert_eq!(m.view()["text"], json!("a😀b"));
    // Insert between the two halves of the emoji, then delete the inserted unit.
    str_ins(&mut m, s, 2, "X");
    del(&mut m, s, 2, 1).unwrap();
    assert_eq!(m.view()["text"], json!("a😀b"));
    del(&mut m, s, 1, 2).unwrap();
    assert_eq!(m.view()["text"], json!("ab"));
}

#[test]
fn concurrent_inserts_at_same_place_order_by_higher_id_first() {
    let (base, _, s, _, _) = seed(100_000);
    let mut x = base.fork(200_000);
    let mut y = base.fork(200_001);
    let px = str_ins(&mut x, s, 0, "x");
    let py = str_ins(&mut y, s, 0, "y");
    x.apply_patch(&py);
    y.apply_patch(&px);
    // Same time, the higher session id goes first.
    assert_eq!(x.view()["text"], json!("yx"));
    assert_same(&x, &y);
}

#[test]
fn ops_on_unknown_nodes_are_ignored() {
    let mut m = Model::create(100_000);
    let p = Patch {
        ops: vec![Op::InsStr {
            id: Timestamp::new(100_000, 5),
            obj: Timestamp::new(100_000, 1),
            after: Timestamp::new(100_000, 1),
            data: "x".into(),
        }],
        meta: None,
    };
    m.apply_patch(&p);
    assert_eq!(m.view(), json!(null));
    assert_eq!(m.clock().time, 6);
}

#[test]
fn replaced_subtrees_are_collected() {
    let (mut m, _, _, _, o) = seed(100_000);
    obj_set(&mut m, o, "k", PackValue::Int(1));
    let before = m.node_count();
    obj_set(&mut m, o, "k", PackValue::Int(2));
    assert_eq!(m.node_count(), before);
    assert_eq!(m.view()["meta"], json!({"k": 2}));
}

#[test]
fn reserved_session_ids_are_errors() {
    assert!(Model::try_create(65_535).is_err());
    assert!(Model::try_create(65_536).is_ok());
    let m = Model::create(70_000);
    assert!(m.try_fork(5).is_err());
}
