//! Turning command-line arguments into deal inputs: files, folders (recursively, `*.json`,
//! sorted), `-` for standard input, and with `--jsonl` one deal per line. Inputs are read
//! lazily, so a stream of any length is screened in constant memory.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One deal input: where it came from and its bytes, or why it could not be read.
pub struct Input {
    /// `path`, `path:line` for JSON Lines, or `<stdin>`.
    pub label: String,
    /// The deal's JSON text.
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
        } else if p.extension().is_some_and(|e| e == "json" || e == "jsonl") {
            out.push(p);
        }
    }
    Ok(())
}

enum Source {
    File(PathBuf),
    Stdin,
    Failed(String, String),
}

/// The deals named by the arguments, in order, read one at a time.
pub struct Inputs {
    sources: VecDeque<Source>,
    jsonl: bool,
    lines: Option<(String, Box<dyn BufRead + Send>, usize)>,
}

impl Inputs {
    /// `args`: files, folders or `-`; `jsonl`: every source holds one deal per line.
    pub fn new(args: &[String], jsonl: bool) -> Inputs {
        let mut sources = VecDeque::new();
        for arg in args {
            if arg == "-" {
                sources.push_back(Source::Stdin);
                continue;
            }
            let path = PathBuf::from(arg);
            if path.is_dir() {
                let mut files = Vec::new();
                match collect_dir(&path, &mut files) {
                    Ok(()) => sources.extend(
                        files
                            .into_iter()
                            .filter(|f| jsonl || f.extension().is_some_and(|e| e == "json"))
                            .map(Source::File),
                    ),
                    Err(e) => sources.push_back(Source::Failed(
                        arg.clone(),
                        format!("cannot read folder `{arg}`: {e}"),
                    )),
                }
            } else {
                sources.push_back(Source::File(path));
            }
        }
        Inputs {
            sources,
            jsonl,
            lines: None,
        }
    }

    /// True when the arguments may name more than one deal.
    pub fn many(args: &[String], jsonl: bool) -> bool {
        jsonl || args.len() != 1 || args.iter().any(|a| Path::new(a).is_dir())
    }
}

impl Iterator for Inputs {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        loop {
            if let Some((label, reader, n)) = self.lines.as_mut() {
                let mut line = Vec::new();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) => self.lines = None,
                    Ok(_) => {
                        *n += 1;
                        if line.iter().all(u8::is_ascii_whitespace) {
                            continue;
                        }
                        return Some(Input {
                            label: format!("{label}:{n}"),
                            bytes: Ok(line),
                        });
                    }
                    Err(e) => {
                        let label = format!("{label}:{}", *n + 1);
                        self.lines = None;
                        return Some(Input {
                            label,
                            bytes: Err(format!("cannot read: {e}")),
                        });
                    }
                }
                continue;
            }
            let source = self.sources.pop_front()?;
            let (label, reader): (String, Box<dyn Read + Send>) = match source {
                Source::Failed(label, why) => {
                    return Some(Input {
                        label,
                        bytes: Err(why),
                    });
                }
                Source::Stdin => ("<stdin>".to_string(), Box::new(std::io::stdin())),
                Source::File(path) => {
                    let label = path.display().to_string();
                    match std::fs::File::open(&path) {
                        Ok(f) => (label, Box::new(f)),
                        Err(e) => {
                            return Some(Input {
                                bytes: Err(format!("cannot read `{label}`: {e}")),
                                label,
                            });
                        }
                    }
                }
            };
            if self.jsonl {
                self.lines = Some((label, Box::new(BufReader::new(reader)), 0));
                continue;
            }
            let mut buf = Vec::new();
            let mut reader = reader;
            let bytes = reader
                .read_to_end(&mut buf)
                .map(|_| buf)
                .map_err(|e| format!("cannot read `{label}`: {e}"));
            return Some(Input { label, bytes });
        }
    }
}
