//! Differential test: every query planned into SQL over indexed fields returns what the
//! in-memory query engine returns over the same records. The field `v` mixes every
//! JSON scalar type (booleans next to 0 and 1, strings that look like numbers or JSON,
//! floats next to integers, null and missing), which is where SQLite's own comparison
//! rules differ from the query semantics.

use std::sync::Arc;

use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::query::Query;
use less_db::query::execute::execute_query_by;
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::types::{ListOptions, PutOptions};
use serde_json::{Value, json};

fn mixed_def() -> Arc<CollectionDef> {
    let scalar = || t::optional(t::union([t::number(), t::string(), t::boolean()]));
    collection("mixed")
        .v(
            1,
            t::object([("v", scalar()), ("g", t::number()), ("w", scalar())]),
        )
        .index(IndexSpec::on(["v"]).named("v"))
        .index(IndexSpec::on(["g", "w"]).named("g_w"))
        .build()
        .unwrap()
}

/// The values every query runs against; several appear twice so ties exercise the
/// tie-break order.
fn values() -> Vec<Value> {
    vec![
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(1.0),
        json!(0.5),
        json!(-3),
        json!(2),
        json!(10),
        json!(1),
        json!(true),
        json!("1"),
        json!(""),
        json!("a"),
        json!("B"),
        json!("true"),
        json!("[1]"),
        json!("{x"),
        json!("é"),
        json!("a"),
        json!(1e300),
        json!(-0.0),
        Value::Null,
    ]
}

/// An adapter holding one record per value (plus one with `v` missing), in a fixed
/// insertion order.
fn seeded() -> (Adapter<SqliteBackend>, Arc<CollectionDef>) {
    let def = mixed_def();
    let a = Adapter::open(
        SqliteBackend::open_in_memory().unwrap(),
        &[Arc::clone(&def)],
    )
    .unwrap();
    let vals = values();
    for (i, v) in vals.iter().enumerate() {
        let w = &vals[(i * 7 + 3) % vals.len()];
        let mut rec = json!({"id": format!("r{i:02}"), "g": i % 3, "v": v, "w": w});
        if v.is_null() && i % 2 == 0 {
            rec.as_object_mut().unwrap().remove("v");
        }
        a.put(&def, rec, &PutOptions::default()).unwrap();
    }
    a.put(
        &def,
        json!({"id": "missing", "g": 1}),
        &PutOptions::default(),
    )
    .unwrap();
    (a, def)
}

/// Filters over `v` (single-field index) and `g`+`w` (compound index) for every value:
/// equality, `$in`, and every range operator alone and paired.
fn filters() -> Vec<Value> {
    let vals: Vec<Value> = values().into_iter().filter(|v| !v.is_null()).collect();
    let mut out = Vec::new();
    for v in &vals {
        out.push(json!({"v": v}));
        out.push(json!({"v": {"$eq": v}}));
        out.push(json!({"g": 1, "w": v}));
        for op in ["$gt", "$gte", "$lt", "$lte"] {
            out.push(json!({"v": {op: v}}));
            out.push(json!({"g": 0, "w": {op: v}}));
        }
    }
    for pair in vals.chunks(2) {
        out.push(json!({"v": {"$in": pair}}));
        out.push(json!({"g": 2, "w": {"$in": pair}}));
        if let [lo, hi] = pair {
            out.push(json!({"v": {"$gte": lo, "$lt": hi}}));
            out.push(json!({"v": {"$gt": hi, "$lte": lo}}));
        }
    }
    out.push(json!({"v": {"$in": [true, 1, "1", 0.5]}}));
    out.push(json!({"v": {"$in": [false, 0, ""]}}));
    out.push(json!({"v": {"$gt": 0, "$lt": 2}}));
    out.push(json!({"v": {"$gte": false, "$lte": true}}));
    out.push(json!({"v": {"$gte": "", "$lt": "b"}}));
    out.push(json!({"v": {"$gt": "[", "$lt": "|"}}));
    out
}

/// The filter alone, and under sorts on both indexed fields in both directions, paged.
fn sorted_queries(filter: &Value) -> Vec<Value> {
    let by = |field: &str, dir: &str| json!([{"field": field, "direction": dir}]);
    vec![
        json!({ "filter": filter }),
        json!({"filter": filter, "sort": by("v", "asc"), "limit": 3}),
        json!({"filter": filter, "sort": by("v", "desc")}),
        json!({"filter": filter, "sort": by("w", "asc")}),
        json!({"filter": filter, "sort": by("w", "desc"), "limit": 2, "offset": 1}),
    ]
}

fn ids<T>(records: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    records.iter().map(|r| id(r).to_string()).collect()
}

#[test]
fn sql_planned_queries_match_the_in_memory_engine_on_mixed_types() {
    let (a, def) = seeded();
    let all = a.get_all(&def, &ListOptions::default()).unwrap().records;
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut queries: Vec<Value> = filters().iter().flat_map(sorted_queries).collect();
    for (field, dir) in [("v", "asc"), ("v", "desc"), ("w", "desc")] {
        let sort = json!([{"field": field, "direction": dir}]);
        queries.push(json!({ "sort": sort }));
        queries.push(json!({"sort": sort, "limit": 4, "offset": 2}));
    }
    queries.push(json!({"filter": {"g": 1}, "sort": [{"field": "w", "direction": "desc"}]}));
    for qv in &queries {
        let q = Query::from_value(qv).unwrap();
        let want = execute_query_by(all.clone(), &q, |r| &r.data);
        let got = a.query(&def, &q).unwrap();
        let mut want_ids = ids(&want.records, |r| &r.id);
        let mut got_ids = ids(&got.records, |r| &r.id);
        if q.sort.is_empty() {
            // Without a sort the order is unspecified; the set is not.
            want_ids.sort();
            got_ids.sort();
        }
        let count = a.count(&def, Some(&q)).unwrap();
        if want_ids != got_ids || want.total != got.total || count != want.total {
            failures.push(format!(
                "{qv}\n  sql:    {got_ids:?} total {} count {count}\n  memory: {want_ids:?} total {}",
                got.total, want.total
            ));
        }
        checked += 1;
    }
    assert!(checked > 500, "only {checked} queries");
    assert!(
        failures.is_empty(),
        "{} of {checked} queries differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_planner_uses_an_index_for_the_differential_queries() {
    // Guards the test above against silently comparing two in-memory runs.
    let def = mixed_def();
    for filter in filters() {
        let q = Query::from_value(&json!({ "filter": filter })).unwrap();
        let plan = less_db::index::plan_query(&q, &def.indexes);
        assert!(plan.scan.is_some(), "no index for {filter}");
    }
}
