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

// The migration takes the previous struct by value: fn(UserV1) -> User.
fn upgrade(old: &UserV1) -> User {
    User {
        id: old.id.clone(),
        full_name: old.name.clone(),
    }
}

fn main() {}
