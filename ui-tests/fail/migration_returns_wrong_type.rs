use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users", version = 1)]
struct UserV1 {
    #[key]
    id: String,
    name: String,
}

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users", version = 2, migrate_from = UserV1, migrate = upgrade)]
struct User {
    #[key]
    id: String,
    full_name: String,
}

fn upgrade(old: UserV1) -> String {
    old.name
}

fn main() {}
