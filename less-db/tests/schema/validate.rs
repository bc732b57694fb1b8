use less_db::error::{LessDbError, SchemaError};
use less_db::schema::node::{SchemaNode, t};
use less_db::schema::validate::{
    MAX_DEPTH, is_valid, is_valid_base64, is_valid_iso_date, is_valid_record_key, parse_iso_date,
    type_name, validate, validate_or_throw, validate_shape,
};
use serde_json::{Value, json};

/// The value passes and comes back unchanged.
macro_rules! accepts {
    ($($name:ident: $schema:expr, $value:expr;)*) => {$(
        #[test]
        fn $name() {
            let v = $value;
            assert_eq!(validate_shape(&$schema, &v), Ok(v));
        }
    )*};
}

/// The value fails with one error at `$path` with these expected/received.
macro_rules! rejects {
    ($($name:ident: $schema:expr, $value:expr => $path:expr, $expected:expr, $received:expr;)*) => {$(
        #[test]
        fn $name() {
            let errs = validate_shape(&$schema, &$value).unwrap_err();
            assert_eq!(errs.0.len(), 1, "{errs:?}");
            assert_eq!(errs.0[0].path, $path);
            assert_eq!(errs.0[0].expected, $expected);
            assert_eq!(errs.0[0].received, $received);
        }
    )*};
}

accepts! {
    string_ok: t::string(), json!("hello");
    empty_string_ok: t::string(), json!("");
    unicode_string_ok: t::string(), json!("héllo ✓");
    text_ok: t::text(), json!("some text");
    number_int_ok: t::number(), json!(42);
    number_negative_ok: t::number(), json!(-7);
    number_float_ok: t::number(), json!(1.25);
    number_zero_ok: t::number(), json!(0);
    boolean_true_ok: t::boolean(), json!(true);
    boolean_false_ok: t::boolean(), json!(false);
    date_z_ok: t::date(), json!("2024-01-15T10:30:00Z");
    date_millis_ok: t::date(), json!("2024-01-15T10:30:00.123Z");
    date_micros_ok: t::date(), json!("2024-01-15T10:30:00.123456Z");
    date_nanos_ok: t::date(), json!("2024-01-15T10:30:00.123456789Z");
    date_one_fraction_digit_ok: t::date(), json!("2024-01-15T10:30:00.1Z");
    date_without_zone_ok: t::date(), json!("2024-01-15T10:30:00");
    date_with_offset_ok: t::date(), json!("2024-01-15T10:30:00+02:00");
    date_with_negative_offset_ok: t::date(), json!("2024-01-15T10:30:00.5-05:30");
    date_leap_day_ok: t::date(), json!("2024-02-29T00:00:00Z");
    created_at_ok: t::created_at(), json!("2024-01-15T10:30:00.000Z");
    updated_at_ok: t::updated_at(), json!("2024-01-15T10:30:00.000Z");
    bytes_ok: t::bytes(), json!("aGVsbG8=");
    bytes_no_padding_needed_ok: t::bytes(), json!("AQID");
    bytes_double_padding_ok: t::bytes(), json!("aGk=");
    bytes_empty_ok: t::bytes(), json!("");
    bytes_plus_slash_ok: t::bytes(), json!("+/+/");
    key_ok: t::key(), json!("abc-123");
    optional_null_ok: t::optional(t::string()), Value::Null;
    optional_inner_ok: t::optional(t::string()), json!("x");
    array_numbers_ok: t::array(t::number()), json!([1, 2, 3]);
    array_empty_ok: t::array(t::string()), json!([]);
    array_nested_ok: t::array(t::array(t::number())), json!([[1], [], [2, 3]]);
    array_optional_items_ok: t::array(t::optional(t::number())), json!([1, null, 2]);
    record_ok: t::record(t::number()), json!({"a": 1, "b": 2});
    record_empty_ok: t::record(t::string()), json!({});
    record_unicode_key_ok: t::record(t::number()), json!({"ключ": 1});
    object_ok: t::object([("name", t::string()), ("age", t::number())]), json!({"name": "J", "age": 3});
    object_empty_schema_empty_value_ok: t::object::<&str>([]), json!({});
    object_optional_missing_ok: t::object([("a", t::string()), ("b", t::optional(t::number()))]), json!({"a": "x"});
    object_optional_null_ok: t::object([("b", t::optional(t::number()))]), json!({"b": null});
    literal_string_ok: t::literal("active"), json!("active");
    literal_number_ok: t::literal(42), json!(42);
    literal_number_float_form_ok: t::literal(42), json!(42.0);
    literal_bool_ok: t::literal(true), json!(true);
    union_first_ok: t::union([t::string(), t::number()]), json!("s");
    union_second_ok: t::union([t::string(), t::number()]), json!(5);
    union_literals_ok: t::union([t::literal("a"), t::literal("b")]), json!("b");
    union_optional_variant_null_ok: t::union([t::optional(t::string()), t::number()]), Value::Null;
    union_of_objects_ok: t::union([t::object([("k", t::literal("a"))]), t::object([("k", t::literal("b")), ("n", t::number())])]), json!({"k": "b", "n": 1});
}

rejects! {
    string_rejects_number: t::string(), json!(123) => "", "string", "number";
    string_rejects_null: t::string(), Value::Null => "", "string", "null";
    string_rejects_bool: t::string(), json!(true) => "", "string", "boolean";
    string_rejects_array: t::string(), json!([]) => "", "string", "array";
    string_rejects_object: t::string(), json!({}) => "", "string", "object";
    text_rejects_number: t::text(), json!(1) => "", "string", "number";
    number_rejects_string: t::number(), json!("1") => "", "number", "\"1\"";
    number_rejects_null: t::number(), Value::Null => "", "number", "null";
    boolean_rejects_number: t::boolean(), json!(0) => "", "boolean", "number";
    boolean_rejects_null: t::boolean(), Value::Null => "", "boolean", "null";
    date_rejects_garbage: t::date(), json!("not a date") => "", "ISO-8601 date string", "\"not a date\"";
    date_rejects_impossible_values: t::date(), json!("9999-99-99T99:99:99Z") => "", "ISO-8601 date string", "\"9999-99-99T99:99:99Z\"";
    date_rejects_feb_30: t::date(), json!("2024-02-30T00:00:00Z") => "", "ISO-8601 date string", "\"2024-02-30T00:00:00Z\"";
    date_rejects_non_leap_feb_29: t::date(), json!("2023-02-29T00:00:00Z") => "", "ISO-8601 date string", "\"2023-02-29T00:00:00Z\"";
    date_rejects_number: t::date(), json!(12345) => "", "ISO-8601 date string", "number";
    date_rejects_date_only: t::date(), json!("2024-01-15") => "", "ISO-8601 date string", "\"2024-01-15\"";
    date_rejects_space_separator: t::date(), json!("2024-01-15 10:30:00Z") => "", "ISO-8601 date string", "\"2024-01-15 10:30:00Z\"";
    date_rejects_empty_fraction: t::date(), json!("2024-01-15T10:30:00.Z") => "", "ISO-8601 date string", "\"2024-01-15T10:30:00.Z\"";
    date_rejects_trailing_text: t::date(), json!("2024-01-15T10:30:00Zjunk") => "", "ISO-8601 date string", "\"2024-01-15T10:30:00Zjunk\"";
    created_at_rejects_garbage: t::created_at(), json!("yesterday") => "", "ISO-8601 date string", "\"yesterday\"";
    updated_at_rejects_null: t::updated_at(), Value::Null => "", "ISO-8601 date string", "null";
    bytes_rejects_bad_chars: t::bytes(), json!("not valid base64!!!") => "", "base64 string", "\"not valid base64!!!\"";
    bytes_rejects_bad_length: t::bytes(), json!("abc") => "", "base64 string", "\"abc\"";
    bytes_rejects_whitespace: t::bytes(), json!("aGVs bG8=") => "", "base64 string", "\"aGVs bG8=\"";
    bytes_rejects_url_alphabet: t::bytes(), json!("-_-_") => "", "base64 string", "\"-_-_\"";
    bytes_rejects_number: t::bytes(), json!(42) => "", "base64 string", "number";
    bytes_rejects_byte_array: t::bytes(), json!([1, 2]) => "", "base64 string", "array";
    key_rejects_empty: t::key(), json!("") => "", "non-empty string", "\"\"";
    key_rejects_number: t::key(), json!(42) => "", "non-empty string", "number";
    optional_rejects_wrong_inner: t::optional(t::string()), json!(1) => "", "string", "number";
    array_rejects_string: t::array(t::string()), json!("x") => "", "array", "\"x\"";
    array_rejects_object: t::array(t::string()), json!({}) => "", "array", "object";
    array_item_path: t::array(t::number()), json!([1, "two", 3]) => "[1]", "number", "\"two\"";
    nested_array_item_path: t::array(t::array(t::number())), json!([[1], [2, null]]) => "[1][1]", "number", "null";
    record_rejects_array: t::record(t::number()), json!([1]) => "", "record (object)", "array";
    record_value_path: t::record(t::number()), json!({"good": 1, "bad": "two"}) => "bad", "number", "\"two\"";
    record_rejects_empty_key: t::record(t::number()), json!({"": 1}) => "", "valid key (non-empty, without '.', '[' or ']')", "\"\"";
    record_rejects_dotted_key: t::record(t::number()), json!({"a.b": 1}) => "a.b", "valid key (non-empty, without '.', '[' or ']')", "\"a.b\"";
    record_rejects_bracket_key: t::record(t::number()), json!({"a[0]": 1}) => "a[0]", "valid key (non-empty, without '.', '[' or ']')", "\"a[0]\"";
    object_rejects_array: t::object([("a", t::string())]), json!([]) => "", "object", "array";
    object_rejects_null: t::object([("a", t::string())]), Value::Null => "", "object", "null";
    object_missing_required: t::object([("a", t::string())]), json!({}) => "a", "string", "undefined";
    object_nested_path: t::object([("user", t::object([("profile", t::object([("email", t::string())]))]))]), json!({"user": {"profile": {"email": 123}}}) => "user.profile.email", "string", "number";
    object_array_object_path: t::object([("addresses", t::array(t::object([("zip", t::string())])))]), json!({"addresses": [{"zip": "1"}, {"zip": 2}]}) => "addresses[1].zip", "string", "number";
    object_record_path: t::object([("scores", t::record(t::number()))]), json!({"scores": {"ann": true}}) => "scores.ann", "number", "boolean";
    literal_rejects_other_string: t::literal("active"), json!("inactive") => "", "\"active\"", "\"inactive\"";
    literal_rejects_other_number: t::literal(1), json!(2) => "", "1", "number";
    literal_rejects_other_type: t::literal(true), json!("true") => "", "true", "\"true\"";
    union_rejects_unmatched: t::union([t::string(), t::number()]), json!(true) => "", "one of string | number", "boolean";
    union_literals_reject_unmatched: t::union([t::literal("a"), t::literal("b")]), json!("d") => "", "one of \"a\" | \"b\"", "\"d\"";
    union_nested_path: t::object([("v", t::union([t::string(), t::number()]))]), json!({"v": null}) => "v", "one of string | number", "null";
}

#[test]
fn object_drops_unknown_keys() {
    let s = t::object([("name", t::string())]);
    let out = validate_shape(&s, &json!({"name": "J", "extra": 1})).unwrap();
    assert_eq!(out, json!({"name": "J"}));
}

#[test]
fn object_drops_unknown_keys_in_nested_objects() {
    let s = t::object([("a", t::object([("b", t::number())]))]);
    let out = validate_shape(&s, &json!({"a": {"b": 1, "c": 2}})).unwrap();
    assert_eq!(out, json!({"a": {"b": 1}}));
}

#[test]
fn object_drops_unknown_keys_inside_arrays() {
    let s = t::array(t::object([("b", t::number())]));
    let out = validate_shape(&s, &json!([{"b": 1, "z": 0}])).unwrap();
    assert_eq!(out, json!([{"b": 1}]));
}

#[test]
fn object_keeps_input_key_order() {
    let s = t::object([("a", t::number()), ("b", t::number()), ("c", t::number())]);
    let out = validate_shape(&s, &json!({"c": 3, "a": 1, "b": 2})).unwrap();
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["c", "a", "b"]);
}

#[test]
fn object_missing_optional_stays_missing() {
    let s = t::object([("a", t::optional(t::string()))]);
    let out = validate_shape(&s, &json!({})).unwrap();
    assert!(out.get("a").is_none());
}

#[test]
fn object_collects_every_error() {
    let s = t::object([("a", t::string()), ("b", t::number()), ("c", t::boolean())]);
    let errs = validate_shape(&s, &json!({"a": 1, "b": "two", "c": "three"})).unwrap_err();
    let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["a", "b", "c"]);
}

#[test]
fn object_reports_missing_and_wrong_fields_together() {
    let s = t::object([("a", t::string()), ("b", t::number())]);
    let errs = validate_shape(&s, &json!({"b": "x"})).unwrap_err();
    assert_eq!(errs.0.len(), 2);
    assert!(
        errs.0
            .iter()
            .any(|e| e.path == "a" && e.received == "undefined")
    );
    assert!(
        errs.0
            .iter()
            .any(|e| e.path == "b" && e.expected == "number")
    );
}

#[test]
fn array_collects_every_bad_item() {
    let errs = validate_shape(&t::array(t::number()), &json!(["a", 1, "b", null])).unwrap_err();
    let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["[0]", "[2]", "[3]"]);
}

#[test]
fn errors_collected_across_nesting_levels() {
    let s = t::object([
        (
            "address",
            t::object([("zip", t::string()), ("city", t::string())]),
        ),
        ("tags", t::array(t::string())),
    ]);
    let v = json!({"address": {"zip": 1, "city": 2}, "tags": ["a", "b", 3]});
    let errs = validate_shape(&s, &v).unwrap_err();
    let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["address.zip", "address.city", "tags[2]"]);
}

#[test]
fn error_messages_name_expected_and_received() {
    let errs = validate_shape(&t::string(), &json!(5)).unwrap_err();
    assert_eq!(errs.0[0].message, "expected string, received number");
    assert_eq!(errs.to_string(), "(root): expected string, received number");
}

#[test]
fn error_display_joins_failures_with_paths() {
    let s = t::object([("a", t::string()), ("b", t::number())]);
    let errs = validate_shape(&s, &json!({"a": 1, "b": "x"})).unwrap_err();
    let text = errs.to_string();
    assert!(text.contains("a: expected string"), "{text}");
    assert!(text.contains("b: expected number"), "{text}");
}

#[test]
fn long_strings_are_reported_by_type_only() {
    let long = "x".repeat(100);
    let errs = validate_shape(&t::number(), &json!(long)).unwrap_err();
    assert_eq!(errs.0[0].received, "string");
}

#[test]
fn union_returns_the_matching_variants_cleaned_value() {
    let s = t::union([t::object([("a", t::number())]), t::string()]);
    assert_eq!(
        validate_shape(&s, &json!({"a": 1, "b": 2})).unwrap(),
        json!({"a": 1})
    );
}

#[test]
fn union_first_matching_variant_wins() {
    let a = t::object([("x", t::number())]);
    let b = t::object([("x", t::number()), ("y", t::number())]);
    let out = validate_shape(&t::union([a, b]), &json!({"x": 1, "y": 2})).unwrap();
    assert_eq!(out, json!({"x": 1}));
}

#[test]
fn union_error_is_single_even_with_many_variants() {
    let s = t::union([
        t::string(),
        t::number(),
        t::boolean(),
        t::array(t::string()),
    ]);
    assert_eq!(validate_shape(&s, &json!({})).unwrap_err().0.len(), 1);
}

#[test]
fn empty_union_rejects_everything() {
    assert!(validate_shape(&t::union([]), &json!(1)).is_err());
}

#[test]
fn validate_takes_ownership_and_matches_validate_shape() {
    let s = t::object([("a", t::number())]);
    let v = json!({"a": 1, "b": 2});
    assert_eq!(validate(&s, v.clone()), validate_shape(&s, &v));
}

#[test]
fn validate_or_throw_ok() {
    assert_eq!(
        validate_or_throw(&t::string(), &json!("x")).unwrap(),
        json!("x")
    );
}

#[test]
fn validate_or_throw_wraps_in_schema_error() {
    let err = validate_or_throw(&t::string(), &json!(1)).unwrap_err();
    assert!(matches!(
        err,
        LessDbError::Schema(SchemaError::Validation(_))
    ));
}

#[test]
fn is_valid_agrees_with_validate_shape() {
    let s = t::object([("a", t::array(t::number()))]);
    for v in [
        json!({"a": [1]}),
        json!({"a": ["x"]}),
        json!({}),
        json!(null),
    ] {
        assert_eq!(is_valid(&s, &v), validate_shape(&s, &v).is_ok(), "{v}");
    }
}

fn nested_schema(levels: usize) -> (SchemaNode, Value) {
    let mut s = t::object([("value", t::string())]);
    let mut v = json!({"value": "leaf"});
    for _ in 0..levels {
        s = t::object([("nested", s)]);
        v = json!({ "nested": v });
    }
    (s, v)
}

#[test]
fn deep_but_allowed_nesting_validates() {
    let (s, v) = nested_schema(MAX_DEPTH - 1);
    assert!(validate_shape(&s, &v).is_ok());
}

#[test]
fn nesting_past_the_limit_is_an_error_not_a_panic() {
    let (s, v) = nested_schema(MAX_DEPTH + 1);
    let errs = validate_shape(&s, &v).unwrap_err();
    assert_eq!(errs.0.len(), 1);
    assert!(
        errs.0[0].expected.contains("levels deep"),
        "{:?}",
        errs.0[0]
    );
    assert!(errs.0[0].path.starts_with("nested.nested"));
}

#[test]
fn deeply_nested_arrays_past_the_limit_are_an_error() {
    let mut s = t::number();
    let mut v = json!(1);
    for _ in 0..(MAX_DEPTH + 5) {
        s = t::array(s);
        v = json!([v]);
    }
    assert!(validate_shape(&s, &v).is_err());
}

#[test]
fn parse_iso_date_reads_instants() {
    let a = parse_iso_date("2024-01-15T10:30:00Z").unwrap();
    let b = parse_iso_date("2024-01-15T12:30:00+02:00").unwrap();
    let c = parse_iso_date("2024-01-15T10:30:00.000").unwrap();
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(a.timestamp_millis(), 1_705_314_600_000);
}

#[test]
fn parse_iso_date_rejects_bad_offsets() {
    assert!(parse_iso_date("2024-01-15T10:30:00+0200").is_none());
    assert!(parse_iso_date("2024-01-15T10:30:00+25:00").is_none());
    assert!(parse_iso_date("2024-01-15T10:30:00 UTC").is_none());
}

#[test]
fn parse_iso_date_rejects_short_or_lowercase_forms() {
    assert!(!is_valid_iso_date("2024-1-5T1:2:3Z"));
    assert!(!is_valid_iso_date("2024-01-15t10:30:00z"));
    assert!(!is_valid_iso_date(""));
    assert!(!is_valid_iso_date("+02024-01-15T10:30:00Z"));
}

#[test]
fn parse_iso_date_rejects_more_than_nine_fraction_digits() {
    assert!(!is_valid_iso_date("2024-01-15T10:30:00.1234567890Z"));
}

#[test]
fn base64_helper() {
    assert!(is_valid_base64("aGVsbG8="));
    assert!(is_valid_base64(""));
    assert!(!is_valid_base64("aGVsbG8"));
    assert!(!is_valid_base64("a==="));
    assert!(!is_valid_base64("aGVsbG8=\n"));
}

#[test]
fn record_key_helper() {
    assert!(is_valid_record_key("abc"));
    assert!(is_valid_record_key("with space"));
    assert!(!is_valid_record_key(""));
    assert!(!is_valid_record_key("a.b"));
    assert!(!is_valid_record_key("a]"));
}

#[test]
fn type_names() {
    assert_eq!(type_name(None), "undefined");
    assert_eq!(type_name(Some(&json!(null))), "null");
    assert_eq!(type_name(Some(&json!(1))), "number");
    assert_eq!(type_name(Some(&json!("s"))), "string");
    assert_eq!(type_name(Some(&json!(true))), "boolean");
    assert_eq!(type_name(Some(&json!([]))), "array");
    assert_eq!(type_name(Some(&json!({}))), "object");
}

#[test]
fn full_record_with_auto_fields_validates() {
    let s = t::object([
        ("id", t::key()),
        ("createdAt", t::created_at()),
        ("updatedAt", t::updated_at()),
        ("name", t::string()),
        ("avatar", t::optional(t::bytes())),
        ("role", t::union([t::literal("admin"), t::literal("user")])),
    ]);
    let v = json!({
        "id": "u1",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-02T00:00:00.000Z",
        "name": "Ann",
        "avatar": "AQID",
        "role": "user"
    });
    assert_eq!(validate_shape(&s, &v).unwrap(), v);
}
