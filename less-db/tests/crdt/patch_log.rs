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

fn every_operation() -> crdt::Patch {
    use json_joy::json_crdt_patch::clock::{Timespan, Timestamp};
    use json_joy::json_crdt_patch::{ConValue, Op};
    use json_joy::json_pack::PackValue as P;
    let t = |n| Timestamp::new(SID_A, n);
    let nested = P::Object(vec![
        (
            "a".into(),
            P::Array(vec![P::Int(-3), P::UInt(u64::MAX), P::Float(0.5)]),
        ),
        ("b".into(), P::Bytes(vec![0, 255])),
        ("c".into(), P::Undefined),
        ("d".into(), P::Null),
        ("e".into(), P::Bool(true)),
        ("f".into(), P::Str("ünï".into())),
    ]);
    crdt::Patch {
        ops: vec![
            Op::NewCon {
                id: t(1),
                val: ConValue::Val(nested.clone()),
            },
            Op::NewCon {
                id: t(2),
                val: ConValue::Ref(t(1)),
            },
            Op::NewVal { id: t(3) },
            Op::NewObj { id: t(4) },
            Op::NewVec { id: t(5) },
            Op::NewStr { id: t(6) },
            Op::NewBin { id: t(7) },
            Op::NewArr { id: t(8) },
            Op::InsVal {
                id: t(9),
                obj: t(3),
                val: t(1),
            },
            Op::InsObj {
                id: t(10),
                obj: t(4),
                data: vec![("k".into(), t(1))],
            },
            Op::InsVec {
                id: t(11),
                obj: t(5),
                data: vec![(0, t(2))],
            },
            Op::InsStr {
                id: t(12),
                obj: t(6),
                after: t(6),
                data: "a😀".into(),
            },
            Op::InsBin {
                id: t(15),
                obj: t(7),
                after: t(7),
                data: vec![1, 2],
            },
            Op::InsArr {
                id: t(17),
                obj: t(8),
                after: t(8),
                data: vec![t(1), t(2)],
            },
            Op::UpdArr {
                id: t(19),
                obj: t(8),
                after: t(17),
                val: t(2),
            },
            Op::Del {
                id: t(20),
                obj: t(6),
                what: vec![Timespan::new(SID_A, 12, 1)],
            },
            Op::Nop { id: t(21), len: 3 },
        ],
        meta: Some(nested),
    }
}

#[test]
fn every_operation_kind_round_trips() {
    let patch = every_operation();
    let bytes = serialize_patches(std::slice::from_ref(&patch));
    assert_eq!(deserialize_patches(&bytes).unwrap(), vec![patch]);
}

#[test]
fn every_truncation_of_a_log_is_an_error() {
    let bytes = serialize_patches(&[every_operation(), two_patches().remove(0)]);
    let first_entry = serialize_patches(&[every_operation()]).len();
    for cut in 0..bytes.len() {
        let r = deserialize_patches(&bytes[..cut]);
        if cut == 0 || cut == first_entry {
            // Entry boundaries are complete (shorter) logs.
            assert_eq!(r.unwrap().len(), usize::from(cut == first_entry));
        } else {
            assert!(r.is_err(), "cut at {cut} decoded");
        }
    }
    // Flipping any byte never panics.
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xa5;
        let _ = deserialize_patches(&b);
    }
}
