use std::collections::BTreeMap;

use less_db::schema::node::{
    AUTO_FIELDS, LiteralValue, SchemaNode, is_auto_field, is_immutable_field, is_indexable_node,
    is_optional, is_timestamp_field, t,
};
use serde_json::json;

#[test]
fn scalar_builders_make_their_variants() {
    assert_eq!(t::string(), SchemaNode::String);
    assert_eq!(t::text(), SchemaNode::Text);
    assert_eq!(t::number(), SchemaNode::Number);
    assert_eq!(t::boolean(), SchemaNode::Boolean);
    assert_eq!(t::date(), SchemaNode::Date);
    assert_eq!(t::bytes(), SchemaNode::Bytes);
}

#[test]
fn auto_field_builders_make_their_variants() {
    assert_eq!(t::key(), SchemaNode::Key);
    assert_eq!(t::created_at(), SchemaNode::CreatedAt);
    assert_eq!(t::updated_at(), SchemaNode::UpdatedAt);
}

#[test]
fn optional_wraps_its_inner_node() {
    assert_eq!(
        t::optional(t::number()),
        SchemaNode::Optional(Box::new(SchemaNode::Number))
    );
}

#[test]
fn array_wraps_its_item_node() {
    assert_eq!(
        t::array(t::string()),
        SchemaNode::Array(Box::new(SchemaNode::String))
    );
}

#[test]
fn record_wraps_its_value_node() {
    assert_eq!(
        t::record(t::boolean()),
        SchemaNode::Record(Box::new(SchemaNode::Boolean))
    );
}

#[test]
fn object_takes_an_array_of_pairs() {
    let s = t::object([("a", t::string()), ("b", t::number())]);
    let props = s.properties().unwrap();
    assert_eq!(props.len(), 2);
    assert_eq!(props["a"], SchemaNode::String);
    assert_eq!(props["b"], SchemaNode::Number);
}

#[test]
fn object_takes_a_map() {
    let mut m = BTreeMap::new();
    m.insert("x".to_string(), t::date());
    assert_eq!(t::object(m.clone()), SchemaNode::Object(m));
}

#[test]
fn object_later_duplicate_key_wins() {
    let s = t::object([("a", t::string()), ("a", t::number())]);
    assert_eq!(s.get("a"), Some(&SchemaNode::Number));
}

#[test]
fn map_converts_into_object_node() {
    let mut m = BTreeMap::new();
    m.insert("x".to_string(), t::string());
    let node: SchemaNode = m.into();
    assert!(matches!(node, SchemaNode::Object(_)));
}

#[test]
fn nested_objects_are_reachable_by_path() {
    let s = t::object([("address", t::object([("city", t::string())]))]);
    assert_eq!(s.at_path("address.city"), Some(&SchemaNode::String));
    assert!(s.at_path("address.zip").is_none());
}

#[test]
fn at_path_looks_through_optionals() {
    let s = t::object([("address", t::optional(t::object([("city", t::string())])))]);
    assert_eq!(s.at_path("address.city"), Some(&SchemaNode::String));
}

#[test]
fn at_path_does_not_enter_arrays() {
    let s = t::object([("tags", t::array(t::object([("x", t::string())])))]);
    assert!(s.at_path("tags.x").is_none());
}

#[test]
fn literal_from_str() {
    assert_eq!(
        t::literal("admin"),
        SchemaNode::Literal(LiteralValue::String("admin".into()))
    );
}

#[test]
fn literal_from_string() {
    assert_eq!(t::literal(String::from("x")), t::literal("x"));
}

#[test]
fn literal_from_integer() {
    assert_eq!(
        t::literal(3),
        SchemaNode::Literal(LiteralValue::Number(3.into()))
    );
}

#[test]
fn literal_from_bool() {
    assert_eq!(
        t::literal(true),
        SchemaNode::Literal(LiteralValue::Bool(true))
    );
}

#[test]
fn literal_from_whole_float_is_an_integer() {
    assert_eq!(t::literal(42.0), t::literal(42));
}

#[test]
fn literal_from_fractional_float_keeps_fraction() {
    let SchemaNode::Literal(LiteralValue::Number(n)) = t::literal(1.5) else {
        panic!("not a number literal");
    };
    assert_eq!(n.as_f64(), Some(1.5));
}

#[test]
fn literal_to_value() {
    assert_eq!(LiteralValue::from("a").to_value(), json!("a"));
    assert_eq!(LiteralValue::from(7).to_value(), json!(7));
    assert_eq!(LiteralValue::from(false).to_value(), json!(false));
}

#[test]
fn literal_number_matches_int_and_float_forms() {
    let l = LiteralValue::from(1);
    assert!(l.matches(&json!(1)));
    assert!(l.matches(&json!(1.0)));
    assert!(!l.matches(&json!(2)));
}

#[test]
fn literal_does_not_match_other_types() {
    assert!(!LiteralValue::from("1").matches(&json!(1)));
    assert!(!LiteralValue::from(true).matches(&json!("true")));
    assert!(!LiteralValue::from(1).matches(&json!(true)));
}

#[test]
fn literal_value_serializes_untagged() {
    assert_eq!(
        serde_json::to_value(LiteralValue::from("x")).unwrap(),
        json!("x")
    );
    assert_eq!(
        serde_json::to_value(LiteralValue::from(2)).unwrap(),
        json!(2)
    );
}

#[test]
fn union_keeps_variant_order() {
    let u = t::union([t::string(), t::number(), t::boolean()]);
    assert_eq!(
        u,
        SchemaNode::Union(vec![
            SchemaNode::String,
            SchemaNode::Number,
            SchemaNode::Boolean
        ])
    );
}

#[test]
fn union_takes_a_vec() {
    assert_eq!(
        t::union(vec![t::string()]),
        SchemaNode::Union(vec![SchemaNode::String])
    );
}

#[test]
fn auto_fields_are_the_js_names() {
    assert_eq!(AUTO_FIELDS, ["id", "createdAt", "updatedAt"]);
}

#[test]
fn is_auto_field_for_key_and_timestamps() {
    assert!(is_auto_field(&t::key()));
    assert!(is_auto_field(&t::created_at()));
    assert!(is_auto_field(&t::updated_at()));
}

#[test]
fn is_auto_field_false_for_others() {
    for n in [t::string(), t::date(), t::number(), t::optional(t::key())] {
        assert!(!is_auto_field(&n), "{n:?}");
    }
}

#[test]
fn is_timestamp_field_only_for_timestamps() {
    assert!(is_timestamp_field(&t::created_at()));
    assert!(is_timestamp_field(&t::updated_at()));
    assert!(!is_timestamp_field(&t::key()));
    assert!(!is_timestamp_field(&t::date()));
}

#[test]
fn is_immutable_field_for_key_and_created_at() {
    assert!(is_immutable_field(&t::key()));
    assert!(is_immutable_field(&t::created_at()));
    assert!(!is_immutable_field(&t::updated_at()));
    assert!(!is_immutable_field(&t::string()));
}

#[test]
fn scalars_are_indexable() {
    for n in [
        t::string(),
        t::text(),
        t::number(),
        t::boolean(),
        t::date(),
        t::literal("a"),
        t::key(),
        t::created_at(),
        t::updated_at(),
    ] {
        assert!(is_indexable_node(&n), "{n:?}");
    }
}

#[test]
fn containers_and_bytes_are_not_indexable() {
    for n in [
        t::bytes(),
        t::array(t::string()),
        t::record(t::string()),
        t::object([("a", t::string())]),
    ] {
        assert!(!is_indexable_node(&n), "{n:?}");
    }
}

#[test]
fn optional_scalar_is_indexable() {
    assert!(is_indexable_node(&t::optional(t::string())));
    assert!(!is_indexable_node(&t::optional(t::array(t::string()))));
}

#[test]
fn union_is_indexable_when_every_variant_is() {
    assert!(is_indexable_node(&t::union([
        t::literal("a"),
        t::literal("b")
    ])));
    assert!(is_indexable_node(&t::union([t::string(), t::number()])));
    assert!(!is_indexable_node(&t::union([
        t::string(),
        t::array(t::string())
    ])));
    assert!(!is_indexable_node(&t::union([])));
}

#[test]
fn is_optional_only_for_optional() {
    assert!(is_optional(&t::optional(t::string())));
    assert!(!is_optional(&t::string()));
}

#[test]
fn unwrap_optional_removes_every_layer() {
    assert_eq!(
        t::optional(t::optional(t::number())).unwrap_optional(),
        &SchemaNode::Number
    );
    assert_eq!(t::number().unwrap_optional(), &SchemaNode::Number);
}

#[test]
fn get_on_non_object_is_none() {
    assert!(t::string().get("a").is_none());
    assert!(t::string().properties().is_none());
}

#[test]
fn kind_names_describe_nodes() {
    assert_eq!(t::string().kind_name(), "string");
    assert_eq!(t::array(t::number()).kind_name(), "array");
    assert_eq!(t::literal("x").kind_name(), "\"x\"");
    assert_eq!(
        t::union([t::string(), t::number()]).kind_name(),
        "string | number"
    );
    assert_eq!(t::optional(t::date()).kind_name(), "optional date");
}

#[test]
fn nodes_compare_structurally() {
    assert_eq!(
        t::object([("a", t::array(t::string()))]),
        t::object([("a", t::array(t::string()))])
    );
    assert_ne!(
        t::object([("a", t::string())]),
        t::object([("a", t::text())])
    );
}

#[test]
fn text_and_string_are_distinct() {
    assert_ne!(t::text(), t::string());
}
