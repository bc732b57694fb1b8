//! A record's life across devices: created, synced, edited elsewhere, deleted, purged;
//! offline work; restarts.

use less_db::storage::traits::StorageRead;
use less_db::sync::{MemoryServer, SyncTransport};
use less_db::types::PurgeTombstonesOptions;
use serde_json::json;

use crate::common::{Device, block_on, task, tasks};

#[test]
fn create_sync_edit_elsewhere_delete_purge() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );

    a.put(&def, "t1", task("write report"));
    a.sync(&def);
    b.sync(&def);
    assert_eq!(b.get(&def, "t1").unwrap()["title"], json!("write report"));

    b.patch(&def, "t1", json!({"done": true}));
    b.sync(&def);
    a.sync(&def);
    assert_eq!(a.get(&def, "t1").unwrap()["done"], json!(true));

    assert!(a.delete(&def, "t1"));
    a.sync(&def);
    b.sync(&def);
    assert_eq!(b.get(&def, "t1"), None);
    assert!(b.record(&def, "t1").unwrap().deleted);

    // Once everyone has the tombstone it can go.
    let purged =
        b.db.purge_tombstones(&def, &PurgeTombstonesOptions::default())
            .unwrap();
    assert_eq!(purged, 1);
    assert!(b.record(&def, "t1").is_none());
    assert_eq!(b.sync(&def).pulled, 0, "the cursor is past the tombstone");
    assert!(b.record(&def, "t1").is_none());
}

#[test]
fn offline_edits_queue_up_and_go_out_on_reconnect() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.net.set_online(false);
    for i in 0..5 {
        a.put(&def, &format!("t{i}"), task(&format!("offline {i}")));
    }
    let failed = a.try_sync(&def);
    assert_eq!(failed.pushed, 0);
    assert!(failed.has_step_failure());
    assert_eq!(failed.errors.len(), 2, "pull and push both failed");
    assert!(server.records("tasks").is_empty());

    a.net.set_online(true);
    assert_eq!(a.sync(&def).pushed, 5);
    assert_eq!(b.sync(&def).pulled, 5);
}

#[test]
fn the_cursor_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let server = MemoryServer::new();
    let def = tasks();
    let other = Device::new(&server, "other", std::slice::from_ref(&def));
    other.put(&def, "t1", task("one"));
    other.put(&def, "t2", task("two"));
    other.sync(&def);
    {
        let a = Device::on_file(&server, "a", std::slice::from_ref(&def), &path);
        assert_eq!(a.sync(&def).pulled, 2);
    }
    other.put(&def, "t3", task("three"));
    other.sync(&def);

    let a = Device::on_file(&server, "a", std::slice::from_ref(&def), &path);
    assert_eq!(a.sync.last_sequence("tasks").unwrap(), 2);
    let res = a.sync(&def);
    assert_eq!(res.pulled, 1, "only what came after the stored cursor");
    assert_eq!(a.db.count(&def, None).unwrap(), 3);
}

#[test]
fn unsynced_work_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let server = MemoryServer::new();
    let def = tasks();
    {
        let a = Device::on_file(&server, "a", std::slice::from_ref(&def), &path);
        a.put(&def, "t1", task("before crash"));
    }
    let a = Device::on_file(&server, "a", std::slice::from_ref(&def), &path);
    assert_eq!(a.sync(&def).pushed, 1);
    let pulled = block_on(server.pull("tasks", 0)).unwrap();
    assert_eq!(pulled.records[0].id, "t1");
}

#[test]
fn a_device_joining_late_gets_the_whole_history() {
    let server = MemoryServer::new();
    let def = tasks();
    let a = Device::new(&server, "a", std::slice::from_ref(&def));
    for i in 0..10 {
        a.put(&def, &format!("t{i}"), task("x"));
    }
    a.sync(&def);
    a.delete(&def, "t3");
    a.patch(&def, "t4", json!({"title": "changed"}));
    a.sync(&def);
    let late = Device::new(&server, "late", std::slice::from_ref(&def));
    late.sync(&def);
    assert_eq!(late.state(&def), a.state(&def));
    assert_eq!(late.db.count(&def, None).unwrap(), 9);
}
