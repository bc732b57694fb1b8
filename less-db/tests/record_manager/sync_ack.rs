use less_db::storage::record_manager::{prepare_delete, prepare_mark_synced, prepare_update};
use less_db::types::{DeleteOptions, PushSnapshot, PutOptions};
use serde_json::json;

use crate::common::*;

fn snapshot_of(rec: &less_db::types::SerializedRecord) -> PushSnapshot {
    PushSnapshot {
        pending_patches_length: rec.pending_patches.len(),
        deleted: rec.deleted,
        meta: rec.meta.clone(),
    }
}

#[test]
fn ack_without_snapshot_cleans_the_record() {
    let def = users_def();
    let rec = new_user("u1");
    let edited = prepare_update(
        &def,
        &rec,
        data_with(&rec, json!({"name": "B"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap()
    .record;
    let synced = prepare_mark_synced(&edited, 7, None);
    assert!(!synced.dirty);
    assert!(synced.pending_patches.is_empty());
    assert_eq!(synced.sequence, 7);
    assert_eq!(synced.data, edited.data);
}

#[test]
fn ack_matching_the_snapshot_cleans_the_record() {
    let def = users_def();
    let rec = new_user("u1");
    let edited = prepare_update(
        &def,
        &rec,
        data_with(&rec, json!({"name": "B"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap()
    .record;
    let synced = prepare_mark_synced(&edited, 42, Some(&snapshot_of(&edited)));
    assert!(!synced.dirty);
    assert!(synced.pending_patches.is_empty());
    assert_eq!(synced.sequence, 42);
}

#[test]
fn edits_made_during_the_push_stay_pending() {
    let def = users_def();
    let rec = new_user("u1");
    let pushed = prepare_update(
        &def,
        &rec,
        data_with(&rec, json!({"name": "B"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap()
    .record;
    let snap = snapshot_of(&pushed);
    let later = prepare_update(
        &def,
        &pushed,
        data_with(&pushed, json!({"name": "C"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap()
    .record;
    let synced = prepare_mark_synced(&later, 10, Some(&snap));
    assert!(synced.dirty);
    assert_eq!(synced.sequence, 10);
    // Only the patch written after the snapshot is left to push.
    assert_eq!(
        synced.pending_patches,
        later.pending_patches[pushed.pending_patches.len()..].to_vec()
    );
    assert_eq!(
        less_db::crdt::patch_log::patch_count(&synced.pending_patches).unwrap(),
        1
    );
}

#[test]
fn delete_during_the_push_stays_dirty() {
    let rec = new_user("u1");
    let snap = snapshot_of(&rec);
    let deleted = prepare_delete(&rec, &DeleteOptions::default());
    let synced = prepare_mark_synced(&deleted, 3, Some(&snap));
    assert!(synced.dirty && synced.deleted);
}

#[test]
fn meta_change_during_the_push_stays_dirty() {
    let mut rec = new_user("u1");
    rec.meta = Some(json!({"space": "a"}));
    let snap = snapshot_of(&rec);
    rec.meta = Some(json!({"space": "b"}));
    let synced = prepare_mark_synced(&rec, 4, Some(&snap));
    assert!(synced.dirty);
    assert_eq!(synced.meta, Some(json!({"space": "b"})));

    let synced = prepare_mark_synced(&rec, 5, Some(&snapshot_of(&rec)));
    assert!(!synced.dirty);
}
