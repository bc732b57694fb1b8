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
