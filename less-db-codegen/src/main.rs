//! The `less-codegen` command line.

fn main() {
    std::process::exit(2);
}
