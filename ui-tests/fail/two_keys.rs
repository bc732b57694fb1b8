use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
struct User {
    #[key]
    id: String,
    #[key]
    #[serde(rename = "id")]
    other_id: String,
}

fn main() {}
