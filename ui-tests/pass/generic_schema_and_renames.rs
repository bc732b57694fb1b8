//! Generic nested types, rename rules and skipped fields.
use less_db::Schema;
use less_db::schema::node::t;
use serde::Serialize;

#[derive(Schema, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Page<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
    #[serde(skip_serializing)]
    scratch: u8,
}

#[derive(Schema, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Status {
    InReview,
    #[serde(rename = "done")]
    Finished,
}

fn main() {
    assert_eq!(
        Page::<Status>::schema(),
        t::object([
            ("ITEMS", t::array(t::union([t::literal("in-review"), t::literal("done")]))),
            ("NEXT_CURSOR", t::optional(t::string())),
        ])
    );
}
