//! Reactive subscriptions over an adapter: observe a record or a query and get called
//! when it changes.
