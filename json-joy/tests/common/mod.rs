//! Test helpers: hex, fixture loading, and JS's verbose JSON patch form turned into
//! [`Patch`] values (so model tests do not depend on the binary patch codec).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod edit;
pub mod random;
pub mod root_docs;

use json_joy::json_crdt_patch::clock::{Timespan, Timestamp};
use json_joy::json_crdt_patch::{ConValue, Op, Patch};
use json_joy::json_pack::PackValue;
use serde_json::Value;

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn edit_traces() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/edit_traces.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn ts(v: &Value) -> Timestamp {
    match v {
        Value::Number(n) => Timestamp::new(1, n.as_u64().unwrap()),
        Value::Array(a) => Timestamp::new(a[0].as_u64().unwrap(), a[1].as_u64().unwrap()),
        _ => panic!("bad timestamp {v}"),
    }
}

pub fn pack(v: &Value) -> PackValue {
    match v {
        Value::Null => PackValue::Null,
        Value::Bool(b) => PackValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) if i.unsigned_abs() < (1 << 53) => PackValue::Int(i),
            _ => PackValue::Float(n.as_f64().unwrap()),
        },
        Value::String(s) => PackValue::Str(s.clone()),
        Value::Array(a) => PackValue::Array(a.iter().map(pack).collect()),
        Value::Object(o) => {
            PackValue::Object(o.iter().map(|(k, v)| (k.clone(), pack(v))).collect())
        }
    }
}

fn base64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        acc = (acc << 6) | A.iter().position(|&x| x == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// JS `json-crdt-patch/codec/verbose` form to a [`Patch`].
pub fn patch_from_verbose(j: &Value) -> Patch {
    let id = ts(&j["id"]);
    let mut time = id.time;
    let mut ops = Vec::new();
    for o in j["ops"].as_array().unwrap() {
        let id = Timestamp::new(id.sid, time);
        let op = match o["op"].as_str().unwrap() {
            "new_con" => Op::NewCon {
                id,
                val: if o.get("timestamp").is_some() {
                    ConValue::Ref(ts(&o["value"]))
                } else {
                    o.get("value")
                        .map_or(ConValue::Val(PackValue::Undefined), |v| {
                            ConValue::Val(pack(v))
                        })
                },
            },
            "new_val" => Op::NewVal { id },
            "new_obj" => Op::NewObj { id },
            "new_vec" => Op::NewVec { id },
            "new_str" => Op::NewStr { id },
            "new_bin" => Op::NewBin { id },
            "new_arr" => Op::NewArr { id },
            "ins_val" => Op::InsVal {
                id,
                obj: ts(&o["obj"]),
                val: ts(&o["value"]),
            },
            "ins_obj" => Op::InsObj {
                id,
                obj: ts(&o["obj"]),
                data: o["value"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|kv| (kv[0].as_str().unwrap().to_owned(), ts(&kv[1])))
                    .collect(),
            },
            "ins_vec" => Op::InsVec {
                id,
                obj: ts(&o["obj"]),
                data: o["value"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|kv| (kv[0].as_u64().unwrap() as u8, ts(&kv[1])))
                    .collect(),
            },
            "ins_str" => Op::InsStr {
                id,
                obj: ts(&o["obj"]),
                after: ts(&o["after"]),
                data: o["value"].as_str().unwrap().to_owned(),
            },
            "ins_bin" => Op::InsBin {
                id,
                obj: ts(&o["obj"]),
                after: ts(&o["after"]),
                data: base64(o["value"].as_str().unwrap()),
            },
            "ins_arr" => Op::InsArr {
                id,
                obj: ts(&o["obj"]),
                after: ts(&o["after"]),
                data: o["values"].as_array().unwrap().iter().map(ts).collect(),
            },
            "upd_arr" => Op::UpdArr {
                id,
                obj: ts(&o["obj"]),
                after: ts(&o["ref"]),
                val: ts(&o["value"]),
            },
            "del" => Op::Del {
                id,
                obj: ts(&o["obj"]),
                what: o["what"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| {
                        Timespan::new(
                            w[0].as_u64().unwrap(),
                            w[1].as_u64().unwrap(),
                            w[2].as_u64().unwrap(),
                        )
                    })
                    .collect(),
            },
            "nop" => Op::Nop {
                id,
                len: o.get("len").map_or(1, |l| l.as_u64().unwrap()),
            },
            other => panic!("unknown op {other}"),
        };
        time += op.span();
        ops.push(op);
    }
    Patch {
        ops,
        meta: j.get("meta").map(pack),
    }
}

/// A view with every number as f64, for comparing JS and Rust views of large numbers
/// (JS prints 2^60 as 1152921504606847000, Rust as 1.152921504606847e18).
pub fn norm(v: &Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Array(a) => Value::Array(a.iter().map(norm).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), norm(v))).collect()),
        other => other.clone(),
    }
}
