#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The committed TypeScript snapshots (equal to the generator's output, see snapshots.rs
//! and edge.rs) type-check with `tsc --strict`, and misusing its types is rejected, so the check can
//! fail. tsc comes from tools/interop (`npm ci --prefix tools/interop`); without node or
//! tsc these tests skip with a note, unless LESS_DB_REQUIRE_NODE=1 makes that a failure.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `node_modules/.bin/tsc` of tools/interop, or `None` (after a note) when node or tsc is
/// missing and LESS_DB_REQUIRE_NODE is not set.
fn tsc() -> Option<PathBuf> {
    let required = std::env::var_os("LESS_DB_REQUIRE_NODE").is_some_and(|v| v == "1");
    let tsc = manifest_dir().join("../tools/interop/node_modules/.bin/tsc");
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let problem = if !node_ok {
        Some("node is not on PATH".to_string())
    } else if !tsc.exists() {
        Some(format!(
            "{} is missing: run `npm ci --prefix tools/interop`",
            tsc.display()
        ))
    } else {
        None
    };
    match problem {
        None => Some(tsc),
        Some(p) if required => panic!("LESS_DB_REQUIRE_NODE=1 but {p}"),
        Some(p) => {
            eprintln!("skipping the TypeScript check: {p}");
            None
        }
    }
}

/// Runs tsc on `files` (relative to tests/).
fn run_tsc(tsc: &Path, files: &[&str]) -> Output {
    Command::new("node")
        .arg(tsc)
        .args([
            "--strict",
            "--noEmit",
            "--pretty",
            "false",
            "--target",
            "es2022",
            "--lib",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
        ])
        .args(files.iter().map(|f| manifest_dir().join("tests").join(f)))
        .output()
        .unwrap()
}

/// `(file name, line)` of every error tsc reports (`path(line,col): error TS..`).
fn error_lines(out: &Output) -> BTreeSet<(String, usize)> {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| l.contains("): error TS"))
        .map(|l| {
            let (path, rest) = l.split_once('(').unwrap();
            let line = rest.split(',').next().unwrap().parse().unwrap();
            let name = Path::new(path).file_name().unwrap().to_string_lossy();
            (name.into_owned(), line)
        })
        .collect()
}

#[test]
fn generated_typescript_type_checks_strictly() {
    let Some(tsc) = tsc() else { return };
    let out = run_tsc(&tsc, &["ts/usage.ts", "snapshots/edge.ts"]);
    assert!(
        out.status.success(),
        "tsc rejected the generated module or its use:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn misusing_generated_types_is_rejected_line_by_line() {
    let Some(tsc) = tsc() else { return };
    let source = std::fs::read_to_string(manifest_dir().join("tests/ts/misuse.ts")).unwrap();
    let expected: BTreeSet<(String, usize)> = source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_end().ends_with("// error"))
        .map(|(i, _)| ("misuse.ts".to_string(), i + 1))
        .collect();
    assert!(expected.len() >= 5, "the misuse file lost its cases");
    let out = run_tsc(&tsc, &["ts/misuse.ts"]);
    assert!(!out.status.success(), "tsc accepted misuse.ts");
    assert_eq!(
        error_lines(&out),
        expected,
        "tsc must reject exactly the lines marked `// error`:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
