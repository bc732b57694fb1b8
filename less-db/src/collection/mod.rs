//! Collection definitions: the builder, migrations and auto-fields.

pub mod autofill;
pub mod builder;
pub mod migrate;

pub use autofill::{AutofillOptions, autofill, autofill_for_update, generate_uuid};
pub(crate) use autofill::{autofill_for_update_owned, autofill_owned};
pub use builder::{
    CollectionBuilder, CollectionDef, ComputedSpec, IndexSpec, MigrateError, MigrateFn, VersionDef,
    collection,
};
pub use migrate::{MigrationResult, migrate, migrate_detailed, needs_migration};
