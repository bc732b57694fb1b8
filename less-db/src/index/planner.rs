//! The query planner: picks the index that narrows a query most, and says what the
//! index leaves to do in memory.
//!
//! Only the top level of a filter (its implicit AND) is used for index selection:
//! equality, `$in` (up to [`MAX_IN_VALUES`] values) and range conditions on scalar
//! values, and the same on `$computed` conditions. `$or`, `$not`, `$and`, `$ne`, `$nin`,
//! null equality and the array operators stay in the post-filter. A condition is
//! removed from the post-filter only when the index enforces all of it.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::types::{
    ComputedIndex, FULL_SCAN_COST, FieldIndex, IndexDefinition, IndexScan, IndexScanType,
    MAX_IN_VALUES, QueryPlan, RangeBound, SortDirection,
};
use crate::query::types::{Condition, Filter, Operator, Query, SortEntry};

/// Lower and upper bound of a range condition.
pub type Range = (Option<RangeBound>, Option<RangeBound>);

/// The index-usable part of one field (or computed index) condition.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexCondition {
    Equality(Value),
    In(Vec<Value>),
    Range(Range),
}

/// One usable condition, and whether the index enforces all of the original condition
/// (`exact`), in which case it can leave the post-filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub condition: IndexCondition,
    pub exact: bool,
}

/// The conditions of a filter sorted by how an index can use them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtractedConditions {
    /// Field path -> equality value (a non-null scalar).
    pub equalities: HashMap<String, Value>,
    /// Field path -> range bounds (at least one bound).
    pub ranges: HashMap<String, Range>,
    /// Field path -> `$in` values (1 to [`MAX_IN_VALUES`] non-null scalars).
    pub ins: HashMap<String, Vec<Value>>,
    /// Computed index name -> usable condition. A null equality is kept here: it
    /// selects records whose computed value is null or missing.
    pub computed: HashMap<String, IndexCondition>,
    /// The top-level clauses no index can use at all (`None` if there are none).
    pub residual: Option<Filter>,
    /// Field paths whose whole condition an index on that field enforces.
    exact_fields: HashSet<String>,
    /// Computed index names whose whole condition the index enforces.
    exact_computed: HashSet<String>,
}

/// A non-null JSON scalar: the values an index comparison can use.
pub fn is_indexable_value(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// The index-usable part of a condition, if any.
fn extract_condition(condition: &Condition, allow_null_eq: bool) -> Option<Extracted> {
    match condition {
        Condition::Value(v) if is_indexable_value(v) || (allow_null_eq && v.is_null()) => {
            Some(Extracted {
                condition: IndexCondition::Equality(v.clone()),
                exact: true,
            })
        }
        Condition::Value(_) => None,
        Condition::Ops(ops) => extract_ops(ops, allow_null_eq),
    }
}

fn extract_ops(ops: &[Operator], allow_null_eq: bool) -> Option<Extracted> {
    let alone = ops.len() == 1;
    // Equality narrows most, then `$in`, then a range.
    let eq = ops.iter().find_map(|op| match op {
        Operator::Eq(v) if is_indexable_value(v) || (allow_null_eq && v.is_null()) => Some(v),
        _ => None,
    });
    if let Some(v) = eq {
        return Some(Extracted {
            condition: IndexCondition::Equality(v.clone()),
            exact: alone,
        });
    }
    let ins = ops.iter().find_map(|op| match op {
        Operator::In(list)
            if !list.is_empty()
                && list.len() <= MAX_IN_VALUES
                && list.iter().all(is_indexable_value) =>
        {
            Some(list)
        }
        _ => None,
    });
    if let Some(list) = ins {
        return Some(Extracted {
            condition: IndexCondition::In(list.clone()),
            exact: alone,
        });
    }
    extract_range(ops)
}

fn extract_range(ops: &[Operator]) -> Option<Extracted> {
    let mut lower: Option<RangeBound> = None;
    let mut upper: Option<RangeBound> = None;
    let mut used = 0usize;
    for op in ops {
        let (slot, value, inclusive) = match op {
            Operator::Gt(v) => (&mut lower, v, false),
            Operator::Gte(v) => (&mut lower, v, true),
            Operator::Lt(v) => (&mut upper, v, false),
            Operator::Lte(v) => (&mut upper, v, true),
            _ => continue,
        };
        if slot.is_none() && is_indexable_value(value) {
            *slot = Some(RangeBound {
                value: value.clone(),
                inclusive,
            });
            used += 1;
        }
    }
    if lower.is_none() && upper.is_none() {
        return None;
    }
    // Bounds of two different types select nothing in memory (comparisons only hold
    // within a type), but an index range would not know that: keep it checked.
    let consistent = match (&lower, &upper) {
        (Some(l), Some(u)) => same_type(&l.value, &u.value),
        _ => true,
    };
    Some(Extracted {
        condition: IndexCondition::Range((lower, upper)),
        exact: consistent && used == ops.len(),
    })
}

/// The conjuncts of a filter: the entries of its top-level object, with `$and` lists
/// (and nested objects) flattened in, since every one of them must hold.
fn top_level(filter: &Filter) -> Vec<&Filter> {
    fn walk<'a>(f: &'a Filter, out: &mut Vec<&'a Filter>) {
        match f {
            Filter::Object(items) | Filter::And(items) => items.iter().for_each(|i| walk(i, out)),
            other => out.push(other),
        }
    }
    let mut out = Vec::new();
    walk(filter, &mut out);
    out
}

/// Sorts the conjuncts of a filter into equalities, ranges, `$in` lists, computed
/// conditions and a residual no index can use. A field (or computed index) named by
/// several conjuncts gives the index its first usable condition and is never dropped
/// from the post-filter.
pub fn extract_conditions(filter: Option<&Filter>) -> ExtractedConditions {
    let mut out = ExtractedConditions::default();
    let Some(filter) = filter else {
        return out;
    };
    let clauses = top_level(filter);
    let mut fields: HashMap<&str, usize> = HashMap::new();
    let mut computed: HashMap<&str, usize> = HashMap::new();
    for clause in &clauses {
        match clause {
            Filter::Field { path, .. } => *fields.entry(path.as_str()).or_default() += 1,
            Filter::Computed { index, .. } => *computed.entry(index.as_str()).or_default() += 1,
            _ => {}
        }
    }
    let mut residual = Vec::new();
    for clause in clauses {
        let used = match clause {
            Filter::Field { path, condition } if !out.has_field(path) => {
                extract_condition(condition, false)
                    .map(|mut e| {
                        e.exact &= fields.get(path.as_str()) == Some(&1);
                        record_field(&mut out, path, e);
                    })
                    .is_some()
            }
            Filter::Computed { index, condition } if !out.computed.contains_key(index) => {
                extract_condition(condition, true)
                    .map(|e| {
                        if e.exact && computed.get(index.as_str()) == Some(&1) {
                            out.exact_computed.insert(index.clone());
                        }
                        out.computed.insert(index.clone(), e.condition);
                    })
                    .is_some()
            }
            _ => false,
        };
        if !used {
            residual.push(clause.clone());
        }
    }
    out.residual = conjunction(residual);
    out
}

impl ExtractedConditions {
    fn has_field(&self, path: &str) -> bool {
        self.equalities.contains_key(path)
            || self.ranges.contains_key(path)
            || self.ins.contains_key(path)
    }
}

fn record_field(out: &mut ExtractedConditions, path: &str, e: Extracted) {
    if e.exact {
        out.exact_fields.insert(path.to_string());
    }
    match e.condition {
        IndexCondition::Equality(v) => {
            out.equalities.insert(path.to_string(), v);
        }
        IndexCondition::In(list) => {
            out.ins.insert(path.to_string(), list);
        }
        IndexCondition::Range(r) => {
            out.ranges.insert(path.to_string(), r);
        }
    }
}

/// `None` for no clauses, the clause itself for one, an object for several.
fn conjunction(mut clauses: Vec<Filter>) -> Option<Filter> {
    match clauses.len() {
        0 => None,
        1 => clauses.pop(),
        _ => Some(Filter::Object(clauses)),
    }
}

// ---------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------

/// What the planner knows about one usable index.
struct Candidate {
    scan: IndexScan,
    cost: f64,
    /// Field paths (or `$computed` names) whose conditions the scan uses.
    covered_fields: HashSet<String>,
    covered_computed: Option<String>,
    provides_sort: bool,
}

/// Which way an index walks relative to the query sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortMatch {
    None,
    Forward,
    Reverse,
}

fn flip(d: SortDirection) -> SortDirection {
    match d {
        SortDirection::Asc => SortDirection::Desc,
        SortDirection::Desc => SortDirection::Asc,
    }
}

/// Does walking `index` give the query sort, ties included? Index columns pinned by
/// equality are constant among the results, so they are skipped, and so are sort keys
/// on them.
fn sort_match(index: &FieldIndex, conds: &ExtractedConditions, sort: &[SortEntry]) -> SortMatch {
    let pinned = |f: &str| conds.equalities.contains_key(f);
    let sort: Vec<&SortEntry> = sort.iter().filter(|e| !pinned(&e.field)).collect();
    if sort.is_empty() {
        return SortMatch::None;
    }
    let prefix = index.fields.iter().take_while(|f| pinned(&f.field)).count();
    let rest = index.fields.get(prefix..).unwrap_or_default();
    // The scan orders by every remaining column (then by insertion order), so those
    // columns must be exactly the sort keys: an extra column would reorder records the
    // query sort leaves tied, and the in-memory sort keeps ties in insertion order.
    if rest.len() != sort.len() {
        return SortMatch::None;
    }
    let pairs = || sort.iter().zip(rest);
    if pairs().any(|(s, f)| s.field != f.field) {
        SortMatch::None
    } else if pairs().all(|(s, f)| s.direction == f.order) {
        SortMatch::Forward
    } else if pairs().all(|(s, f)| s.direction == flip(f.order)) {
        SortMatch::Reverse
    } else {
        SortMatch::None
    }
}

/// Walks the index columns: equalities, then at most one `$in` or range column.
struct FieldWalk {
    equality: Vec<Value>,
    in_values: Option<Vec<Value>>,
    range: Option<Range>,
    covered: HashSet<String>,
}

fn walk_field_index(index: &FieldIndex, conds: &ExtractedConditions) -> FieldWalk {
    let mut walk = FieldWalk {
        equality: Vec::new(),
        in_values: None,
        range: None,
        covered: HashSet::new(),
    };
    for field in &index.fields {
        let name = &field.field;
        if let Some(v) = conds.equalities.get(name) {
            walk.equality.push(v.clone());
            walk.covered.insert(name.clone());
            continue;
        }
        if let Some(list) = conds.ins.get(name) {
            walk.in_values = Some(list.clone());
            walk.covered.insert(name.clone());
        } else if let Some(r) = conds.ranges.get(name) {
            walk.range = Some(r.clone());
            walk.covered.insert(name.clone());
        }
        break;
    }
    walk
}

fn score_field_index(
    def: &IndexDefinition,
    index: &FieldIndex,
    conds: &ExtractedConditions,
    sort: &[SortEntry],
) -> Option<Candidate> {
    let walk = walk_field_index(index, conds);
    let sm = sort_match(index, conds, sort);
    let provides_sort = sm != SortMatch::None;
    let direction = if sm == SortMatch::Reverse {
        SortDirection::Desc
    } else {
        SortDirection::Asc
    };
    if walk.covered.is_empty() {
        // A sort-only walk must see every record; a sparse index leaves some out.
        if !provides_sort || index.sparse {
            return None;
        }
        return Some(Candidate {
            scan: IndexScan {
                index: def.clone(),
                scan_type: IndexScanType::Full,
                equality: Vec::new(),
                lower: None,
                upper: None,
                in_values: None,
                direction,
            },
            cost: 5.5,
            covered_fields: walk.covered,
            covered_computed: None,
            provides_sort,
        });
    }
    let scan_type = if walk.in_values.is_some() || walk.range.is_some() {
        IndexScanType::Range
    } else if walk.equality.len() == index.fields.len() {
        IndexScanType::Exact
    } else {
        IndexScanType::Prefix
    };
    let cost = if index.unique && scan_type == IndexScanType::Exact {
        1.0
    } else if walk.covered.len() >= 2 && provides_sort {
        2.0
    } else if walk.covered.len() >= 2 {
        3.0
    } else if scan_type != IndexScanType::Range {
        4.0
    } else {
        5.0
    };
    let (lower, upper) = walk.range.unwrap_or((None, None));
    Some(Candidate {
        scan: IndexScan {
            index: def.clone(),
            scan_type,
            equality: walk.equality,
            lower,
            upper,
            in_values: walk.in_values,
            direction,
        },
        cost,
        covered_fields: walk.covered,
        covered_computed: None,
        provides_sort,
    })
}

fn score_computed_index(
    def: &IndexDefinition,
    index: &ComputedIndex,
    conds: &ExtractedConditions,
) -> Option<Candidate> {
    let cond = conds.computed.get(&index.name)?;
    let mut scan = IndexScan {
        index: def.clone(),
        scan_type: IndexScanType::Range,
        equality: Vec::new(),
        lower: None,
        upper: None,
        in_values: None,
        direction: SortDirection::Asc,
    };
    let cost = match cond {
        // A sparse index leaves out records whose computed value is null.
        IndexCondition::Equality(Value::Null) if index.sparse => return None,
        IndexCondition::Equality(v) => {
            scan.scan_type = IndexScanType::Exact;
            scan.equality = vec![v.clone()];
            if index.unique && !v.is_null() {
                1.0
            } else {
                4.0
            }
        }
        IndexCondition::In(list) => {
            scan.in_values = Some(list.clone());
            4.0
        }
        IndexCondition::Range((lower, upper)) => {
            scan.lower = lower.clone();
            scan.upper = upper.clone();
            5.0
        }
    };
    Some(Candidate {
        scan,
        cost,
        covered_fields: HashSet::new(),
        covered_computed: Some(index.name.clone()),
        provides_sort: false,
    })
}

fn score_index(
    index: &IndexDefinition,
    conds: &ExtractedConditions,
    sort: &[SortEntry],
) -> Option<Candidate> {
    match index {
        IndexDefinition::Field(f) => score_field_index(index, f, conds, sort),
        IndexDefinition::Computed(c) => score_computed_index(index, c, conds),
    }
}

// ---------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------

/// Plans a query over a collection with `indexes`.
pub fn plan_query(query: &Query, indexes: &[IndexDefinition]) -> QueryPlan {
    plan_filter(query.filter.as_ref(), &query.sort, indexes)
}

/// Plans a filter and sort: scores every index (lower cost is better, ties go to the
/// index defined first) and keeps in the post-filter whatever the chosen scan does not
/// enforce.
pub fn plan_filter(
    filter: Option<&Filter>,
    sort: &[SortEntry],
    indexes: &[IndexDefinition],
) -> QueryPlan {
    let filter = filter.filter(|f| !f.is_match_all());
    let conds = extract_conditions(filter);
    let best = indexes
        .iter()
        .filter_map(|idx| score_index(idx, &conds, sort))
        .fold(None::<Candidate>, |best, c| match best {
            Some(b) if b.cost <= c.cost => Some(b),
            _ => Some(c),
        });
    let Some(best) = best else {
        return QueryPlan::full_scan(filter.cloned(), sort.to_vec());
    };
    let post_filter = filter.and_then(|f| residual_after(f, &best, &conds));
    QueryPlan {
        scan: Some(best.scan),
        post_filter,
        index_provides_sort: best.provides_sort,
        post_sort: if best.provides_sort {
            Vec::new()
        } else {
            sort.to_vec()
        },
        estimated_cost: best.cost,
    }
}

/// The top-level clauses the chosen scan does not fully enforce.
fn residual_after(
    filter: &Filter,
    best: &Candidate,
    conds: &ExtractedConditions,
) -> Option<Filter> {
    let enforced = |clause: &Filter| match clause {
        Filter::Field { path, .. } => {
            best.covered_fields.contains(path) && conds.exact_fields.contains(path)
        }
        Filter::Computed { index, .. } => {
            best.covered_computed.as_deref() == Some(index.as_str())
                && conds.exact_computed.contains(index)
        }
        _ => false,
    };
    conjunction(
        top_level(filter)
            .into_iter()
            .filter(|c| !enforced(c))
            .cloned()
            .collect(),
    )
}

// ---------------------------------------------------------------------------------
// Explain
// ---------------------------------------------------------------------------------

fn scan_type_name(t: IndexScanType) -> &'static str {
    match t {
        IndexScanType::Exact => "exact",
        IndexScanType::Prefix => "prefix",
        IndexScanType::Range => "range",
        IndexScanType::Full => "full",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn join_values(values: &[Value]) -> String {
    values
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn explain_scan(scan: &IndexScan, lines: &mut Vec<String>) {
    lines.push(format!("Index: {}", scan.index_name()));
    lines.push(format!("Scan type: {}", scan_type_name(scan.scan_type)));
    if !scan.equality.is_empty() {
        lines.push(format!("Equality values: {}", join_values(&scan.equality)));
    }
    let lower = scan.lower.as_ref().map(|b| {
        let op = if b.inclusive { ">=" } else { ">" };
        format!("{op} {}", b.value)
    });
    let upper = scan.upper.as_ref().map(|b| {
        let op = if b.inclusive { "<=" } else { "<" };
        format!("{op} {}", b.value)
    });
    let range: Vec<String> = lower.into_iter().chain(upper).collect();
    if !range.is_empty() {
        lines.push(format!("Range: {}", range.join(" AND ")));
    }
    if let Some(list) = &scan.in_values {
        lines.push(format!("IN values: {}", join_values(list)));
    }
    lines.push(format!(
        "Direction: {}",
        crate::query::types::direction_name(scan.direction)
    ));
}

/// A readable description of a plan, one fact per line (for debugging and
/// `explain_query`).
pub fn explain_plan(plan: &QueryPlan) -> String {
    let mut lines = Vec::new();
    match &plan.scan {
        Some(scan) => explain_scan(scan, &mut lines),
        None => lines.push("Full table scan".to_string()),
    }
    lines.push(format!(
        "Post-filter: {}",
        yes_no(plan.post_filter.is_some())
    ));
    lines.push(format!(
        "Index provides sort: {}",
        yes_no(plan.index_provides_sort)
    ));
    lines.push(format!("Post-sort: {}", yes_no(!plan.post_sort.is_empty())));
    lines.push(format!(
        "Estimated cost: {}/{}",
        plan.estimated_cost, FULL_SCAN_COST
    ));
    lines.join("\n")
}
