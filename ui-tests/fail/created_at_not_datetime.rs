use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "notes")]
struct Note {
    #[key]
    id: String,
    #[created_at]
    #[serde(rename = "createdAt")]
    created: String,
}

fn main() {}
