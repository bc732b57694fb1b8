#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The text and line diffs produce JS json-joy's exact edit scripts
//! (tests/fixtures/diff_cases.json, written by tools/interop/gen-diff-fixtures.mjs).

use json_joy::json_crdt_diff::{line, text};
use serde_json::Value;

fn fixtures() -> Value {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/diff_cases.json"
    ))
    .unwrap();
    serde_json::from_str(&raw).unwrap()
}

fn units(v: &Value) -> Vec<u16> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u16)
        .collect()
}

fn kind_num(k: text::Kind) -> i64 {
    match k {
        text::Kind::Del => -1,
        text::Kind::Eql => 0,
        text::Kind::Ins => 1,
    }
}

#[test]
fn text_diff_matches_js() {
    let f = fixtures();
    let cases = f["text"].as_array().unwrap();
    assert!(cases.len() >= 500);
    let mut js_failed = 0;
    for (i, c) in cases.iter().enumerate() {
        let (a, b) = (units(&c["a"]), units(&c["b"]));
        let d = text::diff(&a, &b);
        // Always a valid script from a to b.
        let (mut sa, mut sb) = (Vec::new(), Vec::new());
        for (k, t) in &d {
            if *k != text::Kind::Ins {
                sa.extend_from_slice(t);
            }
            if *k != text::Kind::Del {
                sb.extend_from_slice(t);
            }
        }
        assert_eq!((sa, sb), (a.clone(), b.clone()), "case {i}");
        if c["ops"].is_null() {
            js_failed += 1;
            continue;
        }
        let got: Vec<(i64, usize)> = d.iter().map(|(k, t)| (kind_num(*k), t.len())).collect();
        let want: Vec<(i64, usize)> = c["ops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o[0].as_i64().unwrap(), o[1].as_u64().unwrap() as usize))
            .collect();
        assert_eq!(got, want, "case {i}: a={a:?} b={b:?}");
    }
    assert!(js_failed < 20);
}

#[test]
fn line_diff_matches_js() {
    let f = fixtures();
    for (i, c) in f["line"].as_array().unwrap().iter().enumerate() {
        let lines = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        };
        let got = line::diff(&lines(&c["a"]), &lines(&c["b"]));
        let got: Vec<(i64, i64, i64)> = got
            .iter()
            .map(|(op, s, d)| {
                let t = match op {
                    line::LineOp::Eql => 0,
                    line::LineOp::Del => -1,
                    line::LineOp::Ins => 1,
                    line::LineOp::Mix => 2,
                };
                (t, *s as i64, *d as i64)
            })
            .collect();
        let want: Vec<(i64, i64, i64)> = c["ops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o[0].as_i64().unwrap(),
                    o[1].as_i64().unwrap(),
                    o[2].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, want, "case {i}: {c}");
    }
}
