//! Batch throughput of the release binary: generates varied deals as JSON Lines, then times
//! `dealscreen screen --jsonl --format jsonl --threads N FILE > /dev/null` for each N and
//! reports deals per second and the peak resident set size.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example batch_throughput -- [--deals 100000] [--threads 1,2]
//!     [--runs 1] [--seed 1] [--bin target/release/dealscreen] [--keep FILE]
//! ```
//!
//! The deals are the fixtures of `fixtures/deals` used as templates, round-robin, each with a
//! unique id, dates drawn from 2020-01-01 to 2026-12-31 (closing and filing kept after
//! signing when the template has them), money and compute figures scaled by a random factor
//! (money by 1/4 to 4×, compute by 10^±1.5), exchange rates by ±10%, `*_pct_after` stakes
//! and market shares perturbed (shares kept at or below 100% in all).
//! Every generated deal is validated with the library before it is written; one that does
//! not validate is replaced by its template with only the id changed, and counted.
//! The same seed gives the same file. Peak RSS comes from `/usr/bin/time -f %M` when it is
//! installed, else from polling `VmHWM` in `/proc/<pid>/status`.

mod support;

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dealscreen::ParsedDeal;
use serde_json::{Map, Value};

type Error = Box<dyn std::error::Error>;

/// SplitMix64: a small deterministic generator, so a seed always gives the same deals.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Args {
    deals: usize,
    threads: Vec<usize>,
    runs: usize,
    seed: u64,
    bin: PathBuf,
    keep: Option<PathBuf>,
}

fn parse_args() -> Result<Args, Error> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        deals: 100_000,
        threads: vec![1, 2],
        runs: 1,
        seed: 1,
        bin: root.join("target/release/dealscreen"),
        keep: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--deals" => args.deals = value()?.parse()?,
            "--threads" => {
                args.threads = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--runs" => args.runs = value()?.parse()?,
            "--seed" => args.seed = value()?.parse()?,
            "--bin" => args.bin = PathBuf::from(value()?),
            "--keep" => args.keep = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!(
                    "batch_throughput [--deals N] [--threads 1,2] [--runs R] [--seed S] [--bin PATH] [--keep FILE]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`").into()),
        }
    }
    Ok(args)
}

fn templates() -> Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    for p in support::fixture_deal_paths()? {
        let v: Value = serde_json::from_slice(&std::fs::read(&p)?)?;
        if ParsedDeal::from_value(v.clone()).is_ok() {
            out.push(v);
        }
    }
    if out.is_empty() {
        return Err("no valid deal in fixtures/deals".into());
    }
    Ok(out)
}

/// A date in 2020-01-01..=2026-12-31 as (year, month, day), days 1-28 so every month works.
fn random_date(rng: &mut Rng) -> (u64, u64, u64) {
    (2020 + rng.below(7), 1 + rng.below(12), 1 + rng.below(28))
}

/// `date` plus up to `max_months` months, capped at 2026-12-31.
fn later(rng: &mut Rng, (y, m, d): (u64, u64, u64), max_months: u64) -> (u64, u64, u64) {
    let months = (y * 12 + (m - 1)) + rng.below(max_months + 1);
    let (y2, m2) = (months / 12, months % 12 + 1);
    if y2 > 2026 {
        (2026, 12, 31)
    } else {
        (y2, m2, d)
    }
}

fn date_text((y, m, d): (u64, u64, u64)) -> Value {
    Value::String(format!("{y:04}-{m:02}-{d:02}"))
}

/// Scales money, compute and stake figures anywhere in the deal.
fn vary_numbers(rng: &mut Rng, key: &str, v: &mut Value) {
    match v {
        Value::Object(map) => {
            if key == "shares_pct" {
                vary_shares(rng, map);
                return;
            }
            for (k, child) in map.iter_mut() {
                vary_numbers(rng, k, child);
            }
        }
        Value::Array(items) => {
            for child in items {
                vary_numbers(rng, key, child);
            }
        }
        Value::Number(n) => {
            let Some(x) = n.as_f64() else { return };
            let y = if key.starts_with("usd_per_") {
                // Exchange rates: a little either way, never rounded.
                x * rng.range(0.9, 1.1)
            } else if key.ends_with("_usd") || key.ends_with("_eur") || key.ends_with("_gbp") {
                // Log-uniform factor in [1/4, 4): moves deals across the dated thresholds.
                (x * 4f64.powf(rng.range(-1.0, 1.0))).round()
            } else if key.ends_with("_ops") || key.ends_with("_ops_per_s") {
                x * 10f64.powf(rng.range(-1.5, 1.5))
            } else if key.ends_with("_gbps") {
                (x * rng.range(0.5, 2.0)).round()
            } else if key.ends_with("_pct_after") {
                (x * rng.range(0.5, 1.5)).clamp(0.0, 100.0).round()
            } else {
                return;
            };
            if let Some(num) = serde_json::Number::from_f64(y) {
                *n = num;
            }
        }
        _ => {}
    }
}

/// Perturbs market shares by up to ±30% each (a zero share stays zero), keeping the total at
/// or below 100%.
fn vary_shares(rng: &mut Rng, shares: &mut Map<String, Value>) {
    let mut values: Vec<f64> = shares
        .values()
        .map(|v| v.as_f64().unwrap_or(0.0) * rng.range(0.7, 1.3))
        .collect();
    let total: f64 = values.iter().sum();
    if total > 100.0 {
        for v in &mut values {
            *v *= 100.0 / total;
        }
    }
    for (slot, v) in shares.values_mut().zip(values) {
        let v = ((v * 10.0).floor() / 10.0).clamp(0.0, 100.0);
        if let Some(num) = serde_json::Number::from_f64(v) {
            *slot = Value::Number(num);
        }
    }
}

fn vary(rng: &mut Rng, template: &Value, n: usize) -> Value {
    let mut deal = template.clone();
    let id = template.get("id").and_then(Value::as_str).unwrap_or("deal");
    if let Some(obj) = deal.as_object_mut() {
        obj.insert("id".into(), Value::String(format!("{id}-g{n:06}")));
        if let Some(Value::Object(dates)) = obj.get_mut("dates") {
            let signing = random_date(rng);
            let closing = later(rng, signing, 9);
            let filing = later(rng, signing, 2);
            let filing = if filing > closing { closing } else { filing };
            for (k, v) in [
                ("signing", signing),
                ("closing", closing),
                ("filing", filing),
            ] {
                if dates.contains_key(k) {
                    dates.insert(k.into(), date_text(v));
                }
            }
        }
    }
    vary_numbers(rng, "", &mut deal);
    deal
}

/// Writes `count` deals as JSON Lines; returns how many fell back to their template.
fn generate(path: &Path, count: usize, seed: u64) -> Result<usize, Error> {
    let templates = templates()?;
    let mut rng = Rng(seed);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut fallbacks = 0;
    for n in 0..count {
        let template = &templates[n % templates.len()];
        let mut deal = vary(&mut rng, template, n);
        if ParsedDeal::from_value(deal.clone()).is_err() {
            fallbacks += 1;
            deal = template.clone();
            let id = template.get("id").and_then(Value::as_str).unwrap_or("deal");
            if let Some(obj) = deal.as_object_mut() {
                obj.insert("id".into(), Value::String(format!("{id}-g{n:06}")));
            }
        }
        serde_json::to_writer(&mut out, &deal)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(fallbacks)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// `VmHWM` (peak RSS) of a process in KiB, while it runs.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    wall: Duration,
    peak_kib: Option<u64>,
    code: Option<i32>,
    summary: String,
}

fn run_once(bin: &Path, file: &Path, threads: usize) -> Result<Run, Error> {
    let time = Path::new("/usr/bin/time");
    let use_time = time.exists();
    let mut cmd = if use_time {
        let mut c = Command::new(time);
        c.args(["-f", "peak_rss_kib=%M"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(["screen", "--jsonl", "--format", "jsonl", "--threads"])
        .arg(threads.to_string())
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::fs::File::create("/dev/null")?))
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut polled = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if !use_time {
            polled = vm_hwm_kib(pid).or(polled);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = start.elapsed();
    let err = reader.join().map_err(|_| "stderr reader panicked")?;
    let mut peak_kib = polled;
    let mut summary = Vec::new();
    for line in err.lines() {
        match line.strip_prefix("peak_rss_kib=") {
            Some(v) => peak_kib = v.trim().parse().ok(),
            None => summary.push(line.trim()),
        }
    }
    Ok(Run {
        wall,
        peak_kib,
        code: status.code(),
        summary: summary.join(" / "),
    })
}

fn main() -> Result<(), Error> {
    let args = parse_args()?;
    if !args.bin.exists() {
        return Err(format!(
            "{} not found: run `cargo build --release` first (or pass --bin)",
            args.bin.display()
        )
        .into());
    }
    let file = args.keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("dealscreen-batch-{}.jsonl", std::process::id()))
    });
    let start = Instant::now();
    let fallbacks = generate(&file, args.deals, args.seed)?;
    let size = std::fs::metadata(&file)?.len();
    println!(
        "generated {} deals ({:.1} MB, seed {}, {} fell back to their template) in {:.1} s: {}",
        args.deals,
        size as f64 / 1e6,
        args.seed,
        fallbacks,
        start.elapsed().as_secs_f64(),
        file.display()
    );
    println!(
        "binary {}; {} CPUs available",
        args.bin.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:>7} {:>4} {:>9} {:>10} {:>13} {:>5}  load avg before",
        "threads", "run", "wall s", "deals/s", "peak RSS MiB", "exit"
    );
    let mut summaries = Vec::new();
    for &threads in &args.threads {
        for r in 1..=args.runs {
            let load = load_average();
            let run = run_once(&args.bin, &file, threads)?;
            println!(
                "{:>7} {:>4} {:>9.2} {:>10.0} {:>13} {:>5}  {load}",
                threads,
                r,
                run.wall.as_secs_f64(),
                args.deals as f64 / run.wall.as_secs_f64(),
                run.peak_kib
                    .map_or_else(|| "?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
                run.code
                    .map_or_else(|| "sig".to_string(), |c| c.to_string()),
            );
            summaries.push(format!("threads {threads} run {r}: {}", run.summary));
        }
    }
    for s in summaries {
        println!("{s}");
    }
    if args.keep.is_none() {
        std::fs::remove_file(&file)?;
    }
    Ok(())
}
