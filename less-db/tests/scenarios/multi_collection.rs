//! Several collections share one server and one manager but sync independently.

use std::sync::Arc;

use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::sync::{
    MemoryClient, MemoryServer, OutboundRecord, PullResult, PushAck, SyncManager, SyncTransport,
    TransportError,
};
use serde_json::json;

use crate::common::{Device, block_on, task, tasks, users};

fn user(name: &str, email: &str) -> serde_json::Value {
    json!({"name": name, "email": email})
}

#[test]
fn each_collection_has_its_own_cursor() {
    let server = MemoryServer::new();
    let defs = [tasks(), users()];
    let (a, b) = (
        Device::new(&server, "a", &defs),
        Device::new(&server, "b", &defs),
    );
    a.put(&defs[0], "t1", task("x"));
    a.put(&defs[1], "u1", user("Ada", "ada@example.com"));
    a.sync(&defs[0]);
    a.sync(&defs[1]);
    b.sync(&defs[1]);
    assert_eq!(b.sync.last_sequence("users").unwrap(), 2);
    assert_eq!(
        b.sync.last_sequence("tasks").unwrap(),
        0,
        "tasks not pulled yet"
    );
    assert!(b.get(&defs[0], "t1").is_none());
    b.sync(&defs[0]);
    assert!(b.get(&defs[0], "t1").is_some());
}

#[test]
fn sync_all_syncs_every_collection() {
    let server = MemoryServer::new();
    let defs = [tasks(), users()];
    let (a, b) = (
        Device::new(&server, "a", &defs),
        Device::new(&server, "b", &defs),
    );
    a.put(&defs[0], "t1", task("x"));
    a.put(&defs[1], "u1", user("Ada", "ada@example.com"));
    let pushed = block_on(a.sync.sync_all());
    assert_eq!(pushed["tasks"].pushed, 1);
    assert_eq!(pushed["users"].pushed, 1);
    let pulled = block_on(b.sync.sync_all());
    assert_eq!(pulled["tasks"].pulled + pulled["users"].pulled, 2);
}

/// Fails every call for one collection, passes the rest to the server.
struct BrokenFor(&'static str, MemoryClient);

#[async_trait::async_trait]
impl SyncTransport for BrokenFor {
    async fn push(&self, c: &str, r: &[OutboundRecord]) -> Result<Vec<PushAck>, TransportError> {
        if c == self.0 {
            return Err(TransportError::new("collection unavailable"));
        }
        self.1.push(c, r).await
    }

    async fn pull(&self, c: &str, since: i64) -> Result<PullResult, TransportError> {
        if c == self.0 {
            return Err(TransportError::new("collection unavailable"));
        }
        self.1.pull(c, since).await
    }
}

#[test]
fn one_failing_collection_does_not_hold_up_the_others() {
    let server = MemoryServer::new();
    let defs = [tasks(), users()];
    let a = Device::new(&server, "a", &defs);
    a.put(&defs[0], "t1", task("x"));
    a.put(&defs[1], "u1", user("Ada", "ada@example.com"));
    let manager = SyncManager::new(
        Arc::new(BrokenFor("tasks", server.client("a2"))),
        a.db.clone(),
        defs.to_vec(),
    );
    let all = block_on(manager.sync_all());
    assert_eq!(all["tasks"].errors.len(), 2);
    assert_eq!(all["users"].pushed, 1);
    assert!(server.records("tasks").is_empty());
    assert_eq!(server.records("users").len(), 1);
}

#[test]
fn the_same_id_in_two_collections_is_two_records() {
    let server = MemoryServer::new();
    let defs = [tasks(), users()];
    let (a, b) = (
        Device::new(&server, "a", &defs),
        Device::new(&server, "b", &defs),
    );
    a.put(&defs[0], "x", task("a task"));
    a.put(&defs[1], "x", user("A user", "u@example.com"));
    block_on(a.sync.sync_all());
    block_on(b.sync.sync_all());
    a.delete(&defs[0], "x");
    block_on(a.sync.sync_all());
    block_on(b.sync.sync_all());
    assert!(b.get(&defs[0], "x").is_none());
    assert_eq!(b.get(&defs[1], "x").unwrap()["name"], json!("A user"));
}

#[test]
fn unique_indexes_hold_per_device_after_sync() {
    let server = MemoryServer::new();
    let defs = [users()];
    let (a, b) = (
        Device::new(&server, "a", &defs),
        Device::new(&server, "b", &defs),
    );
    a.put(&defs[0], "u1", user("Ada", "ada@example.com"));
    a.sync(&defs[0]);
    b.sync(&defs[0]);
    let clash = b.db.put(
        &defs[0],
        user("Other", "ada@example.com"),
        &less_db::types::PutOptions::default(),
    );
    assert!(
        clash.is_err(),
        "the synced record occupies the email on b too"
    );
    assert_eq!(b.db.count(&defs[0], None).unwrap(), 1);
}
