use less_db::crdt::{self, patch_log};
use less_db::error::{LessDbError, StorageError};
use less_db::storage::record_manager::{
    prepare_delete, prepare_new, prepare_patch, prepare_update, try_extract_id,
};
use less_db::types::{DeleteOptions, PatchOptions, PutOptions};
use serde_json::json;

use crate::common::*;

fn immutable_field(err: LessDbError) -> String {
    match err {
        LessDbError::Storage(StorageError::ImmutableField { field, .. }) => field,
        other => panic!("expected ImmutableField, got {other:?}"),
    }
}

#[test]
fn extracts_only_non_empty_string_ids() {
    let def = users_def();
    assert_eq!(
        try_extract_id(&def, &json!({"id": "u-1", "name": "A"})).as_deref(),
        Some("u-1")
    );
    assert_eq!(try_extract_id(&def, &json!({"name": "A"})), None);
    assert_eq!(try_extract_id(&def, &json!({"id": ""})), None);
    assert_eq!(try_extract_id(&def, &json!({"id": 7})), None);
    assert_eq!(try_extract_id(&def, &json!("u-1")), None);
}

#[test]
fn new_record_is_dirty_versioned_and_autofilled() {
    let def = users_def();
    let rec = prepare_new(
        &def,
        json!({"name": "Bob", "email": "b@x.io"}),
        SID,
        &PutOptions::default(),
    )
    .unwrap()
    .record;
    assert!(!rec.id.is_empty());
    assert_eq!(rec.data["id"], json!(rec.id));
    assert_eq!(rec.collection, "users");
    assert_eq!(rec.version, 1);
    assert!(rec.dirty && !rec.deleted);
    assert_eq!(rec.sequence, 0);
    assert!(rec.pending_patches.is_empty());
    assert!(rec.data["createdAt"].is_string());
    assert_eq!(rec.data["createdAt"], rec.data["updatedAt"]);
    let model = crdt::model_from_binary(&rec.crdt).unwrap();
    assert_eq!(crdt::view_model(schema_of(&def), &model), rec.data);
}

#[test]
fn explicit_id_and_meta_are_used() {
    let def = users_def();
    let opts = PutOptions {
        id: Some("fixed".into()),
        meta: Some(json!({"space": "s1"})),
        ..PutOptions::default()
    };
    let rec = prepare_new(&def, json!({"name": "C", "email": "c@x.io"}), SID, &opts)
        .unwrap()
        .record;
    assert_eq!(rec.id, "fixed");
    assert_eq!(rec.meta, Some(json!({"space": "s1"})));
}

#[test]
fn invalid_data_is_rejected() {
    let def = users_def();
    let err = prepare_new(
        &def,
        json!({"email": "x@x.io"}),
        SID,
        &PutOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, LessDbError::Schema(_)), "{err:?}");
    let err = prepare_new(
        &def,
        json!({"name": 5, "email": "x@x.io"}),
        SID,
        &PutOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, LessDbError::Schema(_)), "{err:?}");
}

#[test]
fn oversized_records_are_rejected_at_write_time() {
    let def = users_def();
    let big = "x".repeat(crdt::MAX_CRDT_BINARY_SIZE + 10);
    let err = prepare_new(
        &def,
        json!({"name": big, "email": "a@b.c"}),
        SID,
        &PutOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");

    let existing = new_user("u1");
    let err = prepare_update(
        &def,
        &existing,
        data_with(&existing, json!({"name": big})),
        SID,
        &PutOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
}

#[test]
fn update_reports_changed_fields_and_appends_a_patch() {
    let def = users_def();
    let existing = new_user("u1");
    let up = prepare_update(
        &def,
        &existing,
        data_with(&existing, json!({"name": "Alicia"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap();
    assert!(up.has_changes);
    assert!(up.changed_fields.contains("name"));
    assert!(!up.changed_fields.contains("email"));
    assert_eq!(up.record.data["name"], json!("Alicia"));
    assert!(up.record.dirty);
    assert_eq!(
        patch_log::patch_count(&up.record.pending_patches).unwrap(),
        1
    );
    let model = crdt::model_from_binary(&up.record.crdt).unwrap();
    assert_eq!(
        crdt::view_model(schema_of(&def), &model)["name"],
        json!("Alicia")
    );

    let again = prepare_update(
        &def,
        &up.record,
        data_with(&up.record, json!({"email": "a@new.io"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap();
    assert_eq!(
        patch_log::patch_count(&again.record.pending_patches).unwrap(),
        2
    );
    assert!(
        again
            .record
            .pending_patches
            .starts_with(&up.record.pending_patches)
    );
}

#[test]
fn update_keeps_created_at_and_moves_updated_at() {
    let def = users_def();
    let mut existing = new_user("u1");
    existing.data["updatedAt"] = json!("2000-01-01T00:00:00.000Z");
    let up = prepare_update(
        &def,
        &existing,
        data_with(&existing, json!({"name": "Z"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap();
    assert_eq!(up.record.data["createdAt"], existing.data["createdAt"]);
    assert_ne!(
        up.record.data["updatedAt"],
        json!("2000-01-01T00:00:00.000Z")
    );
}

#[test]
fn update_without_auto_fields_carries_them_over() {
    let def = users_def();
    let existing = new_user("u1");
    let up = prepare_update(
        &def,
        &existing,
        json!({"name": "Only", "email": "o@x.io"}),
        SID,
        &PutOptions::default(),
    )
    .unwrap();
    assert_eq!(up.record.id, "u1");
    assert_eq!(up.record.data["id"], json!("u1"));
    assert_eq!(up.record.data["createdAt"], existing.data["createdAt"]);
}

#[test]
fn identical_update_has_no_changes() {
    let def = users_def();
    let existing = new_user("u1");
    let up = prepare_update(
        &def,
        &existing,
        existing.data.clone(),
        SID,
        &PutOptions::default(),
    )
    .unwrap();
    assert!(!up.has_changes);
    assert!(up.changed_fields.is_empty());
    assert_eq!(up.record, existing);
}

#[test]
fn changing_immutable_fields_is_an_error() {
    let def = users_def();
    let existing = new_user("u1");
    let err = prepare_update(
        &def,
        &existing,
        data_with(&existing, json!({"id": "u2"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap_err();
    assert_eq!(immutable_field(err), "id");
    let err = prepare_update(
        &def,
        &existing,
        data_with(&existing, json!({"createdAt": "2020-01-01T00:00:00.000Z"})),
        SID,
        &PutOptions::default(),
    )
    .unwrap_err();
    assert_eq!(immutable_field(err), "createdAt");
}

#[test]
fn patch_merges_shallowly_and_ignores_auto_fields() {
    let def = users_def();
    let existing = new_user("u1");
    let up = prepare_patch(
        &def,
        &existing,
        json!({"id": "hijack", "createdAt": "2000-01-01T00:00:00.000Z", "name": "Bea"}),
        SID,
        &PatchOptions::default(),
    )
    .unwrap();
    assert_eq!(up.record.id, "u1");
    assert_eq!(up.record.data["id"], json!("u1"));
    assert_eq!(up.record.data["createdAt"], existing.data["createdAt"]);
    assert_eq!(up.record.data["name"], json!("Bea"));
    assert_eq!(up.record.data["email"], existing.data["email"]);
}

#[test]
fn patch_with_same_values_has_no_changes() {
    let def = users_def();
    let existing = new_user("u1");
    let up = prepare_patch(
        &def,
        &existing,
        json!({"name": "Alice"}),
        SID,
        &PatchOptions::default(),
    )
    .unwrap();
    assert!(!up.has_changes);
}

#[test]
fn text_field_updates_are_character_edits() {
    let def = users_def();
    let existing = prepare_new(
        &def,
        json!({"name": "A", "email": "a@x.io", "bio": "likes tea"}),
        SID,
        &put_opts("u1"),
    )
    .unwrap()
    .record;
    let up = prepare_patch(
        &def,
        &existing,
        json!({"bio": "likes green tea"}),
        SID,
        &PatchOptions::default(),
    )
    .unwrap();
    let patches = patch_log::deserialize_patches(&up.record.pending_patches).unwrap();
    let inserted: String = patches[0]
        .ops
        .iter()
        .filter_map(|op| match op {
            json_joy::json_crdt_patch::Op::InsStr { data, .. } => Some(data.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(inserted, "green ");
}

#[test]
fn delete_makes_a_dirty_tombstone_keeping_the_document() {
    let existing = new_user("u1");
    let clean = less_db::types::SerializedRecord {
        dirty: false,
        ..existing.clone()
    };
    let t = prepare_delete(&clean, &DeleteOptions::default());
    assert!(t.deleted && t.dirty);
    assert!(t.deleted_at.is_some());
    assert_eq!(t.crdt, existing.crdt);
    assert_eq!(t.id, "u1");
}
