//! Concurrent edits on two devices, resolved by the CRDT and the delete strategy.

use std::sync::Arc;

use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::StorageRead;
use less_db::sync::{MemoryServer, SyncConfig};
use less_db::types::DeleteConflictStrategy;
use serde_json::json;

use crate::common::{Device, sync_all, task, tasks};

fn pair(strategy: DeleteConflictStrategy) -> (MemoryServer, Device, Device) {
    let server = MemoryServer::new();
    let def = tasks();
    let config = SyncConfig {
        delete_conflict_strategy: strategy,
        ..SyncConfig::default()
    };
    let open = |name| {
        Device::open(
            &server,
            name,
            std::slice::from_ref(&def),
            SqliteBackend::open_in_memory().unwrap(),
            config.clone(),
        )
    };
    let (a, b) = (open("a"), open("b"));
    a.put(
        &def,
        "t1",
        json!({"title": "plan", "done": false, "notes": "hello", "tags": ["x"]}),
    );
    a.sync(&def);
    b.sync(&def);
    (server, a, b)
}

#[test]
fn edits_to_different_fields_both_survive() {
    let (_s, a, b) = pair(DeleteConflictStrategy::default());
    let def = tasks();
    a.patch(&def, "t1", json!({"title": "plan v2"}));
    b.patch(&def, "t1", json!({"done": true}));
    a.sync(&def);
    let res = b.sync(&def);
    assert_eq!(res.merged, 1);
    a.sync(&def);
    let got = a.get(&def, "t1").unwrap();
    assert_eq!(got["title"], json!("plan v2"));
    assert_eq!(got["done"], json!(true));
    assert_eq!(a.state(&def), b.state(&def));
}

#[test]
fn concurrent_text_edits_keep_both_insertions() {
    let (_s, a, b) = pair(DeleteConflictStrategy::default());
    let def = tasks();
    a.patch(&def, "t1", json!({"notes": "hello world"}));
    b.patch(&def, "t1", json!({"notes": "oh hello"}));
    sync_all(&[&a, &b], &def);
    let notes = a.get(&def, "t1").unwrap()["notes"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(notes.contains("oh ") && notes.contains(" world"), "{notes}");
    assert_eq!(a.state(&def), b.state(&def));
}

#[test]
fn the_same_atomic_field_ends_equal_everywhere() {
    let (_s, a, b) = pair(DeleteConflictStrategy::default());
    let def = tasks();
    a.patch(&def, "t1", json!({"title": "from a"}));
    b.patch(&def, "t1", json!({"title": "from b"}));
    sync_all(&[&a, &b], &def);
    let title = a.get(&def, "t1").unwrap()["title"].clone();
    assert!(title == json!("from a") || title == json!("from b"));
    assert_eq!(b.get(&def, "t1").unwrap()["title"], title);
}

#[test]
fn a_stale_push_is_refused_then_merged_and_accepted() {
    let (server, a, b) = pair(DeleteConflictStrategy::default());
    let def = tasks();
    a.patch(&def, "t1", json!({"title": "a's"}));
    a.sync(&def);
    b.patch(&def, "t1", json!({"done": true}));
    // Push only: b has not seen a's change, so the server refuses b's record.
    let refused = less_db_block(b.sync.push(&def));
    assert_eq!(refused.pushed, 0);
    assert_eq!(server.stats().rejected_stale, 1);
    assert!(b.record(&def, "t1").unwrap().dirty);
    // A full sync pulls a's change first, merges, and the merged record goes through.
    let res = b.sync(&def);
    assert_eq!((res.merged, res.pushed), (1, 1));
    a.sync(&def);
    let got = a.get(&def, "t1").unwrap();
    assert_eq!(
        (got["title"].clone(), got["done"].clone()),
        (json!("a's"), json!(true))
    );
}

fn less_db_block<F: std::future::Future>(f: F) -> F::Output {
    crate::common::block_on(f)
}

#[test]
fn remote_wins_lets_a_pushed_delete_beat_a_later_synced_edit() {
    let (_s, a, b) = pair(DeleteConflictStrategy::RemoteWins);
    let def = tasks();
    a.delete(&def, "t1");
    a.sync(&def);
    b.patch(&def, "t1", json!({"title": "edited offline"}));
    b.sync(&def);
    assert_eq!(b.get(&def, "t1"), None);
    a.sync(&def);
    assert_eq!(a.state(&def), b.state(&def));
}

#[test]
fn remote_wins_lets_a_pushed_edit_undo_a_local_delete() {
    let (_s, a, b) = pair(DeleteConflictStrategy::RemoteWins);
    let def = tasks();
    b.patch(&def, "t1", json!({"title": "edited"}));
    b.sync(&def);
    a.delete(&def, "t1");
    a.sync(&def);
    assert_eq!(a.get(&def, "t1").unwrap()["title"], json!("edited"));
    b.sync(&def);
    assert_eq!(a.state(&def), b.state(&def));
}

#[test]
fn update_wins_keeps_the_edited_record_alive() {
    let (server, a, b) = pair(DeleteConflictStrategy::UpdateWins);
    let def = tasks();
    a.delete(&def, "t1");
    a.sync(&def);
    b.patch(&def, "t1", json!({"title": "still needed"}));
    b.sync(&def);
    assert_eq!(b.get(&def, "t1").unwrap()["title"], json!("still needed"));
    assert!(
        !server.record("tasks", "t1").unwrap().deleted,
        "the edit was pushed back"
    );
    a.sync(&def);
    assert_eq!(a.get(&def, "t1").unwrap()["title"], json!("still needed"));
}

#[test]
fn delete_wins_removes_the_record_even_against_local_edits() {
    let (_s, a, b) = pair(DeleteConflictStrategy::DeleteWins);
    let def = tasks();
    b.patch(&def, "t1", json!({"title": "edited"}));
    b.sync(&def);
    a.delete(&def, "t1");
    a.sync(&def);
    assert_eq!(a.get(&def, "t1"), None);
    b.sync(&def);
    assert_eq!(b.get(&def, "t1"), None);
}

#[test]
fn a_custom_rule_decides_delete_conflicts() {
    // Keep records whose local copy is marked done; let the rest go.
    let rule = DeleteConflictStrategy::Custom(Arc::new(|local, _remote| {
        if local.data["done"] == json!(true) {
            less_db::types::DeleteResolution::Keep
        } else {
            less_db::types::DeleteResolution::Delete
        }
    }));
    let (_s, a, b) = pair(rule);
    let def = tasks();
    b.put(&def, "t2", task("second"));
    b.sync(&def);
    a.sync(&def);
    a.delete(&def, "t1");
    a.delete(&def, "t2");
    a.sync(&def);
    b.patch(&def, "t1", json!({"done": true}));
    b.patch(&def, "t2", json!({"title": "renamed"}));
    b.sync(&def);
    assert!(b.get(&def, "t1").is_some());
    assert!(b.get(&def, "t2").is_none());
}

#[test]
fn three_devices_converge_after_crossing_edits() {
    let server = MemoryServer::new();
    let def = tasks();
    let devs: Vec<Device> = ["a", "b", "c"]
        .iter()
        .map(|n| Device::new(&server, n, std::slice::from_ref(&def)))
        .collect();
    devs[0].put(&def, "t1", task("shared"));
    devs[0].sync(&def);
    for d in &devs[1..] {
        d.sync(&def);
    }
    devs[0].patch(&def, "t1", json!({"title": "a"}));
    devs[1].patch(&def, "t1", json!({"notes": "b wrote this"}));
    devs[2].patch(&def, "t1", json!({"tags": ["c"]}));
    devs[2].put(&def, "t2", task("c's own"));
    let refs: Vec<&Device> = devs.iter().collect();
    sync_all(&refs, &def);
    let first = devs[0].state(&def);
    for d in &devs[1..] {
        assert_eq!(d.state(&def), first);
    }
    let t1 = devs[0].get(&def, "t1").unwrap();
    assert_eq!(t1["title"], json!("a"));
    assert_eq!(t1["notes"], json!("b wrote this"));
    assert_eq!(t1["tags"], json!(["c"]));
    assert_eq!(devs[1].db.count(&def, None).unwrap(), 2);
}
