//! What-if analysis: the headroom of every threshold test, and for each triggered or
//! undecided finding the smallest change of a single fact (or of the screening date) that
//! changes its answer — found from the comparisons the rules recorded and by re-screening,
//! never from hand-written hints in rules.

use serde::Serialize;
use serde_json::Value;

use crate::date::Date;
use crate::deal::ParsedDeal;
use crate::fact_labels::label;
use crate::finding::{Finding, Operator, Status};
use crate::format;
use crate::report::Report;
use crate::ruleset::RuleSet;
use crate::screen::{ScreenError, ScreenOptions};

/// How far one threshold test is from flipping.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Headroom {
    /// The rule that made the test.
    pub rule: String,
    /// The test in one sentence, with its margin.
    pub text: String,
    /// The parameter tested against.
    pub parameter: String,
    /// `fact - threshold`.
    pub margin: f64,
    /// The margin as a share of the threshold (0.03 = 3% from flipping).
    pub relative_margin: f64,
}

/// A single change to the deal, or to the screening date.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// One fact set to another value.
    Fact {
        /// The fact.
        pointer: String,
        /// Its value in the deal.
        from: Value,
        /// The value that changes the answer.
        to: Value,
    },
    /// The deal screened as of another date (e.g. a later closing).
    Date {
        /// The screening date used.
        from: Date,
        /// The date that changes the answer.
        to: Date,
    },
}

/// Another finding that the same change moves.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlsoChanges {
    /// The rule.
    pub rule: String,
    /// Its status now.
    pub from: Status,
    /// Its status after the change.
    pub to: Status,
}

/// A change that flips a finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flip {
    /// The finding flipped.
    pub rule: String,
    /// Its status now.
    pub from: Status,
    /// Its status after the change.
    pub to: Status,
    /// The change.
    pub change: Change,
    /// The change in words.
    pub text: String,
    /// Every other finding the same change moves.
    pub also: Vec<AlsoChanges>,
}

/// The what-if analysis of one deal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIf {
    /// The deal.
    pub deal: String,
    /// The screening date.
    pub as_of: Date,
    /// Every threshold test, nearest to flipping first.
    pub headroom: Vec<Headroom>,
    /// For each triggered or undecided finding, the single changes that move it.
    pub flips: Vec<Flip>,
    /// How to read this analysis.
    pub caution: String,
}

const CAUTION: &str = "This is sensitivity analysis of the screening, not structuring advice: \
structuring or timing a deal to avoid a filing obligation is itself scrutinised, and under \
16 CFR 801.90 a device for avoiding the HSR Act is disregarded.";

fn step(unit: &str, threshold: f64) -> f64 {
    let base: f64 = match unit {
        "pct" => 0.01,
        "usd" | "eur" | "gbp" => 1.0,
        _ => 0.0,
    };
    base.max(threshold.abs() * 1e-12).max(f64::MIN_POSITIVE)
}

/// The value just across the threshold on the other side of the test's outcome.
fn across(op: Operator, outcome: bool, threshold: f64, step: f64) -> f64 {
    match (op, outcome) {
        (Operator::Gt, true) | (Operator::Lt, false) => threshold,
        (Operator::Gt, false) | (Operator::Le, true) => threshold + step,
        (Operator::Ge, true) | (Operator::Lt, true) => threshold - step,
        (Operator::Ge, false) | (Operator::Le, false) => threshold,
    }
}

fn statuses(r: &Report) -> Vec<(String, Status)> {
    r.findings
        .iter()
        .map(|f| (f.rule.clone(), f.status))
        .collect()
}

struct Candidate {
    change: Change,
    text: String,
    distance: f64,
}

/// Runs the what-if analysis of `deal` with `rules`.
pub fn analyse(
    rules: &RuleSet,
    deal: &ParsedDeal,
    options: &ScreenOptions,
) -> Result<WhatIf, ScreenError> {
    let base = rules.screen(deal, options)?;
    let base_status = statuses(&base);
    let mut headroom: Vec<Headroom> = base
        .findings
        .iter()
        .flat_map(|f| {
            f.comparisons.iter().map(|c| Headroom {
                rule: f.rule.clone(),
                text: c.text.clone(),
                parameter: c.parameter.name.clone(),
                margin: c.margin,
                relative_margin: c.margin.abs() / c.parameter.value.abs().max(f64::MIN_POSITIVE),
            })
        })
        .collect();
    headroom.sort_by(|a, b| {
        a.relative_margin
            .total_cmp(&b.relative_margin)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.text.cmp(&b.text))
    });
    headroom.dedup_by(|a, b| a.text == b.text && a.rule == b.rule);

    let mut flips = Vec::new();
    for f in base
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Triggered | Status::InsufficientData))
    {
        for cand in candidates(f, base.as_of) {
            let (report, _) = match &cand.change {
                Change::Fact { pointer, to, .. } => {
                    let mut doc = (*deal.canonical).clone();
                    match doc.pointer_mut(pointer) {
                        Some(slot) => *slot = to.clone(),
                        None => continue,
                    }
                    let Ok(changed) = ParsedDeal::from_value(doc) else {
                        continue;
                    };
                    let opts = ScreenOptions {
                        as_of: Some(base.as_of),
                        ..options.clone()
                    };
                    (rules.screen(&changed, &opts)?, ())
                }
                Change::Date { to, .. } => {
                    let opts = ScreenOptions {
                        as_of: Some(*to),
                        ..options.clone()
                    };
                    (rules.screen(deal, &opts)?, ())
                }
            };
            let after = statuses(&report);
            let Some(new_status) = after.iter().find(|(r, _)| r == &f.rule).map(|(_, s)| *s) else {
                continue;
            };
            // A flip is a different decided answer; moving to "cannot tell" or "not in
            // force" tells a reviewer nothing about the deal's structure.
            if new_status == f.status || !matches!(new_status, Status::Clear | Status::Triggered) {
                continue;
            }
            let mut also: Vec<AlsoChanges> = base_status
                .iter()
                .filter(|(r, _)| r != &f.rule)
                .filter_map(|(r, a)| {
                    let b = after.iter().find(|(r2, _)| r2 == r).map(|(_, s)| *s)?;
                    (b != *a).then(|| AlsoChanges {
                        rule: r.clone(),
                        from: *a,
                        to: b,
                    })
                })
                .collect();
            also.sort_by(|a, b| a.rule.cmp(&b.rule));
            flips.push((
                cand.distance,
                Flip {
                    rule: f.rule.clone(),
                    from: f.status,
                    to: new_status,
                    change: cand.change,
                    text: cand.text,
                    also,
                },
            ));
        }
    }
    // Per finding, smallest change first.
    flips.sort_by(|(da, a), (db, b)| {
        a.rule
            .cmp(&b.rule)
            .then(da.total_cmp(db))
            .then_with(|| a.text.cmp(&b.text))
    });
    let mut flips: Vec<Flip> = flips.into_iter().map(|(_, f)| f).collect();
    flips.dedup_by(|a, b| a.rule == b.rule && a.change == b.change);
    Ok(WhatIf {
        deal: deal.deal.id.clone(),
        as_of: base.as_of,
        headroom,
        flips,
        caution: CAUTION.to_string(),
    })
}

/// Single changes worth trying for one finding: each threshold test moved just across its
/// threshold, each yes/no fact it read turned over, and the screening date moved into the
/// next or previous period of each dated figure it used.
fn candidates(f: &Finding, as_of: Date) -> Vec<Candidate> {
    let mut out = Vec::new();
    for c in &f.comparisons {
        let Some(pointer) = &c.fact.pointer else {
            continue;
        };
        let to = across(
            c.op,
            c.outcome,
            c.parameter.value,
            step(&c.parameter.unit, c.parameter.value),
        );
        if to < 0.0 || to == c.fact.value {
            continue;
        }
        let distance = (to - c.fact.value).abs() / c.fact.value.abs().max(1e-9);
        let figure = f
            .parameters
            .iter()
            .find(|p| p.name == c.parameter.name)
            .map_or(c.parameter.name.clone(), |p| p.description.clone());
        out.push(Candidate {
            text: format!(
                "{} of {} instead of {} (the {} in force from {} is {})",
                label(pointer),
                format::in_unit(&c.parameter.unit, to),
                format::in_unit(&c.parameter.unit, c.fact.value),
                figure,
                c.parameter.from,
                format::in_unit(&c.parameter.unit, c.parameter.value)
            ),
            change: Change::Fact {
                pointer: pointer.clone(),
                from: Value::from(c.fact.value),
                to: Value::from(to),
            },
            distance,
        });
    }
    for fact in &f.facts {
        // A count the rule read but did not compare (board seats): try none.
        if let Some(n) = fact.value.as_f64()
            && n >= 1.0
            && crate::fact_labels::is_count(&fact.pointer)
            && !f
                .comparisons
                .iter()
                .any(|c| c.fact.pointer.as_deref() == Some(fact.pointer.as_str()))
        {
            out.push(Candidate {
                text: format!(
                    "{}: none instead of {}",
                    label(&fact.pointer),
                    format::number(n)
                ),
                change: Change::Fact {
                    pointer: fact.pointer.clone(),
                    from: fact.value.clone(),
                    to: Value::from(0u64),
                },
                distance: 1.0,
            });
        }
        if let Value::Bool(b) = fact.value {
            out.push(Candidate {
                text: format!(
                    "{}: {} instead of {}",
                    label(&fact.pointer),
                    if b { "no" } else { "yes" },
                    if b { "yes" } else { "no" }
                ),
                change: Change::Fact {
                    pointer: fact.pointer.clone(),
                    from: Value::Bool(b),
                    to: Value::Bool(!b),
                },
                // A yes/no change is a whole step; rank it after small numeric moves.
                distance: 1.0,
            });
        }
    }
    for p in &f.parameters {
        let mut dates = Vec::new();
        if let Some(until) = p.until {
            dates.push(until.civil().tomorrow().ok().map(|d| (d, "on or after")));
        }
        dates.push(Some((p.from.previous_day().civil(), "on or before")));
        for (to, words) in dates.into_iter().flatten() {
            let Some(to) = Date::from_ymd(to.year(), to.month(), to.day()) else {
                continue;
            };
            // Tables that start at a placeholder date (a convention, not a legal date) and
            // the screening date itself are no use.
            if to == as_of || to.year() < 1990 {
                continue;
            }
            let days = (to.civil() - as_of.civil()).get_days().unsigned_abs();
            out.push(Candidate {
                text: format!(
                    "screening (closing) {words} {to} instead of {as_of}, when the figures of {} period apply",
                    if to > as_of { "the next" } else { "the previous" }
                ),
                change: Change::Date { from: as_of, to },
                distance: 2.0 + f64::from(days) / 1e5,
            });
        }
    }
    out
}

/// The analysis as plain text.
pub fn to_text(w: &WhatIf) -> String {
    let mut out = format!("what-if analysis: {} as of {}\n\n", w.deal, w.as_of);
    out.push_str("Headroom of every threshold test (nearest first):\n");
    for h in &w.headroom {
        out.push_str(&format!(
            "  - [{}] {} ({}% from the figure)\n",
            h.rule,
            h.text,
            format::plain((h.relative_margin * 1000.0).round() / 10.0)
        ));
    }
    out.push_str("\nSingle changes that would change an answer:\n");
    if w.flips.is_empty() {
        out.push_str("  (none found among the facts and dates the rules tested)\n");
    }
    for f in &w.flips {
        out.push_str(&format!(
            "  - {}: {} -> {} with {}\n",
            f.rule,
            f.from.as_str(),
            f.to.as_str(),
            f.text
        ));
        for a in &f.also {
            out.push_str(&format!(
                "      also {}: {} -> {}\n",
                a.rule,
                a.from.as_str(),
                a.to.as_str()
            ));
        }
    }
    out.push_str(&format!("\n{}\n", w.caution));
    out
}
