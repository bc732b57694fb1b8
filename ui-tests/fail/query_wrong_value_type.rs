use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
struct User {
    #[key]
    id: String,
    age: Option<u32>,
}

fn main() {
    let _adults = User::fields().age.gt("18");
}
