use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "notes")]
struct Note {
    #[key]
    id: String,
    #[text]
    words: u32,
}

fn main() {}
