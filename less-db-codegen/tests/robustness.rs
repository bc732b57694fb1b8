#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Damaged schema files: every prefix of the example, and the example with one of its
//! characters removed, either parse or give a located error (never a panic), and every
//! one that parses generates Rust that parses and TypeScript.

use std::path::Path;

use less_db_codegen::{parse_schema, rust, ts};

fn example() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/schema.json"))
        .unwrap()
}

/// Parses `text`; when it is accepted, both generators must succeed.
fn check(text: &str) -> bool {
    match parse_schema("damaged.json", text) {
        Ok(file) => {
            if let Err(e) = rust::generate(&file, "damaged.json") {
                panic!("accepted file gives bad Rust: {e}\n{text}");
            }
            assert!(!ts::generate(&file, "damaged.json").is_empty());
            true
        }
        Err(e) => {
            assert_eq!(e.location.file, "damaged.json");
            assert!(e.location.path.starts_with('$'), "{e}");
            assert!(!e.to_string().is_empty());
            false
        }
    }
}

#[test]
fn every_prefix_is_rejected_cleanly() {
    let text = example();
    let mut accepted = 0;
    let end = text.trim_end().len();
    for (i, _) in text.char_indices().take_while(|(i, _)| *i < end) {
        accepted += usize::from(check(&text[..i]));
    }
    assert_eq!(accepted, 0, "a truncated file was accepted");
    assert!(check(&text));
}

#[test]
fn every_single_character_deletion_is_handled() {
    let text = example();
    let mut accepted = 0;
    // Removing whitespace changes nothing, and removing any letter of a name tests what
    // removing its first one does, so the other characters and first letters are tried.
    let mut prev = ' ';
    let candidates: Vec<(usize, char)> = text
        .char_indices()
        .filter(|&(_, c)| {
            let run = c.is_ascii_alphanumeric() && prev.is_ascii_alphanumeric();
            prev = c;
            !c.is_whitespace() && !run
        })
        .collect();
    for (i, c) in candidates {
        let damaged = format!("{}{}", &text[..i], &text[i + c.len_utf8()..]);
        accepted += usize::from(check(&damaged));
    }
    // Shortened names and numbers still parse and still generate.
    assert!(accepted > 20, "only {accepted} variants were accepted");
}
