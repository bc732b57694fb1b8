//! SyncManager against a scripted transport and storage.

use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use less_db::sync::{PullFailure, PushAck, SyncConfig, SyncErrorKind, SyncPhase, TransportError};
use less_db::types::{ApplyRemoteResult, DeleteConflictStrategy, RecordError, RemoteAction};
use parking_lot::Mutex;
use serde_json::json;

use crate::common::block_on;
use crate::mocks::{
    Rig, applied, dirty, dirty_tombstone, named, pulled, remote, remote_tombstone, tasks,
};

fn config(batch: usize, threshold: u32) -> SyncConfig {
    SyncConfig {
        push_batch_size: NonZeroUsize::new(batch).unwrap(),
        quarantine_threshold: NonZeroU32::new(threshold).unwrap(),
        ..SyncConfig::default()
    }
}

// ---------------------------------------------------------------- push

#[test]
fn push_sends_each_dirty_record_and_marks_it_synced() {
    let rig = Rig::new();
    rig.storage
        .set_dirty("tasks", vec![dirty("r1"), dirty("r2"), dirty("r3")]);
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 3);
    assert!(res.errors.is_empty());
    assert_eq!(rig.transport.pushed_ids(), vec![vec!["r1", "r2", "r3"]]);
    let synced = rig.storage.synced.lock();
    assert_eq!(
        synced.iter().map(|s| s.1).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[test]
fn push_with_nothing_dirty_makes_no_request() {
    let rig = Rig::new();
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 0);
    assert!(res.errors.is_empty());
    assert!(rig.transport.pushes.lock().is_empty());
}

#[test]
fn outbound_record_carries_crdt_version_meta_and_base_sequence() {
    let rig = Rig::new();
    let mut r = dirty("r1");
    r.version = 3;
    r.sequence = 42;
    r.crdt = vec![9, 8, 7];
    r.meta = Some(json!({"space": "s1"}));
    rig.storage.set_dirty("tasks", vec![r]);
    block_on(rig.manager(vec![tasks()]).push(&tasks()));
    let pushes = rig.transport.pushes.lock();
    let out = &pushes[0].1[0];
    assert_eq!(pushes[0].0, "tasks");
    assert_eq!(out.version, 3);
    assert_eq!(out.sequence, 42);
    assert_eq!(out.crdt.as_deref(), Some(&[9u8, 8, 7][..]));
    assert_eq!(out.meta, Some(json!({"space": "s1"})));
    assert!(!out.deleted);
}

#[test]
fn tombstone_is_pushed_without_crdt_and_its_snapshot_says_deleted() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty_tombstone("r1")]);
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 1);
    let pushes = rig.transport.pushes.lock();
    assert!(pushes[0].1[0].deleted);
    assert!(pushes[0].1[0].crdt.is_none());
    let synced = rig.storage.synced.lock();
    assert!(synced[0].2.as_ref().unwrap().deleted);
}

#[test]
fn snapshot_records_how_many_patch_bytes_were_pushed() {
    let rig = Rig::new();
    let mut r = dirty("r1");
    r.pending_patches = vec![0; 17];
    rig.storage.set_dirty("tasks", vec![r]);
    block_on(rig.manager(vec![tasks()]).push(&tasks()));
    let snap = rig.storage.synced.lock()[0].2.clone().unwrap();
    assert_eq!(snap.pending_patches_length, 17);
    assert!(!snap.deleted);
}

#[test]
fn only_acknowledged_records_are_marked_synced() {
    let rig = Rig::new();
    rig.storage
        .set_dirty("tasks", vec![dirty("r1"), dirty("r2")]);
    rig.transport.on_push(|_, _| {
        Ok(vec![PushAck {
            id: "r2".into(),
            sequence: 10,
        }])
    });
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 1);
    let synced = rig.storage.synced.lock();
    assert_eq!(synced.len(), 1);
    assert_eq!((synced[0].0.as_str(), synced[0].1), ("r2", 10));
}

#[test]
fn acks_for_unknown_or_repeated_ids_are_ignored() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    rig.transport.on_push(|_, _| {
        let ack = |id: &str, sequence| PushAck {
            id: id.into(),
            sequence,
        };
        Ok(vec![ack("r1", 4), ack("ghost", 5), ack("r1", 6)])
    });
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 1);
    assert_eq!(rig.storage.synced.lock().len(), 1);
}

#[test]
fn transport_failure_on_push_is_reported_and_nothing_is_marked() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    rig.transport
        .on_push(|_, _| Err(TransportError::new("network down")));
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 0);
    assert_eq!(res.errors.len(), 1);
    let e = &res.errors[0];
    assert!(e.error.contains("network down"));
    assert_eq!(
        (e.phase, e.kind, e.id.clone()),
        (SyncPhase::Push, SyncErrorKind::Network, None)
    );
    assert!(res.has_step_failure());
    assert!(rig.storage.synced.lock().is_empty());
}

#[test]
fn transport_error_kind_is_kept() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    rig.transport.on_push(|_, _| {
        Err(TransportError::with_kind(
            "token expired",
            SyncErrorKind::Auth,
        ))
    });
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.errors[0].kind, SyncErrorKind::Auth);
}

#[test]
fn failed_mark_synced_is_a_record_error_not_a_push() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    *rig.storage.fail_mark_synced.lock() = Some("disk full".into());
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 0);
    assert_eq!(res.errors.len(), 1);
    assert_eq!(res.errors[0].id.as_deref(), Some("r1"));
    assert!(res.errors[0].error.contains("disk full"));
    assert!(!res.has_step_failure());
}

#[test]
fn unreadable_dirty_records_are_reported_with_their_ids_and_the_rest_pushed() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    rig.storage.dirty_errors.lock().push(RecordError {
        id: "broken".into(),
        collection: "tasks".into(),
        index: None,
        error: "corrupt crdt".into(),
    });
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 1);
    assert_eq!(res.errors.len(), 1);
    assert_eq!(res.errors[0].id.as_deref(), Some("broken"));
    assert_eq!(res.errors[0].kind, SyncErrorKind::Record);
}

#[test]
fn storage_failure_reading_dirty_records_is_a_step_failure() {
    let rig = Rig::new();
    *rig.storage.fail_get_dirty.lock() = Some("database locked".into());
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.errors.len(), 1);
    assert_eq!(res.errors[0].kind, SyncErrorKind::Storage);
    assert!(res.errors[0].error.contains("database locked"));
    assert!(rig.transport.pushes.lock().is_empty());
}

// ---------------------------------------------------------------- batching

fn many(n: usize) -> Vec<less_db::types::StoredRecordWithMeta> {
    (0..n).map(|i| dirty(&format!("r{i}"))).collect()
}

#[test]
fn push_is_split_into_batches_of_the_configured_size() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", many(5));
    let m = rig.manager(vec![tasks()]).with_config(config(2, 3));
    let res = block_on(m.push(&tasks()));
    assert_eq!(res.pushed, 5);
    let sizes: Vec<usize> = rig.transport.pushed_ids().iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![2, 2, 1]);
}

#[test]
fn default_batch_size_is_fifty() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", many(120));
    let res = block_on(rig.manager(vec![tasks()]).push(&tasks()));
    assert_eq!(res.pushed, 120);
    let sizes: Vec<usize> = rig.transport.pushed_ids().iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![50, 50, 20]);
}

#[test]
fn a_failed_batch_stops_the_push_and_keeps_earlier_batches() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", many(6));
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    rig.transport.on_push(move |_, recs| {
        if c.fetch_add(1, Ordering::SeqCst) == 1 {
            return Err(TransportError::new("second batch lost"));
        }
        Ok(recs
            .iter()
            .map(|r| PushAck {
                id: r.id.clone(),
                sequence: 1,
            })
            .collect())
    });
    let m = rig.manager(vec![tasks()]).with_config(config(2, 3));
    let res = block_on(m.push(&tasks()));
    assert_eq!(res.pushed, 2);
    assert_eq!(res.errors.len(), 1);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "third batch must not be sent"
    );
    assert_eq!(rig.storage.synced.lock().len(), 2);
}

#[test]
fn progress_is_reported_after_each_batch() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", many(5));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = rig
        .manager(vec![tasks()])
        .with_config(config(2, 3))
        .on_progress(move |p| {
            if p.phase == SyncPhase::Push {
                s.lock().push((p.processed, p.total));
            }
        });
    block_on(m.push(&tasks()));
    assert_eq!(*seen.lock(), vec![(2, 5), (4, 5), (5, 5)]);
}

// ---------------------------------------------------------------- pull

#[test]
fn pull_applies_records_and_stores_the_cursor() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("r1", 100)], Some(100))));
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(res.pulled, 1);
    assert!(res.errors.is_empty());
    assert_eq!(rig.storage.sequence("tasks"), 100);
    assert_eq!(rig.storage.applied_ids(), vec![vec!["r1"]]);
}

#[test]
fn pull_asks_for_changes_after_the_stored_cursor() {
    let rig = Rig::new();
    rig.storage.set_sequence("tasks", 42);
    block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(*rig.transport.pulls.lock(), vec![("tasks".to_string(), 42)]);
}

#[test]
fn remote_tombstones_are_applied_and_announced() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote_tombstone("r1", 50)], Some(50))));
    let deleted = Arc::new(Mutex::new(Vec::new()));
    let d = deleted.clone();
    let m = rig
        .manager(vec![tasks()])
        .on_remote_delete(move |e| d.lock().push((e.collection.clone(), e.id.clone())));
    let res = block_on(m.pull(&tasks()));
    assert_eq!(res.pulled, 1);
    assert_eq!(
        *deleted.lock(),
        vec![("tasks".to_string(), "r1".to_string())]
    );
    assert_eq!(rig.storage.sequence("tasks"), 50);
}

#[test]
fn failed_pull_leaves_the_cursor_alone() {
    let rig = Rig::new();
    rig.storage.set_sequence("tasks", 7);
    rig.transport
        .on_pull(|_, _| Err(TransportError::new("timeout")));
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(res.pulled, 0);
    assert_eq!(res.errors.len(), 1);
    assert_eq!(res.errors[0].phase, SyncPhase::Pull);
    assert_eq!(rig.storage.sequence("tasks"), 7);
    assert!(rig.storage.applied.lock().is_empty());
}

#[test]
fn empty_pull_with_a_latest_sequence_moves_the_cursor() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, _| Ok(pulled(vec![], Some(200))));
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(res.pulled, 0);
    assert_eq!(rig.storage.sequence("tasks"), 200);
    assert!(rig.storage.applied.lock().is_empty(), "nothing to apply");
}

#[test]
fn without_a_latest_sequence_the_highest_record_sequence_is_used() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, _| {
        Ok(pulled(
            vec![remote("a", 10), remote("b", 30), remote("c", 20)],
            None,
        ))
    });
    block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(rig.storage.sequence("tasks"), 30);
}

#[test]
fn the_cursor_never_moves_backwards() {
    let rig = Rig::new();
    rig.storage.set_sequence("tasks", 100);
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("a", 50)], Some(50))));
    block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(rig.storage.sequence("tasks"), 100);
    rig.transport.on_pull(|_, _| Ok(pulled(vec![], None)));
    block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(rig.storage.sequence("tasks"), 100);
}

#[test]
fn consecutive_pulls_continue_from_the_previous_cursor() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, since| {
        let next = since + 100;
        Ok(pulled(vec![remote(&format!("r{next}"), next)], Some(next)))
    });
    let m = rig.manager(vec![tasks()]);
    assert_eq!(block_on(m.pull(&tasks())).pulled, 1);
    assert_eq!(block_on(m.pull(&tasks())).pulled, 1);
    let sinces: Vec<i64> = rig.transport.pulls.lock().iter().map(|p| p.1).collect();
    assert_eq!(sinces, vec![0, 100]);
    assert_eq!(rig.storage.sequence("tasks"), 200);
}

#[test]
fn a_record_delivered_twice_is_applied_once_at_its_newest_state() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, _| {
        Ok(pulled(
            vec![
                remote("a", 5),
                remote("b", 6),
                remote("a", 9),
                remote("a", 3),
            ],
            Some(9),
        ))
    });
    block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    let applied = rig.storage.applied.lock();
    let batch: Vec<(String, i64)> = applied[0]
        .iter()
        .map(|r| (r.id.clone(), r.sequence))
        .collect();
    assert_eq!(batch, vec![("a".to_string(), 9), ("b".to_string(), 6)]);
}

#[test]
fn skipped_remotes_do_not_count_as_pulled() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("a", 1), remote("b", 2)], Some(2))));
    rig.storage.on_apply(|_| {
        Ok(ApplyRemoteResult {
            applied: vec![
                applied("a", RemoteAction::Skipped),
                applied("b", RemoteAction::Inserted),
            ],
            ..ApplyRemoteResult::default()
        })
    });
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(res.pulled, 1);
}

#[test]
fn merged_count_comes_from_storage() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("a", 1), remote("b", 2)], Some(2))));
    rig.storage.on_apply(|_| {
        Ok(ApplyRemoteResult {
            applied: vec![
                applied("a", RemoteAction::Merged),
                applied("b", RemoteAction::Updated),
            ],
            merged_count: 1,
            ..ApplyRemoteResult::default()
        })
    });
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!((res.pulled, res.merged), (2, 1));
}

#[test]
fn the_configured_delete_strategy_reaches_storage() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote_tombstone("a", 1)], Some(1))));
    let m = rig.manager(vec![tasks()]).with_config(SyncConfig {
        delete_conflict_strategy: DeleteConflictStrategy::UpdateWins,
        ..SyncConfig::default()
    });
    block_on(m.pull(&tasks()));
    assert_eq!(
        *rig.storage.strategies.lock(),
        vec!["UpdateWins".to_string()]
    );
}

// ---------------------------------------------------------------- cursor safety

#[test]
fn the_cursor_stops_before_a_record_that_failed_to_apply() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, _| {
        Ok(pulled(
            vec![remote("ok1", 100), remote("bad", 150), remote("ok2", 200)],
            Some(200),
        ))
    });
    rig.storage.fail_ids(&["bad"]);
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(res.pulled, 2);
    assert_eq!(res.errors.len(), 1);
    assert_eq!(res.errors[0].id.as_deref(), Some("bad"));
    assert_eq!(
        rig.storage.sequence("tasks"),
        149,
        "the failed record is fetched again"
    );
}

#[test]
fn a_whole_apply_failure_keeps_the_cursor() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("a", 100)], Some(100))));
    rig.storage
        .on_apply(|_| Err(less_db::LessDbError::Internal("transaction aborted".into())));
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(rig.storage.sequence("tasks"), 0);
    assert_eq!(res.errors.len(), 1);
    assert_eq!(res.errors[0].kind, SyncErrorKind::Storage);
    assert!(res.has_step_failure());
}

#[test]
fn unreadable_cursor_is_reported_and_nothing_is_pulled() {
    let rig = Rig::new();
    *rig.storage.fail_get_sequence.lock() = Some("meta table missing".into());
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(res.errors.len(), 1);
    assert!(res.errors[0].error.contains("meta table missing"));
    assert!(rig.transport.pulls.lock().is_empty());
}

#[test]
fn a_cursor_that_cannot_be_saved_is_reported_after_applying() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("a", 100)], Some(100))));
    *rig.storage.fail_set_sequence.lock() = Some("read-only".into());
    let res = block_on(rig.manager(vec![tasks()]).pull(&tasks()));
    assert_eq!(res.pulled, 1);
    assert_eq!(res.errors.len(), 1);
    assert!(res.errors[0].error.contains("read-only"));
}

// ---------------------------------------------------------------- sync

#[test]
fn sync_pulls_before_it_pushes() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    let order = Arc::new(Mutex::new(Vec::new()));
    let (o1, o2) = (order.clone(), order.clone());
    rig.transport.on_pull(move |_, _| {
        o1.lock().push("pull");
        Ok(pulled(vec![remote("r2", 5)], Some(5)))
    });
    rig.transport.on_push(move |_, recs| {
        o2.lock().push("push");
        Ok(recs
            .iter()
            .map(|r| PushAck {
                id: r.id.clone(),
                sequence: 6,
            })
            .collect())
    });
    let res = block_on(rig.manager(vec![tasks()]).sync(&tasks()));
    assert_eq!((res.pulled, res.pushed), (1, 1));
    assert_eq!(*order.lock(), vec!["pull", "push"]);
}

#[test]
fn a_failed_pull_does_not_prevent_the_push() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    rig.transport
        .on_pull(|_, _| Err(TransportError::new("pull down")));
    let res = block_on(rig.manager(vec![tasks()]).sync(&tasks()));
    assert_eq!(res.pushed, 1);
    assert_eq!(res.errors.len(), 1);
}

#[test]
fn sync_all_covers_every_collection_even_when_one_fails() {
    let rig = Rig::new();
    rig.transport.on_pull(|c, _| {
        if c == "tasks" {
            Err(TransportError::new("tasks unavailable"))
        } else {
            Ok(pulled(vec![remote("n1", 3)], Some(3)))
        }
    });
    let m = rig.manager(vec![tasks(), named("notes")]);
    let all = block_on(m.sync_all());
    assert_eq!(all.keys().collect::<Vec<_>>(), vec!["notes", "tasks"]);
    assert_eq!(all["tasks"].errors.len(), 1);
    assert_eq!(all["notes"].pulled, 1);
}

#[test]
fn error_hook_sees_every_error() {
    let rig = Rig::new();
    rig.storage.set_dirty("tasks", vec![dirty("r1")]);
    rig.transport
        .on_push(|_, _| Err(TransportError::new("push refused")));
    rig.transport
        .on_pull(|_, _| Err(TransportError::new("pull refused")));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = rig
        .manager(vec![tasks()])
        .on_error(move |e| s.lock().push(e.error.clone()));
    let res = block_on(m.sync(&tasks()));
    assert_eq!(*seen.lock(), vec!["pull refused", "push refused"]);
    assert_eq!(res.errors.len(), 2);
}

#[test]
fn manager_lists_its_collections_and_reads_the_cursor() {
    let rig = Rig::new();
    rig.storage.set_sequence("tasks", 42);
    let m = rig.manager(vec![tasks(), named("notes")]);
    let names: Vec<&str> = m.collections().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["tasks", "notes"]);
    assert!(m.collection("notes").is_some());
    assert!(m.collection("nope").is_none());
    assert_eq!(m.last_sequence("tasks").unwrap(), 42);
    assert_eq!(m.last_sequence("notes").unwrap(), 0);
}

// ---------------------------------------------------------------- concurrency

/// A transport whose pull yields once, so overlapping syncs would interleave.
struct SlowPull {
    log: Mutex<Vec<&'static str>>,
}

#[async_trait::async_trait]
impl less_db::sync::SyncTransport for SlowPull {
    async fn push(
        &self,
        _: &str,
        _: &[less_db::sync::OutboundRecord],
    ) -> Result<Vec<PushAck>, TransportError> {
        Ok(Vec::new())
    }

    async fn pull(&self, _: &str, _: i64) -> Result<less_db::sync::PullResult, TransportError> {
        self.log.lock().push("start");
        tokio::task::yield_now().await;
        tokio::task::yield_now().await;
        self.log.lock().push("end");
        Ok(pulled(vec![], None))
    }
}

#[tokio::test]
async fn syncs_of_one_collection_run_one_after_the_other() {
    let transport = Arc::new(SlowPull {
        log: Mutex::new(Vec::new()),
    });
    let storage = Arc::new(crate::mocks::ScriptedStorage::default());
    let m = less_db::sync::SyncManager::new(transport.clone(), storage, vec![tasks()]);
    let def = tasks();
    let (a, b, c) = tokio::join!(m.sync(&def), m.pull(&def), m.sync(&def));
    assert!(a.errors.is_empty() && b.errors.is_empty() && c.errors.is_empty());
    assert_eq!(
        *transport.log.lock(),
        vec!["start", "end", "start", "end", "start", "end"]
    );
}

#[tokio::test]
async fn syncs_of_different_collections_may_overlap() {
    let transport = Arc::new(SlowPull {
        log: Mutex::new(Vec::new()),
    });
    let storage = Arc::new(crate::mocks::ScriptedStorage::default());
    let m =
        less_db::sync::SyncManager::new(transport.clone(), storage, vec![tasks(), named("notes")]);
    let (t, n) = (tasks(), named("notes"));
    tokio::join!(m.sync(&t), m.sync(&n));
    assert_eq!(*transport.log.lock(), vec!["start", "start", "end", "end"]);
}

#[tokio::test]
async fn apply_remote_records_waits_for_a_running_sync() {
    let transport = Arc::new(SlowPull {
        log: Mutex::new(Vec::new()),
    });
    let storage = Arc::new(crate::mocks::ScriptedStorage::default());
    let m = less_db::sync::SyncManager::new(transport.clone(), storage.clone(), vec![tasks()]);
    let def = tasks();
    let records = vec![remote("r1", 100)];
    let (_, pushed) = tokio::join!(m.sync(&def), async {
        let res = m.apply_remote_records(&def, &records, 100).await;
        transport.log.lock().push("applied");
        res
    });
    assert_eq!(pushed.pulled, 1);
    assert_eq!(*transport.log.lock(), vec!["start", "end", "applied"]);
}

// ---------------------------------------------------------------- apply_remote_records

#[test]
fn applying_pushed_records_moves_the_cursor_forward_only() {
    let rig = Rig::new();
    let m = rig.manager(vec![tasks()]);
    let res = block_on(m.apply_remote_records(
        &tasks(),
        &[remote("a", 100), remote("b", 300), remote("c", 200)],
        300,
    ));
    assert_eq!(res.pulled, 3);
    assert_eq!(rig.storage.sequence("tasks"), 300);
    block_on(m.apply_remote_records(&tasks(), &[], 250));
    assert_eq!(rig.storage.sequence("tasks"), 300);
    block_on(m.apply_remote_records(&tasks(), &[], 350));
    assert_eq!(rig.storage.sequence("tasks"), 350);
}

#[test]
fn applying_pushed_records_that_all_fail_to_store_keeps_the_cursor() {
    let rig = Rig::new();
    rig.storage
        .on_apply(|_| Err(less_db::LessDbError::Internal("crashed".into())));
    let m = rig.manager(vec![tasks()]);
    let res = block_on(m.apply_remote_records(&tasks(), &[remote("a", 200)], 200));
    assert_eq!(res.errors.len(), 1);
    assert_eq!(rig.storage.sequence("tasks"), 0);
}

// ---------------------------------------------------------------- quarantine

#[test]
fn a_record_that_keeps_failing_is_quarantined_and_then_skipped() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, _| {
        Ok(pulled(
            vec![remote("bad", 100), remote("good", 101)],
            Some(101),
        ))
    });
    rig.storage.fail_ids(&["bad"]);
    let m = rig.manager(vec![tasks()]).with_config(config(50, 3));
    let first = block_on(m.pull(&tasks()));
    assert!(first.quarantined.is_empty());
    assert_eq!(rig.storage.sequence("tasks"), 99);
    block_on(m.pull(&tasks()));
    let third = block_on(m.pull(&tasks()));
    assert_eq!(third.quarantined, vec!["bad"]);
    assert_eq!(m.quarantined("tasks"), vec!["bad"]);
    assert_eq!(
        rig.storage.sequence("tasks"),
        99,
        "quarantined records still hold the cursor, so they are never skipped for good"
    );
    block_on(m.pull(&tasks()));
    let last = rig.storage.applied_ids().pop().unwrap();
    assert_eq!(last, vec!["good"]);
}

#[test]
fn retry_quarantined_releases_records_and_refetches_them() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, since| {
        let all = vec![remote("bad", 100), remote("good", 101)];
        Ok(pulled(
            all.into_iter().filter(|r| r.sequence > since).collect(),
            Some(101),
        ))
    });
    rig.storage.fail_ids(&["bad"]);
    let m = rig.manager(vec![tasks()]).with_config(config(50, 2));
    block_on(m.pull(&tasks()));
    block_on(m.pull(&tasks()));
    assert_eq!(m.quarantined("tasks"), vec!["bad"]);
    block_on(m.pull(&tasks()));
    assert_eq!(rig.storage.applied_ids().pop().unwrap(), vec!["good"]);

    rig.storage.fail_ids(&[]);
    let released = block_on(m.retry_quarantined("tasks"));
    assert_eq!(released, vec!["bad"]);
    assert!(m.quarantined("tasks").is_empty());
    assert_eq!(rig.storage.sequence("tasks"), 99);
    let res = block_on(m.pull(&tasks()));
    assert!(res.errors.is_empty());
    assert!(
        rig.storage
            .applied_ids()
            .pop()
            .unwrap()
            .contains(&"bad".to_string())
    );
    assert_eq!(rig.storage.sequence("tasks"), 101);
}

#[test]
fn a_success_resets_the_failure_count() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("flaky", 100)], Some(100))));
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    rig.storage.on_apply(move |records| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        let mut out = ApplyRemoteResult::default();
        for r in records {
            // Fails twice, works once, fails twice again: never three in a row.
            if n % 3 == 2 {
                out.applied.push(applied(&r.id, RemoteAction::Updated));
            } else {
                out.errors.push(RecordError {
                    id: r.id.clone(),
                    collection: "tasks".into(),
                    index: None,
                    error: "busy".into(),
                });
            }
        }
        Ok(out)
    });
    let m = rig.manager(vec![tasks()]).with_config(config(50, 3));
    for _ in 0..6 {
        let res = block_on(m.pull(&tasks()));
        assert!(res.quarantined.is_empty());
    }
    assert!(m.quarantined("tasks").is_empty());
}

#[test]
fn retryable_pull_failures_never_quarantine() {
    let rig = Rig::new();
    rig.transport.on_pull(|_, _| {
        Ok(less_db::sync::PullResult {
            records: vec![],
            latest_sequence: Some(100),
            failures: vec![PullFailure {
                id: "r1".into(),
                sequence: 100,
                error: "key not yet available".into(),
                retryable: true,
            }],
        })
    });
    let m = rig.manager(vec![tasks()]).with_config(config(50, 1));
    for _ in 0..4 {
        let res = block_on(m.pull(&tasks()));
        assert_eq!(res.errors.len(), 1);
    }
    assert!(m.quarantined("tasks").is_empty());
    assert_eq!(
        rig.storage.sequence("tasks"),
        99,
        "a retryable failure holds the cursor"
    );
}

#[test]
fn permanent_pull_failures_count_towards_quarantine() {
    let rig = Rig::new();
    let round = Arc::new(AtomicUsize::new(0));
    let r = round.clone();
    rig.transport.on_pull(move |_, _| {
        if r.fetch_add(1, Ordering::SeqCst) >= 2 {
            // The server can deliver r1 again: it stays out while quarantined.
            return Ok(pulled(
                vec![remote("r1", 104), remote("r2", 105)],
                Some(105),
            ));
        }
        Ok(less_db::sync::PullResult {
            records: vec![remote("r2", 103)],
            latest_sequence: Some(103),
            failures: vec![PullFailure {
                id: "r1".into(),
                sequence: 100,
                error: "cannot decrypt".into(),
                retryable: false,
            }],
        })
    });
    let m = rig.manager(vec![tasks()]).with_config(config(50, 2));
    let first = block_on(m.pull(&tasks()));
    assert_eq!(first.errors[0].id.as_deref(), Some("r1"));
    assert_eq!(rig.storage.sequence("tasks"), 99);
    let second = block_on(m.pull(&tasks()));
    assert_eq!(second.quarantined, vec!["r1"]);
    assert_eq!(rig.storage.sequence("tasks"), 99);
    block_on(m.pull(&tasks()));
    assert_eq!(rig.storage.applied_ids().pop().unwrap(), vec!["r2"]);
}

#[test]
fn quarantined_dirty_records_are_not_pushed() {
    let rig = Rig::new();
    rig.storage
        .set_dirty("tasks", vec![dirty("r1"), dirty("r2")]);
    *rig.storage.fail_mark_synced.lock() = Some("cannot write".into());
    let m = rig.manager(vec![tasks()]).with_config(config(50, 2));
    block_on(m.push(&tasks()));
    let second = block_on(m.push(&tasks()));
    assert_eq!(second.quarantined, vec!["r1", "r2"]);
    block_on(m.push(&tasks()));
    assert_eq!(
        rig.transport.pushes.lock().len(),
        2,
        "third push has nothing to send"
    );
    *rig.storage.fail_mark_synced.lock() = None;
    block_on(m.retry_quarantined("tasks"));
    let res = block_on(m.push(&tasks()));
    assert_eq!(res.pushed, 2);
}

#[test]
fn quarantine_applies_to_records_applied_from_a_push_channel() {
    let rig = Rig::new();
    rig.storage.fail_ids(&["bad"]);
    let m = rig.manager(vec![tasks()]).with_config(config(50, 2));
    let batch = [remote("bad", 100), remote("good", 101)];
    block_on(m.apply_remote_records(&tasks(), &batch, 101));
    block_on(m.apply_remote_records(&tasks(), &batch, 101));
    block_on(m.apply_remote_records(&tasks(), &batch, 101));
    assert_eq!(rig.storage.applied_ids().pop().unwrap(), vec!["good"]);
}

#[test]
fn quarantine_is_per_collection() {
    let rig = Rig::new();
    rig.transport
        .on_pull(|_, _| Ok(pulled(vec![remote("bad", 5)], Some(5))));
    rig.storage.fail_ids(&["bad"]);
    let m = rig
        .manager(vec![tasks(), named("notes")])
        .with_config(config(50, 1));
    block_on(m.pull(&tasks()));
    assert_eq!(m.quarantined("tasks"), vec!["bad"]);
    assert!(m.quarantined("notes").is_empty());
}
