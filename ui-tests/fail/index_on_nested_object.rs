use less_db::{Collection, Schema};
use serde::{Deserialize, Serialize};

#[derive(Schema, Serialize, Deserialize)]
struct Address {
    city: String,
}

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
#[index(address)]
struct User {
    #[key]
    id: String,
    address: Address,
}

fn main() {}
