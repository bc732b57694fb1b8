//! Plans must not change results: running a plan the way a storage backend would (read
//! the index scan, then post-filter, post-sort and paginate) gives exactly what the
//! in-memory executor gives over all records.

use std::cmp::Ordering;

use less_db::index::plan_query;
use less_db::index::types::{IndexDefinition, IndexScan, QueryPlan, SortDirection};
use less_db::query::execute::{execute_query, paginate_records, sort_records};
use less_db::query::operators::{compare_values, get_field_value, matches_filter_with_computed};
use less_db::query::types::Query;
use serde_json::{Map, Value, json};

use crate::{computed_index, field_index, ordered_index};

fn indexes() -> Vec<IndexDefinition> {
    vec![
        field_index("status", &["status"], false, false),
        field_index("status_age", &["status", "age"], false, false),
        ordered_index("age_desc", &[("age", SortDirection::Desc)], false, false),
        field_index("name", &["name"], false, true),
        computed_index("email_lower", false, false),
    ]
}

/// Deterministic records with missing, null and mixed-type values.
fn records() -> Vec<Value> {
    let statuses = [json!("a"), json!("b"), json!("c"), Value::Null];
    let names = [json!("ann"), json!("bob"), json!("cy"), json!(5)];
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize
    };
    (0..80)
        .map(|i| {
            let mut m = Map::new();
            m.insert("id".into(), json!(i));
            if next() % 5 != 0 {
                m.insert("status".into(), statuses[next() % 4].clone());
            }
            match next() % 6 {
                0 => {}
                1 => {
                    m.insert("age".into(), json!("old"));
                }
                _ => {
                    m.insert("age".into(), json!(next() % 50));
                }
            }
            if next() % 4 != 0 {
                m.insert("name".into(), names[next() % 4].clone());
            }
            if next() % 3 != 0 {
                m.insert("email".into(), json!(format!("U{}@X.io", next() % 6)));
            }
            Value::Object(m)
        })
        .collect()
}

fn computed_values(rec: &Value, idx: &[IndexDefinition]) -> Map<String, Value> {
    idx.iter()
        .filter_map(|d| match d {
            IndexDefinition::Computed(c) => {
                Some((c.name.clone(), (c.compute)(rec).unwrap_or(Value::Null)))
            }
            IndexDefinition::Field(_) => None,
        })
        .collect()
}

/// The index columns of a record (missing reads as null).
fn columns(rec: &Value, idx: &IndexDefinition) -> Vec<(Value, SortDirection)> {
    match idx {
        IndexDefinition::Field(f) => f
            .fields
            .iter()
            .map(|c| {
                (
                    get_field_value(rec, &c.field)
                        .cloned()
                        .unwrap_or(Value::Null),
                    c.order,
                )
            })
            .collect(),
        IndexDefinition::Computed(c) => {
            vec![((c.compute)(rec).unwrap_or(Value::Null), SortDirection::Asc)]
        }
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The scan contract: equal values of the same JSON type on the leading columns, then a
/// same-typed value inside the bounds or one of the `$in` points.
fn in_scan(cols: &[(Value, SortDirection)], scan: &IndexScan) -> bool {
    let eq_ok = scan.equality.iter().zip(cols).all(|(want, (got, _))| {
        same_type(want, got) && compare_values(want, got) == Ordering::Equal
    });
    let Some((next, _)) = cols.get(scan.equality.len()) else {
        return eq_ok;
    };
    let lower_ok = scan.lower.as_ref().is_none_or(|b| {
        same_type(&b.value, next) && {
            let o = compare_values(next, &b.value);
            o.is_gt() || (b.inclusive && o.is_eq())
        }
    });
    let upper_ok = scan.upper.as_ref().is_none_or(|b| {
        same_type(&b.value, next) && {
            let o = compare_values(next, &b.value);
            o.is_lt() || (b.inclusive && o.is_eq())
        }
    });
    let in_ok = scan.in_values.as_ref().is_none_or(|list| {
        list.iter()
            .any(|v| same_type(v, next) && compare_values(v, next).is_eq())
    });
    eq_ok && lower_ok && upper_ok && in_ok
}

fn run_plan(plan: &QueryPlan, query: &Query, all: &[Value], idx: &[IndexDefinition]) -> Vec<Value> {
    let mut rows: Vec<Value> = match &plan.scan {
        None => all.to_vec(),
        Some(scan) => {
            let mut hits: Vec<(Vec<(Value, SortDirection)>, Value)> = all
                .iter()
                .filter(|r| {
                    let cols = columns(r, &scan.index);
                    let sparse_gap =
                        scan.index.is_sparse() && cols.iter().all(|(v, _)| v.is_null());
                    !sparse_gap && in_scan(&cols, scan)
                })
                .map(|r| (columns(r, &scan.index), r.clone()))
                .collect();
            // Index order: column by column in declared order, flipped for a backward
            // walk; ties stay in insertion order, as an in-memory stable sort leaves them.
            let backwards = scan.direction == SortDirection::Desc;
            hits.sort_by(|(a, _), (b, _)| {
                a.iter()
                    .zip(b)
                    .map(|((x, d), (y, _))| {
                        let o = compare_values(x, y);
                        if (*d == SortDirection::Desc) != backwards {
                            o.reverse()
                        } else {
                            o
                        }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
            hits.into_iter().map(|(_, r)| r).collect()
        }
    };
    if let Some(pf) = &plan.post_filter {
        rows.retain(|r| matches_filter_with_computed(r, Some(&computed_values(r, idx)), pf));
    }
    let rows = sort_records(rows, &plan.post_sort);
    paginate_records(rows, query.offset, query.limit)
}

fn check(query: Value) {
    check_query(&Query::from_value(&query).unwrap());
}

/// Panics when running the plan of `q` gives other records (or another order, when the
/// query has a sort) than running `q` over all records in memory.
pub fn check_query(q: &Query) {
    let query = q.to_value();
    let idx = indexes();
    let all = records();
    let plan = plan_query(q, &idx);
    let expected: Vec<Value> = {
        // The executor needs computed values for `$computed`; run it over records
        // carrying them under a private key the filter cannot name.
        let with_computed: Vec<(Value, Map<String, Value>)> = all
            .iter()
            .map(|r| (r.clone(), computed_values(r, &idx)))
            .collect();
        let matched: Vec<Value> = with_computed
            .into_iter()
            .filter(|(r, c)| {
                q.filter
                    .as_ref()
                    .is_none_or(|f| matches_filter_with_computed(r, Some(c), f))
            })
            .map(|(r, _)| r)
            .collect();
        let unfiltered = Query {
            filter: None,
            ..q.clone()
        };
        execute_query(matched, &unfiltered).records
    };
    let got = run_plan(&plan, q, &all, &idx);
    // Records tied on every sort key may come back in any order, so compare the sort
    // keys in order, the records as sets when there is no page, and check that every
    // returned record matches.
    let ids = |v: &[Value]| {
        let mut ids: Vec<Value> = v.iter().map(|r| r["id"].clone()).collect();
        ids.sort_by(compare_values);
        ids
    };
    let keys = |v: &[Value]| {
        v.iter()
            .map(|r| {
                q.sort
                    .iter()
                    .map(|e| get_field_value(r, &e.field).cloned().unwrap_or(Value::Null))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let ctx = format!("query {query}\nplan {plan:?}");
    assert_eq!(got.len(), expected.len(), "{ctx}");
    assert_eq!(keys(&got), keys(&expected), "{ctx}");
    if q.limit.is_none() && q.offset.unwrap_or(0) == 0 {
        assert_eq!(ids(&got), ids(&expected), "{ctx}");
    }
    for r in &got {
        let ok = q
            .filter
            .as_ref()
            .is_none_or(|f| matches_filter_with_computed(r, Some(&computed_values(r, &idx)), f));
        assert!(ok, "{ctx}\nreturned a non-matching record {r}");
    }
    // A plan that provides the order gives ties in insertion order, like the
    // in-memory sort: the whole page is identical.
    if plan.index_provides_sort {
        let in_order = |v: &[Value]| v.iter().map(|r| r["id"].clone()).collect::<Vec<_>>();
        assert_eq!(in_order(&got), in_order(&expected), "{ctx}");
    }
}

#[test]
fn equality_plans_match_full_scans() {
    check(json!({"filter": {"status": "a"}}));
    check(json!({"filter": {"status": "a", "age": 10}}));
    check(json!({"filter": {"status": "b", "name": "bob"}}));
    check(json!({"filter": {"name": 5}}));
}

#[test]
fn range_plans_match_full_scans() {
    check(json!({"filter": {"age": {"$gt": 10}}}));
    check(json!({"filter": {"age": {"$gte": 10, "$lt": 30}}, "sort": "age"}));
    check(json!({"filter": {"status": "a", "age": {"$lte": 25}}, "sort": "age"}));
    check(
        json!({"filter": {"name": {"$gt": "b"}}, "sort": [{"field": "name", "direction": "desc"}]}),
    );
    check(json!({"filter": {"age": {"$gt": 1, "$lt": "z"}}}));
}

#[test]
fn in_plans_match_full_scans() {
    check(json!({"filter": {"status": {"$in": ["a", "c"]}}}));
    check(json!({"filter": {"status": "a", "age": {"$in": [1, 2, 3, 10, 20]}}}));
    check(json!({"filter": {"status": {"$in": ["a", null]}}}));
}

#[test]
fn sort_only_plans_match_full_scans() {
    check(json!({"sort": "age", "limit": 10}));
    check(json!({"sort": [{"field": "age", "direction": "desc"}], "offset": 5, "limit": 7}));
    check(json!({"sort": "status"}));
    check(json!({"sort": [{"field": "status", "direction": "desc"}], "limit": 20}));
    check(json!({"sort": "name", "limit": 15}));
    check(json!({"filter": {"status": {"$in": ["a", "b"]}}, "sort": "status", "limit": 9}));
    check(
        json!({"filter": {"status": "a"}, "sort": [{"field": "age", "direction": "desc"}], "limit": 6}),
    );
}

#[test]
fn paginated_plans_match_full_scans() {
    check(json!({"filter": {"status": "a"}, "sort": "age", "limit": 3, "offset": 2}));
    check(
        json!({"filter": {"status": "b"}, "sort": [{"field": "age", "direction": "desc"}], "limit": 4}),
    );
    check(json!({"filter": {"age": {"$gt": 5}}, "sort": "age", "limit": 5, "offset": 5}));
}

#[test]
fn mixed_plans_match_full_scans() {
    check(json!({"filter": {"status": "a", "$or": [{"age": 1}, {"name": "ann"}]}}));
    check(json!({"filter": {"status": null}}));
    check(json!({"filter": {"age": {"$eq": 10, "$ne": 11}}}));
    check(json!({"filter": {"age": {"$gte": 10, "$ne": 12}}, "sort": "age"}));
    check(json!({"filter": {"age": {"$gt": 5, "$gte": 20}}, "sort": "age", "limit": 4}));
    check(json!({"filter": {"status": {"$in": ["a", "b"], "$ne": "b"}}}));
    check(json!({"filter": {"$computed": {"email_lower": "u1@x.io"}}}));
    check(json!({"filter": {"$computed": {"email_lower": null}}, "sort": "age"}));
    check(json!({"filter": {"$computed": {"email_lower": {"$gte": "u3"}}, "status": "a"}}));
    check(json!({"filter": {"name": {"$exists": false}}, "sort": "name"}));
    check(
        json!({"filter": {"$and": [{"status": "a"}, {"age": {"$gt": 3}}]}, "sort": "age", "limit": 3}),
    );
    check(json!({"filter": {"$and": [{"age": {"$gt": 3}}, {"age": {"$lt": 20}}]}, "sort": "age"}));
    check(json!({"filter": {"status": "a", "$and": [{"status": "b"}]}}));
}
