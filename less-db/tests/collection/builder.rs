use std::sync::Arc;

use less_db::collection::builder::{
    get_version_schema, inject_auto_fields, is_safe_name, reattach_auto_fields, strip_auto_fields,
};
use less_db::collection::{CollectionDef, ComputedSpec, IndexSpec, collection};
use less_db::error::SchemaError;
use less_db::index::types::{IndexDefinition, SortDirection};
use less_db::schema::node::{SchemaNode, t};
use serde_json::{Value, json};

fn users_v1() -> SchemaNode {
    t::object([("name", t::string()), ("email", t::string())])
}

fn build_err(b: less_db::collection::CollectionBuilder) -> String {
    match b.build() {
        Err(SchemaError::InvalidDefinition { message, .. }) => message,
        Err(other) => panic!("unexpected error {other}"),
        Ok(def) => panic!("built {def:?}"),
    }
}

fn ok(b: less_db::collection::CollectionBuilder) -> Arc<CollectionDef> {
    b.build().unwrap()
}

#[test]
fn one_version_collection() {
    let def = ok(collection("users").v(1, users_v1()));
    assert_eq!(def.name, "users");
    assert_eq!(def.current_version, 1);
    assert_eq!(def.versions.len(), 1);
    assert_eq!(def.versions[0].version, 1);
    assert!(def.versions[0].migrate.is_none());
}

#[test]
fn two_version_collection() {
    let def = ok(collection("users")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(2, t::object([("first", t::string())]), |d| {
            Ok(json!({"first": d["name"]}))
        }));
    assert_eq!(def.current_version, 2);
    assert_eq!(def.versions.len(), 2);
    assert!(def.versions[1].migrate.is_some());
}

#[test]
fn three_version_chain() {
    let def = ok(collection("c")
        .v(1, t::object([("a", t::string())]))
        .v_migrate(2, t::object([("a", t::string())]), Ok)
        .v_migrate(3, t::object([("a", t::string())]), Ok));
    assert_eq!(def.current_version, 3);
    assert_eq!(
        def.versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[test]
fn accepts_a_map_of_fields() {
    let mut m = std::collections::BTreeMap::new();
    m.insert("a".to_string(), t::string());
    assert!(collection("c").v(1, m).build().is_ok());
}

#[test]
fn current_schema_is_the_newest_with_auto_fields() {
    let def = ok(collection("c")
        .v(1, t::object([("old", t::string())]))
        .v_migrate(2, t::object([("new", t::string())]), Ok));
    assert!(def.current_schema.get("new").is_some());
    assert!(def.current_schema.get("old").is_none());
    assert_eq!(def.current_schema.get("id"), Some(&SchemaNode::Key));
}

#[test]
fn auto_fields_are_added() {
    let def = ok(collection("items").v(1, t::object([("title", t::string())])));
    assert_eq!(def.current_schema.get("id"), Some(&SchemaNode::Key));
    assert_eq!(
        def.current_schema.get("createdAt"),
        Some(&SchemaNode::CreatedAt)
    );
    assert_eq!(
        def.current_schema.get("updatedAt"),
        Some(&SchemaNode::UpdatedAt)
    );
    assert_eq!(def.current_schema.get("title"), Some(&SchemaNode::String));
}

#[test]
fn version_shape_keeps_the_schema_as_written() {
    let def = ok(collection("items").v(1, t::object([("title", t::string())])));
    assert_eq!(def.versions[0].shape.len(), 1);
    assert!(def.versions[0].shape.contains_key("title"));
}

#[test]
fn every_version_gets_auto_fields() {
    let def = ok(collection("c")
        .v(1, t::object([("a", t::string())]))
        .v_migrate(2, t::object([("b", t::string())]), Ok));
    for v in &def.versions {
        assert_eq!(v.schema.get("id"), Some(&SchemaNode::Key));
    }
}

#[test]
fn schema_for_version_and_get_version_schema() {
    let def = ok(collection("c")
        .v(1, t::object([("name", t::string())]))
        .v_migrate(2, t::object([("first", t::string())]), Ok));
    assert!(def.schema_for_version(1).unwrap().get("name").is_some());
    assert!(get_version_schema(&def, 2).unwrap().get("first").is_some());
}

#[test]
fn unknown_versions_have_no_schema() {
    let def = ok(collection("c").v(1, users_v1()));
    assert!(def.schema_for_version(0).is_none());
    assert!(def.schema_for_version(99).is_none());
    assert!(def.version(2).is_none());
}

#[test]
fn empty_name_is_an_error() {
    assert!(build_err(collection("").v(1, users_v1())).contains("empty"));
}

#[test]
fn whitespace_name_is_an_error() {
    assert!(build_err(collection("   ").v(1, users_v1())).contains("empty"));
}

#[test]
fn sql_injection_name_is_an_error() {
    let msg = build_err(collection("my'; DROP TABLE").v(1, users_v1()));
    assert!(msg.contains("invalid characters"), "{msg}");
}

#[test]
fn name_starting_with_digit_is_an_error() {
    assert!(build_err(collection("123abc").v(1, users_v1())).contains("invalid characters"));
}

#[test]
fn name_with_dash_is_an_error() {
    assert!(build_err(collection("my-items").v(1, users_v1())).contains("invalid characters"));
}

#[test]
fn error_names_the_collection() {
    let Err(SchemaError::InvalidDefinition { collection: c, .. }) =
        collection("bad name").v(1, users_v1()).build()
    else {
        panic!("expected an error");
    };
    assert_eq!(c, "bad name");
}

#[test]
fn underscore_names_are_fine() {
    assert!(
        collection("_private_items")
            .v(1, users_v1())
            .build()
            .is_ok()
    );
}

#[test]
fn no_versions_is_an_error() {
    assert!(build_err(collection("c")).contains("no versions"));
}

#[test]
fn version_zero_is_an_error() {
    assert!(build_err(collection("c").v(0, users_v1())).contains("version 0"));
}

#[test]
fn first_version_must_be_one() {
    let msg = build_err(collection("c").v(2, users_v1()));
    assert!(msg.contains("must be 1"), "{msg}");
}

#[test]
fn skipped_version_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .v_migrate(3, users_v1(), Ok),
    );
    assert!(msg.contains("next version must be 2"), "{msg}");
}

#[test]
fn duplicate_version_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .v_migrate(1, users_v1(), Ok),
    );
    assert!(msg.contains("out of order"), "{msg}");
}

#[test]
fn later_version_without_migration_is_an_error() {
    let msg = build_err(collection("c").v(1, users_v1()).v(2, users_v1()));
    assert!(msg.contains("has no migration"), "{msg}");
    assert!(msg.contains("v_migrate(2"), "{msg}");
}

#[test]
fn first_version_with_migration_is_an_error() {
    let msg = build_err(collection("c").v_migrate(1, users_v1(), Ok));
    assert!(msg.contains("no earlier version"), "{msg}");
}

#[test]
fn non_object_schema_is_an_error() {
    let msg = build_err(collection("c").v(1, t::string()));
    assert!(msg.contains("must be an object"), "{msg}");
}

#[test]
fn reserved_id_field_is_an_error() {
    let msg = build_err(collection("c").v(1, t::object([("id", t::string())])));
    assert!(msg.contains("reserved"), "{msg}");
}

#[test]
fn reserved_created_at_field_is_an_error() {
    assert!(
        build_err(collection("c").v(1, t::object([("createdAt", t::date())]))).contains("reserved")
    );
}

#[test]
fn reserved_updated_at_field_is_an_error() {
    assert!(
        build_err(collection("c").v(1, t::object([("updatedAt", t::date())]))).contains("reserved")
    );
}

#[test]
fn reserved_field_in_later_version_is_an_error() {
    let msg = build_err(collection("c").v(1, users_v1()).v_migrate(
        2,
        t::object([("id", t::string())]),
        Ok,
    ));
    assert!(
        msg.contains("version 2") && msg.contains("reserved"),
        "{msg}"
    );
}

#[test]
fn unsafe_field_name_is_an_error() {
    let msg = build_err(collection("c").v(1, t::object([("name'; DROP TABLE", t::string())])));
    assert!(msg.contains("invalid characters"), "{msg}");
}

#[test]
fn field_name_starting_with_digit_is_an_error() {
    assert!(
        build_err(collection("c").v(1, t::object([("123field", t::string())])))
            .contains("invalid characters")
    );
}

#[test]
fn underscore_field_names_are_fine() {
    let def = ok(collection("c").v(
        1,
        t::object([("_private", t::string()), ("my_field", t::string())]),
    ));
    assert_eq!(
        def.current_schema.get("_private"),
        Some(&SchemaNode::String)
    );
}

#[test]
fn every_mistake_is_reported_at_once() {
    let msg = build_err(
        collection("bad-name")
            .v(1, t::object([("id", t::string())]))
            .index("missing"),
    );
    assert!(msg.contains("invalid characters"), "{msg}");
    assert!(msg.contains("reserved"), "{msg}");
    assert!(msg.contains("unknown field"), "{msg}");
}

#[test]
fn nested_objects_arrays_optionals_are_kept() {
    let def = ok(collection("p").v(
        1,
        t::object([
            (
                "user",
                t::object([("settings", t::object([("theme", t::string())]))]),
            ),
            ("tags", t::array(t::string())),
            ("bio", t::optional(t::text())),
        ]),
    ));
    assert!(matches!(
        def.current_schema.get("user"),
        Some(SchemaNode::Object(_))
    ));
    assert!(matches!(
        def.current_schema.get("tags"),
        Some(SchemaNode::Array(_))
    ));
    assert!(matches!(
        def.current_schema.get("bio"),
        Some(SchemaNode::Optional(_))
    ));
}

// ---- indexes ----

fn field_index(def: &CollectionDef, i: usize) -> &less_db::index::types::FieldIndex {
    match &def.indexes[i] {
        IndexDefinition::Field(f) => f,
        IndexDefinition::Computed(_) => panic!("computed"),
    }
}

#[test]
fn index_from_a_field_name() {
    let def = ok(collection("c").v(1, users_v1()).index("email"));
    let f = field_index(&def, 0);
    assert_eq!(f.name, "idx_email");
    assert_eq!(f.fields.len(), 1);
    assert_eq!(f.fields[0].field, "email");
    assert_eq!(f.fields[0].order, SortDirection::Asc);
    assert!(!f.unique && !f.sparse);
}

#[test]
fn compound_index_from_an_array() {
    let def = ok(collection("c").v(1, users_v1()).index(["name", "email"]));
    let f = field_index(&def, 0);
    assert_eq!(f.name, "idx_name_email");
    assert_eq!(
        f.fields
            .iter()
            .map(|x| x.field.as_str())
            .collect::<Vec<_>>(),
        ["name", "email"]
    );
}

#[test]
fn unique_index() {
    let def = ok(collection("c")
        .v(1, users_v1())
        .index(IndexSpec::on(["email"]).unique()));
    assert!(def.indexes[0].is_unique());
}

#[test]
fn sparse_index() {
    let def = ok(collection("c")
        .v(1, t::object([("nick", t::optional(t::string()))]))
        .index(IndexSpec::on(["nick"]).sparse()));
    assert!(def.indexes[0].is_sparse());
}

#[test]
fn named_index() {
    let def = ok(collection("c")
        .v(1, users_v1())
        .index(IndexSpec::on(["email"]).named("by_email")));
    assert_eq!(def.indexes[0].name(), "by_email");
    assert!(def.index("by_email").is_some());
    assert!(def.index("idx_email").is_none());
}

#[test]
fn descending_index_field() {
    let def = ok(collection("c")
        .v(1, users_v1())
        .index(IndexSpec::on(["name", "email"]).desc("email")));
    let f = field_index(&def, 0);
    assert_eq!(f.fields[0].order, SortDirection::Asc);
    assert_eq!(f.fields[1].order, SortDirection::Desc);
}

#[test]
fn nested_field_index_name_replaces_dots() {
    let def = ok(collection("c")
        .v(
            1,
            t::object([("address", t::object([("city", t::string())]))]),
        )
        .index("address.city"));
    assert_eq!(def.indexes[0].name(), "idx_address_city");
}

#[test]
fn indexes_keep_declaration_order() {
    let def = ok(collection("c")
        .v(1, users_v1())
        .index("email")
        .index("name"));
    let names: Vec<&str> = def.indexes.iter().map(IndexDefinition::name).collect();
    assert_eq!(names, ["idx_email", "idx_name"]);
}

#[test]
fn auto_fields_can_be_indexed() {
    let def = ok(collection("c")
        .v(1, users_v1())
        .index("createdAt")
        .index("id")
        .index("updatedAt"));
    assert_eq!(def.indexes.len(), 3);
}

#[test]
fn duplicate_index_names_are_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .index("email")
            .index("email"),
    );
    assert!(msg.contains("already defined"), "{msg}");
}

#[test]
fn unknown_index_field_is_an_error() {
    let msg = build_err(collection("c").v(1, users_v1()).index("nonexistent"));
    assert!(msg.contains("unknown field"), "{msg}");
}

#[test]
fn index_on_field_of_older_version_only_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, t::object([("old", t::string())]))
            .v_migrate(2, t::object([("new", t::string())]), Ok)
            .index("old"),
    );
    assert!(msg.contains("unknown field"), "{msg}");
}

#[test]
fn array_index_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, t::object([("data", t::array(t::string()))]))
            .index("data"),
    );
    assert!(msg.contains("non-indexable type"), "{msg}");
}

#[test]
fn object_index_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, t::object([("o", t::object([("a", t::string())]))]))
            .index("o"),
    );
    assert!(msg.contains("non-indexable type"), "{msg}");
}

#[test]
fn bytes_index_is_an_error() {
    assert!(
        build_err(
            collection("c")
                .v(1, t::object([("b", t::bytes())]))
                .index("b")
        )
        .contains("non-indexable")
    );
}

#[test]
fn sparse_compound_index_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .index(IndexSpec::on(["name", "email"]).sparse()),
    );
    assert!(msg.contains("sparse and compound"), "{msg}");
}

#[test]
fn index_without_fields_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .index(IndexSpec::on(Vec::<String>::new())),
    );
    assert!(msg.contains("no fields"), "{msg}");
}

#[test]
fn index_listing_a_field_twice_is_an_error() {
    let msg = build_err(collection("c").v(1, users_v1()).index(["name", "name"]));
    assert!(msg.contains("twice"), "{msg}");
}

#[test]
fn unsafe_explicit_index_name_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .index(IndexSpec::on(["email"]).named("idx'; DROP")),
    );
    assert!(msg.contains("invalid characters"), "{msg}");
}

fn lower_email(d: &Value) -> Option<Value> {
    d.get("email")
        .and_then(Value::as_str)
        .map(|s| json!(s.to_lowercase()))
}

#[test]
fn computed_index() {
    let def = ok(collection("c")
        .v(1, users_v1())
        .computed(ComputedSpec::new("email_lower", lower_email).unique()));
    let IndexDefinition::Computed(c) = &def.indexes[0] else {
        panic!("not computed");
    };
    assert_eq!(c.name, "email_lower");
    assert!(c.unique);
    assert_eq!((c.compute)(&json!({"email": "A@B"})), Some(json!("a@b")));
    assert_eq!(
        def.computed_index_names().collect::<Vec<_>>(),
        ["email_lower"]
    );
}

#[test]
fn sparse_computed_index() {
    let def = ok(collection("c")
        .v(1, users_v1())
        .computed(ComputedSpec::new("x", lower_email).sparse()));
    assert!(def.indexes[0].is_sparse());
}

#[test]
fn duplicate_computed_index_names_are_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .computed(ComputedSpec::new("idx", lower_email))
            .computed(ComputedSpec::new("idx", lower_email)),
    );
    assert!(msg.contains("already defined"), "{msg}");
}

#[test]
fn computed_and_field_index_name_clash_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .index("email")
            .computed(ComputedSpec::new("idx_email", lower_email)),
    );
    assert!(msg.contains("already defined"), "{msg}");
}

#[test]
fn computed_name_equal_to_field_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .computed(ComputedSpec::new("email", lower_email)),
    );
    assert!(msg.contains("conflicts with field"), "{msg}");
}

#[test]
fn unsafe_computed_name_is_an_error() {
    let msg = build_err(
        collection("c")
            .v(1, users_v1())
            .computed(ComputedSpec::new("bad'; DROP", lower_email)),
    );
    assert!(msg.contains("invalid characters"), "{msg}");
}

// ---- helpers ----

#[test]
fn safe_names() {
    assert!(is_safe_name("users"));
    assert!(is_safe_name("_x1"));
    assert!(is_safe_name("A_b_C"));
    assert!(!is_safe_name(""));
    assert!(!is_safe_name("1a"));
    assert!(!is_safe_name("a b"));
    assert!(!is_safe_name("a.b"));
    assert!(!is_safe_name("ünï"));
    assert!(!is_safe_name(&"a".repeat(65)));
    assert!(is_safe_name(&"a".repeat(64)));
}

#[test]
fn inject_auto_fields_adds_three_fields() {
    let shape = t::object([("a", t::string())]);
    let full = inject_auto_fields(shape.properties().unwrap());
    assert_eq!(full.properties().unwrap().len(), 4);
}

#[test]
fn strip_and_reattach_auto_fields() {
    let data = json!({"id": "1", "name": "x", "createdAt": "c", "updatedAt": "u"});
    let (user, auto) = strip_auto_fields(data.clone());
    assert_eq!(user, json!({"name": "x"}));
    assert_eq!(auto.values.len(), 3);
    assert_eq!(reattach_auto_fields(user, auto), data);
}

#[test]
fn reattached_auto_fields_win_over_migrated_values() {
    let (_, auto) = strip_auto_fields(json!({"id": "keep"}));
    let out = reattach_auto_fields(json!({"id": "changed", "a": 1}), auto);
    assert_eq!(out["id"], "keep");
}

#[test]
fn strip_auto_fields_of_non_object_is_identity() {
    let (v, auto) = strip_auto_fields(json!(5));
    assert_eq!(v, json!(5));
    assert!(auto.values.is_empty());
}

#[test]
fn definition_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CollectionDef>();
    assert_send_sync::<Arc<CollectionDef>>();
}
