use less_db::query::execute::{
    count_matching, execute_query, execute_query_by, find_first, paginate_records, sort_records,
};
use less_db::query::types::{Filter, Query, SortEntry};
use serde_json::{Value, json};

fn users() -> Vec<Value> {
    vec![
        json!({"id": "1", "name": "Alice", "age": 30, "score": 85, "active": true, "createdAt": "2024-01-15"}),
        json!({"id": "2", "name": "Bob", "age": 25, "score": 90, "active": true, "createdAt": "2024-02-20"}),
        json!({"id": "3", "name": "Charlie", "age": 35, "score": 75, "active": false, "createdAt": "2024-01-10"}),
        json!({"id": "4", "name": "Diana", "age": 28, "score": 90, "active": true, "createdAt": "2024-03-01"}),
        json!({"id": "5", "name": "Eve", "age": 30, "score": 80, "active": false, "createdAt": "2024-02-15"}),
    ]
}

fn names(records: &[Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

fn q(v: Value) -> Query {
    Query::from_value(&v).unwrap()
}

// ---------------------------------------------------------------- sort_records

#[test]
fn sorts_strings_ascending() {
    let got = sort_records(users(), &[SortEntry::asc("name")]);
    assert_eq!(names(&got), ["Alice", "Bob", "Charlie", "Diana", "Eve"]);
}

#[test]
fn sorts_strings_descending() {
    let got = sort_records(users(), &[SortEntry::desc("name")]);
    assert_eq!(names(&got), ["Eve", "Diana", "Charlie", "Bob", "Alice"]);
}

#[test]
fn sorts_numbers_ascending() {
    let got = sort_records(users(), &[SortEntry::asc("age")]);
    let ages: Vec<i64> = got.iter().map(|u| u["age"].as_i64().unwrap()).collect();
    assert_eq!(ages, [25, 28, 30, 30, 35]);
}

#[test]
fn sorts_numbers_descending() {
    let got = sort_records(users(), &[SortEntry::desc("age")]);
    let ages: Vec<i64> = got.iter().map(|u| u["age"].as_i64().unwrap()).collect();
    assert_eq!(ages, [35, 30, 30, 28, 25]);
}

#[test]
fn sorts_iso_dates_chronologically() {
    let got = sort_records(users(), &[SortEntry::asc("createdAt")]);
    assert_eq!(names(&got), ["Charlie", "Alice", "Eve", "Bob", "Diana"]);
}

#[test]
fn sorts_false_before_true() {
    let got = sort_records(users(), &[SortEntry::asc("active")]);
    let flags: Vec<bool> = got.iter().map(|u| u["active"].as_bool().unwrap()).collect();
    assert_eq!(flags, [false, false, true, true, true]);
}

#[test]
fn second_key_orders_within_first() {
    let got = sort_records(users(), &[SortEntry::asc("age"), SortEntry::asc("name")]);
    assert_eq!(names(&got), ["Bob", "Diana", "Alice", "Eve", "Charlie"]);
}

#[test]
fn second_key_breaks_ties_of_descending_first() {
    let got = sort_records(users(), &[SortEntry::desc("score"), SortEntry::asc("name")]);
    assert_eq!(names(&got), ["Bob", "Diana", "Alice", "Eve", "Charlie"]);
}

#[test]
fn keys_may_have_different_directions() {
    let got = sort_records(users(), &[SortEntry::desc("active"), SortEntry::asc("age")]);
    assert_eq!(names(&got), ["Bob", "Diana", "Alice", "Eve", "Charlie"]);
}

#[test]
fn ties_keep_input_order() {
    let got = sort_records(users(), &[SortEntry::asc("age")]);
    // Alice and Eve are both 30; Alice comes first in the input.
    assert_eq!(names(&got)[2..4], ["Alice", "Eve"]);
    let back = sort_records(users(), &[SortEntry::desc("age")]);
    assert_eq!(names(&back)[1..3], ["Alice", "Eve"]);
}

#[test]
fn no_sort_keys_leaves_order_alone() {
    assert_eq!(sort_records(users(), &[]), users());
}

#[test]
fn sorting_nothing_gives_nothing() {
    assert!(sort_records(vec![], &[SortEntry::asc("name")]).is_empty());
}

#[test]
fn sorting_one_record_gives_it_back() {
    let one = vec![users()[0].clone()];
    assert_eq!(sort_records(one.clone(), &[SortEntry::asc("name")]), one);
}

#[test]
fn missing_and_null_values_sort_first_ascending_last_descending() {
    let recs = vec![
        json!({"n": "b", "v": 2}),
        json!({"n": "a"}),
        json!({"n": "c", "v": null}),
        json!({"n": "d", "v": 1}),
    ];
    let asc = sort_records(recs.clone(), &[SortEntry::asc("v")]);
    let order: Vec<&str> = asc.iter().map(|r| r["n"].as_str().unwrap()).collect();
    assert_eq!(order, ["a", "c", "d", "b"]);
    let desc = sort_records(recs, &[SortEntry::desc("v")]);
    let order: Vec<&str> = desc.iter().map(|r| r["n"].as_str().unwrap()).collect();
    assert_eq!(order, ["b", "d", "a", "c"]);
}

#[test]
fn sorts_by_nested_path() {
    let recs = vec![
        json!({"n": 1, "a": {"c": "z"}}),
        json!({"n": 2, "a": {"c": "m"}}),
    ];
    let got = sort_records(recs, &[SortEntry::asc("a.c")]);
    assert_eq!(got[0]["n"], 2);
}

#[test]
fn sorts_numbers_of_mixed_representation() {
    let recs = vec![
        json!({"v": 2.5}),
        json!({"v": 2}),
        json!({"v": -1}),
        json!({"v": 10}),
    ];
    let got = sort_records(recs, &[SortEntry::asc("v")]);
    let vs: Vec<f64> = got.iter().map(|r| r["v"].as_f64().unwrap()).collect();
    assert_eq!(vs, [-1.0, 2.0, 2.5, 10.0]);
}

// ---------------------------------------------------------------- paginate_records

fn items() -> Vec<Value> {
    (1..=10).map(|i| json!(i)).collect()
}

fn nums(v: &[Value]) -> Vec<i64> {
    v.iter().map(|x| x.as_i64().unwrap()).collect()
}

#[test]
fn limit_alone_takes_the_first_items() {
    assert_eq!(nums(&paginate_records(items(), None, Some(3))), [1, 2, 3]);
}

#[test]
fn limit_beyond_length_takes_everything() {
    assert_eq!(paginate_records(items(), None, Some(100)).len(), 10);
}

#[test]
fn limit_zero_takes_nothing() {
    assert!(paginate_records(items(), None, Some(0)).is_empty());
}

#[test]
fn offset_alone_skips() {
    assert_eq!(
        nums(&paginate_records(items(), Some(3), None)),
        [4, 5, 6, 7, 8, 9, 10]
    );
}

#[test]
fn offset_beyond_length_gives_nothing() {
    assert!(paginate_records(items(), Some(100), None).is_empty());
}

#[test]
fn offset_zero_skips_nothing() {
    assert_eq!(paginate_records(items(), Some(0), None).len(), 10);
}

#[test]
fn offset_then_limit() {
    assert_eq!(
        nums(&paginate_records(items(), Some(2), Some(3))),
        [3, 4, 5]
    );
}

#[test]
fn limit_is_cut_short_near_the_end() {
    assert_eq!(nums(&paginate_records(items(), Some(8), Some(5))), [9, 10]);
}

#[test]
fn no_pagination_keeps_everything() {
    assert_eq!(paginate_records(items(), None, None).len(), 10);
}

#[test]
fn paginating_nothing_gives_nothing() {
    assert!(paginate_records(Vec::<Value>::new(), Some(0), Some(10)).is_empty());
}

#[test]
fn huge_limit_and_offset_do_not_overflow() {
    assert!(paginate_records(items(), Some(usize::MAX), Some(usize::MAX)).is_empty());
    assert_eq!(
        paginate_records(items(), Some(9), Some(usize::MAX)).len(),
        1
    );
}

// ---------------------------------------------------------------- execute_query

#[test]
fn query_with_filter_only() {
    let r = execute_query(users(), &q(json!({"filter": {"active": true}})));
    assert_eq!(r.records.len(), 3);
    assert_eq!(r.total, 3);
    assert!(r.records.iter().all(|u| u["active"] == true));
}

#[test]
fn query_with_sort_only() {
    let r = execute_query(
        users(),
        &q(json!({"sort": [{"field": "age", "direction": "asc"}]})),
    );
    let ages: Vec<i64> = r
        .records
        .iter()
        .map(|u| u["age"].as_i64().unwrap())
        .collect();
    assert_eq!(ages, [25, 28, 30, 30, 35]);
    assert_eq!(r.total, 5);
}

#[test]
fn total_counts_matches_before_limit() {
    let r = execute_query(users(), &q(json!({"limit": 2})));
    assert_eq!(r.records.len(), 2);
    assert_eq!(r.total, 5);
}

#[test]
fn filter_sort_and_limit() {
    let r = execute_query(
        users(),
        &q(json!({"filter": {"active": true}, "sort": "age", "limit": 2})),
    );
    assert_eq!(names(&r.records), ["Bob", "Diana"]);
    assert_eq!(r.total, 3);
}

#[test]
fn filter_sort_offset_and_limit() {
    let r = execute_query(
        users(),
        &q(json!({"filter": {"active": true}, "sort": "name", "offset": 1, "limit": 1})),
    );
    assert_eq!(names(&r.records), ["Bob"]);
    assert_eq!(r.total, 3);
}

#[test]
fn query_without_matches() {
    let r = execute_query(users(), &q(json!({"filter": {"age": {"$gt": 100}}})));
    assert!(r.records.is_empty());
    assert_eq!(r.total, 0);
}

#[test]
fn empty_query_returns_everything_in_order() {
    let r = execute_query(users(), &Query::default());
    assert_eq!(r.records, users());
    assert_eq!(r.total, 5);
}

#[test]
fn query_with_or() {
    let r = execute_query(
        users(),
        &q(json!({"filter": {"$or": [{"age": {"$lt": 26}}, {"age": {"$gt": 34}}]}, "sort": "age"})),
    );
    assert_eq!(names(&r.records), ["Bob", "Charlie"]);
}

#[test]
fn query_with_nin() {
    let recs = vec![
        json!({"name": "Alice", "score": 90}),
        json!({"name": "Bob", "score": 80}),
        json!({"name": "Charlie", "score": 70}),
    ];
    let r = execute_query(recs, &q(json!({"filter": {"score": {"$nin": [90, 70]}}})));
    assert_eq!(names(&r.records), ["Bob"]);
}

#[test]
fn offset_past_matches_keeps_total() {
    let r = execute_query(users(), &q(json!({"offset": 10})));
    assert!(r.records.is_empty());
    assert_eq!(r.total, 5);
}

#[test]
fn execute_by_runs_over_wrapped_records() {
    struct Row {
        id: u32,
        data: Value,
    }
    let rows: Vec<Row> = users()
        .into_iter()
        .enumerate()
        .map(|(i, data)| Row { id: i as u32, data })
        .collect();
    let r = execute_query_by(
        rows,
        &q(json!({"filter": {"active": false}, "sort": "age"})),
        |r| &r.data,
    );
    let ids: Vec<u32> = r.records.iter().map(|r| r.id).collect();
    assert_eq!(ids, [4, 2]);
    assert_eq!(r.total, 2);
}

// ---------------------------------------------------------------- find_first

#[test]
fn find_first_returns_a_match() {
    let got = find_first(users(), &q(json!({"filter": {"active": true}}))).unwrap();
    assert_eq!(got["name"], "Alice");
}

#[test]
fn find_first_follows_the_sort() {
    let got = find_first(
        users(),
        &q(json!({"filter": {"active": true}, "sort": [{"field": "age", "direction": "desc"}]})),
    )
    .unwrap();
    assert_eq!(got["name"], "Alice");
    let youngest = find_first(users(), &q(json!({"sort": "age"}))).unwrap();
    assert_eq!(youngest["name"], "Bob");
}

#[test]
fn find_first_without_match_is_none() {
    assert!(find_first(users(), &q(json!({"filter": {"age": {"$gt": 100}}}))).is_none());
}

#[test]
fn find_first_honours_offset() {
    let got = find_first(users(), &q(json!({"sort": "name", "offset": 2}))).unwrap();
    assert_eq!(got["name"], "Charlie");
}

// ---------------------------------------------------------------- count_matching

#[test]
fn count_with_filters() {
    let u = users();
    assert_eq!(
        count_matching(&u, &q(json!({"filter": {"active": true}}))),
        3
    );
    assert_eq!(
        count_matching(&u, &q(json!({"filter": {"active": false}}))),
        2
    );
}

#[test]
fn count_without_filter_counts_all() {
    assert_eq!(count_matching(&users(), &Query::default()), 5);
}

#[test]
fn count_without_matches_is_zero() {
    assert_eq!(
        count_matching(&users(), &q(json!({"filter": {"age": {"$gt": 100}}}))),
        0
    );
}

#[test]
fn count_ignores_pagination() {
    let query = q(json!({"filter": {"active": true}, "limit": 1, "offset": 10}));
    assert_eq!(count_matching(&users(), &query), 3);
}

// ---------------------------------------------------------------- realistic queries

#[test]
fn active_top_scorers() {
    let r = execute_query(
        users(),
        &q(
            json!({"filter": {"active": true, "score": {"$gte": 85}}, "sort": [{"field": "score", "direction": "desc"}]}),
        ),
    );
    assert_eq!(names(&r.records), ["Bob", "Diana", "Alice"]);
}

#[test]
fn paging_through_everything() {
    let page = |offset: usize| {
        execute_query(
            users(),
            &Query::new()
                .sort(SortEntry::asc("name"))
                .limit(2)
                .offset(offset),
        )
    };
    let (p1, p2, p3) = (page(0), page(2), page(4));
    assert_eq!(names(&p1.records), ["Alice", "Bob"]);
    assert_eq!(names(&p2.records), ["Charlie", "Diana"]);
    assert_eq!(names(&p3.records), ["Eve"]);
    assert_eq!(p1.total, 5);
    assert_eq!(p3.total, 5);
}

#[test]
fn date_range_with_and() {
    let r = execute_query(
        users(),
        &q(json!({
            "filter": {"$and": [{"createdAt": {"$gte": "2024-02-01"}}, {"createdAt": {"$lt": "2024-03-01"}}]},
            "sort": "createdAt"
        })),
    );
    assert_eq!(names(&r.records), ["Eve", "Bob"]);
}

#[test]
fn shorthand_sort_with_filter() {
    let r = execute_query(
        users(),
        &q(json!({"filter": {"active": true}, "sort": "age"})),
    );
    assert_eq!(names(&r.records), ["Bob", "Diana", "Alice"]);
}

#[test]
fn shorthand_sort_with_pagination() {
    let r = execute_query(
        users(),
        &q(json!({"sort": "name", "limit": 2, "offset": 1})),
    );
    assert_eq!(names(&r.records), ["Bob", "Charlie"]);
    assert_eq!(r.total, 5);
}

#[test]
fn built_filter_runs_like_parsed_one() {
    let built = Query::new().filter(Filter::eq("active", false));
    let parsed = q(json!({"filter": {"active": false}}));
    assert_eq!(
        execute_query(users(), &built),
        execute_query(users(), &parsed)
    );
}
