//! Property tests: random JSON against several schemas. Validation always returns a
//! value or typed errors (never panics), accepted values are stable under
//! re-validation, and serialize/deserialize/diff/autofill accept whatever validation
//! accepts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use less_db::collection::autofill::{AutofillOptions, autofill};
use less_db::patch::diff;
use less_db::schema::node::{SchemaNode, t};
use less_db::schema::serialize::{deserialize, serialize};
use less_db::schema::validate::{is_valid, validate_shape};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn schemas() -> Vec<SchemaNode> {
    vec![
        t::string(),
        t::date(),
        t::bytes(),
        t::array(t::optional(t::number())),
        t::record(t::union([t::string(), t::number()])),
        t::object([
            ("id", t::key()),
            ("name", t::string()),
            ("age", t::optional(t::number())),
            ("tags", t::array(t::string())),
            ("role", t::union([t::literal("admin"), t::literal("user")])),
            (
                "address",
                t::optional(t::object([("city", t::string()), ("zip", t::string())])),
            ),
        ]),
        t::object([
            ("a", t::optional(t::boolean())),
            ("b", t::optional(t::record(t::date()))),
            ("c", t::optional(t::array(t::object([("x", t::number())])))),
        ]),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            "[a-z]{0,6}",
            Just("2024-01-15T10:30:00Z".to_string()),
            Just("2024-02-30T10:30:00Z".to_string()),
            Just("aGVsbG8=".to_string()),
            Just("admin".to_string()),
            Just("a.b".to_string()),
            ".{0,8}",
        ]
        .prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id".to_string()),
        Just("name".to_string()),
        Just("age".to_string()),
        Just("tags".to_string()),
        Just("role".to_string()),
        Just("address".to_string()),
        Just("city".to_string()),
        Just("a".to_string()),
        Just("b".to_string()),
        Just("c".to_string()),
        Just("x".to_string()),
        "[a-z.\\[]{0,4}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

fn check(schema: &SchemaNode, value: &Value) -> Result<(), TestCaseError> {
    match validate_shape(schema, value) {
        Ok(out) => {
            prop_assert!(is_valid(schema, value));
            let again = validate_shape(schema, &out);
            prop_assert_eq!(again.as_ref(), Ok(&out));
            let ser = serialize(schema, &out);
            prop_assert!(ser.is_ok(), "serialize failed: {:?}", ser);
            let back = deserialize(schema, &ser.unwrap()).unwrap();
            prop_assert!(is_valid(schema, &back), "round trip broke {}", back);
            prop_assert!(diff(schema, &out, &out).is_empty());
        }
        Err(errs) => {
            prop_assert!(!errs.0.is_empty());
            prop_assert!(!is_valid(schema, value));
            for e in &errs.0 {
                prop_assert!(!e.expected.is_empty() && !e.received.is_empty());
            }
        }
    }
    // Neither of these may panic on any input.
    let _ = deserialize(schema, value);
    let _ = autofill(
        schema,
        value,
        &AutofillOptions::at("2024-01-01T00:00:00.000Z"),
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn random_json_gets_a_value_or_typed_errors(value in json_value(), which in 0usize..7) {
        let schemas = schemas();
        check(&schemas[which % schemas.len()], &value)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn well_formed_users_validate(
        name in "[A-Za-z ]{0,12}",
        age in proptest::option::of(0u32..120),
        tags in prop::collection::vec("[a-z]{1,5}", 0..4),
        admin in any::<bool>(),
    ) {
        let schema = &schemas()[5];
        let mut v = json!({
            "id": "u1",
            "name": name,
            "tags": tags,
            "role": if admin { "admin" } else { "user" },
        });
        if let Some(a) = age {
            v["age"] = json!(a);
        }
        prop_assert_eq!(validate_shape(schema, &v), Ok(v.clone()));
    }

    #[test]
    fn diff_reports_exactly_the_changed_top_level_fields(
        a in "[a-z]{0,3}", b in "[a-z]{0,3}", x in 0i64..3, y in 0i64..3,
    ) {
        let s = t::object([("s", t::string()), ("n", t::number())]);
        let c = diff(&s, &json!({"s": a, "n": x}), &json!({"s": b, "n": y}));
        prop_assert_eq!(c.contains("s"), a != b);
        prop_assert_eq!(c.contains("n"), x != y);
    }
}
