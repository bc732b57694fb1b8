//! Index definitions.

use std::sync::Arc;

use serde_json::Value;

/// Sort direction of an index field or a query sort key.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// One field of a field index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexField {
    /// Dot path into the record, e.g. `address.city`.
    pub field: String,
    pub order: SortDirection,
}

/// An index over one or more record fields (compound when more than one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldIndex {
    pub name: String,
    pub fields: Vec<IndexField>,
    pub unique: bool,
    /// A sparse index leaves out records whose indexed fields are all null or missing.
    pub sparse: bool,
}

/// The function of a computed index: record data in, indexed value out
/// (`None` leaves the record out of the index).
pub type ComputeFn = Arc<dyn Fn(&Value) -> Option<Value> + Send + Sync>;

/// An index over a value computed from the record.
#[derive(Clone)]
pub struct ComputedIndex {
    pub name: String,
    pub compute: ComputeFn,
    pub unique: bool,
    pub sparse: bool,
}

impl std::fmt::Debug for ComputedIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputedIndex")
            .field("name", &self.name)
            .field("unique", &self.unique)
            .field("sparse", &self.sparse)
            .finish_non_exhaustive()
    }
}

/// Two computed indexes are equal when their names and flags are; functions cannot be
/// compared.
impl PartialEq for ComputedIndex {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.unique == other.unique && self.sparse == other.sparse
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum IndexDefinition {
    Field(FieldIndex),
    Computed(ComputedIndex),
}

impl IndexDefinition {
    pub fn name(&self) -> &str {
        match self {
            IndexDefinition::Field(i) => &i.name,
            IndexDefinition::Computed(i) => &i.name,
        }
    }

    pub fn is_unique(&self) -> bool {
        match self {
            IndexDefinition::Field(i) => i.unique,
            IndexDefinition::Computed(i) => i.unique,
        }
    }

    pub fn is_sparse(&self) -> bool {
        match self {
            IndexDefinition::Field(i) => i.sparse,
            IndexDefinition::Computed(i) => i.sparse,
        }
    }
}

/// One end of a range condition on an index column.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeBound {
    /// A JSON scalar (string, number or boolean); never null.
    pub value: Value,
    /// `true` for `$gte`/`$lte`, `false` for `$gt`/`$lt`.
    pub inclusive: bool,
}

/// How an index is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexScanType {
    /// Equality on every column of the index.
    Exact,
    /// Equality on the leading columns of a compound index.
    Prefix,
    /// Equality on the leading columns (possibly none), then a range or an `$in` list
    /// on the next column.
    Range,
    /// The whole index, walked for its order only (a sort-only query).
    Full,
}

/// What a storage backend needs to read one index: the rows whose leading columns equal
/// `equality` (in index column order), and whose next column lies within
/// `lower`/`upper` or is one of `in_values`, walked forwards (`direction == Asc`) or
/// backwards (`Desc`) relative to the index's declared column orders.
///
/// The planner drops a condition from the post-filter when the scan enforces it, so a
/// backend must select exactly these rows (tombstones excluded):
/// - a column matches a value when it holds a value of the same JSON type that
///   [`crate::query::compare_values`] finds equal (`1` equals `1.0`; `true` does not
///   equal `1`: SQLite's `json_extract` turns booleans into 0/1, so a backend must tell
///   them apart, e.g. with `json_type`, unless the schema makes the column one type);
/// - a null equality value means "null or missing" (`IS NULL`);
/// - a range holds only for values of the bound's JSON type (SQLite orders every text
///   above every number, so a one-sided numeric range must also exclude text, e.g.
///   `json_type(..) IN ('integer','real')`, unless the schema makes the column one type);
/// - when the plan provides the sort, rows come back ordered by the index columns after
///   the equality prefix (each in its declared order, all flipped for a backward walk),
///   ties in insertion order (`rowid ASC`, in both directions), which is the order the
///   in-memory stable sort gives.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexScan {
    pub index: IndexDefinition,
    pub scan_type: IndexScanType,
    /// Values for the leading index columns, in order. Empty for range/full scans
    /// without an equality prefix.
    pub equality: Vec<Value>,
    /// Lower bound on column `equality.len()`.
    pub lower: Option<RangeBound>,
    /// Upper bound on column `equality.len()`.
    pub upper: Option<RangeBound>,
    /// Points on column `equality.len()` (`$in`), at most [`MAX_IN_VALUES`], never empty.
    pub in_values: Option<Vec<Value>>,
    /// Scan direction relative to the index's declared order.
    pub direction: SortDirection,
}

/// Largest `$in` list turned into index points; longer lists are post-filtered.
pub const MAX_IN_VALUES: usize = 20;

impl IndexScan {
    /// Name of the index this scan reads.
    pub fn index_name(&self) -> &str {
        self.index.name()
    }

    /// Number of index columns the scan constrains (equality prefix plus a
    /// range/`$in` column).
    pub fn constrained_columns(&self) -> usize {
        let next = self.lower.is_some() || self.upper.is_some() || self.in_values.is_some();
        self.equality.len() + usize::from(next)
    }
}

/// How to run a query: which index to read (if any) and what is left to do in memory.
///
/// Storage contract:
/// - `scan == None`: read every live record, then apply `post_filter` and `post_sort`.
/// - `scan == Some(s)`: read the rows `s` selects; every record the query matches is
///   among them. Apply `post_filter` (if any) to what comes back.
/// - [`QueryPlan::index_order_is_query_order`]: the scan's order is the query's sort
///   order, so `ORDER BY` may follow the index and, with no `post_filter`, `LIMIT` and
///   `OFFSET` may be pushed into the scan ([`QueryPlan::can_paginate_in_scan`]).
/// - [`QueryPlan::can_count_in_scan`]: counting the rows of the scan counts the matches.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPlan {
    /// The index read; `None` means a full table scan.
    pub scan: Option<IndexScan>,
    /// The part of the filter the index does not enforce. `None` when the scan
    /// enforces the whole filter.
    pub post_filter: Option<crate::query::types::Filter>,
    /// True when the scan returns rows in the query's sort order (the query has a sort
    /// and the index walks it).
    pub index_provides_sort: bool,
    /// The sort still to apply in memory; empty when the index provides it or the
    /// query has none.
    pub post_sort: Vec<crate::query::types::SortEntry>,
    /// Relative cost, 1 (unique point lookup) to 6 (full table scan).
    pub estimated_cost: f64,
}

/// Cost of a full table scan, the worst plan.
pub const FULL_SCAN_COST: f64 = 6.0;

impl QueryPlan {
    /// The plan that reads every record and does everything in memory.
    pub fn full_scan(
        filter: Option<crate::query::types::Filter>,
        sort: Vec<crate::query::types::SortEntry>,
    ) -> Self {
        QueryPlan {
            scan: None,
            post_filter: filter,
            index_provides_sort: false,
            post_sort: sort,
            estimated_cost: FULL_SCAN_COST,
        }
    }

    /// True when the rows come back in the query's order without an in-memory sort:
    /// the index provides the sort, or the query has none (any stable order will do,
    /// and the scan's order is stable).
    pub fn index_order_is_query_order(&self) -> bool {
        self.scan.is_some() && self.post_sort.is_empty()
    }

    /// True when `LIMIT`/`OFFSET` may be applied inside the index scan: the scan's
    /// order is the query order and no post-filter can drop rows after paging.
    pub fn can_paginate_in_scan(&self) -> bool {
        self.index_order_is_query_order() && self.post_filter.is_none()
    }

    /// True when counting the scan's rows counts the query's matches.
    pub fn can_count_in_scan(&self) -> bool {
        self.scan.is_some() && self.post_filter.is_none()
    }
}
