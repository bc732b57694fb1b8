//! Cross-crate examples, scenario tests and trybuild cases live in this package.
