use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
struct User {
    #[key]
    id: String,
    nickname: Option<String>,
}

fn main() {
    // An optional field is set to an Option.
    let _patch = [User::fields().nickname.set(String::from("ada"))];
}
