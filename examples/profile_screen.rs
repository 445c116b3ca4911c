//! Screens the fixture set many times, for profilers: `cargo run --release --example
//! profile_screen -- 200`.

mod support;

use dealscreen::{ParsedDeal, RuleSet, ScreenOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let rules = RuleSet::load(&dealscreen::pack::embedded_files())?;
    let mut deals = Vec::new();
    for path in support::fixture_deal_paths()? {
        deals.push(ParsedDeal::from_slice(&std::fs::read(path)?)?);
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
