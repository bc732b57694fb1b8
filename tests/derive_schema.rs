#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The derived schema trees and collection definitions equal the ones built by hand
//! with the `t` builder and index specs, and serde writes the JS field names.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use less_db::collection::{CollectionDef, ComputedSpec, IndexSpec, collection};
use less_db::index::{ComputedIndex, FieldIndex, IndexDefinition, IndexField, SortDirection};
use less_db::schema::node::{SchemaNode, t};
use less_db::typed::{Bytes, Document as _};
use less_db::{Collection, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Schema, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Address {
    pub street: String,
    pub city: String,
    #[serde(rename = "zipCode")]
    pub zip: Option<String>,
}

#[derive(Schema, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    PowerUser,
    #[serde(rename = "guest!")]
    Guest,
    #[serde(skip)]
    #[allow(dead_code)]
    Internal,
}

fn email_lower(data: &Value) -> Option<Value> {
    data.get("email")?
        .as_str()
        .map(|s| Value::from(s.to_lowercase()))
}

#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[collection(name = "users")]
#[index(email, unique)]
#[index(last_name, first_name)]
#[index(nickname, sparse)]
#[index(created_at desc, role, name = "by_age_role")]
#[index(address.city)]
#[index(name = "email_lower", compute = email_lower, unique)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[key]
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub nickname: Option<String>,
    #[text]
    pub bio: String,
    pub age: Option<u32>,
    pub score: f64,
    pub active: bool,
    pub tags: Vec<String>,
    pub prefs: BTreeMap<String, bool>,
    pub counters: HashMap<String, i64>,
    pub avatar: Option<Bytes>,
    pub address: Address,
    pub role: Role,
    pub last_seen: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub cache: u8,
    #[created_at]
    pub created_at: DateTime<Utc>,
    #[updated_at]
    pub updated_at: DateTime<Utc>,
}

fn address_schema() -> SchemaNode {
    t::object([
        ("street", t::string()),
        ("city", t::string()),
        ("zipCode", t::optional(t::string())),
    ])
}

fn role_schema() -> SchemaNode {
    t::union([
        t::literal("admin"),
        t::literal("power_user"),
        t::literal("guest!"),
    ])
}

fn user_shape() -> BTreeMap<String, SchemaNode> {
    let SchemaNode::Object(props) = t::object([
        ("email", t::string()),
        ("firstName", t::string()),
        ("lastName", t::string()),
        ("nickname", t::optional(t::string())),
        ("bio", t::text()),
        ("age", t::optional(t::number())),
        ("score", t::number()),
        ("active", t::boolean()),
        ("tags", t::array(t::string())),
        ("prefs", t::record(t::boolean())),
        ("counters", t::record(t::number())),
        ("avatar", t::optional(t::bytes())),
        ("address", address_schema()),
        ("role", role_schema()),
        ("lastSeen", t::optional(t::date())),
    ]) else {
        unreachable!()
    };
    props
}

fn hand_built_users() -> std::sync::Arc<CollectionDef> {
    collection("users")
        .v(1, user_shape())
        .index(IndexSpec::on(["email"]).unique())
        .index(["lastName", "firstName"])
        .index(IndexSpec::on(["nickname"]).sparse())
        .index(
            IndexSpec::on(["createdAt", "role"])
                .desc("createdAt")
                .named("by_age_role"),
        )
        .index("address.city")
        .computed(ComputedSpec::new("email_lower", email_lower).unique())
        .build()
        .unwrap()
}

#[test]
fn nested_struct_is_an_object_with_serde_names() {
    assert_eq!(Address::schema(), address_schema());
}

#[test]
fn unit_enum_is_a_union_of_renamed_literals_without_skipped_variants() {
    assert_eq!(Role::schema(), role_schema());
    assert_eq!(
        serde_json::to_value(Role::PowerUser).unwrap(),
        json!("power_user")
    );
}

#[test]
fn collection_shape_leaves_out_auto_fields() {
    assert_eq!(User::shape(), user_shape());
    assert_eq!(User::NAME, "users");
    assert_eq!(User::VERSION, 1);
}

#[test]
fn struct_schema_is_the_full_record_schema() {
    let mut full = user_shape();
    full.insert("id".into(), t::key());
    full.insert("createdAt".into(), t::created_at());
    full.insert("updatedAt".into(), t::updated_at());
    assert_eq!(User::schema(), SchemaNode::Object(full));
    assert_eq!(User::schema(), User::def().current_schema);
}

#[test]
fn derived_definition_equals_the_hand_built_one() {
    let derived = User::def();
    let by_hand = hand_built_users();
    assert_eq!(derived.name, by_hand.name);
    assert_eq!(derived.current_version, by_hand.current_version);
    assert_eq!(derived.current_schema, by_hand.current_schema);
    assert_eq!(derived.versions[0].shape, by_hand.versions[0].shape);
    assert_eq!(derived.indexes, by_hand.indexes);
}

#[test]
fn derived_indexes_have_the_expected_names_fields_and_flags() {
    let def = User::def();
    let names: Vec<_> = def.indexes.iter().map(IndexDefinition::name).collect();
    assert_eq!(
        names,
        [
            "idx_email",
            "idx_lastName_firstName",
            "idx_nickname",
            "by_age_role",
            "idx_address_city",
            "email_lower"
        ]
    );
    let asc = |f: &str| IndexField {
        field: f.into(),
        order: SortDirection::Asc,
    };
    assert_eq!(
        def.index("by_age_role"),
        Some(&IndexDefinition::Field(FieldIndex {
            name: "by_age_role".into(),
            fields: vec![
                IndexField {
                    field: "createdAt".into(),
                    order: SortDirection::Desc
                },
                asc("role"),
            ],
            unique: false,
            sparse: false,
        }))
    );
    assert!(def.index("idx_nickname").unwrap().is_sparse());
    let Some(IndexDefinition::Computed(ComputedIndex {
        compute, unique, ..
    })) = def.index("email_lower")
    else {
        panic!("email_lower is not a computed index");
    };
    assert!(*unique);
    assert_eq!(compute(&json!({"email": "A@B.io"})), Some(json!("a@b.io")));
}

#[test]
fn def_is_built_once_and_shared() {
    assert!(std::sync::Arc::ptr_eq(&User::def(), &User::def()));
}

fn sample_user() -> User {
    User {
        id: "u1".into(),
        email: "ada@example.com".into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        nickname: None,
        bio: "Analyst".into(),
        age: Some(36),
        score: 1.5,
        active: true,
        tags: vec!["math".into()],
        prefs: BTreeMap::from([("dark".into(), true)]),
        counters: HashMap::new(),
        avatar: Some(Bytes::new(vec![1, 2, 3])),
        address: Address {
            street: "1 Main".into(),
            city: "London".into(),
            zip: None,
        },
        role: Role::Admin,
        last_seen: None,
        cache: 0,
        created_at: Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
        updated_at: Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 6).unwrap(),
    }
}

#[test]
fn serde_writes_the_js_field_names_and_reads_them_back() {
    let user = sample_user();
    let value = serde_json::to_value(&user).unwrap();
    let obj = value.as_object().unwrap();
    for key in [
        "id",
        "createdAt",
        "updatedAt",
        "firstName",
        "lastName",
        "lastSeen",
    ] {
        assert!(obj.contains_key(key), "missing {key} in {value}");
    }
    assert!(!obj.contains_key("created_at"));
    assert!(!obj.contains_key("cache"));
    assert_eq!(value["avatar"], json!("AQID"));
    assert_eq!(value["address"]["zipCode"], Value::Null);
    let back: User = serde_json::from_value(value).unwrap();
    assert_eq!(back, user);
}

#[test]
fn serialized_record_passes_the_derived_schema() {
    let value = serde_json::to_value(sample_user()).unwrap();
    less_db::schema::validate_shape(&User::def().current_schema, &value).unwrap();
}
