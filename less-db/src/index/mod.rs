//! Indexes: definitions and the query planner.

pub mod planner;
pub mod types;

pub use planner::{explain_plan, extract_conditions, plan_filter, plan_query};
pub use types::{
    ComputedIndex, FieldIndex, IndexDefinition, IndexField, IndexScan, IndexScanType, QueryPlan,
    RangeBound, SortDirection,
};
