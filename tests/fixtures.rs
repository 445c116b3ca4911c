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

fn fixture(name: &str) -> dealscreen::Report {
    screen(&root().join(format!("fixtures/deals/{name}.json")))
}

#[test]
fn hsr_waiting_period_rolls_past_weekends_and_federal_holidays() {
    let r = fixture("hsr-2024-waiting-period-ends-on-holiday");
    let t = r.timeline.as_ref().unwrap();
    assert!(!t.filing_assumed);
    let hsr = t.regimes.iter().find(|x| x.regime == "us.hsr").unwrap();
    // 2024-05-20 + 30 days = Wednesday 2024-06-19, Juneteenth: the period ends the next day.
    assert_eq!(hsr.earliest.date.to_string(), "2024-06-20");
    assert!(
        hsr.earliest.basis.contains("Juneteenth"),
        "{}",
        hsr.earliest.basis
    );

    let r = fixture("hsr-2024-waiting-period-ends-on-saturday");
    let hsr = &r.timeline.as_ref().unwrap().regimes[0];
    assert_eq!(hsr.earliest.date.to_string(), "2024-06-03");
    assert!(hsr.earliest.basis.contains("Saturday 2024-06-01"));
}

#[test]
fn the_worst_case_past_the_outside_date_is_flagged_and_the_driver_named() {
    let r = fixture("timeline-worst-case-passes-outside-date");
    let t = r.timeline.as_ref().unwrap();
    assert_eq!(
        t.outside.map(|d| d.to_string()).as_deref(),
        Some("2025-08-29")
    );
    let ids: Vec<&str> = t.regimes.iter().map(|x| x.regime.as_str()).collect();
    // The EU's Phase II bound (35 + 125 working days from the 2025-03-03 filing, weekends
    // only: 2025-10-13) is the latest date a period gives; HSR's worst
    // case is the DAMITT average, an estimate that neither ranks nor passes the outside
    // date (its initial period ends 2025-04-02), though the report says it falls after it.
    assert_eq!(ids, ["eu.eumr", "us.hsr"], "latest bounded clearance first");
    assert_eq!(t.drives_closing.as_deref(), Some("eu.eumr"));
    let hsr = &t.regimes[1];
    assert!(hsr.estimate && !hsr.passes_outside);
    assert!(
        hsr.notes
            .iter()
            .any(|n| n.contains("average, not a bound") && n.contains("2025-08-29")),
        "{:?}",
        hsr.notes
    );
    let eu = &t.regimes[0];
    assert!(eu.passes_outside);
    assert_eq!(eu.worst.as_ref().unwrap().date.to_string(), "2025-10-13");
    assert_eq!(eu.earliest.date.to_string(), "2025-04-07");
    // No Commission holidays are tabulated for 2025: the report says the date may be early.
    assert!(
        eu.notes
            .iter()
            .any(|n| n.contains("UNCONFIRMED") && n.contains("2025"))
    );
    assert!(eu.unbounded, "stop-the-clock has no bound");

    // In 2023 the Commission's holidays are counted: 25 working days from 2023-04-03 skip
    // Easter (6, 7 and 10 April), 1 May and 9 May.
    let r = fixture("merger-eu-2023-phase1-skips-commission-holidays");
    let eu = r
        .timeline
        .as_ref()
        .unwrap()
        .regimes
        .iter()
        .find(|x| x.regime == "eu.eumr")
        .unwrap()
        .clone();
    assert_eq!(eu.earliest.date.to_string(), "2023-05-15");
    assert!(!eu.notes.iter().any(|n| n.contains("not tabulated")));
}

#[test]
fn every_matrix_row_traces_to_its_deciding_finding() {
    for path in fixture_deals() {
        let r = screen(&path);
        assert_eq!(
            r.matrix.len(),
            shipped().regimes().len(),
            "{}",
            path.display()
        );
        for row in &r.matrix {
            let f = r
                .findings
                .iter()
                .find(|f| f.rule == row.decided_by)
                .unwrap();
            // Before its rule's window the UK regime is "not screened" (the Enterprise Act
            // 2002 applied then), never "not in force".
            let before_dmcca = r.as_of < "2025-01-01".parse().unwrap();
            assert_eq!(
                f.not_screened,
                row.regime == "uk.cma" && before_dmcca,
                "{}",
                path.display()
            );
            if f.not_screened {
                assert_eq!(f.status, Status::NotInForce);
                assert_eq!(row.verdict, dealscreen::matrix::Verdict::NotScreened);
                assert!(
                    row.remarks
                        .iter()
                        .any(|m| m.contains("Enterprise Act 2002"))
                );
            } else {
                assert_eq!(row.verdict, dealscreen::matrix::Verdict::of(f.status));
            }
            assert_eq!(
                row.fee.is_some(),
                f.fee.is_some() && f.status == Status::Triggered
            );
            if row.verdict == dealscreen::matrix::Verdict::CannotDetermine {
                assert_eq!(row.missing, f.missing);
            }
        }
        // A timeline exactly when a suspensory regime requires a filing or is undecided.
        let open = r.matrix.iter().any(|m| {
            m.suspensory
                && !matches!(
                    m.verdict,
                    dealscreen::matrix::Verdict::NotRequired
                        | dealscreen::matrix::Verdict::NotInForce
                )
        });
        assert_eq!(r.timeline.is_some(), open, "{}", path.display());
    }
    let r = fixture("hsr-2026-above-regardless-of-size");
    let hsr = r.matrix.iter().find(|m| m.regime == "us.hsr").unwrap();
    assert_eq!(hsr.verdict, dealscreen::matrix::Verdict::FilingRequired);
    let fee = hsr.fee.as_ref().unwrap();
    assert_eq!(
        (fee.amount, fee.rule.as_str()),
        // Signed 2026-02-02, no filing date: the 2025 schedule's tier 3 (regulatory-facts §1c).
        (265_000.0, "us.hsr.filing")
    );
}

#[test]
fn an_assumed_filing_on_a_federal_holiday_is_received_the_next_business_day() {
    // Signed Monday 2025-02-17, Washington's Birthday, with no filing date: the HSR filing
    // is taken as received Tuesday 2025-02-18, and 30 days from it end Thursday 2025-03-20.
    let r = fixture("merger-eu-art1-2-full-acquisition-above-thresholds");
    let t = r.timeline.as_ref().unwrap();
    assert!(t.filing_assumed);
    let hsr = t.regimes.iter().find(|x| x.regime == "us.hsr").unwrap();
    assert_eq!(hsr.earliest.date.to_string(), "2025-03-20");
    assert!(
        hsr.notes
            .iter()
            .any(|n| n.contains("Washington") && n.contains("2025-02-18")),
        "{:?}",
        hsr.notes
    );
}

#[test]
fn guideline_rules_before_2023_are_not_screened_rather_than_not_in_force() {
    // A stake in a competitor in 2023: the 2010 Horizontal Merger Guidelines applied, which
    // the pack does not screen; the findings say so instead of a bare "not in force".
    let r = fixture("antitrust-2023-before-merger-guidelines-stake-in-competitor");
    for id in [
        "us.guidelines.hhi_presumption",
        "us.guidelines.partial_ownership",
    ] {
        let f = r.findings.iter().find(|f| f.rule == id).unwrap();
        assert_eq!(f.status, Status::NotInForce);
        assert!(f.not_screened, "{id}");
        assert!(
            f.explanation.contains(
                "2010 Horizontal Merger Guidelines applied, which this pack does not screen"
            ),
            "{}",
            f.explanation
        );
    }
    // A rule whose law did not exist before its window stays plainly not in force.
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "us.ftc.ai_partnership_factors")
        .unwrap();
    assert!(f.status == Status::NotInForce && !f.not_screened);
}
