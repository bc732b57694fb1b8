//! Property tests: random JSON never panics the filter/query parsers, parsed values
//! round-trip through their JSON form, and `compare_values` is a total order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cmp::Ordering;

use less_db::query::operators::{compare_values, deep_equals, matches_filter};
use less_db::query::types::{Filter, Query};
use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-5i64..50).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(vec![
            i64::MIN as f64,
            9.223_372_036_854_776e18,
            1.8446744073709552e19,
            -0.0,
            0.5,
            2.0,
            1e300,
            -1e-300,
        ])
        .prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
        (-1.0e6f64..1.0e6).prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
    ]
}

fn arb_key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "b",
        "b.c",
        "tags",
        "",
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
        "$containsAny",
        "$and",
        "$or",
        "$not",
        "$computed",
        "$nor",
        "$",
        "filter",
        "sort",
        "limit",
        "offset",
        "field",
        "direction",
    ])
    .prop_map(str::to_string)
}

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_number(),
        prop::sample::select(vec!["", "a", "asc", "desc", "^a", "[", "(?i)x", "b.c", "Z"])
            .prop_map(|s| Value::String(s.to_string())),
        "[a-z$.\\[\\]()*?^]{0,6}".prop_map(Value::String),
    ]
}

/// JSON with a bias towards filter-like shapes (operator keys, nested objects/arrays).
fn arb_json() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(6, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

fn arb_query_json() -> impl Strategy<Value = Value> {
    (
        prop::option::of(arb_json()),
        prop::option::of(arb_json()),
        prop::option::of(prop_oneof![arb_number(), arb_leaf()]),
        prop::option::of(prop_oneof![arb_number(), arb_leaf()]),
        any::<bool>(),
    )
        .prop_map(|(filter, sort, limit, offset, junk)| {
            let mut m = Map::new();
            for (k, v) in [
                ("filter", filter),
                ("sort", sort),
                ("limit", limit),
                ("offset", offset),
            ] {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            }
            if junk {
                m.insert("junk".into(), Value::Null);
            }
            Value::Object(m)
        })
}

fn arb_operator() -> impl Strategy<Value = (String, Value)> {
    let list = || prop::collection::vec(arb_leaf(), 0..4).prop_map(Value::Array);
    prop_oneof![
        (
            prop::sample::select(vec![
                "$eq",
                "$ne",
                "$gt",
                "$gte",
                "$lt",
                "$lte",
                "$contains"
            ]),
            arb_leaf()
        )
            .prop_map(|(k, v)| (k.to_string(), v)),
        (
            prop::sample::select(vec!["$in", "$nin", "$all", "$containsAny"]),
            list()
        )
            .prop_map(|(k, v)| (k.to_string(), v)),
        any::<bool>().prop_map(|b| ("$exists".to_string(), Value::Bool(b))),
        (0u64..4).prop_map(|n| ("$size".to_string(), Value::from(n))),
        prop::sample::select(vec!["^a", "x|y", "[0-9]+", "(?i)b"])
            .prop_map(|p| ("$regex".to_string(), Value::from(p))),
    ]
}

fn arb_condition() -> impl Strategy<Value = Value> {
    prop_oneof![
        arb_leaf(),
        prop::collection::vec(arb_leaf(), 0..3).prop_map(Value::Array),
        prop::collection::vec(arb_operator(), 1..4)
            .prop_map(|ops| Value::Object(ops.into_iter().collect())),
    ]
}

/// Always-valid filters, to exercise the round trip on deep trees.
fn arb_valid_filter() -> impl Strategy<Value = Value> {
    let field = prop::sample::select(vec!["a", "b.c", "tags", "n", "missing"]);
    let leaf = prop::collection::vec((field, arb_condition()), 0..4)
        .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()));
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|l| json!({"$and": l})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|l| json!({"$or": l})),
            inner.clone().prop_map(|f| json!({"$not": f})),
            (inner, arb_condition()).prop_map(|(mut f, c)| {
                if let Value::Object(m) = &mut f {
                    m.insert("$computed".into(), json!({"k": c}));
                }
                f
            }),
        ]
    })
}

fn record() -> Value {
    json!({"a": 3, "b": {"c": "x"}, "tags": ["x", 2, null], "n": null})
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 5000,
        // Failures are turned into named regression tests instead of a seed file.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn filter_parse_is_total_and_round_trips(v in arb_json()) {
        match Filter::from_value(&v) {
            Ok(f) => {
                let written = f.to_value();
                let back = Filter::from_value(&written);
                prop_assert_eq!(back.as_ref(), Ok(&f), "written: {}", written);
                prop_assert_eq!(matches_filter(&record(), &f), matches_filter(&record(), &back.unwrap()));
            }
            Err(e) => {
                prop_assert!(e.path.starts_with('$'), "path {}", e.path);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn query_parse_is_total_and_round_trips(v in arb_query_json()) {
        match Query::from_value(&v) {
            Ok(q) => {
                let written = q.to_value();
                prop_assert_eq!(Query::from_value(&written), Ok(q), "written: {}", written);
            }
            Err(e) => prop_assert!(e.path.starts_with('$'), "path {}", e.path),
        }
    }

}

proptest! {
    // Fewer cases: each one is heavier, and these properties are about structure.
    #![proptest_config(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn valid_filters_parse_and_round_trip(v in arb_valid_filter()) {
        let f = Filter::from_value(&v);
        prop_assert!(f.is_ok(), "{} -> {:?}", v, f);
        let f = f.unwrap();
        prop_assert_eq!(f.to_value(), v.clone());
        prop_assert_eq!(Filter::from_value(&f.to_value()), Ok(f));
    }

    #[test]
    fn compare_values_is_a_total_order(a in arb_json(), b in arb_json(), c in arb_json()) {
        let ab = compare_values(&a, &b);
        prop_assert_eq!(ab, compare_values(&b, &a).reverse());
        prop_assert_eq!(compare_values(&a, &a), Ordering::Equal);
        prop_assert_eq!(ab == Ordering::Equal, deep_equals(&a, &b));
        let bc = compare_values(&b, &c);
        let ac = compare_values(&a, &c);
        if ab != Ordering::Greater && bc != Ordering::Greater {
            prop_assert_ne!(ac, Ordering::Greater);
        }
        if ab == Ordering::Equal && bc == Ordering::Equal {
            prop_assert_eq!(ac, Ordering::Equal);
        }
    }

    #[test]
    fn numbers_order_transitively_across_representations(
        a in arb_number(), b in arb_number(), c in arb_number()
    ) {
        let mut v = [a, b, c];
        v.sort_by(compare_values);
        prop_assert_ne!(compare_values(&v[0], &v[1]), Ordering::Greater);
        prop_assert_ne!(compare_values(&v[1], &v[2]), Ordering::Greater);
        prop_assert_ne!(compare_values(&v[0], &v[2]), Ordering::Greater);
    }
}
