//! Writing the generated files all or nothing, and telling which ones are stale.

use std::path::{Path, PathBuf};

use crate::error::CodegenError;

/// One file to produce and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub contents: String,
}

/// What happened to one output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    Written,
    Unchanged,
}

/// Writes every output whose contents differ: each goes to a temporary file beside
/// its target first, and the targets are replaced only once every temporary file is
/// complete. On failure the temporary files are removed and no target has changed
/// (unless a rename itself fails half-way).
pub fn write_all(outputs: &[Output]) -> Result<Vec<WriteStatus>, CodegenError> {
    let mut pending: Vec<(PathBuf, &Path)> = Vec::new();
    let mut statuses = Vec::new();
    for out in outputs {
        if read_existing(&out.path)?.as_deref() == Some(out.contents.as_str()) {
            statuses.push(WriteStatus::Unchanged);
            continue;
        }
        let tmp = temp_path(&out.path);
        if let Err(source) = std::fs::write(&tmp, &out.contents) {
            let _ = std::fs::remove_file(&tmp);
            cleanup(&pending);
            return Err(CodegenError::Write {
                path: out.path.clone(),
                source,
            });
        }
        pending.push((tmp, &out.path));
        statuses.push(WriteStatus::Written);
    }
    for (i, (tmp, target)) in pending.iter().enumerate() {
        if let Err(source) = std::fs::rename(tmp, target) {
            cleanup(&pending[i..]);
            return Err(CodegenError::Write {
                path: target.to_path_buf(),
                source,
            });
        }
    }
    Ok(statuses)
}

fn cleanup(pending: &[(PathBuf, &Path)]) {
    for (tmp, _) in pending {
        let _ = std::fs::remove_file(tmp);
    }
}

/// `dir/.name.less-codegen.tmp`: same directory, so the rename stays on one file system.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.less-codegen.tmp"))
}

fn read_existing(path: &Path) -> Result<Option<String>, CodegenError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CodegenError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The outputs whose file is missing or differs from what would be generated.
pub fn stale(outputs: &[Output]) -> Result<Vec<&Output>, CodegenError> {
    let mut out = Vec::new();
    for o in outputs {
        if read_existing(&o.path)?.as_deref() != Some(o.contents.as_str()) {
            out.push(o);
        }
    }
    Ok(out)
}
