use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users", version = 1)]
struct UserV1 {
    #[key]
    id: String,
}

// Version 3 must migrate from the version 2 struct, not from version 1.
#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users", version = 3, migrate_from = UserV1, migrate = upgrade)]
struct User {
    #[key]
    id: String,
}

fn upgrade(old: UserV1) -> User {
    User { id: old.id }
}

fn main() {}
