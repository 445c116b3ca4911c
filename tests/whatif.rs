//! What-if analysis: every flip it reports really flips the finding when applied, and the
//! expected single changes are found for the deals that show them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use common::*;
use dealscreen::whatif::{Change, analyse};
use dealscreen::{ParsedDeal, ScreenOptions, Status};

fn fixture(name: &str) -> ParsedDeal {
    parse(&root().join(format!("fixtures/deals/{name}.json")))
}

#[test]
fn every_reported_flip_really_flips() {
    for name in [
        "hsr-2025-threshold-change-closing-before",
        "hsr-passive-stake-with-board-seat",
        "hsr-observer-only-stake",
        "hsr-2024-just-above-threshold",
        "antitrust-hhi-2024-highly-concentrated-merger",
    ] {
        let deal = fixture(name);
        let w = analyse(shipped(), &deal, &ScreenOptions::default()).unwrap();
        assert!(w.caution.contains("801.90"));
        for flip in &w.flips {
            let report = match &flip.change {
                Change::Fact { pointer, to, .. } => {
                    let mut doc = (*deal.canonical).clone();
                    *doc.pointer_mut(pointer).unwrap() = to.clone();
                    let changed = ParsedDeal::from_value(doc).unwrap();
                    let opts = ScreenOptions {
                        as_of: Some(w.as_of),
                        ..ScreenOptions::default()
                    };
                    shipped().screen(&changed, &opts).unwrap()
                }
                Change::Date { to, .. } => {
                    let opts = ScreenOptions {
                        as_of: Some(*to),
                        ..ScreenOptions::default()
                    };
                    shipped().screen(&deal, &opts).unwrap()
                }
            };
            let got = report
                .findings
                .iter()
                .find(|f| f.rule == flip.rule)
                .unwrap()
                .status;
            assert_eq!(got, flip.to, "{name}: {}", flip.text);
            assert_ne!(flip.from, flip.to);
        }
    }
}

#[test]
fn finds_the_threshold_the_date_and_the_board_seat() {
    let w = analyse(
        shipped(),
        &fixture("hsr-2025-threshold-change-closing-before"),
        &ScreenOptions::default(),
    )
    .unwrap();
    let hsr: Vec<_> = w
        .flips
        .iter()
        .filter(|f| f.rule == "us.hsr.filing")
        .collect();
    assert!(hsr.iter().any(|f| f.to == Status::Clear
        && matches!(&f.change, Change::Fact { pointer, to, .. } if pointer == "/transaction/value_usd" && to.as_f64() == Some(119_500_000.0))));
    assert!(hsr.iter().any(|f| f.to == Status::Clear
        && matches!(&f.change, Change::Date { to, .. } if to.to_string() == "2025-02-21")));

    let w = analyse(
        shipped(),
        &fixture("hsr-passive-stake-with-board-seat"),
        &ScreenOptions::default(),
    )
    .unwrap();
    let seat = w
        .flips
        .iter()
        .find(|f| f.rule == "us.hsr.filing" && matches!(&f.change, Change::Fact { pointer, .. } if pointer == "/governance/board_seats"))
        .expect("giving up the board seat brings the stake under 802.9");
    assert_eq!(seat.to, Status::Clear);
    assert!(
        seat.also
            .iter()
            .any(|a| a.rule == "us.hsr.passive_exemption_at_risk" && a.to == Status::Clear)
    );

    let w = analyse(
        shipped(),
        &fixture("hsr-observer-only-stake"),
        &ScreenOptions::default(),
    )
    .unwrap();
    assert!(w.flips.iter().any(|f| f.rule == "us.hsr.passive_exemption_at_risk"
        && matches!(&f.change, Change::Fact { pointer, .. } if pointer == "/governance/board_observer")));
}

#[test]
fn headroom_lists_every_test_nearest_first() {
    let deal = fixture("hsr-2024-just-above-threshold");
    let report = shipped().screen(&deal, &ScreenOptions::default()).unwrap();
    let w = analyse(shipped(), &deal, &ScreenOptions::default()).unwrap();
    let tests: usize = report.findings.iter().map(|f| f.comparisons.len()).sum();
    assert!(w.headroom.len() <= tests && !w.headroom.is_empty());
    let sot = w
        .headroom
        .iter()
        .find(|h| h.parameter == "us.hsr.size_of_transaction_usd")
        .unwrap();
    assert!(sot.text.contains("($500,000 above)"), "{}", sot.text);
}

#[test]
fn cli_what_if_text_and_json() {
    let (code, out, _) = cli(
        &[
            "what-if",
            "fixtures/deals/hsr-2025-threshold-change-closing-before.json",
        ],
        None,
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
    let (code, json, _) = cli(
        &[
            "what-if",
            "--format",
            "json",
            "fixtures/deals/hsr-observer-only-stake.json",
        ],
        None,
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["flips"].as_array().is_some_and(|f| !f.is_empty()));
    let (code, _, _) = cli(&["what-if", "fixtures/invalid/pct-over-100.json"], None);
    assert_eq!(code, 2);
}
