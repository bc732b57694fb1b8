//! Hand-built editing patches for tests (no dependency on the patch builder).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use json_joy::json_crdt::Model;
use json_joy::json_crdt::nodes::Node;
use json_joy::json_crdt_patch::clock::{ORIGIN, Timestamp};
use json_joy::json_crdt_patch::{ConValue, Op, Patch};
use json_joy::json_pack::PackValue;
use rand::Rng;
use rand::rngs::StdRng;

/// Builds patches by hand from a replica's clock (no dependency on the patch builder).
pub struct Editor {
    ops: Vec<Op>,
    time: u64,
    sid: u64,
}

impl Editor {
    pub fn new(m: &Model) -> Self {
        Self {
            ops: Vec::new(),
            time: m.clock().time,
            sid: m.sid(),
        }
    }
    pub fn next(&mut self, span: u64) -> Timestamp {
        let id = Timestamp::new(self.sid, self.time);
        self.time += span;
        id
    }
    pub fn push(&mut self, op: Op) {
        self.ops.push(op);
    }
    pub fn con(&mut self, v: PackValue) -> Timestamp {
        let id = self.next(1);
        self.push(Op::NewCon {
            id,
            val: ConValue::Val(v),
        });
        id
    }
    pub fn finish(self, m: &mut Model) -> Patch {
        let p = Patch {
            ops: self.ops,
            meta: None,
        };
        m.apply_patch(&p);
        p
    }
}

/// Root object {text: str, list: arr, meta: obj} created by session `sid`.
pub fn seed(sid: u64) -> (Model, Patch, Timestamp, Timestamp, Timestamp) {
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

pub fn str_ins(m: &mut Model, s: Timestamp, pos: u64, text: &str) -> Patch {
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

pub fn del(m: &mut Model, obj: Timestamp, pos: u64, len: u64) -> Option<Patch> {
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

pub fn arr_ins(m: &mut Model, a: Timestamp, pos: u64, vals: &[i64]) -> Patch {
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

pub fn arr_upd(m: &mut Model, a: Timestamp, pos: u64, v: i64) -> Option<Patch> {
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

pub fn obj_set(m: &mut Model, o: Timestamp, key: &str, v: PackValue) -> Patch {
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

pub fn random_edit(
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
