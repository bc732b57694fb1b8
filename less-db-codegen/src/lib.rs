//! less-codegen: reads one schema file and writes a Rust module and a TypeScript module
//! that describe the same collections.
//!
//! The format is documented in the crate README; [`parse_schema`] reads it,
//! [`rust::generate`] and [`ts::generate`] write the two modules, [`defs`] builds the
//! engine's collection definitions straight from the file, and
//! [`json_schema::json_schema`] describes the format for editors.

pub mod defs;
pub mod error;
pub mod json_schema;
pub mod model;
mod names;
pub mod output;
pub mod parse;
mod path;
mod position;
pub mod rust;
pub mod ts;

use std::path::Path;

pub use error::{CodegenError, ErrorKind, Location, SchemaFileError};
pub use model::SchemaFile;
pub use parse::parse_schema;

/// Reads and parses the schema file at `path`; errors name it as `display`.
pub fn read_schema(path: &Path, display: &str) -> Result<SchemaFile, CodegenError> {
    let text = std::fs::read_to_string(path).map_err(|source| CodegenError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(parse_schema(display, &text)?)
}
