//! Random JSON values and random edits of them, for diff property tests: nested
//! objects and arrays, strings with astral characters and combining marks.

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

const ALPHABET: &[&str] = &[
    "a", "b", "c", " ", "é", "e\u{301}", "😀", "👍🏽", "中", "\n", "x", "y",
];

pub fn rand_str(r: &mut StdRng, max: usize) -> String {
    let n = r.random_range(0..=max);
    (0..n)
        .map(|_| ALPHABET[r.random_range(0..ALPHABET.len())])
        .collect()
}

pub fn rand_value(r: &mut StdRng, depth: usize) -> Value {
    let k = if depth >= 3 {
        r.random_range(0..5)
    } else {
        r.random_range(0..8)
    };
    match k {
        0 => Value::Null,
        1 => Value::Bool(r.random()),
        2 => json!(r.random_range(-5..50)),
        3 => json!(r.random_range(-100.0..100.0f64)),
        4 => Value::String(rand_str(r, 12)),
        5 | 6 => {
            let n = r.random_range(0..5);
            Value::Array((0..n).map(|_| rand_value(r, depth + 1)).collect())
        }
        _ => {
            let n = r.random_range(0..5);
            let mut m = serde_json::Map::new();
            for _ in 0..n {
                let key = ["a", "b", "c", "d", "1", "0", "k😀"][r.random_range(0..7)];
                m.insert(key.to_string(), rand_value(r, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// A random edit of `v` (so that pairs share structure, as real edits do).
pub fn mutate(r: &mut StdRng, v: &Value, depth: usize) -> Value {
    if r.random_range(0..6) == 0 {
        return rand_value(r, depth);
    }
    match v {
        Value::String(s) => {
            let mut chars: Vec<char> = s.chars().collect();
            for _ in 0..r.random_range(1..3) {
                let at = r.random_range(0..=chars.len());
                if r.random() && at < chars.len() {
                    chars.remove(at);
                } else {
                    let ins: Vec<char> = rand_str(r, 3).chars().collect();
                    chars.splice(at..at, ins);
                }
            }
            Value::String(chars.into_iter().collect())
        }
        Value::Array(a) => {
            let mut a = a.clone();
            for _ in 0..r.random_range(1..3) {
                let at = r.random_range(0..=a.len());
                match r.random_range(0..3) {
                    0 if at < a.len() => {
                        a.remove(at);
                    }
                    1 if at < a.len() => a[at] = mutate(r, &a[at], depth + 1),
                    _ => a.insert(at, rand_value(r, depth + 1)),
                }
            }
            Value::Array(a)
        }
        Value::Object(o) => {
            let mut o = o.clone();
            let keys: Vec<String> = o.keys().cloned().collect();
            if !keys.is_empty() && r.random() {
                let k = &keys[r.random_range(0..keys.len())];
                let nv = mutate(r, &o[k], depth + 1);
                o.insert(k.clone(), nv);
            } else if !keys.is_empty() && r.random() {
                o.shift_remove(&keys[r.random_range(0..keys.len())]);
            } else {
                o.insert(rand_str(r, 2), rand_value(r, depth + 1));
            }
            Value::Object(o)
        }
        _ => rand_value(r, depth),
    }
}
