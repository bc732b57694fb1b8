//! Middleware: hooks around reads and writes.
