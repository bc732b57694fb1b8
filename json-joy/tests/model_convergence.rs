#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Replicas with different sessions edit one document, exchange patches in different
//! orders (with duplicates) and must end with the same view and the same model.

use json_joy::json_crdt::Model;
use json_joy::json_crdt::nodes::Node;
use json_joy::json_crdt_patch::clock::{ORIGIN, Timestamp};
use json_joy::json_crdt_patch::{ConValue, Op, Patch};
use json_joy::json_pack::PackValue;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

/// Builds patches by hand from a replica's clock (no dependency on the patch builder).
struct Editor {
    ops: Vec<Op>,
    time: u64,
    sid: u64,
}

impl Editor {
    fn new(m: &Model) -> Self {
        Self {
            ops: Vec::new(),
            time: m.clock().time,
            sid: m.sid(),
        }
    }
    fn next(&mut self, span: u64) -> Timestamp {
        let id = Timestamp::new(self.sid, self.time);
        self.time += span;
        id
    }
    fn push(&mut self, op: Op) {
        self.ops.push(op);
    }
    fn con(&mut self, v: PackValue) -> Timestamp {
        let id = self.next(1);
        self.push(Op::NewCon {
            id,
            val: ConValue::Val(v),
        });
        id
    }
    fn finish(self, m: &mut Model) -> Patch {
        let p = Patch {
            ops: self.ops,
            meta: None,
        };
        m.apply_patch(&p);
        p
    }
}

/// Root object {text: str, list: arr, meta: obj} created by session `sid`.
fn seed(sid: u64) -> (Model, Patch, Timestamp, Timestamp, Timestamp) {
    let mut m = Model::create(sid);
    let mut e = Editor::new(&m);
    let obj = e.next(1);
    e.push(Op::NewObj { id: obj });
    let s = e.next(1);
    e.push(Op::NewStr { id: s });
    let a = e.next(1);
    e.push(Op::NewArr { id: a });
    let o = e.next(1);
    e.push(Op::NewObj { id: o });
    let id = e.next(1);
    e.push(Op::InsObj {
        id,
        obj,
        data: vec![("text".into(), s), ("list".into(), a), ("meta".into(), o)],
    });
    let id = e.next(1);
    e.push(Op::InsVal {
        id,
        obj: ORIGIN,
        val: obj,
    });
    let p = e.finish(&mut m);
    (m, p, s, a, o)
}

fn str_ins(m: &mut Model, s: Timestamp, pos: u64, text: &str) -> Patch {
    let Some(Node::Str(node)) = m.node(s) else {
        panic!("no str")
    };
    let after = if pos == 0 {
        s
    } else {
        node.find(pos - 1).unwrap()
    };
    let mut e = Editor::new(m);
    let span = text.encode_utf16().count() as u64;
    let id = e.next(span);
    e.push(Op::InsStr {
        id,
        obj: s,
        after,
        data: text.into(),
    });
    e.finish(m)
}

fn del(m: &mut Model, obj: Timestamp, pos: u64, len: u64) -> Option<Patch> {
    let what = match m.node(obj)? {
        Node::Str(n) => n.find_interval(pos, len),
        Node::Arr(n) => n.find_interval(pos, len),
        _ => return None,
    };
    if what.is_empty() {
        return None;
    }
    let mut e = Editor::new(m);
    let id = e.next(1);
    e.push(Op::Del { id, obj, what });
    Some(e.finish(m))
}

fn arr_ins(m: &mut Model, a: Timestamp, pos: u64, vals: &[i64]) -> Patch {
    let Some(Node::Arr(node)) = m.node(a) else {
        panic!("no arr")
    };
    let after = if pos == 0 {
        a
    } else {
        node.find(pos - 1).unwrap()
    };
    let mut e = Editor::new(m);
    let data: Vec<Timestamp> = vals.iter().map(|v| e.con(PackValue::Int(*v))).collect();
    let id = e.next(data.len() as u64);
    e.push(Op::InsArr {
        id,
        obj: a,
        after,
        data,
    });
    e.finish(m)
}

fn arr_upd(m: &mut Model, a: Timestamp, pos: u64, v: i64) -> Option<Patch> {
    let Some(Node::Arr(node)) = m.node(a) else {
        return None;
    };
    let after = node.find(pos)?;
    let mut e = Editor::new(m);
    let val = e.con(PackValue::Int(v));
    let id = e.next(1);
    e.push(Op::UpdArr {
        id,
        obj: a,
        after,
        val,
    });
    Some(e.finish(m))
}

fn obj_set(m: &mut Model, o: Timestamp, key: &str, v: PackValue) -> Patch {
    let mut e = Editor::new(m);
    let val = e.con(v);
    let id = e.next(1);
    e.push(Op::InsObj {
        id,
        obj: o,
        data: vec![(key.into(), val)],
    });
    e.finish(m)
}

const TEXTS: &[&str] = &["a", "bc", "😀", "x😀y", "héllo", "  ", "Z"];

fn random_edit(
    rng: &mut StdRng,
    m: &mut Model,
    s: Timestamp,
    a: Timestamp,
    o: Timestamp,
) -> Option<Patch> {
    let slen = match m.node(s) {
        Some(Node::Str(n)) => n.length(),
        _ => 0,
    };
    let alen = match m.node(a) {
        Some(Node::Arr(n)) => n.length(),
        _ => 0,
    };
    match rng.random_range(0..6) {
        0 | 1 => {
            let t = TEXTS[rng.random_range(0..TEXTS.len())];
            Some(str_ins(m, s, rng.random_range(0..=slen), t))
        }
        2 if slen > 0 => {
            let p = rng.random_range(0..slen);
            let l = rng.random_range(1..=(slen - p).min(4));
            del(m, s, p, l)
        }
        3 => {
            let n = rng.random_range(1..3);
            let vals: Vec<i64> = (0..n).map(|_| rng.random_range(0..100)).collect();
            Some(arr_ins(m, a, rng.random_range(0..=alen), &vals))
        }
        4 if alen > 0 => {
            if rng.random_bool(0.5) {
                del(m, a, rng.random_range(0..alen), 1)
            } else {
                arr_upd(m, a, rng.random_range(0..alen), rng.random_range(0..100))
            }
        }
        _ => {
            let key = ["k1", "k2", "k3"][rng.random_range(0..3)];
            Some(obj_set(m, o, key, PackValue::Int(rng.random_range(0..10))))
        }
    }
}

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
