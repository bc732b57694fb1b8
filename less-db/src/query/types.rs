//! Filters and queries, and their JSON form.
//!
//! The JSON form is the one the JS library uses, so a WASM or FFI host passes filters
//! through unchanged: `{"age": {"$gt": 30}}`, implicit equality `{"name": "x"}`, the
//! logical operators `$and`, `$or`, `$not`, dot paths (`"address.city"`) and
//! `"$computed": {indexName: condition}` for computed indexes.
//!
//! Parsing is strict: an unknown operator or a wrong operand type is a [`QueryError`]
//! whose `path` points at the offending place (`$.age.$gt`).

use serde_json::{Map, Value};

use crate::error::QueryError;
pub use crate::index::types::SortDirection;

/// Deepest nesting of `$and`/`$or`/`$not` accepted; keeps evaluation recursion bounded
/// whatever the input.
pub const MAX_FILTER_DEPTH: usize = 64;

/// Longest `$regex` pattern accepted, in bytes.
pub const MAX_REGEX_LEN: usize = 4096;

/// Compiled size limit of a `$regex` (the regex engine is linear-time; this bounds memory).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A filter: a tree of conditions over record fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// A JSON object with several entries; all must match. `Object(vec![])` is `{}`
    /// and matches every record.
    Object(Vec<Filter>),
    /// `{"$and": [..]}`: every sub-filter matches (an empty list matches).
    And(Vec<Filter>),
    /// `{"$or": [..]}`: some sub-filter matches (an empty list never matches).
    Or(Vec<Filter>),
    /// `{"$not": {..}}`.
    Not(Box<Filter>),
    /// `{"path": condition}`; `path` is a dot path into the record.
    Field { path: String, condition: Condition },
    /// One entry of `{"$computed": {"index": condition}}`: a condition on the value a
    /// computed index derives from the record.
    Computed { index: String, condition: Condition },
}

/// What a field must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A direct value: implicit equality. Any JSON value that is not an operator object
    /// (an object whose keys are all `$` operators) is a direct value.
    Value(Value),
    /// An operator object: every operator must hold (`{"$gte": 1, "$lt": 5}`).
    Ops(Vec<Operator>),
}

/// One comparison operator of an operator object.
///
/// A missing field reads as null for equality. On an array field, `Eq`, `In` and the
/// range operators hold when the array itself or any element does, and `Ne`/`Nin` hold
/// when no element (nor the array) is equal.
#[derive(Debug, Clone, PartialEq)]
pub enum Operator {
    /// `$eq`: deep equality, numbers by value (`1 == 1.0`).
    Eq(Value),
    /// `$ne`: not `$eq`.
    Ne(Value),
    /// `$gt`: greater than, within one JSON type (number, string or boolean).
    Gt(Value),
    /// `$gte`: greater or equal, within one JSON type.
    Gte(Value),
    /// `$lt`: less than, within one JSON type.
    Lt(Value),
    /// `$lte`: less or equal, within one JSON type.
    Lte(Value),
    /// `$in`: equal to one of the values (never holds for an empty list).
    In(Vec<Value>),
    /// `$nin`: equal to none of the values.
    Nin(Vec<Value>),
    /// `$exists`: the field is present (`true`, even when null) or absent (`false`).
    Exists(bool),
    /// `$regex`: a string field the pattern finds a match in.
    Regex(Pattern),
    /// `$size`: an array field with exactly this many elements.
    Size(u64),
    /// `$all`: an array field holding every one of the values.
    All(Vec<Value>),
    /// `$contains`: an array field holding the value.
    Contains(Value),
    /// `$containsAny`: an array field holding at least one of the values.
    ContainsAny(Vec<Value>),
}

/// A compiled `$regex`; two patterns are equal when their sources are.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    regex: regex::Regex,
}

impl Pattern {
    /// Compiles `source` (Rust `regex` syntax, which shares the common subset with JS).
    pub fn new(source: &str) -> Result<Self, String> {
        if source.len() > MAX_REGEX_LEN {
            return Err(format!("pattern longer than {MAX_REGEX_LEN} bytes"));
        }
        regex::RegexBuilder::new(source)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map(|regex| Pattern {
                source: source.to_string(),
                regex,
            })
            .map_err(|e| e.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, s: &str) -> bool {
        self.regex.is_match(s)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortEntry {
    /// Dot path into the record.
    pub field: String,
    pub direction: SortDirection,
}

impl SortEntry {
    pub fn asc(field: impl Into<String>) -> Self {
        SortEntry {
            field: field.into(),
            direction: SortDirection::Asc,
        }
    }

    pub fn desc(field: impl Into<String>) -> Self {
        SortEntry {
            field: field.into(),
            direction: SortDirection::Desc,
        }
    }
}

/// A query: filter, then sort, then skip `offset`, then take `limit`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub filter: Option<Filter>,
    pub sort: Vec<SortEntry>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// The result of running a query: the page of records and the number of records that
/// matched before pagination.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResult<T = Value> {
    pub records: Vec<T>,
    pub total: usize,
}

// ---------------------------------------------------------------------------------
// Construction helpers
// ---------------------------------------------------------------------------------

impl Filter {
    /// The filter that matches every record (`{}`).
    pub fn all() -> Self {
        Filter::Object(Vec::new())
    }

    /// `{path: value}`: implicit equality.
    pub fn eq(path: impl Into<String>, value: impl Into<Value>) -> Self {
        Filter::Field {
            path: path.into(),
            condition: Condition::Value(value.into()),
        }
    }

    /// `{path: {op, ...}}`.
    pub fn ops(path: impl Into<String>, ops: Vec<Operator>) -> Self {
        Filter::Field {
            path: path.into(),
            condition: Condition::Ops(ops),
        }
    }

    /// `{"$and": [..]}`.
    pub fn and(filters: Vec<Filter>) -> Self {
        Filter::And(filters)
    }

    /// `{"$or": [..]}`.
    pub fn or(filters: Vec<Filter>) -> Self {
        Filter::Or(filters)
    }

    /// `{"$not": filter}`.
    pub fn negate(filter: Filter) -> Self {
        Filter::Not(Box::new(filter))
    }

    /// `{"$computed": {index: condition}}`.
    pub fn computed(index: impl Into<String>, condition: Condition) -> Self {
        Filter::Computed {
            index: index.into(),
            condition,
        }
    }

    /// Both filters must match. A match-all side is dropped, so adding a condition to
    /// `{}` gives just the condition.
    pub fn and_also(self, other: Filter) -> Self {
        if self.is_match_all() {
            return other;
        }
        if other.is_match_all() {
            return self;
        }
        match self {
            Filter::And(mut items) => {
                items.push(other);
                Filter::And(items)
            }
            first => Filter::And(vec![first, other]),
        }
    }

    /// True for `{}` (and empty nestings of it), which matches every record.
    pub fn is_match_all(&self) -> bool {
        match self {
            Filter::Object(items) | Filter::And(items) => items.iter().all(Filter::is_match_all),
            _ => false,
        }
    }
}

impl Query {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter);
        self
    }

    pub fn sort(mut self, entry: SortEntry) -> Self {
        self.sort.push(entry);
        self
    }

    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }
}

// ---------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------

fn err(path: &str, message: impl Into<String>) -> QueryError {
    QueryError {
        path: path.to_string(),
        message: message.into(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// True when `v` is an operator object: a non-empty object whose keys all start with
/// `$`. Anything else in a field position is a direct value (implicit equality).
pub fn is_operator_object(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty() && m.keys().all(|k| k.starts_with('$')),
        _ => false,
    }
}

impl Filter {
    /// Parses the JSON form of a filter. Errors point at the offending place, with `$`
    /// for the filter itself.
    pub fn from_value(value: &Value) -> Result<Filter, QueryError> {
        parse_filter(value, "$", 0)
    }

    /// Writes the JSON form; `Filter::from_value(&f.to_value())` gives `f` back for
    /// every parsed filter.
    ///
    /// A hand-built object whose clauses would share a key is written as
    /// `{"$and": [..]}` of its clauses instead, which keeps its meaning.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        if write_entry(self, &mut map) {
            return Value::Object(map);
        }
        match self {
            Filter::Object(items) => {
                let mut m = Map::new();
                m.insert("$and".into(), filter_list_value(items));
                Value::Object(m)
            }
            // A lone field with an unwritable path: write what we can.
            _ => Value::Object(map),
        }
    }
}

fn parse_filter(value: &Value, path: &str, depth: usize) -> Result<Filter, QueryError> {
    if depth > MAX_FILTER_DEPTH {
        return Err(err(
            path,
            format!("filter nested deeper than {MAX_FILTER_DEPTH} levels"),
        ));
    }
    let Value::Object(map) = value else {
        return Err(err(
            path,
            format!("expected a filter object, found {}", type_name(value)),
        ));
    };
    let mut items = Vec::with_capacity(map.len());
    for (key, v) in map {
        let here = format!("{path}.{key}");
        match key.as_str() {
            "$and" => items.push(Filter::And(parse_filter_list(v, &here, depth)?)),
            "$or" => items.push(Filter::Or(parse_filter_list(v, &here, depth)?)),
            "$not" => items.push(Filter::Not(Box::new(parse_filter(v, &here, depth + 1)?))),
            "$computed" => parse_computed(v, &here, &mut items)?,
            k if k.starts_with('$') => {
                return Err(err(&here, format!("unknown top-level operator `{k}`")));
            }
            "" => return Err(err(&here, "empty field path")),
            _ => items.push(Filter::Field {
                path: key.clone(),
                condition: parse_condition(v, &here)?,
            }),
        }
    }
    // One clause stands alone (an empty `$computed` adds none), so the written form
    // parses back to the same tree.
    if items.len() == 1 {
        return Ok(items.remove(0));
    }
    Ok(Filter::Object(items))
}

fn parse_filter_list(value: &Value, path: &str, depth: usize) -> Result<Vec<Filter>, QueryError> {
    let Value::Array(list) = value else {
        return Err(err(
            path,
            format!("expected an array of filters, found {}", type_name(value)),
        ));
    };
    list.iter()
        .enumerate()
        .map(|(i, f)| parse_filter(f, &format!("{path}[{i}]"), depth + 1))
        .collect()
}

fn parse_computed(value: &Value, path: &str, items: &mut Vec<Filter>) -> Result<(), QueryError> {
    let Value::Object(map) = value else {
        return Err(err(
            path,
            format!(
                "expected an object of computed-index conditions, found {}",
                type_name(value)
            ),
        ));
    };
    for (name, cond) in map {
        let here = format!("{path}.{name}");
        if name.is_empty() || name.starts_with('$') {
            return Err(err(&here, "expected a computed index name"));
        }
        items.push(Filter::Computed {
            index: name.clone(),
            condition: parse_condition(cond, &here)?,
        });
    }
    Ok(())
}

/// Parses what may follow a field name: a direct value or an operator object.
pub fn parse_condition(value: &Value, path: &str) -> Result<Condition, QueryError> {
    let Value::Object(map) = value else {
        return Ok(Condition::Value(value.clone()));
    };
    if !is_operator_object(value) {
        return Ok(Condition::Value(value.clone()));
    }
    map.iter()
        .map(|(op, operand)| parse_operator(op, operand, &format!("{path}.{op}")))
        .collect::<Result<Vec<_>, _>>()
        .map(Condition::Ops)
}

fn array_operand(op: &str, v: &Value, path: &str) -> Result<Vec<Value>, QueryError> {
    match v {
        Value::Array(a) => Ok(a.clone()),
        other => Err(err(
            path,
            format!("`{op}` expects an array, found {}", type_name(other)),
        )),
    }
}

fn parse_operator(op: &str, v: &Value, path: &str) -> Result<Operator, QueryError> {
    Ok(match op {
        "$eq" => Operator::Eq(v.clone()),
        "$ne" => Operator::Ne(v.clone()),
        "$gt" => Operator::Gt(v.clone()),
        "$gte" => Operator::Gte(v.clone()),
        "$lt" => Operator::Lt(v.clone()),
        "$lte" => Operator::Lte(v.clone()),
        "$in" => Operator::In(array_operand(op, v, path)?),
        "$nin" => Operator::Nin(array_operand(op, v, path)?),
        "$all" => Operator::All(array_operand(op, v, path)?),
        "$containsAny" => Operator::ContainsAny(array_operand(op, v, path)?),
        "$contains" => Operator::Contains(v.clone()),
        "$exists" => match v {
            Value::Bool(b) => Operator::Exists(*b),
            other => {
                return Err(err(
                    path,
                    format!("`$exists` expects a boolean, found {}", type_name(other)),
                ));
            }
        },
        "$size" => match v.as_u64() {
            Some(n) => Operator::Size(n),
            None => {
                return Err(err(
                    path,
                    format!("`$size` expects a non-negative integer, found {v}"),
                ));
            }
        },
        "$regex" => match v {
            Value::String(s) => Operator::Regex(
                Pattern::new(s).map_err(|e| err(path, format!("invalid regex: {e}")))?,
            ),
            other => {
                return Err(err(
                    path,
                    format!("`$regex` expects a string, found {}", type_name(other)),
                ));
            }
        },
        other => return Err(err(path, format!("unknown operator `{other}`"))),
    })
}

// ---------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------

/// Writes one clause into an object; `false` when it would overwrite a key already
/// written (possible only in hand-built filters).
fn write_entry(filter: &Filter, map: &mut Map<String, Value>) -> bool {
    match filter {
        Filter::Object(items) => items.iter().all(|f| write_entry(f, map)),
        Filter::And(items) => map
            .insert("$and".into(), filter_list_value(items))
            .is_none(),
        Filter::Or(items) => map.insert("$or".into(), filter_list_value(items)).is_none(),
        Filter::Not(inner) => map.insert("$not".into(), inner.to_value()).is_none(),
        Filter::Field { path, condition } => {
            // An operator-like or empty path could not be parsed back as a field.
            !path.is_empty()
                && !path.starts_with('$')
                && map.insert(path.clone(), condition.to_value()).is_none()
        }
        Filter::Computed { index, condition } => {
            let entry = map
                .entry("$computed")
                .or_insert_with(|| Value::Object(Map::new()));
            match entry {
                Value::Object(computed) => computed
                    .insert(index.clone(), condition.to_value())
                    .is_none(),
                _ => false,
            }
        }
    }
}

fn filter_list_value(items: &[Filter]) -> Value {
    Value::Array(items.iter().map(Filter::to_value).collect())
}

impl Condition {
    pub fn to_value(&self) -> Value {
        match self {
            Condition::Value(v) => v.clone(),
            Condition::Ops(ops) => Value::Object(
                ops.iter()
                    .map(|op| (op.name().to_string(), op.operand()))
                    .collect(),
            ),
        }
    }
}

impl Operator {
    /// The JSON key of the operator, e.g. `$gte`.
    pub fn name(&self) -> &'static str {
        match self {
            Operator::Eq(_) => "$eq",
            Operator::Ne(_) => "$ne",
            Operator::Gt(_) => "$gt",
            Operator::Gte(_) => "$gte",
            Operator::Lt(_) => "$lt",
            Operator::Lte(_) => "$lte",
            Operator::In(_) => "$in",
            Operator::Nin(_) => "$nin",
            Operator::Exists(_) => "$exists",
            Operator::Regex(_) => "$regex",
            Operator::Size(_) => "$size",
            Operator::All(_) => "$all",
            Operator::Contains(_) => "$contains",
            Operator::ContainsAny(_) => "$containsAny",
        }
    }

    /// The JSON operand of the operator.
    pub fn operand(&self) -> Value {
        match self {
            Operator::Eq(v)
            | Operator::Ne(v)
            | Operator::Gt(v)
            | Operator::Gte(v)
            | Operator::Lt(v)
            | Operator::Lte(v)
            | Operator::Contains(v) => v.clone(),
            Operator::In(a) | Operator::Nin(a) | Operator::All(a) | Operator::ContainsAny(a) => {
                Value::Array(a.clone())
            }
            Operator::Exists(b) => Value::Bool(*b),
            Operator::Regex(p) => Value::String(p.as_str().to_string()),
            Operator::Size(n) => Value::from(*n),
        }
    }
}

// ---------------------------------------------------------------------------------
// Sort and query JSON
// ---------------------------------------------------------------------------------

fn parse_direction(v: &Value, path: &str) -> Result<SortDirection, QueryError> {
    match v.as_str() {
        Some("asc") => Ok(SortDirection::Asc),
        Some("desc") => Ok(SortDirection::Desc),
        _ => Err(err(
            path,
            format!("expected \"asc\" or \"desc\", found {v}"),
        )),
    }
}

fn parse_sort_field(v: &Value, path: &str) -> Result<String, QueryError> {
    match v.as_str() {
        Some("") => Err(err(path, "empty sort field")),
        Some(s) => Ok(s.to_string()),
        None => Err(err(
            path,
            format!("expected a field name, found {}", type_name(v)),
        )),
    }
}

fn parse_sort_entry(v: &Value, path: &str) -> Result<SortEntry, QueryError> {
    match v {
        Value::String(_) => Ok(SortEntry::asc(parse_sort_field(v, path)?)),
        Value::Object(m) => {
            if let Some(k) = m.keys().find(|k| *k != "field" && *k != "direction") {
                return Err(err(&format!("{path}.{k}"), "unknown sort entry key"));
            }
            let field = m
                .get("field")
                .ok_or_else(|| err(path, "sort entry without `field`"))?;
            let field = parse_sort_field(field, &format!("{path}.field"))?;
            let direction = match m.get("direction") {
                Some(d) => parse_direction(d, &format!("{path}.direction"))?,
                None => SortDirection::Asc,
            };
            Ok(SortEntry { field, direction })
        }
        other => Err(err(
            path,
            format!(
                "expected a field name or {{field, direction}}, found {}",
                type_name(other)
            ),
        )),
    }
}

/// Parses the sort forms the JS library takes: a field name (ascending), a
/// `{field, direction}` entry, or an array of either.
pub fn parse_sort(value: &Value, path: &str) -> Result<Vec<SortEntry>, QueryError> {
    match value {
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, v)| parse_sort_entry(v, &format!("{path}[{i}]")))
            .collect(),
        Value::Null => Ok(Vec::new()),
        other => Ok(vec![parse_sort_entry(other, path)?]),
    }
}

/// Writes sort entries as the JS array form `[{field, direction}]`.
pub fn sort_to_value(sort: &[SortEntry]) -> Value {
    Value::Array(
        sort.iter()
            .map(|e| {
                let mut m = Map::new();
                m.insert("field".into(), Value::String(e.field.clone()));
                m.insert(
                    "direction".into(),
                    Value::String(direction_name(e.direction).into()),
                );
                Value::Object(m)
            })
            .collect(),
    )
}

pub(crate) fn direction_name(d: SortDirection) -> &'static str {
    match d {
        SortDirection::Asc => "asc",
        SortDirection::Desc => "desc",
    }
}

fn parse_count(v: &Value, path: &str) -> Result<Option<usize>, QueryError> {
    if v.is_null() {
        return Ok(None);
    }
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| err(path, format!("expected a non-negative integer, found {v}")))
}

impl Query {
    /// Parses `{"filter": .., "sort": .., "limit": .., "offset": ..}` (every key
    /// optional; `null` means absent). Unknown keys are errors, so a typo is not
    /// silently ignored.
    pub fn from_value(value: &Value) -> Result<Query, QueryError> {
        let Value::Object(map) = value else {
            return Err(err(
                "$",
                format!("expected a query object, found {}", type_name(value)),
            ));
        };
        let mut q = Query::default();
        for (key, v) in map {
            let here = format!("$.{key}");
            match key.as_str() {
                "filter" if v.is_null() => {}
                "filter" => q.filter = Some(parse_filter(v, &here, 0)?),
                "sort" => q.sort = parse_sort(v, &here)?,
                "limit" => q.limit = parse_count(v, &here)?,
                "offset" => q.offset = parse_count(v, &here)?,
                _ => return Err(err(&here, format!("unknown query key `{key}`"))),
            }
        }
        Ok(q)
    }

    /// Writes the JSON form, leaving out absent parts.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(f) = &self.filter {
            m.insert("filter".into(), f.to_value());
        }
        if !self.sort.is_empty() {
            m.insert("sort".into(), sort_to_value(&self.sort));
        }
        if let Some(l) = self.limit {
            m.insert("limit".into(), Value::from(l));
        }
        if let Some(o) = self.offset {
            m.insert("offset".into(), Value::from(o));
        }
        Value::Object(m)
    }
}

// ---------------------------------------------------------------------------------
// serde: through the JSON form
// ---------------------------------------------------------------------------------

impl serde::Serialize for Filter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Filter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Filter::from_value(&v).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Query {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Query {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Query::from_value(&v).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for SortEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("SortEntry", 2)?;
        st.serialize_field("field", &self.field)?;
        st.serialize_field("direction", &self.direction)?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for SortEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        parse_sort_entry(&v, "$").map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------

/// Parses any JS sort form (see [`parse_sort`]) into entries; `None` or `null` is no sort.
pub fn normalize_sort(value: Option<&Value>) -> Result<Vec<SortEntry>, QueryError> {
    value.map_or(Ok(Vec::new()), |v| parse_sort(v, "$"))
}

/// Turns field conditions whose name is a computed index into `$computed` conditions,
/// at every level of the filter, so `{"emailLower": "a@b.c"}` can use the computed
/// index `emailLower`. Dot paths never name computed indexes.
pub fn normalize_computed_filter(filter: Filter, computed_names: &[&str]) -> Filter {
    if computed_names.is_empty() {
        return filter;
    }
    let rec = |items: Vec<Filter>| {
        items
            .into_iter()
            .map(|f| normalize_computed_filter(f, computed_names))
            .collect::<Vec<_>>()
    };
    match filter {
        Filter::Object(items) => Filter::Object(computed_last(rec(items))),
        Filter::And(items) => Filter::And(rec(items)),
        Filter::Or(items) => Filter::Or(rec(items)),
        Filter::Not(inner) => {
            Filter::Not(Box::new(normalize_computed_filter(*inner, computed_names)))
        }
        Filter::Field { path, condition } if computed_names.contains(&path.as_str()) => {
            Filter::Computed {
                index: path,
                condition,
            }
        }
        other => other,
    }
}

/// Groups the computed conditions of an object together (after the first one), the
/// shape a parsed object has, so the JSON form round-trips.
fn computed_last(items: Vec<Filter>) -> Vec<Filter> {
    let Some(first) = items
        .iter()
        .position(|f| matches!(f, Filter::Computed { .. }))
    else {
        return items;
    };
    let (computed, rest): (Vec<_>, Vec<_>) = items
        .into_iter()
        .enumerate()
        .partition(|(_, f)| matches!(f, Filter::Computed { .. }));
    let mut out: Vec<Filter> = Vec::with_capacity(computed.len() + rest.len());
    let mut rest = rest.into_iter().peekable();
    while let Some((_, f)) = rest.next_if(|(i, _)| *i < first) {
        out.push(f);
    }
    out.extend(computed.into_iter().map(|(_, f)| f));
    out.extend(rest.map(|(_, f)| f));
    out
}

// ---------------------------------------------------------------------------------
// Referenced fields (for reactive invalidation)
// ---------------------------------------------------------------------------------

/// The record fields and computed indexes a query reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryFields {
    /// Dot paths named by the filter or the sort.
    pub fields: std::collections::BTreeSet<String>,
    /// Computed indexes named by `$computed` conditions. A change to any field may
    /// change a computed value, so a query with any of these depends on every field.
    pub computed: std::collections::BTreeSet<String>,
}

impl QueryFields {
    pub fn has_computed(&self) -> bool {
        !self.computed.is_empty()
    }
}

impl Filter {
    /// Adds the field paths and computed index names this filter reads, at every level.
    pub fn collect_fields(&self, out: &mut QueryFields) {
        match self {
            Filter::Object(items) | Filter::And(items) | Filter::Or(items) => {
                items.iter().for_each(|f| f.collect_fields(out));
            }
            Filter::Not(inner) => inner.collect_fields(out),
            Filter::Field { path, .. } => {
                out.fields.insert(path.clone());
            }
            Filter::Computed { index, .. } => {
                out.computed.insert(index.clone());
            }
        }
    }
}

impl Query {
    /// The fields the query's filter and sort read; limit and offset read none.
    pub fn fields(&self) -> QueryFields {
        let mut out = QueryFields::default();
        if let Some(f) = &self.filter {
            f.collect_fields(&mut out);
        }
        out.fields.extend(self.sort.iter().map(|e| e.field.clone()));
        out
    }
}
