//! Evaluating filters against records: value order, equality, field access, matching.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

use super::types::{Condition, Filter, Operator};

/// Rank of a JSON type in the total order `null < bool < number < string < array <
/// object`. Null first matches SQLite, which sorts NULL before every value, so an
/// index scan and an in-memory sort agree.
pub(crate) fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// Exact comparison of an integer with a float (no rounding through `f64`).
fn cmp_int_float(i: i128, f: f64) -> Ordering {
    // Every JSON integer fits in i128 with plenty of room; floats beyond it are
    // simply larger or smaller.
    const LIMIT: f64 = 1.0e38;
    if f >= LIMIT {
        return Ordering::Less;
    }
    if f <= -LIMIT {
        return Ordering::Greater;
    }
    let t = f.trunc();
    // |t| < 1e38 < 2^127, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    let ti = t as i128;
    match i.cmp(&ti) {
        Ordering::Equal => {
            if f > t {
                Ordering::Less
            } else if f < t {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    }
}

fn as_int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Numeric order of two JSON numbers, exact across integers and floats.
pub fn compare_numbers(a: &Number, b: &Number) -> Ordering {
    match (as_int(a), as_int(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(x), None) => cmp_int_float(x, b.as_f64().unwrap_or(0.0)),
        (None, Some(y)) => cmp_int_float(y, a.as_f64().unwrap_or(0.0)).reverse(),
        (None, None) => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        }
    }
}

/// A total order over JSON values: `null < bool < number < string < array < object`;
/// `false < true`; numbers numerically (`1 == 1.0`); strings by code point (binary,
/// so `"Z" < "a"`, and ISO-8601 dates sort chronologically); arrays element by element
/// then by length; objects entry by entry (key, then value) in their key order, then
/// by size.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => compare_arrays(x, y),
        (Value::Object(x), Value::Object(y)) => compare_objects(x, y),
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

fn compare_arrays(x: &[Value], y: &[Value]) -> Ordering {
    x.iter()
        .zip(y)
        .map(|(a, b)| compare_values(a, b))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| x.len().cmp(&y.len()))
}

/// Objects compare by their entries sorted by key, so the order does not depend on
/// key insertion order (and agrees with [`deep_equals`]).
fn compare_objects(x: &Map<String, Value>, y: &Map<String, Value>) -> Ordering {
    let mut xs: Vec<(&String, &Value)> = x.iter().collect();
    let mut ys: Vec<(&String, &Value)> = y.iter().collect();
    xs.sort_by(|a, b| a.0.cmp(b.0));
    ys.sort_by(|a, b| a.0.cmp(b.0));
    xs.iter()
        .zip(&ys)
        .map(|((ka, va), (kb, vb))| ka.cmp(kb).then_with(|| compare_values(va, vb)))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| xs.len().cmp(&ys.len()))
}

/// Structural equality: numbers by value (`1 == 1.0`), objects regardless of key
/// order, arrays element by element.
pub fn deep_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y).is_eq(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| deep_equals(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equals(v, w)))
        }
        _ => a == b,
    }
}

/// The value at a dot path (`"address.city"`), or `None` when any step is missing or
/// not an object. Numeric steps index into arrays (`"tags.0"`).
pub fn get_field_value<'a>(data: &'a Value, path: &str) -> Option<&'a Value> {
    if !path.contains('.') {
        return data.as_object()?.get(path);
    }
    path.split('.').try_fold(data, |cur, step| match cur {
        Value::Object(m) => m.get(step),
        Value::Array(a) => step.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Does `record` match `filter`?
pub fn matches_filter(record: &Value, filter: &Filter) -> bool {
    matches_with(record, None, filter)
}

/// Does the record match, with `computed` holding its computed-index values (by index
/// name) for `$computed` conditions? Without computed values a `$computed` condition
/// sees every index value as missing.
pub fn matches_filter_with_computed(
    record: &Value,
    computed: Option<&Map<String, Value>>,
    filter: &Filter,
) -> bool {
    matches_with(record, computed, filter)
}

/// Evaluates the `$computed` conditions of `filter` only, against computed-index
/// values; field conditions are ignored (treated as matching).
pub fn matches_computed_filter(computed: Option<&Map<String, Value>>, filter: &Filter) -> bool {
    match filter {
        Filter::Object(items) | Filter::And(items) => {
            items.iter().all(|f| matches_computed_filter(computed, f))
        }
        Filter::Or(items) => items.iter().any(|f| matches_computed_filter(computed, f)),
        Filter::Not(inner) => !matches_computed_filter(computed, inner),
        Filter::Field { .. } => true,
        Filter::Computed { index, condition } => {
            matches_condition(computed.and_then(|c| c.get(index)), condition)
        }
    }
}

fn matches_with(record: &Value, computed: Option<&Map<String, Value>>, filter: &Filter) -> bool {
    match filter {
        Filter::Object(items) | Filter::And(items) => {
            items.iter().all(|f| matches_with(record, computed, f))
        }
        Filter::Or(items) => items.iter().any(|f| matches_with(record, computed, f)),
        Filter::Not(inner) => !matches_with(record, computed, inner),
        Filter::Field { path, condition } => {
            matches_condition(get_field_value(record, path), condition)
        }
        Filter::Computed { index, condition } => {
            matches_condition(computed.and_then(|c| c.get(index)), condition)
        }
    }
}

/// Does a field value (`None`: missing) satisfy a condition?
pub fn matches_condition(value: Option<&Value>, condition: &Condition) -> bool {
    match condition {
        Condition::Value(v) => eq_lifted(value, v),
        Condition::Ops(ops) => ops.iter().all(|op| matches_operator(value, op)),
    }
}

/// Equality where a missing field equals null and an array field matches when the
/// array itself or any of its elements equals the operand.
fn eq_lifted(value: Option<&Value>, operand: &Value) -> bool {
    let v = value.unwrap_or(&Value::Null);
    if deep_equals(v, operand) {
        return true;
    }
    match v {
        Value::Array(items) => items.iter().any(|e| deep_equals(e, operand)),
        _ => false,
    }
}

/// Comparable within one type only (type bracketing): numbers with numbers, strings
/// with strings, booleans with booleans. Null never compares.
fn ordered(v: &Value, operand: &Value) -> Option<Ordering> {
    match (v, operand) {
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_)) => Some(compare_values(v, operand)),
        _ => None,
    }
}

/// A range comparison that holds when the value, or any element of an array value,
/// satisfies `accept`.
fn range_lifted(value: Option<&Value>, operand: &Value, accept: fn(Ordering) -> bool) -> bool {
    let Some(v) = value else { return false };
    let check = |x: &Value| ordered(x, operand).is_some_and(accept);
    match v {
        Value::Array(items) => items.iter().any(check),
        other => check(other),
    }
}

fn in_list(value: Option<&Value>, list: &[Value]) -> bool {
    list.iter().any(|candidate| eq_lifted(value, candidate))
}

fn matches_operator(value: Option<&Value>, op: &Operator) -> bool {
    match op {
        Operator::Eq(v) => eq_lifted(value, v),
        Operator::Ne(v) => !eq_lifted(value, v),
        Operator::Gt(v) => range_lifted(value, v, Ordering::is_gt),
        Operator::Gte(v) => range_lifted(value, v, Ordering::is_ge),
        Operator::Lt(v) => range_lifted(value, v, Ordering::is_lt),
        Operator::Lte(v) => range_lifted(value, v, Ordering::is_le),
        Operator::In(list) => in_list(value, list),
        Operator::Nin(list) => !in_list(value, list),
        Operator::Exists(want) => value.is_some() == *want,
        Operator::Regex(p) => value.and_then(Value::as_str).is_some_and(|s| p.is_match(s)),
        Operator::Size(n) => value
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() as u64 == *n),
        Operator::All(list) => value
            .and_then(Value::as_array)
            .is_some_and(|a| list.iter().all(|x| a.iter().any(|e| deep_equals(e, x)))),
        Operator::Contains(x) => value
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|e| deep_equals(e, x))),
        Operator::ContainsAny(list) => value
            .and_then(Value::as_array)
            .is_some_and(|a| list.iter().any(|x| a.iter().any(|e| deep_equals(e, x)))),
    }
}

/// The records that match `filter`, in their input order.
pub fn filter_records<'a, I>(records: I, filter: &Filter) -> Vec<&'a Value>
where
    I: IntoIterator<Item = &'a Value>,
{
    records
        .into_iter()
        .filter(|r| matches_filter(r, filter))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_float_comparison_is_exact() {
        assert_eq!(cmp_int_float(3, 3.0), Ordering::Equal);
        assert_eq!(cmp_int_float(3, 3.5), Ordering::Less);
        assert_eq!(cmp_int_float(4, 3.5), Ordering::Greater);
        assert_eq!(cmp_int_float(-3, -3.5), Ordering::Greater);
        assert_eq!(cmp_int_float(-4, -3.5), Ordering::Less);
        // 2^63 is exactly representable; i64::MAX is one below it.
        assert_eq!(
            cmp_int_float(i128::from(i64::MAX), 9_223_372_036_854_775_808.0),
            Ordering::Less
        );
        assert_eq!(
            cmp_int_float(1 << 63, 9_223_372_036_854_775_808.0),
            Ordering::Equal
        );
        assert_eq!(cmp_int_float(i128::from(u64::MAX), 1e38), Ordering::Less);
        assert_eq!(
            cmp_int_float(i128::from(i64::MIN), -1e300),
            Ordering::Greater
        );
        assert_eq!(cmp_int_float(0, -0.0), Ordering::Equal);
    }

    #[test]
    fn type_ranks_follow_the_documented_order() {
        let ranks: Vec<u8> = [
            Value::Null,
            Value::Bool(true),
            Value::from(1),
            Value::from("s"),
            Value::Array(vec![]),
            Value::Object(Map::new()),
        ]
        .iter()
        .map(type_rank)
        .collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4, 5]);
    }
}
