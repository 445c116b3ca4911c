//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dealscreen::{ParsedDeal, Report, RuleSet, ScreenOptions};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped pack, loaded once per test binary.
pub fn shipped() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let set = RuleSet::load(&dealscreen::pack::embedded_files()).expect("shipped pack loads");
        assert!(set.problems().is_empty(), "{:?}", set.problems());
        set
    })
}

pub fn parse(path: &Path) -> ParsedDeal {
    let bytes = std::fs::read(path).unwrap();
    ParsedDeal::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn screen(path: &Path) -> Report {
    shipped()
        .screen(&parse(path), &ScreenOptions::default())
        .unwrap()
}

pub fn fixture_deals() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/deals"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

pub fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Runs the built binary.
pub fn cli(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_dealscreen"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A rule that never ends: screening it hits the sandbox's operations limit (`error`).
pub const SPIN_RULE: &str = "const RULE = #{ id: \"xx.test.spin\", title: \"spin\", regime: \"T\", severity: \"low\", citations: [\"c\"], version: \"1\" };\nfn evaluate() { loop {} }\n";

/// A rule pack written to a fresh temporary folder named after `name`: each file by its
/// path in the pack. The caller removes it.
pub fn temp_pack(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dealscreen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}
