#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `Model::from_binary` on hostile input: truncations, bit flips, random bytes, huge
//! length prefixes and deep nesting return errors (or a model), never panic.

mod common;

use common::root_docs::{b64, load_docs};
use json_joy::json_crdt::{DecodeError, Model};
use json_joy::json_crdt_patch::Patch;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn fixture_models() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/edit_traces.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut out: Vec<Vec<u8>> = v["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| hex(t["replicas"][0]["model"].as_str().unwrap()))
        .collect();
    out.extend(
        v["server"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| hex(d["model"].as_str().unwrap())),
    );
    out
}

/// Decoding must not panic; a successful decode must also encode and view.
fn probe(bytes: &[u8]) -> bool {
    match Model::from_binary(bytes) {
        Ok(m) => {
            let _ = m.view();
            let _ = m.to_binary();
            true
        }
        Err(_) => false,
    }
}

#[test]
fn mutated_truncated_and_random_inputs_never_panic() {
    let models = fixture_models();
    let mut rng = StdRng::seed_from_u64(7);
    let mut count = 0;
    let mut errors = 0;
    for m in &models {
        // Every truncation of the first model of each trace.
        for cut in (0..m.len()).step_by((m.len() / 40).max(1)) {
            errors += usize::from(!probe(&m[..cut]));
            count += 1;
        }
    }
    for _ in 0..8000 {
        let mut b = models[rng.random_range(0..models.len())].clone();
        match rng.random_range(0..4) {
            0 => {
                let i = rng.random_range(0..b.len());
                b[i] ^= 1 << rng.random_range(0..8);
            }
            1 => {
                for _ in 0..rng.random_range(1..6) {
                    let i = rng.random_range(0..b.len());
                    b[i] = rng.random();
                }
            }
            2 => {
                let i = rng.random_range(0..b.len());
                b.insert(i, rng.random());
            }
            _ => {
                let i = rng.random_range(0..b.len());
                let j = rng.random_range(i..b.len());
                b.drain(i..j);
            }
        }
        errors += usize::from(!probe(&b));
        count += 1;
    }
    for _ in 0..2000 {
        let len = rng.random_range(0..64);
        let b: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        errors += usize::from(!probe(&b));
        count += 1;
    }
    assert!(count >= 10_000, "{count}");
    assert!(
        errors > count / 4,
        "most hostile inputs should be rejected: {errors}/{count}"
    );
}

#[test]
fn huge_length_prefixes_are_errors_without_huge_allocations() {
    // Server clock, then an arr node claiming 2^50 chunks / a bin chunk of 2^50 bytes.
    let mut arr = vec![0x80, 0x05, 0x01, 0xdf];
    arr.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert!(Model::from_binary(&arr).is_err());
    let bin = vec![
        0x80, 0x05, 0x01, 0xa1, 0x02, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x0f,
    ];
    assert!(Model::from_binary(&bin).is_err());
    // Logical clock with a clock-table offset far past the end.
    assert!(Model::from_binary(&[0xff, 0xff, 0xff, 0xff, 0x00]).is_err());
    // A CBOR array header claiming 2^32 items inside a con node.
    let con = vec![0x80, 0x05, 0x01, 0x00, 0x9a, 0xff, 0xff, 0xff, 0xff];
    assert!(Model::from_binary(&con).is_err());
    assert!(Model::from_binary(&[]).is_err());
}

#[test]
fn nesting_is_bounded_but_depth_64_works() {
    // Server clock: nested `val` nodes ending in a con `null`.
    let nested = |depth: usize| {
        let vu57 = |b: &mut Vec<u8>, mut n: u64| {
            while n > 0x7f {
                b.push(0x80 | (n & 0x7f) as u8);
                n >>= 7;
            }
            b.push(n as u8);
        };
        let mut b = vec![0x80];
        vu57(&mut b, depth as u64 + 10);
        for i in 0..depth {
            vu57(&mut b, i as u64 + 1);
            b.push(0x20);
        }
        vu57(&mut b, depth as u64 + 1);
        b.extend_from_slice(&[0x00, 0xf6]);
        b
    };
    let m = Model::from_binary(&nested(64)).unwrap();
    assert_eq!(m.view(), Value::Null);
    assert!(Model::from_binary(&nested(250)).is_ok());
    assert!(Model::from_binary(&nested(100_000)).is_err());
}

#[test]
fn dangling_session_index_is_an_error() {
    // Logical clock: root id names clock-table entry 5 of a 1-entry table.
    let mut b = vec![0, 0, 0, 3, 0x50, 0x00, 0xf6];
    b.extend_from_slice(&[0x01, 0x80, 0x80, 0x04, 0x05]);
    assert!(Model::from_binary(&b).is_err());
}

/// JS `set_root` models of every fixture document, logical and server clock.
fn root_doc_models() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for d in load_docs() {
        out.push(b64(d["model"].as_str().unwrap()));
        if let Some(server) = d["server"]["model"].as_str() {
            out.push(b64(server));
        }
    }
    out
}

#[test]
fn every_prefix_of_small_js_models_is_an_error() {
    let mut count = 0;
    for m in root_doc_models().iter().filter(|m| m.len() <= 400) {
        for cut in 0..m.len() {
            assert!(
                !probe(&m[..cut]),
                "prefix {cut} of a {}-byte model decoded",
                m.len()
            );
            count += 1;
        }
    }
    assert!(count >= 5_000, "{count}");
}

#[test]
fn mutated_js_root_models_and_swapped_formats_never_panic() {
    let models = root_doc_models();
    let mut rng = StdRng::seed_from_u64(11);
    let mut decoded = 0;
    let rounds = 4000;
    for _ in 0..rounds {
        let mut b = models[rng.random_range(0..models.len())].clone();
        for _ in 0..rng.random_range(1..4) {
            let i = rng.random_range(0..b.len());
            b[i] = rng.random();
        }
        decoded += usize::from(probe(&b));
    }
    assert!(decoded < rounds, "some mutations must be rejected");
    // Patch bytes fed to the model decoder and model bytes to the patch decoder.
    for d in load_docs() {
        let patch = b64(d["patch"].as_str().unwrap());
        let model = b64(d["model"].as_str().unwrap());
        probe(&patch);
        let _ = Patch::from_binary(&model);
    }
}

#[test]
fn gigabyte_length_prefixes_in_every_node_kind_are_errors() {
    // Server clock (0x80, time 5), then node id 1 and a type/length byte with the
    // "length follows" minor (31) and a vu57 of 2^57 - 1.
    let huge = [0xff; 8];
    for kind in [0x5f_u8, 0x7f, 0x9f, 0xbf, 0xdf] {
        let mut b = vec![0x80, 0x05, 0x01, kind];
        b.extend_from_slice(&huge);
        b.extend_from_slice(&[0x02, 0x02]);
        assert!(Model::from_binary(&b).is_err(), "node kind {kind:#x}");
    }
    // A str chunk whose CBOR text header claims 2^64 - 1 bytes.
    let mut b = vec![0x80, 0x05, 0x01, 0x81, 0x02, 0x7b];
    b.extend_from_slice(&[0xff; 8]);
    b.push(b'a');
    assert!(Model::from_binary(&b).is_err());
    // A bin chunk of 2^55 bytes.
    let b = [
        0x80, 0x05, 0x01, 0xa1, 0x02, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f,
    ];
    assert!(Model::from_binary(&b).is_err());
    // An arr chunk claiming 2^40 elements, with two present.
    let b = [
        0x80, 0x05, 0x01, 0xc1, 0x02, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x01, 0x03, 0x00, 0xf6,
    ];
    assert!(Model::from_binary(&b).is_err());
    // Logical clock: a clock table claiming 2^57 - 1 sessions.
    let mut b = vec![0x00, 0x00, 0x00, 0x00];
    b.extend_from_slice(&huge);
    b.extend_from_slice(&[0x01, 0x01]);
    assert!(Model::from_binary(&b).is_err());
    // Logical clock: a clock-table offset of 4 GiB.
    assert_eq!(
        Model::from_binary(&[0xff, 0xff, 0xff, 0xff, 0x01, 0x01, 0x01]).map(|_| ()),
        Err(DecodeError::Truncated)
    );
}

/// Found by `cargo fuzz run model_from_binary`: a server-clock node at time 0 (spelt
/// with a non-canonical varint) as the root or in a vec slot encodes as the
/// empty-document or empty-slot byte, so it is refused.
#[test]
fn server_nodes_at_time_zero_where_zero_means_empty_are_refused() {
    for h in [
        "c400800000002e00000a2e",
        "a5310a6262628000000200000300629d9d",
    ] {
        assert!(
            matches!(
                Model::from_binary(&common::hex(h)),
                Err(DecodeError::ServerTimeZero)
            ),
            "{h}"
        );
    }
}

/// Found by `cargo fuzz run model_from_binary`: a timestamp of session 0 (a `con`
/// reference) later than the time the encoder would give session 0 cannot be written
/// back, so it is out of range.
#[test]
fn session_zero_times_beyond_the_clock_are_refused() {
    let bytes = common::hex(
        "0000000010010841a2010101000000003b3a261959595959010000000000cececececece001159592d3137595959595959e29b1c2c430359010760203b3a00",
    );
    assert!(matches!(
        Model::from_binary(&bytes),
        Err(DecodeError::TimeRange)
    ));
}

/// Found by `cargo fuzz run model_from_binary`: nodes of session 0 other than JS's
/// shared `undefined` constant (0, 0) are refused.
#[test]
fn session_zero_nodes_are_refused() {
    let bytes = common::hex(
        "0000000010633d2d36001928283a082a19250600000000000000182cb300000000070000100000efefefefef7e00008ca22d32ef",
    );
    assert!(matches!(
        Model::from_binary(&bytes),
        Err(DecodeError::UnknownSession)
    ));
}
