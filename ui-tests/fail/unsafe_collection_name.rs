use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "user-profiles")]
struct Profile {
    #[key]
    id: String,
}

fn main() {}
