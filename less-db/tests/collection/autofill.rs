use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use less_db::collection::autofill::{
    AutofillOptions, autofill, autofill_for_update, generate_uuid, now_iso,
};
use less_db::schema::node::t;
use less_db::schema::validate::is_valid_iso_date;
use serde_json::json;

const NOW: &str = "2024-01-15T10:30:00.000Z";

fn fixed() -> AutofillOptions {
    let n = Arc::new(AtomicUsize::new(0));
    AutofillOptions::at(NOW).with_ids(move || format!("id-{}", n.fetch_add(1, Ordering::SeqCst)))
}

#[test]
fn uuid_v4_format() {
    let u = generate_uuid();
    let re =
        regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .unwrap();
    assert!(re.is_match(&u), "{u}");
}

#[test]
fn uuids_are_unique() {
    let set: HashSet<String> = (0..100).map(|_| generate_uuid()).collect();
    assert_eq!(set.len(), 100);
}

#[test]
fn now_iso_is_a_valid_js_style_date() {
    let n = now_iso();
    assert!(is_valid_iso_date(&n));
    assert!(n.ends_with('Z') && n.len() == 24, "{n}");
}

#[test]
fn missing_key_is_generated() {
    let s = t::object([("id", t::key()), ("name", t::string())]);
    let out = autofill(&s, &json!({"name": "J"}), &fixed());
    assert_eq!(out, json!({"name": "J", "id": "id-0"}));
}

#[test]
fn default_key_is_a_uuid() {
    let s = t::object([("id", t::key())]);
    let out = autofill(&s, &json!({}), &AutofillOptions::default());
    assert_eq!(out["id"].as_str().unwrap().len(), 36);
}

#[test]
fn existing_key_is_kept() {
    let s = t::object([("id", t::key())]);
    assert_eq!(autofill(&s, &json!({"id": "mine"}), &fixed())["id"], "mine");
}

#[test]
fn empty_key_is_replaced() {
    let s = t::object([("id", t::key())]);
    assert_eq!(autofill(&s, &json!({"id": ""}), &fixed())["id"], "id-0");
}

#[test]
fn wrong_typed_key_is_left_for_validation() {
    let s = t::object([("id", t::key())]);
    assert_eq!(autofill(&s, &json!({"id": 5}), &fixed())["id"], 5);
}

#[test]
fn created_at_set_when_missing() {
    let s = t::object([("createdAt", t::created_at())]);
    assert_eq!(autofill(&s, &json!({}), &fixed())["createdAt"], NOW);
}

#[test]
fn existing_created_at_kept() {
    let s = t::object([("createdAt", t::created_at())]);
    let out = autofill(
        &s,
        &json!({"createdAt": "2020-01-01T00:00:00.000Z"}),
        &fixed(),
    );
    assert_eq!(out["createdAt"], "2020-01-01T00:00:00.000Z");
}

#[test]
fn updated_at_always_set() {
    let s = t::object([("updatedAt", t::updated_at())]);
    assert_eq!(autofill(&s, &json!({}), &fixed())["updatedAt"], NOW);
    let out = autofill(
        &s,
        &json!({"updatedAt": "2020-01-01T00:00:00.000Z"}),
        &fixed(),
    );
    assert_eq!(out["updatedAt"], NOW);
}

#[test]
fn default_time_is_now() {
    let s = t::object([("updatedAt", t::updated_at())]);
    let out = autofill(&s, &json!({}), &AutofillOptions::default());
    assert!(is_valid_iso_date(out["updatedAt"].as_str().unwrap()));
}

#[test]
fn created_and_updated_share_one_instant() {
    let s = t::object([
        ("createdAt", t::created_at()),
        ("updatedAt", t::updated_at()),
    ]);
    let out = autofill(&s, &json!({}), &AutofillOptions::default());
    assert_eq!(out["createdAt"], out["updatedAt"]);
}

#[test]
fn keys_in_nested_objects() {
    let s = t::object([("user", t::object([("id", t::key()), ("name", t::string())]))]);
    let out = autofill(&s, &json!({"user": {"name": "J"}}), &fixed());
    assert_eq!(out["user"]["id"], "id-0");
}

#[test]
fn keys_in_array_items_are_distinct() {
    let s = t::object([(
        "items",
        t::array(t::object([("id", t::key()), ("t", t::string())])),
    )]);
    let out = autofill(&s, &json!({"items": [{"t": "a"}, {"t": "b"}]}), &fixed());
    assert_eq!(out["items"][0]["id"], "id-0");
    assert_eq!(out["items"][1]["id"], "id-1");
}

#[test]
fn keys_in_record_values() {
    let s = t::object([(
        "m",
        t::record(t::object([("id", t::key()), ("n", t::number())])),
    )]);
    let out = autofill(&s, &json!({"m": {"a": {"n": 1}, "b": {"n": 2}}}), &fixed());
    assert!(out["m"]["a"]["id"].is_string());
    assert_ne!(out["m"]["a"]["id"], out["m"]["b"]["id"]);
}

#[test]
fn absent_optional_object_stays_absent() {
    let s = t::object([
        ("name", t::string()),
        ("meta", t::optional(t::object([("id", t::key())]))),
    ]);
    let out = autofill(&s, &json!({"name": "J"}), &fixed());
    assert!(out.get("meta").is_none());
}

#[test]
fn null_optional_object_stays_null() {
    let s = t::object([("meta", t::optional(t::object([("id", t::key())])))]);
    assert_eq!(
        autofill(&s, &json!({"meta": null}), &fixed())["meta"],
        json!(null)
    );
}

#[test]
fn present_optional_object_is_filled() {
    let s = t::object([(
        "meta",
        t::optional(t::object([("id", t::key()), ("v", t::string())])),
    )]);
    let out = autofill(&s, &json!({"meta": {"v": "x"}}), &fixed());
    assert_eq!(out["meta"]["id"], "id-0");
}

#[test]
fn union_object_variant_is_filled() {
    let user = t::object([
        ("type", t::literal("user")),
        ("id", t::key()),
        ("name", t::string()),
    ]);
    let group = t::object([
        ("type", t::literal("group")),
        ("id", t::key()),
        ("title", t::string()),
    ]);
    let s = t::object([("item", t::union([user, group]))]);
    let out = autofill(
        &s,
        &json!({"item": {"type": "user", "name": "J"}}),
        &fixed(),
    );
    assert_eq!(
        out["item"],
        json!({"type": "user", "name": "J", "id": "id-0"})
    );
}

#[test]
fn union_picks_the_variant_its_discriminator_names() {
    let user = t::object([
        ("type", t::literal("user")),
        ("id", t::key()),
        ("name", t::string()),
    ]);
    let group = t::object([
        ("type", t::literal("group")),
        ("gid", t::key()),
        ("title", t::string()),
    ]);
    let s = t::object([("item", t::union([user, group]))]);
    let out = autofill(
        &s,
        &json!({"item": {"type": "group", "title": "G"}}),
        &fixed(),
    );
    assert_eq!(
        out["item"],
        json!({"type": "group", "title": "G", "gid": "id-0"})
    );
}

#[test]
fn union_without_matching_variant_keeps_value() {
    let a = t::object([("kind", t::literal("a"))]);
    let b = t::object([("kind", t::literal("b"))]);
    let s = t::object([("v", t::union([a, b]))]);
    assert_eq!(
        autofill(&s, &json!({"v": {"kind": "c"}}), &fixed())["v"]["kind"],
        "c"
    );
}

#[test]
fn union_of_scalars_passes_values_through() {
    let s = t::object([("v", t::union([t::string(), t::number()]))]);
    assert_eq!(autofill(&s, &json!({"v": 42}), &fixed())["v"], 42);
    assert_eq!(autofill(&s, &json!({"v": "s"}), &fixed())["v"], "s");
}

#[test]
fn unknown_fields_are_dropped() {
    let s = t::object([("id", t::key()), ("name", t::string())]);
    let out = autofill(
        &s,
        &json!({"name": "J", "extra": 1, "another": 2}),
        &fixed(),
    );
    assert_eq!(out, json!({"name": "J", "id": "id-0"}));
}

#[test]
fn unknown_fields_dropped_in_nested_objects() {
    let s = t::object([("n", t::object([("name", t::string())]))]);
    assert_eq!(
        autofill(&s, &json!({"n": {"name": "J", "x": 1}}), &fixed()),
        json!({"n": {"name": "J"}})
    );
}

#[test]
fn missing_ordinary_fields_are_not_invented() {
    let s = t::object([("name", t::string()), ("age", t::number())]);
    assert_eq!(autofill(&s, &json!({}), &fixed()), json!({}));
}

#[test]
fn non_object_data_is_returned_as_is() {
    let s = t::object([("name", t::string())]);
    assert_eq!(
        autofill(&s, &json!("just a string"), &fixed()),
        json!("just a string")
    );
}

#[test]
fn input_key_order_is_kept_and_new_fields_follow() {
    let s = t::object([("id", t::key()), ("b", t::string()), ("a", t::string())]);
    let out = autofill(&s, &json!({"b": "1", "a": "2"}), &fixed());
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["b", "a", "id"]);
}

#[test]
fn for_update_keeps_created_at_and_refreshes_updated_at() {
    let s = t::object([
        ("name", t::string()),
        ("createdAt", t::created_at()),
        ("updatedAt", t::updated_at()),
    ]);
    let old = "2024-01-01T00:00:00.000Z";
    let out = autofill_for_update(
        &s,
        &json!({"name": "J", "createdAt": old, "updatedAt": old}),
        &fixed(),
    );
    assert_eq!(out["createdAt"], old);
    assert_eq!(out["updatedAt"], NOW);
}

#[test]
fn for_update_fills_keys_of_new_nested_items() {
    let s = t::object([
        ("id", t::key()),
        ("items", t::array(t::object([("id", t::key())]))),
    ]);
    let out = autofill_for_update(
        &s,
        &json!({"id": "r1", "items": [{"id": "a"}, {}]}),
        &fixed(),
    );
    assert_eq!(out["id"], "r1");
    assert_eq!(out["items"][0]["id"], "a");
    assert_eq!(out["items"][1]["id"], "id-0");
}

#[test]
fn typical_document() {
    let s = t::object([
        ("id", t::key()),
        ("title", t::string()),
        ("tags", t::array(t::string())),
        (
            "author",
            t::object([("id", t::key()), ("name", t::string())]),
        ),
        ("createdAt", t::created_at()),
        ("updatedAt", t::updated_at()),
    ]);
    let out = autofill(
        &s,
        &json!({"title": "T", "tags": ["a"], "author": {"name": "J"}}),
        &fixed(),
    );
    assert_eq!(
        out,
        json!({
            "title": "T",
            "tags": ["a"],
            "author": {"name": "J", "id": "id-0"},
            "createdAt": NOW,
            "id": "id-1",
            "updatedAt": NOW
        })
    );
}

#[test]
fn autofilled_record_validates() {
    let def = less_db::collection::collection("notes")
        .v(1, t::object([("body", t::text())]))
        .build()
        .unwrap();
    let out = autofill(
        &def.current_schema,
        &json!({"body": "hi"}),
        &AutofillOptions::default(),
    );
    assert!(less_db::schema::validate::validate_shape(&def.current_schema, &out).is_ok());
}

#[test]
fn options_debug_hides_the_generator() {
    let text = format!("{:?}", fixed());
    assert!(text.contains("now") && text.contains(".."), "{text}");
}
