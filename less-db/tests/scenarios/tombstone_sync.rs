//! Deletes travel as tombstones.

use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};
use less_db::sync::MemoryServer;
use less_db::types::{DeleteOptions, PurgeTombstonesOptions};
use serde_json::json;

use crate::common::{Device, task, tasks};

#[test]
fn a_delete_reaches_every_device() {
    let server = MemoryServer::new();
    let def = tasks();
    let devs: Vec<Device> = ["a", "b", "c"]
        .iter()
        .map(|n| Device::new(&server, n, std::slice::from_ref(&def)))
        .collect();
    devs[0].put(&def, "t1", task("doomed"));
    devs[0].sync(&def);
    devs[1].sync(&def);
    devs[2].sync(&def);
    devs[1].delete(&def, "t1");
    devs[1].sync(&def);
    let stored = server.record("tasks", "t1").unwrap();
    assert!(stored.deleted && stored.crdt.is_none());
    devs[0].sync(&def);
    devs[2].sync(&def);
    for d in &devs {
        assert!(d.record(&def, "t1").unwrap().deleted, "{}", d.name);
        assert_eq!(d.db.count(&def, None).unwrap(), 0);
    }
}

#[test]
fn a_record_created_and_deleted_offline_still_leaves_a_tombstone() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("brief"));
    a.delete(&def, "t1");
    assert_eq!(a.db.get_dirty(&def).unwrap().records.len(), 1);
    a.sync(&def);
    assert!(server.record("tasks", "t1").unwrap().deleted);
    b.sync(&def);
    assert!(b.record(&def, "t1").unwrap().deleted);
}

#[test]
fn a_tombstone_for_an_unknown_record_is_kept() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("x"));
    a.sync(&def);
    a.delete(&def, "t1");
    a.sync(&def);
    // b never saw the live record; it still learns the id is gone.
    b.sync(&def);
    let r = b.record(&def, "t1").unwrap();
    assert!(r.deleted && !r.dirty);
}

#[test]
fn a_deleted_id_cannot_be_written_again() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("x"));
    a.sync(&def);
    b.sync(&def);
    a.delete(&def, "t1");
    a.sync(&def);
    b.sync(&def);
    let put = b.db.put(
        &def,
        task("again"),
        &less_db::types::PutOptions {
            id: Some("t1".into()),
            ..Default::default()
        },
    );
    assert!(put.is_err());
    assert!(
        !b.db.delete(&def, "t1", &DeleteOptions::default()).unwrap(),
        "already gone"
    );
}

#[test]
fn bulk_deletes_sync_as_tombstones() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    for i in 0..6 {
        a.put(&def, &format!("t{i}"), task(&format!("{i}")));
    }
    a.patch(&def, "t0", json!({"done": true}));
    a.patch(&def, "t1", json!({"done": true}));
    a.sync(&def);
    b.sync(&def);
    let filter = less_db::query::Filter::from_value(&json!({"done": true})).unwrap();
    let gone =
        b.db.delete_many(&def, &filter, &DeleteOptions::default())
            .unwrap();
    assert_eq!(gone.deleted_ids.len(), 2);
    assert_eq!(b.sync(&def).pushed, 2);
    a.sync(&def);
    assert_eq!(a.db.count(&def, None).unwrap(), 4);
    assert_eq!(a.state(&def), b.state(&def));
}

#[test]
fn purging_local_tombstones_does_not_bring_records_back() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("x"));
    a.put(&def, "t2", task("y"));
    a.sync(&def);
    a.delete(&def, "t1");
    a.sync(&def);
    b.sync(&def);
    assert_eq!(
        a.db.purge_tombstones(&def, &PurgeTombstonesOptions::default())
            .unwrap(),
        1
    );
    a.put(&def, "t3", task("z"));
    a.sync(&def);
    b.sync(&def);
    a.sync(&def);
    // a had not pulled past its own delete, so the server's tombstone may come back,
    // but only ever as a tombstone.
    assert!(a.get(&def, "t1").is_none());
    assert!(a.record(&def, "t1").is_none_or(|r| r.deleted));
    assert_eq!(a.db.count(&def, None).unwrap(), 2);
    assert!(b.record(&def, "t1").unwrap().deleted);
}
