#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Each kind of bad schema file, run through the `less-codegen` binary: exit status 2,
//! one error line naming the file, the JSON path and (where known) line and column, no
//! panic, and no output file created, changed or left half-written.

use std::path::Path;
use std::process::Command;

const OLD_TS: &str = "// an older generated module, which a failed run must keep\n";

/// What one failed run printed.
struct Failure {
    /// The single `less-codegen: error: ..` line.
    error: String,
}

/// Writes `schema` to a fresh directory and runs the tool on it with a Rust output that
/// does not exist yet and a TypeScript output that does; checks the common promises.
fn fail(schema: &str) -> Failure {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.json"), schema).unwrap();
    std::fs::write(dir.path().join("out.ts"), OLD_TS).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_less-codegen"))
        .current_dir(dir.path())
        .args(["schema.json", "--rust", "out.rs", "--ts", "out.ts"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("less-codegen: error: "))
        .collect();
    assert_eq!(errors.len(), 1, "expected one error line:\n{stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "expected nothing else:\n{stderr}"
    );
    assert_no_partial_outputs(dir.path());
    Failure {
        error: errors[0]
            .trim_start_matches("less-codegen: error: ")
            .to_string(),
    }
}

fn assert_no_partial_outputs(dir: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["out.ts", "schema.json"], "stray or missing files");
    assert_eq!(
        std::fs::read_to_string(dir.join("out.ts")).unwrap(),
        OLD_TS,
        "the existing output changed"
    );
}

impl Failure {
    /// Asserts `file:line:col: at PATH: ` and that the message says `needle`.
    fn at(&self, line: usize, col: usize, path: &str, needle: &str) -> &Self {
        let prefix = format!("schema.json:{line}:{col}: at {path}: ");
        assert!(
            self.error.starts_with(&prefix),
            "expected {prefix:?} at the start of {:?}",
            self.error
        );
        assert!(
            self.error.contains(needle),
            "expected {needle:?} in {:?}",
            self.error
        );
        self
    }
}

/// A one-collection file with `fields` as the fields of version 1 and `rest` spliced
/// into the collection (indexes): line 4 holds the first field.
fn with_fields(fields: &str, rest: &str) -> String {
    format!(
        "{{\n  \"collections\": {{\n    \"users\": {{\"versions\": [{{\"version\": 1, \"fields\": {{\n{fields}\n    }}}}]{rest}}}\n  }}\n}}\n"
    )
}

#[test]
fn invalid_json() {
    fail("{\n  \"collections\": {\n    \"users\": {,}\n  }\n}\n").at(3, 15, "$", "invalid JSON");
}

#[test]
fn unknown_field_type() {
    fail(&with_fields("      \"name\": \"strin\"", "")).at(
        4,
        7,
        "$.collections.users.versions[0].fields.name",
        "unknown field type \"strin\"",
    );
}

#[test]
fn duplicate_json_key() {
    fail(&with_fields(
        "      \"name\": \"string\",\n      \"name\": \"number\"",
        "",
    ))
    .at(
        5,
        7,
        "$.collections.users.versions[0].fields.name",
        "key \"name\" appears twice",
    );
}

#[test]
fn duplicate_field_after_renaming_to_rust() {
    fail(&with_fields(
        "      \"firstName\": \"string\",\n      \"first_name\": \"string\"",
        "",
    ))
    .at(
        5,
        7,
        "$.collections.users.versions[0].fields.first_name",
        "defined twice (as Rust field `first_name`)",
    );
}

#[test]
fn reserved_field_name() {
    fail(&with_fields("      \"id\": \"string\"", "")).at(
        4,
        7,
        "$.collections.users.versions[0].fields.id",
        "field \"id\" is reserved",
    );
}

#[test]
fn auto_type_on_another_field() {
    fail(&with_fields("      \"owner\": \"createdAt\"", "")).at(
        4,
        7,
        "$.collections.users.versions[0].fields.owner",
        "only for the field \"createdAt\"",
    );
}

#[test]
fn unsafe_field_name() {
    fail(&with_fields("      \"first name\": \"string\"", "")).at(
        4,
        7,
        "$.collections.users.versions[0].fields[\"first name\"]",
        "is not safe",
    );
}

#[test]
fn unsafe_collection_name() {
    fail("{\"collections\": {\n  \"users; DROP TABLE x\": {\"versions\": []}\n}}").at(
        2,
        3,
        "$.collections[\"users; DROP TABLE x\"]",
        "collection name \"users; DROP TABLE x\" is not safe",
    );
}

#[test]
fn bad_type_name() {
    fail(&with_fields(
        "      \"a\": {\"type\": \"object\", \"name\": \"Vec\", \"fields\": {\"b\": \"string\"}}",
        "",
    ))
    .at(
        4,
        31,
        "$.collections.users.versions[0].fields.a.name",
        "type name \"Vec\"",
    );
}

#[test]
fn versions_out_of_order() {
    fail(
        "{\"collections\": {\"users\": {\"versions\": [\n  {\"version\": 1, \"fields\": {}},\n  {\"version\": 3, \"fields\": {}}\n]}}}",
    )
    .at(
        3,
        4,
        "$.collections.users.versions[1].version",
        "this one must be 2",
    );
}

#[test]
fn index_on_missing_field() {
    fail(&with_fields(
        "      \"email\": \"string\"",
        ",\n    \"indexes\": [{\"fields\": [\"emial\"]}]",
    ))
    .at(
        6,
        29,
        "$.collections.users.indexes[0].fields[0]",
        "index on unknown field \"emial\": index a field of the newest version (id, createdAt, updatedAt, email)",
    );
}

#[test]
fn index_on_unindexable_field() {
    fail(&with_fields(
        "      \"tags\": {\"type\": \"array\", \"of\": \"string\"}",
        ",\n    \"indexes\": [{\"fields\": [\"tags\"]}]",
    ))
    .at(
        6,
        29,
        "$.collections.users.indexes[0].fields[0]",
        "\"tags\" is array, which cannot be indexed",
    );
}

#[test]
fn sparse_compound_index() {
    fail(&with_fields(
        "      \"a\": \"string\", \"b\": \"string\"",
        ",\n    \"indexes\": [{\"fields\": [\"a\", \"b\"], \"sparse\": true}]",
    ))
    .at(
        6,
        40,
        "$.collections.users.indexes[0].sparse",
        "a sparse index covers one field",
    );
}

#[test]
fn unknown_key_is_a_typo_not_ignored() {
    fail(
        "{\"collections\": {\"users\": {\n  \"versions\": [{\"version\": 1, \"feilds\": {}}]\n}}}",
    )
    .at(
        2,
        31,
        "$.collections.users.versions[0].feilds",
        "unknown key \"feilds\": expected \"version\" or \"fields\"",
    );
}

#[test]
fn wrong_json_type() {
    fail("{\"collections\": {\"users\": {\n  \"versions\": {\"version\": 1}\n}}}").at(
        2,
        3,
        "$.collections.users.versions",
        "expected an array, found an object",
    );
}

#[test]
fn no_collections() {
    fail("{\"collections\": {}}").at(1, 2, "$.collections", "there are no collections");
}

#[test]
fn text_inside_an_array() {
    fail(&with_fields(
        "      \"lines\": {\"type\": \"array\", \"of\": \"text\"}",
        "",
    ))
    .at(
        4,
        7,
        "$.collections.users.versions[0].fields.lines",
        "cannot sit inside an array",
    );
}

#[test]
fn two_types_with_one_name() {
    fail(&with_fields(
        "      \"home\": {\"type\": \"object\", \"name\": \"Place\", \"fields\": {\"city\": \"string\"}},\n      \"work\": {\"type\": \"object\", \"name\": \"Place\", \"fields\": {\"town\": \"string\"}}",
        "",
    ))
    .at(
        5,
        7,
        "$.collections.users.versions[0].fields.work",
        "type name \"Place\" is used twice",
    );
}

#[test]
fn bad_migrations_module() {
    fail("{\"rust\": {\"migrations\": \"not a path\"}, \"collections\": {}}").at(
        1,
        11,
        "$.rust.migrations",
        "is not a Rust module path",
    );
}

#[test]
fn missing_schema_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_less-codegen"))
        .current_dir(dir.path())
        .args(["nope.json", "--rust", "out.rs"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.starts_with("less-codegen: error: cannot read nope.json: "),
        "{stderr}"
    );
    assert!(!dir.path().join("out.rs").exists());
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "{}\"string\"{}",
        "{\"type\": \"array\", \"of\": ".repeat(300),
        "}".repeat(300)
    );
    let text = format!(
        "{{\"collections\": {{\"users\": {{\"versions\": [{{\"version\": 1, \"fields\": {{\"a\": {deep}}}}}]}}}}}}"
    );
    let f = fail(&text);
    assert!(f.error.starts_with("schema.json:1:"), "{}", f.error);
    assert!(f.error.contains("recursion limit"), "{}", f.error);
}
