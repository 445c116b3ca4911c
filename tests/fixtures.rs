//! Every fixture deal screened with the shipped pack: one JSON and one text snapshot per
//! fixture, plus status assertions that a careless snapshot accept cannot hide.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;

use common::*;
use dealscreen::Status;

fn redacted<F: FnOnce()>(f: F) {
    let mut settings = insta::Settings::clone_current();
    // The pack digest changes with any rule edit; it is asserted in its own test instead.
    settings.add_filter(r"rules sha256 [0-9a-f]{12}", "rules sha256 [pack]");
    settings.bind(f);
}

#[test]
fn json_reports() {
    insta::glob!("../fixtures/deals", "*.json", |path| {
        let report = screen(path);
        redacted(|| {
            insta::assert_json_snapshot!(report, { ".ruleset.digest" => "[pack digest]" });
        });
    });
}

#[test]
fn text_reports() {
    insta::glob!("../fixtures/deals", "*.json", |path| {
        let report = screen(path);
        redacted(|| insta::assert_snapshot!(report.to_text()));
    });
}

#[test]
fn statuses_match_the_independent_expectations() {
    // One file per rule family (fixtures/expected/*.json): fixture -> rule -> status.
    let mut expected: BTreeMap<String, BTreeMap<String, Status>> = BTreeMap::new();
    let mut files: Vec<_> = std::fs::read_dir(root().join("fixtures/expected"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let part: BTreeMap<String, BTreeMap<String, Status>> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (fixture, rules) in part {
            let entry = expected.entry(fixture).or_default();
            for (rule, status) in rules {
                assert!(
                    entry.insert(rule.clone(), status).is_none(),
                    "{rule} expected twice for a fixture"
                );
            }
        }
    }
    for fixture in expected.keys() {
        assert!(
            root()
                .join(format!("fixtures/deals/{fixture}.json"))
                .exists(),
            "expectation for missing fixture {fixture}"
        );
    }
    for rule in shipped().rules() {
        assert!(
            expected.values().any(|rules| rules.contains_key(&rule.id)),
            "no fixture expectation names rule {}",
            rule.id
        );
    }
    let mut failures = Vec::new();
    for path in fixture_deals() {
        let name = stem(&path);
        let Some(want) = expected.get(&name) else {
            failures.push(format!("{name}: no entry in fixtures/expected/*.json"));
            continue;
        };
        let report = screen(&path);
        for (rule, status) in want {
            let got = report
                .findings
                .iter()
                .find(|f| &f.rule == rule)
                .map(|f| f.status);
            if got != Some(*status) {
                failures.push(format!("{name}: {rule} expected {status:?}, got {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn there_are_at_least_fifteen_fixtures_and_none_errors() {
    let deals = fixture_deals();
    assert!(deals.len() >= 15, "{} fixtures", deals.len());
    for path in deals {
        let r = screen(&path);
        assert_eq!(r.summary.counts.error, 0, "{}", path.display());
        assert_eq!(r.findings.len(), shipped().len());
    }
}

#[test]
fn every_finding_explains_itself_with_numbers_and_citations() {
    for path in fixture_deals() {
        for f in screen(&path).findings {
            assert!(!f.explanation.is_empty(), "{}: {}", path.display(), f.rule);
            assert!(!f.citations.is_empty(), "{}: {}", f.rule, path.display());
            match f.status {
                Status::Triggered => assert!(f.severity.is_some()),
                _ => assert!(f.severity.is_none()),
            }
            if f.status == Status::InsufficientData {
                assert!(
                    !f.missing.is_empty()
                        || f.explanation.contains("tabulates")
                        || f.explanation.contains("the deal format does not carry")
                        || f.explanation.contains("UNCONFIRMED"),
                    "{}: {} is insufficient without naming what is missing",
                    path.display(),
                    f.rule
                );
            } else {
                assert!(f.missing.is_empty(), "{}: {}", path.display(), f.rule);
            }
            // A comparison's recorded outcome agrees with its numbers.
            for c in &f.comparisons {
                assert_eq!(c.outcome, c.op.holds(c.fact.value, c.parameter.value));
                assert_eq!(c.margin, c.fact.value - c.parameter.value);
            }
        }
    }
}

#[test]
fn hsr_filing_names_the_threshold_of_its_year() {
    let above = screen(&root().join("fixtures/deals/hsr-2024-just-above-threshold.json"));
    let f = above
        .findings
        .iter()
        .find(|f| f.rule == "us.hsr.filing")
        .unwrap();
    assert_eq!(f.status, Status::Triggered);
    assert!(f.explanation.contains("$119,500,000"), "{}", f.explanation);
    assert!(
        f.explanation.contains("in force from 2024-03-06"),
        "{}",
        f.explanation
    );
    let sot = f
        .comparisons
        .iter()
        .find(|c| c.parameter.name == "us.hsr.size_of_transaction_usd")
        .unwrap();
    assert_eq!(sot.margin_text, "$500,000 above");

    // The same deal on either side of the 2025 change.
    let before =
        screen(&root().join("fixtures/deals/hsr-2025-threshold-change-closing-before.json"));
    let after = screen(&root().join("fixtures/deals/hsr-2025-threshold-change-closing-after.json"));
    let status = |r: &dealscreen::Report| {
        r.findings
            .iter()
            .find(|f| f.rule == "us.hsr.filing")
            .unwrap()
            .status
    };
    assert_eq!(status(&before), Status::Triggered);
    assert_eq!(status(&after), Status::Clear);
}

#[test]
fn fee_follows_the_filing_date_and_thresholds_the_closing_date() {
    let r = screen(&root().join("fixtures/deals/hsr-fee-schedule-follows-filing-date.json"));
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "us.hsr.filing")
        .unwrap();
    assert!(
        f.explanation.contains("Filing fee: $125,000"),
        "{}",
        f.explanation
    );
    let fee = f
        .parameters
        .iter()
        .find(|p| p.name == "us.hsr.filing_fee_usd")
        .unwrap();
    assert_eq!(fee.from.to_string(), "2022-02-23");
    let sot = f
        .parameters
        .iter()
        .find(|p| p.name == "us.hsr.size_of_transaction_usd")
        .unwrap();
    assert_eq!(sot.from.to_string(), "2023-02-27");
}

#[test]
fn output_is_byte_identical_across_runs() {
    for path in fixture_deals() {
        let a = screen(&path).to_json();
        let b = screen(&path).to_json();
        assert_eq!(a, b);
    }
    let args = ["screen", "--format", "json", "fixtures/deals"];
    let (c1, out1, _) = cli(&args, None);
    let (c2, out2, _) = cli(&args, None);
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(out1, out2);
}

#[test]
fn findings_are_sorted_by_severity_then_rule() {
    for path in fixture_deals() {
        let r = screen(&path);
        let keys: Vec<_> = r
            .findings
            .iter()
            .map(|f| (std::cmp::Reverse(f.severity), f.rule.clone()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}

#[test]
fn pack_digest_is_stable_and_content_addressed() {
    let files = dealscreen::pack::embedded_files();
    let a = dealscreen::RuleSet::load(&files).unwrap();
    let mut changed = files.clone();
    let f = changed
        .iter_mut()
        .find(|f| f.path.ends_with(".params.toml"))
        .unwrap();
    f.text.push_str("\n# a comment\n");
    let b = dealscreen::RuleSet::load(&changed).unwrap();
    assert_eq!(a.digest(), shipped().digest());
    assert_ne!(a.digest(), b.digest());
    assert_eq!(a.digest().len(), 64);
}

#[test]
fn information_requests_merge_every_missing_fact_most_useful_first() {
    for path in fixture_deals() {
        let r = screen(&path);
        for f in r
            .findings
            .iter()
            .filter(|f| f.status == Status::InsufficientData)
        {
            for p in &f.missing {
                let q = r
                    .information_requests
                    .iter()
                    .find(|q| &q.pointer == p)
                    .unwrap_or_else(|| panic!("{}: {p} missing from the requests", path.display()));
                assert!(q.unblocks.contains(&f.rule));
                assert!(
                    q.question.ends_with('?') || q.question.ends_with('.'),
                    "{}",
                    q.question
                );
            }
        }
        let counts: Vec<usize> = r
            .information_requests
            .iter()
            .map(|q| q.unblocks.len())
            .collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "{}: not ranked",
            path.display()
        );
        let asked: usize = r
            .information_requests
            .iter()
            .map(|q| q.unblocks.len())
            .sum();
        let needed: usize = r
            .findings
            .iter()
            .filter(|f| f.status == Status::InsufficientData)
            .map(|f| f.missing.len())
            .sum();
        assert_eq!(asked, needed, "{}", path.display());
    }
}
