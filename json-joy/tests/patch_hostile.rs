//! Hostile input for `Patch::from_binary` and the CBOR decoder: every truncation and
//! many mutations of real JS patches, random bytes and forged huge length prefixes.
//! Every input must come back as `Ok` or `Err`, never a panic or a huge allocation
//! (an allocation sized by a forged 2^57 length would abort the test process).
//! Whatever decodes must re-encode stably and apply to a model without panicking.
//! Seeded, so failures reproduce.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::root_docs::{b64, load_docs};
use json_joy::json_crdt::Model;
use json_joy::json_crdt_patch::{Patch, PatchDecodeError};
use json_joy::json_pack::{PackValue, cbor};

/// xorshift64*: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Small JS patches, logical and server clock (fast to decode many times in debug).
fn sample_patches() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for d in load_docs() {
        out.push(b64(d["patch"].as_str().unwrap()));
        if let Some(server) = d["server"]["patch"].as_str() {
            out.push(b64(server));
        }
    }
    out.retain(|p| p.len() <= 600);
    out
}

/// One random edit: overwrite, flip a bit, insert or delete a byte, or cut the tail.
fn mutate(rng: &mut Rng, p: &[u8]) -> Vec<u8> {
    let mut m = p.to_vec();
    let i = rng.below(m.len());
    match rng.below(5) {
        0 => m[i] = rng.next() as u8,
        1 => m[i] ^= 1 << rng.below(8),
        2 => m.insert(i, rng.next() as u8),
        3 => {
            m.remove(i);
        }
        _ => {
            m[i] = rng.next() as u8;
            m.truncate(rng.below(m.len() + 1));
        }
    }
    m
}

/// Decoding must not panic; a decoded patch re-encodes to bytes that decode to the same
/// encoding, and applies to a model (also one with unrelated content) without panicking.
fn probe(bytes: &[u8], target: &mut Model) -> bool {
    let Ok(decoded) = Patch::from_binary(bytes) else {
        return false;
    };
    let again = decoded.to_binary();
    let redecoded = Patch::from_binary(&again)
        .unwrap_or_else(|e| panic!("{decoded:?} re-encoded to undecodable bytes: {e}"));
    assert_eq!(
        redecoded.to_binary(),
        again,
        "unstable encoding of {decoded:?}"
    );
    target.apply_patch(&decoded);
    let _ = target.view();
    true
}

#[test]
fn truncations_and_mutations_of_js_patches_never_panic() {
    let patches = sample_patches();
    assert!(patches.len() >= 200, "{}", patches.len());
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut inputs = 0usize;
    for p in &patches {
        for cut in 0..p.len() {
            inputs += 1;
            // A proper prefix of a patch is missing at least one op byte.
            assert!(
                Patch::from_binary(&p[..cut]).is_err(),
                "prefix {cut} of {p:?} decoded"
            );
        }
    }
    let mut decoded = 0usize;
    for round in 0..12_000 {
        // A fresh model each time: a forged patch may attach one node under several
        // parents (JS allows it too), and such sharing compounds across patches.
        let mut target = Model::create(0x10_0000 + round);
        let p = &patches[rng.below(patches.len())];
        decoded += usize::from(probe(&mutate(&mut rng, p), &mut target));
        inputs += 1;
    }
    assert!(inputs >= 10_000, "{inputs}");
    // Both outcomes must be exercised, or the mutations are too weak or too strong.
    assert!(decoded > 500 && decoded < 11_500, "{decoded} decoded");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0xdead_beef_0000_0002);
    for round in 0..10_000 {
        let mut target = Model::create(0x20_0000 + round);
        let len = rng.below(48);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Half the time keep a plausible header so the op decoder is reached.
        if len > 6 && rng.below(2) == 0 {
            bytes[..5].copy_from_slice(&[0x80, 0x80, 0x04, 0x01, 0xf7]);
        }
        probe(&bytes, &mut target);
        let _ = cbor::decode(&bytes);
    }
}

#[test]
fn forged_huge_lengths_are_errors_not_allocations() {
    // Header: sid 65536 (vu57), time 1, no meta, one op.
    let header = [0x80, 0x80, 0x04, 0x01, 0xf7, 0x01];
    // 2^57 - 1, the largest vu57.
    let huge_vu57 = [0xff; 8];
    // Every op whose opcode byte can announce a length (ins_obj, ins_vec, ins_str,
    // ins_bin, ins_arr, del, nop): the length claims 2^57 - 1 items.
    for overlay in [0x50u8, 0x58, 0x60, 0x68, 0x70, 0x80, 0x88] {
        let mut b = header.to_vec();
        b.push(overlay);
        b.extend_from_slice(&huge_vu57);
        b.extend_from_slice(&[0x01, 0x01, 0x01]);
        let r = Patch::from_binary(&b);
        let expected = if overlay == 0x88 {
            PatchDecodeError::ClockOverflow
        } else {
            PatchDecodeError::Truncated
        };
        assert_eq!(r, Err(expected), "opcode {overlay:#x}");
    }
    // A gigabyte-sized string with only a few bytes behind it.
    let mut b = header.to_vec();
    b.extend_from_slice(&[0x60, 0x80, 0x80, 0x80, 0x80, 0x04, 0x01, 0x01, b'a']);
    assert_eq!(Patch::from_binary(&b), Err(PatchDecodeError::Truncated));
    // A huge op count.
    let mut b = vec![0x80, 0x80, 0x04, 0x01, 0xf7];
    b.extend_from_slice(&huge_vu57);
    assert_eq!(Patch::from_binary(&b), Err(PatchDecodeError::Truncated));
    // CBOR: huge string, bytes, array and map lengths, in a con op and bare.
    for major in [0x5b, 0x7b, 0x9b, 0xbb] {
        let mut c = vec![major];
        c.extend_from_slice(&[0xff; 8]);
        c.push(0);
        assert!(cbor::decode(&c).is_err(), "{major:#x}");
        let mut b = header.to_vec();
        b.push(0x00);
        b.extend_from_slice(&c);
        assert!(Patch::from_binary(&b).is_err(), "con {major:#x}");
    }
    // Unknown opcodes (7, 8 and 18..=31).
    for op in [7u8, 8].into_iter().chain(18..32) {
        let mut b = header.to_vec();
        b.push(op << 3);
        assert_eq!(
            Patch::from_binary(&b),
            Err(PatchDecodeError::UnknownOpcode(op << 3))
        );
    }
    // A header time at the top of the clock.
    let b = [
        0x80, 0x80, 0x04, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf7, 0x01, 0x08,
    ];
    assert_eq!(Patch::from_binary(&b), Err(PatchDecodeError::ClockOverflow));
}

#[test]
fn zero_length_ops_roundtrip() {
    // JS writes a zero length as `overlay + 0`, which reads back as "length follows";
    // Rust writes `overlay, vu57(0)` so such patches decode again.
    let b = [0x80, 0x80, 0x04, 0x01, 0xf7, 0x02, 0x20, 0x80, 0x00, 0x01];
    let p = Patch::from_binary(&b).unwrap();
    assert_eq!(p.ops.len(), 2);
    assert_eq!(p.to_binary(), b);
    let nop = [0x80, 0x80, 0x04, 0x01, 0xf7, 0x01, 0x88, 0x00];
    assert_eq!(Patch::from_binary(&nop).unwrap().to_binary(), nop);
}

#[test]
fn cbor_mutations_never_panic_and_roundtrip_when_valid() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let samples: Vec<Vec<u8>> = load_docs()
        .iter()
        .take(120)
        .map(|d| {
            let v: serde_json::Value = serde_json::from_str(d["json"].as_str().unwrap()).unwrap();
            cbor::encode(&PackValue::from(&v))
        })
        .filter(|b| b.len() <= 2000)
        .collect();
    for s in &samples {
        assert!(cbor::decode(s).is_ok());
    }
    for _ in 0..10_000 {
        let s = &samples[rng.below(samples.len())];
        let mut m = s.clone();
        let i = rng.below(m.len());
        m[i] = rng.next() as u8;
        let cut = rng.below(m.len() + 1);
        if let Ok(v) = cbor::decode(&m[..cut]) {
            let again = cbor::encode(&v);
            cbor::decode(&again).unwrap();
        }
    }
    // Deep nesting is an error, not a stack overflow.
    let deep = vec![0x81u8; 100_000];
    assert_eq!(cbor::decode(&deep), Err(cbor::CborError::TooDeep));
    let deep_indef = vec![0x9fu8; 100_000];
    assert_eq!(cbor::decode(&deep_indef), Err(cbor::CborError::TooDeep));
}

/// Inputs `cargo fuzz run patch_from_binary` found: a decoded patch must re-encode to
/// bytes that decode to the same patch (an empty `ins_arr` used to gain a padding
/// `nop` per round; a `ins_vec` index of 24 or more was written as a bare byte, which
/// is not a CBOR integer).
#[test]
fn fuzz_findings_reencode_stably() {
    for h in [
        "13131313700000251313131313131300280a0a270a0a0a00000e0000650f650f61ff6190030a",
        "620e0e035e0400a600000000000000000a1900ff01000000000004a900a60a02b3ff",
    ] {
        let p = Patch::from_binary(&common::hex(h)).unwrap();
        let once = p.to_binary();
        let again = Patch::from_binary(&once).unwrap();
        assert_eq!(again.ops, p.ops, "{h}");
        assert_eq!(again.to_binary(), once, "{h}");
    }
}
