//! Screening benchmarks: rule-pack load, the per-thread compilation a new worker thread pays
//! on its first screening, deal parsing, and screening the fixture set with the shipped pack.
//! Run with `cargo bench --bench screening`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dealscreen::{ParsedDeal, RuleSet, ScreenOptions};

fn fixtures() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deals");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn benches(c: &mut Criterion) {
    let files = dealscreen::pack::embedded_files();
    c.bench_function("pack_load_and_compile", |b| {
        b.iter(|| RuleSet::load(black_box(&files)).map(|s| s.len()))
    });

    let Ok(rules) = RuleSet::load(&files) else {
        return;
    };
    let raw = fixtures();
    let deals: Vec<ParsedDeal> = raw
        .iter()
        .filter_map(|b| ParsedDeal::from_slice(b).ok())
        .collect();
    let options = ScreenOptions::default();

    // Each thread compiles its own copy of the pack on its first screening (batch workers,
    // the server's blocking threads): a new thread, that compilation and one screening.
    if let Some(first) = deals.first() {
        c.bench_function("first_screen_on_new_thread", |b| {
            b.iter(|| {
                std::thread::scope(|s| {
                    s.spawn(|| {
                        rules
                            .screen(black_box(first), &options)
                            .map(|r| r.findings.len())
                    })
                    .join()
                    .ok()
                })
            })
        });
    }

    let mut group = c.benchmark_group("fixture_set");
    group.throughput(Throughput::Elements(deals.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            raw.iter()
                .filter_map(|bytes| ParsedDeal::from_slice(black_box(bytes)).ok())
                .count()
        })
    });
    group.bench_function("screen", |b| {
        b.iter(|| {
            deals
                .iter()
                .filter_map(|d| rules.screen(black_box(d), &options).ok())
                .map(|r| r.findings.len())
                .sum::<usize>()
        })
    });
    group.bench_function("parse_screen_json", |b| {
        b.iter(|| {
            raw.iter()
                .filter_map(|bytes| ParsedDeal::from_slice(bytes).ok())
                .filter_map(|d| rules.screen(&d, &options).ok())
                .map(|r| r.to_json().len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group! {
    name = screening;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = benches
}
criterion_main!(screening);
