#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `set_root` emits the operations JS `model.api.root(value)` emits, and the model
//! bytes match JS (logical and server clocks).

mod common;

use common::{edit_traces, norm, patch_from_verbose, to_hex};
use json_joy::json_crdt::Model;

#[test]
fn set_root_matches_js_ops_and_model_bytes() {
    let fx = edit_traces();
    let roots = fx["roots"].as_array().unwrap();
    assert!(roots.len() >= 60);
    let mut server = 0;
    for d in roots {
        let sid = d["sid"].as_u64().unwrap();
        server += usize::from(sid == 1);
        let mut m = Model::create(sid);
        let p = m.set_root(&d["value"]);
        assert_eq!(
            p,
            patch_from_verbose(&d["patch"]["json"]),
            "value {}",
            d["value"]
        );
        assert_eq!(norm(&m.view()), norm(&d["view"]));
        assert_eq!(
            to_hex(&m.to_binary()),
            d["model"].as_str().unwrap(),
            "value {}",
            d["value"]
        );
        let back = Model::from_binary(&m.to_binary()).unwrap();
        assert_eq!(norm(&back.view()), norm(&d["view"]));
    }
    assert!(server >= 5);
}

#[test]
fn set_root_twice_replaces_and_collects_the_old_tree() {
    let mut m = Model::create(123_456);
    m.set_root(&serde_json::json!({"a": [1, 2, 3], "s": "text"}));
    let p = m.set_root(&serde_json::json!({"b": 1}));
    assert_eq!(m.view(), serde_json::json!({"b": 1}));
    assert_eq!(m.node_count(), 2);
    // Applying the same patch again changes nothing.
    let before = m.to_binary();
    m.apply_patch(&p);
    assert_eq!(m.to_binary(), before);
}

#[test]
fn load_switches_session_and_rejects_reserved_ids() {
    let mut m = Model::create(123_456);
    m.set_root(&serde_json::json!({"x": "y"}));
    let bytes = m.to_binary();
    let l = Model::load(&bytes, 777_777).unwrap();
    assert_eq!(l.sid(), 777_777);
    assert_eq!(l.view(), m.view());
    assert!(Model::load(&bytes, 42).is_err());
    assert!(Model::load(&bytes[..3], 777_777).is_err());
}

#[test]
fn wide_objects_keep_key_order_and_lookups() {
    let mut obj = serde_json::Map::new();
    for i in 0..50 {
        obj.insert(format!("k{}", 49 - i), json_value(i));
    }
    let v = serde_json::Value::Object(obj);
    let mut m = Model::create(123_456);
    m.set_root(&v);
    let back = Model::from_binary(&m.to_binary()).unwrap();
    assert_eq!(back.view(), v);
    let keys: Vec<String> = back.view().as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys[0], "k49");
    let Some(json_joy::json_crdt::Node::Obj(o)) = back.root_node() else {
        panic!()
    };
    assert!(o.get("k7").is_some() && o.get("nope").is_none());
    // Overwriting a key through a second set_root keeps working on the indexed object.
    m.set_root(&serde_json::json!({"k": 1}));
    assert_eq!(m.view(), serde_json::json!({"k": 1}));
}

fn json_value(i: usize) -> serde_json::Value {
    serde_json::json!(i)
}
