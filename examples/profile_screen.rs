//! Screens the fixture set many times, for profilers: `cargo run --release --example
//! profile_screen -- 200`.

use std::path::PathBuf;

use dealscreen::{ParsedDeal, RuleSet, ScreenOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let rules = RuleSet::load(&dealscreen::pack::embedded_files())?;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deals");
    let mut deals = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            deals.push(ParsedDeal::from_slice(&std::fs::read(path)?)?);
        }
    }
    let options = ScreenOptions::default();
    let mut findings = 0;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for d in &deals {
            findings += rules.screen(d, &options)?.findings.len();
        }
    }
    let n = rounds * deals.len();
    let elapsed = start.elapsed();
    println!(
        "{n} screenings, {findings} findings, {:.1} µs per deal",
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
    Ok(())
}
