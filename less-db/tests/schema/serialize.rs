use less_db::error::SchemaError;
use less_db::schema::node::{SchemaNode, t};
use less_db::schema::serialize::{
    deserialize, deserialize_and_validate, iso_from_millis, serialize, to_iso_string,
};
use less_db::schema::validate::MAX_DEPTH;
use serde_json::{Value, json};

/// The value passes through both directions unchanged.
macro_rules! passes_through {
    ($($name:ident: $schema:expr, $value:expr;)*) => {$(
        #[test]
        fn $name() {
            let v = $value;
            assert_eq!(serialize(&$schema, &v).unwrap(), v, "serialize");
            assert_eq!(deserialize(&$schema, &v).unwrap(), v, "deserialize");
        }
    )*};
}

passes_through! {
    string_passes: t::string(), json!("hello");
    text_passes: t::text(), json!("hello world");
    number_passes: t::number(), json!(42);
    float_passes: t::number(), json!(0.5);
    boolean_passes: t::boolean(), json!(true);
    date_passes: t::date(), json!("2024-01-15T10:30:00.000Z");
    date_without_millis_passes: t::date(), json!("2024-01-15T10:30:00Z");
    created_at_passes: t::created_at(), json!("2024-01-15T10:30:00.000Z");
    updated_at_passes: t::updated_at(), json!("2024-01-15T10:30:00.000Z");
    bytes_passes: t::bytes(), json!("aGVsbG8=");
    key_passes: t::key(), json!("abc-123");
    literal_string_passes: t::literal("active"), json!("active");
    literal_number_passes: t::literal(42), json!(42);
    optional_null_passes: t::optional(t::string()), Value::Null;
    optional_value_passes: t::optional(t::string()), json!("x");
    array_passes: t::array(t::number()), json!([1, 2, 3]);
    array_of_dates_passes: t::array(t::date()), json!(["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"]);
    empty_array_passes: t::array(t::number()), json!([]);
    record_passes: t::record(t::number()), json!({"a": 1, "b": 2});
    empty_record_passes: t::record(t::number()), json!({});
    empty_object_passes: t::object::<&str>([]), json!({});
    union_string_passes: t::union([t::string(), t::number()]), json!("hello");
    union_number_passes: t::union([t::string(), t::number()]), json!(42);
    union_record_variant_passes: t::union([t::record(t::number()), t::string()]), json!({"a": 1});
}

#[test]
fn serialize_object_with_mixed_kinds() {
    let s = t::object([
        ("name", t::string()),
        ("at", t::date()),
        ("data", t::bytes()),
    ]);
    let v = json!({"name": "T", "at": "2024-01-15T10:30:00.000Z", "data": "AQID"});
    assert_eq!(serialize(&s, &v).unwrap(), v);
}

#[test]
fn serialize_drops_null_optional_properties() {
    let s = t::object([("a", t::string()), ("b", t::optional(t::string()))]);
    let out = serialize(&s, &json!({"a": "x", "b": null})).unwrap();
    assert_eq!(out, json!({"a": "x"}));
}

#[test]
fn serialize_keeps_null_optional_array_items() {
    let s = t::array(t::optional(t::number()));
    assert_eq!(serialize(&s, &json!([1, null])).unwrap(), json!([1, null]));
}

#[test]
fn serialize_drops_unknown_properties() {
    let s = t::object([("a", t::string())]);
    assert_eq!(
        serialize(&s, &json!({"a": "x", "z": 1})).unwrap(),
        json!({"a": "x"})
    );
}

#[test]
fn deserialize_drops_unknown_properties() {
    let s = t::object([("name", t::string())]);
    assert_eq!(
        deserialize(&s, &json!({"name": "A", "extra": 42})).unwrap(),
        json!({"name": "A"})
    );
}

#[test]
fn deserialize_does_not_invent_missing_optionals() {
    let s = t::object([("a", t::string()), ("b", t::optional(t::string()))]);
    let out = deserialize(&s, &json!({"a": "x"})).unwrap();
    assert!(out.get("b").is_none());
}

#[test]
fn deserialize_keeps_explicit_null_optionals() {
    let s = t::object([("b", t::optional(t::string()))]);
    assert_eq!(
        deserialize(&s, &json!({"b": null})).unwrap(),
        json!({"b": null})
    );
}

#[test]
fn serialize_union_without_match_is_an_error() {
    let s = t::union([t::string(), t::number()]);
    let err = serialize(&s, &json!(true)).unwrap_err();
    assert!(
        err.to_string().contains("does not match any union variant"),
        "{err}"
    );
}

#[test]
fn serialize_union_error_names_its_path() {
    let s = t::object([("v", t::union([t::string(), t::number()]))]);
    let err = serialize(&s, &json!({"v": false})).unwrap_err();
    let SchemaError::Serialize { path, .. } = err else {
        panic!("wrong error");
    };
    assert_eq!(path, "v");
}

#[test]
fn deserialize_union_without_match_passes_through() {
    let s = t::union([t::string(), t::number()]);
    assert_eq!(deserialize(&s, &json!(true)).unwrap(), json!(true));
}

#[test]
fn deserialize_union_with_optional_variant() {
    let s = t::union([t::optional(t::string()), t::number()]);
    assert_eq!(deserialize(&s, &Value::Null).unwrap(), Value::Null);
    assert_eq!(deserialize(&s, &json!("x")).unwrap(), json!("x"));
    assert_eq!(deserialize(&s, &json!(3)).unwrap(), json!(3));
}

#[test]
fn deserialize_union_object_variant_is_cleaned() {
    let s = t::union([t::object([("a", t::number())]), t::string()]);
    assert_eq!(
        deserialize(&s, &json!({"a": 1, "b": 2})).unwrap(),
        json!({"a": 1})
    );
}

#[test]
fn deserialize_date_from_epoch_millis() {
    assert_eq!(
        deserialize(&t::date(), &json!(1_705_314_600_000_i64)).unwrap(),
        json!("2024-01-15T10:30:00.000Z")
    );
}

#[test]
fn deserialize_timestamps_from_epoch_millis() {
    assert_eq!(
        deserialize(&t::created_at(), &json!(0)).unwrap(),
        json!("1970-01-01T00:00:00.000Z")
    );
    assert_eq!(
        deserialize(&t::updated_at(), &json!(1)).unwrap(),
        json!("1970-01-01T00:00:00.001Z")
    );
}

#[test]
fn deserialize_date_float_millis_passes_through() {
    assert_eq!(deserialize(&t::date(), &json!(1.5)).unwrap(), json!(1.5));
}

#[test]
fn serialize_leaves_numeric_dates_for_validation() {
    assert_eq!(serialize(&t::date(), &json!(0)).unwrap(), json!(0));
}

#[test]
fn deserialize_bytes_from_byte_array() {
    assert_eq!(
        deserialize(&t::bytes(), &json!([104, 105])).unwrap(),
        json!("aGk=")
    );
}

#[test]
fn deserialize_bytes_empty_array_is_empty_string() {
    assert_eq!(deserialize(&t::bytes(), &json!([])).unwrap(), json!(""));
}

#[test]
fn deserialize_bytes_out_of_range_passes_through() {
    assert_eq!(
        deserialize(&t::bytes(), &json!([1, 256])).unwrap(),
        json!([1, 256])
    );
}

#[test]
fn deserialize_union_reads_alternative_forms() {
    let s = t::union([t::date(), t::boolean()]);
    assert_eq!(
        deserialize(&s, &json!(0)).unwrap(),
        json!("1970-01-01T00:00:00.000Z")
    );
}

#[test]
fn deserialize_nested_dates_in_arrays_and_records() {
    let s = t::object([("days", t::array(t::date())), ("by", t::record(t::date()))]);
    let out = deserialize(&s, &json!({"days": [0], "by": {"a": 0}})).unwrap();
    assert_eq!(
        out,
        json!({"days": ["1970-01-01T00:00:00.000Z"], "by": {"a": "1970-01-01T00:00:00.000Z"}})
    );
}

fn nested(levels: usize) -> (SchemaNode, Value) {
    let mut s = t::object([("value", t::string())]);
    let mut v = json!({"value": "x"});
    for _ in 0..levels {
        s = t::object([("nested", s)]);
        v = json!({ "nested": v });
    }
    (s, v)
}

#[test]
fn serialize_past_max_depth_is_an_error() {
    let (s, v) = nested(MAX_DEPTH + 1);
    let err = serialize(&s, &v).unwrap_err();
    assert!(
        err.to_string().contains("Maximum serialize depth exceeded"),
        "{err}"
    );
}

#[test]
fn deserialize_past_max_depth_is_an_error() {
    let (s, v) = nested(MAX_DEPTH + 1);
    let err = deserialize(&s, &v).unwrap_err();
    assert!(
        err.to_string()
            .contains("Maximum deserialize depth exceeded"),
        "{err}"
    );
}

#[test]
fn serialize_within_depth_limit_works() {
    let (s, v) = nested(MAX_DEPTH - 1);
    assert_eq!(serialize(&s, &v).unwrap(), v);
}

#[test]
fn round_trip_record_with_auto_fields() {
    let s = t::object([
        ("id", t::key()),
        ("name", t::string()),
        ("createdAt", t::created_at()),
        ("updatedAt", t::updated_at()),
    ]);
    let v = json!({
        "id": "abc",
        "name": "T",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-15T10:30:00.000Z"
    });
    assert_eq!(deserialize(&s, &serialize(&s, &v).unwrap()).unwrap(), v);
}

#[test]
fn round_trip_array_of_objects_drops_null_optionals() {
    let s = t::array(t::object([
        ("id", t::string()),
        ("count", t::optional(t::number())),
    ]));
    let v = json!([{"id": "a", "count": 5}, {"id": "b", "count": null}]);
    let back = deserialize(&s, &serialize(&s, &v).unwrap()).unwrap();
    assert_eq!(back, json!([{"id": "a", "count": 5}, {"id": "b"}]));
}

#[test]
fn mismatched_kinds_pass_through_for_validation_to_report() {
    assert_eq!(
        serialize(&t::array(t::number()), &json!("x")).unwrap(),
        json!("x")
    );
    assert_eq!(
        deserialize(&t::object([("a", t::number())]), &json!(1)).unwrap(),
        json!(1)
    );
}

#[test]
fn deserialize_and_validate_accepts_valid_values() {
    assert_eq!(
        deserialize_and_validate(&t::string(), &json!("x")).unwrap(),
        json!("x")
    );
    assert_eq!(
        deserialize_and_validate(&t::date(), &json!("2024-01-15T10:30:00.000Z")).unwrap(),
        json!("2024-01-15T10:30:00.000Z")
    );
    assert_eq!(
        deserialize_and_validate(&t::bytes(), &json!("aGVsbG8=")).unwrap(),
        json!("aGVsbG8=")
    );
    assert_eq!(
        deserialize_and_validate(&t::optional(t::string()), &Value::Null).unwrap(),
        Value::Null
    );
}

#[test]
fn deserialize_and_validate_rejects_invalid_values() {
    assert!(deserialize_and_validate(&t::string(), &json!(42)).is_err());
    assert!(deserialize_and_validate(&t::key(), &json!("")).is_err());
}

#[test]
fn deserialize_and_validate_coerces_then_validates() {
    assert_eq!(
        deserialize_and_validate(&t::created_at(), &json!(0)).unwrap(),
        json!("1970-01-01T00:00:00.000Z")
    );
}

#[test]
fn deserialize_and_validate_reports_depth_as_validation_error() {
    let (s, v) = nested(MAX_DEPTH + 1);
    let errs = deserialize_and_validate(&s, &v).unwrap_err();
    assert_eq!(errs.0.len(), 1);
    assert!(errs.0[0].message.contains("depth"));
}

#[test]
fn iso_string_has_js_form() {
    let t0 = chrono::DateTime::from_timestamp_millis(1_705_314_600_123).unwrap();
    assert_eq!(to_iso_string(&t0), "2024-01-15T10:30:00.123Z");
    assert_eq!(iso_from_millis(-1).unwrap(), "1969-12-31T23:59:59.999Z");
    assert!(iso_from_millis(i64::MAX).is_none());
}
