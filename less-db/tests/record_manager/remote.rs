use less_db::error::LessDbError;
use less_db::storage::record_manager::{prepare_delete, prepare_patch};
use less_db::storage::remote_changes::{
    RemoteContext, RemoteDecision, apply_remote_decision, apply_remote_decisions,
    process_remote_record, resolve_delete_conflict,
};
use less_db::types::{
    DeleteConflictStrategy, DeleteOptions, DeleteResolution, PatchOptions, RemoteAction,
    RemoteRecord, SerializedRecord,
};
use serde_json::json;

use crate::common::*;

fn clean(rec: SerializedRecord, seq: i64) -> SerializedRecord {
    SerializedRecord {
        dirty: false,
        pending_patches: Vec::new(),
        sequence: seq,
        ..rec
    }
}

fn dirty_edit(base: &SerializedRecord) -> SerializedRecord {
    prepare_patch(
        &users_def(),
        base,
        json!({"name": "Local edit"}),
        SID,
        &PatchOptions::default(),
    )
    .unwrap()
    .record
}

fn dirty_delete(base: &SerializedRecord) -> SerializedRecord {
    prepare_delete(base, &DeleteOptions::default())
}

fn live_remote(base: &SerializedRecord, seq: i64) -> RemoteRecord {
    remote_edit(
        &users_def(),
        base,
        &data_with(base, json!({"email": "remote@x.io"})),
        seq,
    )
}

fn decide(
    local: Option<&SerializedRecord>,
    remote: &RemoteRecord,
    strategy: DeleteConflictStrategy,
) -> RemoteDecision {
    process_remote_record(
        &users_def(),
        local,
        remote,
        &strategy,
        RemoteContext::default(),
    )
    .unwrap()
}

#[test]
fn unknown_record_is_inserted_live_or_as_tombstone() {
    let base = new_user("u1");
    match decide(
        None,
        &live_remote(&base, 10),
        DeleteConflictStrategy::RemoteWins,
    ) {
        RemoteDecision::Insert(r) => {
            assert!(!r.deleted && !r.dirty);
            assert_eq!(r.sequence, 10);
            assert_eq!(r.data["email"], json!("remote@x.io"));
        }
        other => panic!("{other:?}"),
    }
    match decide(
        None,
        &remote_tombstone("x", 5),
        DeleteConflictStrategy::RemoteWins,
    ) {
        RemoteDecision::Insert(r) => assert!(r.deleted && r.id == "x" && r.sequence == 5),
        other => panic!("{other:?}"),
    }
}

#[test]
fn clean_local_takes_the_remote_state() {
    let base = clean(new_user("u1"), 1);
    match decide(
        Some(&base),
        &live_remote(&base, 2),
        DeleteConflictStrategy::RemoteWins,
    ) {
        RemoteDecision::Update(r) => {
            assert_eq!(r.data["email"], json!("remote@x.io"));
            assert_eq!(r.sequence, 2);
            assert!(!r.dirty);
        }
        other => panic!("{other:?}"),
    }
    match decide(
        Some(&base),
        &remote_tombstone("u1", 3),
        DeleteConflictStrategy::RemoteWins,
    ) {
        RemoteDecision::Delete(r) => assert!(r.deleted && !r.dirty && r.sequence == 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn clean_tombstone_is_resurrected_or_moves_its_sequence() {
    let alive = clean(new_user("u1"), 1);
    let gone = SerializedRecord {
        deleted: true,
        ..alive.clone()
    };
    match decide(
        Some(&gone),
        &live_remote(&alive, 4),
        DeleteConflictStrategy::RemoteWins,
    ) {
        RemoteDecision::Update(r) => assert!(!r.deleted),
        other => panic!("{other:?}"),
    }
    match decide(
        Some(&gone),
        &remote_tombstone("u1", 5),
        DeleteConflictStrategy::RemoteWins,
    ) {
        RemoteDecision::Update(r) => assert!(r.deleted && r.sequence == 5),
        other => panic!("{other:?}"),
    }
}

#[test]
fn both_deleted_is_not_a_conflict() {
    let base = clean(new_user("u1"), 1);
    let local = dirty_delete(&base);
    match decide(
        Some(&local),
        &remote_tombstone("u1", 6),
        DeleteConflictStrategy::UpdateWins,
    ) {
        RemoteDecision::Update(r) => assert!(r.deleted && !r.dirty),
        other => panic!("{other:?}"),
    }
}

#[test]
fn local_edit_against_remote_delete_follows_the_strategy() {
    let base = clean(new_user("u1"), 1);
    let local = dirty_edit(&base);
    let remote = remote_tombstone("u1", 7);
    match decide(Some(&local), &remote, DeleteConflictStrategy::DeleteWins) {
        RemoteDecision::Delete(r) => assert!(r.deleted),
        other => panic!("{other:?}"),
    }
    match decide(Some(&local), &remote, DeleteConflictStrategy::UpdateWins) {
        RemoteDecision::Conflict(r) => {
            assert!(!r.deleted && r.dirty);
            assert_eq!(r.sequence, 7);
            assert_eq!(r.data["name"], json!("Local edit"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn local_delete_against_remote_edit_follows_the_strategy() {
    let base = clean(new_user("u1"), 1);
    let local = dirty_delete(&base);
    let remote = live_remote(&base, 8);
    match decide(Some(&local), &remote, DeleteConflictStrategy::DeleteWins) {
        RemoteDecision::Conflict(r) => assert!(r.deleted && r.dirty && r.sequence == 8),
        other => panic!("{other:?}"),
    }
    match decide(Some(&local), &remote, DeleteConflictStrategy::UpdateWins) {
        RemoteDecision::Update(r) => assert!(!r.deleted && r.data["email"] == json!("remote@x.io")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn both_edited_merges() {
    let base = clean(new_user("u1"), 1);
    let local = dirty_edit(&base);
    match decide(
        Some(&local),
        &live_remote(&base, 9),
        DeleteConflictStrategy::RemoteWins,
    ) {
        RemoteDecision::Merge(r) => {
            assert_eq!(r.data["name"], json!("Local edit"));
            assert_eq!(r.data["email"], json!("remote@x.io"));
            assert!(r.dirty);
            assert_eq!(r.sequence, 9);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn remote_that_is_not_newer_is_skipped() {
    let base = clean(new_user("u1"), 20);
    let stale = live_remote(&base, 20);
    let older = live_remote(&base, 3);
    for local in [base.clone(), dirty_edit(&base)] {
        for remote in [&stale, &older] {
            let d = decide(Some(&local), remote, DeleteConflictStrategy::RemoteWins);
            assert_eq!(d, RemoteDecision::Skip { id: "u1".into() });
            assert_eq!(d.action(), RemoteAction::Skipped);
        }
    }
    // A never-synced local record (sequence 0) is not skipped.
    let fresh = new_user("u1");
    assert!(matches!(
        decide(
            Some(&fresh),
            &live_remote(&fresh, 1),
            DeleteConflictStrategy::RemoteWins
        ),
        RemoteDecision::Merge(_)
    ));
}

#[test]
fn corrupt_remote_bytes_fail_only_that_record() {
    let base = clean(new_user("u1"), 1);
    let mut bad = live_remote(&base, 2);
    bad.crdt = Some(vec![0xba, 0xad, 0xf0, 0x0d]);
    let strategy = DeleteConflictStrategy::RemoteWins;
    let def = users_def();
    assert!(
        process_remote_record(&def, Some(&base), &bad, &strategy, RemoteContext::default())
            .is_err()
    );
    assert!(process_remote_record(&def, None, &bad, &strategy, RemoteContext::default()).is_err());
    let mut huge = bad.clone();
    huge.crdt = Some(vec![0; less_db::crdt::MAX_CRDT_BINARY_SIZE + 1]);
    assert!(process_remote_record(&def, None, &huge, &strategy, RemoteContext::default()).is_err());
    let good = live_remote(&base, 2);
    assert!(
        process_remote_record(
            &def,
            Some(&base),
            &good,
            &strategy,
            RemoteContext::default()
        )
        .is_ok()
    );
}

#[test]
fn delete_conflict_strategies() {
    let local = new_user("u1");
    let gone_local = SerializedRecord {
        deleted: true,
        ..local.clone()
    };
    let live = live_remote(&local, 10);
    let gone = remote_tombstone("u1", 10);
    use DeleteConflictStrategy as S;
    use DeleteResolution as R;
    assert_eq!(
        resolve_delete_conflict(&S::RemoteWins, &local, &gone),
        R::Delete
    );
    assert_eq!(
        resolve_delete_conflict(&S::RemoteWins, &gone_local, &live),
        R::Keep
    );
    assert_eq!(
        resolve_delete_conflict(&S::LocalWins, &gone_local, &live),
        R::Delete
    );
    assert_eq!(
        resolve_delete_conflict(&S::LocalWins, &local, &gone),
        R::Keep
    );
    assert_eq!(
        resolve_delete_conflict(&S::DeleteWins, &local, &live),
        R::Delete
    );
    assert_eq!(
        resolve_delete_conflict(&S::UpdateWins, &gone_local, &gone),
        R::Keep
    );
    let custom = S::Custom(std::sync::Arc::new(
        |l: &SerializedRecord, r: &RemoteRecord| {
            if l.id == r.id && r.sequence > 5 {
                R::Delete
            } else {
                R::Keep
            }
        },
    ));
    assert_eq!(resolve_delete_conflict(&custom, &local, &live), R::Delete);
    assert_eq!(
        resolve_delete_conflict(&custom, &local, &remote_tombstone("u1", 1)),
        R::Keep
    );
}

#[test]
fn applying_decisions_writes_all_but_skips_and_collects_errors() {
    let base = new_user("u1");
    let other = new_user("u2");
    let decisions = vec![
        RemoteDecision::Insert(base.clone()),
        RemoteDecision::Skip { id: "u9".into() },
        RemoteDecision::Update(other.clone()),
    ];
    let mut written = Vec::new();
    let (applied, errors) = apply_remote_decisions("users", decisions, &mut |r| {
        if r.id == "u2" {
            return Err(LessDbError::Internal("disk full".into()));
        }
        written.push(r.id.clone());
        Ok(())
    });
    assert_eq!(written, vec!["u1".to_string()]);
    assert_eq!(applied.len(), 2);
    assert_eq!(applied[1].action, RemoteAction::Skipped);
    assert_eq!(applied[1].id, "u9");
    assert!(applied[1].record.is_none());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].id, "u2");
    assert_eq!(errors[0].index, Some(2));
    assert!(errors[0].error.contains("disk full"));

    let one = apply_remote_decision(RemoteDecision::Merge(base), &mut |_| Ok(())).unwrap();
    assert_eq!(one.action, RemoteAction::Merged);
}
