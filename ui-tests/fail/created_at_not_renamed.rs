use chrono::{DateTime, Utc};
use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
struct User {
    #[key]
    id: String,
    #[created_at]
    created_at: DateTime<Utc>,
}

fn main() {}
