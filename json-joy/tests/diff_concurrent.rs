#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Two replicas diff different edits of one document, exchange the patches and must
//! converge: text edits interleave as the RGA orders them and no character is lost.

use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::{Op, Patch};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::HashSet;

/// Forks two replicas of `base`, lets each diff to its own target, exchanges the
/// patches (each replica also receives its own patch twice) and returns the converged
/// view with both patches.
fn exchange(
    base: &Value,
    a_target: &Value,
    b_target: &Value,
    seed: u64,
) -> (Value, Option<Patch>, Option<Patch>) {
    let mut origin = Model::create(100_000 + seed);
    origin.set_root(base);
    let mut a = origin.fork(200_001);
    let mut b = origin.fork(200_002);
    let pa: Option<Patch> = a.diff(a_target);
    let pb: Option<Patch> = b.diff(b_target);
    for (m, own, other) in [(&mut a, &pa, &pb), (&mut b, &pb, &pa)] {
        if let Some(p) = own {
            m.apply_patch(p);
        }
        if let Some(p) = other {
            // Over the wire, as a real peer would receive it.
            m.apply_patch(&Patch::from_binary(&p.to_binary()).unwrap());
        }
        if let Some(p) = own {
            m.apply_patch(p);
        }
    }
    assert_eq!(a.view(), b.view(), "replicas diverged");
    (a.view(), pa, pb)
}

#[test]
fn separate_text_edits_both_survive() {
    let base = json!({ "t": "The quick brown fox 😀 jumps over the dog" });
    let a_t = json!({ "t": "The very quick brown fox 😀 jumps over the dog" });
    let b_t = json!({ "t": "The quick brown fox 🎉 jumps over the lazy dog!" });
    let (view, ..) = exchange(&base, &a_t, &b_t, 1);
    assert_eq!(
        view,
        json!({ "t": "The very quick brown fox 🎉 jumps over the lazy dog!" })
    );
}

#[test]
fn inserts_at_the_same_place_keep_each_run_whole() {
    let base = json!({ "t": "Hello world" });
    let a_t = json!({ "t": "Hello😀AAA world" });
    let b_t = json!({ "t": "HelloBBB👍 world" });
    let (view, ..) = exchange(&base, &a_t, &b_t, 2);
    // Same time, so the higher session id (b) goes first; neither run is split.
    assert_eq!(view, json!({ "t": "HelloBBB👍😀AAA world" }));
}

#[test]
fn delete_and_insert_in_the_same_range() {
    let base = json!({ "t": "abc😀def" });
    let a_t = json!({ "t": "abdef" }); // deletes "c😀"
    let b_t = json!({ "t": "abc😀XYdef" }); // inserts after the emoji
    let (view, ..) = exchange(&base, &a_t, &b_t, 3);
    assert_eq!(view, json!({ "t": "abXYdef" }));
}

#[test]
fn object_edits_merge_per_key() {
    let base = json!({ "x": 1, "y": "keep", "z": [1, 2, 3], "w": { "deep": true }, "s": "ab" });
    let a_t = json!({ "x": 2, "y": "keep", "z": [1, 2, 3, 4], "w": { "deep": true }, "s": "ab", "new_a": "😀" });
    let b_t = json!({ "x": 1, "y": "keep", "z": [0, 1, 2, 3], "s": "abc" });
    let (view, ..) = exchange(&base, &a_t, &b_t, 4);
    assert_eq!(
        view,
        json!({ "x": 2, "y": "keep", "z": [0, 1, 2, 3, 4], "s": "abc", "new_a": "😀" })
    );
}

#[test]
fn same_key_written_twice_resolves_to_one_value() {
    let base = json!({ "k": "start", "n": 0 });
    let a_t = json!({ "k": 10, "n": 1 });
    let b_t = json!({ "k": [20], "n": 2 });
    let (view, ..) = exchange(&base, &a_t, &b_t, 5);
    // Equal clocks: the higher session id wins each register.
    assert_eq!(view, json!({ "k": [20], "n": 2 }));
}

/// Characters that occur nowhere else in a test: base text from `0x4e00`/`0x1f600`,
/// replica inserts from their own ranges, every third one astral.
fn unique_char(range: u32, astral: u32, i: u32) -> char {
    let cp = if i.is_multiple_of(3) {
        astral + i
    } else {
        range + i
    };
    char::from_u32(cp).unwrap()
}

/// A random edit of `base`: deletions of base characters and insertions of fresh
/// characters; returns the edit, the deleted characters and the inserted ones in order.
fn random_edit(
    r: &mut StdRng,
    base: &[char],
    range: u32,
    astral: u32,
) -> (String, HashSet<char>, Vec<char>) {
    let mut out: Vec<char> = Vec::new();
    let mut deleted = HashSet::new();
    let mut inserted = Vec::new();
    let mut next = 0;
    for i in 0..=base.len() {
        if r.random_bool(0.15) {
            for _ in 0..r.random_range(1..4) {
                let c = unique_char(range, astral, next);
                next += 1;
                out.push(c);
                inserted.push(c);
            }
        }
        if i < base.len() {
            if r.random_bool(0.2) {
                deleted.insert(base[i]);
            } else {
                out.push(base[i]);
            }
        }
    }
    (out.into_iter().collect(), deleted, inserted)
}

fn is_subsequence(needle: &[char], hay: &[char]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}

#[test]
fn random_concurrent_text_diffs_lose_nothing() {
    for seed in 0..300u64 {
        let mut r = StdRng::seed_from_u64(seed);
        let n = r.random_range(0..60);
        let base: Vec<char> = (0..n).map(|i| unique_char(0x4e00, 0x1f600, i)).collect();
        let (a_text, a_del, a_ins) = random_edit(&mut r, &base, 0x100, 0x1f300);
        let (b_text, b_del, b_ins) = random_edit(&mut r, &base, 0x400, 0x1f680);
        let base_text: String = base.iter().collect();
        let (view, pa, pb) = exchange(
            &json!({ "t": base_text, "n": seed }),
            &json!({ "t": a_text, "n": seed }),
            &json!({ "t": b_text, "n": seed + 1 }),
            seed,
        );
        let merged: Vec<char> = view["t"].as_str().unwrap().chars().collect();
        let got: HashSet<char> = merged.iter().copied().collect();
        let survivors: Vec<char> = base
            .iter()
            .copied()
            .filter(|c| !a_del.contains(c) && !b_del.contains(c))
            .collect();
        // Nothing either replica kept or typed is lost, nothing foreign appears.
        for c in survivors.iter().chain(&a_ins).chain(&b_ins) {
            assert!(got.contains(c), "seed {seed}: lost {c:?}");
        }
        for c in &got {
            assert!(
                base.contains(c) || a_ins.contains(c) || b_ins.contains(c),
                "seed {seed}: foreign {c:?}"
            );
        }
        // The length is exactly what the two patches say: the base, minus the union of
        // the units either deleted, plus every unit either inserted. (A diff may delete
        // and re-insert a kept character, as JS's does; the re-inserted copy then stays
        // even if the other replica deleted the original.)
        let (mut deleted, mut inserted) = (HashSet::new(), 0);
        for op in pa.iter().chain(&pb).flat_map(|p| &p.ops) {
            match op {
                Op::Del { what, .. } => {
                    for t in what {
                        deleted.extend((0..t.span).map(|k| (t.sid, t.time + k)));
                    }
                }
                Op::InsStr { data, .. } => inserted += data.encode_utf16().count(),
                _ => {}
            }
        }
        let units = |s: &str| s.encode_utf16().count();
        assert_eq!(
            units(view["t"].as_str().unwrap()),
            units(&base_text) - deleted.len() + inserted,
            "seed {seed}"
        );
        assert!(
            is_subsequence(&survivors, &merged),
            "seed {seed}: base order"
        );
        assert!(is_subsequence(&a_ins, &merged), "seed {seed}: a's order");
        assert!(is_subsequence(&b_ins, &merged), "seed {seed}: b's order");
        assert_eq!(view["n"], json!(seed + 1), "seed {seed}");
    }
}
