//! Several middleware at once: write hooks in order, read hooks in reverse, metadata
//! merged, query filters combined.

use std::sync::Arc;

use less_db::collection::CollectionDef;
use less_db::middleware::{MetaFilter, Middleware, Reject, TypedAdapter, WriteContext};
use less_db::query::Query;
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::common::*;

/// Appends its name to `title` on write and to `_trail` on read, and logs calls.
struct Layer {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Middleware for Layer {
    fn before_write(&self, _ctx: &WriteContext<'_>, mut data: Value) -> Result<Value, Reject> {
        self.log.lock().push(format!("write:{}", self.name));
        let t = data["title"].as_str().unwrap_or_default().to_string();
        data["title"] = json!(format!("{t}+{}", self.name));
        Ok(data)
    }

    fn on_write(&self, _ctx: &WriteContext<'_>) -> Result<Option<Value>, Reject> {
        Ok(Some(json!({ self.name: true, "last": self.name })))
    }

    fn on_read(&self, _def: &CollectionDef, mut data: Value, _meta: Option<&Value>) -> Value {
        self.log.lock().push(format!("read:{}", self.name));
        let trail = data["_trail"].as_str().unwrap_or_default().to_string();
        data["_trail"] = json!(format!("{trail}{}", self.name));
        data
    }

    fn on_query(&self, _def: &CollectionDef, _options: &Value) -> Option<MetaFilter> {
        let name = self.name;
        Some(Box::new(move |meta| {
            meta.and_then(|m| m.get(name)).is_some()
        }))
    }
}

fn stacked(log: &Arc<Mutex<Vec<String>>>) -> Typed {
    TypedAdapter::new(reactive())
        .with(Layer {
            name: "a",
            log: Arc::clone(log),
        })
        .with(Layer {
            name: "b",
            log: Arc::clone(log),
        })
}

#[test]
fn writes_run_in_order_and_reads_in_reverse() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let db = stacked(&log);
    assert_eq!(db.middleware_count(), 2);
    let r = put(&db, "t", false, None);
    assert_eq!(stored(&db, &r.id).data["title"], json!("t+a+b"));
    assert_eq!(r.data["_trail"], json!("ba"));
    assert_eq!(
        log.lock().clone(),
        vec!["write:a", "write:b", "read:b", "read:a"]
    );
}

#[test]
fn metadata_from_every_layer_is_merged_later_layers_winning() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let db = stacked(&log);
    let r = put(&db, "t", false, None);
    assert_eq!(
        stored(&db, &r.id).meta,
        Some(json!({ "a": true, "last": "b", "b": true }))
    );
}

#[test]
fn every_layer_s_query_filter_must_accept_a_record() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let db = stacked(&log);
    put(&db, "t", false, None);
    // A record written without the stack has neither key.
    use less_db::storage::traits::StorageWrite;
    db.inner()
        .put(
            &todos(),
            json!({ "title": "raw", "done": false }),
            &put_opts(),
        )
        .unwrap();
    let all = db.query(&todos(), &Query::new(), None).unwrap();
    assert_eq!(all.total, 1);
    assert_eq!(db.count(&todos(), None, None).unwrap(), 1);
}

/// A layer that rejects everything: nothing after it runs.
struct Wall;
impl Middleware for Wall {
    fn before_write(&self, _ctx: &WriteContext<'_>, _data: Value) -> Result<Value, Reject> {
        Err(Reject::new("closed"))
    }
}

#[test]
fn a_rejection_stops_the_layers_after_it() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let db = TypedAdapter::new(reactive()).with(Wall).with(Layer {
        name: "late",
        log: Arc::clone(&log),
    });
    let err = db
        .put(
            &todos(),
            json!({ "title": "t", "done": false }),
            None,
            &put_opts(),
        )
        .unwrap_err();
    assert!(err.is_rejection());
    assert!(log.lock().is_empty());
}

#[test]
fn clones_share_the_adapter_and_the_stack() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let db = stacked(&log);
    let other = db.clone();
    let r = put(&other, "t", false, None);
    assert!(
        db.get(&todos(), &r.id, &Default::default())
            .unwrap()
            .is_some()
    );
    assert!(Arc::ptr_eq(&db.shared(), &other.shared()));
}
