//! less-codegen: reads one schema file and writes a Rust module and a TypeScript module
//! that describe the same collections.
