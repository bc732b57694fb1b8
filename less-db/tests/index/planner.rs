use less_db::index::extract_conditions;
use less_db::index::planner::{IndexCondition, explain_plan};
use less_db::index::types::{FULL_SCAN_COST, IndexScanType, RangeBound, SortDirection};
use less_db::query::types::{Filter, SortEntry};
use serde_json::{Value, json};

use crate::{
    computed_index, field_index, filter, index_name, ordered_index, plan, plan_json_query,
};

fn bound(v: Value, inclusive: bool) -> Option<RangeBound> {
    Some(RangeBound {
        value: v,
        inclusive,
    })
}

// ---------------------------------------------------------------- extract_conditions

#[test]
fn direct_values_are_equalities() {
    let c = extract_conditions(Some(&filter(
        json!({"status": "active", "email": "t@e.com"}),
    )));
    assert_eq!(c.equalities.get("status"), Some(&json!("active")));
    assert_eq!(c.equalities.get("email"), Some(&json!("t@e.com")));
    assert!(c.ranges.is_empty());
    assert!(c.ins.is_empty());
    assert!(c.residual.is_none());
}

#[test]
fn eq_operator_is_an_equality() {
    let c = extract_conditions(Some(&filter(json!({"status": {"$eq": "active"}}))));
    assert_eq!(c.equalities.get("status"), Some(&json!("active")));
}

#[test]
fn range_operators_give_bounds() {
    let c = extract_conditions(Some(&filter(
        json!({"age": {"$gte": 18, "$lt": 65}, "score": {"$gt": 100}}),
    )));
    assert_eq!(
        c.ranges.get("age"),
        Some(&(bound(json!(18), true), bound(json!(65), false)))
    );
    assert_eq!(
        c.ranges.get("score"),
        Some(&(bound(json!(100), false), None))
    );
}

#[test]
fn lte_alone_is_an_inclusive_upper_bound() {
    let c = extract_conditions(Some(&filter(json!({"age": {"$lte": 50}}))));
    assert_eq!(c.ranges.get("age"), Some(&(None, bound(json!(50), true))));
}

#[test]
fn lt_alone_is_an_exclusive_upper_bound() {
    let c = extract_conditions(Some(&filter(json!({"age": {"$lt": 100}}))));
    assert_eq!(c.ranges.get("age"), Some(&(None, bound(json!(100), false))));
}

#[test]
fn in_lists_are_extracted() {
    let c = extract_conditions(Some(&filter(
        json!({"status": {"$in": ["active", "pending", "review"]}}),
    )));
    let list = c.ins.get("status").unwrap();
    assert_eq!(list.len(), 3);
    assert!(list.contains(&json!("active")));
}

#[test]
fn in_with_more_than_twenty_values_stays_residual() {
    let values: Vec<Value> = (0..21).map(|i| json!(format!("v{i}"))).collect();
    let c = extract_conditions(Some(&filter(json!({"status": {"$in": values}}))));
    assert!(c.ins.is_empty());
    assert!(c.residual.is_some());
}

#[test]
fn in_with_exactly_twenty_values_is_extracted() {
    let values: Vec<Value> = (0..20).map(|i| json!(i)).collect();
    let c = extract_conditions(Some(&filter(json!({"n": {"$in": values}}))));
    assert_eq!(c.ins.get("n").map(Vec::len), Some(20));
}

#[test]
fn in_with_a_non_scalar_member_stays_residual() {
    let c = extract_conditions(Some(&filter(
        json!({"status": {"$in": ["active", [1, 2]]}}),
    )));
    assert!(c.ins.is_empty());
    assert!(c.residual.is_some());
}

#[test]
fn in_with_a_null_member_stays_residual() {
    let c = extract_conditions(Some(&filter(json!({"status": {"$in": ["a", null]}}))));
    assert!(c.ins.is_empty());
    assert!(c.residual.is_some());
}

#[test]
fn empty_in_is_not_extracted() {
    let c = extract_conditions(Some(&filter(json!({"status": {"$in": []}}))));
    assert!(c.ins.is_empty());
    assert!(c.residual.is_some());
}

#[test]
fn computed_equality_is_extracted() {
    let c = extract_conditions(Some(&filter(
        json!({"status": "active", "$computed": {"email_lower": "t@e.com"}}),
    )));
    assert_eq!(c.equalities.get("status"), Some(&json!("active")));
    assert_eq!(
        c.computed.get("email_lower"),
        Some(&IndexCondition::Equality(json!("t@e.com")))
    );
}

#[test]
fn computed_range_is_extracted() {
    let c = extract_conditions(Some(&filter(
        json!({"$computed": {"score": {"$gte": 100, "$lt": 200}}}),
    )));
    assert_eq!(
        c.computed.get("score"),
        Some(&IndexCondition::Range((
            bound(json!(100), true),
            bound(json!(200), false)
        )))
    );
}

#[test]
fn computed_null_equality_is_extracted() {
    let c = extract_conditions(Some(&filter(json!({"$computed": {"k": null}}))));
    assert_eq!(
        c.computed.get("k"),
        Some(&IndexCondition::Equality(Value::Null))
    );
}

#[test]
fn computed_in_is_extracted() {
    let c = extract_conditions(Some(&filter(json!({"$computed": {"k": {"$in": [1, 2]}}}))));
    assert_eq!(
        c.computed.get("k"),
        Some(&IndexCondition::In(vec![json!(1), json!(2)]))
    );
}

#[test]
fn logical_operators_stay_residual() {
    let c = extract_conditions(Some(&filter(
        json!({"status": "active", "$or": [{"name": "A"}, {"name": "B"}]}),
    )));
    assert!(c.equalities.contains_key("status"));
    assert_eq!(
        c.residual.unwrap().to_value(),
        json!({"$or": [{"name": "A"}, {"name": "B"}]})
    );
}

#[test]
fn ne_and_nin_stay_residual() {
    let c = extract_conditions(Some(&filter(
        json!({"status": {"$ne": "deleted"}, "role": {"$nin": ["admin"]}}),
    )));
    assert!(c.equalities.is_empty());
    let r = c.residual.unwrap().to_value();
    assert!(r.get("status").is_some());
    assert!(r.get("role").is_some());
}

#[test]
fn array_operators_stay_residual() {
    let c = extract_conditions(Some(&filter(
        json!({"tags": {"$contains": "a"}, "t": {"$size": 1}, "n": {"$regex": "x"}}),
    )));
    assert!(c.equalities.is_empty() && c.ranges.is_empty() && c.ins.is_empty());
    assert_eq!(c.residual.unwrap().to_value().as_object().unwrap().len(), 3);
}

#[test]
fn no_filter_extracts_nothing() {
    let c = extract_conditions(None);
    assert!(c.equalities.is_empty());
    assert!(c.ranges.is_empty());
    assert!(c.ins.is_empty());
    assert!(c.computed.is_empty());
    assert!(c.residual.is_none());
}

#[test]
fn boolean_and_number_equalities() {
    let c = extract_conditions(Some(&filter(json!({"active": true, "count": 42}))));
    assert_eq!(c.equalities.get("active"), Some(&json!(true)));
    assert_eq!(c.equalities.get("count"), Some(&json!(42)));
}

#[test]
fn null_equality_stays_residual() {
    let c = extract_conditions(Some(&filter(json!({"status": null}))));
    assert!(c.equalities.is_empty());
    assert_eq!(c.residual.unwrap().to_value(), json!({"status": null}));
}

#[test]
fn null_equality_is_kept_beside_other_equalities() {
    let c = extract_conditions(Some(&filter(json!({"status": null, "email": "t@e.com"}))));
    assert_eq!(c.equalities.get("email"), Some(&json!("t@e.com")));
    assert_eq!(c.residual.unwrap().to_value(), json!({"status": null}));
}

#[test]
fn literal_object_with_operator_keys_is_not_extracted() {
    let c = extract_conditions(Some(&filter(json!({"field": {"value": 1, "$gt": 5}}))));
    assert!(!c.equalities.contains_key("field"));
    assert!(!c.ranges.contains_key("field"));
    assert!(c.residual.is_some());
}

#[test]
fn array_and_object_values_are_not_extracted() {
    let c = extract_conditions(Some(&filter(json!({"a": [1], "b": {"x": 1}}))));
    assert!(c.equalities.is_empty());
    assert!(c.residual.is_some());
}

#[test]
fn range_with_null_bound_is_not_extracted() {
    let c = extract_conditions(Some(&filter(json!({"a": {"$gt": null}}))));
    assert!(c.ranges.is_empty());
    assert!(c.residual.is_some());
}

#[test]
fn top_level_and_is_flattened_into_conditions() {
    let c = extract_conditions(Some(&filter(
        json!({"$and": [{"status": "a"}, {"$and": [{"age": {"$gt": 3}}]}], "x": {"$ne": 1}}),
    )));
    assert_eq!(c.equalities.get("status"), Some(&json!("a")));
    assert_eq!(c.ranges.get("age"), Some(&(bound(json!(3), false), None)));
    assert_eq!(c.residual.unwrap().to_value(), json!({"x": {"$ne": 1}}));
}

#[test]
fn repeated_field_uses_its_first_condition() {
    let c = extract_conditions(Some(&filter(
        json!({"$and": [{"age": {"$gt": 1}}, {"age": {"$lt": 9}}]}),
    )));
    assert_eq!(c.ranges.get("age"), Some(&(bound(json!(1), false), None)));
    assert!(c.residual.is_some());
}

#[test]
fn repeated_field_stays_in_post_filter() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(
        json!({"$and": [{"age": {"$gt": 1}}, {"age": {"$lt": 9}}]}),
        &[],
        &idx,
    );
    assert_eq!(index_name(&p), "age");
    assert_eq!(
        p.post_filter.unwrap().to_value(),
        json!({"$and": [{"age": {"$gt": 1}}, {"age": {"$lt": 9}}]})
    );
}

#[test]
fn and_of_fields_can_use_a_compound_index() {
    let idx = [field_index("status_age", &["status", "age"], false, false)];
    let p = plan(
        json!({"$and": [{"status": "a"}, {"age": {"$gte": 5}}]}),
        &[SortEntry::asc("age")],
        &idx,
    );
    assert_eq!(index_name(&p), "status_age");
    assert!(p.post_filter.is_none());
    assert!(p.index_provides_sort);
}

#[test]
fn whole_filter_under_or_is_residual() {
    let c = extract_conditions(Some(&filter(json!({"$or": [{"a": 1}]}))));
    assert!(c.equalities.is_empty());
    assert!(matches!(c.residual, Some(Filter::Or(_))));
}

// ---------------------------------------------------------------- index choice

#[test]
fn unique_exact_match_costs_one() {
    let idx = [
        field_index("email_unique", &["email"], true, false),
        field_index("status", &["status"], false, false),
    ];
    let p = plan(json!({"email": "t@e.com"}), &[], &idx);
    assert_eq!(index_name(&p), "email_unique");
    assert_eq!(p.scan.as_ref().unwrap().scan_type, IndexScanType::Exact);
    assert_eq!(p.estimated_cost, 1.0);
    assert!(p.post_filter.is_none());
}

#[test]
fn non_unique_exact_match_costs_four() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({"status": "a"}), &[], &idx);
    assert_eq!(p.estimated_cost, 4.0);
    assert_eq!(p.scan.as_ref().unwrap().equality, vec![json!("a")]);
}

#[test]
fn compound_index_beats_single_field_when_it_covers_more() {
    let idx = [
        field_index("status", &["status"], false, false),
        field_index("status_created", &["status", "createdAt"], false, false),
    ];
    let p = plan(
        json!({"status": "active", "createdAt": {"$gte": "2024-01-01"}}),
        &[],
        &idx,
    );
    assert_eq!(index_name(&p), "status_created");
    assert_eq!(p.estimated_cost, 3.0);
    let scan = p.scan.unwrap();
    assert_eq!(scan.scan_type, IndexScanType::Range);
    assert_eq!(scan.equality, vec![json!("active")]);
    assert_eq!(scan.lower, bound(json!("2024-01-01"), true));
    assert!(p.post_filter.is_none());
}

#[test]
fn leading_columns_of_compound_index_give_a_prefix_scan() {
    let idx = [field_index(
        "spc",
        &["status", "priority", "createdAt"],
        false,
        false,
    )];
    let p = plan(json!({"status": "active"}), &[], &idx);
    assert_eq!(index_name(&p), "spc");
    assert_eq!(p.scan.as_ref().unwrap().scan_type, IndexScanType::Prefix);
    assert_eq!(p.estimated_cost, 4.0);
}

#[test]
fn two_leading_equalities_of_three_columns() {
    let idx = [field_index(
        "spc",
        &["status", "priority", "createdAt"],
        false,
        false,
    )];
    let p = plan(json!({"status": "a", "priority": 2}), &[], &idx);
    let scan = p.scan.unwrap();
    assert_eq!(scan.scan_type, IndexScanType::Prefix);
    assert_eq!(scan.equality, vec![json!("a"), json!(2)]);
    assert_eq!(p.estimated_cost, 3.0);
}

#[test]
fn all_columns_equal_is_an_exact_compound_scan() {
    let idx = [field_index("ab", &["a", "b"], true, false)];
    let p = plan(json!({"b": 2, "a": 1}), &[], &idx);
    let scan = p.scan.unwrap();
    assert_eq!(scan.scan_type, IndexScanType::Exact);
    assert_eq!(scan.equality, vec![json!(1), json!(2)]);
    assert_eq!(p.estimated_cost, 1.0);
}

#[test]
fn index_needs_its_leading_column() {
    let idx = [field_index(
        "status_created",
        &["status", "createdAt"],
        false,
        false,
    )];
    let p = plan(json!({"createdAt": {"$gte": "2024-01-01"}}), &[], &idx);
    assert!(p.scan.is_none());
    assert_eq!(p.estimated_cost, FULL_SCAN_COST);
}

#[test]
fn gap_in_compound_columns_stops_the_walk() {
    let idx = [field_index("abc", &["a", "b", "c"], false, false)];
    let p = plan(json!({"a": 1, "c": 3}), &[], &idx);
    let scan = p.scan.unwrap();
    assert_eq!(scan.equality, vec![json!(1)]);
    assert_eq!(p.post_filter.unwrap().to_value(), json!({"c": 3}));
}

#[test]
fn no_indexes_means_full_scan() {
    let p = plan(json!({"status": "active"}), &[], &[]);
    assert!(p.scan.is_none());
    assert_eq!(p.estimated_cost, 6.0);
    assert_eq!(
        p.post_filter.unwrap().to_value(),
        json!({"status": "active"})
    );
}

#[test]
fn empty_filter_without_sort_is_a_full_scan_with_nothing_to_do() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({}), &[], &idx);
    assert!(p.scan.is_none());
    assert!(p.post_filter.is_none());
    assert!(p.post_sort.is_empty());
}

#[test]
fn computed_index_serves_computed_equality() {
    let idx = [computed_index("email_lower", true, false)];
    let p = plan(json!({"$computed": {"email_lower": "t@e.com"}}), &[], &idx);
    assert_eq!(index_name(&p), "email_lower");
    let scan = p.scan.as_ref().unwrap();
    assert_eq!(scan.scan_type, IndexScanType::Exact);
    assert_eq!(scan.equality, vec![json!("t@e.com")]);
    assert_eq!(p.estimated_cost, 1.0);
    assert!(p.post_filter.is_none());
}

#[test]
fn computed_index_serves_range_and_in() {
    let idx = [computed_index("k", false, false)];
    let r = plan(json!({"$computed": {"k": {"$gt": "m"}}}), &[], &idx);
    assert_eq!(r.scan.as_ref().unwrap().lower, bound(json!("m"), false));
    assert_eq!(r.estimated_cost, 5.0);
    let i = plan(json!({"$computed": {"k": {"$in": ["a", "b"]}}}), &[], &idx);
    assert_eq!(
        i.scan.as_ref().unwrap().in_values.as_ref().unwrap().len(),
        2
    );
    assert_eq!(i.estimated_cost, 4.0);
}

#[test]
fn computed_null_equality_uses_non_sparse_index_only() {
    let dense = [computed_index("k", false, false)];
    let p = plan(json!({"$computed": {"k": null}}), &[], &dense);
    assert_eq!(p.scan.as_ref().unwrap().equality, vec![Value::Null]);
    assert!(p.post_filter.is_none());
    let sparse = [computed_index("k", false, true)];
    let p = plan(json!({"$computed": {"k": null}}), &[], &sparse);
    assert!(p.scan.is_none());
    assert!(p.post_filter.is_some());
}

#[test]
fn unrelated_computed_index_is_not_used() {
    let idx = [computed_index("other", true, false)];
    let p = plan(json!({"$computed": {"k": 1}}), &[], &idx);
    assert!(p.scan.is_none());
}

#[test]
fn uncovered_computed_condition_stays_in_post_filter() {
    let idx = [computed_index("a", true, false)];
    let p = plan(json!({"$computed": {"a": 1, "b": 2}}), &[], &idx);
    assert_eq!(index_name(&p), "a");
    assert_eq!(
        p.post_filter.unwrap().to_value(),
        json!({"$computed": {"b": 2}})
    );
}

#[test]
fn several_indexes_pick_the_cheapest() {
    let idx = [
        field_index("status", &["status"], false, false),
        field_index("email_unique", &["email"], true, false),
        field_index("status_email", &["status", "email"], false, false),
    ];
    let p = plan(json!({"status": "active", "email": "t@e.com"}), &[], &idx);
    assert_eq!(index_name(&p), "email_unique");
    assert_eq!(p.estimated_cost, 1.0);
    assert_eq!(
        p.post_filter.unwrap().to_value(),
        json!({"status": "active"})
    );
}

#[test]
fn equal_costs_go_to_the_first_defined_index() {
    let idx = [
        field_index("first", &["a"], false, false),
        field_index("second", &["a"], false, false),
    ];
    assert_eq!(index_name(&plan(json!({"a": 1}), &[], &idx)), "first");
}

#[test]
fn plan_query_reads_filter_and_sort_from_the_query() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan_json_query(
        json!({"filter": {"age": {"$gt": 3}}, "sort": "age", "limit": 5}),
        &idx,
    );
    assert_eq!(index_name(&p), "age");
    assert!(p.index_provides_sort);
    assert!(p.can_paginate_in_scan());
}

// ---------------------------------------------------------------- $in

#[test]
fn small_in_is_a_multi_point_lookup() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({"status": {"$in": ["active", "pending"]}}), &[], &idx);
    let scan = p.scan.unwrap();
    assert_eq!(scan.scan_type, IndexScanType::Range);
    assert_eq!(
        scan.in_values,
        Some(vec![json!("active"), json!("pending")])
    );
    assert!(p.post_filter.is_none());
}

#[test]
fn equality_prefix_then_in() {
    let idx = [field_index(
        "org_status",
        &["orgId", "status"],
        false,
        false,
    )];
    let p = plan(
        json!({"orgId": "org1", "status": {"$in": ["active", "pending"]}}),
        &[],
        &idx,
    );
    let scan = p.scan.unwrap();
    assert_eq!(scan.equality, vec![json!("org1")]);
    assert_eq!(scan.in_values.unwrap().len(), 2);
    assert_eq!(scan.lower, None);
    assert!(p.post_filter.is_none());
}

#[test]
fn over_limit_in_falls_back_to_full_scan() {
    let idx = [field_index("status", &["status"], false, false)];
    let values: Vec<Value> = (0..21).map(|i| json!(format!("v{i}"))).collect();
    let p = plan(json!({"status": {"$in": values}}), &[], &idx);
    assert!(p.scan.is_none());
    assert!(p.post_filter.is_some());
}

#[test]
fn in_stops_the_column_walk() {
    let idx = [field_index("ab", &["a", "b"], false, false)];
    let p = plan(json!({"a": {"$in": [1, 2]}, "b": 3}), &[], &idx);
    let scan = p.scan.unwrap();
    assert!(scan.equality.is_empty());
    assert_eq!(scan.constrained_columns(), 1);
    assert_eq!(p.post_filter.unwrap().to_value(), json!({"b": 3}));
}

// ---------------------------------------------------------------- post-filter

#[test]
fn uncovered_conditions_go_to_post_filter() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({"status": "active", "name": "Alice"}), &[], &idx);
    assert_eq!(index_name(&p), "status");
    assert_eq!(p.post_filter.unwrap().to_value(), json!({"name": "Alice"}));
}

#[test]
fn logical_operators_go_to_post_filter() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(
        json!({"status": "active", "$or": [{"name": "A"}, {"name": "B"}]}),
        &[],
        &idx,
    );
    assert!(p.post_filter.unwrap().to_value().get("$or").is_some());
}

#[test]
fn fully_covered_filter_has_no_post_filter() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({"status": "active"}), &[], &idx);
    assert!(p.post_filter.is_none());
    assert!(p.can_count_in_scan());
}

#[test]
fn null_condition_survives_into_post_filter() {
    let idx = [field_index("idx_email", &["email"], false, false)];
    let p = plan(json!({"status": null, "email": "t@e.com"}), &[], &idx);
    assert_eq!(index_name(&p), "idx_email");
    assert_eq!(p.post_filter.unwrap().to_value(), json!({"status": null}));
}

#[test]
fn eq_with_other_operators_keeps_the_whole_condition() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(json!({"age": {"$eq": 30, "$ne": 31}}), &[], &idx);
    assert_eq!(p.scan.as_ref().unwrap().equality, vec![json!(30)]);
    assert_eq!(
        p.post_filter.unwrap().to_value(),
        json!({"age": {"$eq": 30, "$ne": 31}})
    );
}

#[test]
fn range_with_extra_operator_keeps_the_whole_condition() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(json!({"age": {"$gt": 1, "$ne": 5}}), &[], &idx);
    assert_eq!(p.scan.as_ref().unwrap().lower, bound(json!(1), false));
    assert!(p.post_filter.is_some());
}

#[test]
fn repeated_bound_keeps_the_whole_condition() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(json!({"age": {"$gt": 1, "$gte": 5}}), &[], &idx);
    assert_eq!(p.scan.as_ref().unwrap().lower, bound(json!(1), false));
    assert!(p.post_filter.is_some());
}

#[test]
fn bounds_of_different_types_keep_the_whole_condition() {
    let idx = [field_index("a", &["a"], false, false)];
    let p = plan(json!({"a": {"$gt": 1, "$lt": "z"}}), &[], &idx);
    assert!(p.scan.is_some());
    assert!(p.post_filter.is_some());
}

#[test]
fn range_covered_by_index_leaves_no_post_filter() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(json!({"age": {"$gte": 18, "$lt": 65}}), &[], &idx);
    assert!(p.post_filter.is_none());
    assert_eq!(p.estimated_cost, 5.0);
}

// ---------------------------------------------------------------- sort

#[test]
fn index_after_equality_prefix_provides_sort() {
    let idx = [field_index(
        "status_created",
        &["status", "createdAt"],
        false,
        false,
    )];
    let p = plan(
        json!({"status": "active"}),
        &[SortEntry::asc("createdAt")],
        &idx,
    );
    assert!(p.index_provides_sort);
    assert!(p.post_sort.is_empty());
    assert_eq!(p.scan.unwrap().direction, SortDirection::Asc);
}

#[test]
fn sort_only_query_walks_a_matching_index() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(json!({}), &[SortEntry::asc("age")], &idx);
    let scan = p.scan.as_ref().unwrap();
    assert_eq!(scan.index_name(), "age");
    assert_eq!(scan.scan_type, IndexScanType::Full);
    assert!(p.index_provides_sort);
    assert!(p.estimated_cost < FULL_SCAN_COST);
    assert!(p.can_paginate_in_scan());
}

#[test]
fn sort_on_unindexed_field_is_done_in_memory() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({}), &[SortEntry::asc("age")], &idx);
    assert!(p.scan.is_none());
    assert_eq!(p.estimated_cost, 6.0);
    assert_eq!(p.post_sort, vec![SortEntry::asc("age")]);
}

#[test]
fn opposite_direction_walks_the_index_backwards() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({}), &[SortEntry::desc("status")], &idx);
    assert!(p.index_provides_sort);
    assert_eq!(p.scan.unwrap().direction, SortDirection::Desc);
}

#[test]
fn descending_index_serves_descending_sort_forwards() {
    let idx = [ordered_index(
        "d",
        &[("t", SortDirection::Desc)],
        false,
        false,
    )];
    let p = plan(json!({}), &[SortEntry::desc("t")], &idx);
    assert!(p.index_provides_sort);
    assert_eq!(p.scan.unwrap().direction, SortDirection::Asc);
}

#[test]
fn mixed_directions_need_a_matching_mixed_index() {
    let asc_asc = [field_index("ab", &["a", "b"], false, false)];
    let p = plan(
        json!({}),
        &[SortEntry::asc("a"), SortEntry::desc("b")],
        &asc_asc,
    );
    assert!(!p.index_provides_sort);
    let mixed = [ordered_index(
        "ab",
        &[("a", SortDirection::Asc), ("b", SortDirection::Desc)],
        false,
        false,
    )];
    let p = plan(
        json!({}),
        &[SortEntry::asc("a"), SortEntry::desc("b")],
        &mixed,
    );
    assert!(p.index_provides_sort);
    let p = plan(
        json!({}),
        &[SortEntry::desc("a"), SortEntry::asc("b")],
        &mixed,
    );
    assert!(p.index_provides_sort);
    assert_eq!(p.scan.unwrap().direction, SortDirection::Desc);
}

#[test]
fn two_equalities_then_sort_column() {
    let idx = [field_index(
        "c",
        &["status", "category", "createdAt"],
        false,
        false,
    )];
    let p = plan(
        json!({"status": "active", "category": "tech"}),
        &[SortEntry::asc("createdAt")],
        &idx,
    );
    assert!(p.scan.is_some());
    assert!(p.index_provides_sort);
    assert_eq!(p.estimated_cost, 2.0);
}

#[test]
fn sort_keys_on_pinned_fields_are_ignored() {
    let idx = [field_index("sc", &["status", "createdAt"], false, false)];
    let p = plan(
        json!({"status": "active"}),
        &[SortEntry::desc("status"), SortEntry::asc("createdAt")],
        &idx,
    );
    assert!(p.index_provides_sort);
}

#[test]
fn sort_on_range_column_is_provided() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(json!({"age": {"$gt": 20}}), &[SortEntry::desc("age")], &idx);
    assert!(p.index_provides_sort);
    assert_eq!(p.scan.as_ref().unwrap().direction, SortDirection::Desc);
    assert!(p.can_paginate_in_scan());
}

#[test]
fn sort_on_column_after_range_is_not_provided() {
    let idx = [field_index("ab", &["a", "b"], false, false)];
    let p = plan(json!({"a": {"$gt": 1}}), &[SortEntry::asc("b")], &idx);
    assert!(p.scan.is_some());
    assert!(!p.index_provides_sort);
    assert_eq!(p.post_sort, vec![SortEntry::asc("b")]);
    assert!(!p.can_paginate_in_scan());
    assert!(p.can_count_in_scan());
}

#[test]
fn sort_on_column_after_in_is_not_provided() {
    let idx = [field_index("ab", &["a", "b"], false, false)];
    let p = plan(json!({"a": {"$in": [1, 2]}}), &[SortEntry::asc("b")], &idx);
    assert!(!p.index_provides_sort);
}

#[test]
fn longer_sort_than_index_is_not_provided() {
    let idx = [field_index("a", &["a"], false, false)];
    let p = plan(json!({}), &[SortEntry::asc("a"), SortEntry::asc("b")], &idx);
    assert!(!p.index_provides_sort);
    assert!(p.scan.is_none());
}

#[test]
fn sort_on_a_prefix_of_the_remaining_columns_is_not_provided() {
    // Walking (a, b) for a sort on `a` would order a-ties by b, not by insertion.
    let idx = [field_index("ab", &["a", "b"], false, false)];
    let p = plan(json!({}), &[SortEntry::asc("a")], &idx);
    assert!(!p.index_provides_sort);
    assert!(p.scan.is_none());
    let with_eq = plan(json!({"a": 1}), &[SortEntry::asc("b")], &idx);
    assert!(with_eq.index_provides_sort);
}

#[test]
fn sparse_index_is_not_walked_for_sort_alone() {
    let idx = [field_index("a", &["a"], false, true)];
    let p = plan(json!({}), &[SortEntry::asc("a")], &idx);
    assert!(p.scan.is_none());
    let with_eq = plan(json!({"a": 3}), &[], &idx);
    assert_eq!(index_name(&with_eq), "a");
}

#[test]
fn sort_only_scan_keeps_whole_filter_as_post_filter() {
    let idx = [field_index("age", &["age"], false, false)];
    let p = plan(json!({"name": "x"}), &[SortEntry::asc("age")], &idx);
    assert_eq!(p.scan.as_ref().unwrap().scan_type, IndexScanType::Full);
    assert_eq!(p.post_filter.unwrap().to_value(), json!({"name": "x"}));
    assert!(p.index_provides_sort);
}

#[test]
fn filtering_index_is_preferred_over_sort_only_index() {
    let idx = [
        field_index("age", &["age"], false, false),
        field_index("name", &["name"], false, false),
    ];
    let p = plan(json!({"name": "x"}), &[SortEntry::asc("age")], &idx);
    assert_eq!(index_name(&p), "name");
    assert!(!p.index_provides_sort);
}

#[test]
fn without_sort_the_index_order_is_acceptable() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({"status": "a"}), &[], &idx);
    assert!(!p.index_provides_sort);
    assert!(p.index_order_is_query_order());
    assert!(p.can_paginate_in_scan());
}

#[test]
fn post_filter_prevents_pagination_in_scan() {
    let idx = [field_index("status", &["status"], false, false)];
    let p = plan(json!({"status": "a", "x": 1}), &[], &idx);
    assert!(!p.can_paginate_in_scan());
    assert!(!p.can_count_in_scan());
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_full_scan() {
    let out = explain_plan(&plan(json!({"status": "active"}), &[], &[]));
    assert!(out.contains("Full table scan"), "{out}");
    assert!(out.contains("Estimated cost: 6/6"), "{out}");
    assert!(out.contains("Post-filter: yes"), "{out}");
}

#[test]
fn explain_exact_scan() {
    let idx = [field_index("status", &["status"], false, false)];
    let out = explain_plan(&plan(json!({"status": "active"}), &[], &idx));
    assert!(out.contains("Index: status"), "{out}");
    assert!(out.contains("Scan type: exact"), "{out}");
    assert!(out.contains(r#"Equality values: "active""#), "{out}");
    assert!(out.contains("Post-filter: no"), "{out}");
    assert!(out.contains("Estimated cost: 4/6"), "{out}");
}

#[test]
fn explain_range_scan() {
    let idx = [field_index("age", &["age"], false, false)];
    let out = explain_plan(&plan(json!({"age": {"$gte": 18, "$lt": 65}}), &[], &idx));
    assert!(out.contains("Scan type: range"), "{out}");
    assert!(out.contains("Range: >= 18 AND < 65"), "{out}");
}

#[test]
fn explain_in_values() {
    let idx = [field_index("idx_status", &["status"], false, false)];
    let out = explain_plan(&plan(
        json!({"status": {"$in": ["active", "pending"]}}),
        &[],
        &idx,
    ));
    assert!(out.contains(r#"IN values: "active", "pending""#), "{out}");
}

#[test]
fn explain_shows_date_strings() {
    let idx = [field_index("idx_created", &["createdAt"], false, false)];
    let eq = explain_plan(&plan(
        json!({"createdAt": "2024-06-15T00:00:00.000Z"}),
        &[],
        &idx,
    ));
    assert!(eq.contains("2024-06-15T00:00:00.000Z"), "{eq}");
    let range = explain_plan(&plan(
        json!({"createdAt": {"$gte": "2024-01-01T00:00:00.000Z", "$lte": "2024-12-31T23:59:59.999Z"}}),
        &[],
        &idx,
    ));
    assert!(range.contains("Range:"), "{range}");
    assert!(range.contains("2024-01-01T00:00:00.000Z"), "{range}");
    assert!(range.contains("2024-12-31T23:59:59.999Z"), "{range}");
}

#[test]
fn explain_post_filter_and_sort_flags() {
    let idx = [field_index("status", &["status"], false, false)];
    let out = explain_plan(&plan(json!({"status": "a", "age": {"$gt": 20}}), &[], &idx));
    assert!(out.contains("Post-filter: yes"), "{out}");
    let sorted = explain_plan(&plan(json!({}), &[SortEntry::asc("status")], &idx));
    assert!(sorted.contains("Index provides sort: yes"), "{sorted}");
    assert!(sorted.contains("Post-sort: no"), "{sorted}");
    assert!(sorted.contains("Scan type: full"), "{sorted}");
    assert!(sorted.contains("Estimated cost: 5.5/6"), "{sorted}");
}

#[test]
fn explain_shows_backward_direction() {
    let idx = [field_index("status", &["status"], false, false)];
    let out = explain_plan(&plan(json!({}), &[SortEntry::desc("status")], &idx));
    assert!(out.contains("Direction: desc"), "{out}");
    let unsorted = explain_plan(&plan(json!({}), &[SortEntry::asc("x")], &idx));
    assert!(unsorted.contains("Post-sort: yes"), "{unsorted}");
}
