use less_db::patch::{Changeset, diff, node_equals};
use less_db::schema::node::{SchemaNode, t};
use serde_json::{Value, json};

fn paths(c: &Changeset) -> Vec<&str> {
    c.iter().map(String::as_str).collect()
}

/// `diff` of one field `f` under `$schema`, old and new values: the expected paths.
macro_rules! field_diff {
    ($($name:ident: $schema:expr, $old:tt, $new:tt => [$($p:expr),*];)*) => {$(
        #[test]
        fn $name() {
            let s = t::object([("f", $schema)]);
            let c = diff(&s, &json!({"f": $old}), &json!({"f": $new}));
            let expected: Vec<&str> = vec![$($p),*];
            assert_eq!(paths(&c), expected);
        }
    )*};
}

field_diff! {
    string_changed: t::string(), "a", "b" => ["f"];
    string_same: t::string(), "a", "a" => [];
    text_changed: t::text(), "hello", "hello!" => ["f"];
    text_same: t::text(), "x", "x" => [];
    number_changed: t::number(), 30, 31 => ["f"];
    number_same: t::number(), 42, 42 => [];
    number_int_vs_float_same: t::number(), 1, 1.0 => [];
    boolean_changed: t::boolean(), true, false => ["f"];
    boolean_same: t::boolean(), true, true => [];
    date_changed: t::date(), "2024-01-01T10:30:00Z", "2024-01-02T00:00:00Z" => ["f"];
    date_same: t::date(), "2024-01-01T10:30:00Z", "2024-01-01T10:30:00Z" => [];
    date_same_instant_other_form: t::date(), "2024-01-01T10:30:00Z", "2024-01-01T10:30:00.000Z" => [];
    date_same_instant_other_offset: t::date(), "2024-01-01T10:30:00Z", "2024-01-01T12:30:00+02:00" => [];
    date_one_milli_apart: t::date(), "2024-01-01T10:30:00.000Z", "2024-01-01T10:30:00.001Z" => ["f"];
    date_invalid_strings_compare_as_text: t::date(), "x", "y" => ["f"];
    created_at_changed: t::created_at(), "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z" => ["f"];
    updated_at_same: t::updated_at(), "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z" => [];
    bytes_changed: t::bytes(), "AAEC", "AAED" => ["f"];
    bytes_same: t::bytes(), "AAEC", "AAEC" => [];
    bytes_length_changed: t::bytes(), "AAEC", "AAECAw==" => ["f"];
    key_changed: t::key(), "abc", "xyz" => ["f"];
    key_same: t::key(), "abc", "abc" => [];
    literal_changed: t::literal("active"), "active", "inactive" => ["f"];
    literal_same: t::literal("active"), "active", "active" => [];
    literal_number_changed: t::literal(42), 42, 43 => ["f"];
    optional_null_to_value: t::optional(t::string()), null, "Ace" => ["f"];
    optional_value_to_null: t::optional(t::string()), "Ace", null => ["f"];
    optional_both_null: t::optional(t::string()), null, null => [];
    optional_inner_changed: t::optional(t::string()), "Ace", "Bud" => ["f"];
    optional_inner_same: t::optional(t::string()), "Ace", "Ace" => [];
    optional_object_leaf_changed: t::optional(t::object([("a", t::number()), ("b", t::number())])), {"a": 1, "b": 2}, {"a": 1, "b": 3} => ["f.b"];
    optional_object_from_null: t::optional(t::object([("a", t::number())])), null, {"a": 1} => ["f"];
    optional_object_to_null: t::optional(t::object([("a", t::number())])), {"a": 1}, null => ["f"];
    array_element_changed: t::array(t::string()), ["a", "b", "c"], ["a", "x", "c"] => ["f"];
    array_grown: t::array(t::string()), ["a", "b"], ["a", "b", "c"] => ["f"];
    array_shrunk: t::array(t::string()), ["a", "b"], ["a"] => ["f"];
    array_reordered: t::array(t::number()), [1, 2], [2, 1] => ["f"];
    array_same: t::array(t::string()), ["a", "b"], ["a", "b"] => [];
    array_empty_same: t::array(t::string()), [], [] => [];
    array_of_objects_inner_change: t::array(t::object([("x", t::number())])), [{"x": 1}], [{"x": 2}] => ["f"];
    array_of_dates_same_instants: t::array(t::date()), ["2024-01-01T00:00:00Z"], ["2024-01-01T00:00:00.000Z"] => [];
    record_value_changed: t::record(t::number()), {"alice": 10, "bob": 20}, {"alice": 15, "bob": 20} => ["f"];
    record_key_added: t::record(t::number()), {"alice": 10}, {"alice": 10, "bob": 20} => ["f"];
    record_key_removed: t::record(t::number()), {"alice": 10, "bob": 20}, {"alice": 10} => ["f"];
    record_key_renamed: t::record(t::number()), {"a": 1}, {"b": 1} => ["f"];
    record_same: t::record(t::number()), {"a": 1, "b": 2}, {"a": 1, "b": 2} => [];
    record_same_other_order: t::record(t::number()), {"a": 1, "b": 2}, {"b": 2, "a": 1} => [];
    object_leaf_changed: t::object([("email", t::string()), ("age", t::number())]), {"email": "a", "age": 30}, {"email": "b", "age": 30} => ["f.email"];
    object_two_leaves_changed: t::object([("email", t::string()), ("age", t::number())]), {"email": "a", "age": 30}, {"email": "b", "age": 31} => ["f.age", "f.email"];
    object_same: t::object([("email", t::string())]), {"email": "a"}, {"email": "a"} => [];
    object_deep_leaf: t::object([("a", t::object([("b", t::object([("c", t::number())]))]))]), {"a": {"b": {"c": 1}}}, {"a": {"b": {"c": 2}}} => ["f.a.b.c"];
    object_unknown_key_ignored: t::object([("a", t::number())]), {"a": 1, "x": 1}, {"a": 1, "x": 2} => [];
    object_from_non_object: t::object([("a", t::number())]), 5, {"a": 1} => ["f"];
    union_same_variant_changed: t::union([t::string(), t::number()]), "hello", "world" => ["f"];
    union_variant_switched: t::union([t::string(), t::number()]), "hello", 42 => ["f"];
    union_same: t::union([t::string(), t::number()]), 42, 42 => [];
    union_unmatched_different: t::union([t::string(), t::number()]), true, false => ["f"];
    union_unmatched_same: t::union([t::string(), t::number()]), true, true => [];
    union_of_objects_reported_whole: t::union([t::object([("k", t::literal("a")), ("n", t::number())])]), {"k": "a", "n": 1}, {"k": "a", "n": 2} => ["f"];
    union_dates_same_instant: t::union([t::date(), t::number()]), "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z" => [];
}

#[test]
fn missing_and_null_are_the_same() {
    let s = t::object([("n", t::optional(t::string()))]);
    assert!(diff(&s, &json!({}), &json!({"n": null})).is_empty());
}

#[test]
fn added_field_is_a_change() {
    let s = t::object([("n", t::optional(t::string()))]);
    assert_eq!(paths(&diff(&s, &json!({}), &json!({"n": "x"}))), ["n"]);
}

#[test]
fn removed_field_is_a_change() {
    let s = t::object([("n", t::optional(t::string()))]);
    assert_eq!(paths(&diff(&s, &json!({"n": "x"}), &json!({}))), ["n"]);
}

#[test]
fn several_top_level_changes_are_sorted() {
    let s = t::object([("z", t::number()), ("a", t::number()), ("m", t::number())]);
    let c = diff(
        &s,
        &json!({"z": 1, "a": 1, "m": 1}),
        &json!({"z": 2, "a": 2, "m": 1}),
    );
    assert_eq!(paths(&c), ["a", "z"]);
}

#[test]
fn auto_fields_are_diffed_like_others() {
    let s = t::object([
        ("id", t::key()),
        ("createdAt", t::created_at()),
        ("updatedAt", t::updated_at()),
    ]);
    let c = diff(
        &s,
        &json!({"id": "a", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}),
        &json!({"id": "a", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-02T00:00:00Z"}),
    );
    assert_eq!(paths(&c), ["updatedAt"]);
}

#[test]
fn non_object_root_reports_root_path() {
    assert_eq!(paths(&diff(&t::string(), &json!("a"), &json!("b"))), [""]);
    assert!(diff(&t::string(), &json!("a"), &json!("a")).is_empty());
}

#[test]
fn identical_records_have_no_changes() {
    let s = t::object([
        ("name", t::string()),
        ("tags", t::array(t::string())),
        ("address", t::object([("city", t::string())])),
    ]);
    let v = json!({"name": "A", "tags": ["x"], "address": {"city": "B"}});
    assert!(diff(&s, &v, &v).is_empty());
}

#[test]
fn mixed_nested_changes() {
    let s = t::object([
        ("name", t::string()),
        ("tags", t::array(t::string())),
        (
            "address",
            t::object([("city", t::string()), ("zip", t::string())]),
        ),
    ]);
    let c = diff(
        &s,
        &json!({"name": "A", "tags": ["x"], "address": {"city": "B", "zip": "1"}}),
        &json!({"name": "A", "tags": ["x", "y"], "address": {"city": "C", "zip": "1"}}),
    );
    assert_eq!(paths(&c), ["address.city", "tags"]);
}

#[test]
fn very_deep_objects_do_not_overflow() {
    let mut s = t::object([("v", t::number())]);
    let mut a = json!({"v": 1});
    let mut b = json!({"v": 2});
    for _ in 0..200 {
        s = t::object([("n", s)]);
        a = json!({ "n": a });
        b = json!({ "n": b });
    }
    let c = diff(&s, &a, &b);
    assert_eq!(c.len(), 1);
    assert!(c.iter().next().unwrap().starts_with("n.n.n"));
}

#[test]
fn node_equals_strings() {
    assert!(node_equals(&t::string(), &json!("a"), &json!("a")));
    assert!(!node_equals(&t::string(), &json!("a"), &json!("b")));
}

#[test]
fn node_equals_numbers() {
    assert!(node_equals(&t::number(), &json!(42), &json!(42.0)));
    assert!(!node_equals(&t::number(), &json!(42), &json!(43)));
}

#[test]
fn node_equals_arrays() {
    let s = t::array(t::string());
    assert!(node_equals(&s, &json!(["a", "b"]), &json!(["a", "b"])));
    assert!(!node_equals(&s, &json!(["a", "b"]), &json!(["a", "c"])));
}

#[test]
fn node_equals_optional_nulls() {
    let s = t::optional(t::string());
    assert!(node_equals(&s, &Value::Null, &Value::Null));
    assert!(!node_equals(&s, &Value::Null, &json!("x")));
}

#[test]
fn node_equals_objects() {
    let s = t::object([("x", t::number())]);
    assert!(node_equals(&s, &json!({"x": 1}), &json!({"x": 1})));
    assert!(!node_equals(&s, &json!({"x": 1}), &json!({"x": 2})));
    assert!(node_equals(
        &s,
        &json!({"x": 1, "junk": 1}),
        &json!({"x": 1})
    ));
}

#[test]
fn node_equals_dates_by_instant() {
    assert!(node_equals(
        &t::date(),
        &json!("2024-01-01T00:00:00Z"),
        &json!("2024-01-01T00:00:00.000Z")
    ));
}

#[test]
fn node_equals_type_mismatch() {
    assert!(!node_equals(&t::number(), &json!(1), &json!("1")));
    assert!(!node_equals(&SchemaNode::Boolean, &json!(true), &json!(1)));
}
