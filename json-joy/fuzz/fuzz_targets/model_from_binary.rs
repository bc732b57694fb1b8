//! `Model::from_binary` on arbitrary bytes: an error or a model, never a panic, an
//! abort or a huge allocation. A model that decodes must view, encode, decode again
//! to the same view, and accept a patch from a new session.
#![no_main]

use json_joy::json_crdt::Model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = Model::from_binary(data) else {
        return;
    };
    let view = model.view();
    let bytes = model.to_binary();
    let again = Model::from_binary(&bytes).map(|m| m.view());
    assert_eq!(again.as_ref(), Ok(&view), "re-encoded model differs");
    if !model.clock().server {
        let mut fork = model.fork(0x1_0000_0001);
        let patch = fork.set_root(&serde_json::json!({"k": [1, "x"]}));
        let mut copy = model.clone();
        copy.apply_patch(&patch);
        let _ = copy.to_binary();
    }
});
