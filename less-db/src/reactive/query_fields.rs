//! Which record fields a query depends on, so a change elsewhere does not re-run it.

use crate::query::types::Query;
pub use crate::query::types::QueryFields;

/// The dot paths a query's filter and sort read, and the computed indexes its
/// `$computed` conditions name. Limit and offset read no field.
///
/// A change whose fields are all outside this set cannot move a record into or out of
/// the query's results, nor reorder them.
pub fn extract_query_fields(query: &Query) -> QueryFields {
    query.fields()
}

/// True when a write that changed the top-level fields `changed` may change how
/// `fields` sees a record. A query with a computed index depends on every field,
/// since the index function may read any of them.
pub fn touches_query_fields<S: AsRef<str>>(fields: &QueryFields, changed: &[S]) -> bool {
    if fields.has_computed() {
        return true;
    }
    fields.fields.iter().any(|path| {
        let top = path.split('.').next().unwrap_or(path);
        changed.iter().any(|c| c.as_ref() == top)
    })
}
