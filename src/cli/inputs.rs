//! Turning command-line arguments into deal inputs: files, folders (recursively, `*.json`,
//! sorted), or `-` for standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

/// One deal input: where it came from and its bytes, or why it could not be read.
pub struct Input {
    pub label: String,
    pub bytes: Result<Vec<u8>, String>,
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_dir(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    Ok(())
}

/// Expands the arguments, in order; folders contribute their `*.json` files sorted by path.
pub fn expand(args: &[String]) -> Vec<Input> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == "-" {
            let mut buf = Vec::new();
            let bytes = std::io::stdin()
                .read_to_end(&mut buf)
                .map(|_| buf)
                .map_err(|e| format!("cannot read standard input: {e}"));
            inputs.push(Input {
                label: "<stdin>".into(),
                bytes,
            });
            continue;
        }
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let mut files = Vec::new();
            match collect_dir(&path, &mut files) {
                Ok(()) => {
                    for f in files {
                        let bytes = std::fs::read(&f)
                            .map_err(|e| format!("cannot read `{}`: {e}", f.display()));
                        inputs.push(Input {
                            label: f.display().to_string(),
                            bytes,
                        });
                    }
                }
                Err(e) => inputs.push(Input {
                    label: arg.clone(),
                    bytes: Err(format!("cannot read folder `{arg}`: {e}")),
                }),
            }
        } else {
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read `{arg}`: {e}"));
            inputs.push(Input {
                label: arg.clone(),
                bytes,
            });
        }
    }
    inputs
}
