//! The connection, its settings and (nested) transactions.

use std::cell::Cell;
use std::path::Path;

use parking_lot::{ReentrantMutex, ReentrantMutexGuard};
use rusqlite::Connection;

use crate::error::{LessDbError, StorageError};

/// Run `PRAGMA optimize` after this many committed write transactions so the planner
/// statistics follow the data on long-lived connections.
const OPTIMIZE_EVERY_COMMITS: u64 = 5_000;

/// Statement cache size: a handful of statements per collection plus index scans.
const STATEMENT_CACHE_CAPACITY: usize = 512;

pub(super) fn sql_err(e: rusqlite::Error) -> LessDbError {
    StorageError::Sqlite(e.to_string()).into()
}

/// How hard a commit waits for the disk (file databases only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// WAL with `synchronous = NORMAL`: a committed write survives a crash of the
    /// process; a power loss may drop the last commits but never corrupts the file.
    #[default]
    Normal,
    /// WAL with `synchronous = FULL`: a committed write also survives power loss.
    Full,
}

/// Options of [`super::SqliteBackend::open_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    pub durability: Durability,
    /// Page cache size in KiB.
    pub cache_kib: u32,
    /// How long a writer waits for another process's lock, in milliseconds.
    pub busy_timeout_ms: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Normal,
            cache_kib: 64 * 1024,
            busy_timeout_ms: 5_000,
        }
    }
}

/// The connection plus the transaction nesting depth of the thread holding the lock.
pub(super) struct ConnState {
    pub(super) conn: Connection,
    depth: Cell<u32>,
    commits: Cell<u64>,
}

/// The connection behind a re-entrant lock: a transaction closure calls other backend
/// methods on the same thread, which lock again; other threads wait for the whole
/// transaction.
pub(super) struct SharedConn {
    state: ReentrantMutex<ConnState>,
}

impl SharedConn {
    pub(super) fn open_file(path: &Path, options: &SqliteOptions) -> Result<Self, LessDbError> {
        let conn = Connection::open(path).map_err(sql_err)?;
        let sync = match options.durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        conn.busy_timeout(std::time::Duration::from_millis(u64::from(
            options.busy_timeout_ms,
        )))
        .map_err(sql_err)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sql_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StorageError::Sqlite(format!(
                "could not switch {} to WAL mode (got {mode})",
                path.display()
            ))
            .into());
        }
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; PRAGMA mmap_size = 268435456;"
        ))
        .map_err(sql_err)?;
        Self::finish_open(conn, options)
    }

    pub(super) fn open_memory(options: &SqliteOptions) -> Result<Self, LessDbError> {
        let conn = Connection::open_in_memory().map_err(sql_err)?;
        Self::finish_open(conn, options)
    }

    fn finish_open(conn: Connection, options: &SqliteOptions) -> Result<Self, LessDbError> {
        conn.execute_batch(&format!(
            "PRAGMA cache_size = -{}; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;",
            options.cache_kib
        ))
        .map_err(sql_err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
        Ok(Self {
            state: ReentrantMutex::new(ConnState {
                conn,
                depth: Cell::new(0),
                commits: Cell::new(0),
            }),
        })
    }

    pub(super) fn lock(&self) -> ReentrantMutexGuard<'_, ConnState> {
        self.state.lock()
    }

    /// Runs `f` inside a transaction (a savepoint when one is already open on this
    /// thread). `f`'s error rolls back exactly what `f` wrote.
    pub(super) fn transaction<T>(
        &self,
        f: impl FnOnce() -> Result<T, LessDbError>,
    ) -> Result<T, LessDbError> {
        let guard = self.state.lock();
        let tx = Tx::begin(&guard)?;
        match f() {
            Ok(v) => {
                tx.commit()?;
                Ok(v)
            }
            Err(e) => {
                tx.rollback();
                Err(e)
            }
        }
    }

    /// Runs `f` atomically: directly when a transaction is already open on this thread
    /// (the caller's transaction covers it), otherwise in a transaction of its own.
    pub(super) fn atomic<T>(
        &self,
        f: impl FnOnce() -> Result<T, LessDbError>,
    ) -> Result<T, LessDbError> {
        let guard = self.state.lock();
        if guard.depth.get() > 0 {
            f()
        } else {
            self.transaction(f)
        }
    }

    /// Runs `PRAGMA optimize`; errors are ignored because statistics are an
    /// optimisation only.
    pub(super) fn optimize(&self) {
        let guard = self.state.lock();
        if guard.depth.get() == 0 {
            let _ = guard.conn.execute_batch("PRAGMA optimize");
        }
    }
}

/// Runs a parameterless statement through the statement cache: transaction control
/// runs on every write, and re-parsing it each time is measurable.
fn run_cached(conn: &Connection, sql: &str) -> Result<(), LessDbError> {
    let mut stmt = conn.prepare_cached(sql).map_err(sql_err)?;
    stmt.execute([]).map_err(sql_err)?;
    Ok(())
}

/// An open transaction or savepoint; rolls back when dropped without commit (an error
/// return or a panic inside the closure).
struct Tx<'a> {
    state: &'a ConnState,
    outer: bool,
    finished: bool,
}

impl<'a> Tx<'a> {
    fn begin(state: &'a ConnState) -> Result<Self, LessDbError> {
        let depth = state.depth.get();
        let outer = depth == 0;
        let sql = if outer {
            "BEGIN IMMEDIATE"
        } else {
            "SAVEPOINT less_db_nested"
        };
        run_cached(&state.conn, sql)?;
        state.depth.set(depth + 1);
        Ok(Self {
            state,
            outer,
            finished: false,
        })
    }

    fn commit(mut self) -> Result<(), LessDbError> {
        let sql = if self.outer {
            "COMMIT"
        } else {
            "RELEASE less_db_nested"
        };
        run_cached(&self.state.conn, sql)?;
        self.finished = true;
        self.state.depth.set(self.state.depth.get() - 1);
        if self.outer {
            let n = self.state.commits.get() + 1;
            self.state.commits.set(n);
            if n.is_multiple_of(OPTIMIZE_EVERY_COMMITS) {
                let _ = self.state.conn.execute_batch("PRAGMA optimize");
            }
        }
        Ok(())
    }

    fn rollback(mut self) {
        self.undo();
    }

    fn undo(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        // A failed rollback leaves nothing better to do: the caller already gets the
        // original error, and SQLite rolls back an unfinished transaction itself.
        if self.outer {
            let _ = run_cached(&self.state.conn, "ROLLBACK");
        } else {
            let _ = run_cached(&self.state.conn, "ROLLBACK TO less_db_nested");
            let _ = run_cached(&self.state.conn, "RELEASE less_db_nested");
        }
        self.state.depth.set(self.state.depth.get() - 1);
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        self.undo();
    }
}
