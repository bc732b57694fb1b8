use less_db::Collection;
use serde::{Deserialize, Serialize};

#[derive(Collection, Serialize, Deserialize)]
#[collection(name = "hosts")]
struct Host {
    #[key]
    id: String,
    ip: std::net::IpAddr,
}

fn main() {}
