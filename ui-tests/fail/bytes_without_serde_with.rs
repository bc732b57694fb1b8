use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "files")]
struct File {
    #[key]
    id: String,
    #[bytes]
    content: Vec<u8>,
}

fn main() {}
