#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! JS replicas edited one document in 2-3 sessions and exchanged patches
//! (tools/interop/gen-edit-fixtures.mjs). Rust must decode every final model to the JS
//! view and write the same bytes back.

mod common;

use common::{hex, patch_from_verbose};
use json_joy::json_crdt::Model;
use serde_json::Value;

fn traces() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/edit_traces.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["traces"].as_array().unwrap().clone()
}

#[test]
fn js_edited_models_decode_to_js_view_and_reencode_identically() {
    let mut n = 0;
    for t in traces() {
        for r in t["replicas"].as_array().unwrap() {
            let bytes = hex(r["model"].as_str().unwrap());
            let m = Model::from_binary(&bytes).unwrap();
            assert_eq!(m.view(), r["view"], "seed {} sid {}", t["seed"], r["sid"]);
            assert_eq!(m.to_binary(), bytes, "seed {} sid {}", t["seed"], r["sid"]);
            // A fork (JS clone semantics) writes the same document.
            let f = m.fork(m.sid());
            assert_eq!(f.to_binary(), bytes);
            n += 1;
        }
    }
    assert!(n >= 80, "only {n} replicas");
}

#[test]
fn js_server_clock_models_round_trip() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/edit_traces.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let docs = v["server"].as_array().unwrap();
    assert!(docs.len() >= 10);
    for d in docs {
        let bytes = hex(d["model"].as_str().unwrap());
        assert_eq!(bytes[0] & 0x80, 0x80, "server-clock marker");
        let m = Model::from_binary(&bytes).unwrap();
        assert!(m.clock().server);
        assert_eq!(m.view(), d["view"]);
        assert_eq!(m.to_binary(), bytes);
        assert_eq!(m.fork(m.sid()).to_binary(), bytes);
    }
}

#[test]
fn replaying_js_patches_gives_js_views_and_bytes() {
    let mut replicas = 0;
    for t in traces() {
        let patches: Vec<_> = t["patches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| patch_from_verbose(&p["json"]))
            .collect();
        for r in t["replicas"].as_array().unwrap() {
            let mut m = Model::create(r["sid"].as_u64().unwrap());
            for i in r["applied"].as_array().unwrap() {
                m.apply_patch(&patches[i.as_u64().unwrap() as usize]);
            }
            let ctx = format!("seed {} sid {}", t["seed"], r["sid"]);
            assert_eq!(m.view(), r["view"], "{ctx}");
            assert_eq!(
                common::to_hex(&m.to_binary()),
                r["model"].as_str().unwrap(),
                "{ctx}"
            );
            replicas += 1;
        }
    }
    assert!(replicas >= 80);
}
