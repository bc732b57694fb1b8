//! `Patch::from_binary` on arbitrary bytes: an error or a patch, never a panic, an
//! abort or a huge allocation. A patch that decodes must re-encode to bytes that decode
//! to the same encoding, and apply to an empty model without panicking.
#![no_main]

use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::Patch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(patch) = Patch::from_binary(data) else {
        return;
    };
    let bytes = patch.to_binary();
    let again = Patch::from_binary(&bytes).map(|p| p.to_binary());
    assert_eq!(
        again.as_ref(),
        Ok(&bytes),
        "re-encoded patch does not decode the same"
    );
    let mut model = Model::create(0x1_0000);
    model.apply_patch(&patch);
    let _ = model.view();
});
