//! Errors: a bad schema file names the file, the JSON path and, where known, the line
//! and column; I/O and formatting failures name the file they concern.

use std::fmt;
use std::path::PathBuf;

/// Where in the schema file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as it was named on the command line (or by the caller).
    pub file: String,
    /// The JSON path, like `$.collections.users.versions[1].fields.email`.
    pub path: String,
    /// 1-based line and column, when the position of the path is known.
    pub line_col: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col {
            Some((line, col)) => write!(f, "{}:{line}:{col}: at {}", self.file, self.path),
            None => write!(f, "{}: at {}", self.file, self.path),
        }
    }
}

/// A schema file that cannot be turned into code, and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct SchemaFileError {
    /// Boxed so that `Result<_, SchemaFileError>` stays small on the happy path.
    pub location: Box<Location>,
    pub kind: ErrorKind,
}

/// What is wrong with a schema file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("invalid JSON: {0}")]
    Syntax(String),
    #[error("key {0:?} appears twice in this object: keep one")]
    DuplicateKey(String),
    #[error("expected {expected}, found {found}")]
    WrongJsonType {
        expected: &'static str,
        found: &'static str,
    },
    #[error("missing {0:?}: {1}")]
    MissingKey(&'static str, &'static str),
    #[error("unknown key {key:?}: expected {expected}")]
    UnknownKey { key: String, expected: &'static str },
    #[error(
        "unknown field type {0:?}: expected string, text, number, boolean, date, bytes, key, \
         createdAt, updatedAt, or an object {{\"type\": ..}} of type optional, array, record, \
         object, literal or union"
    )]
    UnknownType(String),
    #[error("{0}")]
    UnsafeName(String),
    #[error(
        "field {0:?} is reserved: id, createdAt and updatedAt are added to every collection; \
         leave it out, or declare it with its own type ({1:?})"
    )]
    ReservedField(String, &'static str),
    #[error("the {0:?} type is only for the field {1:?}: use it there, or use another type")]
    AutoTypeElsewhere(&'static str, &'static str),
    #[error("field {0:?} is defined twice (as Rust field `{1}`): rename one")]
    DuplicateField(String, String),
    #[error(
        "version {found} is out of order: versions go 1, 2, 3, ... without gaps or repeats, \
         so this one must be {expected}"
    )]
    VersionOrder { expected: u32, found: u64 },
    #[error("{0}")]
    BadType(String),
    #[error("type name {0:?} is used twice with different definitions: rename one")]
    TypeNameClash(String),
    #[error("index on unknown field {0:?}: index a field of the newest version ({1})")]
    IndexUnknownField(String, String),
    #[error("{0}")]
    BadIndex(String),
    #[error("{0}")]
    Empty(&'static str),
}

/// Everything `less-codegen` can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error(transparent)]
    Schema(#[from] SchemaFileError),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The generated Rust did not parse: a bug in the generator, reported instead of
    /// writing broken code.
    #[error("internal error: the generated Rust does not parse ({0}); please report this")]
    Generate(String),
}
