use less_db::crdt::{
    self, CrdtError, MAX_SESSION_ID, MIN_SESSION_ID, generate_session_id, is_valid_session_id,
};
use serde_json::json;

use crate::common::note_schema;

#[test]
fn generated_ids_are_valid_and_distinct() {
    let ids: std::collections::HashSet<u64> = (0..64).map(|_| generate_session_id()).collect();
    assert_eq!(ids.len(), 64);
    assert!(ids.iter().all(|&sid| is_valid_session_id(sid)));
}

#[test]
fn session_id_bounds() {
    assert!(!is_valid_session_id(0));
    assert!(!is_valid_session_id(MIN_SESSION_ID - 1));
    assert!(is_valid_session_id(MIN_SESSION_ID));
    assert!(is_valid_session_id(MAX_SESSION_ID));
    assert!(!is_valid_session_id(MAX_SESSION_ID + 1));
    assert!(!is_valid_session_id(u64::MAX));
}

#[test]
fn reserved_session_ids_are_refused() {
    let err = crdt::create_model(&note_schema(), &json!({}), 1).unwrap_err();
    assert!(matches!(err, CrdtError::InvalidSessionId(1)));
    let model = crdt::create_model(&note_schema(), &json!({}), MIN_SESSION_ID).unwrap();
    let bytes = crdt::model_to_binary(&model);
    assert!(matches!(
        crdt::model_load(&bytes, 42),
        Err(CrdtError::InvalidSessionId(42))
    ));
    assert!(crdt::fork_model(&model, MAX_SESSION_ID + 1).is_err());
}
