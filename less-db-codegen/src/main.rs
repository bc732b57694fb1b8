//! The `less-codegen` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use less_db_codegen::output::{Output, WriteStatus, stale, write_all};
use less_db_codegen::{CodegenError, read_schema, rust, ts};

/// Turns one less-db schema file into a Rust module and a TypeScript module.
#[derive(Parser, Debug)]
#[command(name = "less-codegen", version, about)]
struct Cli {
    /// The schema file (JSON).
    #[arg(required_unless_present = "print_json_schema")]
    schema: Option<PathBuf>,
    /// Where to write the Rust module.
    #[arg(long, value_name = "OUT.rs")]
    rust: Option<PathBuf>,
    /// Where to write the TypeScript module.
    #[arg(long, value_name = "OUT.ts")]
    ts: Option<PathBuf>,
    /// Write nothing; exit with status 1 and list the outputs that are missing or
    /// differ from what would be generated.
    #[arg(long)]
    check: bool,
    /// Print the JSON Schema of the schema file format (for editor completion) and exit.
    #[arg(long, conflicts_with_all = ["schema", "rust", "ts", "check"])]
    print_json_schema: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.print_json_schema {
        let schema = less_db_codegen::json_schema::json_schema();
        println!("{schema:#}");
        return ExitCode::SUCCESS;
    }
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("less-codegen: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, CodegenError> {
    let Some(schema_path) = &cli.schema else {
        return Ok(ExitCode::from(2));
    };
    if cli.rust.is_none() && cli.ts.is_none() {
        eprintln!(
            "less-codegen: error: nothing to generate: pass --rust OUT.rs and/or --ts OUT.ts"
        );
        return Ok(ExitCode::from(2));
    }
    if let Some(problem) = output_clash(schema_path, cli.rust.as_deref(), cli.ts.as_deref()) {
        eprintln!("less-codegen: error: {problem}");
        return Ok(ExitCode::from(2));
    }
    let display = schema_path.display().to_string().replace('\\', "/");
    let schema = read_schema(schema_path, &display)?;
    let mut outputs = Vec::new();
    if let Some(path) = &cli.rust {
        outputs.push(Output {
            path: path.clone(),
            contents: rust::generate(&schema, &display)?,
        });
    }
    if let Some(path) = &cli.ts {
        outputs.push(Output {
            path: path.clone(),
            contents: ts::generate(&schema, &display),
        });
    }
    let collections = schema.collections.len();
    if cli.check {
        let stale = stale(&outputs)?;
        if stale.is_empty() {
            eprintln!(
                "less-codegen: {display}: {} output(s) up to date",
                outputs.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("less-codegen: {display}: stale output(s), run less-codegen again:");
        for o in stale {
            eprintln!("  {}", o.path.display());
        }
        return Ok(ExitCode::from(1));
    }
    let statuses = write_all(&outputs)?;
    for (o, status) in outputs.iter().zip(statuses) {
        let what = match status {
            WriteStatus::Written => "wrote",
            WriteStatus::Unchanged => "unchanged",
        };
        eprintln!("less-codegen: {what} {}", o.path.display());
    }
    eprintln!("less-codegen: {display}: {collections} collection(s)");
    Ok(ExitCode::SUCCESS)
}

/// An output that would overwrite the schema file or the other output.
fn output_clash(schema: &Path, rust: Option<&Path>, ts: Option<&Path>) -> Option<String> {
    let same = |a: &Path, b: &Path| {
        a == b
            || matches!(
                (std::fs::canonicalize(a), std::fs::canonicalize(b)),
                (Ok(x), Ok(y)) if x == y
            )
    };
    for out in [rust, ts].into_iter().flatten() {
        if same(out, schema) {
            return Some(format!(
                "{} is the schema file: write the outputs somewhere else",
                out.display()
            ));
        }
    }
    match (rust, ts) {
        (Some(r), Some(t)) if same(r, t) => Some(format!(
            "--rust and --ts both name {}: give each output its own file",
            r.display()
        )),
        _ => None,
    }
}
