//! Devices on different schema versions share records through the server.
//!
//! `docs` v1 has a title and a body; v2 adds a priority (v1 records migrate to 1).
//! A v2 device migrates v1 records it pulls and merges them with its own edits; a v1
//! device cannot read v2 records, so it holds them back (quarantined, the cursor kept
//! before them) until it is upgraded, and then everything converges.

use std::sync::Arc;

use less_db::collection::{CollectionDef, collection};
use less_db::schema::t;
use less_db::storage::traits::StorageRead;
use less_db::sync::MemoryServer;
use serde_json::{Value, json};

use crate::common::{Device, block_on};

fn v1_shape() -> less_db::schema::SchemaNode {
    t::object([("title", t::string()), ("body", t::text())])
}

fn docs_v1() -> Arc<CollectionDef> {
    collection("docs").v(1, v1_shape()).build().unwrap()
}

fn docs_v2() -> Arc<CollectionDef> {
    collection("docs")
        .v(1, v1_shape())
        .v_migrate(
            2,
            t::object([
                ("title", t::string()),
                ("body", t::text()),
                ("priority", t::number()),
            ]),
            |mut data: Value| {
                if let Some(obj) = data.as_object_mut() {
                    obj.entry("priority").or_insert(json!(1));
                }
                Ok(data)
            },
        )
        .build()
        .unwrap()
}

fn doc(title: &str, body: &str) -> Value {
    json!({"title": title, "body": body})
}

#[test]
fn v1_records_are_migrated_by_a_v2_device() {
    let server = MemoryServer::new();
    let (v1, v2) = (docs_v1(), docs_v2());
    let old = Device::new(&server, "old", std::slice::from_ref(&v1));
    let new = Device::new(&server, "new", std::slice::from_ref(&v2));
    old.put(&v1, "d1", doc("hello", "first body"));
    old.sync(&v1);
    assert_eq!(server.record("docs", "d1").unwrap().version, 1);
    assert_eq!(new.sync(&v2).pulled, 1);
    let got = new.record(&v2, "d1").unwrap();
    assert_eq!(got.version, 2);
    assert_eq!(got.data["priority"], json!(1));
    assert_eq!(got.data["body"], json!("first body"));
}

#[test]
fn a_v2_device_merges_its_edits_with_v1_edits() {
    let server = MemoryServer::new();
    let (v1, v2) = (docs_v1(), docs_v2());
    let old = Device::new(&server, "old", std::slice::from_ref(&v1));
    let new = Device::new(&server, "new", std::slice::from_ref(&v2));
    old.put(&v1, "d1", doc("hello", "abc"));
    old.sync(&v1);
    new.sync(&v2);
    new.patch(&v2, "d1", json!({"priority": 3}));
    old.patch(&v1, "d1", json!({"title": "hello again"}));
    old.sync(&v1); // v1 edit reaches the server first
    let res = new.sync(&v2); // pulls the v1 record, migrates and merges, pushes v2
    assert_eq!((res.merged, res.pushed), (1, 1));
    let got = new.get(&v2, "d1").unwrap();
    assert_eq!(got["title"], json!("hello again"));
    assert_eq!(got["priority"], json!(3));
    assert_eq!(server.record("docs", "d1").unwrap().version, 2);
}

#[test]
fn an_old_device_holds_newer_records_until_it_upgrades_and_nothing_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let old_path = dir.path().join("old.db");
    let server = MemoryServer::new();
    let (v1, v2) = (docs_v1(), docs_v2());

    let old = Device::on_file(&server, "old", std::slice::from_ref(&v1), &old_path);
    let new = Device::new(&server, "new", std::slice::from_ref(&v2));
    old.put(&v1, "d1", doc("shared", "one"));
    old.put(&v1, "d2", doc("old's", "two"));
    old.sync(&v1);
    new.sync(&v2);

    // The v2 device edits d1 and creates d3: both reach the server at version 2.
    new.patch(
        &v2,
        "d1",
        json!({"priority": 5, "body": "one, edited on new"}),
    );
    new.put(
        &v2,
        "d3",
        json!({"title": "new's", "body": "three", "priority": 2}),
    );
    new.sync(&v2);
    assert_eq!(server.record("docs", "d3").unwrap().version, 2);

    // Meanwhile the v1 device edits d1 and d2.
    old.patch(&v1, "d1", json!({"title": "shared, renamed on old"}));
    old.patch(&v1, "d2", json!({"body": "two, edited on old"}));
    let mut quarantined = Vec::new();
    for _ in 0..3 {
        let res = old.try_sync(&v1);
        assert!(!res.has_step_failure());
        assert!(
            res.errors.iter().all(|e| e.id.is_some()),
            "{:?}",
            res.errors
        );
        quarantined.extend(res.quarantined);
    }
    quarantined.sort();
    assert_eq!(
        quarantined,
        vec!["d1", "d3"],
        "v2 records cannot be read at v1"
    );
    // d2 went out; d1 did not (the server has a newer d1 that old could not merge).
    assert!(!old.record(&v1, "d2").unwrap().dirty);
    assert!(old.record(&v1, "d1").unwrap().dirty);
    assert_eq!(
        old.sync.last_sequence("docs").unwrap(),
        server.record("docs", "d1").unwrap().sequence - 1,
        "the cursor waits before the first record it could not apply"
    );
    assert_eq!(server.records("docs").len(), 3);

    // Upgrade: the same database file, opened with the v2 definition.
    drop(old);
    let old = Device::on_file(&server, "old", std::slice::from_ref(&v2), &old_path);
    let res = old.sync(&v2);
    assert!(res.pulled >= 2, "{res:?}");
    new.sync(&v2);
    old.sync(&v2);

    assert_eq!(old.state(&v2), new.state(&v2));
    let d1 = old.get(&v2, "d1").unwrap();
    assert_eq!(
        d1["title"],
        json!("shared, renamed on old"),
        "old's offline edit kept"
    );
    assert_eq!(d1["body"], json!("one, edited on new"), "new's edit kept");
    assert_eq!(d1["priority"], json!(5));
    let d2 = old.get(&v2, "d2").unwrap();
    assert_eq!(
        (d2["body"].clone(), d2["priority"].clone()),
        (json!("two, edited on old"), json!(1))
    );
    assert_eq!(old.get(&v2, "d3").unwrap()["title"], json!("new's"));
    assert_eq!(old.db.count(&v2, None).unwrap(), 3);
    // Nothing dropped anywhere: three live records on the server too. (A record no
    // device edited since the upgrade stays at v1 there; devices migrate on read.)
    let on_server = server.records("docs");
    assert_eq!(on_server.len(), 3);
    assert!(on_server.iter().all(|r| !r.deleted));
    assert_eq!(server.record("docs", "d1").unwrap().version, 2);
}

#[test]
fn retry_after_upgrade_in_place_releases_held_records() {
    let server = MemoryServer::new();
    let (v1, v2) = (docs_v1(), docs_v2());
    let new = Device::new(&server, "new", std::slice::from_ref(&v2));
    new.put(
        &v2,
        "d9",
        json!({"title": "from the future", "body": "", "priority": 9}),
    );
    new.sync(&v2);
    let old = Device::new(&server, "old", std::slice::from_ref(&v1));
    for _ in 0..3 {
        old.try_sync(&v1);
    }
    assert_eq!(block_on(old.sync.retry_quarantined("docs")), vec!["d9"]);
    // Still v1: it fails again, counted from zero, and nothing is lost on the server.
    let res = old.try_sync(&v1);
    assert_eq!(res.errors.len(), 1);
    assert!(res.quarantined.is_empty());
    assert!(old.get(&v1, "d9").is_none());
    assert_eq!(server.record("docs", "d9").unwrap().version, 2);
}
