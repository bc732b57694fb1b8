//! Reactive subscriptions over an adapter: observe a record or a query and get called
//! when it changes.
//!
//! [`ReactiveAdapter`] wraps an [`Adapter`](crate::storage::adapter::Adapter), reports
//! every write as a [`ChangeEvent`] and keeps subscriptions dirty until
//! [`ReactiveAdapter::flush`] re-reads them. No thread or async runtime is involved.

pub mod adapter;
pub mod event;
pub mod query_fields;
mod registry;
pub mod subscription;

pub use adapter::{ReactiveAdapter, ReactiveStats};
pub use event::ChangeEvent;
pub use query_fields::{QueryFields, extract_query_fields, touches_query_fields};
pub use registry::{ChangeListener, ErrorCallback, QueryCallback, RecordCallback};
pub use subscription::Subscription;
