use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::{ConValue, Op, Patch};
use json_joy::json_pack::PackValue;
use less_db::crdt::{self, schema::iso_to_millis, schema::millis_to_iso};
use serde_json::json;

use crate::common::*;

fn con_strings(patch: &Patch) -> Vec<String> {
    patch
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::NewCon {
                val: ConValue::Val(PackValue::Str(s)),
                ..
            } => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn inserted_text(patch: &Patch) -> String {
    patch
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::InsStr { data, .. } => Some(data.as_str()),
            _ => None,
        })
        .collect()
}

fn creates_str_node(patch: &Patch) -> bool {
    patch.ops.iter().any(|op| matches!(op, Op::NewStr { .. }))
}

#[test]
fn view_gives_back_the_record() {
    let model = crdt::create_model(&note_schema(), &note(), SID_A).unwrap();
    assert_eq!(crdt::view_model(&note_schema(), &model), note());
}

#[test]
fn binary_round_trip_keeps_the_record() {
    let model = crdt::create_model(&note_schema(), &note(), SID_A).unwrap();
    let bytes = crdt::model_to_binary(&model);
    let back = crdt::model_from_binary(&bytes).unwrap();
    assert_eq!(crdt::view_model(&note_schema(), &back), note());
    assert_eq!(crdt::model_to_binary(&back), bytes);
}

#[test]
fn dates_are_epoch_millis_inside_the_document() {
    let model = crdt::create_model(&note_schema(), &note(), SID_A).unwrap();
    let raw = model.view();
    assert_eq!(raw["createdAt"], json!(1_705_312_800_000_i64));
    assert_eq!(
        raw["due"],
        json!(iso_to_millis("2024-03-01T12:00:00.000Z").unwrap())
    );
    // Everything else is as written.
    assert_eq!(raw["title"], json!("Groceries"));
    assert_eq!(raw["body"], json!("hello world"));
}

#[test]
fn iso_conversion_matches_js_to_iso_string() {
    assert_eq!(
        millis_to_iso(1_705_312_800_000).as_deref(),
        Some("2024-01-15T10:00:00.000Z")
    );
    assert_eq!(
        millis_to_iso(-1).as_deref(),
        Some("1969-12-31T23:59:59.999Z")
    );
    assert_eq!(
        iso_to_millis("2024-01-15T11:00:00+01:00"),
        Some(1_705_312_800_000)
    );
    assert_eq!(iso_to_millis("yesterday"), None);
}

#[test]
fn unchanged_record_diffs_to_nothing() {
    let model = crdt::create_model(&note_schema(), &note(), SID_A).unwrap();
    assert!(crdt::diff_model(&note_schema(), &model, &note()).is_none());
}

#[test]
fn atomic_string_change_writes_a_new_con() {
    let schema = note_schema();
    let mut model = crdt::create_model(&schema, &note(), SID_A).unwrap();
    let patch = edit(
        &schema,
        &mut model,
        &with(&note(), json!({"title": "Groceries list"})),
    );
    assert_eq!(con_strings(&patch), vec!["Groceries list".to_string()]);
    assert!(
        inserted_text(&patch).is_empty(),
        "atomic strings are not edited in place"
    );
    assert!(!creates_str_node(&patch));
    assert_eq!(
        crdt::view_model(&schema, &model)["title"],
        json!("Groceries list")
    );
}

#[test]
fn text_change_edits_characters_in_place() {
    let schema = note_schema();
    let mut model = crdt::create_model(&schema, &note(), SID_A).unwrap();
    let patch = edit(
        &schema,
        &mut model,
        &with(&note(), json!({"body": "hello big world"})),
    );
    assert_eq!(inserted_text(&patch), "big ");
    assert!(!creates_str_node(&patch));
    assert!(con_strings(&patch).is_empty());
    assert_eq!(
        crdt::view_model(&schema, &model)["body"],
        json!("hello big world")
    );
}

#[test]
fn text_deletion_and_non_ascii_positions() {
    let schema = note_schema();
    let mut model =
        crdt::create_model(&schema, &with(&note(), json!({"body": "a😀b"})), SID_A).unwrap();
    edit(
        &schema,
        &mut model,
        &with(&note(), json!({"body": "a😀xb"})),
    );
    assert_eq!(crdt::view_model(&schema, &model)["body"], json!("a😀xb"));
    edit(&schema, &mut model, &with(&note(), json!({"body": "ab"})));
    assert_eq!(crdt::view_model(&schema, &model)["body"], json!("ab"));
}

#[test]
fn removed_optional_field_disappears() {
    let schema = note_schema();
    let mut model = crdt::create_model(&schema, &note(), SID_A).unwrap();
    let mut without = note();
    without.as_object_mut().unwrap().remove("tag");
    edit(&schema, &mut model, &without);
    let view = crdt::view_model(&schema, &model);
    assert!(view.get("tag").is_none(), "{view}");
    assert_eq!(view, without);
}

#[test]
fn added_fields_follow_the_schema() {
    let schema = note_schema();
    let mut base = note();
    base.as_object_mut().unwrap().remove("tag");
    let mut model = crdt::create_model(&schema, &base, SID_A).unwrap();
    let patch = edit(&schema, &mut model, &with(&base, json!({"tag": "work"})));
    assert_eq!(con_strings(&patch), vec!["work".to_string()]);
    assert!(!creates_str_node(&patch));
}

#[test]
fn date_change_is_stored_as_millis() {
    let schema = note_schema();
    let mut model = crdt::create_model(&schema, &note(), SID_A).unwrap();
    let later = with(&note(), json!({"due": "2024-03-02T12:00:00.000Z"}));
    edit(&schema, &mut model, &later);
    assert_eq!(
        model.view()["due"],
        json!(iso_to_millis("2024-03-02T12:00:00.000Z").unwrap())
    );
    assert_eq!(crdt::view_model(&schema, &model), later);
}

#[test]
fn nested_objects_and_arrays_round_trip() {
    use less_db::schema::SchemaNode;
    use std::collections::BTreeMap;
    let mut address = BTreeMap::new();
    address.insert("city".to_string(), SchemaNode::String);
    address.insert("zip".to_string(), SchemaNode::String);
    let mut props = BTreeMap::new();
    props.insert("address".to_string(), SchemaNode::Object(address));
    props.insert(
        "tags".to_string(),
        SchemaNode::Array(Box::new(SchemaNode::String)),
    );
    props.insert(
        "scores".to_string(),
        SchemaNode::Record(Box::new(SchemaNode::Number)),
    );
    let schema = SchemaNode::Object(props);
    let v1 = json!({"address": {"city": "Oslo", "zip": "0150"}, "tags": ["a", "b", "c"], "scores": {"x": 1}});
    let mut model = crdt::create_model(&schema, &v1, SID_A).unwrap();
    assert_eq!(crdt::view_model(&schema, &model), v1);
    let v2 = json!({"address": {"city": "Bergen", "zip": "0150"}, "tags": ["a", "c", "d"], "scores": {"x": 2, "y": 3}});
    edit(&schema, &mut model, &v2);
    assert_eq!(crdt::view_model(&schema, &model), v2);
    let back = crdt::model_from_binary(&crdt::model_to_binary(&model)).unwrap();
    assert_eq!(crdt::view_model(&schema, &back), v2);
}

/// A record written by a plain JS `api.root(...)`: every string is a `str` node.
fn plain_js_model(data: &serde_json::Value) -> Model {
    let mut m = Model::create(SID_B);
    m.set_root(data);
    m
}

#[test]
fn records_with_str_nodes_still_load_and_diff() {
    let schema = note_schema();
    let plain = plain_js_model(&note());
    let bytes = plain.to_binary();
    let mut model = crdt::model_load(&bytes, SID_A).unwrap();
    // Plain JS wrote the date as a string; it reads back unchanged.
    assert_eq!(
        crdt::view_model(&schema, &model)["createdAt"],
        json!(note()["createdAt"])
    );
    // An atomic field held in a str node keeps its node and is edited in place.
    let patch = edit(
        &schema,
        &mut model,
        &with(&note(), json!({"title": "Groceries!"})),
    );
    assert_eq!(inserted_text(&patch), "!");
    assert_eq!(
        crdt::view_model(&schema, &model)["title"],
        json!("Groceries!")
    );
}

fn bytes_schema() -> less_db::schema::SchemaNode {
    let mut props = std::collections::BTreeMap::new();
    props.insert("blob".to_string(), less_db::schema::SchemaNode::Bytes);
    less_db::schema::SchemaNode::Object(props)
}

#[test]
fn bytes_are_atomic_base64_text() {
    let schema = bytes_schema();
    let v1 = json!({"blob": "AAEC"});
    let mut model = crdt::create_model(&schema, &v1, SID_A).unwrap();
    assert_eq!(crdt::view_model(&schema, &model), v1);
    let patch = edit(&schema, &mut model, &json!({"blob": "AAED"}));
    assert_eq!(con_strings(&patch), vec!["AAED".to_string()]);
    assert!(!creates_str_node(&patch));
}

#[test]
fn raw_byte_constants_from_js_read_as_base64() {
    use json_joy::json_crdt_patch::clock::{ORIGIN, Timestamp};
    // What a JS writer produces for `{blob: new Uint8Array([0, 1, 2])}` with s.con.
    let ts = |t| Timestamp::new(SID_B, t);
    let patch = Patch {
        ops: vec![
            Op::NewObj { id: ts(1) },
            Op::NewCon {
                id: ts(2),
                val: ConValue::Val(PackValue::Bytes(vec![0, 1, 2])),
            },
            Op::InsObj {
                id: ts(3),
                obj: ts(1),
                data: vec![("blob".to_string(), ts(2))],
            },
            Op::InsVal {
                id: ts(4),
                obj: ORIGIN,
                val: ts(1),
            },
        ],
        meta: None,
    };
    let mut model = Model::create(SID_B);
    model.apply_patch(&patch);
    assert_eq!(
        crdt::view_model(&bytes_schema(), &model),
        json!({"blob": "AAEC"})
    );
}

#[test]
fn canonical_and_other_iso_forms_parse_alike() {
    for (iso, other) in [
        ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999+00:00"),
        ("1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999000Z"),
        ("2000-03-01T12:30:00.250Z", "2000-03-01T13:30:00.250+01:00"),
    ] {
        let ms = iso_to_millis(iso).unwrap();
        assert_eq!(Some(ms), iso_to_millis(other), "{iso}");
        assert_eq!(millis_to_iso(ms).as_deref(), Some(iso));
    }
    assert_eq!(iso_to_millis("2023-02-29T00:00:00.000Z"), None);
    assert_eq!(iso_to_millis("2024-13-01T00:00:00.000Z"), None);
}
