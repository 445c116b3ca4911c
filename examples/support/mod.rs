//! What the measuring examples share: the fixture deals they screen or send.

use std::path::PathBuf;

/// The `fixtures/deals/*.json` files, sorted, so every run measures the same order.
pub fn fixture_deal_paths() -> std::io::Result<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deals");
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}
