//! Compile-time checks of the derive macros: every case in ui-tests/fail must fail with
//! its committed .stderr, every case in ui-tests/pass must build and run.

#[test]
fn derive_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui-tests/pass/*.rs");
    cases.compile_fail("ui-tests/fail/*.rs");
}
