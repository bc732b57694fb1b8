use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use less_db::collection::{CollectionDef, collection, migrate, migrate_detailed, needs_migration};
use less_db::error::MigrationError;
use less_db::schema::node::t;
use serde_json::{Value, json};

fn with_auto(data: Value) -> Value {
    let mut m = data.as_object().cloned().unwrap();
    m.insert("id".into(), json!("rec-1"));
    m.insert("createdAt".into(), json!("2024-01-01T00:00:00Z"));
    m.insert("updatedAt".into(), json!("2024-01-01T00:00:00Z"));
    Value::Object(m)
}

fn split_name(d: Value) -> Result<Value, less_db::collection::MigrateError> {
    let name = d["name"].as_str().unwrap_or("").to_string();
    let (first, last) = name.split_once(' ').unwrap_or((&name, ""));
    Ok(json!({"first": first, "last": last}))
}

fn add_display(d: Value) -> Result<Value, less_db::collection::MigrateError> {
    let display = format!(
        "{} {}",
        d["first"].as_str().unwrap_or(""),
        d["last"].as_str().unwrap_or("")
    );
    let mut m = d.as_object().cloned().unwrap_or_default();
    m.insert("display".into(), json!(display.trim()));
    Ok(Value::Object(m))
}

fn users3() -> Arc<CollectionDef> {
    collection("users")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(
            2,
            t::object([("first", t::string()), ("last", t::string())]),
            split_name,
        )
        .v_migrate(
            3,
            t::object([
                ("first", t::string()),
                ("last", t::string()),
                ("display", t::string()),
            ]),
            add_display,
        )
        .build()
        .unwrap()
}

fn users1() -> Arc<CollectionDef> {
    collection("users")
        .v(
            1,
            t::object([("name", t::string()), ("age", t::optional(t::number()))]),
        )
        .build()
        .unwrap()
}

#[test]
fn current_data_comes_back_as_is() {
    let r = migrate_detailed(&users1(), with_auto(json!({"name": "J"})), 1, "rec-1").unwrap();
    assert_eq!(r.data["name"], "J");
    assert_eq!(r.data["id"], "rec-1");
    assert_eq!(r.steps_applied, 0);
    assert_eq!((r.migrated_from, r.migrated_to), (1, 1));
}

#[test]
fn current_data_is_still_validated() {
    let err = migrate(&users1(), with_auto(json!({"name": 5})), 1, "rec-1").unwrap_err();
    let MigrationError::Failed {
        failed_at, source, ..
    } = err
    else {
        panic!("wrong error");
    };
    assert_eq!(failed_at, 1);
    assert!(source.to_string().contains("name"));
}

#[test]
fn one_step() {
    let def = collection("users")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(
            2,
            t::object([("first", t::string()), ("last", t::string())]),
            split_name,
        )
        .build()
        .unwrap();
    let r = migrate_detailed(&def, with_auto(json!({"name": "John Doe"})), 1, "rec-1").unwrap();
    assert_eq!(r.data["first"], "John");
    assert_eq!(r.data["last"], "Doe");
    assert_eq!(r.steps_applied, 1);
}

#[test]
fn auto_fields_survive_migration() {
    let r = migrate(&users3(), with_auto(json!({"name": "A B"})), 1, "rec-1").unwrap();
    assert_eq!(r["id"], "rec-1");
    assert_eq!(r["createdAt"], "2024-01-01T00:00:00Z");
    assert_eq!(r["updatedAt"], "2024-01-01T00:00:00Z");
}

#[test]
fn migrations_do_not_see_auto_fields() {
    let seen = Arc::new(AtomicUsize::new(0));
    let s2 = Arc::clone(&seen);
    let def = collection("c")
        .v(1, t::object([("a", t::string())]))
        .v_migrate(2, t::object([("a", t::string())]), move |d| {
            if d.get("id").is_some() || d.get("createdAt").is_some() {
                s2.fetch_add(1, Ordering::SeqCst);
            }
            Ok(d)
        })
        .build()
        .unwrap();
    migrate(&def, with_auto(json!({"a": "x"})), 1, "r").unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 0);
}

#[test]
fn many_steps() {
    let r = migrate_detailed(&users3(), with_auto(json!({"name": "John Doe"})), 1, "r").unwrap();
    assert_eq!(r.data["display"], "John Doe");
    assert_eq!(r.steps_applied, 2);
    assert_eq!((r.migrated_from, r.migrated_to), (1, 3));
}

#[test]
fn from_an_intermediate_version() {
    let r = migrate_detailed(
        &users3(),
        with_auto(json!({"first": "Jane", "last": "Smith"})),
        2,
        "r",
    )
    .unwrap();
    assert_eq!(r.data["display"], "Jane Smith");
    assert_eq!(r.steps_applied, 1);
}

#[test]
fn each_step_runs_once_in_order() {
    let log = Arc::new(parking_lot::Mutex::new(Vec::new()));
    let (l2, l3) = (Arc::clone(&log), Arc::clone(&log));
    let def = collection("c")
        .v(1, t::object([("n", t::number())]))
        .v_migrate(2, t::object([("n", t::number())]), move |d| {
            l2.lock().push(2);
            Ok(json!({"n": d["n"].as_i64().unwrap() * 10}))
        })
        .v_migrate(3, t::object([("n", t::number())]), move |d| {
            l3.lock().push(3);
            Ok(json!({"n": d["n"].as_i64().unwrap() + 1}))
        })
        .build()
        .unwrap();
    let r = migrate(&def, with_auto(json!({"n": 4})), 1, "r").unwrap();
    assert_eq!(r["n"], 41);
    assert_eq!(*log.lock(), [2, 3]);
}

#[test]
fn migrated_output_drops_fields_the_schema_lacks() {
    let def = collection("c")
        .v(1, t::object([("a", t::string())]))
        .v_migrate(2, t::object([("b", t::string())]), |d| {
            Ok(json!({"b": d["a"], "junk": 1}))
        })
        .build()
        .unwrap();
    let r = migrate(&def, with_auto(json!({"a": "x"})), 1, "r").unwrap();
    assert!(r.get("junk").is_none());
    assert_eq!(r["b"], "x");
}

#[test]
fn version_zero_is_an_error() {
    let err = migrate(&users1(), with_auto(json!({"name": "J"})), 0, "r").unwrap_err();
    assert!(matches!(
        err,
        MigrationError::UnknownVersion { version: 0, .. }
    ));
}

#[test]
fn future_version_is_an_error() {
    let err = migrate(&users1(), with_auto(json!({"name": "J"})), 5, "r").unwrap_err();
    let MigrationError::FutureVersion {
        version, current, ..
    } = err
    else {
        panic!("wrong error");
    };
    assert_eq!((version, current), (5, 1));
}

#[test]
fn migration_function_error_names_record_and_step() {
    let def = collection("users")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(2, t::object([("first", t::string())]), |_| {
            Err("boom".into())
        })
        .build()
        .unwrap();
    let err = migrate(&def, with_auto(json!({"name": "J"})), 1, "user-123").unwrap_err();
    let text = err.to_string();
    let MigrationError::Failed {
        collection,
        record_id,
        from_version,
        to_version,
        failed_at,
        source,
    } = err
    else {
        panic!("wrong error");
    };
    assert_eq!(collection, "users");
    assert_eq!(record_id, "user-123");
    assert_eq!((from_version, to_version, failed_at), (1, 2, 2));
    assert_eq!(source.to_string(), "boom");
    assert!(
        text.contains("users/user-123") && text.contains("boom"),
        "{text}"
    );
}

#[test]
fn failure_in_a_middle_step_stops_the_chain() {
    let ran_last = Arc::new(AtomicUsize::new(0));
    let r2 = Arc::clone(&ran_last);
    let def = collection("c")
        .v(1, t::object([("a", t::string())]))
        .v_migrate(2, t::object([("a", t::string())]), |_| Err("mid".into()))
        .v_migrate(3, t::object([("a", t::string())]), move |d| {
            r2.fetch_add(1, Ordering::SeqCst);
            Ok(d)
        })
        .build()
        .unwrap();
    let err = migrate(&def, with_auto(json!({"a": "x"})), 1, "r").unwrap_err();
    assert!(matches!(err, MigrationError::Failed { failed_at: 2, .. }));
    assert_eq!(ran_last.load(Ordering::SeqCst), 0);
}

#[test]
fn invalid_migrated_data_is_a_migration_error() {
    let def = collection("users")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(
            2,
            t::object([("name", t::string()), ("age", t::number())]),
            |d| Ok(json!({"name": d["name"], "age": "not a number"})),
        )
        .build()
        .unwrap();
    let err = migrate(&def, with_auto(json!({"name": "J"})), 1, "r").unwrap_err();
    let MigrationError::Failed {
        failed_at, source, ..
    } = err
    else {
        panic!("wrong error");
    };
    assert_eq!(failed_at, 2);
    assert!(source.to_string().contains("age"), "{source}");
}

#[test]
fn migration_errors_convert_to_less_db_error() {
    let err: less_db::error::LessDbError =
        migrate(&users1(), json!({}), 9, "r").unwrap_err().into();
    assert!(matches!(err, less_db::error::LessDbError::Migration(_)));
}

#[test]
fn needs_migration_below_current() {
    assert!(needs_migration(&users3(), 1));
    assert!(needs_migration(&users3(), 2));
}

#[test]
fn needs_migration_false_at_or_above_current() {
    assert!(!needs_migration(&users3(), 3));
    assert!(!needs_migration(&users3(), 4));
    assert!(!needs_migration(&users1(), 1));
}

#[test]
fn migrated_result_passes_the_current_schema() {
    let def = users3();
    let r = migrate(&def, with_auto(json!({"name": "A B"})), 1, "r").unwrap();
    assert!(less_db::schema::validate::is_valid(&def.current_schema, &r));
}
