#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]
//! Crash safety: a child process bulk-puts batches into a file database and prints each
//! batch id once its write returned; the parent SIGKILLs it mid-stream and reopens
//! the file. Every acknowledged batch must be complete, no batch may be partial, and
//! the file must pass `PRAGMA integrity_check`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use std::sync::Arc;

use less_db::collection::{CollectionDef, IndexSpec, collection};
use less_db::schema::t;
use less_db::storage::adapter::Adapter;
use less_db::storage::sqlite::SqliteBackend;
use less_db::storage::traits::{StorageRead, StorageWrite};
use less_db::types::{ListOptions, PutOptions};
use serde_json::{Value, json};

const CHILD_ENV: &str = "LESS_DB_CRASH_CHILD_DB";
const BATCH: usize = 40;

fn items() -> Arc<CollectionDef> {
    collection("items")
        .v(
            1,
            t::object([
                ("batch", t::number()),
                ("i", t::number()),
                ("payload", t::string()),
            ]),
        )
        .index(IndexSpec::on(["batch"]))
        .build()
        .unwrap()
}

fn batch_records(batch: u64) -> Vec<Value> {
    (0..BATCH)
        .map(|i| json!({"id": format!("b{batch}-{i}"), "batch": batch, "i": i, "payload": "x".repeat(200)}))
        .collect()
}

fn open(path: &std::path::Path) -> Adapter<SqliteBackend> {
    Adapter::open(SqliteBackend::open(path).unwrap(), &[items()]).unwrap()
}

/// The child: runs only when re-invoked by the parent with the database path set.
#[test]
#[ignore = "entry point of the child process started by the crash test"]
fn crash_writer_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let first: u64 = std::env::var("LESS_DB_CRASH_FIRST_BATCH")
        .unwrap()
        .parse()
        .unwrap();
    let db = open(std::path::Path::new(&path));
    let def = items();
    let mut out = std::io::stdout().lock();
    for batch in first.. {
        let res = db
            .bulk_put(&def, batch_records(batch), &PutOptions::default())
            .unwrap();
        assert!(res.errors.is_empty());
        writeln!(out, "ack {batch}").unwrap();
        out.flush().unwrap();
    }
}

fn run_child_and_kill(
    path: &std::path::Path,
    first_batch: u64,
    acks_before_kill: usize,
) -> Vec<u64> {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "crash_writer_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, path)
        .env("LESS_DB_CRASH_FIRST_BATCH", first_batch.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut acked = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("ack ") {
            acked.push(id.trim().parse().unwrap());
            if acked.len() >= acks_before_kill {
                break;
            }
        }
    }
    // SIGKILL while the child is in the middle of its next batches.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        acked.len() >= acks_before_kill,
        "child stopped early: {acked:?}"
    );
    acked
}

#[test]
fn killed_writer_leaves_every_acknowledged_batch_and_no_partial_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.sqlite");
    let mut acked = Vec::new();
    for round in 0..3u64 {
        acked.extend(run_child_and_kill(
            &path,
            round * 1_000_000,
            15 + 5 * round as usize,
        ));

        let db = open(&path);
        assert_eq!(db.backend().integrity_check().unwrap(), "ok");
        let mut per_batch: BTreeMap<u64, usize> = BTreeMap::new();
        let all = db.get_all(&items(), &ListOptions::default()).unwrap();
        assert!(all.errors.is_empty(), "{:?}", all.errors);
        assert_eq!(db.count(&items(), None).unwrap(), all.records.len());
        for r in all.records {
            *per_batch
                .entry(r.data["batch"].as_u64().unwrap())
                .or_default() += 1;
        }
        for batch in &acked {
            assert_eq!(
                per_batch.get(batch),
                Some(&BATCH),
                "acknowledged batch {batch} incomplete"
            );
        }
        for (batch, n) in &per_batch {
            assert_eq!(*n, BATCH, "batch {batch} was half applied");
        }
    }
}
