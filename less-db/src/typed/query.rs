//! Typed filters, sorts, queries and patches over the fields of a
//! `#[derive(Collection)]` struct.
//!
//! The derive generates `T::fields()`, a struct with one [`Field`] per stored field, so
//! a misspelt field name or a value of the wrong type is a compile error:
//!
//! ```
//! use less_db::prelude::*;
//!
//! #[derive(Collection, Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
//! #[collection(name = "people")]
//! #[index(age)]
//! struct Person {
//!     #[key]
//!     id: String,
//!     name: String,
//!     age: Option<u32>,
//!     tags: Vec<String>,
//! }
//!
//! let f = Person::fields();
//! let filter = f.age.gte(18).and(f.tags.contains("admin")).or(f.name.eq("root"));
//! let query = filter.sort_by(f.age.desc()).limit(10);
//! assert_eq!(
//!     query.to_query().filter.map(|f| f.to_value()),
//!     Some(serde_json::json!({"$or": [
//!         {"$and": [{"age": {"$gte": 18}}, {"tags": {"$contains": "admin"}}]},
//!         {"name": "root"}
//!     ]}))
//! );
//! ```
//!
//! Filters compile to the engine's [`Filter`], so they
//! have the JSON form of the JS library.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::query::types::{Filter, Operator, Query, SortEntry};
use crate::schema::serialize::to_iso_string;

/// A type a filter can compare a field with, and how its operand is written.
///
/// `Option<T>` and `Vec<T>` compare like `T`: a filter on an optional field compares
/// the value when present, and a filter on an array field holds when some element
/// does (the engine's array semantics).
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot be used in a typed filter",
    note = "filters compare strings, numbers, booleans, dates, bytes and #[derive(Schema)] types"
)]
pub trait Queryable {
    /// What a filter takes: `&str` for a `String` field, the value itself otherwise.
    type Operand<'a>;

    /// The JSON form of an operand, as records store it.
    fn operand(value: Self::Operand<'_>) -> Value;
}

macro_rules! queryable_number {
    ($($ty:ty),*) => {$(
        impl Queryable for $ty {
            type Operand<'a> = $ty;
            fn operand(value: $ty) -> Value {
                Value::from(value)
            }
        }
    )*};
}

queryable_number!(
    i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64, bool
);

impl Queryable for String {
    type Operand<'a> = &'a str;
    fn operand(value: &str) -> Value {
        Value::String(value.to_string())
    }
}

impl Queryable for char {
    type Operand<'a> = char;
    fn operand(value: char) -> Value {
        Value::String(value.to_string())
    }
}

impl Queryable for chrono::DateTime<chrono::Utc> {
    type Operand<'a> = chrono::DateTime<chrono::Utc>;
    /// Records store dates as ISO-8601 with milliseconds, so ranges compare correctly.
    fn operand(value: Self) -> Value {
        Value::String(to_iso_string(&value))
    }
}

impl Queryable for super::Bytes {
    type Operand<'a> = &'a [u8];
    fn operand(value: &[u8]) -> Value {
        use base64::Engine as _;
        Value::String(base64::engine::general_purpose::STANDARD.encode(value))
    }
}

macro_rules! queryable_like_item {
    ($($ty:ident),*) => {$(
        impl<T: Queryable> Queryable for $ty<T> {
            type Operand<'a> = T::Operand<'a>;
            fn operand(value: T::Operand<'_>) -> Value {
                T::operand(value)
            }
        }
    )*};
}

queryable_like_item!(Option, Vec, VecDeque, Box, Arc);

impl<T: Serialize> Queryable for BTreeMap<String, T> {
    type Operand<'a> = Self;
    fn operand(value: Self) -> Value {
        to_json(&value)
    }
}

impl<T: Serialize, S> Queryable for HashMap<String, T, S> {
    type Operand<'a> = Self;
    fn operand(value: Self) -> Value {
        to_json(&value)
    }
}

/// The JSON form of a value whose `Serialize` cannot fail (string keys, no custom
/// serializer that errors); `null` otherwise, which matches nothing a record stores.
#[doc(hidden)]
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// One stored field of the collection `R`, holding values of type `V`. Obtained from
/// the `fields()` function the derive generates.
pub struct Field<R, V> {
    path: &'static str,
    marker: PhantomData<fn() -> (R, V)>,
}

impl<R, V> Clone for Field<R, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R, V> Copy for Field<R, V> {}

impl<R, V> std::fmt::Debug for Field<R, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({})", self.path)
    }
}

impl<R, V> Field<R, V> {
    /// The field stored at `path`. The derive calls this with the stored name.
    #[doc(hidden)]
    pub const fn new(path: &'static str) -> Self {
        Field {
            path,
            marker: PhantomData,
        }
    }

    /// The stored name (the JS name: `id`, `createdAt`, serde renames applied).
    pub const fn path(&self) -> &'static str {
        self.path
    }

    /// Sort by this field, smallest first.
    pub fn asc(self) -> Sort<R> {
        Sort::new(SortEntry::asc(self.path))
    }

    /// Sort by this field, largest first.
    pub fn desc(self) -> Sort<R> {
        Sort::new(SortEntry::desc(self.path))
    }

    /// The field is present in the record (`$exists: true`), even when null.
    pub fn exists(self) -> Where<R> {
        self.op(Operator::Exists(true))
    }

    /// The field is null or absent (`{field: null}`).
    pub fn is_null(self) -> Where<R> {
        Where::new(Filter::eq(self.path, Value::Null))
    }

    fn op(self, op: Operator) -> Where<R> {
        Where::new(Filter::ops(self.path, vec![op]))
    }
}

impl<R, V: Serialize + super::Schema> Field<R, V> {
    /// Sets the field to `value`, in a [`Collection::patch`](super::db::Collection::patch).
    pub fn set(self, value: V) -> Set<R> {
        Set {
            path: self.path,
            value: super::to_record_value(&value),
            marker: PhantomData,
        }
    }
}

impl<R, V: Queryable> Field<R, V> {
    /// Equal to `value` (`{field: value}`).
    pub fn eq(self, value: V::Operand<'_>) -> Where<R> {
        Where::new(Filter::eq(self.path, V::operand(value)))
    }

    /// Not equal to `value` (`$ne`).
    pub fn ne(self, value: V::Operand<'_>) -> Where<R> {
        self.op(Operator::Ne(V::operand(value)))
    }

    /// Greater than `value` (`$gt`).
    pub fn gt(self, value: V::Operand<'_>) -> Where<R> {
        self.op(Operator::Gt(V::operand(value)))
    }

    /// Greater than or equal to `value` (`$gte`).
    pub fn gte(self, value: V::Operand<'_>) -> Where<R> {
        self.op(Operator::Gte(V::operand(value)))
    }

    /// Less than `value` (`$lt`).
    pub fn lt(self, value: V::Operand<'_>) -> Where<R> {
        self.op(Operator::Lt(V::operand(value)))
    }

    /// Less than or equal to `value` (`$lte`).
    pub fn lte(self, value: V::Operand<'_>) -> Where<R> {
        self.op(Operator::Lte(V::operand(value)))
    }

    /// From `low` to `high`, both included (`$gte` and `$lte`).
    pub fn between(self, low: V::Operand<'_>, high: V::Operand<'_>) -> Where<R> {
        Where::new(Filter::ops(
            self.path,
            vec![
                Operator::Gte(V::operand(low)),
                Operator::Lte(V::operand(high)),
            ],
        ))
    }

    /// Equal to one of `values` (`$in`; an empty list matches nothing).
    pub fn is_in<'a>(self, values: impl IntoIterator<Item = V::Operand<'a>>) -> Where<R> {
        self.op(Operator::In(values.into_iter().map(V::operand).collect()))
    }

    /// Equal to none of `values` (`$nin`).
    pub fn not_in<'a>(self, values: impl IntoIterator<Item = V::Operand<'a>>) -> Where<R> {
        self.op(Operator::Nin(values.into_iter().map(V::operand).collect()))
    }
}

impl<R, T: Queryable> Field<R, Vec<T>> {
    /// The array holds `item` (`$contains`).
    pub fn contains(self, item: T::Operand<'_>) -> Where<R> {
        self.op(Operator::Contains(T::operand(item)))
    }

    /// The array holds every one of `items` (`$all`).
    pub fn contains_all<'a>(self, items: impl IntoIterator<Item = T::Operand<'a>>) -> Where<R> {
        self.op(Operator::All(items.into_iter().map(T::operand).collect()))
    }

    /// The array holds at least one of `items` (`$containsAny`).
    pub fn contains_any<'a>(self, items: impl IntoIterator<Item = T::Operand<'a>>) -> Where<R> {
        self.op(Operator::ContainsAny(
            items.into_iter().map(T::operand).collect(),
        ))
    }

    /// The array has exactly `len` elements (`$size`).
    pub fn len_is(self, len: u64) -> Where<R> {
        self.op(Operator::Size(len))
    }
}

impl<R> Field<R, String> {
    /// The string matches the regular expression `pattern` (`$regex`, Rust `regex`
    /// syntax); an invalid pattern is a query error.
    pub fn matches(self, pattern: &str) -> Result<Where<R>, crate::error::QueryError> {
        let p = crate::query::types::Pattern::new(pattern).map_err(|message| {
            crate::error::QueryError {
                path: format!("$.{}.$regex", self.path),
                message,
            }
        })?;
        Ok(self.op(Operator::Regex(p)))
    }
}

/// A filter over records of `R`: built from [`Field`]s, combined with
/// [`and`](Where::and), [`or`](Where::or) and [`not`](Where::not).
pub struct Where<R> {
    filter: Filter,
    marker: PhantomData<fn() -> R>,
}

impl<R> Clone for Where<R> {
    fn clone(&self) -> Self {
        Where::new(self.filter.clone())
    }
}

impl<R> std::fmt::Debug for Where<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Where({})", self.filter.to_value())
    }
}

impl<R> PartialEq for Where<R> {
    fn eq(&self, other: &Self) -> bool {
        self.filter == other.filter
    }
}

impl<R> Where<R> {
    fn new(filter: Filter) -> Self {
        Where {
            filter,
            marker: PhantomData,
        }
    }

    /// Matches every record.
    pub fn all() -> Self {
        Where::new(Filter::all())
    }

    /// Wraps an engine filter, e.g. one parsed with `Filter::from_value`; nothing checks
    /// its field names against `R`.
    pub fn from_filter(filter: Filter) -> Self {
        Where::new(filter)
    }

    /// Both must match (`$and`; nested `and`s flatten into one list).
    pub fn and(self, other: Where<R>) -> Self {
        Where::new(self.filter.and_also(other.filter))
    }

    /// Either may match (`$or`; nested `or`s flatten into one list).
    pub fn or(self, other: Where<R>) -> Self {
        let items = match self.filter {
            Filter::Or(mut items) => {
                items.push(other.filter);
                items
            }
            first => vec![first, other.filter],
        };
        Where::new(Filter::Or(items))
    }

    /// Matches what this filter does not (`$not`).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Where::new(Filter::negate(self.filter))
    }

    /// A query with this filter, sorted by `sort`.
    pub fn sort_by(self, sort: Sort<R>) -> TypedQuery<R> {
        TypedQuery::from(self).sort_by(sort)
    }

    /// A query with this filter returning at most `limit` records.
    pub fn limit(self, limit: usize) -> TypedQuery<R> {
        TypedQuery::from(self).limit(limit)
    }

    /// A query with this filter skipping the first `offset` matches.
    pub fn offset(self, offset: usize) -> TypedQuery<R> {
        TypedQuery::from(self).offset(offset)
    }

    /// The engine filter.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn into_filter(self) -> Filter {
        self.filter
    }
}

/// One sort key over records of `R`, from [`Field::asc`] or [`Field::desc`].
pub struct Sort<R> {
    entry: SortEntry,
    marker: PhantomData<fn() -> R>,
}

impl<R> Sort<R> {
    fn new(entry: SortEntry) -> Self {
        Sort {
            entry,
            marker: PhantomData,
        }
    }
}

impl<R> Clone for Sort<R> {
    fn clone(&self) -> Self {
        Sort::new(self.entry.clone())
    }
}

impl<R> std::fmt::Debug for Sort<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.entry.fmt(f)
    }
}

/// A query over records of `R`: filter, then sort, then skip `offset`, then take
/// `limit`.
pub struct TypedQuery<R> {
    query: Query,
    marker: PhantomData<fn() -> R>,
}

impl<R> Clone for TypedQuery<R> {
    fn clone(&self) -> Self {
        TypedQuery {
            query: self.query.clone(),
            marker: PhantomData,
        }
    }
}

impl<R> std::fmt::Debug for TypedQuery<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TypedQuery({})", self.query.to_value())
    }
}

impl<R> Default for TypedQuery<R> {
    fn default() -> Self {
        Self::all()
    }
}

impl<R> TypedQuery<R> {
    /// Every record, in storage order until sorted.
    pub fn all() -> Self {
        TypedQuery {
            query: Query::new(),
            marker: PhantomData,
        }
    }

    /// Replaces the filter.
    pub fn filter(mut self, filter: Where<R>) -> Self {
        self.query.filter = Some(filter.filter);
        self
    }

    /// Adds a sort key; later keys break ties of earlier ones.
    pub fn sort_by(mut self, sort: Sort<R>) -> Self {
        self.query.sort.push(sort.entry);
        self
    }

    pub fn limit(mut self, limit: usize) -> Self {
        self.query.limit = Some(limit);
        self
    }

    pub fn offset(mut self, offset: usize) -> Self {
        self.query.offset = Some(offset);
        self
    }

    /// The engine query.
    pub fn to_query(&self) -> Query {
        self.query.clone()
    }

    pub fn into_query(self) -> Query {
        self.query
    }

    pub fn as_query(&self) -> &Query {
        &self.query
    }
}

impl<R> From<Where<R>> for TypedQuery<R> {
    fn from(filter: Where<R>) -> Self {
        TypedQuery::all().filter(filter)
    }
}

/// One field assignment of a typed patch, from [`Field::set`].
pub struct Set<R> {
    path: &'static str,
    value: Result<Value, crate::error::SchemaError>,
    marker: PhantomData<fn() -> R>,
}

impl<R> std::fmt::Debug for Set<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Set({} = {:?})", self.path, self.value)
    }
}

/// The patch object of `sets`: `{"age": 31, "role": "admin"}`.
pub(crate) fn patch_object<R>(
    sets: impl IntoIterator<Item = Set<R>>,
) -> Result<Value, crate::error::SchemaError> {
    let mut map = Map::new();
    for s in sets {
        map.insert(s.path.to_string(), s.value?);
    }
    Ok(Value::Object(map))
}
