//! The patch side of the JS `root_docs.json` fixtures (written by
//! `node tools/interop/gen-fixtures.mjs`): for every document, the Rust builder emits
//! exactly the JS patch bytes, and JS bytes decode and re-encode byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use json_joy::json_crdt_patch::{Op, Patch, PatchBuilder};
use serde_json::Value;

mod common;
use common::root_docs::{b64, load_docs};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn first_diff(a: &[u8], b: &[u8]) -> String {
    let i = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let lo = i.saturating_sub(8);
    format!(
        "first difference at byte {i} (lens {} vs {}): rust ..{} / js ..{}",
        a.len(),
        b.len(),
        hex(&a[lo..a.len().min(i + 8)]),
        hex(&b[lo..b.len().min(i + 8)])
    )
}

fn build_root(sid: u64, doc: &Value) -> Patch {
    let mut b = PatchBuilder::new(sid, 1);
    b.set_root_json(doc);
    b.flush()
}

#[test]
fn fixture_set_is_large_and_varied() {
    let docs = load_docs();
    assert!(docs.len() >= 200, "{} docs", docs.len());
    assert!(docs.iter().filter(|d| d.get("server").is_some()).count() >= 50);
}

#[test]
fn builder_emits_js_patch_bytes_for_every_document() {
    let mut failures = Vec::new();
    for d in load_docs() {
        let name = d["name"].as_str().unwrap();
        let doc: Value = serde_json::from_str(d["json"].as_str().unwrap()).unwrap();
        let sid = d["sid"].as_u64().unwrap();
        let js = b64(d["patch"].as_str().unwrap());
        let ours = build_root(sid, &doc).to_binary();
        if ours != js {
            failures.push(format!("{name}: {}", first_diff(&ours, &js)));
        }
        if let Some(s) = d.get("server") {
            let js = b64(s["patch"].as_str().unwrap());
            let ours = build_root(1, &doc).to_binary();
            if ours != js {
                failures.push(format!("{name} (server): {}", first_diff(&ours, &js)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn js_patch_bytes_decode_and_reencode_identically() {
    for d in load_docs() {
        let name = d["name"].as_str().unwrap();
        let mut blobs = vec![(
            d["sid"].as_u64().unwrap(),
            b64(d["patch"].as_str().unwrap()),
        )];
        if let Some(s) = d.get("server") {
            blobs.push((1, b64(s["patch"].as_str().unwrap())));
        }
        for (sid, js) in blobs {
            let p = Patch::from_binary(&js).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(p.id().map(|id| (id.sid, id.time)), Some((sid, 1)), "{name}");
            let last = p.ops.last().unwrap();
            assert!(
                matches!(last, Op::InsVal { obj, .. } if obj.sid == 0 && obj.time == 0),
                "{name}: last op sets the root"
            );
            let again = p.to_binary();
            assert!(again == js, "{name}: {}", first_diff(&again, &js));
        }
    }
}

#[test]
fn decoded_patch_equals_built_patch_in_structure() {
    // Ids, op kinds and references must agree, not only the bytes.
    for d in load_docs().iter().take(120) {
        let doc: Value = serde_json::from_str(d["json"].as_str().unwrap()).unwrap();
        let sid = d["sid"].as_u64().unwrap();
        let built = build_root(sid, &doc);
        let decoded = Patch::from_binary(&b64(d["patch"].as_str().unwrap())).unwrap();
        assert_eq!(built.ops.len(), decoded.ops.len(), "{}", d["name"]);
        for (a, b) in built.ops.iter().zip(&decoded.ops) {
            assert_eq!(a.id(), b.id());
            assert_eq!(a.span(), b.span());
            assert_eq!(std::mem::discriminant(a), std::mem::discriminant(b));
        }
        assert_eq!(built.next_time(), decoded.next_time());
    }
}
