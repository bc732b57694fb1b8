use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
struct UserProfile {
    #[key]
    id: String,
}

fn main() {}
