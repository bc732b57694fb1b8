use std::collections::BTreeMap;
use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "users")]
struct User {
    #[key]
    id: String,
    #[serde(flatten)]
    extra: BTreeMap<String, String>,
}

fn main() {}
