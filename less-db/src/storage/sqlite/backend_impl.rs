//! [`StorageBackend`] for [`SqliteBackend`]: thin delegation to the inherent methods.

use serde_json::Value;

use super::{ScanWindow, SqliteBackend};
use crate::error::LessDbError;
use crate::index::types::{IndexDefinition, IndexScan};
use crate::storage::traits::StorageBackend;
use crate::types::{PurgeTombstonesOptions, RawBatchResult, ScanOptions, SerializedRecord};

type Result<T> = std::result::Result<T, LessDbError>;

/// The ISO-8601 instant `seconds` before now, the cutoff of an age-limited purge.
fn cutoff(seconds: u64) -> String {
    let secs = i64::try_from(seconds).unwrap_or(i64::MAX);
    let at = chrono::Utc::now()
        .checked_sub_signed(chrono::TimeDelta::try_seconds(secs).unwrap_or(chrono::TimeDelta::MAX))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

impl StorageBackend for SqliteBackend {
    fn register_collection(&self, name: &str, indexes: &[IndexDefinition]) -> Result<()> {
        SqliteBackend::register_collection(self, name, indexes)
    }

    fn get_raw(&self, collection: &str, id: &str) -> Result<Option<SerializedRecord>> {
        self.get_record(collection, id)
    }

    fn get_raw_for_remote(&self, collection: &str, id: &str) -> Result<Option<SerializedRecord>> {
        self.get_record_for_remote(collection, id)
    }

    fn put_raw(&self, record: &SerializedRecord) -> Result<()> {
        self.put_record(record)
    }

    fn scan_raw(&self, collection: &str, options: &ScanOptions) -> Result<RawBatchResult> {
        let records = self.scan_records(
            collection,
            options.include_deleted,
            options.limit,
            options.offset.unwrap_or(0),
        )?;
        Ok(RawBatchResult { records })
    }

    fn scan_dirty_raw(&self, collection: &str) -> Result<RawBatchResult> {
        Ok(RawBatchResult {
            records: self.scan_dirty(collection)?,
        })
    }

    fn scan_index_raw(
        &self,
        collection: &str,
        scan: &IndexScan,
        window: &ScanWindow,
    ) -> Result<Option<RawBatchResult>> {
        Ok(self
            .scan_index(collection, scan, window)?
            .map(|records| RawBatchResult { records }))
    }

    fn count_raw(&self, collection: &str) -> Result<usize> {
        self.count_live(collection)
    }

    fn count_index_raw(&self, collection: &str, scan: &IndexScan) -> Result<Option<usize>> {
        self.count_index(collection, scan)
    }

    fn batch_put_raw(&self, records: &[SerializedRecord]) -> Result<()> {
        self.put_records(records)
    }

    fn purge_tombstones_raw(
        &self,
        collection: &str,
        options: &PurgeTombstonesOptions,
    ) -> Result<usize> {
        let before = options.older_than_seconds.map(cutoff);
        self.purge_tombstones(collection, before.as_deref(), options.dry_run)
    }

    fn get_meta(&self, key: &str) -> Result<Option<String>> {
        self.meta(key)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.set_meta_value(key, value)
    }

    fn check_unique(
        &self,
        collection: &str,
        index: &IndexDefinition,
        data: &Value,
        computed: Option<&Value>,
        exclude_id: Option<&str>,
    ) -> Result<()> {
        self.check_unique_value(collection, index, data, computed, exclude_id)
    }

    fn transaction<F, T>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Self) -> Result<T>,
    {
        self.run_in_transaction(f)
    }
}
