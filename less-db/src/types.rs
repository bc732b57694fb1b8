//! Record, option and result types shared by storage, sync and the public API.
