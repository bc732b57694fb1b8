#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `less-codegen` binary: writing both outputs, `--check` for stale outputs, and
//! `--print-json-schema`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the tool from the crate directory, so the schema is named
/// `examples/schema.json` in headers exactly as in the committed snapshots.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_less-codegen"))
        .current_dir(manifest_dir())
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

struct Outputs {
    _dir: tempfile::TempDir,
    rust: PathBuf,
    ts: PathBuf,
}

impl Outputs {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Outputs {
            rust: dir.path().join("schema.rs"),
            ts: dir.path().join("schema.ts"),
            _dir: dir,
        }
    }

    fn run(&self, extra: &[&str]) -> Output {
        let mut args = vec![
            "examples/schema.json",
            "--rust",
            self.rust.to_str().unwrap(),
            "--ts",
            self.ts.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args)
    }
}

fn snapshot(name: &str) -> String {
    std::fs::read_to_string(manifest_dir().join("tests/snapshots").join(name)).unwrap()
}

#[test]
fn writes_both_outputs_equal_to_the_snapshots() {
    let o = Outputs::new();
    let out = o.run(&[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        std::fs::read_to_string(&o.rust).unwrap(),
        snapshot("schema.rs")
    );
    assert_eq!(
        std::fs::read_to_string(&o.ts).unwrap(),
        snapshot("schema.ts")
    );
    assert!(
        err.contains(&format!("wrote {}", o.rust.display())),
        "{err}"
    );
    assert!(err.contains("2 collection(s)"), "{err}");
    assert!(out.stdout.is_empty(), "results go to stderr");

    let again = o.run(&[]);
    assert!(again.status.success());
    assert!(stderr(&again).contains(&format!("unchanged {}", o.ts.display())));
}

#[test]
fn check_passes_when_outputs_are_fresh() {
    let o = Outputs::new();
    assert!(o.run(&[]).status.success());
    let out = o.run(&["--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("up to date"));
}

#[test]
fn check_lists_stale_and_missing_outputs_and_writes_nothing() {
    let o = Outputs::new();
    assert!(o.run(&[]).status.success());
    let edited = snapshot("schema.ts").replace("firstName: string;", "firstName: number;");
    std::fs::write(&o.ts, &edited).unwrap();

    let out = o.run(&["--check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&o.ts.display().to_string()), "{err}");
    assert!(!err.contains(&o.rust.display().to_string()), "{err}");
    assert_eq!(
        std::fs::read_to_string(&o.ts).unwrap(),
        edited,
        "--check wrote"
    );

    std::fs::remove_file(&o.rust).unwrap();
    let out = o.run(&["--check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&o.rust.display().to_string()), "{err}");
    assert!(!o.rust.exists(), "--check wrote");
}

#[test]
fn check_fails_on_a_bad_schema_too() {
    let o = Outputs::new();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"collections\": []}").unwrap();
    let out = run(&[
        bad.to_str().unwrap(),
        "--rust",
        o.rust.to_str().unwrap(),
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at $.collections: expected an object, found an array"));
}

#[test]
fn without_outputs_it_says_what_to_pass() {
    let out = run(&["examples/schema.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass --rust OUT.rs and/or --ts OUT.ts"));
}

#[test]
fn print_json_schema_prints_the_committed_schema() {
    let out = run(&["--print-json-schema"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(manifest_dir().join("examples/less-codegen.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(printed, committed);
    assert_eq!(
        printed["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
    // Editors complete the field types from it: every simple type name is offered.
    let text = printed.to_string();
    for kind in [
        "string",
        "text",
        "number",
        "boolean",
        "date",
        "bytes",
        "key",
        "createdAt",
        "updatedAt",
        "optional",
        "array",
        "record",
        "object",
        "literal",
        "union",
    ] {
        assert!(text.contains(&format!("\"{kind}\"")), "{kind} missing");
    }
}

#[test]
fn print_json_schema_takes_no_other_arguments() {
    let out = run(&["--print-json-schema", "examples/schema.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn refuses_to_overwrite_the_schema_or_one_output_with_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    let text = std::fs::read_to_string(manifest_dir().join("examples/schema.json")).unwrap();
    std::fs::write(&schema, &text).unwrap();
    let s = schema.to_str().unwrap();
    let out = run(&[s, "--rust", s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is the schema file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), text);

    let both = dir.path().join("out.txt");
    let b = both.to_str().unwrap();
    let out = run(&[s, "--rust", b, "--ts", b]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give each output its own file"));
    assert!(!both.exists());
}
