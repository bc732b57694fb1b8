//! The SQLite backend on its own: layout, names, transactions, index scans.

use less_db::error::{LessDbError, StorageError};
use less_db::index::types::{
    FieldIndex, IndexDefinition, IndexField, IndexScan, IndexScanType, RangeBound, SortDirection,
};
use less_db::storage::sqlite::{ScanWindow, SqliteBackend};
use less_db::types::SerializedRecord;
use serde_json::{Value, json};

fn field_index(
    name: &str,
    fields: &[(&str, SortDirection)],
    unique: bool,
    sparse: bool,
) -> IndexDefinition {
    IndexDefinition::Field(FieldIndex {
        name: name.to_string(),
        fields: fields
            .iter()
            .map(|(f, d)| IndexField {
                field: (*f).to_string(),
                order: *d,
            })
            .collect(),
        unique,
        sparse,
    })
}

fn asc(name: &str, field: &str) -> IndexDefinition {
    field_index(name, &[(field, SortDirection::Asc)], false, false)
}

fn record(collection: &str, id: &str, data: Value) -> SerializedRecord {
    SerializedRecord {
        id: id.to_string(),
        collection: collection.to_string(),
        version: 1,
        data,
        crdt: vec![7, 7],
        pending_patches: vec![],
        sequence: -1,
        dirty: false,
        deleted: false,
        deleted_at: None,
        meta: None,
        computed: None,
    }
}

fn scan(
    index: &IndexDefinition,
    equality: Vec<Value>,
    lower: Option<RangeBound>,
    upper: Option<RangeBound>,
    in_values: Option<Vec<Value>>,
    direction: SortDirection,
) -> IndexScan {
    IndexScan {
        index: index.clone(),
        scan_type: IndexScanType::Range,
        equality,
        lower,
        upper,
        in_values,
        direction,
    }
}

fn bound(value: Value, inclusive: bool) -> Option<RangeBound> {
    Some(RangeBound { value, inclusive })
}

fn backend_with(collection: &str, indexes: &[IndexDefinition]) -> SqliteBackend {
    let b = SqliteBackend::open_in_memory().unwrap();
    b.register_collection(collection, indexes).unwrap();
    b
}

fn ids(records: &[SerializedRecord]) -> Vec<&str> {
    records.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn stored_json_keeps_its_key_order() {
    let b = backend_with("notes", &[]);
    b.put_record(&record(
        "notes",
        "n1",
        json!({"zebra": 1, "apple": {"y": 2, "b": 3}, "mango": [3, 1]}),
    ))
    .unwrap();
    let back = b.get_record("notes", "n1").unwrap().unwrap();
    assert_eq!(
        serde_json::to_string(&back.data).unwrap(),
        r#"{"zebra":1,"apple":{"y":2,"b":3},"mango":[3,1]}"#
    );
}

#[test]
fn every_column_round_trips() {
    let b = backend_with("notes", &[]);
    let mut r = record("notes", "n1", json!({"t": "x"}));
    r.version = 3;
    r.crdt = vec![1, 2, 3];
    r.pending_patches = vec![4, 5];
    r.sequence = 42;
    r.dirty = true;
    r.deleted = true;
    r.deleted_at = Some("2024-05-01T10:00:00.000Z".into());
    r.meta = Some(json!({"source": "test"}));
    r.computed = Some(json!({"lower": "x"}));
    b.put_record(&r).unwrap();
    assert_eq!(b.get_record("notes", "n1").unwrap().unwrap(), r);
}

#[test]
fn unregistered_collections_are_a_typed_error() {
    let b = backend_with("notes", &[]);
    for result in [
        b.get_record("ghosts", "x").map(|_| ()),
        b.put_record(&record("ghosts", "x", json!({}))),
        b.count_live("ghosts").map(|_| ()),
    ] {
        assert!(
            matches!(result, Err(LessDbError::Storage(StorageError::CollectionNotRegistered(ref c))) if c == "ghosts"),
            "{result:?}"
        );
    }
}

#[test]
fn names_that_could_inject_sql_are_rejected_before_any_sql_runs() {
    let b = backend_with("notes", &[]);
    for bad in [
        "notes; DROP TABLE records_notes",
        "a\"b",
        "x' OR '1'='1",
        "",
        "1abc",
        "a b",
    ] {
        assert!(
            b.register_collection(bad, &[]).is_err(),
            "collection {bad:?}"
        );
    }
    for bad_field in ["a') IS NULL; --", "a b", "a..b", "$.x"] {
        let idx = asc("ok", bad_field);
        assert!(
            b.register_collection("notes2", &[idx]).is_err(),
            "field {bad_field:?}"
        );
    }
    assert!(
        b.register_collection("notes3", &[asc("bad name", "f")])
            .is_err()
    );
    // A bad index passed straight to a scan is rejected too.
    let evil = asc("x", "a') OR 1=1 --");
    let range = scan(&evil, vec![json!(1)], None, None, None, SortDirection::Asc);
    assert!(
        b.scan_index("notes", &range, &ScanWindow::default())
            .is_err()
    );
    // Nothing was damaged.
    b.put_record(&record("notes", "n", json!({}))).unwrap();
    assert_eq!(b.count_live("notes").unwrap(), 1);
    assert!(!b.has_collection("notes2"));
    assert_eq!(b.integrity_check().unwrap(), "ok");
}

#[test]
fn values_are_bound_never_interpolated() {
    let idx = asc("by_title", "title");
    let b = backend_with("notes", std::slice::from_ref(&idx));
    let sneaky = "'); DELETE FROM records_notes; --";
    b.put_record(&record("notes", sneaky, json!({"title": sneaky})))
        .unwrap();
    let range = scan(
        &idx,
        vec![json!(sneaky)],
        None,
        None,
        None,
        SortDirection::Asc,
    );
    let found = b
        .scan_index("notes", &range, &ScanWindow::default())
        .unwrap()
        .unwrap();
    assert_eq!(ids(&found), vec![sneaky]);
    assert_eq!(b.count_live("notes").unwrap(), 1);
}

#[test]
fn nested_transaction_failure_rolls_back_only_the_inner_part() {
    let b = backend_with("notes", &[]);
    b.run_in_transaction(|b| {
        b.put_record(&record("notes", "outer", json!({})))?;
        let inner: Result<(), LessDbError> = b.run_in_transaction(|b| {
            b.put_record(&record("notes", "inner", json!({})))?;
            Err(LessDbError::Internal("inner fails".into()))
        });
        assert!(inner.is_err());
        Ok(())
    })
    .unwrap();
    assert!(b.get_record("notes", "outer").unwrap().is_some());
    assert!(b.get_record("notes", "inner").unwrap().is_none());

    let failed: Result<(), LessDbError> = b.run_in_transaction(|b| {
        b.put_record(&record("notes", "gone", json!({})))?;
        Err(LessDbError::Internal("outer fails".into()))
    });
    assert!(failed.is_err());
    assert!(b.get_record("notes", "gone").unwrap().is_none());
}

#[test]
fn a_failing_record_in_put_records_writes_nothing() {
    let b = backend_with("notes", &[]);
    let batch = vec![
        record("notes", "a", json!({})),
        record("ghosts", "b", json!({})),
    ];
    assert!(b.put_records(&batch).is_err());
    assert_eq!(b.count_live("notes").unwrap(), 0);
}

#[test]
fn upsert_keeps_insertion_order_of_scans() {
    let b = backend_with("notes", &[]);
    for id in ["c", "a", "b"] {
        b.put_record(&record("notes", id, json!({"v": 1}))).unwrap();
    }
    b.put_record(&record("notes", "c", json!({"v": 2})))
        .unwrap();
    let all = b.scan_records("notes", false, None, 0).unwrap();
    assert_eq!(ids(&all), vec!["c", "a", "b"]);
    assert_eq!(all[0].data["v"], 2);
    let page = b.scan_records("notes", false, Some(1), 1).unwrap();
    assert_eq!(ids(&page), vec!["a"]);
}

#[test]
fn tombstones_are_hidden_from_live_scans_and_counts() {
    let b = backend_with("notes", &[asc("by_n", "n")]);
    let mut dead = record("notes", "dead", json!({"n": 1}));
    dead.deleted = true;
    b.put_record(&dead).unwrap();
    b.put_record(&record("notes", "live", json!({"n": 1})))
        .unwrap();
    assert_eq!(b.count_live("notes").unwrap(), 1);
    assert_eq!(
        ids(&b.scan_records("notes", false, None, 0).unwrap()),
        vec!["live"]
    );
    assert_eq!(b.scan_records("notes", true, None, 0).unwrap().len(), 2);
}

fn scored(b: &SqliteBackend) {
    for (i, score) in [50, 10, 30, 20, 40, 30].iter().enumerate() {
        b.put_record(&record(
            "games",
            &format!("g{i}"),
            json!({"score": score, "team": if i % 2 == 0 { "red" } else { "blue" }}),
        ))
        .unwrap();
    }
}

#[test]
fn range_scans_honour_bounds_order_limit_and_offset() {
    let idx = asc("by_score", "score");
    let b = backend_with("games", std::slice::from_ref(&idx));
    scored(&b);
    let range = scan(
        &idx,
        vec![],
        bound(json!(20), false),
        bound(json!(50), true),
        None,
        SortDirection::Asc,
    );
    let asc_all = b
        .scan_index(
            "games",
            &range,
            &ScanWindow {
                ordered: true,
                limit: None,
                offset: 0,
            },
        )
        .unwrap()
        .unwrap();
    let scores: Vec<i64> = asc_all
        .iter()
        .map(|r| r.data["score"].as_i64().unwrap())
        .collect();
    assert_eq!(scores, vec![30, 30, 40, 50]);
    // Ties keep insertion order.
    assert_eq!(ids(&asc_all)[..2], ["g2", "g5"]);
    let backwards = IndexScan {
        direction: SortDirection::Desc,
        ..range.clone()
    };
    let desc_page = b
        .scan_index(
            "games",
            &backwards,
            &ScanWindow {
                ordered: true,
                limit: Some(2),
                offset: 1,
            },
        )
        .unwrap()
        .unwrap();
    let scores: Vec<i64> = desc_page
        .iter()
        .map(|r| r.data["score"].as_i64().unwrap())
        .collect();
    assert_eq!(scores, vec![40, 30]);
    assert_eq!(b.count_index("games", &range).unwrap(), Some(4));
}

#[test]
fn compound_index_equality_prefix_then_range_and_in_lists() {
    let idx = field_index(
        "by_team_score",
        &[("team", SortDirection::Asc), ("score", SortDirection::Desc)],
        false,
        false,
    );
    let b = backend_with("games", std::slice::from_ref(&idx));
    scored(&b);
    let range = scan(
        &idx,
        vec![json!("red")],
        bound(json!(20), true),
        None,
        None,
        SortDirection::Asc,
    );
    let rows = b
        .scan_index(
            "games",
            &range,
            &ScanWindow {
                ordered: true,
                limit: None,
                offset: 0,
            },
        )
        .unwrap()
        .unwrap();
    // Index order of `score` is descending.
    let scores: Vec<i64> = rows
        .iter()
        .map(|r| r.data["score"].as_i64().unwrap())
        .collect();
    assert_eq!(scores, vec![50, 40, 30]);

    let in_list = scan(
        &idx,
        vec![],
        None,
        None,
        Some(vec![json!("blue"), json!(null)]),
        SortDirection::Asc,
    );
    assert_eq!(b.count_index("games", &in_list).unwrap(), Some(3));

    let too_long = scan(
        &idx,
        vec![json!("red"), json!(1), json!(2)],
        None,
        None,
        None,
        SortDirection::Asc,
    );
    assert!(
        b.scan_index("games", &too_long, &ScanWindow::default())
            .unwrap()
            .is_none()
    );
}

#[test]
fn unique_checks_treat_null_as_a_value_unless_sparse() {
    let strict = field_index("u_nick", &[("nick", SortDirection::Asc)], true, false);
    let sparse = field_index("s_nick", &[("nick", SortDirection::Asc)], true, true);
    let b = backend_with("people", &[strict.clone(), sparse.clone()]);
    b.put_record(&record("people", "p1", json!({"nick": null})))
        .unwrap();
    b.put_record(&record("people", "p2", json!({"nick": "ace"})))
        .unwrap();

    let err = b
        .check_unique_value("people", &strict, &json!({}), None, None)
        .unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::UniqueConstraint { ref existing_id, ref index, .. }) if existing_id == "p1" && index == "u_nick"
    ));
    b.check_unique_value("people", &sparse, &json!({}), None, None)
        .unwrap();
    b.check_unique_value("people", &strict, &json!({"nick": "ace"}), None, Some("p2"))
        .unwrap();
    let err = b
        .check_unique_value("people", &strict, &json!({"nick": "ace"}), None, Some("p1"))
        .unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::UniqueConstraint { ref value, .. }) if value == &json!("ace")
    ));
    // Tombstones do not hold values.
    let mut gone = record("people", "p2", json!({"nick": "ace"}));
    gone.deleted = true;
    b.put_record(&gone).unwrap();
    b.check_unique_value("people", &strict, &json!({"nick": "ace"}), None, None)
        .unwrap();
}

#[test]
fn compound_unique_conflicts_report_every_value() {
    let idx = field_index(
        "u_ab",
        &[("a", SortDirection::Asc), ("b.c", SortDirection::Asc)],
        true,
        false,
    );
    let b = backend_with("pairs", std::slice::from_ref(&idx));
    b.put_record(&record("pairs", "x", json!({"a": 1, "b": {"c": true}})))
        .unwrap();
    b.check_unique_value(
        "pairs",
        &idx,
        &json!({"a": 1, "b": {"c": false}}),
        None,
        None,
    )
    .unwrap();
    let err = b
        .check_unique_value(
            "pairs",
            &idx,
            &json!({"a": 1, "b": {"c": true}}),
            None,
            None,
        )
        .unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::UniqueConstraint { ref value, .. }) if value == &json!([1, true])
    ));
}

#[test]
fn purge_by_age_spares_recent_and_undated_tombstones() {
    let b = backend_with("notes", &[]);
    for (id, at) in [
        ("old", Some("2000-01-01T00:00:00Z")),
        ("new", Some("2999-01-01T00:00:00.000Z")),
        ("undated", None),
    ] {
        let mut r = record("notes", id, json!({}));
        r.deleted = true;
        r.deleted_at = at.map(String::from);
        b.put_record(&r).unwrap();
    }
    b.put_record(&record("notes", "live", json!({}))).unwrap();
    let cutoff = Some("2020-01-01T00:00:00.000Z");
    assert_eq!(b.purge_tombstones("notes", cutoff, true).unwrap(), 1);
    assert_eq!(b.scan_records("notes", true, None, 0).unwrap().len(), 4);
    assert_eq!(b.purge_tombstones("notes", cutoff, false).unwrap(), 1);
    assert!(b.get_record("notes", "old").unwrap().is_none());
    assert_eq!(b.purge_tombstones("notes", None, false).unwrap(), 2);
    assert_eq!(
        ids(&b.scan_records("notes", true, None, 0).unwrap()),
        vec!["live"]
    );
}

#[test]
fn meta_values_round_trip_and_overwrite() {
    let b = SqliteBackend::open_in_memory().unwrap();
    assert_eq!(b.meta("k").unwrap(), None);
    b.set_meta_value("k", "1").unwrap();
    b.set_meta_value("k", "2").unwrap();
    assert_eq!(b.meta("k").unwrap().as_deref(), Some("2"));
}

#[test]
fn reopening_a_file_upgrades_indexes_and_keeps_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    {
        let b = SqliteBackend::open(&path).unwrap();
        b.register_collection("games", &[asc("by_score", "score")])
            .unwrap();
        scored(&b);
    }
    let b = SqliteBackend::open(&path).unwrap();
    // `by_score` changes its field, `by_team` is new.
    let by_score = asc("by_score", "team");
    let by_team = asc("by_team", "team");
    b.register_collection("games", &[by_score.clone(), by_team])
        .unwrap();
    assert_eq!(b.count_live("games").unwrap(), 6);
    let range = scan(
        &by_score,
        vec![json!("red")],
        None,
        None,
        None,
        SortDirection::Asc,
    );
    assert_eq!(b.count_index("games", &range).unwrap(), Some(3));
    assert_eq!(b.integrity_check().unwrap(), "ok");
}

#[test]
fn an_older_table_missing_columns_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE records_notes (id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL DEFAULT 1, data TEXT NOT NULL);
             INSERT INTO records_notes (id, data) VALUES ('n1', '{\"b\":1,\"a\":2}');",
        )
        .unwrap();
    }
    let b = SqliteBackend::open(&path).unwrap();
    b.register_collection("notes", &[]).unwrap();
    let r = b.get_record("notes", "n1").unwrap().unwrap();
    assert_eq!(serde_json::to_string(&r.data).unwrap(), r#"{"b":1,"a":2}"#);
    assert_eq!(r.sequence, -1);
    assert_eq!(b.count_live("notes").unwrap(), 1);
    assert!(!r.deleted && r.crdt.is_empty() && r.computed.is_none());
}

#[test]
fn corrupt_stored_json_is_a_corruption_error_naming_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    {
        let b = SqliteBackend::open(&path).unwrap();
        b.register_collection("notes", &[]).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO records_notes (id, data) VALUES ('bad', '{not json')",
            [],
        )
        .unwrap();
    }
    let b = SqliteBackend::open(&path).unwrap();
    b.register_collection("notes", &[]).unwrap();
    let err = b.get_record("notes", "bad").unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Storage(StorageError::Corruption { ref id, ref field, .. }) if id == "bad" && field == "data"
    ));
}

/// One field holding every JSON type, to check that scans select by JSON type the way
/// the query engine compares (true is not 1, text is not a number, "[1]" is not [1]).
fn mixed(b: &SqliteBackend) {
    let values = [
        ("t", json!(true)),
        ("f", json!(false)),
        ("one", json!(1)),
        ("one_f", json!(1.0)),
        ("zero", json!(0)),
        ("five", json!(5)),
        ("s1", json!("1")),
        ("sarr", json!("[1]")),
        ("sabc", json!("abc")),
        ("arr", json!([1])),
        ("obj", json!({"a": 1})),
        ("null", json!(null)),
    ];
    for (id, v) in values {
        b.put_record(&record("mixed", id, json!({ "v": v })))
            .unwrap();
    }
    b.put_record(&record("mixed", "missing", json!({})))
        .unwrap();
}

fn sorted_ids(mut v: Vec<SerializedRecord>) -> Vec<String> {
    let mut ids: Vec<String> = v.drain(..).map(|r| r.id).collect();
    ids.sort();
    ids
}

#[test]
fn scans_select_by_json_type_like_the_query_engine() {
    let idx = asc("by_v", "v");
    let b = backend_with("mixed", std::slice::from_ref(&idx));
    mixed(&b);
    let run = |s: IndexScan| {
        let rows = b
            .scan_index("mixed", &s, &ScanWindow::default())
            .unwrap()
            .unwrap();
        assert_eq!(b.count_index("mixed", &s).unwrap(), Some(rows.len()));
        sorted_ids(rows)
    };
    let eq = |v: Value| scan(&idx, vec![v], None, None, None, SortDirection::Asc);
    assert_eq!(run(eq(json!(true))), vec!["t"]);
    assert_eq!(run(eq(json!(false))), vec!["f"]);
    assert_eq!(run(eq(json!(1))), vec!["one", "one_f"]);
    assert_eq!(run(eq(json!(0))), vec!["zero"]);
    assert_eq!(run(eq(json!("[1]"))), vec!["sarr"]);
    assert_eq!(run(eq(json!(null))), vec!["missing", "null"]);
    let range = |lo: Option<RangeBound>, hi: Option<RangeBound>| {
        scan(&idx, vec![], lo, hi, None, SortDirection::Asc)
    };
    assert_eq!(
        run(range(bound(json!(0), false), None)),
        vec!["five", "one", "one_f"]
    );
    assert_eq!(
        run(range(None, bound(json!(3), true))),
        vec!["one", "one_f", "zero"]
    );
    assert_eq!(run(range(bound(json!(2), true), None)), vec!["five"]);
    assert_eq!(
        run(range(None, bound(json!("b"), false))),
        vec!["s1", "sabc", "sarr"]
    );
    assert_eq!(run(range(bound(json!("a"), true), None)), vec!["sabc"]);
    let one_of = scan(
        &idx,
        vec![],
        None,
        None,
        Some(vec![json!(true), json!(5), json!(null), json!("[1]")]),
        SortDirection::Asc,
    );
    assert_eq!(run(one_of), vec!["five", "missing", "null", "sarr", "t"]);
}

#[test]
fn ordered_scans_break_ties_by_insertion_order_in_both_directions() {
    let idx = asc("by_score", "score");
    let b = backend_with("games", std::slice::from_ref(&idx));
    scored(&b);
    let window = ScanWindow {
        ordered: true,
        limit: None,
        offset: 0,
    };
    let desc = scan(&idx, vec![], None, None, None, SortDirection::Desc);
    let rows = b.scan_index("games", &desc, &window).unwrap().unwrap();
    assert_eq!(ids(&rows), vec!["g0", "g4", "g2", "g5", "g3", "g1"]);
}

#[test]
fn the_live_count_follows_inserts_tombstones_revivals_and_purges() {
    let b = backend_with("notes", &[]);
    let mut r = record("notes", "a", json!({}));
    b.put_records(&[
        r.clone(),
        record("notes", "b", json!({})),
        record("notes", "c", json!({})),
    ])
    .unwrap();
    assert_eq!(b.count_live("notes").unwrap(), 3);
    r.deleted = true;
    b.put_record(&r).unwrap();
    b.put_record(&r).unwrap();
    assert_eq!(b.count_live("notes").unwrap(), 2);
    b.purge_tombstones("notes", None, false).unwrap();
    assert_eq!(b.count_live("notes").unwrap(), 2);
    b.put_record(&record("notes", "a", json!({}))).unwrap();
    assert_eq!(b.count_live("notes").unwrap(), 3);
    let failed: Result<(), LessDbError> = b.run_in_transaction(|b| {
        b.put_record(&record("notes", "d", json!({})))?;
        Err(LessDbError::Internal("no".into()))
    });
    assert!(failed.is_err());
    assert_eq!(b.count_live("notes").unwrap(), 3);
    assert_eq!(b.scan_records("notes", false, None, 0).unwrap().len(), 3);
}
