//! Bringing record data from an older schema version to the newest one.

use serde_json::Value;

use super::builder::{CollectionDef, reattach_auto_fields, strip_auto_fields};
use crate::error::MigrationError;
use crate::schema::validate::validate_shape;

/// Data brought to the newest version, and what it took.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationResult {
    pub data: Value,
    /// Migration functions run (0 when the data was already current).
    pub steps_applied: u32,
    pub migrated_from: u32,
    pub migrated_to: u32,
}

/// True when data stored at `version` must be migrated to be current.
pub fn needs_migration(def: &CollectionDef, version: u32) -> bool {
    version < def.current_version
}

/// Migrates `data` stored at `from_version` to the newest version and validates it
/// against the newest schema. Auto-fields (`id`, `createdAt`, `updatedAt`) are taken
/// out before each migration function runs and put back after, so migrations only see
/// and write user fields. `record_id` names the record in errors.
pub fn migrate(
    def: &CollectionDef,
    data: Value,
    from_version: u32,
    record_id: &str,
) -> Result<Value, MigrationError> {
    migrate_detailed(def, data, from_version, record_id).map(|r| r.data)
}

/// [`migrate`], also reporting how many steps ran.
pub fn migrate_detailed(
    def: &CollectionDef,
    data: Value,
    from_version: u32,
    record_id: &str,
) -> Result<MigrationResult, MigrationError> {
    let current = def.current_version;
    if from_version == 0 || (def.version(from_version).is_none() && from_version < current) {
        return Err(MigrationError::UnknownVersion {
            collection: def.name.clone(),
            record_id: record_id.to_string(),
            version: from_version,
        });
    }
    if from_version > current {
        return Err(MigrationError::FutureVersion {
            collection: def.name.clone(),
            record_id: record_id.to_string(),
            version: from_version,
            current,
        });
    }
    let failed =
        |at: u32, source: Box<dyn std::error::Error + Send + Sync>| MigrationError::Failed {
            collection: def.name.clone(),
            record_id: record_id.to_string(),
            from_version,
            to_version: current,
            failed_at: at,
            source,
        };
    let (mut user_data, auto) = strip_auto_fields(data);
    let mut steps = 0;
    for step in def.versions.iter().filter(|v| v.version > from_version) {
        let Some(f) = &step.migrate else {
            return Err(failed(step.version, "no migration function".into()));
        };
        user_data = f(user_data).map_err(|e| failed(step.version, e))?;
        steps += 1;
    }
    let data = reattach_auto_fields(user_data, auto);
    let data =
        validate_shape(&def.current_schema, &data).map_err(|e| failed(current, Box::new(e)))?;
    Ok(MigrationResult {
        data,
        steps_applied: steps,
        migrated_from: from_version,
        migrated_to: current,
    })
}
