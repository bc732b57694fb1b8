//! Every supported field type derives and has the expected schema node.
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use less_db::schema::node::{SchemaNode, t};
use less_db::typed::{Bytes, Document as _};
use less_db::{Collection, Schema};
use serde::{Deserialize, Serialize};

#[derive(Schema, Serialize, Deserialize)]
struct Inner {
    n: u8,
}

#[derive(Schema, Serialize, Deserialize)]
enum Level {
    Low,
    High,
}

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "everything", version = 1)]
#[index(s)]
#[index(i8v, i16v, i32v, i64v)]
#[index(u8v, u16v, u32v, u64v)]
#[index(usizev, isizev, f32v, f64v)]
#[index(b, c, when, level)]
#[index(maybe, sparse)]
#[index(inner.n)]
#[index(id)]
#[index(created_at desc)]
struct Everything {
    #[key]
    id: String,
    s: String,
    #[text]
    body: String,
    #[text]
    maybe_body: Option<String>,
    c: char,
    i8v: i8,
    i16v: i16,
    i32v: i32,
    i64v: i64,
    isizev: isize,
    u8v: u8,
    u16v: u16,
    u32v: u32,
    u64v: u64,
    usizev: usize,
    f32v: f32,
    f64v: f64,
    b: bool,
    when: DateTime<Utc>,
    blob: Bytes,
    #[bytes]
    #[serde(with = "less_db::typed::base64")]
    raw: Vec<u8>,
    #[bytes]
    #[serde(with = "less_db::typed::base64::option")]
    maybe_raw: Option<Vec<u8>>,
    maybe: Option<i32>,
    nested_opt: Option<Option<bool>>,
    list: Vec<String>,
    deque: VecDeque<f64>,
    numbers: Vec<Vec<u8>>,
    tree: BTreeMap<String, Inner>,
    hash: HashMap<String, Vec<Level>>,
    boxed: Box<Inner>,
    shared: Arc<String>,
    inner: Inner,
    level: Level,
    #[serde(rename = "createdAt")]
    #[created_at]
    created_at: DateTime<Utc>,
    #[serde(rename = "updatedAt")]
    #[updated_at]
    updated_at: DateTime<Utc>,
}

fn main() {
    let schema = Everything::schema();
    assert_eq!(schema.get("body"), Some(&t::text()));
    assert_eq!(schema.get("maybe_body"), Some(&t::optional(t::text())));
    assert_eq!(schema.get("raw"), Some(&SchemaNode::Bytes));
    assert_eq!(schema.get("maybe_raw"), Some(&t::optional(t::bytes())));
    assert_eq!(schema.get("numbers"), Some(&t::array(t::array(t::number()))));
    assert_eq!(schema.get("level"), Some(&t::union([t::literal("Low"), t::literal("High")])));
    assert_eq!(schema.get("boxed"), Some(&t::object([("n", t::number())])));
    let def = Everything::def();
    assert_eq!(def.indexes.len(), 9);

    // Every field has a typed query field taking its own value type.
    let f = Everything::fields();
    let when = DateTime::<Utc>::UNIX_EPOCH;
    let filters = [
        f.id.eq("x"),
        f.s.ne("x"),
        f.body.eq("x"),
        f.maybe_body.eq("x"),
        f.c.eq('c'),
        f.i8v.gt(-1),
        f.i16v.gte(-1),
        f.i32v.lt(1),
        f.i64v.lte(1),
        f.isizev.eq(1),
        f.u8v.eq(1),
        f.u16v.eq(1),
        f.u32v.between(1, 2),
        f.u64v.is_in([1, 2]),
        f.usizev.not_in([3]),
        f.f32v.gt(0.5),
        f.f64v.lt(0.5),
        f.b.eq(true),
        f.when.gt(when),
        f.blob.eq(&[1, 2]),
        f.raw.eq(&[1]),
        f.maybe_raw.eq(&[1]),
        f.maybe.eq(3).or(f.maybe.is_null()),
        f.nested_opt.eq(false),
        f.list.contains("a"),
        f.deque.eq(1.5),
        f.tree.exists(),
        f.hash.exists(),
        f.boxed.exists(),
        f.shared.eq("x"),
        f.inner.exists(),
        f.level.eq(Level::High),
        f.created_at.lt(when),
        f.updated_at.gte(when),
    ];
    assert_eq!(filters.len(), 34);
    let _query = f.s.eq("x").sort_by(f.when.desc()).sort_by(f.s.asc()).limit(5).offset(1);
    let _patch = [f.maybe.set(None), f.level.set(Level::Low), f.list.set(vec![])];
}
