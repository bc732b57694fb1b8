#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The generator on shapes the main example leaves out (tests/fixtures/edge.json):
//! fields named by Rust keywords, unnamed types, number and boolean literals in a union,
//! unions of objects, arrays and bytes, records of objects, arrays of optionals,
//! optional text, string literals that are not identifiers, a nested unique index, and
//! a migration chain over three versions. The committed output equals the generator's,
//! compiles, stores and reads records, and builds the definitions the file describes.

// The snapshot is prettyplease output, checked byte for byte: rustfmt leaves it alone.
#[rustfmt::skip]
#[path = "snapshots/edge.rs"]
mod edge;

/// The migration functions the generated module asks for (`rust.migrations`).
mod edge_migrations {
    use crate::edge::*;

    pub fn event_log_v1_to_v2(old: EventLogV1) -> EventLogV2 {
        EventLogV2 {
            id: old.id,
            r#type: old.r#type,
            level: 1.0,
            created_at: old.created_at,
            updated_at: old.updated_at,
        }
    }

    pub fn event_log_v2_to_v3(old: EventLogV2) -> Result<EventLog, String> {
        if old.r#type.is_empty() {
            return Err("an event needs a type".into());
        }
        Ok(EventLog {
            id: old.id,
            r#type: old.r#type,
            level: if old.level == 1.0 {
                EventLogLevel::EventLogLevel1(EventLogLevel1)
            } else {
                EventLogLevel::String(old.level.to_string())
            },
            notes: None,
            payload: EventLogPayload::Array(vec![old.level]),
            by_user: Default::default(),
            maybe_dates: vec![None],
            status: EventLogStatus::InProgress,
            meta: EventLogMeta {
                r#match: String::new(),
                label: format!("migrated-{}", old.level),
                r#loop: None,
            },
            created_at: old.created_at,
            updated_at: old.updated_at,
        })
    }
}

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{TimeZone, Utc};
use edge::*;
use less_db::typed::{Bytes, Database, Document};
use less_db_codegen::{parse_schema, rust, ts};

const SOURCE: &str = "tests/fixtures/edge.json";

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn file() -> less_db_codegen::SchemaFile {
    parse_schema(SOURCE, &read(SOURCE)).unwrap()
}

#[test]
fn committed_outputs_are_what_the_generator_writes() {
    // UPDATE_SNAPSHOTS=1 has no effect here: regenerate with
    // `less-codegen tests/fixtures/edge.json --rust tests/snapshots/edge.rs --ts tests/snapshots/edge.ts`.
    assert_eq!(
        rust::generate(&file(), SOURCE).unwrap(),
        read("tests/snapshots/edge.rs")
    );
    assert_eq!(
        ts::generate(&file(), SOURCE),
        read("tests/snapshots/edge.ts")
    );
}

fn event(id: &str, label: &str) -> EventLog {
    let t = Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();
    EventLog {
        id: id.into(),
        r#type: "click".into(),
        level: EventLogLevel::EventLogLevel2(EventLogLevel2),
        notes: Some("first draft".into()),
        payload: EventLogPayload::EventLogPayload1(EventLogPayload1 {
            kind: "png".into(),
            size: 3.0,
        }),
        by_user: BTreeMap::from([(
            "ada".to_string(),
            EventLogByUserValue {
                seen: t,
                count: 2.0,
            },
        )]),
        maybe_dates: vec![Some(t), None],
        status: EventLogStatus::V3,
        meta: EventLogMeta {
            r#match: "m".into(),
            label: label.into(),
            r#loop: Some(true),
        },
        created_at: t,
        updated_at: t,
    }
}

#[test]
fn stores_and_reads_every_edge_shape() {
    let db = Database::in_memory(definitions()).unwrap();
    let events = db.collection::<EventLog>();
    let a = events.put(&event("e1", "one")).unwrap();
    assert_eq!(events.get("e1").unwrap(), Some(a.clone()));
    assert_eq!(a.status, EventLogStatus::V3);

    let mut b = event("e2", "two");
    b.level = EventLogLevel::String("loud".into());
    b.payload = EventLogPayload::Bytes(Bytes::new(vec![1, 2, 3]));
    b.status = EventLogStatus::Done;
    let b = events.put(&b).unwrap();
    assert_eq!(events.get("e2").unwrap(), Some(b));

    assert!(
        events.put(&event("e3", "one")).is_err(),
        "meta.label is unique"
    );
}

#[test]
fn literals_and_string_enums_use_their_stored_values() {
    let level = |v| serde_json::from_value::<EventLogLevel>(v).unwrap();
    assert_eq!(
        level(serde_json::json!(1)),
        EventLogLevel::EventLogLevel1(EventLogLevel1)
    );
    assert_eq!(
        level(serde_json::json!(2.5)),
        EventLogLevel::EventLogLevel2(EventLogLevel2)
    );
    assert_eq!(
        level(serde_json::json!(true)),
        EventLogLevel::EventLogLevel3(EventLogLevel3)
    );
    assert_eq!(
        level(serde_json::json!("x")),
        EventLogLevel::String("x".into())
    );
    assert!(serde_json::from_value::<EventLogLevel>(serde_json::json!(false)).is_err());
    assert_eq!(
        serde_json::to_value(EventLogStatus::InProgress).unwrap(),
        serde_json::json!("in-progress")
    );
    assert_eq!(
        serde_json::to_value(EventLogStatus::V3).unwrap(),
        serde_json::json!("42")
    );
}

#[test]
fn version_1_records_migrate_through_both_functions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edge.db");
    {
        let db = Database::open(&path, [EventLogV1::def()]).unwrap();
        let v1 = db.collection::<EventLogV1>();
        for (id, ty) in [("old", "open"), ("bad", "")] {
            v1.put(&EventLogV1 {
                id: id.into(),
                r#type: ty.into(),
                created_at: Utc.timestamp_opt(0, 0).unwrap(),
                updated_at: Utc.timestamp_opt(0, 0).unwrap(),
            })
            .unwrap();
        }
    }
    let db = Database::open(&path, definitions()).unwrap();
    let events = db.collection::<EventLog>();
    let old = events.get("old").unwrap().unwrap();
    assert_eq!(old.r#type, "open");
    assert_eq!(old.level, EventLogLevel::EventLogLevel1(EventLogLevel1));
    assert_eq!(old.payload, EventLogPayload::Array(vec![1.0]));
    assert_eq!(old.meta.label, "migrated-1");
    assert!(
        events.get("bad").is_err(),
        "a migration that returns an error fails the read"
    );
}

#[test]
fn schema_file_definitions_equal_the_derived_ones() {
    let file = file();
    let derived = definitions();
    let from_file = less_db_codegen::defs::checked_def(&file.collections[0]).unwrap();
    let derived = &derived[0];
    assert_eq!(from_file.name, derived.name);
    assert_eq!(from_file.current_version, 3);
    assert_eq!(
        (EVENT_LOG_COLLECTION, EVENT_LOG_VERSION),
        (from_file.name.as_str(), 3)
    );
    assert_eq!(from_file.current_schema, derived.current_schema);
    assert_eq!(from_file.versions.len(), derived.versions.len());
    for (a, b) in from_file.versions.iter().zip(&derived.versions) {
        assert_eq!(a.shape, b.shape, "v{}", a.version);
    }
    assert_eq!(from_file.indexes, derived.indexes);
}
