//! The JS root-document fixtures (`tests/fixtures/root_docs.json`, written by
//! `node tools/interop/gen-fixtures.mjs`) and the base64 their byte strings use.

use serde_json::Value;

pub fn b64(s: &str) -> Vec<u8> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = T.iter().position(|&t| t == c).expect("base64 char") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

pub fn load_docs() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/root_docs.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["docs"].as_array().unwrap().clone()
}
