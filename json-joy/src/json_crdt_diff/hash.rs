//! Structural hashes of json-joy's `json-hash` (`structHash`, `structHashCrdt`): short
//! ASCII strings, one per array element, that the array diff compares line by line.
//! They must equal JS's strings exactly, or the line diff would align differently.

use std::cmp::Ordering;

use serde_json::Value;

use crate::json_crdt::Model;
use crate::json_crdt::nodes::Node;
use crate::json_crdt_patch::clock::Timestamp;
use crate::json_crdt_patch::operations::ConValue;
use crate::json_pack::PackValue;

const START: i64 = 5381;
const STRING: i64 = 982_453_601;
const BINARY: i64 = 982_454_837;

/// JS `(state << 5) + state + num` on a double holding an integer.
fn step(state: i64, num: i64) -> i64 {
    i64::from((state as i32).wrapping_shl(5))
        .wrapping_add(state)
        .wrapping_add(num)
}

/// JS `hash(str)` for a string given as UTF-16 units in reverse order.
fn hash_units_rev(len: usize, rev: impl Iterator<Item = u16>) -> u32 {
    let mut s = step(START, STRING);
    s = step(s, STRING);
    s = step(s, len as i64);
    for u in rev {
        s = step(s, i64::from(u));
    }
    s as u32
}

fn hash_str(s: &str) -> u32 {
    let len = s.encode_utf16().count();
    hash_units_rev(
        len,
        s.chars().rev().flat_map(|c| {
            let mut b = [0u16; 2];
            let n = c.encode_utf16(&mut b).len();
            let (hi, lo) = (b[0], b[1]);
            if n == 2 { vec![lo, hi] } else { vec![hi] }
        }),
    )
}

fn hash_bytes_rev(len: usize, rev: impl Iterator<Item = u8>) -> u32 {
    let mut s = step(START, BINARY);
    s = step(s, len as i64);
    for b in rev {
        s = step(s, i64::from(b));
    }
    s as u32
}

/// JS `n.toString(36)` for a non-negative integer.
fn radix36_u(mut n: u64, out: &mut String) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 16];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

fn next_double(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

/// JS `Number.prototype.toString(36)` (V8's `DoubleToRadixCString`).
pub fn f64_radix36(value: f64, out: &mut String) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if value.is_nan() {
        out.push_str("NaN");
        return;
    }
    if value.is_infinite() {
        out.push_str(if value < 0.0 { "-Infinity" } else { "Infinity" });
        return;
    }
    if value == 0.0 {
        out.push('0');
        return;
    }
    let negative = value < 0.0;
    let value = value.abs();
    let mut integer = value.floor();
    let mut fraction = value - integer;
    let mut delta = (0.5 * (next_double(value) - value)).max(next_double(0.0));
    let mut frac_digits: Vec<u8> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= 36.0;
            delta *= 36.0;
            let digit = fraction as usize;
            frac_digits.push(DIGITS[digit]);
            fraction -= digit as f64;
            if (fraction > 0.5 || (fraction == 0.5 && (digit & 1) == 1)) && fraction + delta > 1.0 {
                loop {
                    match frac_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(c) => {
                            let d = if c > b'9' { c - b'a' + 10 } else { c - b'0' } as usize;
                            if d + 1 < 36 {
                                frac_digits.push(DIGITS[d + 1]);
                                break;
                            }
                        }
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    let mut int_digits: Vec<u8> = Vec::new();
    // V8 fills digits below the double's precision with zeros.
    while exponent(integer / 36.0) > 0 {
        integer /= 36.0;
        int_digits.push(b'0');
    }
    loop {
        let rem = integer % 36.0;
        int_digits.push(DIGITS[rem as usize]);
        integer = (integer - rem) / 36.0;
        if integer <= 0.0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    out.extend(int_digits.iter().rev().map(|&b| b as char));
    if !frac_digits.is_empty() {
        out.push('.');
        out.extend(frac_digits.iter().map(|&b| b as char));
    }
}

/// V8 `Double::Exponent`: the binary exponent with a 53-bit integer significand.
fn exponent(d: f64) -> i64 {
    let bits = d.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    if biased == 0 {
        return -1074;
    }
    biased - 1075
}

fn num_i64(i: i64, out: &mut String) {
    if i.unsigned_abs() <= (1u64 << 53) {
        if i < 0 {
            out.push('-');
        }
        radix36_u(i.unsigned_abs(), out);
    } else {
        f64_radix36(i as f64, out);
    }
}

fn push_hash(h: u32, out: &mut String) {
    radix36_u(u64::from(h), out);
}

/// Compares strings as JS `<` does: by UTF-16 code units.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn sorted_keys<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = keys.collect();
    v.sort_by(|a, b| cmp_utf16(a, b));
    v
}

/// JS `structHash` of a plain JSON value.
pub fn value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push('N'),
        Value::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        Value::Number(n) => match n.as_i64() {
            Some(i) => num_i64(i, out),
            None => f64_radix36(n.as_f64().unwrap_or(f64::NAN), out),
        },
        Value::String(s) => push_hash(hash_str(s), out),
        Value::Array(a) => {
            out.push('[');
            for e in a {
                value(e, out);
                out.push(';');
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for k in sorted_keys(o.keys().map(String::as_str)) {
                push_hash(hash_str(k), out);
                out.push(':');
                if let Some(v) = o.get(k) {
                    value(v, out);
                }
                out.push(',');
            }
            out.push('}');
        }
    }
}

/// JS `structHash` of a constant.
pub fn pack(v: &PackValue, out: &mut String) {
    match v {
        PackValue::Null => out.push('N'),
        PackValue::Undefined => out.push('U'),
        PackValue::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        PackValue::Int(i) => num_i64(*i, out),
        PackValue::UInt(u) => f64_radix36(*u as f64, out),
        PackValue::Float(f) => f64_radix36(*f, out),
        PackValue::Str(s) => push_hash(hash_str(s), out),
        PackValue::Bytes(b) => push_hash(hash_bytes_rev(b.len(), b.iter().rev().copied()), out),
        PackValue::Array(a) => {
            out.push('[');
            for e in a {
                pack(e, out);
                out.push(';');
            }
            out.push(']');
        }
        PackValue::Object(o) => {
            out.push('{');
            let keys = sorted_keys(o.iter().map(|(k, _)| k.as_str()));
            for k in keys {
                push_hash(hash_str(k), out);
                out.push(':');
                if let Some((_, v)) = o.iter().rev().find(|(kk, _)| kk == k) {
                    pack(v, out);
                }
                out.push(',');
            }
            out.push('}');
        }
    }
}

fn timestamp(ts: Timestamp, out: &mut String) {
    radix36_u(ts.sid % 2_000_000, out);
    out.push('.');
    radix36_u(ts.time, out);
}

/// JS `structHashCrdt` of the node `id` (missing nodes hash as `U`).
pub fn node(model: &Model, id: Timestamp, out: &mut String, depth: usize) {
    if depth > crate::json_crdt::model::MAX_DEPTH {
        out.push('U');
        return;
    }
    match model.node(id) {
        Some(n) => node_ref(model, n, out, depth),
        None => out.push('U'),
    }
}

/// JS `structHashCrdt` of a node already looked up (`depth` as in [`node`]).
pub fn node_ref(model: &Model, n: &Node, out: &mut String, depth: usize) {
    match n {
        Node::Con(c) => match &c.val {
            ConValue::Val(v) => pack(v, out),
            ConValue::Ref(ts) => timestamp(*ts, out),
        },
        Node::Val(v) => node(model, v.val, out, depth + 1),
        Node::Str(s) => {
            let units = super::str_units(s);
            let h = hash_units_rev(units.len(), units.iter().rev().copied());
            push_hash(h, out);
        }
        Node::Bin(b) => {
            let chunks: Vec<&[u8]> = b
                .chunks()
                .filter(|c| !c.del)
                .map(|c| c.data.as_slice())
                .collect();
            let len = b.length() as usize;
            let h = hash_bytes_rev(
                len,
                chunks.iter().rev().flat_map(|c| c.iter().rev().copied()),
            );
            push_hash(h, out);
        }
        Node::Obj(o) => {
            out.push('{');
            let mut keys: Vec<&(String, Timestamp)> = o.entries().iter().collect();
            keys.sort_by(|a, b| cmp_utf16(&a.0, &b.0));
            for (k, v) in keys {
                push_hash(hash_str(k), out);
                out.push(':');
                node(model, *v, out, depth + 1);
                out.push(',');
            }
            out.push('}');
        }
        Node::Arr(a) => {
            out.push('[');
            for c in a.chunks().filter(|c| !c.del) {
                for e in &c.data {
                    node(model, *e, out, depth + 1);
                    out.push(';');
                }
            }
            out.push(']');
        }
        Node::Vec(v) => {
            out.push('[');
            for e in v.elements.iter().flatten() {
                if model.node(*e).is_some() {
                    node(model, *e, out, depth + 1);
                    out.push(';');
                }
            }
            out.push(']');
        }
    }
}
