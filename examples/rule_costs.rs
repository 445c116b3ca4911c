//! Time per rule over the fixture set, costliest first, for rule authors and profilers:
//! `cargo run --release --example rule_costs -- 20 [--pack DIR] [--only RULE_ID]`.
//!
//! `--pack rules` reads the pack from a folder instead of the embedded copy, so a rule
//! author can time an edited script without rebuilding; `--only` times one rule.

mod support;

use dealscreen::{ParsedDeal, RuleSet, ScreenOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let files = match flag("--pack") {
        Some(dir) => dealscreen::pack::read_dir(std::path::Path::new(dir))?,
        None => dealscreen::pack::embedded_files(),
    };
    let only = flag("--only");
    let rules = RuleSet::load(&files)?;
    let mut deals = Vec::new();
    for path in support::fixture_deal_paths()? {
        deals.push(ParsedDeal::from_slice(&std::fs::read(path)?)?);
    }
    let mut costs = Vec::new();
    for meta in rules.rules() {
        if only.is_some_and(|id| *id != meta.id) {
            continue;
        }
        let options = ScreenOptions {
            only_rule: Some(meta.id.clone()),
            ..ScreenOptions::default()
        };
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            for d in &deals {
                std::hint::black_box(rules.screen(d, &options)?);
            }
        }
        let per = start.elapsed().as_secs_f64() * 1e6 / (rounds * deals.len()) as f64;
        costs.push((per, meta.id.clone()));
    }
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = costs.iter().map(|c| c.0).sum();
    for (per, id) in &costs {
        println!("{per:8.1} µs  {id}");
    }
    println!("{total:8.1} µs  all rules, one at a time");
    Ok(())
}
