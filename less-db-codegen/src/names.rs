//! Name rules shared by the parser and the generators: what is a safe stored name, a
//! usable type name, and how stored names become Rust identifiers.

/// Safe as a collection, field or index name (the engine interpolates these into SQL):
/// an ASCII letter or `_`, then ASCII letters, digits or `_`, at most 64 characters.
pub fn is_safe_name(name: &str) -> bool {
    less_db::collection::builder::is_safe_name(name)
}

/// Rust keywords (strict and reserved, 2024 edition).
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Names the generated code (Rust or TypeScript) relies on, so a schema type may not
/// take them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Arc",
    "Array",
    "BTreeMap",
    "Boolean",
    "Box",
    "Bytes",
    "Collection",
    "CollectionName",
    "Date",
    "DateTime",
    "HashMap",
    "Map",
    "Number",
    "Object",
    "Option",
    "Partial",
    "Promise",
    "Record",
    "Result",
    "Schema",
    "Set",
    "String",
    "Symbol",
    "Uint8Array",
    "Utc",
    "Value",
    "Vec",
];

pub fn is_rust_keyword(name: &str) -> bool {
    RUST_KEYWORDS.contains(&name)
}

/// Why `name` cannot be a generated type name, or `None` when it can.
pub fn type_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let starts_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    if !starts_upper || !chars.all(|c| c.is_ascii_alphanumeric()) || name.len() > 64 {
        return Some(format!(
            "type name {name:?} must start with an ASCII capital letter and use only ASCII \
             letters and digits (at most 64), like \"Address\""
        ));
    }
    if RESERVED_TYPE_NAMES.contains(&name) || is_rust_keyword(name) {
        return Some(format!(
            "type name {name:?} is a name the generated Rust or TypeScript already uses: \
             pick another, like \"My{name}\""
        ));
    }
    None
}

/// Why a stored field name cannot be used, or `None` when it can.
pub fn field_name_problem(name: &str) -> Option<String> {
    if !is_safe_name(name) {
        return Some(format!(
            "field name {name:?} is not safe: use ASCII letters, digits and _, starting with a \
             letter or _, at most 64 characters (stored names are used in SQL)"
        ));
    }
    let ident = rust_field_ident(name);
    if NOT_RAW.contains(&ident.as_str()) || ident.is_empty() {
        return Some(format!(
            "field name {name:?} becomes the Rust field `{ident}`, which Rust cannot use even \
             as a raw identifier: rename it"
        ));
    }
    None
}

/// Splits `name` into lower-case words at `_` and at lower-to-upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower_or_digit = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower_or_digit = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower_or_digit && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `firstName` -> `first_name`; keeps a leading `_`.
pub fn snake_case(name: &str) -> String {
    let joined = words(name).join("_");
    if name.starts_with('_') {
        format!("_{joined}")
    } else {
        joined
    }
}

/// `user_profiles` -> `UserProfiles`, `zip-code` -> `ZipCode`.
pub fn pascal_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + cs.as_str()
            })
        })
        .collect()
}

/// The Rust field name of a stored field name (without the `r#` of keywords).
pub fn rust_field_ident(stored: &str) -> String {
    snake_case(stored)
}

/// An enum variant name for a string literal, when the literal has letters to use.
pub fn variant_name(literal: &str) -> Option<String> {
    let name = pascal_case(literal);
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !is_rust_keyword(&name)
        && name != "Self";
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_convert_between_js_and_rust_names() {
        assert_eq!(snake_case("firstName"), "first_name");
        assert_eq!(snake_case("zip_code"), "zip_code");
        assert_eq!(snake_case("_private"), "_private");
        assert_eq!(snake_case("createdAt"), "created_at");
        assert_eq!(pascal_case("user_profiles"), "UserProfiles");
        assert_eq!(pascal_case("power-user"), "PowerUser");
        assert_eq!(pascal_case("lastName"), "LastName");
        assert_eq!(variant_name("power_user").as_deref(), Some("PowerUser"));
        assert_eq!(variant_name("42"), None);
    }

    #[test]
    fn bad_names_are_explained() {
        assert!(type_name_problem("Address").is_none());
        assert!(type_name_problem("address").is_some());
        assert!(type_name_problem("Vec").is_some());
        assert!(
            type_name_problem("CollectionName").is_some(),
            "the TS module declares it"
        );
        assert!(field_name_problem("first-name").is_some());
        assert!(field_name_problem("self").is_some());
        assert!(field_name_problem("type").is_none());
    }
}
