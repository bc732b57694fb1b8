use chrono::{DateTime, Utc};
use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
#[serde(rename_all = "camelCase")]
struct User {
    #[key]
    id: String,
    updated_at: DateTime<Utc>,
}

fn main() {}
