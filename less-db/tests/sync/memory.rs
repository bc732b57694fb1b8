//! The in-memory reference server and its client handles.

use less_db::sync::memory::ServerRecord;
use less_db::sync::{
    Fault, MemoryServer, OutboundRecord, RandomFaults, SyncErrorKind, SyncTransport,
};

use crate::common::block_on;

fn out(id: &str, base: i64) -> OutboundRecord {
    OutboundRecord {
        id: id.into(),
        version: 1,
        crdt: Some(vec![1, 2, 3]),
        deleted: false,
        sequence: base,
        meta: None,
    }
}

fn tomb(id: &str, base: i64) -> OutboundRecord {
    OutboundRecord {
        crdt: None,
        deleted: true,
        ..out(id, base)
    }
}

#[test]
fn every_accepted_record_gets_the_next_server_sequence() {
    let server = MemoryServer::new();
    let acks = server.accept("tasks", &[out("a", 0), out("b", 0)]);
    let more = server.accept("notes", &[out("a", 0)]);
    let seqs: Vec<i64> = acks.iter().chain(&more).map(|a| a.sequence).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert_eq!(server.last_sequence(), 3);
    assert_eq!(server.records("tasks").len(), 2);
}

#[test]
fn pull_returns_changes_after_a_sequence_in_order() {
    let server = MemoryServer::new();
    server.accept("tasks", &[out("a", 0), out("b", 0)]);
    server.accept("tasks", &[out("a", 1)]);
    let all = server.changes_since("tasks", 0);
    let got: Vec<(String, i64)> = all
        .records
        .iter()
        .map(|r| (r.id.clone(), r.sequence))
        .collect();
    assert_eq!(got, vec![("b".to_string(), 2), ("a".to_string(), 3)]);
    assert_eq!(all.latest_sequence, Some(3));
    let later = server.changes_since("tasks", 2);
    assert_eq!(later.records.len(), 1);
    let none = server.changes_since("tasks", 3);
    assert!(none.records.is_empty());
    assert_eq!(none.latest_sequence, Some(3));
}

#[test]
fn unknown_collection_pulls_nothing_and_keeps_the_cursor() {
    let server = MemoryServer::new();
    let res = server.changes_since("nothing", 17);
    assert!(res.records.is_empty());
    assert_eq!(res.latest_sequence, Some(17));
}

#[test]
fn a_change_made_against_an_old_state_is_refused() {
    let server = MemoryServer::new();
    server.accept("tasks", &[out("a", 0)]); // seq 1
    server.accept("tasks", &[out("a", 1)]); // seq 2
    let stale = server.accept("tasks", &[out("a", 1)]);
    assert!(stale.is_empty());
    assert_eq!(server.stats().rejected_stale, 1);
    assert_eq!(server.record("tasks", "a").unwrap().sequence, 2);
    let fresh = server.accept("tasks", &[out("a", 2)]);
    assert_eq!(fresh[0].sequence, 3);
}

#[test]
fn deletes_are_kept_as_tombstones_and_delivered() {
    let server = MemoryServer::new();
    server.accept("tasks", &[out("a", 0)]);
    server.accept("tasks", &[tomb("a", 1)]);
    let rec: ServerRecord = server.record("tasks", "a").unwrap();
    assert!(rec.deleted);
    assert!(rec.crdt.is_none());
    let pulled = server.changes_since("tasks", 1);
    assert_eq!(pulled.records.len(), 1);
    assert!(pulled.records[0].deleted);
}

#[test]
fn a_live_record_without_crdt_is_not_stored() {
    let server = MemoryServer::new();
    let mut bad = out("a", 0);
    bad.crdt = None;
    assert!(server.accept("tasks", &[bad]).is_empty());
    assert!(server.records("tasks").is_empty());
}

#[test]
fn clients_share_one_server() {
    let server = MemoryServer::new();
    let phone = server.client("phone");
    let laptop = server.client("laptop");
    assert_eq!(phone.name(), "phone");
    block_on(phone.push("tasks", &[out("a", 0)])).unwrap();
    let seen = block_on(laptop.pull("tasks", 0)).unwrap();
    assert_eq!(seen.records.len(), 1);
    assert_eq!(laptop.server().last_sequence(), 1);
}

#[test]
fn an_offline_client_fails_every_call() {
    let server = MemoryServer::new();
    let c = server.client("phone");
    c.set_online(false);
    assert!(!c.is_online());
    let e = block_on(c.push("tasks", &[out("a", 0)])).unwrap_err();
    assert_eq!(e.kind, SyncErrorKind::Network);
    assert!(block_on(c.pull("tasks", 0)).is_err());
    assert!(server.records("tasks").is_empty());
    c.set_online(true);
    assert!(block_on(c.push("tasks", &[out("a", 0)])).is_ok());
}

#[test]
fn injected_faults_hit_the_next_matching_call_once() {
    let server = MemoryServer::new();
    let c = server.client("phone");
    c.inject(Fault::PullError);
    c.inject(Fault::PushError);
    assert!(block_on(c.push("tasks", &[out("a", 0)])).is_err());
    assert!(
        server.records("tasks").is_empty(),
        "a failed push stores nothing"
    );
    assert!(block_on(c.pull("tasks", 0)).is_err());
    assert!(block_on(c.push("tasks", &[out("a", 0)])).is_ok());
    assert!(block_on(c.pull("tasks", 0)).is_ok());
    let stats = c.stats();
    assert_eq!((stats.push_errors, stats.pull_errors), (1, 1));
}

#[test]
fn a_dropped_ack_stores_the_record_but_reports_an_error() {
    let server = MemoryServer::new();
    let c = server.client("phone");
    c.inject(Fault::DropAck);
    assert!(block_on(c.push("tasks", &[out("a", 0)])).is_err());
    assert_eq!(server.record("tasks", "a").unwrap().sequence, 1);
    assert_eq!(c.stats().dropped_acks, 1);
}

#[test]
fn a_duplicated_push_is_stored_once() {
    let server = MemoryServer::new();
    let c = server.client("phone");
    c.inject(Fault::DuplicatePush);
    let acks = block_on(c.push("tasks", &[out("a", 0)])).unwrap();
    assert_eq!(acks.len(), 1);
    assert_eq!(
        server.record("tasks", "a").unwrap().sequence,
        acks[0].sequence
    );
    assert_eq!(server.stats().rejected_stale, 1, "the copy arrives stale");
}

#[test]
fn a_duplicated_pull_repeats_records() {
    let server = MemoryServer::new();
    server.accept("tasks", &[out("a", 0), out("b", 0)]);
    let c = server.client("phone");
    c.inject(Fault::DuplicatePull);
    let res = block_on(c.pull("tasks", 1)).unwrap();
    assert_eq!(res.records.len(), 3, "b, then a and b again");
    assert_eq!(c.stats().duplicated_pulls, 1);
}

#[test]
fn random_faults_are_reproducible_from_the_seed() {
    let run = |seed| {
        let server = MemoryServer::new();
        let c = server.client("x");
        c.set_random_faults(Some(RandomFaults {
            seed,
            push_error: 0.5,
            ..RandomFaults::default()
        }));
        (0..40)
            .map(|i| block_on(c.push("t", &[out(&format!("r{i}"), 0)])).is_ok())
            .collect::<Vec<bool>>()
    };
    let a = run(7);
    assert_eq!(a, run(7));
    assert_ne!(a, run(8));
    let ok = a.iter().filter(|x| **x).count();
    assert!((8..=32).contains(&ok), "about half succeed, got {ok}");
}

#[test]
fn the_server_itself_is_a_transport() {
    let server = MemoryServer::new();
    let acks = block_on(SyncTransport::push(&server, "t", &[out("a", 0)])).unwrap();
    assert_eq!(acks.len(), 1);
    let res = block_on(SyncTransport::pull(&server, "t", 0)).unwrap();
    assert_eq!(res.records.len(), 1);
    assert_eq!(server.stats().pushes, 1);
    assert_eq!(server.stats().pulls, 1);
}
