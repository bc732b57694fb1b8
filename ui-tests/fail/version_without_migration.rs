use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users", version = 2)]
struct User {
    #[key]
    id: String,
    email: String,
}

fn main() {}
