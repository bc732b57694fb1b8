#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The reverse direction, live: Rust writes models (set_root docs, server clocks, Rust
//! edits by several sessions, forks, loads), JS json-joy reads them
//! (tools/interop/check-rust.mjs) and must see the same view and write the same bytes.
//! Skips (passes) when node or the pinned node_modules are missing, unless
//! LESS_DB_REQUIRE_NODE=1.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::edit::{random_edit, seed};
use common::random::{mutate, rand_value};
use common::{edit_traces, norm, patch_from_verbose, to_hex};
use json_joy::json_crdt::Model;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/interop")
}

/// Runs the JS checker, or returns None (skip) when node is unavailable.
fn run_js(request: &Value) -> Option<Value> {
    let require = std::env::var("LESS_DB_REQUIRE_NODE").is_ok_and(|v| v == "1");
    let dir = interop_dir();
    let has_modules = dir.join("node_modules/json-joy/package.json").exists();
    let child = Command::new("node")
        .arg(dir.join("check-rust.mjs"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match (child, has_modules) {
        (Ok(c), true) => c,
        (res, _) => {
            if let Ok(mut c) = res {
                let _ = c.kill();
                let _ = c.wait();
            }
            assert!(
                !require,
                "LESS_DB_REQUIRE_NODE=1 but node or tools/interop/node_modules is missing"
            );
            eprintln!("skipping live JS check: node or tools/interop/node_modules missing");
            return None;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "check-rust.mjs failed");
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn rust_models() -> Vec<Model> {
    let mut models = Vec::new();
    let fx = edit_traces();
    for (i, d) in fx["roots"].as_array().unwrap().iter().enumerate() {
        let mut m = Model::create(d["sid"].as_u64().unwrap());
        m.set_root(&d["value"]);
        models.push(m.clone());
        if m.clock().server {
            m.set_root(&json!({"again": i}));
            models.push(m);
        } else {
            // A second session overwrites part of the document.
            let mut f = m.fork(900_000 + i as u64);
            f.set_root(&json!({"by": "fork", "old": d["value"].clone()}));
            models.push(f);
        }
    }
    // Rust replicas replaying JS traces, then loaded into a new session and edited.
    for t in fx["traces"].as_array().unwrap().iter().take(10) {
        let r = &t["replicas"][0];
        let mut m = Model::create(r["sid"].as_u64().unwrap());
        for i in r["applied"].as_array().unwrap() {
            m.apply_patch(&patch_from_verbose(
                &t["patches"][i.as_u64().unwrap() as usize]["json"],
            ));
        }
        let mut l = Model::load(&m.to_binary(), 555_555).unwrap();
        l.set_root(&json!({"replaced": [1, 2, 3]}));
        models.push(l);
    }
    // Rust-only concurrent edits by three sessions, merged.
    for s in 0..20u64 {
        let mut rng = StdRng::seed_from_u64(s);
        let (base, _, st, a, o) = seed(100_000);
        let mut reps: Vec<Model> = (0..3).map(|i| base.fork(200_000 + i)).collect();
        let mut patches = Vec::new();
        for _ in 0..5 {
            for r in reps.iter_mut() {
                if let Some(p) = random_edit(&mut rng, r, st, a, o) {
                    patches.push(p);
                }
            }
        }
        for r in reps.iter_mut() {
            for p in &patches {
                r.apply_patch(p);
            }
        }
        models.extend(reps);
    }
    models
}

#[test]
fn js_reads_rust_models_with_the_same_view_and_bytes() {
    let models = rust_models();
    assert!(models.len() >= 150);
    let hexes: Vec<String> = models.iter().map(|m| to_hex(&m.to_binary())).collect();
    let Some(res) = run_js(&json!({ "models": hexes })) else {
        return;
    };
    let got = res["models"].as_array().unwrap();
    assert_eq!(got.len(), models.len());
    for ((m, hex), js) in models.iter().zip(&hexes).zip(got) {
        assert!(js.get("error").is_none(), "JS failed on {hex}: {js}");
        assert_eq!(norm(&js["view"]["view"]), norm(&m.view()), "{hex}");
        assert_eq!(
            js["view"]["model"].as_str().unwrap(),
            hex,
            "JS re-encodes differently"
        );
    }
}

/// One Rust-written patch: the model bytes it applies to, the patch, and the model
/// Rust has after applying it.
struct PatchCase {
    base: Vec<u8>,
    patch: json_joy::json_crdt_patch::Patch,
    after: Model,
}

fn record(
    cases: &mut Vec<PatchCase>,
    m: &mut Model,
    edit: impl FnOnce(&mut Model) -> Option<json_joy::json_crdt_patch::Patch>,
) {
    let base = m.to_binary();
    if let Some(patch) = edit(m) {
        cases.push(PatchCase {
            base,
            patch,
            after: m.clone(),
        });
    }
}

fn rust_patches() -> Vec<PatchCase> {
    let mut cases = Vec::new();
    let fx = edit_traces();
    // set_root patches on empty models, logical and server clock, then an overwrite.
    for (i, d) in fx["roots"].as_array().unwrap().iter().enumerate() {
        let mut m = Model::create(d["sid"].as_u64().unwrap());
        record(&mut cases, &mut m, |m| Some(m.set_root(&d["value"])));
        record(&mut cases, &mut m, |m| {
            Some(m.set_root(&json!({"again": i, "v": d["value"].clone()})))
        });
    }
    // Server clock: one model edited in sequence (text, array and object edits).
    for s in 0..5u64 {
        let mut rng = StdRng::seed_from_u64(1000 + s);
        let (mut m, _, st, a, o) = seed(1);
        assert!(m.clock().server);
        for _ in 0..12 {
            record(&mut cases, &mut m, |m| random_edit(&mut rng, m, st, a, o));
        }
    }
    // Logical clock: two sessions edit concurrently; replica 0 applies the other's
    // patches after its own, so JS sees patches from a foreign session too.
    for s in 0..8u64 {
        let mut rng = StdRng::seed_from_u64(2000 + s);
        let (base, _, st, a, o) = seed(300_000);
        let mut r0 = base.fork(300_001);
        let mut r1 = base.fork(300_002);
        for _ in 0..4 {
            record(&mut cases, &mut r0, |m| random_edit(&mut rng, m, st, a, o));
            if let Some(p) = random_edit(&mut rng, &mut r1, st, a, o) {
                record(&mut cases, &mut r0, |m| {
                    m.apply_patch(&p);
                    Some(p)
                });
            }
        }
    }
    cases
}

#[test]
fn js_applies_rust_patches_with_the_same_view_and_bytes() {
    let cases = rust_patches();
    assert!(cases.len() >= 200, "{}", cases.len());
    assert!(cases.iter().filter(|c| c.after.clock().server).count() >= 50);
    let request: Vec<Value> = cases
        .iter()
        .map(|c| json!({"base": to_hex(&c.base), "patch": to_hex(&c.patch.to_binary())}))
        .collect();
    let Some(res) = run_js(&json!({ "patches": request })) else {
        return;
    };
    let got = res["patches"].as_array().unwrap();
    assert_eq!(got.len(), cases.len());
    for (c, js) in cases.iter().zip(got) {
        let patch_hex = to_hex(&c.patch.to_binary());
        assert!(
            js.get("error").is_none(),
            "JS failed on patch {patch_hex}: {js}"
        );
        let js = &js["view"];
        assert_eq!(
            norm(&js["view"]),
            norm(&c.after.view()),
            "patch {patch_hex}"
        );
        assert_eq!(
            js["patch"].as_str().unwrap(),
            patch_hex,
            "JS re-encodes the patch differently"
        );
        assert_eq!(
            js["model"].as_str().unwrap(),
            to_hex(&c.after.to_binary()),
            "JS model after patch {patch_hex} differs"
        );
    }
}

/// Rust's diff patches, applied by JS to the Rust model they were made from, reach the
/// target value and the same model bytes: random pairs (nested values, astral text)
/// and every model case of the JS diff fixtures.
#[test]
fn js_applies_rust_diff_patches() {
    let mut pairs: Vec<(Model, Value)> = Vec::new();
    let mut rng = StdRng::seed_from_u64(77);
    for case in 0..300u64 {
        let a = rand_value(&mut rng, 0);
        let b = mutate(&mut rng, &a, 0);
        let mut m = Model::create(400_000 + case);
        m.set_root(&a);
        pairs.push((m, b));
    }
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/diff_cases.json"
    ))
    .unwrap();
    let fx: Value = serde_json::from_str(&raw).unwrap();
    for c in fx["model"].as_array().unwrap() {
        // vec views differ by design (undefined slots), see tests/diff_fixtures.rs.
        if c["family"] != "vec" {
            let m = Model::from_binary(&common::hex(c["model"].as_str().unwrap())).unwrap();
            pairs.push((m, c["b"].clone()));
        }
    }
    let mut cases = Vec::new();
    for (m, b) in &pairs {
        if let Some(p) = m.diff(b) {
            let mut after = m.clone_model();
            after.apply_patch(&p);
            assert_eq!(&after.view(), b, "Rust diff misses the target");
            cases.push((m.to_binary(), p, after, b));
        }
    }
    assert!(cases.len() >= 500, "{}", cases.len());
    let request: Vec<Value> = cases
        .iter()
        .map(|(base, p, ..)| json!({"base": to_hex(base), "patch": to_hex(&p.to_binary())}))
        .collect();
    let Some(res) = run_js(&json!({ "patches": request })) else {
        return;
    };
    let got = res["patches"].as_array().unwrap();
    assert_eq!(got.len(), cases.len());
    for ((_, p, after, b), js) in cases.iter().zip(got) {
        let patch_hex = to_hex(&p.to_binary());
        assert!(js.get("error").is_none(), "JS failed on {patch_hex}: {js}");
        assert_eq!(norm(&js["view"]["view"]), norm(b), "patch {patch_hex}");
        assert_eq!(
            js["view"]["model"].as_str().unwrap(),
            to_hex(&after.to_binary()),
            "JS model after diff patch {patch_hex} differs"
        );
    }
}
