//! Each hook on its own: rewriting data, rejecting writes, after-write notices, and
//! middleware that implement only some hooks.

use std::sync::Arc;

use less_db::collection::CollectionDef;
use less_db::middleware::{
    Middleware, MiddlewareError, Reject, TypedAdapter, WriteContext, WriteOp,
};
use less_db::query::{Filter, Query};
use less_db::reactive::ChangeEvent;
use less_db::types::{DeleteOptions, GetOptions, PatchOptions, StoredRecordWithMeta};
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::common::*;

/// Trims titles, refuses empty ones, and refuses to delete records whose id starts
/// with `keep-`.
struct Guard;

impl Middleware for Guard {
    fn before_write(&self, _ctx: &WriteContext<'_>, mut data: Value) -> Result<Value, Reject> {
        if let Some(title) = data.get("title").and_then(Value::as_str) {
            let trimmed = title.trim().to_string();
            if trimmed.is_empty() {
                return Err(Reject::new("title must not be empty"));
            }
            data["title"] = json!(trimmed);
        }
        Ok(data)
    }

    fn before_delete(&self, ctx: &WriteContext<'_>) -> Result<(), Reject> {
        match ctx.id {
            Some(id) if id.starts_with("keep-") => Err(Reject::new("protected record")),
            _ => Ok(()),
        }
    }
}

fn guarded() -> Typed {
    TypedAdapter::new(reactive()).with(Guard)
}

fn put_id(db: &Typed, id: &str, title: &str) -> Result<StoredRecordWithMeta, MiddlewareError> {
    db.put(
        &todos(),
        json!({ "id": id, "title": title, "done": false }),
        None,
        &put_opts(),
    )
}

#[test]
fn before_write_rewrites_the_stored_data() {
    let db = guarded();
    let r = put_id(&db, "a", "  padded  ").unwrap();
    assert_eq!(r.data["title"], json!("padded"));
    assert_eq!(stored(&db, "a").data["title"], json!("padded"));
    db.patch(
        &todos(),
        json!({ "title": " again " }),
        None,
        &PatchOptions {
            id: "a".into(),
            ..patch_opts()
        },
    )
    .unwrap();
    assert_eq!(stored(&db, "a").data["title"], json!("again"));
}

#[test]
fn a_rejected_put_is_a_typed_error_and_writes_nothing() {
    let db = guarded();
    let events = Arc::new(Mutex::new(Vec::<ChangeEvent>::new()));
    let sink = Arc::clone(&events);
    let _l = db.inner().on_change(move |e| sink.lock().push(e.clone()));
    let err = put_id(&db, "a", "   ").unwrap_err();
    match &err {
        MiddlewareError::Rejected {
            collection,
            op,
            id,
            reason,
        } => {
            assert_eq!(collection, "todos");
            assert_eq!(*op, WriteOp::Put);
            assert_eq!(id.as_deref(), Some("a"));
            assert_eq!(reason, "title must not be empty");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "put in todos rejected for a: title must not be empty"
    );
    assert!(
        db.get(&todos(), "a", &GetOptions::default())
            .unwrap()
            .is_none()
    );
    assert!(
        events.lock().is_empty(),
        "no change event for a rejected write"
    );
}

#[test]
fn a_rejected_patch_leaves_the_record_as_it_was() {
    let db = guarded();
    put_id(&db, "a", "ok").unwrap();
    let err = db
        .patch(
            &todos(),
            json!({ "id": "a", "title": "" }),
            None,
            &patch_opts(),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        MiddlewareError::Rejected {
            op: WriteOp::Patch,
            ..
        }
    ));
    assert_eq!(stored(&db, "a").data["title"], json!("ok"));
}

#[test]
fn a_rejected_delete_keeps_the_record() {
    let db = guarded();
    put_id(&db, "keep-1", "x").unwrap();
    let err = db
        .delete(&todos(), "keep-1", None, &DeleteOptions::default())
        .unwrap_err();
    assert!(matches!(
        err,
        MiddlewareError::Rejected {
            op: WriteOp::Delete,
            ..
        }
    ));
    assert!(!stored(&db, "keep-1").deleted);
}

#[test]
fn storage_errors_pass_through_as_storage() {
    let db = guarded();
    let err = db
        .patch(
            &todos(),
            json!({ "id": "missing", "title": "x" }),
            None,
            &patch_opts(),
        )
        .unwrap_err();
    assert!(matches!(err, MiddlewareError::Storage(_)));
    assert!(!err.is_rejection());
}

#[test]
fn bulk_put_reports_rejections_at_their_positions_and_writes_the_rest() {
    let db = guarded();
    let out = db
        .bulk_put(
            &todos(),
            vec![
                json!({ "id": "a", "title": "a", "done": false }),
                json!({ "id": "b", "title": " ", "done": false }),
                json!({ "id": "c", "title": 5, "done": false }),
                json!({ "id": "d", "title": "d", "done": false }),
            ],
            None,
            &put_opts(),
        )
        .unwrap();
    let written: Vec<&str> = out.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(written, vec!["a", "d"]);
    let failed: Vec<(String, Option<usize>)> =
        out.errors.iter().map(|e| (e.id.clone(), e.index)).collect();
    // `b` rejected by the middleware, `c` by schema validation: both at their input
    // positions.
    assert_eq!(
        failed,
        vec![("b".to_string(), Some(1)), ("c".to_string(), Some(2))]
    );
    assert!(out.errors[0].error.contains("rejected"));
}

#[test]
fn bulk_patch_bulk_delete_and_many_forms_skip_rejected_records() {
    let db = guarded();
    for id in ["a", "keep-b", "c"] {
        put_id(&db, id, id).unwrap();
    }
    let out = db
        .bulk_patch(
            &todos(),
            vec![
                json!({ "id": "a", "title": "" }),
                json!({ "id": "c", "title": " c2 " }),
            ],
            None,
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!(out.records.len(), 1);
    assert_eq!(out.errors[0].index, Some(0));
    assert_eq!(stored(&db, "c").data["title"], json!("c2"));

    let del = db
        .bulk_delete(&todos(), &["keep-b", "a"], None, &DeleteOptions::default())
        .unwrap();
    assert_eq!(del.deleted_ids, vec!["a".to_string()]);
    assert_eq!(
        (del.errors[0].id.as_str(), del.errors[0].index),
        ("keep-b", Some(0))
    );

    let many = db
        .delete_many(
            &todos(),
            &Filter::eq("done", false),
            None,
            &DeleteOptions::default(),
        )
        .unwrap();
    assert_eq!(many.deleted_ids, vec!["c".to_string()]);
    assert_eq!(many.errors.len(), 1);
    assert!(!stored(&db, "keep-b").deleted);

    let pm = db
        .patch_many(
            &todos(),
            &Filter::eq("done", false),
            &json!({ "title": "" }),
            None,
            &PatchOptions::default(),
        )
        .unwrap();
    assert_eq!(
        (pm.matched_count, pm.updated_count, pm.errors.len()),
        (1, 0, 1)
    );
}

/// Counts after-write notices per operation.
#[derive(Default)]
struct Audit {
    seen: Mutex<Vec<(WriteOp, String)>>,
}

impl Middleware for Audit {
    fn after_write(&self, ctx: &WriteContext<'_>, record: &StoredRecordWithMeta) {
        assert_eq!(ctx.id, Some(record.id.as_str()));
        self.seen.lock().push((ctx.op, record.id.clone()));
    }
}

#[test]
fn after_write_sees_every_stored_record() {
    let audit = Arc::new(Audit::default());
    let db = TypedAdapter::new(reactive()).with_shared(audit.clone());
    let r = db
        .put(
            &todos(),
            json!({ "id": "a", "title": "a", "done": false }),
            None,
            &put_opts(),
        )
        .unwrap();
    db.patch(
        &todos(),
        json!({ "id": r.id, "done": true }),
        None,
        &patch_opts(),
    )
    .unwrap();
    db.bulk_put(
        &todos(),
        vec![json!({ "id": "b", "title": "b", "done": false })],
        None,
        &put_opts(),
    )
    .unwrap();
    assert_eq!(
        audit.seen.lock().clone(),
        vec![
            (WriteOp::Put, "a".into()),
            (WriteOp::Patch, "a".into()),
            (WriteOp::Put, "b".into())
        ]
    );
}

struct TagOnRead;

impl Middleware for TagOnRead {
    fn on_read(&self, _def: &CollectionDef, mut data: Value, _meta: Option<&Value>) -> Value {
        data["_tag"] = json!("read");
        data
    }
}

#[test]
fn a_read_only_middleware_changes_only_reads() {
    let db = TypedAdapter::new(reactive()).with(TagOnRead);
    let r = put(&db, "t", false, Some(&space("ignored")));
    assert_eq!(r.data["_tag"], json!("read"));
    assert_eq!(
        stored(&db, &r.id).meta,
        None,
        "no on_write: options are ignored"
    );
    assert!(stored(&db, &r.id).data.get("_tag").is_none());
}

struct Nothing;
impl Middleware for Nothing {}

#[test]
fn a_middleware_with_no_hooks_is_a_pass_through() {
    let db = TypedAdapter::new(reactive()).with(Nothing);
    let r = put(&db, "t", false, Some(&space("x")));
    assert_eq!(r.data, stored(&db, &r.id).data);
    assert_eq!(r.meta, None);
    assert_eq!(
        db.query(&todos(), &Query::new(), Some(&space("x")))
            .unwrap()
            .total,
        1
    );
}

#[test]
fn no_middleware_at_all_behaves_like_the_reactive_adapter() {
    let db = TypedAdapter::new(reactive());
    assert_eq!(db.middleware_count(), 0);
    assert!(db.is_initialized());
    let r = put(&db, "t", false, None);
    let got = db
        .get(&todos(), &r.id, &GetOptions::default())
        .unwrap()
        .unwrap();
    assert_eq!(got, stored(&db, &r.id));
}

/// Writes meta only, and resets sync whenever the space changes.
struct WriteOnly {
    calls: Mutex<usize>,
}

impl Middleware for WriteOnly {
    fn on_write(&self, ctx: &WriteContext<'_>) -> Result<Option<Value>, Reject> {
        *self.calls.lock() += 1;
        Ok(ctx.options.get("space").map(|s| json!({ "spaceId": s })))
    }
}

#[test]
fn a_write_only_middleware_sets_meta_but_reads_come_back_plain() {
    let mw = Arc::new(WriteOnly {
        calls: Mutex::new(0),
    });
    let db = TypedAdapter::new(reactive()).with_shared(mw.clone());
    let r = put(&db, "t", false, Some(&space("s1")));
    assert_eq!(*mw.calls.lock(), 1);
    assert_eq!(stored(&db, &r.id).meta, Some(json!({ "spaceId": "s1" })));
    assert!(r.data.get("_spaceId").is_none());
}
