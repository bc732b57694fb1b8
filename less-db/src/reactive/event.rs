//! What a write did, as the reactive adapter reports it to change listeners.

/// One change to the records of a collection, emitted once per successful write that
/// touched at least one record.
///
/// Listeners registered with
/// [`ReactiveAdapter::on_change`](crate::reactive::ReactiveAdapter::on_change) receive
/// these synchronously, right after the write commits and before any subscription is
/// re-run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ChangeEvent {
    /// A `put` inserted or replaced a record.
    Put { collection: String, id: String },
    /// A `patch` merged fields into a record.
    Patch { collection: String, id: String },
    /// A `delete` turned a live record into a tombstone.
    Delete { collection: String, id: String },
    /// A multi-record local write (`bulk_put`, `bulk_patch`, `bulk_delete`,
    /// `delete_many`, `patch_many`) changed these records.
    Bulk {
        collection: String,
        ids: Vec<String>,
    },
    /// `apply_remote_changes` wrote these records (skipped remotes are not listed).
    Remote {
        collection: String,
        ids: Vec<String>,
    },
    /// `mark_synced` recorded a push acknowledgement for a record: its data is
    /// unchanged, its sync state (`dirty`, `sequence`) is not.
    Synced { collection: String, id: String },
}

impl ChangeEvent {
    /// The collection whose records changed.
    pub fn collection(&self) -> &str {
        match self {
            ChangeEvent::Put { collection, .. }
            | ChangeEvent::Patch { collection, .. }
            | ChangeEvent::Delete { collection, .. }
            | ChangeEvent::Bulk { collection, .. }
            | ChangeEvent::Remote { collection, .. }
            | ChangeEvent::Synced { collection, .. } => collection,
        }
    }

    /// The ids of the changed records, in the order the write handled them.
    pub fn ids(&self) -> Vec<&str> {
        match self {
            ChangeEvent::Put { id, .. }
            | ChangeEvent::Patch { id, .. }
            | ChangeEvent::Delete { id, .. }
            | ChangeEvent::Synced { id, .. } => vec![id.as_str()],
            ChangeEvent::Bulk { ids, .. } | ChangeEvent::Remote { ids, .. } => {
                ids.iter().map(String::as_str).collect()
            }
        }
    }

    /// True for writes made through this adapter by the local user (put, patch, delete
    /// and the bulk forms): the ones that leave records dirty and call for a push.
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            ChangeEvent::Put { .. }
                | ChangeEvent::Patch { .. }
                | ChangeEvent::Delete { .. }
                | ChangeEvent::Bulk { .. }
        )
    }
}
