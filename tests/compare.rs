//! Variant comparison: the differences expected of three structures of one AI-lab investment
//! (reasoned from the shipped rules before the first run), the why of each, refusals, the
//! command line, and reviewed snapshots of every rendering.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use common::*;
use dealscreen::compare::{CompareError, Variant, VariantComparison, compare};
use dealscreen::{ParsedDeal, Report, ScreenOptions, Severity, Status};
use serde_json::json;

const VARIANTS: [&str; 3] = [
    "ai-stake-15pct-nonvoting-observer",
    "ai-stake-25pct-voting-board-seat",
    "ai-stake-convertible-notes",
];

fn screened(paths: &[String]) -> Vec<(String, ParsedDeal, Report)> {
    paths
        .iter()
        .map(|p| {
            let path = root().join(p);
            let deal = parse(&path);
            let report = shipped().screen(&deal, &ScreenOptions::default()).unwrap();
            (stem(&path), deal, report)
        })
        .collect()
}

fn variants(list: &[(String, ParsedDeal, Report)]) -> Vec<Variant<'_>> {
    list.iter()
        .map(|(label, deal, report)| Variant {
            label,
            deal,
            report,
        })
        .collect()
}

fn three() -> VariantComparison {
    let paths: Vec<String> = VARIANTS
        .iter()
        .map(|v| format!("fixtures/variants/{v}.json"))
        .collect();
    let list = screened(&paths);
    compare(&variants(&list)).unwrap()
}

fn statuses(c: &VariantComparison, rule: &str) -> Vec<(Status, Option<Severity>)> {
    let f = c
        .findings
        .differ
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("{rule} is not among the differing findings"));
    f.cells
        .iter()
        .map(|c| {
            let c = c.as_ref().unwrap();
            (c.status, c.severity)
        })
        .collect()
}

/// Expected before the first run, from `rules/us/hsr/*.rhai` and
/// `rules/us/antitrust/partial_ownership.rhai`:
/// - `us.hsr.filing`: non-voting equity and convertible notes are not voting securities
///   (801.1(f), 802.31): clear; 25% voting stock for $2.5B is above the $478M
///   regardless-of-size figure of 2024 and above the 10% of 802.9: triggered (high).
/// - `us.hsr.conversion_filing`: the preferred never converts into voting stock, the voting
///   stock is not convertible: clear; $2B of notes convertible into voting stock would meet
///   the thresholds on conversion: triggered (medium).
/// - `us.guidelines.partial_ownership`: a minority stake in a vertically related firm (the
///   acquirer supplies its cloud) with an observer, or with a board seat: triggered; the
///   notes carry no influence right: clear.
///
/// Nothing else differs: every variant gives the same party, market and commercial facts.
#[test]
fn the_three_structures_differ_where_the_rules_say() {
    use Severity::*;
    use Status::*;
    let c = three();
    assert_eq!(c.schema, "dealscreen/compare@1");
    let rules: Vec<&str> = c.findings.differ.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "us.guidelines.partial_ownership",
            "us.hsr.conversion_filing",
            "us.hsr.filing"
        ]
    );
    assert_eq!(c.findings.same + 3, shipped().len());
    assert_eq!(
        statuses(&c, "us.hsr.filing"),
        [(Clear, None), (Triggered, Some(High)), (Clear, None)]
    );
    assert_eq!(
        statuses(&c, "us.hsr.conversion_filing"),
        [(Clear, None), (Clear, None), (Triggered, Some(Medium))]
    );
    assert_eq!(
        statuses(&c, "us.guidelines.partial_ownership"),
        [
            (Triggered, Some(Medium)),
            (Triggered, Some(Medium)),
            (Clear, None)
        ]
    );
    // Only the voting stock files, so only it pays: $2.5B filed on 2024-06-17 falls in the
    // 2024 tier of $2.146B to <$5.365B, $830,000 (regulatory-facts.md §1c).
    assert_eq!(c.fees.differ.len(), 1);
    let fee = &c.fees.differ[0];
    assert_eq!(fee.rule, "us.hsr.filing");
    let amounts: Vec<Option<f64>> = fee
        .cells
        .iter()
        .map(|c| c.as_ref().map(|c| c.amount))
        .collect();
    assert_eq!(amounts, [None, Some(830_000.0), None]);
    assert_eq!(fee.statuses, [Some(Clear), Some(Triggered), Some(Clear)]);
    // The filing matrix: only the HSR row differs, in verdict and fee, decided by us.hsr.filing.
    use dealscreen::compare::Aspect;
    use dealscreen::matrix::Verdict;
    let list_rows = c.regimes.differ.len() + c.regimes.same;
    assert!(list_rows > 1);
    assert_eq!(c.regimes.differ.len(), 1, "{:?}", c.regimes.differ);
    let hsr = &c.regimes.differ[0];
    assert_eq!(hsr.regime, "us.hsr");
    assert_eq!(hsr.differs, [Aspect::Verdict, Aspect::Fee]);
    assert_eq!(hsr.decided_by, ["us.hsr.filing"]);
    let verdicts: Vec<Verdict> = hsr
        .cells
        .iter()
        .map(|c| c.as_ref().unwrap().verdict)
        .collect();
    assert_eq!(
        verdicts,
        [
            Verdict::NotRequired,
            Verdict::FilingRequired,
            Verdict::NotRequired
        ]
    );
    // Only the voting stock waits on a suspensory clock: HSR's 30 days from the filing on
    // 2024-06-17 end on 2024-07-17 (regulatory-facts.md §10); its worst case is an estimate.
    assert!(c.timeline.differ);
    let waits: Vec<usize> = c
        .timeline
        .variants
        .iter()
        .map(|t| t.as_ref().unwrap().suspensory_regimes)
        .collect();
    assert_eq!(waits, [0, 1, 0]);
    let b = c.timeline.variants[1].as_ref().unwrap();
    assert_eq!(b.drives_closing.as_deref(), Some("us.hsr"));
    assert_eq!(b.earliest_closing.unwrap().to_string(), "2024-07-17");
    assert!(b.worst_is_estimate);
    // Same facts for every rule that could not decide: the same questions everywhere.
    assert!(c.information_requests.differ.is_empty());
    assert!(c.information_requests.same > 0);
    // Different ids are said, the dates are the same so nothing is said about them.
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(c.notes[0].contains("different deal descriptions"));
    for v in &c.variants {
        assert_eq!(v.as_of.to_string(), "2024-07-31");
    }
}

#[test]
fn the_why_names_the_facts_and_tests_that_differ() {
    let c = three();
    let hsr = c
        .findings
        .differ
        .iter()
        .find(|f| f.rule == "us.hsr.filing")
        .unwrap();
    let instrument = hsr
        .facts
        .iter()
        .find(|x| x.pointer == "/transaction/instrument")
        .unwrap();
    assert_eq!(instrument.label, "what is acquired");
    assert_eq!(
        instrument.values,
        [
            Some(json!("non_voting_equity")),
            Some(json!("voting_securities")),
            Some(json!("convertible_notes"))
        ]
    );
    // Facts every variant gives alike are not reasons.
    assert!(
        hsr.facts
            .iter()
            .all(|x| !x.pointer.starts_with("/acquirer") && !x.pointer.starts_with("/target"))
    );
    // Only the voting-stock variant reaches the size-of-transaction test, and meets it.
    let sot = hsr
        .tests
        .iter()
        .find(|t| t.parameter == "us.hsr.size_of_transaction_usd")
        .unwrap();
    let reached: Vec<Option<bool>> = sot
        .cells
        .iter()
        .map(|c| c.as_ref().map(|c| c.outcome))
        .collect();
    assert_eq!(reached, [None, Some(true), None]);
    let b = sot.cells[1].as_ref().unwrap();
    assert_eq!((b.value, b.threshold), (2.5e9, 119_500_000.0));
    assert!(sot.threshold_note.is_none());

    // The observer (A) and the board seat (B) are why Guideline 11 answers differ from C.
    let g11 = c
        .findings
        .differ
        .iter()
        .find(|f| f.rule == "us.guidelines.partial_ownership")
        .unwrap();
    let texts = |p: &str| {
        g11.facts
            .iter()
            .find(|x| x.pointer == p)
            .unwrap_or_else(|| panic!("{p}"))
            .texts
            .clone()
    };
    assert_eq!(
        texts("/governance/board_observer"),
        ["true", "false", "false"]
    );
    assert_eq!(texts("/governance/board_seats"), ["0", "1", "0"]);
    assert_eq!(texts("/transaction/voting_pct_after"), ["0%", "25%", "0%"]);

    // A fact one variant never reached still shows its value there: the conversion rule
    // stops at the instrument for B, but B's `convertible_to_voting` is read from B's deal.
    let conv = c
        .findings
        .differ
        .iter()
        .find(|f| f.rule == "us.hsr.conversion_filing")
        .unwrap();
    let to_voting = conv
        .facts
        .iter()
        .find(|x| x.pointer == "/transaction/convertible_to_voting")
        .unwrap();
    assert_eq!(to_voting.texts, ["false", "not given", "true"]);
}

#[test]
fn different_dates_are_said_per_threshold_test() {
    // One deal closing on the last day of the 2024 HSR year and on the first of 2025.
    let list = screened(&[
        "fixtures/deals/hsr-2025-threshold-change-closing-before.json".to_string(),
        "fixtures/deals/hsr-2025-threshold-change-closing-after.json".to_string(),
    ]);
    let c = compare(&variants(&list)).unwrap();
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("screened as of different dates")),
        "{:?}",
        c.notes
    );
    let hsr = c
        .findings
        .differ
        .iter()
        .find(|f| f.rule == "us.hsr.filing")
        .unwrap();
    // Same facts; only the date differs, so the why is in the tests.
    assert!(hsr.facts.is_empty(), "{:?}", hsr.facts);
    let sot = hsr
        .tests
        .iter()
        .find(|t| t.parameter == "us.hsr.size_of_transaction_usd")
        .unwrap();
    let outcomes: Vec<bool> = sot
        .cells
        .iter()
        .map(|c| c.as_ref().unwrap().outcome)
        .collect();
    assert_eq!(outcomes, [true, false]);
    let note = sot.threshold_note.as_deref().unwrap();
    assert!(
        note.contains("$119,500,000") && note.contains("$126,400,000"),
        "{note}"
    );
    assert!(c.to_text().contains(note.split(':').next().unwrap()));

    // With one date for both, they are the same deal but for the id: nothing differs.
    let opts = ScreenOptions {
        as_of: "2025-02-21".parse().ok(),
        ..ScreenOptions::default()
    };
    let same: Vec<(String, ParsedDeal, Report)> = list
        .into_iter()
        .map(|(l, d, _)| {
            let r = shipped().screen(&d, &opts).unwrap();
            (l, d, r)
        })
        .collect();
    let c = compare(&variants(&same)).unwrap();
    assert!(c.findings.differ.is_empty());
    assert_eq!(c.findings.same, shipped().len());
    assert!(!c.notes.iter().any(|n| n.contains("different dates")));
}

#[test]
fn refuses_what_cannot_be_compared() {
    let paths: Vec<String> = VARIANTS
        .iter()
        .map(|v| format!("fixtures/variants/{v}.json"))
        .collect();
    let list = screened(&paths);
    let all = variants(&list);
    assert_eq!(compare(&[]).unwrap_err(), CompareError::TooFew(0));
    assert_eq!(compare(&all[..1]).unwrap_err(), CompareError::TooFew(1));
    let twice = [
        all[0],
        Variant {
            label: all[0].label,
            ..all[1]
        },
    ];
    assert!(matches!(
        compare(&twice).unwrap_err(),
        CompareError::DuplicateLabel(_)
    ));
    let mut other_pack = list[1].2.clone();
    other_pack.ruleset.digest = "0".repeat(64);
    let mixed = [
        all[0],
        Variant {
            report: &other_pack,
            ..all[1]
        },
    ];
    let err = compare(&mixed).unwrap_err();
    assert!(matches!(err, CompareError::Pack { .. }));
    assert!(err.to_string().contains("same pack"), "{err}");
    let mut other_format = list[1].2.clone();
    other_format.schema = "dealscreen/report@2".to_string();
    let mixed = [
        all[0],
        Variant {
            report: &other_format,
            ..all[1]
        },
    ];
    assert!(matches!(
        compare(&mixed).unwrap_err(),
        CompareError::ReportSchema { .. }
    ));
}

#[test]
fn output_is_deterministic_and_the_json_is_the_struct() {
    let a = three();
    let b = three();
    assert_eq!(a.to_json(), b.to_json());
    assert_eq!(a.to_text(), b.to_text());
    assert_eq!(a.to_html(), b.to_html());
    let back: VariantComparison = serde_json::from_str(&a.to_json()).unwrap();
    assert_eq!(back, a);
    let schema = serde_json::to_value(schemars::schema_for!(VariantComparison)).unwrap();
    assert_eq!(schema["title"], "dealscreen variant comparison, v1");
}

fn redacted<F: FnOnce()>(f: F) {
    let mut settings = insta::Settings::clone_current();
    // The pack digest changes with any rule edit; the comparison only carries it through.
    settings.add_filter(r"rules sha256 [0-9a-f]{12}", "rules sha256 [pack]");
    settings.add_filter(r"[0-9a-f]{64}", "[sha256]");
    settings.bind(f);
}

#[test]
fn snapshots_of_every_rendering() {
    let c = three();
    redacted(|| {
        insta::assert_snapshot!("text", c.to_text());
        insta::assert_snapshot!("markdown", c.to_markdown());
        insta::assert_snapshot!("html", c.to_html());
        insta::assert_snapshot!("json", c.to_json());
    });
}

#[test]
fn the_html_is_one_self_contained_page() {
    let html = three().to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
    // Labels and facts are escaped: the deal name with an apostrophe.
    assert!(html.contains("ModelLab&#39;s voting stock"));
    assert!(!html.contains("ModelLab's"));
}

#[test]
fn cli_compares_files_and_folders() {
    let (code, out, err) = cli(
        &[
            "compare",
            "fixtures/variants/ai-stake-15pct-nonvoting-observer.json",
            "fixtures/variants/ai-stake-25pct-voting-board-seat.json",
            "fixtures/variants/ai-stake-convertible-notes.json",
            "--labels",
            "observer,seat,notes",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "dealscreen/compare@1");
    let labels: Vec<&str> = v["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["observer", "seat", "notes"]);
    assert_eq!(v["findings"]["differ"].as_array().unwrap().len(), 3);

    // A folder gives its files in name order, labelled by their stems.
    let (code, text, _) = cli(&["compare", "fixtures/variants"], None);
    assert_eq!(code, 0);
    assert_eq!(text, three().to_text());
    for format in ["markdown", "html", "text"] {
        let (code, out, _) = cli(&["compare", "fixtures/variants", "--format", format], None);
        assert_eq!(code, 0, "{format}");
        assert!(out.contains("us.hsr.conversion_filing"), "{format}");
    }
}

#[test]
fn cli_refuses_bad_input_with_exit_2() {
    // One variant is not a comparison.
    let (code, _, err) = cli(
        &[
            "compare",
            "fixtures/variants/ai-stake-convertible-notes.json",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("at least two variants"), "{err}");
    // No variant at all is a usage error.
    let (code, _, _) = cli(&["compare"], None);
    assert_eq!(code, 2);
    // A bad variant names its file and the pointer of the bad value.
    let (code, out, err) = cli(
        &[
            "compare",
            "fixtures/variants/ai-stake-convertible-notes.json",
            "fixtures/invalid/pct-over-100.json",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("fixtures/invalid/pct-over-100.json"), "{err}");
    assert!(err.contains("/transaction/voting_pct_after"), "{err}");
    // One label per deal.
    let (code, _, err) = cli(&["compare", "fixtures/variants", "--labels", "a,b"], None);
    assert_eq!(code, 2);
    assert!(err.contains("2 label(s) for 3 deal(s)"), "{err}");
    let (code, _, err) = cli(&["compare", "fixtures/variants", "--labels", "a,a,b"], None);
    assert_eq!(code, 2);
    assert!(err.contains("labelled `a`"), "{err}");
}

#[test]
fn cli_exits_3_when_a_rule_failed() {
    let dir = temp_pack(
        "compare",
        &[
            ("xx/test/spin.rhai", SPIN_RULE),
            (
                "xx/test/stake.rhai",
                "const RULE = #{ id: \"xx.test.stake\", title: \"stake\", regime: \"T\", severity: \"high\", citations: [\"c\"], version: \"1\" };\nfn evaluate() { if need(\"/transaction/voting_pct_after\") > 10.0 { triggered(\"big\") } else { clear(\"small\") } }\n",
            ),
        ],
    );
    let rules = dir.to_string_lossy().into_owned();
    let (code, out, err) = cli(
        &[
            "compare",
            "--rules",
            &rules,
            "fixtures/variants",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 3, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The failing rule fails alike everywhere; the working one still compares.
    assert_eq!(v["findings"]["same"], 1);
    assert_eq!(v["findings"]["differ"][0]["rule"], "xx.test.stake");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A synthetic filing matrix and timeline (the values are placeholders, not regulatory
/// figures): the regime and timeline sections list what differs and count the rest.
#[test]
fn regimes_and_timelines_list_what_differs() {
    let paths: Vec<String> = VARIANTS[..2]
        .iter()
        .map(|v| format!("fixtures/variants/{v}.json"))
        .collect();
    let mut list = screened(&paths);
    let row = |regime: &str, verdict: &str, clock: &str| {
        serde_json::from_value::<dealscreen::matrix::MatrixRow>(json!({
            "regime": regime, "name": format!("regime {regime}"), "jurisdiction": "XX",
            "verdict": verdict, "decided_by": format!("{regime}.rule"),
            "obligation": "mandatory", "suspensory": true, "when_to_file": "w",
            "review_clock": clock, "who_files": "p", "penalty": "n", "sources": ["s"]
        }))
        .unwrap()
    };
    let timeline = |earliest: &str, worst: Option<&str>| {
        serde_json::from_value::<dealscreen::timeline::Timeline>(json!({
            "filing": "2024-06-17", "filing_assumed": false, "filing_basis": "b",
            "outside": "2025-03-31",
            "regimes": [{
                "regime": "x.one", "name": "regime x.one",
                "earliest": { "date": earliest, "basis": "b" },
                "worst": worst.map(|w| json!({ "date": w, "basis": "b" })),
                "passes_outside": false
            }],
            "drives_closing": "x.one"
        }))
        .unwrap()
    };
    list[0].2.matrix = vec![
        row("x.one", "not_required", "clock 1"),
        row("x.two", "cannot_determine", "clock 2"),
        row("x.three", "filing_required", "clock 3"),
    ];
    list[1].2.matrix = vec![
        row("x.one", "filing_required", "clock 1"),
        row("x.two", "cannot_determine", "clock 2"),
        row("x.three", "filing_required", "clock 3b"),
    ];
    list[0].2.timeline = None;
    list[1].2.timeline = Some(timeline("2024-07-17", None));
    let c = compare(&variants(&list)).unwrap();
    assert_eq!(c.regimes.same, 1);
    let ids: Vec<&str> = c.regimes.differ.iter().map(|r| r.regime.as_str()).collect();
    assert_eq!(ids, ["x.one", "x.three"]);
    use dealscreen::compare::Aspect;
    assert_eq!(c.regimes.differ[0].differs, [Aspect::Verdict]);
    assert_eq!(c.regimes.differ[1].differs, [Aspect::ReviewClock]);
    assert!(c.timeline.differ);
    assert!(c.timeline.variants[0].is_none());
    let t = c.timeline.variants[1].as_ref().unwrap();
    assert_eq!(t.drives_closing.as_deref(), Some("x.one"));
    assert_eq!(t.earliest_closing.unwrap().to_string(), "2024-07-17");
    // An unbounded worst case is not turned into a date.
    assert!(t.worst_closing.is_none());
    let text = c.to_text();
    assert!(
        text.contains("REGIMES: 2 regimes differ, 1 the same"),
        "{text}"
    );
    assert!(text.contains("not bounded"), "{text}");

    // Same timeline in both: not a difference.
    list[0].2.timeline = list[1].2.timeline.clone();
    let c = compare(&variants(&list)).unwrap();
    assert!(!c.timeline.differ);
    assert_eq!(c.timeline.regimes.same, 1);
}

#[test]
fn a_question_only_one_variant_raises_is_listed() {
    let paths: Vec<String> = VARIANTS[..2]
        .iter()
        .map(|v| format!("fixtures/variants/{v}.json"))
        .collect();
    let mut list = screened(&paths);
    // Variant A without its observer right: Guideline 11 cannot tell, so A asks for it.
    let mut doc = (*list[0].1.canonical).clone();
    doc["governance"]
        .as_object_mut()
        .unwrap()
        .remove("board_observer");
    let deal = ParsedDeal::from_value(doc).unwrap();
    let report = shipped().screen(&deal, &ScreenOptions::default()).unwrap();
    list[0] = ("no-observer-term".to_string(), deal, report);
    let c = compare(&variants(&list)).unwrap();
    let asked: Vec<(&str, &[bool])> = c
        .information_requests
        .differ
        .iter()
        .map(|q| (q.pointer.as_str(), q.raised.as_slice()))
        .collect();
    assert_eq!(
        asked,
        [("/governance/board_observer", [true, false].as_slice())]
    );
    let g11 = c
        .findings
        .differ
        .iter()
        .find(|f| f.rule == "us.guidelines.partial_ownership")
        .unwrap();
    assert_eq!(
        g11.cells[0].as_ref().unwrap().status,
        Status::InsufficientData
    );
    let observer = g11
        .facts
        .iter()
        .find(|x| x.pointer == "/governance/board_observer")
        .unwrap();
    assert_eq!(observer.texts, ["not given", "false"]);
}

#[test]
fn a_finding_not_screened_says_so_rather_than_not_in_force() {
    // The same stake closing before and on the day the 2023 Merger Guidelines were issued:
    // before, the 2010 Guidelines applied, which the pack does not screen.
    let path = root()
        .join("fixtures/deals/antitrust-2023-before-merger-guidelines-stake-in-competitor.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let after = text.replace("\"closing\": \"2023-11-15\"", "\"closing\": \"2023-12-18\"");
    assert_ne!(text, after);
    let screen = |t: &str| {
        let deal = ParsedDeal::from_slice(t.as_bytes()).unwrap();
        let report = shipped().screen(&deal, &ScreenOptions::default()).unwrap();
        (deal, report)
    };
    let (a, b) = (screen(&text), screen(&after));
    let list = [
        ("before".to_string(), a.0, a.1),
        ("issued".to_string(), b.0, b.1),
    ];
    let c = compare(&variants(&list)).unwrap();
    let row = c
        .findings
        .differ
        .iter()
        .find(|r| r.rule == "us.guidelines.hhi_presumption")
        .unwrap();
    assert!(row.cells[0].as_ref().unwrap().not_screened);
    assert!(
        c.to_text().contains("not screened (earlier law)"),
        "{}",
        c.to_text()
    );
}
