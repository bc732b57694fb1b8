use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
#[index(emial, unique)]
struct User {
    #[key]
    id: String,
    email: String,
}

fn main() {}
