//! Random queries: every plan returns what a full scan returns.

use less_db::query::types::Query;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::soundness::check_query;

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec!["a", "b", "c", "ann", "bob", "old"]).prop_map(Value::from),
        (0u64..50).prop_map(Value::from),
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn arb_condition() -> impl Strategy<Value = Value> {
    let op = prop::sample::select(vec!["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"]);
    let list = || prop::collection::vec(arb_value(), 0..4);
    prop_oneof![
        3 => arb_value(),
        3 => prop::collection::vec((op, arb_value()), 1..3)
            .prop_map(|ops| Value::Object(ops.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        1 => list().prop_map(|l| json!({"$in": l})),
        1 => list().prop_map(|l| json!({"$nin": l})),
        1 => any::<bool>().prop_map(|b| json!({"$exists": b})),
    ]
}

fn arb_clause() -> impl Strategy<Value = (String, Value)> {
    let field = prop::sample::select(vec!["status", "age", "name"]);
    prop_oneof![
        4 => (field, arb_condition()).prop_map(|(f, c)| (f.to_string(), c)),
        1 => arb_condition().prop_map(|c| ("$computed".to_string(), json!({"email_lower": c}))),
        1 => prop::collection::vec((prop::sample::select(vec!["status", "age"]), arb_condition()), 0..3)
            .prop_map(|parts| {
                let list: Vec<Value> = parts.into_iter().map(|(f, c)| json!({f: c})).collect();
                ("$and".to_string(), Value::Array(list))
            }),
        1 => prop::collection::vec((prop::sample::select(vec!["status", "age"]), arb_value()), 1..3)
            .prop_map(|alts| {
                let list: Vec<Value> = alts.into_iter().map(|(f, v)| json!({f: v})).collect();
                ("$or".to_string(), Value::Array(list))
            }),
    ]
}

fn arb_query() -> impl Strategy<Value = Value> {
    let sort_key = (
        prop::sample::select(vec!["status", "age", "name", "id"]),
        any::<bool>(),
    )
        .prop_map(|(f, desc)| json!({"field": f, "direction": if desc { "desc" } else { "asc" }}));
    (
        prop::collection::vec(arb_clause(), 0..4),
        prop::collection::vec(sort_key, 0..3),
        prop::option::of(0usize..12),
        prop::option::of(0usize..12),
    )
        .prop_map(|(clauses, sort, limit, offset)| {
            let filter: serde_json::Map<String, Value> = clauses.into_iter().collect();
            let mut q = json!({"filter": filter, "sort": sort});
            if let Some(l) = limit {
                q["limit"] = json!(l);
            }
            if let Some(o) = offset {
                q["offset"] = json!(o);
            }
            q
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn plans_return_what_full_scans_return(v in arb_query()) {
        let q = Query::from_value(&v).unwrap();
        check_query(&q);
    }
}
