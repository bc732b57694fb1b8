use less_db::crdt;
use less_db::storage::record_manager::{
    merge_records, prepare_new, prepare_patch, prepare_remote_insert, prepare_remote_tombstone,
};
use less_db::types::{PatchOptions, SerializedRecord};
use serde_json::json;

use crate::common::*;

fn synced(mut rec: SerializedRecord, sequence: i64) -> SerializedRecord {
    rec.dirty = false;
    rec.pending_patches.clear();
    rec.sequence = sequence;
    rec
}

#[test]
fn local_edits_survive_a_remote_edit_of_another_field() {
    let def = users_def();
    let base = synced(new_user("u1"), 1);
    let remote = remote_edit(
        &def,
        &base,
        &data_with(&base, json!({"email": "remote@x.io"})),
        2,
    );
    let local = prepare_patch(
        &def,
        &base,
        json!({"name": "Local"}),
        SID,
        &PatchOptions::default(),
    )
    .unwrap()
    .record;
    let out = merge_records(
        &def,
        &local,
        remote.crdt.as_deref().unwrap(),
        None,
        2,
        1,
        Some(SID),
    )
    .unwrap();
    assert_eq!(out.record.data["name"], json!("Local"));
    assert_eq!(out.record.data["email"], json!("remote@x.io"));
    assert!(out.had_local_changes);
    assert!(out.record.dirty);
    assert_eq!(out.record.pending_patches, local.pending_patches);
    assert_eq!(out.record.sequence, 2);
    let model = crdt::model_from_binary(&out.record.crdt).unwrap();
    assert_eq!(crdt::view_model(schema_of(&def), &model), out.record.data);
}

#[test]
fn concurrent_text_edits_merge() {
    let def = users_def();
    let base = prepare_new(
        &def,
        json!({"name": "A", "email": "a@x.io", "bio": "tea"}),
        SID,
        &put_opts("u1"),
    )
    .unwrap()
    .record;
    let base = synced(base, 1);
    let remote = remote_edit(
        &def,
        &base,
        &data_with(&base, json!({"bio": "tea and cake"})),
        2,
    );
    let local = prepare_patch(
        &def,
        &base,
        json!({"bio": "green tea"}),
        SID,
        &PatchOptions::default(),
    )
    .unwrap()
    .record;
    let out = merge_records(
        &def,
        &local,
        remote.crdt.as_deref().unwrap(),
        None,
        2,
        1,
        None,
    )
    .unwrap();
    assert_eq!(out.record.data["bio"], json!("green tea and cake"));
}

#[test]
fn merging_with_an_equal_remote_leaves_nothing_pending() {
    let def = users_def();
    let local = new_user("u1");
    let out = merge_records(&def, &local, &local.crdt, None, 5, 1, None).unwrap();
    assert!(!out.had_local_changes);
    assert!(!out.record.dirty);
    assert_eq!(out.record.sequence, 5);
    assert_eq!(out.record.data, local.data);
    assert!(out.record.meta.is_none());
}

#[test]
fn unpushed_meta_keeps_the_record_dirty() {
    let def = users_def();
    let mut local = new_user("u1");
    local.meta = Some(json!({"space": "s1"}));
    let out = merge_records(&def, &local, &local.crdt, None, 5, 1, None).unwrap();
    assert!(out.had_local_changes && out.record.dirty);
    assert_eq!(out.record.meta, Some(json!({"space": "s1"})));
    assert_eq!(out.record.sequence, 5);

    let same = json!({"space": "s1"});
    let out = merge_records(&def, &local, &local.crdt, Some(&same), 6, 1, None).unwrap();
    assert!(!out.had_local_changes && !out.record.dirty);
}

#[test]
fn clean_local_meta_never_counts_as_a_change() {
    let def = users_def();
    let mut local = synced(new_user("u1"), 1);
    local.meta = Some(json!({"space": "stale"}));
    let remote_meta = json!({"space": "fresh"});
    let out = merge_records(&def, &local, &local.crdt, Some(&remote_meta), 2, 1, None).unwrap();
    assert!(!out.had_local_changes);
    assert_eq!(out.record.meta, Some(remote_meta));
}

#[test]
fn corrupt_or_oversized_remote_bytes_are_errors() {
    let def = users_def();
    let local = new_user("u1");
    assert!(merge_records(&def, &local, b"\x01garbage", None, 2, 1, None).is_err());
    let huge = vec![0u8; crdt::MAX_CRDT_BINARY_SIZE + 1];
    let err = merge_records(&def, &local, &huge, None, 2, 1, None).unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
}

#[test]
fn older_remote_is_migrated_and_local_edits_win() {
    let def = docs_def();
    let v1 = json!({
        "id": "d1", "title": "Remote title",
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
    });
    let remote = remote_new(&def, "d1", 1, v1, 8);
    let local = prepare_new(
        &def,
        json!({"title": "Local title", "body": "Local body"}),
        SID,
        &put_opts("d1"),
    )
    .unwrap()
    .record;
    let out = merge_records(
        &def,
        &local,
        remote.crdt.as_deref().unwrap(),
        None,
        8,
        1,
        Some(SID),
    )
    .unwrap();
    assert_eq!(out.record.version, 2);
    assert_eq!(out.record.data["title"], json!("Local title"));
    assert_eq!(out.record.data["body"], json!("Local body"));
    assert!(out.had_local_changes && out.record.dirty);
    assert_eq!(out.record.sequence, 8);
}

#[test]
fn older_remote_without_local_edits_gets_the_migration_defaults() {
    let def = docs_def();
    let v1 = json!({
        "id": "d1", "title": "Original",
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
    });
    let remote = remote_new(&def, "d1", 1, v1, 4);
    let local = SerializedRecord {
        dirty: false,
        ..prepare_remote_insert(&def, &remote, Some(SID))
            .unwrap()
            .record
    };
    let out = merge_records(
        &def,
        &local,
        remote.crdt.as_deref().unwrap(),
        None,
        4,
        1,
        Some(SID),
    )
    .unwrap();
    assert_eq!(out.record.data["title"], json!("Original"));
    assert_eq!(out.record.data["body"], json!(""));
    assert_eq!(out.record.version, 2);
}

#[test]
fn remote_insert_builds_a_clean_record() {
    let def = users_def();
    let data = json!({
        "id": "r1", "name": "Remote", "email": "r@x.io",
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
    });
    let mut remote = remote_new(&def, "r1", 1, data.clone(), 100);
    remote.meta = Some(json!({"space": "w1"}));
    let rec = prepare_remote_insert(&def, &remote, None).unwrap().record;
    assert_eq!(rec.id, "r1");
    assert_eq!(rec.sequence, 100);
    assert!(!rec.dirty && !rec.deleted);
    assert_eq!(rec.data, data);
    assert_eq!(rec.meta, Some(json!({"space": "w1"})));
    assert_eq!(&rec.crdt, remote.crdt.as_ref().unwrap());
}

#[test]
fn remote_insert_errors() {
    let def = users_def();
    let mut remote = remote_new(
        &def,
        "r1",
        1,
        json!({"id": "r1", "name": "R", "email": "r@x.io",
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"}),
        1,
    );
    let mut future = remote.clone();
    future.version = 99;
    assert!(
        prepare_remote_insert(&def, &future, None)
            .unwrap_err()
            .to_string()
            .contains("newer")
    );
    remote.crdt = None;
    assert!(prepare_remote_insert(&def, &remote, None).is_err());
    remote.crdt = Some(vec![0xde, 0xad]);
    assert!(prepare_remote_insert(&def, &remote, None).is_err());
}

#[test]
fn remote_insert_migrates_older_versions() {
    let def = docs_def();
    let v1 = json!({"id": "d9", "title": "Old",
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"});
    let remote = remote_new(&def, "d9", 1, v1, 50);
    let rec = prepare_remote_insert(&def, &remote, Some(SID))
        .unwrap()
        .record;
    assert_eq!(rec.version, 2);
    assert_eq!(rec.data["body"], json!(""));
    assert!(!rec.dirty);
    let model = crdt::model_from_binary(&rec.crdt).unwrap();
    assert_eq!(crdt::view_model(schema_of(&def), &model), rec.data);
}

#[test]
fn remote_tombstone_is_clean_and_empty() {
    let def = users_def();
    let t = prepare_remote_tombstone(&def, "gone", 50, Some("2024-01-15T00:00:00.000Z"), None);
    assert_eq!(t.id, "gone");
    assert_eq!(t.sequence, 50);
    assert!(t.deleted && !t.dirty);
    assert_eq!(t.deleted_at.as_deref(), Some("2024-01-15T00:00:00.000Z"));
    assert!(t.data.is_null() && t.crdt.is_empty());
    let t = prepare_remote_tombstone(&def, "gone", 1, None, None);
    assert!(t.deleted_at.is_some());
}
