//! Runtime support of the typed layer: the [`Schema`] and [`Collection`] traits that
//! `#[derive(Schema)]` and `#[derive(Collection)]` implement, their implementations for
//! the supported Rust types, and the [`Bytes`] type for binary fields.
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

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::collection::builder::{CollectionBuilder, CollectionDef};
use crate::error::SchemaError;
use crate::schema::node::SchemaNode;

pub use bytes::Bytes;

/// A Rust type with a less-db schema: what its serde form looks like in a record.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no less-db schema",
    label = "this type cannot be stored in a less-db record",
    note = "use String, a number type, bool, chrono::DateTime<Utc>, less_db::typed::Bytes, \
            Option<T>, Vec<T>, BTreeMap<String, T> / HashMap<String, T>, or a type with \
            #[derive(Schema)]"
)]
pub trait Schema {
    /// True when a field of this type can be indexed (scalars, literals, optionals of
    /// those); checked at compile time by `#[index(..)]`.
    const INDEXABLE: bool = false;

    /// The schema node of this type.
    fn schema() -> SchemaNode;
}

/// A struct stored as a collection; implemented by `#[derive(Collection)]`.
pub trait Collection: Schema + Serialize + DeserializeOwned {
    /// The collection name, as stored.
    const NAME: &'static str;
    /// The schema version this struct describes.
    const VERSION: u32;

    /// The fields without the auto-fields (`id`, `createdAt`, `updatedAt`): the schema
    /// the collection builder takes for this version.
    fn shape() -> BTreeMap<String, SchemaNode>;

    /// Adds this struct's indexes (from its `#[index(..)]` attributes) to `builder`.
    fn add_indexes(builder: CollectionBuilder) -> CollectionBuilder;

    /// Builds the collection definition through the collection builder.
    fn try_def() -> Result<Arc<CollectionDef>, SchemaError> {
        let builder =
            crate::collection::builder::collection(Self::NAME).v(Self::VERSION, Self::shape());
        Self::add_indexes(builder).build()
    }

    /// The collection definition, built once and shared.
    fn def() -> Arc<CollectionDef>;
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
            const INDEXABLE: bool = true;
            fn schema() -> SchemaNode {
                SchemaNode::$node
            }
        }
    )*};
}

leaf!(String: String, char);
leaf!(Number: i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);
leaf!(Boolean: bool);

impl Schema for chrono::DateTime<chrono::Utc> {
    const INDEXABLE: bool = true;
    fn schema() -> SchemaNode {
        SchemaNode::Date
    }
}

impl Schema for Bytes {
    fn schema() -> SchemaNode {
        SchemaNode::Bytes
    }
}

impl<T: Schema> Schema for Option<T> {
    const INDEXABLE: bool = T::INDEXABLE;
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

impl<T: Schema + ?Sized> Schema for Box<T> {
    const INDEXABLE: bool = T::INDEXABLE;
    fn schema() -> SchemaNode {
        T::schema()
    }
}

impl<T: Schema + ?Sized> Schema for Arc<T> {
    const INDEXABLE: bool = T::INDEXABLE;
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

    #[test]
    fn only_scalars_and_their_optionals_are_indexable() {
        const {
            assert!(String::INDEXABLE);
            assert!(Option::<u64>::INDEXABLE);
            assert!(!Vec::<String>::INDEXABLE);
            assert!(!Option::<Bytes>::INDEXABLE);
            assert!(!BTreeMap::<String, u8>::INDEXABLE);
        }
    }
}
