use less_db::crdt::patch_log::{
    EMPTY_PATCH_LOG, append_patch, deserialize_patches, patch_count, serialize_patches,
};
use less_db::crdt::{self, CrdtError};
use serde_json::json;

use crate::common::*;

fn two_patches() -> Vec<crdt::Patch> {
    let schema = note_schema();
    let mut m = crdt::create_model(&schema, &note(), SID_A).unwrap();
    let p1 = edit(&schema, &mut m, &with(&note(), json!({"title": "One"})));
    let p2 = edit(
        &schema,
        &mut m,
        &with(
            &note(),
            json!({"title": "One", "body": "hello there world"}),
        ),
    );
    vec![p1, p2]
}

#[test]
fn empty_log_has_no_patches() {
    assert!(EMPTY_PATCH_LOG.is_empty());
    assert!(deserialize_patches(EMPTY_PATCH_LOG).unwrap().is_empty());
    assert_eq!(serialize_patches(&[]), EMPTY_PATCH_LOG);
    assert_eq!(patch_count(EMPTY_PATCH_LOG).unwrap(), 0);
}

#[test]
fn round_trip_keeps_patches_in_order() {
    let patches = two_patches();
    let bytes = serialize_patches(&patches);
    assert_eq!(deserialize_patches(&bytes).unwrap(), patches);
    assert_eq!(patch_count(&bytes).unwrap(), 2);
}

#[test]
fn append_equals_serializing_all() {
    let patches = two_patches();
    let one = append_patch(EMPTY_PATCH_LOG, &patches[0]);
    let both = append_patch(&one, &patches[1]);
    assert_eq!(both, serialize_patches(&patches));
    assert!(
        both.starts_with(&one),
        "appending never rewrites older entries"
    );
}

#[test]
fn replaying_a_decoded_log_rebuilds_the_edits() {
    let schema = note_schema();
    let patches = two_patches();
    let bytes = serialize_patches(&patches);
    let mut fresh = crdt::create_model(&schema, &note(), SID_A).unwrap();
    crdt::merge_with_pending_patches(&mut fresh, &deserialize_patches(&bytes).unwrap());
    let view = crdt::view_model(&schema, &fresh);
    assert_eq!(view["title"], json!("One"));
    assert_eq!(view["body"], json!("hello there world"));
}

#[test]
fn hostile_logs_are_typed_errors() {
    let good = serialize_patches(&two_patches());
    let cases: Vec<Vec<u8>> = vec![
        vec![0x00],                                     // truncated length prefix
        vec![0x00, 0x00, 0x00, 0x10, 1, 2, 3],          // length past the end
        vec![0xff, 0xff, 0xff, 0xff],                   // 4 GiB claimed, nothing there
        vec![0x00, 0x00, 0x00, 0x03, 0xff, 0xfe, 0xfd], // garbage patch
        good[..good.len() - 1].to_vec(),                // last entry cut short
    ];
    for bytes in cases {
        match deserialize_patches(&bytes) {
            Err(CrdtError::PatchLog(_)) => {}
            other => panic!("{bytes:?}: expected a patch-log error, got {other:?}"),
        }
    }
    assert!(patch_count(&[0, 0, 0, 9]).is_err());
}
