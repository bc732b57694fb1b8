//! A run of arbitrary patches applied to a model holding every node kind: applying,
//! viewing, encoding and decoding the result never panic, abort or allocate by an
//! untrusted size. The input is a sequence of patches, each prefixed by a 2-byte
//! big-endian length; bytes that do not decode as a patch are skipped.
#![no_main]

use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::Patch;
use libfuzzer_sys::fuzz_target;

fn base() -> Model {
    let mut model = Model::create(0x1_0000);
    model.set_root(&serde_json::json!({
        "s": "héllo 😀 world",
        "a": [1, "two", {"x": null}, [true, false]],
        "o": {"k": 1.5, "n": {"deep": ["z"]}},
        "c": 42,
    }));
    model
}

fuzz_target!(|data: &[u8]| {
    let mut model = base();
    let mut rest = data;
    while let [hi, lo, tail @ ..] = rest {
        let len = usize::from(u16::from_be_bytes([*hi, *lo])).min(tail.len());
        let (chunk, next) = tail.split_at(len);
        rest = next;
        if let Ok(patch) = Patch::from_binary(chunk) {
            model.apply_patch(&patch);
            let _ = model.view();
        }
    }
    let bytes = model.to_binary();
    if let Ok(again) = Model::from_binary(&bytes) {
        let _ = again.view();
    }
});
