use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "posts")]
#[index(tags)]
struct Post {
    #[key]
    id: String,
    tags: Vec<String>,
}

fn main() {}
