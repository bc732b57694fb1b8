use less_db::crdt::{self, CrdtError, MAX_CRDT_BINARY_SIZE};

use crate::common::*;

#[test]
fn garbage_model_bytes_are_errors() {
    let good = crdt::model_to_binary(&crdt::create_model(&note_schema(), &note(), SID_A).unwrap());
    let mut cases: Vec<Vec<u8>> = vec![vec![], vec![0xff], vec![0x00; 7], b"not a model".to_vec()];
    cases.push(good[..good.len() / 2].to_vec());
    for bytes in cases {
        assert!(
            crdt::model_from_binary(&bytes).is_err(),
            "{bytes:?} should not decode"
        );
        assert!(crdt::model_load(&bytes, SID_B).is_err());
    }
}

#[test]
fn oversized_binaries_are_refused_before_decoding() {
    let huge = vec![0u8; MAX_CRDT_BINARY_SIZE + 1];
    match crdt::model_from_binary(&huge) {
        Err(CrdtError::TooLarge { size, max }) => {
            assert_eq!(size, MAX_CRDT_BINARY_SIZE + 1);
            assert_eq!(max, 10 * 1024 * 1024);
        }
        other => panic!("expected TooLarge, got {:?}", other.map(|_| ())),
    }
    assert!(matches!(
        crdt::model_load(&huge, SID_A),
        Err(CrdtError::TooLarge { .. })
    ));
    assert!(crdt::check_binary_size(MAX_CRDT_BINARY_SIZE).is_ok());
}
