//! The pending-patch log: the local patches of a record that the server has not
//! acknowledged yet, stored as one byte string next to the record.
//!
//! Layout: zero or more entries, each a 4-byte big-endian length followed by that many
//! bytes of one patch in json-joy's binary patch format (JS `patch.toBinary()`). The
//! empty byte string is the empty log, so appending is a plain concatenation and never
//! re-encodes old entries.

use json_joy::json_crdt_patch::Patch;

use super::CrdtError;

/// The log with no patches.
pub const EMPTY_PATCH_LOG: &[u8] = &[];

/// Bytes of the length prefix in front of every entry.
const LEN_PREFIX: usize = 4;

/// Encodes `patches` as a log.
pub fn serialize_patches(patches: &[Patch]) -> Vec<u8> {
    let mut out = Vec::new();
    for patch in patches {
        push_entry(&mut out, &patch.to_binary());
    }
    out
}

/// Decodes a log. Truncated entries, length prefixes pointing past the end and patches
/// that do not decode are errors; nothing is allocated from an untrusted length.
pub fn deserialize_patches(bytes: &[u8]) -> Result<Vec<Patch>, CrdtError> {
    let mut patches = Vec::new();
    for entry in entries(bytes) {
        let entry = entry?;
        let patch = Patch::from_binary(entry)
            .map_err(|e| CrdtError::PatchLog(format!("patch {}: {e}", patches.len())))?;
        patches.push(patch);
    }
    Ok(patches)
}

/// Number of patches in a log, without decoding them.
pub fn patch_count(bytes: &[u8]) -> Result<usize, CrdtError> {
    entries(bytes).try_fold(0usize, |n, entry| entry.map(|_| n + 1))
}

/// A new log: `existing` followed by `patch`. `existing` is copied, never re-encoded.
pub fn append_patch(existing: &[u8], patch: &Patch) -> Vec<u8> {
    let encoded = patch.to_binary();
    let mut out = Vec::with_capacity(existing.len() + LEN_PREFIX + encoded.len());
    out.extend_from_slice(existing);
    push_entry(&mut out, &encoded);
    out
}

fn push_entry(out: &mut Vec<u8>, encoded: &[u8]) {
    // A single patch above 4 GiB cannot exist: records are capped far below that.
    let len = u32::try_from(encoded.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(encoded);
}

/// Iterates the raw entries of a log, checking every length prefix against what is left.
fn entries(bytes: &[u8]) -> impl Iterator<Item = Result<&[u8], CrdtError>> {
    let mut rest = bytes;
    let mut failed = false;
    std::iter::from_fn(move || {
        if rest.is_empty() || failed {
            return None;
        }
        let Some((prefix, tail)) = rest.split_first_chunk::<LEN_PREFIX>() else {
            failed = true;
            return Some(Err(CrdtError::PatchLog(format!(
                "truncated length prefix ({} trailing bytes)",
                rest.len()
            ))));
        };
        let len = u32::from_be_bytes(*prefix) as usize;
        if len > tail.len() {
            failed = true;
            return Some(Err(CrdtError::PatchLog(format!(
                "entry of {len} bytes but only {} remain",
                tail.len()
            ))));
        }
        let (entry, next) = tail.split_at(len);
        rest = next;
        Some(Ok(entry))
    })
}
