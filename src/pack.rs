//! Where rule packs come from: the pack embedded in the binary, or a folder.
//! The engine itself never touches the file system; this module is the one loader that does.

use std::path::Path;

use crate::ruleset::{FileKind, SourceFile};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// The shipped rule pack's files (embedded at build time from `rules/`).
pub fn embedded_files() -> Vec<SourceFile> {
    embedded::FILES
        .iter()
        .map(|(path, text)| SourceFile {
            path: (*path).to_string(),
            text: (*text).to_string(),
        })
        .collect()
}

/// A folder could not be read as a rule pack.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PackReadError {
    /// The folder or a file in it could not be read.
    #[error("cannot read `{path}`: {source}")]
    #[diagnostic(help("pass the folder that holds the rule pack (the one with `us/`, `eu/`, …)"))]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Reads every file of a rule pack folder, recursively, with pack-relative `/` paths.
pub fn read_dir(root: &Path) -> Result<Vec<SourceFile>, PackReadError> {
    let mut out = Vec::new();
    walk(root, root, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<SourceFile>) -> Result<(), PackReadError> {
    let io = |path: &Path, source| PackReadError::Io {
        path: path.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.is_dir() {
            walk(&path, root, out)?;
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if FileKind::of(&rel) == FileKind::Other && !rel.ends_with(".md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        out.push(SourceFile { path: rel, text });
    }
    Ok(())
}
