//! Record metadata (e.g. which space a record belongs to) travels with the record.

use less_db::storage::traits::StorageWrite;
use less_db::sync::MemoryServer;
use less_db::types::{DeleteOptions, PutOptions};
use serde_json::json;

use crate::common::{Device, task, tasks};

fn put_with_meta(d: &Device, id: &str, meta: serde_json::Value) {
    let opts = PutOptions {
        id: Some(id.into()),
        session_id: Some(d.sid),
        meta: Some(meta),
        ..PutOptions::default()
    };
    d.db.put(&tasks(), task("with meta"), &opts).unwrap();
}

#[test]
fn metadata_is_pushed_and_pulled_with_the_record() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    put_with_meta(&a, "t1", json!({"space": "team-1"}));
    a.sync(&def);
    assert_eq!(
        server.record("tasks", "t1").unwrap().meta,
        Some(json!({"space": "team-1"}))
    );
    b.sync(&def);
    assert_eq!(
        b.record(&def, "t1").unwrap().meta,
        Some(json!({"space": "team-1"}))
    );
}

#[test]
fn a_metadata_change_is_synced() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    put_with_meta(&a, "t1", json!({"space": "one"}));
    a.sync(&def);
    b.sync(&def);
    let opts = less_db::types::PatchOptions {
        id: "t1".into(),
        meta: Some(json!({"space": "two"})),
        ..Default::default()
    };
    a.db.patch(&def, json!({"title": "moved"}), &opts).unwrap();
    a.sync(&def);
    b.sync(&def);
    let r = b.record(&def, "t1").unwrap();
    assert_eq!(r.meta, Some(json!({"space": "two"})));
    assert_eq!(r.data["title"], json!("moved"));
}

#[test]
fn a_delete_carries_its_metadata_to_the_server() {
    let server = MemoryServer::new();
    let def = tasks();
    let a = Device::new(&server, "a", std::slice::from_ref(&def));
    put_with_meta(&a, "t1", json!({"space": "one"}));
    a.sync(&def);
    let opts = DeleteOptions {
        meta: Some(json!({"space": "one", "deletedBy": "a"})),
    };
    a.db.delete(&def, "t1", &opts).unwrap();
    a.sync(&def);
    let stored = server.record("tasks", "t1").unwrap();
    assert!(stored.deleted);
    assert_eq!(stored.meta, Some(json!({"space": "one", "deletedBy": "a"})));
}

#[test]
fn records_without_metadata_have_none_everywhere() {
    let server = MemoryServer::new();
    let def = tasks();
    let (a, b) = (
        Device::new(&server, "a", std::slice::from_ref(&def)),
        Device::new(&server, "b", std::slice::from_ref(&def)),
    );
    a.put(&def, "t1", task("plain"));
    a.sync(&def);
    b.sync(&def);
    assert_eq!(server.record("tasks", "t1").unwrap().meta, None);
    assert_eq!(b.record(&def, "t1").unwrap().meta, None);
}
