//! The typed layer: the [`Schema`] and [`Document`] traits that `#[derive(Schema)]` and
//! `#[derive(Collection)]` implement, their implementations for the supported Rust
//! types, the [`Bytes`] type for binary fields, typed queries ([`query`]) and the typed
//! database ([`Database`], [`Collection`]).
//!
//! | Rust type | schema node |
//! | --- | --- |
//! | `String`, `char` | `String` (`Text` with `#[text]`) |
//! | `i8`..`i64`, `u8`..`u64`, `isize`, `usize`, `f32`, `f64` | `Number` |
//! | `bool` | `Boolean` |
//! | `chrono::DateTime<Utc>` | `Date` |
//! | [`Bytes`] | `Bytes` (base64 in records, like a JS `Uint8Array`) |
//! | `Option<T>` | `Optional(T)` |
//! | `Vec<T>`, `VecDeque<T>` | `Array(T)` |
//! | `BTreeMap<String, T>`, `HashMap<String, T>` | `Record(T)` |
//! | `Box<T>`, `Arc<T>` | `T` |
//! | `#[derive(Schema)]` struct | `Object` |
//! | `#[derive(Schema)]` unit-only enum | `Union` of string `Literal`s |
//!
//! Binary data: serde writes a `Vec<u8>` as an array of numbers, while a record stores
//! bytes as a base64 string (what JS writes for a `Uint8Array`). Without specialization
//! `Vec<u8>` and `Vec<T>` cannot have different impls, so `Vec<u8>` through this trait
//! is an array of numbers (what serde really writes), and binary fields use [`Bytes`],
//! or a `Vec<u8>` field marked `#[bytes]` together with
//! `#[serde(with = "less_db::typed::base64")]`. The derive rejects a bare `Vec<u8>`
//! field so the choice is always explicit.

pub mod base64;
mod bytes;
pub mod db;
pub mod query;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::collection::builder::{CollectionBuilder, CollectionDef, MigrateError};
use crate::error::SchemaError;
use crate::schema::node::SchemaNode;

pub use crate::reactive::Subscription;
pub use bytes::Bytes;
pub use db::{Collection, Database, TypedBatch};
pub use query::{Field, Queryable, Set, Sort, TypedQuery, Where};

/// A Rust type with a less-db schema: what its serde form looks like in a record.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no less-db schema",
    label = "this type cannot be stored in a less-db record",
    note = "use String, a number type, bool, chrono::DateTime<Utc>, less_db::typed::Bytes, \
            Option<T>, Vec<T>, BTreeMap<String, T> / HashMap<String, T>, or a type with \
            #[derive(Schema)]"
)]
pub trait Schema {
    /// The schema node of this type.
    fn schema() -> SchemaNode;
}

/// A type whose fields can be indexed: strings, numbers, booleans, dates, unit-only
/// `#[derive(Schema)]` enums, and optionals of those. `#[index(..)]` checks it at
/// compile time.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be indexed",
    label = "an index covers strings, numbers, booleans, dates and unit enums",
    note = "index a scalar field instead (a nested one with `#[index(field.sub_field)]`), \
            or derive a value with #[index(name = \"..\", compute = path::to_fn)]"
)]
pub trait Indexable {}

/// Marks a `#[derive(Collection)]` struct as version `V` of its collection; the derive
/// implements it, and `migrate_from` requires it of the previous version's struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not version {V} of a collection",
    label = "`migrate_from` names the struct of the previous version",
    note = "the previous version's struct derives Collection with the same name and \
            `version = {V}`"
)]
pub trait IsVersion<const V: u32> {}

/// A struct stored as a collection; implemented by `#[derive(Collection)]`.
pub trait Document: Schema + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The collection name, as stored.
    const NAME: &'static str;
    /// The schema version this struct describes.
    const VERSION: u32;

    /// The fields without the auto-fields (`id`, `createdAt`, `updatedAt`): the schema
    /// the collection builder takes for this version.
    fn shape() -> BTreeMap<String, SchemaNode>;

    /// Adds versions 1 to [`Document::VERSION`] to `builder`: this struct's shape, and
    /// through `migrate_from` the earlier versions and their migrations.
    fn add_versions(builder: CollectionBuilder) -> CollectionBuilder;

    /// Adds this struct's indexes (from its `#[index(..)]` attributes) to `builder`.
    fn add_indexes(builder: CollectionBuilder) -> CollectionBuilder;

    /// Builds the collection definition through the collection builder.
    fn try_def() -> Result<Arc<CollectionDef>, SchemaError> {
        let builder = Self::add_versions(crate::collection::builder::collection(Self::NAME));
        Self::add_indexes(builder).build()
    }

    /// The collection definition, built once and shared.
    fn def() -> Arc<CollectionDef>;

    /// The record data of `self` as the engine stores it: dates in the JS form
    /// (ISO-8601 with milliseconds). A convenience for callers of the value API: the
    /// typed collection builds the same form itself (from the definition's schema,
    /// which is already built), so overriding this method does not change what it
    /// stores.
    fn to_record(&self) -> Result<Value, SchemaError> {
        to_record_value(self)
    }
}

/// What a migration function may return: the new struct, or a `Result` of it.
#[diagnostic::on_unimplemented(
    message = "a migration to `{T}` cannot return `{Self}`",
    label = "the migration function returns the wrong type",
    note = "write the migration as `fn(Previous) -> {T}` or `fn(Previous) -> Result<{T}, E>`"
)]
pub trait MigrateOutput<T> {
    fn into_result(self) -> Result<T, MigrateError>;
}

impl<T: Document> MigrateOutput<T> for T {
    fn into_result(self) -> Result<T, MigrateError> {
        Ok(self)
    }
}

impl<T: Document, E: Into<MigrateError>> MigrateOutput<T> for Result<T, E> {
    fn into_result(self) -> Result<T, MigrateError> {
        self.map_err(Into::into)
    }
}

/// The value migration of a typed one: the previous version's data is read as `Old`
/// and `f`'s result written back. Migrations see data without the auto-fields, so
/// `Old`'s key and timestamps read as placeholders (an empty id, the Unix epoch); the
/// engine keeps the record's own, whatever `f` puts there.
#[doc(hidden)]
pub fn migration<Old, New, F, R>(
    f: F,
) -> impl Fn(Value) -> Result<Value, MigrateError> + Send + Sync + 'static
where
    Old: Document,
    New: Document,
    F: Fn(Old) -> R + Send + Sync + 'static,
    R: MigrateOutput<New>,
{
    move |data: Value| {
        let Value::Object(mut map) = data else {
            return Err("record data is not an object".into());
        };
        const EPOCH: &str = "1970-01-01T00:00:00.000Z";
        for (k, v) in [("id", ""), ("createdAt", EPOCH), ("updatedAt", EPOCH)] {
            map.entry(k).or_insert_with(|| Value::String(v.into()));
        }
        let old: Old = serde_json::from_value(Value::Object(map))?;
        let new = f(old).into_result()?;
        let Value::Object(mut out) = to_record_value(&new)? else {
            return Err("the migrated record is not an object".into());
        };
        for k in crate::schema::node::AUTO_FIELDS {
            out.shift_remove(k);
        }
        Ok(Value::Object(out))
    }
}

/// True when `a` and `b` are equal; usable in constants.
#[doc(hidden)]
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Compile-time checks the derive emits; calling them does nothing.
#[doc(hidden)]
pub mod __private {
    /// Fails to compile unless `T` can be indexed.
    pub fn indexable<T: super::Indexable + ?Sized>() {}

    /// Fails to compile unless `T` is version `V` of a collection.
    pub fn previous_version<T: super::IsVersion<V> + super::Document, const V: u32>() {}
}

/// The JSON form of `value` as records store it: serde's form with dates rewritten to
/// ISO-8601 with milliseconds (what JS writes).
pub fn to_record_value<T: Schema + Serialize + ?Sized>(value: &T) -> Result<Value, SchemaError> {
    let mut v = serde_value(value)?;
    normalize_dates(&T::schema(), &mut v);
    Ok(v)
}

/// serde's JSON form of `value`, dates as chrono writes them.
pub(crate) fn serde_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, SchemaError> {
    serde_json::to_value(value).map_err(|e| SchemaError::Serialize {
        path: String::new(),
        message: e.to_string(),
    })
}

/// Rewrites the date strings of `value` (where `schema` has a date) in the JS form.
pub(crate) fn normalize_dates(schema: &SchemaNode, value: &mut Value) {
    match (schema, value) {
        (SchemaNode::Date | SchemaNode::CreatedAt | SchemaNode::UpdatedAt, Value::String(s)) => {
            if let Some(t) = crate::schema::validate::parse_iso_date(s) {
                *s = crate::schema::serialize::to_iso_string(&t);
            }
        }
        (SchemaNode::Optional(inner), v) => normalize_dates(inner, v),
        (SchemaNode::Object(props), Value::Object(map)) => {
            for (k, node) in props {
                if has_date(node)
                    && let Some(v) = map.get_mut(k)
                {
                    normalize_dates(node, v);
                }
            }
        }
        (SchemaNode::Array(item), Value::Array(items)) if has_date(item) => {
            items.iter_mut().for_each(|v| normalize_dates(item, v));
        }
        (SchemaNode::Record(item), Value::Object(map)) if has_date(item) => {
            map.values_mut().for_each(|v| normalize_dates(item, v));
        }
        _ => {}
    }
}

fn has_date(schema: &SchemaNode) -> bool {
    match schema {
        SchemaNode::Date | SchemaNode::CreatedAt | SchemaNode::UpdatedAt => true,
        SchemaNode::Optional(i) | SchemaNode::Array(i) | SchemaNode::Record(i) => has_date(i),
        SchemaNode::Object(props) => props.values().any(has_date),
        _ => false,
    }
}

/// Unwraps a derived definition. The derive checks names, keys, fields and indexes at
/// compile time; what it cannot see (a dotted index path into a nested struct) fails
/// here, at the first `def()` call, with the builder's message.
#[doc(hidden)]
#[allow(clippy::panic)]
pub fn expect_def(name: &str, def: Result<Arc<CollectionDef>, SchemaError>) -> Arc<CollectionDef> {
    match def {
        Ok(def) => def,
        Err(e) => panic!("#[derive(Collection)] for {name:?} produced an invalid definition: {e}"),
    }
}

macro_rules! leaf {
    ($node:ident: $($ty:ty),*) => {$(
        impl Schema for $ty {
            fn schema() -> SchemaNode {
                SchemaNode::$node
            }
        }
        impl Indexable for $ty {}
    )*};
}

leaf!(String: String, char);
leaf!(Number: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);
leaf!(Boolean: bool);

impl Indexable for chrono::DateTime<chrono::Utc> {}

impl Schema for chrono::DateTime<chrono::Utc> {
    fn schema() -> SchemaNode {
        SchemaNode::Date
    }
}

impl Schema for Bytes {
    fn schema() -> SchemaNode {
        SchemaNode::Bytes
    }
}

impl<T: Indexable> Indexable for Option<T> {}

impl<T: Schema> Schema for Option<T> {
    fn schema() -> SchemaNode {
        SchemaNode::Optional(Box::new(T::schema()))
    }
}

impl<T: Schema> Schema for Vec<T> {
    fn schema() -> SchemaNode {
        SchemaNode::Array(Box::new(T::schema()))
    }
}

impl<T: Schema> Schema for VecDeque<T> {
    fn schema() -> SchemaNode {
        SchemaNode::Array(Box::new(T::schema()))
    }
}

impl<T: Schema> Schema for BTreeMap<String, T> {
    fn schema() -> SchemaNode {
        SchemaNode::Record(Box::new(T::schema()))
    }
}

impl<T: Schema, S> Schema for HashMap<String, T, S> {
    fn schema() -> SchemaNode {
        SchemaNode::Record(Box::new(T::schema()))
    }
}

impl<T: Indexable + ?Sized> Indexable for Box<T> {}

impl<T: Schema + ?Sized> Schema for Box<T> {
    fn schema() -> SchemaNode {
        T::schema()
    }
}

impl<T: Indexable + ?Sized> Indexable for Arc<T> {}

impl<T: Schema + ?Sized> Schema for Arc<T> {
    fn schema() -> SchemaNode {
        T::schema()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::node::t;

    #[test]
    fn leaf_types_map_to_their_nodes() {
        assert_eq!(String::schema(), t::string());
        assert_eq!(u32::schema(), t::number());
        assert_eq!(f64::schema(), t::number());
        assert_eq!(bool::schema(), t::boolean());
        assert_eq!(chrono::DateTime::<chrono::Utc>::schema(), t::date());
        assert_eq!(Bytes::schema(), t::bytes());
    }

    #[test]
    fn containers_wrap_their_items() {
        assert_eq!(
            Option::<Vec<i64>>::schema(),
            t::optional(t::array(t::number()))
        );
        assert_eq!(
            HashMap::<String, Option<bool>>::schema(),
            t::record(t::optional(t::boolean()))
        );
        assert_eq!(BTreeMap::<String, String>::schema(), t::record(t::string()));
        assert_eq!(Box::<u8>::schema(), t::number());
        // serde writes Vec<u8> as numbers, so the schema says so too.
        assert_eq!(Vec::<u8>::schema(), t::array(t::number()));
    }

    fn indexable<T: Indexable>() {}

    #[test]
    fn scalars_and_their_optionals_are_indexable() {
        indexable::<String>();
        indexable::<Option<u64>>();
        indexable::<chrono::DateTime<chrono::Utc>>();
        indexable::<Box<bool>>();
    }

    #[test]
    fn const_name_comparison() {
        const { assert!(same_name("users", "users")) };
        assert!(!same_name("users", "user"));
        assert!(!same_name("users", "usera"));
    }
}
