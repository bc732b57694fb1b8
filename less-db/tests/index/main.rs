//! Index planner behaviour: condition extraction, index choice, post-filter, sort, explain.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod planner;
mod props;
mod soundness;

use std::sync::Arc;

use less_db::index::types::{
    ComputedIndex, FieldIndex, IndexDefinition, IndexField, QueryPlan, SortDirection,
};
use less_db::index::{plan_filter, plan_query};
use less_db::query::types::{Filter, Query, SortEntry};
use serde_json::Value;

pub fn field_index(name: &str, fields: &[&str], unique: bool, sparse: bool) -> IndexDefinition {
    ordered_index(
        name,
        &fields
            .iter()
            .map(|f| (*f, SortDirection::Asc))
            .collect::<Vec<_>>(),
        unique,
        sparse,
    )
}

pub fn ordered_index(
    name: &str,
    fields: &[(&str, SortDirection)],
    unique: bool,
    sparse: bool,
) -> IndexDefinition {
    IndexDefinition::Field(FieldIndex {
        name: name.to_string(),
        fields: fields
            .iter()
            .map(|(f, order)| IndexField {
                field: (*f).to_string(),
                order: *order,
            })
            .collect(),
        unique,
        sparse,
    })
}

pub fn computed_index(name: &str, unique: bool, sparse: bool) -> IndexDefinition {
    IndexDefinition::Computed(ComputedIndex {
        name: name.to_string(),
        compute: Arc::new(|doc: &Value| {
            doc.get("email")
                .and_then(Value::as_str)
                .map(|s| Value::String(s.to_lowercase()))
        }),
        unique,
        sparse,
    })
}

pub fn filter(v: Value) -> Filter {
    Filter::from_value(&v).unwrap()
}

/// Plans a JSON filter with an optional sort.
pub fn plan(v: Value, sort: &[SortEntry], indexes: &[IndexDefinition]) -> QueryPlan {
    plan_filter(Some(&filter(v)), sort, indexes)
}

pub fn plan_json_query(v: Value, indexes: &[IndexDefinition]) -> QueryPlan {
    plan_query(&Query::from_value(&v).unwrap(), indexes)
}

pub fn index_name(p: &QueryPlan) -> &str {
    p.scan.as_ref().expect("an index scan").index_name()
}
