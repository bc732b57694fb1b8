use std::cmp::Ordering::{Equal, Greater, Less};

use less_db::query::operators::{
    compare_values, deep_equals, filter_records, get_field_value, matches_computed_filter,
    matches_filter_with_computed,
};
use less_db::query::types::{Filter, is_operator_object};
use serde_json::{Map, Value, json};

use crate::{f, m};

// ---------------------------------------------------------------- compare_values

#[test]
fn nulls_compare_equal() {
    assert_eq!(compare_values(&Value::Null, &Value::Null), Equal);
}

#[test]
fn null_orders_before_every_other_value() {
    for v in [json!(false), json!(-1e300), json!(""), json!([]), json!({})] {
        assert_eq!(compare_values(&Value::Null, &v), Less, "{v}");
        assert_eq!(compare_values(&v, &Value::Null), Greater, "{v}");
    }
}

#[test]
fn integers_order_numerically() {
    assert_eq!(compare_values(&json!(1), &json!(2)), Less);
    assert_eq!(compare_values(&json!(2), &json!(1)), Greater);
    assert_eq!(compare_values(&json!(7), &json!(7)), Equal);
}

#[test]
fn negative_numbers_order_below_positive() {
    assert_eq!(compare_values(&json!(-5), &json!(5)), Less);
    assert_eq!(compare_values(&json!(-1), &json!(-2)), Greater);
}

#[test]
fn fractional_numbers_order_numerically() {
    assert_eq!(compare_values(&json!(1.5), &json!(1.6)), Less);
    assert_eq!(compare_values(&json!(2.25), &json!(2.25)), Equal);
}

#[test]
fn integer_and_float_of_same_value_are_equal() {
    assert_eq!(compare_values(&json!(3), &json!(3.0)), Equal);
    assert_eq!(compare_values(&json!(3), &json!(3.5)), Less);
    assert_eq!(compare_values(&json!(-3.5), &json!(-3)), Less);
}

#[test]
fn large_integers_compare_exactly_against_floats() {
    let big = json!(i64::MAX);
    let below = json!(i64::MAX - 1);
    let as_float = json!(9.223_372_036_854_776e18);
    assert_eq!(compare_values(&below, &big), Less);
    // 2^63 as a float is above i64::MAX.
    assert_eq!(compare_values(&big, &as_float), Less);
    assert_eq!(compare_values(&json!(u64::MAX), &json!(1e300)), Less);
}

#[test]
fn strings_order_lexicographically() {
    assert_eq!(compare_values(&json!("apple"), &json!("banana")), Less);
    assert_eq!(compare_values(&json!("banana"), &json!("apple")), Greater);
    assert_eq!(compare_values(&json!("same"), &json!("same")), Equal);
}

#[test]
fn empty_string_is_smallest_string() {
    assert_eq!(compare_values(&json!(""), &json!("a")), Less);
    assert_eq!(compare_values(&json!("a"), &json!("")), Greater);
}

#[test]
fn strings_use_code_point_order_not_locale() {
    assert_eq!(compare_values(&json!("Z"), &json!("a")), Less);
    assert_eq!(compare_values(&json!("B"), &json!("a")), Less);
}

#[test]
fn iso_dates_order_chronologically() {
    assert_eq!(
        compare_values(&json!("2024-01-01"), &json!("2024-12-31")),
        Less
    );
    assert_eq!(
        compare_values(&json!("2024-12-31"), &json!("2024-01-01")),
        Greater
    );
    let t = json!("2024-06-15T10:30:00Z");
    assert_eq!(compare_values(&t, &t.clone()), Equal);
}

#[test]
fn false_orders_before_true() {
    assert_eq!(compare_values(&json!(false), &json!(true)), Less);
    assert_eq!(compare_values(&json!(true), &json!(false)), Greater);
    assert_eq!(compare_values(&json!(true), &json!(true)), Equal);
    assert_eq!(compare_values(&json!(false), &json!(false)), Equal);
}

#[test]
fn types_rank_null_bool_number_string_array_object() {
    let ranked = [
        json!(null),
        json!(true),
        json!(-7),
        json!("x"),
        json!([1]),
        json!({"a": 1}),
    ];
    for (i, a) in ranked.iter().enumerate() {
        for (j, b) in ranked.iter().enumerate() {
            assert_eq!(compare_values(a, b), i.cmp(&j), "{a} vs {b}");
        }
    }
}

#[test]
fn arrays_compare_element_by_element_then_length() {
    assert_eq!(compare_values(&json!([1, 2]), &json!([1, 3])), Less);
    assert_eq!(compare_values(&json!([1, 2]), &json!([1, 2, 0])), Less);
    assert_eq!(compare_values(&json!([2]), &json!([1, 9, 9])), Greater);
    assert_eq!(compare_values(&json!([1, "a"]), &json!([1.0, "a"])), Equal);
}

#[test]
fn objects_compare_independently_of_key_order() {
    let a = json!({"x": 1, "y": 2});
    let b = json!({"y": 2, "x": 1});
    assert_eq!(compare_values(&a, &b), Equal);
    assert_eq!(compare_values(&json!({"x": 1}), &json!({"x": 2})), Less);
    assert_eq!(
        compare_values(&json!({"x": 1}), &json!({"x": 1, "y": 0})),
        Less
    );
}

#[test]
fn cross_type_comparisons_are_antisymmetric() {
    let vals = [
        json!(42),
        json!("hello"),
        json!(true),
        json!({}),
        json!([]),
        json!(null),
    ];
    for a in &vals {
        for b in &vals {
            assert_eq!(compare_values(a, b), compare_values(b, a).reverse());
        }
    }
}

// ---------------------------------------------------------------- deep_equals

#[test]
fn deep_equals_on_scalars() {
    assert!(deep_equals(&json!("hello"), &json!("hello")));
    assert!(!deep_equals(&json!("hello"), &json!("world")));
    assert!(deep_equals(&json!(42), &json!(42)));
    assert!(!deep_equals(&json!(42), &json!(43)));
    assert!(deep_equals(&json!(true), &json!(true)));
    assert!(!deep_equals(&json!(true), &json!(false)));
    assert!(deep_equals(&Value::Null, &Value::Null));
    assert!(!deep_equals(&Value::Null, &json!("null")));
}

#[test]
fn deep_equals_treats_int_and_float_alike() {
    assert!(deep_equals(&json!(1), &json!(1.0)));
    assert!(!deep_equals(&json!(1), &json!("1")));
    assert!(!deep_equals(&json!(1), &json!(true)));
}

#[test]
fn deep_equals_on_arrays() {
    assert!(deep_equals(&json!([]), &json!([])));
    assert!(deep_equals(&json!([1, 2, 3]), &json!([1, 2, 3])));
    assert!(!deep_equals(&json!([1, 2, 3]), &json!([1, 2, 4])));
    assert!(!deep_equals(&json!([1, 2, 3]), &json!([1, 2])));
    assert!(!deep_equals(&json!([1, 2]), &json!([2, 1])));
}

#[test]
fn deep_equals_on_nested_arrays() {
    assert!(deep_equals(&json!([[1, 2], [3]]), &json!([[1, 2], [3]])));
    assert!(!deep_equals(&json!([[1, 2], [3]]), &json!([[1, 2], [4]])));
}

#[test]
fn deep_equals_on_objects() {
    assert!(deep_equals(&json!({}), &json!({})));
    assert!(deep_equals(
        &json!({"a": 1, "b": 2}),
        &json!({"b": 2, "a": 1})
    ));
    assert!(!deep_equals(
        &json!({"a": 1, "b": 2}),
        &json!({"a": 1, "b": 3})
    ));
}

#[test]
fn deep_equals_requires_the_same_keys() {
    assert!(!deep_equals(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    assert!(!deep_equals(&json!({"a": 1, "b": 2}), &json!({"a": 1})));
}

#[test]
fn deep_equals_on_nested_objects() {
    assert!(deep_equals(
        &json!({"a": {"b": {"c": 1}}}),
        &json!({"a": {"b": {"c": 1}}})
    ));
    assert!(!deep_equals(
        &json!({"a": {"b": {"c": 1}}}),
        &json!({"a": {"b": {"c": 2}}})
    ));
}

// ---------------------------------------------------------------- operator objects

#[test]
fn operator_objects_are_non_empty_with_only_dollar_keys() {
    assert!(is_operator_object(&json!({"$eq": 5})));
    assert!(is_operator_object(&json!({"$gte": 1, "$lte": 9})));
    assert!(!is_operator_object(&json!({"name": "Alice"})));
    assert!(!is_operator_object(&json!({})));
    assert!(!is_operator_object(&json!({"$gt": 1, "x": 2})));
    assert!(!is_operator_object(&json!("$eq")));
    assert!(!is_operator_object(&json!(42)));
    assert!(!is_operator_object(&json!(null)));
}

// ---------------------------------------------------------------- get_field_value

#[test]
fn field_value_at_top_level() {
    let r = json!({"name": "Alice"});
    assert_eq!(get_field_value(&r, "name"), Some(&json!("Alice")));
}

#[test]
fn field_value_through_dot_path() {
    let r = json!({"user": {"name": "Alice"}});
    assert_eq!(get_field_value(&r, "user.name"), Some(&json!("Alice")));
}

#[test]
fn field_value_deep_path() {
    let r = json!({"a": {"b": {"c": {"d": 42}}}});
    assert_eq!(get_field_value(&r, "a.b.c.d"), Some(&json!(42)));
}

#[test]
fn field_value_missing_key() {
    assert_eq!(get_field_value(&json!({"name": "A"}), "age"), None);
}

#[test]
fn field_value_missing_nested_or_null_parent() {
    assert_eq!(get_field_value(&json!({"user": {}}), "user.name"), None);
    assert_eq!(get_field_value(&json!({"user": null}), "user.name"), None);
    assert_eq!(get_field_value(&json!({"user": "x"}), "user.name"), None);
}

#[test]
fn field_value_of_non_object_record() {
    assert_eq!(get_field_value(&Value::Null, "name"), None);
    assert_eq!(get_field_value(&json!(5), "name"), None);
}

#[test]
fn field_value_null_is_present() {
    assert_eq!(
        get_field_value(&json!({"n": null}), "n"),
        Some(&Value::Null)
    );
}

#[test]
fn field_value_numeric_step_indexes_arrays() {
    let r = json!({"tags": ["a", "b"], "items": [{"id": 7}]});
    assert_eq!(get_field_value(&r, "tags.1"), Some(&json!("b")));
    assert_eq!(get_field_value(&r, "items.0.id"), Some(&json!(7)));
    assert_eq!(get_field_value(&r, "tags.5"), None);
    assert_eq!(get_field_value(&r, "tags.x"), None);
}

#[test]
fn dotted_key_is_not_read_as_one_key() {
    let r = json!({"a.b": 1, "a": {"b": 2}});
    assert_eq!(get_field_value(&r, "a.b"), Some(&json!(2)));
}

// ---------------------------------------------------------------- basic operators

fn alice() -> Value {
    json!({
        "id": "1",
        "name": "Alice",
        "age": 30,
        "active": true,
        "tags": ["admin", "verified"],
        "address": {"city": "Portland", "zip": "97201"}
    })
}

#[test]
fn direct_string_value_is_equality() {
    assert!(m(&alice(), json!({"name": "Alice"})));
    assert!(!m(&alice(), json!({"name": "Bob"})));
}

#[test]
fn direct_number_value_is_equality() {
    assert!(m(&alice(), json!({"age": 30})));
    assert!(m(&alice(), json!({"age": 30.0})));
    assert!(!m(&alice(), json!({"age": 31})));
}

#[test]
fn direct_bool_value_is_equality() {
    assert!(m(&alice(), json!({"active": true})));
    assert!(!m(&alice(), json!({"active": false})));
}

#[test]
fn equality_is_type_strict() {
    assert!(!m(&alice(), json!({"age": "30"})));
    assert!(!m(&json!({"flag": 1}), json!({"flag": true})));
}

#[test]
fn direct_object_value_is_deep_equality() {
    assert!(m(
        &alice(),
        json!({"address": {"zip": "97201", "city": "Portland"}})
    ));
    assert!(!m(&alice(), json!({"address": {"city": "Portland"}})));
}

#[test]
fn mixed_dollar_and_plain_keys_are_a_literal_object() {
    let r = json!({"field": {"value": 1, "$gt": 5}});
    assert!(m(&r, json!({"field": {"value": 1, "$gt": 5}})));
    assert!(!m(
        &json!({"field": 9}),
        json!({"field": {"value": 1, "$gt": 5}})
    ));
}

#[test]
fn empty_object_value_matches_only_empty_object() {
    assert!(m(&json!({"o": {}}), json!({"o": {}})));
    assert!(!m(&json!({"o": {"a": 1}}), json!({"o": {}})));
}

#[test]
fn dot_path_conditions() {
    assert!(m(&alice(), json!({"address.city": "Portland"})));
    assert!(!m(&alice(), json!({"address.city": "Salem"})));
    assert!(m(&alice(), json!({"address.zip": {"$gte": "97000"}})));
}

#[test]
fn explicit_eq() {
    assert!(m(&alice(), json!({"name": {"$eq": "Alice"}})));
    assert!(!m(&alice(), json!({"name": {"$eq": "Bob"}})));
}

#[test]
fn ne() {
    assert!(m(&alice(), json!({"name": {"$ne": "Bob"}})));
    assert!(!m(&alice(), json!({"name": {"$ne": "Alice"}})));
}

#[test]
fn gt() {
    assert!(m(&alice(), json!({"age": {"$gt": 25}})));
    assert!(!m(&alice(), json!({"age": {"$gt": 30}})));
    assert!(!m(&alice(), json!({"age": {"$gt": 35}})));
}

#[test]
fn gte() {
    assert!(m(&alice(), json!({"age": {"$gte": 25}})));
    assert!(m(&alice(), json!({"age": {"$gte": 30}})));
    assert!(!m(&alice(), json!({"age": {"$gte": 35}})));
}

#[test]
fn lt() {
    assert!(m(&alice(), json!({"age": {"$lt": 35}})));
    assert!(!m(&alice(), json!({"age": {"$lt": 30}})));
    assert!(!m(&alice(), json!({"age": {"$lt": 25}})));
}

#[test]
fn lte() {
    assert!(m(&alice(), json!({"age": {"$lte": 35}})));
    assert!(m(&alice(), json!({"age": {"$lte": 30}})));
    assert!(!m(&alice(), json!({"age": {"$lte": 25}})));
}

#[test]
fn range_operators_compare_within_one_type_only() {
    assert!(!m(&alice(), json!({"name": {"$gt": 5}})));
    assert!(!m(&alice(), json!({"age": {"$lt": "zzz"}})));
    assert!(!m(&alice(), json!({"active": {"$gte": 0}})));
    assert!(m(&alice(), json!({"active": {"$gt": false}})));
}

#[test]
fn string_ranges() {
    assert!(m(&alice(), json!({"name": {"$gte": "A", "$lt": "B"}})));
    assert!(!m(&alice(), json!({"name": {"$gt": "Alice"}})));
}

#[test]
fn in_list() {
    assert!(m(&alice(), json!({"age": {"$in": [25, 30, 35]}})));
    assert!(!m(&alice(), json!({"age": {"$in": [25, 35, 40]}})));
    assert!(!m(&alice(), json!({"age": {"$in": []}})));
}

#[test]
fn nin_list() {
    assert!(m(&alice(), json!({"age": {"$nin": [25, 35, 40]}})));
    assert!(!m(&alice(), json!({"age": {"$nin": [25, 30, 35]}})));
    assert!(m(&alice(), json!({"age": {"$nin": []}})));
}

#[test]
fn contains_on_array_field() {
    assert!(m(&alice(), json!({"tags": {"$contains": "admin"}})));
    assert!(!m(&alice(), json!({"tags": {"$contains": "guest"}})));
}

#[test]
fn contains_on_non_array_is_false() {
    assert!(!m(&alice(), json!({"name": {"$contains": "A"}})));
    assert!(!m(&alice(), json!({"missing": {"$contains": "A"}})));
}

#[test]
fn contains_any() {
    assert!(m(
        &alice(),
        json!({"tags": {"$containsAny": ["admin", "guest"]}})
    ));
    assert!(!m(
        &alice(),
        json!({"tags": {"$containsAny": ["guest", "banned"]}})
    ));
    assert!(!m(&alice(), json!({"tags": {"$containsAny": []}})));
    assert!(!m(&alice(), json!({"name": {"$containsAny": ["Alice"]}})));
}

#[test]
fn several_fields_must_all_match() {
    assert!(m(&alice(), json!({"name": "Alice", "age": 30})));
    assert!(!m(&alice(), json!({"name": "Alice", "age": 25})));
}

#[test]
fn and_operator() {
    assert!(m(
        &alice(),
        json!({"$and": [{"name": "Alice"}, {"age": {"$gte": 25}}]})
    ));
    assert!(!m(
        &alice(),
        json!({"$and": [{"name": "Alice"}, {"age": {"$gte": 35}}]})
    ));
}

#[test]
fn or_operator() {
    assert!(m(&alice(), json!({"$or": [{"name": "Bob"}, {"age": 30}]})));
    assert!(!m(&alice(), json!({"$or": [{"name": "Bob"}, {"age": 25}]})));
}

#[test]
fn not_operator() {
    assert!(m(&alice(), json!({"$not": {"name": "Bob"}})));
    assert!(!m(&alice(), json!({"$not": {"name": "Alice"}})));
    assert!(m(&alice(), json!({"$not": {"age": {"$lt": 25}}})));
}

#[test]
fn nested_logical_operators() {
    let yes =
        json!({"$or": [{"$and": [{"name": "Alice"}, {"age": {"$gte": 25}}]}, {"active": false}]});
    let no =
        json!({"$or": [{"$and": [{"name": "Bob"}, {"age": {"$gte": 25}}]}, {"active": false}]});
    assert!(m(&alice(), yes));
    assert!(!m(&alice(), no));
}

#[test]
fn or_combined_with_field_conditions() {
    let u = json!({"name": "Alice", "age": 30});
    assert!(m(
        &u,
        json!({"$or": [{"age": 25}, {"age": 30}], "name": "Alice"})
    ));
    assert!(!m(
        &u,
        json!({"$or": [{"age": 25}, {"age": 30}], "name": "Bob"})
    ));
    assert!(!m(
        &u,
        json!({"$or": [{"age": 25}, {"age": 35}], "name": "Alice"})
    ));
}

#[test]
fn and_combined_with_field_conditions() {
    let u = json!({"age": 30, "active": true});
    assert!(m(
        &u,
        json!({"$and": [{"age": {"$gte": 25}}, {"age": {"$lte": 35}}], "active": true})
    ));
    assert!(!m(
        &u,
        json!({"$and": [{"age": {"$gte": 25}}, {"age": {"$lte": 35}}], "active": false})
    ));
}

#[test]
fn empty_and_always_matches() {
    assert!(m(&alice(), json!({"$and": []})));
}

#[test]
fn empty_or_never_matches() {
    assert!(!m(&alice(), json!({"$or": []})));
}

#[test]
fn not_of_empty_filter_never_matches() {
    assert!(!m(&alice(), json!({"$not": {}})));
}

#[test]
fn empty_filter_matches_anything() {
    assert!(m(&alice(), json!({})));
    assert!(m(&json!(null), json!({})));
}

// ---------------------------------------------------------------- null and missing

#[test]
fn null_value_equals_null_field() {
    let r = json!({"name": null, "age": 30});
    assert!(m(&r, json!({"name": null})));
    assert!(!m(&r, json!({"name": "Alice"})));
}

#[test]
fn eq_and_ne_null() {
    let r = json!({"name": null});
    assert!(m(&r, json!({"name": {"$eq": null}})));
    assert!(!m(&r, json!({"name": {"$ne": null}})));
}

#[test]
fn missing_field_equals_null() {
    let r = json!({"name": "Alice"});
    assert!(m(&r, json!({"age": null})));
    assert!(!m(&r, json!({"age": {"$ne": null}})));
    assert!(m(&r, json!({"name": {"$ne": null}})));
}

#[test]
fn range_on_null_field_never_matches() {
    let r = json!({"value": null});
    for op in ["$gt", "$gte", "$lt", "$lte"] {
        assert!(!m(&r, json!({"value": {op: 10}})), "{op}");
        assert!(!m(&r, json!({"value": {op: null}})), "{op} null");
    }
}

#[test]
fn range_on_missing_field_never_matches() {
    let r = json!({"name": "Alice"});
    for op in ["$gt", "$gte", "$lt", "$lte"] {
        assert!(!m(&r, json!({"age": {op: null}})), "{op}");
        assert!(!m(&r, json!({"age": {op: 0}})), "{op}");
    }
}

#[test]
fn in_with_null_member() {
    let r = json!({"value": null});
    assert!(m(&r, json!({"value": {"$in": [null, 1, 2]}})));
    assert!(!m(&r, json!({"value": {"$in": [1, 2, 3]}})));
    assert!(m(&json!({}), json!({"value": {"$in": [null]}})));
}

#[test]
fn nin_with_null_member() {
    let r = json!({"value": null});
    assert!(m(&r, json!({"value": {"$nin": [1, 2, 3]}})));
    assert!(!m(&r, json!({"value": {"$nin": [null, 1, 2]}})));
}

// ---------------------------------------------------------------- array fields

fn tagged() -> Value {
    json!({"tags": ["admin", "verified", "active"]})
}

#[test]
fn in_matches_any_element_of_array_field() {
    assert!(m(&tagged(), json!({"tags": {"$in": ["admin", "guest"]}})));
    assert!(m(&tagged(), json!({"tags": {"$in": ["verified"]}})));
    assert!(!m(&tagged(), json!({"tags": {"$in": ["guest", "banned"]}})));
}

#[test]
fn nin_requires_no_element_in_list() {
    assert!(m(&tagged(), json!({"tags": {"$nin": ["guest", "banned"]}})));
    assert!(!m(&tagged(), json!({"tags": {"$nin": ["admin", "guest"]}})));
}

#[test]
fn empty_in_and_nin_on_array_field() {
    assert!(!m(&tagged(), json!({"tags": {"$in": []}})));
    assert!(m(&tagged(), json!({"tags": {"$nin": []}})));
}

#[test]
fn eq_matches_an_element() {
    let r = json!({"scores": [70, 85, 60]});
    assert!(m(&r, json!({"scores": {"$eq": 85}})));
    assert!(!m(&r, json!({"scores": {"$eq": 99}})));
}

#[test]
fn direct_value_matches_an_element() {
    let r = json!({"scores": [70, 85, 60]});
    assert!(m(&r, json!({"scores": 85})));
    assert!(!m(&r, json!({"scores": 99})));
}

#[test]
fn whole_array_equality_still_matches() {
    let r = json!({"scores": [70, 85]});
    assert!(m(&r, json!({"scores": [70, 85]})));
    assert!(!m(&r, json!({"scores": [85, 70]})));
}

#[test]
fn ne_requires_every_element_to_differ() {
    let r = json!({"scores": [70, 85, 60]});
    assert!(m(&r, json!({"scores": {"$ne": 99}})));
    assert!(!m(&r, json!({"scores": {"$ne": 85}})));
}

#[test]
fn gt_holds_for_some_element() {
    let r = json!({"scores": [70, 85, 60]});
    assert!(m(&r, json!({"scores": {"$gt": 80}})));
    assert!(!m(&r, json!({"scores": {"$gt": 90}})));
}

#[test]
fn gte_holds_for_some_element() {
    let r = json!({"scores": [70, 85, 60]});
    assert!(m(&r, json!({"scores": {"$gte": 85}})));
    assert!(!m(&r, json!({"scores": {"$gte": 86}})));
}

#[test]
fn lt_holds_for_some_element() {
    let r = json!({"scores": [70, 85, 60]});
    assert!(m(&r, json!({"scores": {"$lt": 65}})));
    assert!(!m(&r, json!({"scores": {"$lt": 60}})));
}

#[test]
fn lte_holds_for_some_element() {
    let r = json!({"scores": [70, 85, 60]});
    assert!(m(&r, json!({"scores": {"$lte": 60}})));
    assert!(!m(&r, json!({"scores": {"$lte": 59}})));
}

#[test]
fn empty_array_satisfies_no_element_condition() {
    assert!(!m(&json!({"scores": []}), json!({"scores": {"$gt": 0}})));
    assert!(!m(&json!({"scores": []}), json!({"scores": {"$eq": 0}})));
}

#[test]
fn ne_on_empty_array_holds() {
    assert!(m(&json!({"scores": []}), json!({"scores": {"$ne": 0}})));
}

#[test]
fn each_range_operator_may_hold_on_a_different_element() {
    let cond = json!({"scores": {"$gte": 60, "$lte": 90}});
    assert!(m(&json!({"scores": [50, 95]}), cond.clone()));
    assert!(m(&json!({"scores": [75]}), cond.clone()));
    assert!(!m(&json!({"scores": [10, 20]}), cond));
}

#[test]
fn ne_with_gte_on_array() {
    let cond = json!({"scores": {"$ne": 85, "$gte": 60}});
    assert!(m(&json!({"scores": [70, 90]}), cond.clone()));
    assert!(!m(&json!({"scores": [70, 85]}), cond.clone()));
    assert!(!m(&json!({"scores": [10, 20]}), cond));
}

// ---------------------------------------------------------------- compound operators

#[test]
fn gte_and_lte_together() {
    let u = json!({"age": 30});
    assert!(m(&u, json!({"age": {"$gte": 25, "$lte": 35}})));
    assert!(!m(&u, json!({"age": {"$gte": 25, "$lte": 29}})));
    assert!(!m(&u, json!({"age": {"$gte": 31, "$lte": 35}})));
}

#[test]
fn gt_and_lt_together() {
    let u = json!({"age": 30});
    assert!(m(&u, json!({"age": {"$gt": 25, "$lt": 35}})));
    assert!(!m(&u, json!({"age": {"$gt": 30, "$lt": 35}})));
    assert!(!m(&u, json!({"age": {"$gt": 25, "$lt": 30}})));
}

#[test]
fn contains_with_contains_any() {
    assert!(m(
        &tagged(),
        json!({"tags": {"$contains": "admin", "$containsAny": ["verified", "x"]}})
    ));
    assert!(!m(
        &tagged(),
        json!({"tags": {"$contains": "admin", "$containsAny": ["x", "y"]}})
    ));
}

// ---------------------------------------------------------------- $exists

#[test]
fn exists_true_on_present_field() {
    assert!(m(&json!({"age": 30}), json!({"age": {"$exists": true}})));
}

#[test]
fn exists_true_on_missing_field() {
    assert!(!m(&json!({"name": "A"}), json!({"age": {"$exists": true}})));
}

#[test]
fn exists_false_on_missing_field() {
    assert!(m(&json!({"name": "A"}), json!({"age": {"$exists": false}})));
}

#[test]
fn exists_false_on_present_field() {
    assert!(!m(&json!({"age": 30}), json!({"age": {"$exists": false}})));
}

#[test]
fn null_field_exists() {
    assert!(m(
        &json!({"name": null}),
        json!({"name": {"$exists": true}})
    ));
    assert!(!m(
        &json!({"name": null}),
        json!({"name": {"$exists": false}})
    ));
}

#[test]
fn exists_on_nested_path() {
    assert!(m(
        &json!({"user": {"name": "A"}}),
        json!({"user.name": {"$exists": true}})
    ));
    assert!(!m(
        &json!({"user": {}}),
        json!({"user.name": {"$exists": true}})
    ));
    assert!(m(
        &json!({"user": 3}),
        json!({"user.name": {"$exists": false}})
    ));
}

// ---------------------------------------------------------------- $regex

#[test]
fn regex_finds_a_substring() {
    assert!(m(
        &json!({"name": "Alice"}),
        json!({"name": {"$regex": "lic"}})
    ));
}

#[test]
fn regex_without_match() {
    assert!(!m(
        &json!({"name": "Alice"}),
        json!({"name": {"$regex": "Bob"}})
    ));
}

#[test]
fn regex_is_case_sensitive() {
    assert!(!m(
        &json!({"name": "Alice"}),
        json!({"name": {"$regex": "alice"}})
    ));
    assert!(m(
        &json!({"name": "Alice"}),
        json!({"name": {"$regex": "(?i)alice"}})
    ));
}

#[test]
fn regex_anchors() {
    assert!(m(
        &json!({"name": "Alice"}),
        json!({"name": {"$regex": "^Al"}})
    ));
    assert!(!m(
        &json!({"name": "Alice"}),
        json!({"name": {"$regex": "^li"}})
    ));
    assert!(m(
        &json!({"name": "Alice"}),
        json!({"name": {"$regex": "ce$"}})
    ));
}

#[test]
fn regex_on_null_or_missing_is_false() {
    assert!(!m(&json!({"name": null}), json!({"name": {"$regex": "x"}})));
    assert!(!m(&json!({}), json!({"name": {"$regex": "x"}})));
    assert!(!m(&json!({}), json!({"name": {"$regex": ".*"}})));
}

#[test]
fn regex_on_non_string_is_false() {
    assert!(!m(
        &json!({"count": 42}),
        json!({"count": {"$regex": "42"}})
    ));
    assert!(!m(
        &json!({"active": true}),
        json!({"active": {"$regex": "true"}})
    ));
}

// ---------------------------------------------------------------- $size

#[test]
fn size_matches_exact_length() {
    assert!(m(
        &json!({"tags": ["a", "b"]}),
        json!({"tags": {"$size": 2}})
    ));
    assert!(!m(
        &json!({"tags": ["a", "b"]}),
        json!({"tags": {"$size": 3}})
    ));
}

#[test]
fn size_zero_matches_empty_array() {
    assert!(m(&json!({"tags": []}), json!({"tags": {"$size": 0}})));
}

#[test]
fn size_on_non_array_is_false() {
    assert!(!m(&json!({"name": "Alice"}), json!({"name": {"$size": 5}})));
    assert!(!m(&json!({"tags": null}), json!({"tags": {"$size": 0}})));
    assert!(!m(&json!({}), json!({"tags": {"$size": 0}})));
}

// ---------------------------------------------------------------- $all

#[test]
fn all_requires_every_operand_element() {
    assert!(m(
        &json!({"tags": ["a", "b", "c"]}),
        json!({"tags": {"$all": ["a", "b"]}})
    ));
    assert!(!m(
        &json!({"tags": ["a", "b"]}),
        json!({"tags": {"$all": ["a", "c"]}})
    ));
}

#[test]
fn all_with_empty_operand_holds_for_arrays() {
    assert!(m(&json!({"tags": ["a"]}), json!({"tags": {"$all": []}})));
    assert!(m(&json!({"tags": []}), json!({"tags": {"$all": []}})));
}

#[test]
fn all_on_non_array_is_false() {
    assert!(!m(
        &json!({"name": "Alice"}),
        json!({"name": {"$all": ["A"]}})
    ));
    assert!(!m(&json!({}), json!({"name": {"$all": []}})));
}

#[test]
fn all_compares_objects_deeply() {
    let r = json!({"items": [{"id": 1}, {"id": 2}, {"id": 3}]});
    assert!(m(&r, json!({"items": {"$all": [{"id": 1}, {"id": 3}]}})));
    assert!(!m(&r, json!({"items": {"$all": [{"id": 1}, {"id": 4}]}})));
}

// ---------------------------------------------------------------- filter_records

fn users() -> Vec<Value> {
    vec![
        json!({"id": "1", "name": "Alice", "age": 30, "active": true}),
        json!({"id": "2", "name": "Bob", "age": 25, "active": true}),
        json!({"id": "3", "name": "Charlie", "age": 35, "active": false}),
        json!({"id": "4", "name": "Diana", "age": 28, "active": true}),
    ]
}

fn names(records: &[&Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn filter_records_by_equality() {
    let u = users();
    assert_eq!(
        names(&filter_records(&u, &f(json!({"name": "Alice"})))),
        ["Alice"]
    );
}

#[test]
fn filter_records_by_comparison_keeps_input_order() {
    let u = users();
    let got = filter_records(&u, &f(json!({"age": {"$gte": 30}})));
    assert_eq!(names(&got), ["Alice", "Charlie"]);
}

#[test]
fn filter_records_with_two_conditions() {
    let u = users();
    let got = filter_records(&u, &f(json!({"age": {"$lt": 30}, "active": true})));
    assert_eq!(names(&got), ["Bob", "Diana"]);
}

#[test]
fn filter_records_without_matches() {
    let u = users();
    assert!(filter_records(&u, &f(json!({"age": {"$gt": 100}}))).is_empty());
}

#[test]
fn filter_records_with_empty_filter_keeps_all() {
    let u = users();
    assert_eq!(filter_records(&u, &Filter::all()).len(), 4);
}

// ---------------------------------------------------------------- computed conditions

fn computed(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

fn mc(values: &Map<String, Value>, cond: Value) -> bool {
    matches_computed_filter(Some(values), &f(json!({"$computed": cond})))
}

#[test]
fn computed_null_condition_matches_null_value() {
    assert!(mc(
        &computed(&[("score", Value::Null)]),
        json!({"score": null})
    ));
}

#[test]
fn computed_null_condition_matches_missing_value() {
    assert!(mc(&computed(&[]), json!({"score": null})));
    assert!(matches_computed_filter(
        None,
        &f(json!({"$computed": {"score": null}}))
    ));
}

#[test]
fn computed_null_condition_rejects_non_null() {
    assert!(!mc(
        &computed(&[("score", json!(80))]),
        json!({"score": null})
    ));
}

#[test]
fn computed_direct_equality() {
    let c = computed(&[("name", json!("Alice"))]);
    assert!(mc(&c, json!({"name": "Alice"})));
    assert!(!mc(&c, json!({"name": "Bob"})));
}

#[test]
fn computed_eq_and_ne() {
    let c = computed(&[("name", json!("Alice"))]);
    assert!(mc(&c, json!({"name": {"$eq": "Alice"}})));
    assert!(!mc(&c, json!({"name": {"$eq": "Bob"}})));
    assert!(mc(&c, json!({"name": {"$ne": "Bob"}})));
    assert!(!mc(&c, json!({"name": {"$ne": "Alice"}})));
}

#[test]
fn computed_gt_and_gte() {
    let c = computed(&[("score", json!(80))]);
    assert!(mc(&c, json!({"score": {"$gt": 70}})));
    assert!(!mc(&c, json!({"score": {"$gt": 80}})));
    assert!(mc(&c, json!({"score": {"$gte": 80}})));
    assert!(!mc(&c, json!({"score": {"$gte": 81}})));
}

#[test]
fn computed_lt_and_lte() {
    let c = computed(&[("score", json!(80))]);
    assert!(mc(&c, json!({"score": {"$lt": 90}})));
    assert!(!mc(&c, json!({"score": {"$lt": 80}})));
    assert!(mc(&c, json!({"score": {"$lte": 80}})));
    assert!(!mc(&c, json!({"score": {"$lte": 79}})));
}

#[test]
fn computed_ranges_against_null_bounds_are_false() {
    let c = computed(&[("score", json!(80))]);
    assert!(!mc(&c, json!({"score": {"$gt": null}})));
    assert!(!mc(&c, json!({"score": {"$lt": null}})));
    let n = computed(&[("score", Value::Null)]);
    for op in ["$gt", "$gte", "$lt", "$lte"] {
        assert!(!mc(&n, json!({"score": {op: null}})), "{op}");
        assert!(
            !mc(&computed(&[]), json!({"score": {op: null}})),
            "{op} missing"
        );
    }
}

#[test]
fn computed_in() {
    let c = computed(&[("status", json!("active"))]);
    assert!(mc(&c, json!({"status": {"$in": ["active", "pending"]}})));
    assert!(!mc(&c, json!({"status": {"$in": ["closed"]}})));
}

#[test]
fn computed_exists() {
    assert!(mc(
        &computed(&[("score", json!(80))]),
        json!({"score": {"$exists": true}})
    ));
    assert!(!mc(&computed(&[]), json!({"score": {"$exists": true}})));
    assert!(mc(&computed(&[]), json!({"score": {"$exists": false}})));
}

#[test]
fn computed_regex() {
    let c = computed(&[("name", json!("Alice"))]);
    assert!(mc(&c, json!({"name": {"$regex": "Ali"}})));
    assert!(!mc(&c, json!({"name": {"$regex": "Bob"}})));
    assert!(!mc(
        &computed(&[("name", Value::Null)]),
        json!({"name": {"$regex": "x"}})
    ));
}

#[test]
fn computed_array_operators_on_scalars_are_false() {
    let c = computed(&[("score", json!(80))]);
    assert!(!mc(&c, json!({"score": {"$size": 1}})));
    assert!(!mc(&c, json!({"score": {"$all": [80]}})));
}

#[test]
fn computed_filter_ignores_field_conditions() {
    let c = computed(&[("k", json!(1))]);
    let filter = f(json!({"name": "nobody", "$computed": {"k": 1}}));
    assert!(matches_computed_filter(Some(&c), &filter));
}

#[test]
fn matching_with_computed_checks_both_parts() {
    let c = computed(&[("emailLower", json!("a@b.c"))]);
    let rec = json!({"email": "A@B.C", "active": true});
    let filter = f(json!({"active": true, "$computed": {"emailLower": "a@b.c"}}));
    assert!(matches_filter_with_computed(&rec, Some(&c), &filter));
    let wrong = f(json!({"active": false, "$computed": {"emailLower": "a@b.c"}}));
    assert!(!matches_filter_with_computed(&rec, Some(&c), &wrong));
    let other = computed(&[("emailLower", json!("x@y.z"))]);
    assert!(!matches_filter_with_computed(&rec, Some(&other), &filter));
}

#[test]
fn computed_inside_or() {
    let c = computed(&[("k", json!(2))]);
    let filter = f(json!({"$or": [{"$computed": {"k": 1}}, {"$computed": {"k": 2}}]}));
    assert!(matches_computed_filter(Some(&c), &filter));
    let none = f(json!({"$or": [{"$computed": {"k": 1}}, {"$computed": {"k": 3}}]}));
    assert!(!matches_computed_filter(Some(&c), &none));
}
