use less_db::crdt;
use less_db::index::types::{ComputedIndex, IndexDefinition};
use less_db::storage::record_manager::{
    compute_index_values, migrate_and_deserialize, normalize_index_value,
};
use less_db::types::SerializedRecord;
use serde_json::{Value, json};
use std::sync::Arc;

use crate::common::*;

fn v1_doc(def: &less_db::collection::CollectionDef) -> SerializedRecord {
    let data = json!({
        "id": "d1",
        "title": "Hello",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-01T00:00:00.000Z"
    });
    let model = crdt::create_model(&schema_at(def, 1), &data, SID).unwrap();
    SerializedRecord {
        id: "d1".into(),
        collection: "docs".into(),
        version: 1,
        data,
        crdt: crdt::model_to_binary(&model),
        pending_patches: Vec::new(),
        sequence: 3,
        dirty: false,
        deleted: false,
        deleted_at: None,
        meta: None,
        computed: None,
    }
}

#[test]
fn current_version_is_left_alone() {
    let def = users_def();
    let rec = new_user("u1");
    let out = migrate_and_deserialize(&def, &rec).unwrap();
    assert!(!out.was_migrated);
    assert_eq!(out.original_version, None);
    assert_eq!(out.data, rec.data);
    assert_eq!(out.crdt, rec.crdt);
}

#[test]
fn older_version_is_migrated_data_and_document() {
    let def = docs_def();
    let rec = v1_doc(&def);
    let out = migrate_and_deserialize(&def, &rec).unwrap();
    assert!(out.was_migrated);
    assert_eq!(out.original_version, Some(1));
    assert_eq!(out.version, 2);
    assert_eq!(out.data["body"], json!(""));
    assert_eq!(out.data["title"], json!("Hello"));
    let model = crdt::model_from_binary(&out.crdt).unwrap();
    assert_eq!(crdt::view_model(schema_of(&def), &model), out.data);
    // The input is untouched.
    assert_eq!(rec.version, 1);
    assert!(rec.data.get("body").is_none());
}

#[test]
fn tombstones_are_not_migrated() {
    let def = docs_def();
    let mut rec = v1_doc(&def);
    rec.deleted = true;
    rec.data = Value::Null;
    let out = migrate_and_deserialize(&def, &rec).unwrap();
    assert!(!out.was_migrated);
    assert!(out.data.is_null());
}

#[test]
fn future_versions_are_errors() {
    let def = users_def();
    let mut rec = new_user("u1");
    rec.version = 9;
    let err = migrate_and_deserialize(&def, &rec).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn computed_index_values_are_normalized() {
    let score = IndexDefinition::Computed(ComputedIndex {
        name: "by_score".into(),
        compute: Arc::new(|d: &Value| d.get("score").cloned()),
        unique: false,
        sparse: false,
    });
    let active = IndexDefinition::Computed(ComputedIndex {
        name: "by_active".into(),
        compute: Arc::new(|d: &Value| d.get("active").cloned()),
        unique: false,
        sparse: false,
    });
    let missing = IndexDefinition::Computed(ComputedIndex {
        name: "by_missing".into(),
        compute: Arc::new(|_: &Value| None),
        unique: false,
        sparse: false,
    });
    let out = compute_index_values(
        &json!({"score": 4.5, "active": true}),
        &[score, active, missing],
    )
    .unwrap();
    assert_eq!(
        out,
        json!({"by_score": 4.5, "by_active": 1, "by_missing": null})
    );
}

#[test]
fn no_computed_index_means_no_computed_values() {
    let def = users_def();
    assert!(compute_index_values(&json!({"name": "A"}), &def.indexes).is_none());
    assert!(compute_index_values(&json!({"name": "A"}), &[]).is_none());
}

#[test]
fn index_values_normalize_like_sqlite_compares_them() {
    assert_eq!(normalize_index_value(&json!(null)), json!(null));
    assert_eq!(normalize_index_value(&json!("s")), json!("s"));
    assert_eq!(normalize_index_value(&json!(2.5)), json!(2.5));
    assert_eq!(normalize_index_value(&json!(true)), json!(1));
    assert_eq!(normalize_index_value(&json!(false)), json!(0));
    assert_eq!(normalize_index_value(&json!([1])), json!(null));
    assert_eq!(normalize_index_value(&json!({"a": 1})), json!(null));
}
