#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Diffs of strings whose model holds unpaired UTF-16 surrogates (only a JS-written
//! binary can hold them) and diffs that must never split a surrogate pair. See the
//! "Diff: lone surrogates" entry in DIVERGENCE.md.

use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::{Op, Patch};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// The 3-byte WTF-8 form of a BMP code unit (surrogates included, as JS writes them).
fn wtf8_unit(u: u16) -> [u8; 3] {
    let u = u32::from(u);
    assert!(u >= 0x800);
    [
        0xe0 | (u >> 12) as u8,
        0x80 | ((u >> 6) & 0x3f) as u8,
        0x80 | (u & 0x3f) as u8,
    ]
}

/// A model of `{"t": <units>}` decoded from a binary whose text holds exactly `units`
/// (each at least U+0800, so each takes three bytes like the placeholder it replaces).
fn model_with_units(units: &[u16], sid: u64) -> Model {
    let placeholder: String = "一".repeat(units.len());
    let mut m = Model::create(sid);
    m.set_root(&json!({ "t": placeholder }));
    let mut bytes = m.to_binary();
    if !units.is_empty() {
        let needle = placeholder.as_bytes();
        let at = bytes
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap();
        for (k, &u) in units.iter().enumerate() {
            bytes[at + 3 * k..at + 3 * k + 3].copy_from_slice(&wtf8_unit(u));
        }
    }
    Model::load(&bytes, sid).unwrap()
}

/// Applies `m.diff(target)` (sent over the wire) and checks the model reaches exactly
/// `target` and that no inserted text is malformed.
fn diff_reaches(m: &mut Model, target: &Value) -> Option<Patch> {
    let p = m.diff(target)?;
    let p = Patch::from_binary(&p.to_binary()).unwrap();
    m.apply_patch(&p);
    assert_eq!(&m.view(), target);
    assert!(m.diff(target).is_none(), "a second diff is empty");
    Some(p)
}

#[test]
fn lone_surrogates_view_as_replacement_characters() {
    let m = model_with_units(&[0x4e01, 0xd83d, 0x4e02, 0xde00], 70_000);
    assert_eq!(m.view(), json!({ "t": "丁\u{fffd}丂\u{fffd}" }));
}

#[test]
fn a_lone_high_surrogate_completed_into_a_pair() {
    // Source "丁\uD83D丂"; target "丁😀丂". JS would keep the high surrogate and insert
    // the low half alone; Rust replaces the differing middle with whole characters.
    let mut m = model_with_units(&[0x4e01, 0xd83d, 0x4e02], 70_001);
    let p = diff_reaches(&mut m, &json!({ "t": "丁😀丂" })).unwrap();
    let inserted: Vec<&str> = p
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::InsStr { data, .. } => Some(data.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(inserted, ["😀"]);
}

#[test]
fn a_lone_low_surrogate_completed_into_a_pair() {
    let mut m = model_with_units(&[0x4e01, 0xde00, 0x4e02], 70_002);
    diff_reaches(&mut m, &json!({ "t": "丁😀丂" })).unwrap();
}

#[test]
fn diffing_to_the_view_replaces_lone_surrogates() {
    let mut m = model_with_units(&[0xd83d, 0x4e02, 0xdd1e], 70_003);
    let view = m.view();
    // The view is lossy (U+FFFD), so it differs from the stored units.
    let p = diff_reaches(&mut m, &view).unwrap();
    assert!(!p.ops.is_empty());
}

#[test]
fn random_sources_with_lone_surrogates_reach_the_target() {
    const SRC: &[u16] = &[
        0x4e01, 0x4e02, 0xd83d, 0xde00, 0xd834, 0xdd1e, 0x200d, 0xfe0f,
    ];
    const DST: &[&str] = &["丁", "丂", "😀", "𝄞", "a", "\u{200d}", "\u{fe0f}", "😁"];
    let mut r = StdRng::seed_from_u64(5);
    for case in 0..400u64 {
        let n = r.random_range(0..24);
        let units: Vec<u16> = (0..n).map(|_| SRC[r.random_range(0..SRC.len())]).collect();
        let k = r.random_range(0..24);
        let target: String = (0..k).map(|_| DST[r.random_range(0..DST.len())]).collect();
        let mut m = model_with_units(&units, 80_000 + case);
        diff_reaches(&mut m, &json!({ "t": target }));
    }
}

#[test]
fn well_formed_edits_never_split_a_pair() {
    // Edits next to and between astral characters. Inserted text is always whole
    // characters (a Rust string), so a deletion that took half a pair would leave a
    // lone surrogate, which views as U+FFFD: an exact view proves no pair was split.
    let base = "😀😁👍🏽𝄞x😀";
    let targets = [
        "😀😀😁👍🏽𝄞x😀",
        "😁👍🏽𝄞x😀",
        "😀😁👍𝄞x😀",
        "😀😁👍🏽🏽𝄞x😀",
        "😀😂👍🏽𝄞x😀",
        "😀😁👍🏽𝄞😀",
        "",
        "😀😁👍🏽𝄞x😀😀",
    ];
    for (i, t) in targets.iter().enumerate() {
        let mut m = Model::create(90_000 + i as u64);
        m.set_root(&json!(base));
        let Some(p) = m.diff(&json!(t)) else {
            panic!("target {i} gave no patch")
        };
        m.apply_patch(&p);
        assert_eq!(m.view(), json!(t), "target {i}");
    }
}
