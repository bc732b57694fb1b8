//! A `todos` collection, a "spaces" middleware and adapters to run them on.

use std::sync::Arc;

use less_db::collection::{CollectionDef, collection};
use less_db::crdt::MIN_SESSION_ID;
use less_db::middleware::{MetaFilter, Middleware, Reject, TypedAdapter, WriteContext};
use less_db::reactive::ReactiveAdapter;
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::StorageRead;
use less_db::types::{GetOptions, PatchOptions, PutOptions, StoredRecordWithMeta};
use serde_json::{Value, json};

pub type Typed = TypedAdapter<SqliteBackend>;

pub const SID: u64 = MIN_SESSION_ID + 3;

pub fn todos() -> Arc<CollectionDef> {
    collection("todos")
        .v(
            1,
            t::object([("title", t::string()), ("done", t::boolean())]),
        )
        .build()
        .unwrap()
}

pub fn reactive() -> ReactiveAdapter<SqliteBackend> {
    let backend = SqliteBackend::open_in_memory().unwrap();
    ReactiveAdapter::new(Adapter::open(backend, &[todos()]).unwrap())
}

/// Keeps each record in a "space": the write option `space` (or `sameSpaceAs`, a
/// record read through this middleware) sets `meta.spaceId`; reads expose it as
/// `_spaceId`, defaulting to the personal space; queries with a space option see
/// that space only; moving a record to another space restarts its sync state.
pub struct Spaces {
    pub personal: String,
}

fn target_space(options: &Value) -> Result<Option<String>, Reject> {
    if let Some(other) = options.get("sameSpaceAs") {
        return match other.get("_spaceId").and_then(Value::as_str) {
            Some(s) => Ok(Some(s.to_string())),
            None => Err(Reject::new("the referenced record has no space")),
        };
    }
    Ok(options
        .get("space")
        .and_then(Value::as_str)
        .map(str::to_string))
}

impl Middleware for Spaces {
    fn on_write(&self, ctx: &WriteContext<'_>) -> Result<Option<Value>, Reject> {
        Ok(target_space(ctx.options)?.map(|s| json!({ "spaceId": s })))
    }

    fn on_read(&self, _def: &CollectionDef, data: Value, meta: Option<&Value>) -> Value {
        let space = meta
            .and_then(|m| m.get("spaceId"))
            .and_then(Value::as_str)
            .unwrap_or(&self.personal)
            .to_string();
        let mut obj = data.as_object().cloned().unwrap_or_default();
        obj.insert("_spaceId".into(), json!(space));
        Value::Object(obj)
    }

    fn on_query(&self, _def: &CollectionDef, options: &Value) -> Option<MetaFilter> {
        let target = target_space(options).ok().flatten()?;
        Some(Box::new(move |meta| {
            meta.and_then(|m| m.get("spaceId")).and_then(Value::as_str) == Some(target.as_str())
        }))
    }

    fn should_reset_sync_state(&self, old: Option<&Value>, new: &Value) -> bool {
        let space = |m: Option<&Value>| {
            m.and_then(|m| m.get("spaceId"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        match space(Some(new)) {
            Some(new_space) => space(old) != Some(new_space),
            None => false,
        }
    }
}

pub fn typed() -> Typed {
    TypedAdapter::new(reactive()).with(Spaces {
        personal: "personal".into(),
    })
}

pub fn put_opts() -> PutOptions {
    PutOptions {
        session_id: Some(SID),
        ..PutOptions::default()
    }
}

pub fn patch_opts() -> PatchOptions {
    PatchOptions {
        session_id: Some(SID),
        ..PatchOptions::default()
    }
}

pub fn space(name: &str) -> Value {
    json!({ "space": name })
}

pub fn put(db: &Typed, title: &str, done: bool, opts: Option<&Value>) -> StoredRecordWithMeta {
    db.put(
        &todos(),
        json!({ "title": title, "done": done }),
        opts,
        &put_opts(),
    )
    .unwrap()
}

/// The record as stored, bypassing the middleware.
pub fn stored(db: &Typed, id: &str) -> StoredRecordWithMeta {
    db.inner()
        .get(
            &todos(),
            id,
            &GetOptions {
                include_deleted: true,
                migrate: true,
            },
        )
        .unwrap()
        .unwrap()
}
