use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users", version = 0)]
struct User {
    #[key]
    id: String,
}

fn main() {}
