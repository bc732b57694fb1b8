//! Subscriptions through the stack: observed records and query results come through
//! the read hooks and the query filters.

use std::sync::Arc;

use less_db::middleware::TypedAdapter;
use less_db::query::{Query, SortEntry};
use less_db::storage::traits::StorageWrite;
use less_db::types::{DeleteOptions, PatchOptions};
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::common::*;

type Seen = Arc<Mutex<Vec<Option<Value>>>>;

fn watch(db: &Typed, id: &str) -> (Seen, less_db::reactive::Subscription) {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let sub = db.observe(&todos(), id, move |r| {
        sink.lock().push(r.map(|r| r.data.clone()))
    });
    (seen, sub)
}

#[test]
fn observed_records_are_enriched() {
    let db = typed();
    let r = put(&db, "watched", false, Some(&space("s1")));
    let (seen, _s) = watch(&db, &r.id);
    db.flush();
    let first = seen.lock()[0].clone().unwrap();
    assert_eq!(
        (first["_spaceId"].clone(), first["title"].clone()),
        (json!("s1"), json!("watched"))
    );
}

#[test]
fn observers_follow_patches_and_deletes() {
    let db = typed();
    let r = put(&db, "before", false, Some(&space("s1")));
    let (seen, _s) = watch(&db, &r.id);
    db.flush();
    db.patch(
        &todos(),
        json!({ "id": r.id, "title": "after" }),
        None,
        &PatchOptions::default(),
    )
    .unwrap();
    db.flush();
    let last = seen.lock().last().cloned().unwrap().unwrap();
    assert_eq!(
        (last["title"].clone(), last["_spaceId"].clone()),
        (json!("after"), json!("s1"))
    );
    db.delete(&todos(), &r.id, None, &DeleteOptions::default())
        .unwrap();
    db.flush();
    assert_eq!(seen.lock().last().cloned().unwrap(), None);
    assert_eq!(seen.lock().len(), 3);
}

type Pages = Arc<Mutex<Vec<(Vec<String>, usize, Vec<Value>)>>>;

fn watch_query(
    db: &Typed,
    q: Query,
    opts: Option<&Value>,
) -> (Pages, less_db::reactive::Subscription) {
    let pages: Pages = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&pages);
    let sub = db.observe_query(&todos(), q, opts, move |r| {
        sink.lock().push((
            r.records
                .iter()
                .map(|r| r.data["title"].as_str().unwrap().to_string())
                .collect(),
            r.total,
            r.records
                .iter()
                .map(|r| r.data["_spaceId"].clone())
                .collect(),
        ))
    });
    (pages, sub)
}

#[test]
fn observed_queries_are_enriched() {
    let db = typed();
    put(&db, "a", false, Some(&space("s1")));
    let (pages, _s) = watch_query(&db, Query::new(), None);
    db.flush();
    assert_eq!(
        pages.lock()[0],
        (vec!["a".to_string()], 1, vec![json!("s1")])
    );
}

#[test]
fn observed_queries_see_only_their_space_and_page_after_filtering() {
    let db = typed();
    put(&db, "a1", false, Some(&space("A")));
    put(&db, "b1", false, Some(&space("B")));
    put(&db, "a2", false, Some(&space("A")));
    let q = Query::new().sort(SortEntry::asc("title")).limit(1);
    let (pages, _s) = watch_query(&db, q, Some(&space("A")));
    db.flush();
    assert_eq!(
        pages.lock().last().cloned().unwrap().0,
        vec!["a1".to_string()]
    );
    assert_eq!(pages.lock().last().cloned().unwrap().1, 2);
    put(&db, "a0", false, Some(&space("A")));
    db.flush();
    let last = pages.lock().last().cloned().unwrap();
    assert_eq!((last.0, last.1), (vec!["a0".to_string()], 3));
}

#[test]
fn unsubscribing_through_the_typed_adapter_stops_delivery() {
    let db = typed();
    let (pages, sub) = watch_query(&db, Query::new(), None);
    db.flush();
    drop(sub);
    put(&db, "x", false, None);
    assert_eq!(db.flush(), 0);
    assert_eq!(pages.lock().len(), 1);
}

#[test]
fn writes_bypassing_the_stack_still_reach_typed_subscribers() {
    let db = typed();
    let (pages, _s) = watch_query(&db, Query::new(), None);
    db.flush();
    let shared = db.shared();
    shared
        .put(
            &todos(),
            json!({ "title": "from sync", "done": false }),
            &put_opts(),
        )
        .unwrap();
    db.flush();
    let last = pages.lock().last().cloned().unwrap();
    assert_eq!(last.0, vec!["from sync".to_string()]);
    assert_eq!(
        last.2,
        vec![json!("personal")],
        "still enriched on the way out"
    );
}

#[test]
fn typed_adapters_over_one_shared_adapter_see_each_other() {
    let shared = Arc::new(reactive());
    let one = TypedAdapter::from_shared(Arc::clone(&shared)).with(Spaces {
        personal: "p".into(),
    });
    let two = TypedAdapter::from_shared(shared);
    let (seen, _s) = {
        let seen: Seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let s = two.observe(&todos(), "x", move |r| {
            sink.lock().push(r.map(|r| r.data.clone()))
        });
        (seen, s)
    };
    two.flush();
    one.put(
        &todos(),
        json!({ "id": "x", "title": "t", "done": false }),
        Some(&space("s")),
        &put_opts(),
    )
    .unwrap();
    two.flush();
    let last = seen.lock().last().cloned().unwrap().unwrap();
    assert!(
        last.get("_spaceId").is_none(),
        "the second stack has no read hook"
    );
    assert_eq!(last["title"], json!("t"));
}
