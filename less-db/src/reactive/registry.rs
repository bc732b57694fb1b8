//! The subscription table behind a reactive adapter: who listens to what, which
//! subscriptions a change made dirty, and the last value each one delivered.
//!
//! Everything here runs under the adapter's registry lock and never calls user code;
//! the adapter takes jobs out, runs them and the callbacks with the lock released.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use crate::collection::CollectionDef;
use crate::error::LessDbError;
use crate::query::operators::matches_filter;
use crate::query::types::{Query, QueryFields, QueryResult};
use crate::types::StoredRecordWithMeta;

use super::event::ChangeEvent;
use super::query_fields::{extract_query_fields, touches_query_fields};

/// Called with the observed record after it changed (`None`: absent or deleted).
pub type RecordCallback = Arc<dyn Fn(Option<&StoredRecordWithMeta>) + Send + Sync>;
/// Called with a query's new results after they changed.
pub type QueryCallback = Arc<dyn Fn(&QueryResult<StoredRecordWithMeta>) + Send + Sync>;
/// Called when re-reading a subscription's value failed.
pub type ErrorCallback = Arc<dyn Fn(&LessDbError) + Send + Sync>;
/// Called with every change event.
pub type ChangeListener = Arc<dyn Fn(&ChangeEvent) + Send + Sync>;

/// Identifies a subscription inside its registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubKey {
    Record(u64),
    Query(u64),
    Listener(u64),
}

/// The state of a changed record after a write, as far as the write knows it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum After<'a> {
    /// Live, with this data.
    Live(&'a Value),
    /// Deleted (a tombstone) or gone.
    Gone,
    /// Changed in a way the write does not describe.
    Unknown,
}

/// One record a write changed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Touched<'a> {
    pub id: &'a str,
    pub after: After<'a>,
    /// Top-level fields the write may have changed; `None` when any may have.
    pub fields: Option<&'a [String]>,
}

struct RecordSub {
    def: Arc<CollectionDef>,
    id: String,
    cb: RecordCallback,
    on_error: Option<ErrorCallback>,
    active: Arc<AtomicBool>,
    dirty: bool,
    /// `None` until the first delivery.
    last: Option<Option<StoredRecordWithMeta>>,
}

struct QuerySub {
    def: Arc<CollectionDef>,
    query: Arc<Query>,
    fields: QueryFields,
    cb: QueryCallback,
    on_error: Option<ErrorCallback>,
    active: Arc<AtomicBool>,
    dirty: bool,
    last: Option<Arc<QueryResult<StoredRecordWithMeta>>>,
    /// Ids in `last`, for the "is it in my results" test of every change.
    members: HashSet<String>,
}

struct Listener {
    cb: ChangeListener,
    active: Arc<AtomicBool>,
}

/// A subscription to re-read, taken out of the registry by a flush.
pub(crate) enum Job {
    Record {
        key: u64,
        def: Arc<CollectionDef>,
        id: String,
        cb: RecordCallback,
        on_error: Option<ErrorCallback>,
        active: Arc<AtomicBool>,
    },
    Query {
        key: u64,
        def: Arc<CollectionDef>,
        query: Arc<Query>,
        cb: QueryCallback,
        on_error: Option<ErrorCallback>,
        active: Arc<AtomicBool>,
    },
}

/// Subscriptions taken out of the registry, kept alive until dropped outside its lock.
#[must_use = "drop it after releasing the registry lock"]
#[derive(Default)]
pub(crate) struct Detached {
    records: Vec<RecordSub>,
    queries: Vec<QuerySub>,
    listeners: Vec<Listener>,
}

/// All subscriptions of one adapter, in registration order.
#[derive(Default)]
pub(crate) struct Registry {
    next: u64,
    records: BTreeMap<u64, RecordSub>,
    queries: BTreeMap<u64, QuerySub>,
    listeners: BTreeMap<u64, Listener>,
}

fn new_flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(true))
}

/// Two reads of a record look the same to a subscriber.
fn same_record(a: &StoredRecordWithMeta, b: &StoredRecordWithMeta) -> bool {
    a.id == b.id
        && a.version == b.version
        && a.deleted == b.deleted
        && a.dirty == b.dirty
        && a.sequence == b.sequence
        && a.meta == b.meta
        && a.data == b.data
}

fn same_result(
    a: &QueryResult<StoredRecordWithMeta>,
    b: &QueryResult<StoredRecordWithMeta>,
) -> bool {
    a.total == b.total
        && a.records.len() == b.records.len()
        && a.records
            .iter()
            .zip(&b.records)
            .all(|(x, y)| same_record(x, y))
}

impl QuerySub {
    /// Can this change alter the query's results?
    fn affected_by(&self, t: &Touched<'_>) -> bool {
        if self.members.contains(t.id) {
            return true;
        }
        // Outside the results, and none of the fields deciding membership or order
        // changed: the record stays outside.
        if let Some(changed) = t.fields
            && !touches_query_fields(&self.fields, changed)
        {
            return false;
        }
        // Limit and offset: a record outside the page can still shift the page or the
        // total, so only a full result set allows the finer tests below.
        let paged = self.query.limit.is_some() || self.query.offset.is_some_and(|o| o > 0);
        match t.after {
            After::Unknown => true,
            After::Gone => paged,
            After::Live(_) if paged || self.fields.has_computed() => true,
            After::Live(data) => self
                .query
                .filter
                .as_ref()
                .is_none_or(|f| matches_filter(data, f)),
        }
    }
}

impl Registry {
    fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    pub fn add_record(
        &mut self,
        def: Arc<CollectionDef>,
        id: String,
        cb: RecordCallback,
        on_error: Option<ErrorCallback>,
    ) -> (SubKey, Arc<AtomicBool>) {
        let key = self.next_id();
        let active = new_flag();
        self.records.insert(
            key,
            RecordSub {
                def,
                id,
                cb,
                on_error,
                active: Arc::clone(&active),
                dirty: true,
                last: None,
            },
        );
        (SubKey::Record(key), active)
    }

    pub fn add_query(
        &mut self,
        def: Arc<CollectionDef>,
        query: Query,
        cb: QueryCallback,
        on_error: Option<ErrorCallback>,
    ) -> (SubKey, Arc<AtomicBool>) {
        let key = self.next_id();
        let active = new_flag();
        let fields = extract_query_fields(&query);
        self.queries.insert(
            key,
            QuerySub {
                def,
                query: Arc::new(query),
                fields,
                cb,
                on_error,
                active: Arc::clone(&active),
                dirty: true,
                last: None,
                members: HashSet::new(),
            },
        );
        (SubKey::Query(key), active)
    }

    pub fn add_listener(&mut self, cb: ChangeListener) -> (SubKey, Arc<AtomicBool>) {
        let key = self.next_id();
        let active = new_flag();
        self.listeners.insert(
            key,
            Listener {
                cb,
                active: Arc::clone(&active),
            },
        );
        (SubKey::Listener(key), active)
    }

    /// Takes the subscription out. The caller drops the result after releasing the
    /// registry lock: a callback may own the last handle on the adapter (or on another
    /// subscription), and dropping it under the lock would re-enter the lock.
    pub fn remove(&mut self, key: SubKey) -> Detached {
        let mut out = Detached::default();
        match key {
            SubKey::Record(k) => out.records.extend(self.records.remove(&k)),
            SubKey::Query(k) => out.queries.extend(self.queries.remove(&k)),
            SubKey::Listener(k) => out.listeners.extend(self.listeners.remove(&k)),
        }
        out
    }

    /// Deactivates and takes out every subscription (their handles become inert). As
    /// with [`Registry::remove`], drop the result with the lock released.
    pub fn dispose(&mut self) -> Detached {
        let flags = self
            .records
            .values()
            .map(|s| &s.active)
            .chain(self.queries.values().map(|s| &s.active))
            .chain(self.listeners.values().map(|s| &s.active));
        for flag in flags {
            flag.store(false, Ordering::Release);
        }
        Detached {
            records: std::mem::take(&mut self.records).into_values().collect(),
            queries: std::mem::take(&mut self.queries).into_values().collect(),
            listeners: std::mem::take(&mut self.listeners).into_values().collect(),
        }
    }

    /// Number of record and query subscriptions (listeners not counted).
    pub fn subscription_count(&self) -> usize {
        self.records.len() + self.queries.len()
    }

    pub fn listener_count(&self) -> usize {
        self.listeners.len()
    }

    /// The listeners as of now: one added during an emission is not called by it.
    pub fn listeners(&self) -> Vec<(ChangeListener, Arc<AtomicBool>)> {
        self.listeners
            .values()
            .map(|l| (Arc::clone(&l.cb), Arc::clone(&l.active)))
            .collect()
    }

    /// Marks the subscriptions of `collection` that `touched` may affect; returns how
    /// many became dirty.
    pub fn mark(&mut self, collection: &str, touched: &[Touched<'_>]) -> usize {
        let mut marked = 0;
        for sub in self.records.values_mut() {
            if !sub.dirty && sub.def.name == collection && touched.iter().any(|t| t.id == sub.id) {
                sub.dirty = true;
                marked += 1;
            }
        }
        for sub in self.queries.values_mut() {
            if !sub.dirty
                && sub.def.name == collection
                && touched.iter().any(|t| sub.affected_by(t))
            {
                sub.dirty = true;
                marked += 1;
            }
        }
        marked
    }

    pub fn has_dirty(&self) -> bool {
        self.records.values().any(|s| s.dirty) || self.queries.values().any(|s| s.dirty)
    }

    /// Takes every dirty subscription out as a job (clearing its dirty flag), in
    /// registration order, records first.
    pub fn take_dirty(&mut self) -> Vec<Job> {
        let mut jobs = Vec::new();
        for (&key, sub) in self.records.iter_mut().filter(|(_, s)| s.dirty) {
            sub.dirty = false;
            jobs.push(Job::Record {
                key,
                def: Arc::clone(&sub.def),
                id: sub.id.clone(),
                cb: Arc::clone(&sub.cb),
                on_error: sub.on_error.clone(),
                active: Arc::clone(&sub.active),
            });
        }
        for (&key, sub) in self.queries.iter_mut().filter(|(_, s)| s.dirty) {
            sub.dirty = false;
            jobs.push(Job::Query {
                key,
                def: Arc::clone(&sub.def),
                query: Arc::clone(&sub.query),
                cb: Arc::clone(&sub.cb),
                on_error: sub.on_error.clone(),
                active: Arc::clone(&sub.active),
            });
        }
        jobs
    }

    /// Stores a record subscription's fresh read; returns it when it differs from the
    /// last delivered value (and so must be delivered).
    pub fn commit_record(
        &mut self,
        key: u64,
        value: Option<StoredRecordWithMeta>,
    ) -> Option<Option<StoredRecordWithMeta>> {
        let sub = self.records.get_mut(&key)?;
        let unchanged = match (&sub.last, &value) {
            (Some(Some(a)), Some(b)) => same_record(a, b),
            (Some(None), None) => true,
            _ => false,
        };
        if unchanged {
            return None;
        }
        sub.last = Some(value.clone());
        Some(value)
    }

    /// Stores a query subscription's fresh results; returns them when they differ from
    /// the last delivered results.
    pub fn commit_query(
        &mut self,
        key: u64,
        result: QueryResult<StoredRecordWithMeta>,
    ) -> Option<Arc<QueryResult<StoredRecordWithMeta>>> {
        let sub = self.queries.get_mut(&key)?;
        if sub.last.as_deref().is_some_and(|l| same_result(l, &result)) {
            return None;
        }
        sub.members = result.records.iter().map(|r| r.id.clone()).collect();
        let result = Arc::new(result);
        sub.last = Some(Arc::clone(&result));
        Some(result)
    }
}
