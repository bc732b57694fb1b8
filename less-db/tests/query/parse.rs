use less_db::query::types::{
    Condition, Filter, MAX_FILTER_DEPTH, Operator, Query, SortDirection, SortEntry,
    normalize_computed_filter, normalize_sort,
};
use serde_json::{Value, json};

use crate::f;

fn err_path(v: Value) -> String {
    Filter::from_value(&v).unwrap_err().path
}

fn query_err_path(v: Value) -> String {
    Query::from_value(&v).unwrap_err().path
}

// ---------------------------------------------------------------- filter shapes

#[test]
fn single_field_is_a_field_filter() {
    assert_eq!(f(json!({"name": "x"})), Filter::eq("name", "x"));
}

#[test]
fn several_fields_make_an_object_filter() {
    assert_eq!(
        f(json!({"a": 1, "b": 2})),
        Filter::Object(vec![Filter::eq("a", 1), Filter::eq("b", 2)])
    );
}

#[test]
fn empty_object_matches_all() {
    let e = f(json!({}));
    assert_eq!(e, Filter::all());
    assert!(e.is_match_all());
    assert!(!f(json!({"a": 1})).is_match_all());
}

#[test]
fn operator_object_becomes_ops_in_order() {
    assert_eq!(
        f(json!({"age": {"$gte": 18, "$lt": 65}})),
        Filter::ops(
            "age",
            vec![Operator::Gte(json!(18)), Operator::Lt(json!(65))]
        )
    );
}

#[test]
fn every_operator_parses() {
    let v = json!({"x": {
        "$eq": 1, "$ne": 2, "$gt": 3, "$gte": 4, "$lt": 5, "$lte": 6,
        "$in": [1], "$nin": [2], "$exists": true, "$regex": "^a", "$size": 2,
        "$all": [1], "$contains": 1, "$containsAny": [1, 2]
    }});
    let Filter::Field {
        condition: Condition::Ops(ops),
        ..
    } = f(v.clone())
    else {
        panic!("expected ops");
    };
    let names: Vec<&str> = ops.iter().map(Operator::name).collect();
    assert_eq!(
        names,
        [
            "$eq",
            "$ne",
            "$gt",
            "$gte",
            "$lt",
            "$lte",
            "$in",
            "$nin",
            "$exists",
            "$regex",
            "$size",
            "$all",
            "$contains",
            "$containsAny"
        ]
    );
    assert_eq!(f(v.clone()).to_value(), v);
}

#[test]
fn logical_operators_parse_to_tree() {
    let got = f(json!({"$or": [{"a": 1}, {"$not": {"b": 2}}]}));
    assert_eq!(
        got,
        Filter::Or(vec![
            Filter::eq("a", 1),
            Filter::Not(Box::new(Filter::eq("b", 2)))
        ])
    );
}

#[test]
fn computed_entries_parse_per_index() {
    let got = f(json!({"$computed": {"a": 1, "b": {"$gt": 2}}}));
    let Filter::Object(items) = got else {
        panic!("expected object")
    };
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[0], Filter::Computed { index, .. } if index == "a"));
}

#[test]
fn single_computed_entry_is_computed_filter() {
    assert!(matches!(
        f(json!({"$computed": {"k": 1}})),
        Filter::Computed { .. }
    ));
}

// ---------------------------------------------------------------- errors and paths

#[test]
fn non_object_filter_is_an_error_at_root() {
    for v in [json!(1), json!("x"), json!(null), json!([]), json!(true)] {
        assert_eq!(err_path(v), "$");
    }
}

#[test]
fn unknown_field_operator_points_at_it() {
    assert_eq!(err_path(json!({"age": {"$gtt": 1}})), "$.age.$gtt");
    let e = Filter::from_value(&json!({"name": {"$eqq": "A"}})).unwrap_err();
    assert!(e.message.contains("$eqq"), "{e}");
}

#[test]
fn unknown_top_level_operator_is_an_error() {
    assert_eq!(err_path(json!({"$nor": []})), "$.$nor");
    assert_eq!(err_path(json!({"$where": "1"})), "$.$where");
}

#[test]
fn and_or_need_arrays_of_objects() {
    assert_eq!(err_path(json!({"$and": {}})), "$.$and");
    assert_eq!(err_path(json!({"$or": "x"})), "$.$or");
    assert_eq!(err_path(json!({"$and": [{"a": 1}, 5]})), "$.$and[1]");
}

#[test]
fn nested_error_path_names_every_step() {
    let v = json!({"$or": [{"a": 1}, {"$and": [{"b": {"$in": 3}}]}]});
    assert_eq!(err_path(v), "$.$or[1].$and[0].b.$in");
}

#[test]
fn not_needs_an_object() {
    assert_eq!(err_path(json!({"$not": [1]})), "$.$not");
}

#[test]
fn computed_needs_an_object_of_names() {
    assert_eq!(err_path(json!({"$computed": 1})), "$.$computed");
    assert_eq!(err_path(json!({"$computed": {"$x": 1}})), "$.$computed.$x");
    assert_eq!(
        err_path(json!({"$computed": {"k": {"$bad": 1}}})),
        "$.$computed.k.$bad"
    );
}

#[test]
fn list_operators_need_arrays() {
    for op in ["$in", "$nin", "$all", "$containsAny"] {
        assert_eq!(err_path(json!({"x": {op: "v"}})), format!("$.x.{op}"));
    }
}

#[test]
fn exists_needs_a_boolean() {
    assert_eq!(err_path(json!({"x": {"$exists": 1}})), "$.x.$exists");
}

#[test]
fn size_needs_a_non_negative_integer() {
    for bad in [json!(-1), json!(1.5), json!("2"), json!(null)] {
        assert_eq!(err_path(json!({"x": {"$size": bad}})), "$.x.$size");
    }
}

#[test]
fn regex_needs_a_valid_string_pattern() {
    assert_eq!(err_path(json!({"x": {"$regex": 5}})), "$.x.$regex");
    let e = Filter::from_value(&json!({"x": {"$regex": "[invalid"}})).unwrap_err();
    assert_eq!(e.path, "$.x.$regex");
    assert!(e.message.contains("regex"), "{e}");
}

#[test]
fn overlong_regex_is_rejected() {
    let long = "a".repeat(5000);
    assert_eq!(err_path(json!({"x": {"$regex": long}})), "$.x.$regex");
}

#[test]
fn empty_field_name_is_rejected() {
    assert_eq!(err_path(json!({"": 1})), "$.");
}

#[test]
fn deep_nesting_is_rejected_not_overflowed() {
    let mut v = json!({"a": 1});
    for _ in 0..(MAX_FILTER_DEPTH + 5) {
        v = json!({"$not": v});
    }
    let e = Filter::from_value(&v).unwrap_err();
    assert!(e.message.contains("deeper"), "{e}");
}

#[test]
fn nesting_within_the_limit_is_accepted() {
    let mut v = json!({"a": 1});
    for _ in 0..(MAX_FILTER_DEPTH - 1) {
        v = json!({"$and": [v]});
    }
    assert!(Filter::from_value(&v).is_ok());
}

#[test]
fn error_displays_path_and_message() {
    let e = Filter::from_value(&json!({"age": {"$gt": 1, "$bad": 2}})).unwrap_err();
    let s = e.to_string();
    assert!(s.contains("$.age.$bad"), "{s}");
}

// ---------------------------------------------------------------- JSON round trip

#[test]
fn to_value_writes_the_original_form() {
    for v in [
        json!({}),
        json!({"name": "x"}),
        json!({"age": {"$gt": 30}}),
        json!({"a": 1, "b": {"$in": [1, 2]}, "$or": [{"c": null}, {"d": [1, 2]}]}),
        json!({"$computed": {"k": {"$gte": 1}}, "z": {"nested": {"$gt": 1, "y": 1}}}),
        json!({"$not": {"$and": []}}),
        json!({"o": {}}),
    ] {
        assert_eq!(f(v.clone()).to_value(), v);
    }
}

#[test]
fn empty_computed_beside_one_field_round_trips() {
    let got = f(json!({"$computed": {}, "filter": null}));
    assert_eq!(got, Filter::eq("filter", Value::Null));
    assert_eq!(f(got.to_value()), got);
}

#[test]
fn hand_built_object_with_repeated_field_is_written_as_and() {
    let built = Filter::Object(vec![
        Filter::ops("age", vec![Operator::Gt(json!(1))]),
        Filter::ops("age", vec![Operator::Lt(json!(9))]),
    ]);
    let v = built.to_value();
    assert_eq!(
        v,
        json!({"$and": [{"age": {"$gt": 1}}, {"age": {"$lt": 9}}]})
    );
    let back = f(v);
    let rec = json!({"age": 5});
    assert_eq!(
        less_db::query::matches_filter(&rec, &back),
        less_db::query::matches_filter(&rec, &built)
    );
    assert!(!less_db::query::matches_filter(&json!({"age": 10}), &back));
}

#[test]
fn filter_serde_goes_through_the_json_form() {
    let filter = f(json!({"age": {"$gt": 30}, "name": "A"}));
    let text = serde_json::to_string(&filter).unwrap();
    assert_eq!(text, r#"{"age":{"$gt":30},"name":"A"}"#);
    let back: Filter = serde_json::from_str(&text).unwrap();
    assert_eq!(back, filter);
    assert!(serde_json::from_str::<Filter>(r#"{"a":{"$nope":1}}"#).is_err());
}

// ---------------------------------------------------------------- queries and sorts

#[test]
fn query_parses_every_part() {
    let q = Query::from_value(&json!({
        "filter": {"active": true},
        "sort": [{"field": "age", "direction": "desc"}, "name"],
        "limit": 10,
        "offset": 5
    }))
    .unwrap();
    assert_eq!(q.filter, Some(Filter::eq("active", true)));
    assert_eq!(q.sort, vec![SortEntry::desc("age"), SortEntry::asc("name")]);
    assert_eq!(q.limit, Some(10));
    assert_eq!(q.offset, Some(5));
}

#[test]
fn empty_query_has_no_parts() {
    assert_eq!(Query::from_value(&json!({})).unwrap(), Query::default());
    let nulls = json!({"filter": null, "sort": null, "limit": null, "offset": null});
    assert_eq!(Query::from_value(&nulls).unwrap(), Query::default());
}

#[test]
fn sort_shorthand_forms() {
    let one = Query::from_value(&json!({"sort": "name"})).unwrap();
    assert_eq!(one.sort, vec![SortEntry::asc("name")]);
    let obj = Query::from_value(&json!({"sort": {"field": "age"}})).unwrap();
    assert_eq!(obj.sort, vec![SortEntry::asc("age")]);
}

#[test]
fn query_errors_point_into_the_query() {
    assert_eq!(query_err_path(json!([])), "$");
    assert_eq!(
        query_err_path(json!({"filter": {"a": {"$x": 1}}})),
        "$.filter.a.$x"
    );
    assert_eq!(query_err_path(json!({"limit": -1})), "$.limit");
    assert_eq!(query_err_path(json!({"offset": "3"})), "$.offset");
    assert_eq!(query_err_path(json!({"limit": 2.5})), "$.limit");
    assert_eq!(query_err_path(json!({"sorting": "a"})), "$.sorting");
    assert_eq!(query_err_path(json!({"sort": 5})), "$.sort");
    assert_eq!(
        query_err_path(json!({"sort": [{"field": "a", "direction": "up"}]})),
        "$.sort[0].direction"
    );
    assert_eq!(
        query_err_path(json!({"sort": [{"direction": "asc"}]})),
        "$.sort[0]"
    );
    assert_eq!(
        query_err_path(json!({"sort": [{"field": ""}]})),
        "$.sort[0].field"
    );
    assert_eq!(
        query_err_path(json!({"sort": [{"field": "a", "dir": "asc"}]})),
        "$.sort[0].dir"
    );
}

#[test]
fn query_to_value_round_trips() {
    let v = json!({
        "filter": {"a": {"$lt": 3}},
        "sort": [{"field": "a", "direction": "desc"}],
        "limit": 3,
        "offset": 0
    });
    let q = Query::from_value(&v).unwrap();
    assert_eq!(q.to_value(), v);
    assert_eq!(Query::from_value(&q.to_value()).unwrap(), q);
}

#[test]
fn query_serde_and_builder_agree() {
    let built = Query::new()
        .filter(Filter::eq("a", 1))
        .sort(SortEntry::asc("b"))
        .limit(2)
        .offset(1);
    let text = serde_json::to_string(&built).unwrap();
    let back: Query = serde_json::from_str(&text).unwrap();
    assert_eq!(back, built);
}

#[test]
fn sort_entry_serde_uses_lowercase_directions() {
    let s = serde_json::to_value(SortEntry::desc("x")).unwrap();
    assert_eq!(s, json!({"field": "x", "direction": "desc"}));
    let e: SortEntry = serde_json::from_value(json!("y")).unwrap();
    assert_eq!(e, SortEntry::asc("y"));
}

// ---------------------------------------------------------------- normalisation

#[test]
fn normalize_sort_without_input() {
    assert!(normalize_sort(None).unwrap().is_empty());
    assert!(normalize_sort(Some(&Value::Null)).unwrap().is_empty());
}

#[test]
fn normalize_sort_field_name_is_ascending() {
    let s = normalize_sort(Some(&json!("name"))).unwrap();
    assert_eq!(s, vec![SortEntry::asc("name")]);
    assert_eq!(s[0].direction, SortDirection::Asc);
}

#[test]
fn normalize_sort_keeps_entries_in_order() {
    let v = json!([{"field": "name", "direction": "desc"}, {"field": "age", "direction": "asc"}]);
    let s = normalize_sort(Some(&v)).unwrap();
    assert_eq!(s, vec![SortEntry::desc("name"), SortEntry::asc("age")]);
}

#[test]
fn normalize_sort_rejects_bad_entries() {
    assert!(normalize_sort(Some(&json!([1]))).is_err());
    assert!(normalize_sort(Some(&json!({"field": "a", "direction": "ASC"}))).is_err());
}

#[test]
fn normalize_computed_without_names_is_identity() {
    let filter = f(json!({"name": "Alice"}));
    assert_eq!(normalize_computed_filter(filter.clone(), &[]), filter);
}

#[test]
fn normalize_computed_without_matching_keys_is_identity() {
    let filter = f(json!({"name": "Alice"}));
    assert_eq!(
        normalize_computed_filter(filter.clone(), &["emailLower"]),
        filter
    );
}

#[test]
fn normalize_computed_moves_a_computed_key() {
    let filter = f(json!({"name": "Alice", "emailLower": "alice@example.com"}));
    let got = normalize_computed_filter(filter, &["emailLower"]);
    assert_eq!(
        got.to_value(),
        json!({"name": "Alice", "$computed": {"emailLower": "alice@example.com"}})
    );
}

#[test]
fn normalize_computed_merges_with_existing_computed() {
    let filter = f(json!({"emailLower": "a@b.c", "$computed": {"other": "val"}}));
    let got = normalize_computed_filter(filter, &["emailLower"]).to_value();
    let computed = got["$computed"].as_object().unwrap();
    assert_eq!(computed.get("emailLower"), Some(&json!("a@b.c")));
    assert_eq!(computed.get("other"), Some(&json!("val")));
}

#[test]
fn normalize_computed_moves_several_keys() {
    let filter = f(json!({"emailLower": "a@b.com", "nameLower": "alice", "status": "active"}));
    let got = normalize_computed_filter(filter, &["emailLower", "nameLower"]).to_value();
    assert_eq!(got["status"], json!("active"));
    assert_eq!(got["$computed"]["emailLower"], json!("a@b.com"));
    assert_eq!(got["$computed"]["nameLower"], json!("alice"));
    assert!(got.get("emailLower").is_none());
}

#[test]
fn normalize_computed_reaches_into_logical_operators() {
    let filter = f(json!({"$or": [{"k": 1}, {"$not": {"k": 2}}]}));
    let got = normalize_computed_filter(filter, &["k"]).to_value();
    assert_eq!(
        got,
        json!({"$or": [{"$computed": {"k": 1}}, {"$not": {"$computed": {"k": 2}}}]})
    );
}

#[test]
fn normalized_filter_round_trips_through_json() {
    let filter = f(json!({"a": 1, "k": 2, "b": 3, "j": 4}));
    let got = normalize_computed_filter(filter, &["k", "j"]);
    assert_eq!(Filter::from_value(&got.to_value()).unwrap(), got);
}

// ---------------------------------------------------------------- referenced fields

fn fields_of(v: Value) -> less_db::query::types::QueryFields {
    Query::from_value(&v).unwrap().fields()
}

fn set(items: &[&str]) -> std::collections::BTreeSet<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn empty_query_reads_no_fields() {
    let got = fields_of(json!({}));
    assert!(got.fields.is_empty());
    assert!(!got.has_computed());
}

#[test]
fn top_level_filter_fields_are_read() {
    assert_eq!(
        fields_of(json!({"filter": {"name": "A", "age": 30}})).fields,
        set(&["age", "name"])
    );
}

#[test]
fn fields_inside_logical_operators_are_read() {
    let got =
        fields_of(json!({"filter": {"$and": [{"$or": [{"a": 1}, {"b": 2}]}, {"$not": {"c": 3}}]}}));
    assert_eq!(got.fields, set(&["a", "b", "c"]));
}

#[test]
fn operator_keys_are_not_fields() {
    let got = fields_of(json!({"filter": {"age": {"$gt": 18, "$lt": 65}}}));
    assert_eq!(got.fields, set(&["age"]));
}

#[test]
fn sort_fields_are_read_once() {
    let got = fields_of(
        json!({"filter": {"name": "A"}, "sort": ["name", {"field": "createdAt", "direction": "desc"}]}),
    );
    assert_eq!(got.fields, set(&["createdAt", "name"]));
}

#[test]
fn computed_conditions_are_flagged_anywhere() {
    let got =
        fields_of(json!({"filter": {"$and": [{"name": "A"}, {"$computed": {"emailLower": "a"}}]}}));
    assert!(got.has_computed());
    assert_eq!(got.computed, set(&["emailLower"]));
    assert_eq!(got.fields, set(&["name"]));
}

#[test]
fn limit_and_offset_read_no_fields() {
    let got = fields_of(json!({"limit": 10, "offset": 20}));
    assert!(got.fields.is_empty() && !got.has_computed());
}

// ---------------------------------------------------------------- builders

#[test]
fn builders_write_the_json_form() {
    let built = Filter::or(vec![
        Filter::and(vec![Filter::eq("a", 1), Filter::negate(Filter::eq("b", 2))]),
        Filter::computed("k", Condition::Ops(vec![Operator::In(vec![json!("x")])])),
    ]);
    assert_eq!(
        built.to_value(),
        json!({"$or": [{"$and": [{"a": 1}, {"$not": {"b": 2}}]}, {"$computed": {"k": {"$in": ["x"]}}}]})
    );
    assert_eq!(f(built.to_value()), built);
}

#[test]
fn and_also_drops_match_all_sides() {
    let cond = Filter::eq("a", 1);
    assert_eq!(Filter::all().and_also(cond.clone()), cond);
    assert_eq!(cond.clone().and_also(Filter::all()), cond);
    let both = cond
        .clone()
        .and_also(Filter::eq("b", 2))
        .and_also(Filter::eq("c", 3));
    assert_eq!(
        both.to_value(),
        json!({"$and": [{"a": 1}, {"b": 2}, {"c": 3}]})
    );
    let rec = json!({"a": 1, "b": 2, "c": 3});
    assert!(less_db::query::matches_filter(&rec, &both));
    assert!(!less_db::query::matches_filter(
        &json!({"a": 1, "b": 2}),
        &both
    ));
}
