//! Put on one device, push, pull on another: same data, same CRDT.

use less_db::storage::traits::{StorageRead, StorageSync, StorageWrite};
use less_db::sync::MemoryServer;
use less_db::types::PutOptions;
use serde_json::json;

use crate::common::{Device, task, tasks};

#[test]
fn a_record_arrives_identical_on_the_other_device() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    let created = a.put(
        &def,
        "t1",
        json!({"title": "Buy milk", "done": false, "notes": "2L", "tags": ["home"]}),
    );
    assert_eq!(a.sync(&def).pushed, 1);
    assert_eq!(b.sync(&def).pulled, 1);
    let got = b.record(&def, "t1").unwrap();
    assert_eq!(got.data, created.data);
    assert_eq!(got.crdt, a.record(&def, "t1").unwrap().crdt);
    assert!(!got.dirty);
}

#[test]
fn a_pushed_record_is_clean_and_carries_the_server_sequence() {
    let server = MemoryServer::new();
    let def = tasks();
    let a = Device::new(&server, "a", std::slice::from_ref(&def));
    a.put(&def, "t1", task("x"));
    assert!(a.record(&def, "t1").unwrap().dirty);
    a.sync(&def);
    let r = a.record(&def, "t1").unwrap();
    assert!(!r.dirty);
    assert_eq!(r.sequence, server.record("tasks", "t1").unwrap().sequence);
    assert!(a.db.get_dirty(&def).unwrap().records.is_empty());
}

#[test]
fn patches_round_trip_too() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("draft"));
    a.sync(&def);
    b.sync(&def);
    b.patch(&def, "t1", json!({"done": true, "notes": "finished on b"}));
    assert_eq!(b.sync(&def).pushed, 1);
    assert_eq!(a.sync(&def).pulled, 1);
    let got = a.get(&def, "t1").unwrap();
    assert_eq!(got["done"], json!(true));
    assert_eq!(got["notes"], json!("finished on b"));
    assert_eq!(got["title"], json!("draft"));
}

#[test]
fn own_pushes_are_not_applied_again_on_the_next_pull() {
    let server = MemoryServer::new();
    let def = tasks();
    let a = Device::new(&server, "a", std::slice::from_ref(&def));
    a.put(&def, "t1", task("x"));
    a.sync(&def);
    let again = a.sync(&def);
    assert_eq!((again.pulled, again.pushed), (0, 0));
}

#[test]
fn a_second_pull_with_nothing_new_changes_nothing() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("x"));
    a.sync(&def);
    assert_eq!(b.sync(&def).pulled, 1);
    let before = b.state(&def);
    assert_eq!(b.sync(&def).pulled, 0);
    assert_eq!(b.state(&def), before);
}

#[test]
fn a_hundred_records_go_through_in_batches() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    let docs = (0..100).map(|i| json!({"id": format!("t{i:03}"), "title": format!("task {i}"), "done": i % 2 == 0, "notes": "", "tags": []})).collect();
    let put = a.db.bulk_put(&def, docs, &PutOptions::default()).unwrap();
    assert!(put.errors.is_empty());
    assert_eq!(a.sync(&def).pushed, 100);
    assert_eq!(server.stats().pushes, 2, "batches of 50");
    assert_eq!(b.sync(&def).pulled, 100);
    assert_eq!(a.state(&def), b.state(&def));
    assert_eq!(b.db.count(&def, None).unwrap(), 100);
}

#[test]
fn the_cursor_is_the_highest_server_sequence_seen() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("1"));
    a.put(&def, "t2", task("2"));
    a.sync(&def);
    b.sync(&def);
    assert_eq!(
        b.sync.last_sequence("tasks").unwrap(),
        server.last_sequence()
    );
}
