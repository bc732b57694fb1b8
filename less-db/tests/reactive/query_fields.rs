//! `extract_query_fields`: the fields a query reads through its filter and sort.

use less_db::query::{Filter, Query, SortEntry};
use less_db::reactive::{extract_query_fields, touches_query_fields};
use serde_json::json;

use crate::common::ids;

fn fields_of(q: &Query) -> Vec<String> {
    extract_query_fields(q).fields.into_iter().collect()
}

fn parsed(v: serde_json::Value) -> Query {
    Query::from_value(&v).unwrap()
}

#[test]
fn an_empty_query_reads_nothing() {
    let f = extract_query_fields(&Query::new());
    assert!(f.fields.is_empty());
    assert!(!f.has_computed());
}

#[test]
fn top_level_filter_keys_are_fields() {
    let q = parsed(json!({ "filter": { "name": "a", "age": 3 } }));
    assert_eq!(fields_of(&q), ids(&["age", "name"]));
}

#[test]
fn and_or_not_are_walked() {
    let q = parsed(json!({ "filter": {
        "$and": [
            { "$or": [ { "a": 1 }, { "b": 2 } ] },
            { "$not": { "c": 3 } }
        ]
    } }));
    assert_eq!(fields_of(&q), ids(&["a", "b", "c"]));
}

#[test]
fn operator_keys_are_not_fields() {
    let q = parsed(json!({ "filter": { "age": { "$gt": 18, "$lt": 65 } } }));
    assert_eq!(fields_of(&q), ids(&["age"]));
}

#[test]
fn dot_paths_are_kept_whole() {
    let q = parsed(json!({ "filter": { "address.city": "Oslo" } }));
    assert_eq!(fields_of(&q), ids(&["address.city"]));
}

#[test]
fn sort_fields_count_and_merge_with_filter_fields() {
    let q = Query::new()
        .filter(Filter::eq("status", "open"))
        .sort(SortEntry::desc("createdAt"))
        .sort(SortEntry::asc("status"));
    assert_eq!(fields_of(&q), ids(&["createdAt", "status"]));
    let q = parsed(json!({ "sort": "name" }));
    assert_eq!(fields_of(&q), ids(&["name"]));
}

#[test]
fn limit_and_offset_read_no_field() {
    let q = Query::new().limit(10).offset(20);
    assert!(fields_of(&q).is_empty());
}

#[test]
fn computed_conditions_are_flagged_at_any_depth() {
    let q = parsed(json!({ "filter": { "$computed": { "emailLower": "x" } } }));
    assert!(extract_query_fields(&q).has_computed());
    let q = parsed(json!({ "filter": {
        "$and": [ { "name": "a" }, { "$computed": { "emailLower": "x" } } ]
    } }));
    let f = extract_query_fields(&q);
    assert!(f.has_computed());
    assert!(f.fields.contains("name"));
    assert!(f.computed.contains("emailLower"));
}

#[test]
fn touches_compares_top_level_segments() {
    let q = parsed(json!({ "filter": { "address.city": "Oslo" }, "sort": "age" }));
    let f = extract_query_fields(&q);
    assert!(touches_query_fields(&f, &["address"]));
    assert!(touches_query_fields(&f, &["age", "x"]));
    assert!(!touches_query_fields(&f, &["name", "updatedAt"]));
    assert!(!touches_query_fields(&f, &[] as &[&str]));
}

#[test]
fn computed_queries_are_touched_by_every_change() {
    let q = parsed(json!({ "filter": { "$computed": { "emailLower": "x" } } }));
    let f = extract_query_fields(&q);
    assert!(touches_query_fields(&f, &["anything"]));
}
