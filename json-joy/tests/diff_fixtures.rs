#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! JS `JsonCrdtDiff` fixtures (tests/fixtures/diff_cases.json): Rust's diff reaches the
//! same view as JS's, JS's patch applies in Rust, and most patches are byte-identical.

use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::Patch;
use serde_json::Value;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn model_cases_match_js() {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/diff_cases.json"
    ))
    .unwrap();
    let f: Value = serde_json::from_str(&raw).unwrap();
    let cases = f["model"].as_array().unwrap();
    assert!(cases.len() >= 300);
    let (mut identical, mut differ) = (0, Vec::new());
    for (i, c) in cases.iter().enumerate() {
        let family = c["family"].as_str().unwrap();
        let bytes = unhex(c["model"].as_str().unwrap());
        let b = &c["b"];
        let view = &c["view"];
        let model = Model::from_binary(&bytes).unwrap();
        let ours = model.diff(b);

        // JS's patch applied in Rust reaches JS's view.
        let mut m1 = model.clone_model();
        if let Some(h) = c["patch"].as_str() {
            m1.apply_patch(&Patch::from_binary(&unhex(h)).unwrap());
        }
        // A vec emptied by undefined slots: JS's view drops them, Rust's reads null
        // (a model view question, outside the diff); compare with JS's patch instead.
        if family != "vec" {
            assert_eq!(&m1.view(), view, "case {i} ({family}): JS patch in Rust");
        }

        // Rust's patch applied in Rust reaches the same view.
        let mut m2 = model.clone_model();
        if let Some(p) = &ours {
            m2.apply_patch(p);
        }
        assert_eq!(m2.view(), m1.view(), "case {i} ({family}): Rust patch");

        let ours_hex = ours.as_ref().map(|p| hex(&p.to_binary()));
        if ours_hex.as_deref() == c["patch"].as_str() {
            identical += 1;
        } else {
            differ.push((i, family));
        }
    }
    let share = identical as f64 / cases.len() as f64;
    eprintln!(
        "byte-identical patches: {identical}/{} ({:.1}%); differ: {differ:?}",
        cases.len(),
        share * 100.0
    );
    assert!(differ.is_empty(), "patches differ from JS: {differ:?}");
}
