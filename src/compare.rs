//! Variant comparison (`dealscreen/compare@1`): several structures of one deal screened with
//! the same pack, side by side: which regime verdicts, findings, fees, clearance dates and
//! information requests differ, and why.
//!
//! The "why" is read from what the rules recorded, never guessed: for a finding whose answer
//! differs, the facts that rule read (in any variant) whose values differ between the
//! variants, looked up in each variant's own deal so a fact one variant never reached still
//! shows its value; and the threshold tests whose outcome differs, or that only some
//! variants reached.
//!
//! What is the same everywhere is counted, not listed: a reader comparing structures wants
//! the differences.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;
use crate::deal::{DEAL_SCHEMA, ParsedDeal};
use crate::fact_labels;
use crate::finding::{Comparison, Finding, Operator, Severity, Status};
use crate::matrix::{MatrixRow, Verdict};
use crate::report::{Counts, Report, RulesetRef};

/// The `schema` value of a v1 comparison.
pub const COMPARE_SCHEMA: &str = "dealscreen/compare@1";

/// Why variants cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    /// Fewer than two variants.
    #[error("a comparison needs at least two variants, got {0}")]
    TooFew(usize),
    /// Two variants share a label, so their columns could not be told apart.
    #[error("two variants are labelled `{0}`: labels must be unique")]
    DuplicateLabel(String),
    /// A variant's deal is in another format than the first one's.
    #[error(
        "variant `{label}` is a `{found}` deal but `{first}` is a `{expected}` deal: variants must use one deal format"
    )]
    DealSchema {
        /// The variant that differs.
        label: String,
        /// Its deal format.
        found: String,
        /// The first variant's label.
        first: String,
        /// The first variant's deal format.
        expected: String,
    },
    /// A variant's report is in another format than the first one's.
    #[error(
        "variant `{label}` has a `{found}` report but `{first}` has a `{expected}` report: screen every variant with the same version"
    )]
    ReportSchema {
        /// The variant that differs.
        label: String,
        /// Its report format.
        found: String,
        /// The first variant's label.
        first: String,
        /// The first variant's report format.
        expected: String,
    },
    /// A variant was screened with another rule pack.
    #[error(
        "variant `{label}` was screened with another rule pack (sha256 {found}) than `{first}` ({expected}): screen every variant with the same pack"
    )]
    Pack {
        /// The variant that differs.
        label: String,
        /// Its pack digest.
        found: String,
        /// The first variant's label.
        first: String,
        /// The first variant's pack digest.
        expected: String,
    },
}

/// One variant to compare: a label (a column heading), the deal and its report.
#[derive(Clone, Copy, Debug)]
pub struct Variant<'a> {
    /// Column heading, e.g. the file stem.
    pub label: &'a str,
    /// The deal as parsed (facts are looked up in it by pointer).
    pub deal: &'a ParsedDeal,
    /// The deal's report.
    pub report: &'a Report,
}

/// A variant in the comparison's heading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VariantRef {
    /// The label (column heading).
    pub label: String,
    /// Deal id.
    pub deal_id: String,
    /// Deal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_name: Option<String>,
    /// SHA-256 of the deal's canonical JSON.
    pub deal_digest: String,
    /// The date thresholds and rules in force were chosen for.
    pub as_of: Date,
    /// Findings by status.
    pub counts: Counts,
    /// Highest severity among triggered findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highest_severity: Option<Severity>,
}

/// Rows that differ between the variants, listed, and how many rows are the same everywhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section<T> {
    /// The rows that differ, one cell per variant in each.
    pub differ: Vec<T>,
    /// How many rows are the same in every variant (not listed).
    pub same: usize,
}

impl<T> Default for Section<T> {
    fn default() -> Self {
        Section {
            differ: Vec::new(),
            same: 0,
        }
    }
}

/// What can differ in a regime row.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The verdict.
    Verdict,
    /// The deciding rule.
    DecidedBy,
    /// The fee.
    Fee,
    /// The review clock.
    ReviewClock,
}

impl Aspect {
    /// The aspect in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Verdict => "verdict",
            Aspect::DecidedBy => "deciding rule",
            Aspect::Fee => "fee",
            Aspect::ReviewClock => "review clock",
        }
    }
}

/// A fee in one variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FeeCell {
    /// Amount in `currency`.
    pub amount: f64,
    /// ISO 4217 code.
    pub currency: String,
    /// The fee in words, with its basis.
    pub text: String,
    /// True when the amount is only a lower bound.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
}

/// A regime's row in one variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RegimeCell {
    /// The verdict.
    pub verdict: Verdict,
    /// The rule whose finding gave the verdict.
    pub decided_by: String,
    /// The fee, where the deciding rule computed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeCell>,
    /// The review clock in words.
    pub review_clock: String,
}

/// A regime whose row differs between the variants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RegimeDiff {
    /// Regime id.
    pub regime: String,
    /// Regime name.
    pub name: String,
    /// One cell per variant (`null` where the variant's report has no row for the regime).
    pub cells: Vec<Option<RegimeCell>>,
    /// What differs.
    pub differs: Vec<Aspect>,
    /// The deciding rules; why their answers differ is in the findings section.
    pub decided_by: Vec<String>,
}

/// A finding's answer in one variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingCell {
    /// The outcome.
    pub status: Status,
    /// For triggered findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The finding's explanation.
    pub explanation: String,
}

/// A fact whose value differs between the variants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FactDiff {
    /// JSON pointer.
    pub pointer: String,
    /// The fact in words.
    pub label: String,
    /// The value in each variant's deal (`null`: not given).
    pub values: Vec<Option<Value>>,
    /// The values for reading ("not given" when absent).
    pub texts: Vec<String>,
}

/// A threshold test in one variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TestCell {
    /// The value tested.
    pub value: f64,
    /// The threshold.
    pub threshold: f64,
    /// First day of the period the threshold belongs to.
    pub threshold_from: Date,
    /// Whether the test held.
    pub outcome: bool,
    /// The test in one sentence, as the rule recorded it.
    pub text: String,
}

/// A threshold test whose outcome differs between the variants, or that only some reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TestDiff {
    /// What was tested, in words.
    pub subject: String,
    /// The parameter tested against.
    pub parameter: String,
    /// The operator.
    pub op: Operator,
    /// Unit of the values.
    pub unit: String,
    /// One cell per variant (`null`: the rule did not reach this test).
    pub cells: Vec<Option<TestCell>>,
    /// Set when the thresholds differ (variants screened as of different dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_note: Option<String>,
}

/// A finding whose answer differs between the variants, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingDiff {
    /// Rule id.
    pub rule: String,
    /// The question the rule answers.
    pub title: String,
    /// The regime the rule belongs to.
    pub regime: String,
    /// One cell per variant (`null` where the variant's report has no finding for the rule).
    pub cells: Vec<Option<FindingCell>>,
    /// The facts the rule read (in any variant) whose values differ between the variants.
    pub facts: Vec<FactDiff>,
    /// The threshold tests whose outcome differs, or that only some variants reached.
    pub tests: Vec<TestDiff>,
}

/// A fee that differs between the variants: the fee a rule computed in some variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FeeDiff {
    /// The rule whose finding computes the fee.
    pub rule: String,
    /// The regime the rule belongs to.
    pub regime: String,
    /// One cell per variant (`null`: no fee, because no filing is required or the answer is
    /// not known; the status says which).
    pub cells: Vec<Option<FeeCell>>,
    /// The finding's status in each variant (`null`: no finding).
    pub statuses: Vec<Option<Status>>,
}

/// A regime's clearance dates in one variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClearanceCell {
    /// Earliest clearance.
    pub earliest: Date,
    /// Worst case, where bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<Date>,
    /// True when the worst case (or the earliest) falls after the outside date.
    pub passes_outside: bool,
    /// True when the worst-case branch has no legal bound: `worst` is then an estimate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unbounded: bool,
}

/// A regime whose clearance dates differ between the variants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClearanceDiff {
    /// Regime id.
    pub regime: String,
    /// Regime name.
    pub name: String,
    /// One cell per variant (`null`: the regime is not on that variant's timeline).
    pub cells: Vec<Option<ClearanceCell>>,
}

/// A variant's timeline in brief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TimelineCell {
    /// The filing date the clocks run from.
    pub filing: Date,
    /// True when the filing date is assumed.
    pub filing_assumed: bool,
    /// How many triggered suspensory regimes are on the timeline.
    pub suspensory_regimes: usize,
    /// The regime that drives closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drives_closing: Option<String>,
    /// The latest earliest-clearance date of all regimes: the earliest the deal can close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_closing: Option<Date>,
    /// The latest worst-case date, when every regime on the timeline has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst_closing: Option<Date>,
    /// True when some regime's worst case has no legal bound, so `worst_closing` is an
    /// estimate (e.g. an average duration), not a limit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub worst_is_estimate: bool,
    /// True when some regime's clearance falls after the outside date.
    pub passes_outside: bool,
    /// The timeline's caveats (e.g. undecided suspensory regimes whose clocks are not counted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Clearance timelines side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TimelineDiff {
    /// One cell per variant (`null`: no suspensory regime triggered, or no timeline computed).
    pub variants: Vec<Option<TimelineCell>>,
    /// True when the cells above differ.
    pub differ: bool,
    /// Per regime on some timeline.
    pub regimes: Section<ClearanceDiff>,
}

/// An information request that some variants raise and others do not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestDiff {
    /// JSON pointer of the missing fact.
    pub pointer: String,
    /// The question.
    pub question: String,
    /// Whether each variant raises it.
    pub raised: Vec<bool>,
    /// The rules that wait on it, in any variant.
    pub unblocks: Vec<String>,
}

/// Several structures of one deal, compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "dealscreen variant comparison, v1")]
pub struct VariantComparison {
    /// `"dealscreen/compare@1"`.
    pub schema: String,
    /// The variants, in the order given: every `cells` list follows this order.
    pub variants: Vec<VariantRef>,
    /// The rule pack every variant was screened with.
    pub ruleset: RulesetRef,
    /// Warnings: different deal ids, different screening dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Filing-matrix rows (regimes) whose verdict, deciding rule, fee or clock differ.
    pub regimes: Section<RegimeDiff>,
    /// Findings whose status or severity differ, with why.
    pub findings: Section<FindingDiff>,
    /// Regimes whose fee differs.
    pub fees: Section<FeeDiff>,
    /// Clearance timelines.
    pub timeline: TimelineDiff,
    /// Information requests raised by some variants only.
    pub information_requests: Section<RequestDiff>,
}

fn check(variants: &[Variant<'_>]) -> Result<(), CompareError> {
    let Some(first) = variants.first() else {
        return Err(CompareError::TooFew(0));
    };
    if variants.len() < 2 {
        return Err(CompareError::TooFew(variants.len()));
    }
    let mut labels = BTreeSet::new();
    for v in variants {
        if !labels.insert(v.label) {
            return Err(CompareError::DuplicateLabel(v.label.to_string()));
        }
    }
    // An absent `schema` is the v1 format (the parser accepts nothing else).
    let deal_schema = |v: &Variant<'_>| {
        v.deal
            .deal
            .schema
            .clone()
            .unwrap_or_else(|| DEAL_SCHEMA.to_string())
    };
    for v in &variants[1..] {
        if deal_schema(v) != deal_schema(first) {
            return Err(CompareError::DealSchema {
                label: v.label.to_string(),
                found: deal_schema(v),
                first: first.label.to_string(),
                expected: deal_schema(first),
            });
        }
        if v.report.schema != first.report.schema {
            return Err(CompareError::ReportSchema {
                label: v.label.to_string(),
                found: v.report.schema.clone(),
                first: first.label.to_string(),
                expected: first.report.schema.clone(),
            });
        }
        if v.report.ruleset.digest != first.report.ruleset.digest {
            return Err(CompareError::Pack {
                label: v.label.to_string(),
                found: short(&v.report.ruleset.digest).to_string(),
                first: first.label.to_string(),
                expected: short(&first.report.ruleset.digest).to_string(),
            });
        }
    }
    Ok(())
}

fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

/// True when every item equals the first.
fn all_same<T: PartialEq>(items: &[T]) -> bool {
    items.windows(2).all(|w| w[0] == w[1])
}

/// Compares variants screened with the same pack. Refuses fewer than two variants, repeated
/// labels, different deal or report formats and different packs.
pub fn compare(variants: &[Variant<'_>]) -> Result<VariantComparison, CompareError> {
    check(variants)?;
    let mut notes = Vec::new();
    let ids: Vec<&str> = variants.iter().map(|v| v.report.deal.id.as_str()).collect();
    if !all_same(&ids) {
        notes.push(format!(
            "The variants are different deal descriptions ({}): they are compared as alternative structures of one deal.",
            ids.iter()
                .zip(variants)
                .map(|(id, v)| if v.label == *id {
                    (*id).to_string()
                } else {
                    format!("{} = {id}", v.label)
                })
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let dates: Vec<Date> = variants.iter().map(|v| v.report.as_of).collect();
    let dates_differ = !all_same(&dates);
    if dates_differ {
        notes.push(format!(
            "The variants are screened as of different dates ({}): rules in force and thresholds may differ for that reason alone; each threshold test below says when its threshold differs.",
            dates
                .iter()
                .zip(variants)
                .map(|(d, v)| format!("{} as of {d}", v.label))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let first = &variants[0];
    Ok(VariantComparison {
        schema: COMPARE_SCHEMA.to_string(),
        variants: variants
            .iter()
            .map(|v| VariantRef {
                label: v.label.to_string(),
                deal_id: v.report.deal.id.clone(),
                deal_name: v.report.deal.name.clone(),
                deal_digest: v.report.deal.digest.clone(),
                as_of: v.report.as_of,
                counts: v.report.summary.counts.clone(),
                highest_severity: v.report.summary.highest_severity,
            })
            .collect(),
        ruleset: first.report.ruleset.clone(),
        notes,
        regimes: regimes(variants),
        findings: findings(variants),
        fees: fees(variants),
        timeline: timeline(variants),
        information_requests: requests(variants),
    })
}

/// Keys in first-seen order over the variants: the first variant's order, then what later
/// variants add.
fn ordered_keys<'a, I>(lists: impl Iterator<Item = I>) -> Vec<String>
where
    I: Iterator<Item = &'a str>,
{
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for list in lists {
        for k in list {
            if seen.insert(k.to_string()) {
                out.push(k.to_string());
            }
        }
    }
    out
}

fn row<'a>(report: &'a Report, regime: &str) -> Option<&'a MatrixRow> {
    report.matrix.iter().find(|r| r.regime == regime)
}

fn fee_cell(fee: &crate::matrix::Fee) -> FeeCell {
    FeeCell {
        amount: fee.amount,
        currency: fee.currency.clone(),
        text: fee.text.clone(),
        at_least: fee.at_least,
    }
}

/// True when one projection of the cells differs between variants (a missing cell counts as
/// a value of its own).
fn differ_in<C, T: PartialEq>(cells: &[Option<C>], f: impl Fn(&C) -> T) -> bool {
    let vals: Vec<Option<T>> = cells.iter().map(|c| c.as_ref().map(&f)).collect();
    !all_same(&vals)
}

fn regimes(variants: &[Variant<'_>]) -> Section<RegimeDiff> {
    let keys = ordered_keys(
        variants
            .iter()
            .map(|v| v.report.matrix.iter().map(|r| r.regime.as_str())),
    );
    let mut out = Section::default();
    for key in keys {
        let rows: Vec<Option<&MatrixRow>> = variants.iter().map(|v| row(v.report, &key)).collect();
        let cells: Vec<Option<RegimeCell>> = rows
            .iter()
            .map(|r| {
                r.map(|r| RegimeCell {
                    verdict: r.verdict,
                    decided_by: r.decided_by.clone(),
                    fee: r.fee.as_ref().map(fee_cell),
                    review_clock: r.review_clock.clone(),
                })
            })
            .collect();
        let mut differs = Vec::new();
        if differ_in(&cells, |c| c.verdict) {
            differs.push(Aspect::Verdict);
        }
        if differ_in(&cells, |c| c.decided_by.clone()) {
            differs.push(Aspect::DecidedBy);
        }
        if differ_in(&cells, |c| c.fee.clone()) {
            differs.push(Aspect::Fee);
        }
        if differ_in(&cells, |c| c.review_clock.clone()) {
            differs.push(Aspect::ReviewClock);
        }
        if differs.is_empty() {
            out.same += 1;
            continue;
        }
        let Some(any) = rows.iter().flatten().next() else {
            continue;
        };
        let decided_by: BTreeSet<String> = cells
            .iter()
            .flatten()
            .map(|c| c.decided_by.clone())
            .collect();
        out.differ.push(RegimeDiff {
            regime: key.clone(),
            name: any.name.clone(),
            cells,
            differs,
            decided_by: decided_by.into_iter().collect(),
        });
    }
    out
}

fn finding<'a>(report: &'a Report, rule: &str) -> Option<&'a Finding> {
    report.findings.iter().find(|f| f.rule == rule)
}

fn findings(variants: &[Variant<'_>]) -> Section<FindingDiff> {
    // Rule-id order: reports sort findings by severity, which itself differs by variant.
    let rules: BTreeSet<&str> = variants
        .iter()
        .flat_map(|v| v.report.findings.iter().map(|f| f.rule.as_str()))
        .collect();
    let mut out = Section::default();
    for rule in rules {
        let found: Vec<Option<&Finding>> =
            variants.iter().map(|v| finding(v.report, rule)).collect();
        let answers: Vec<Option<(Status, Option<Severity>)>> = found
            .iter()
            .map(|f| f.map(|f| (f.status, f.severity)))
            .collect();
        if all_same(&answers) {
            out.same += 1;
            continue;
        }
        let Some(any) = found.iter().flatten().next() else {
            continue;
        };
        out.differ.push(FindingDiff {
            rule: rule.to_string(),
            title: any.title.clone(),
            regime: any.regime.clone(),
            cells: found
                .iter()
                .map(|f| {
                    f.map(|f| FindingCell {
                        status: f.status,
                        severity: f.severity,
                        explanation: f.explanation.clone(),
                    })
                })
                .collect(),
            facts: fact_diffs(variants, &found),
            tests: test_diffs(variants, &found),
        });
    }
    out
}

/// A fact's value for reading; strings without JSON quotes.
pub fn value_text(pointer: &str, value: Option<&Value>) -> String {
    match value {
        None => "not given".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) if a.is_empty() => "none".to_string(),
        Some(v) => {
            // `voting_pct_after` and the like are percentages though the unit is not last.
            let field = pointer.rsplit('/').next().unwrap_or("");
            match v.as_f64() {
                Some(n) if field.contains("_pct_") => crate::format::pct(n),
                _ => crate::report::fact_text(pointer, v),
            }
        }
    }
}

fn fact_diffs(variants: &[Variant<'_>], found: &[Option<&Finding>]) -> Vec<FactDiff> {
    // Every pointer the rule read or missed in any variant, in first-read order.
    let pointers = ordered_keys(found.iter().flatten().map(|f| {
        f.facts
            .iter()
            .map(|x| x.pointer.as_str())
            .chain(f.missing.iter().map(String::as_str))
    }));
    let mut out = Vec::new();
    for pointer in pointers {
        let values: Vec<Option<Value>> = variants
            .iter()
            .map(|v| v.deal.canonical.pointer(&pointer).cloned())
            .collect();
        if all_same(&values) {
            continue;
        }
        out.push(FactDiff {
            label: fact_labels::label(&pointer),
            texts: values
                .iter()
                .map(|v| value_text(&pointer, v.as_ref()))
                .collect(),
            pointer,
            values,
        });
    }
    out
}

/// The key that matches one threshold test across variants: what was tested against which
/// parameter, and how many such tests came before it in the same finding.
fn test_keys(f: &Finding) -> Vec<(String, &Comparison)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    f.comparisons
        .iter()
        .map(|c| {
            let subject = c
                .fact
                .pointer
                .clone()
                .unwrap_or_else(|| c.fact.label.clone());
            let base = format!("{subject}\u{1f}{}\u{1f}{:?}", c.parameter.name, c.op);
            let n = counts.entry(base.clone()).or_default();
            *n += 1;
            (format!("{base}\u{1f}{n}"), c)
        })
        .collect()
}

fn test_diffs(variants: &[Variant<'_>], found: &[Option<&Finding>]) -> Vec<TestDiff> {
    let keyed: Vec<Vec<(String, &Comparison)>> = found
        .iter()
        .map(|f| f.map(test_keys).unwrap_or_default())
        .collect();
    let keys = ordered_keys(keyed.iter().map(|k| k.iter().map(|(k, _)| k.as_str())));
    let mut out = Vec::new();
    for key in keys {
        let tests: Vec<Option<&Comparison>> = keyed
            .iter()
            .map(|k| k.iter().find(|(x, _)| *x == key).map(|(_, c)| *c))
            .collect();
        let outcomes: Vec<Option<bool>> = tests.iter().map(|c| c.map(|c| c.outcome)).collect();
        let thresholds: Vec<f64> = tests.iter().flatten().map(|c| c.parameter.value).collect();
        let threshold_differs = !all_same(&thresholds);
        if all_same(&outcomes) && !threshold_differs {
            continue;
        }
        let Some(any) = tests.iter().flatten().next() else {
            continue;
        };
        let unit = any.parameter.unit.clone();
        let threshold_note = threshold_differs.then(|| {
            let per: Vec<String> = tests
                .iter()
                .zip(variants)
                .filter_map(|(c, v)| {
                    c.map(|c| {
                        format!(
                            "{} {} (in force from {}, as of {})",
                            v.label,
                            crate::format::in_unit(&unit, c.parameter.value),
                            c.parameter.from,
                            v.report.as_of
                        )
                    })
                })
                .collect();
            format!(
                "The threshold differs between the variants because they are screened as of different dates: {}.",
                per.join("; ")
            )
        });
        out.push(TestDiff {
            subject: any
                .fact
                .pointer
                .as_deref()
                .map(fact_labels::label)
                .unwrap_or_else(|| any.fact.label.clone()),
            parameter: any.parameter.name.clone(),
            op: any.op,
            unit: unit.clone(),
            cells: tests
                .iter()
                .map(|c| {
                    c.map(|c| TestCell {
                        value: c.fact.value,
                        threshold: c.parameter.value,
                        threshold_from: c.parameter.from,
                        outcome: c.outcome,
                        text: c.text.clone(),
                    })
                })
                .collect(),
            threshold_note,
        });
    }
    out
}

fn fees(variants: &[Variant<'_>]) -> Section<FeeDiff> {
    // From the findings, which carry the fee whether or not a filing matrix is built; rule
    // order, as in the findings section.
    let rules: BTreeSet<&str> = variants
        .iter()
        .flat_map(|v| {
            v.report
                .findings
                .iter()
                .filter(|f| f.fee.is_some())
                .map(|f| f.rule.as_str())
        })
        .collect();
    let mut out = Section::default();
    for rule in rules {
        let found: Vec<Option<&Finding>> =
            variants.iter().map(|v| finding(v.report, rule)).collect();
        let cells: Vec<Option<FeeCell>> = found
            .iter()
            .map(|f| f.and_then(|f| f.fee.as_ref()).map(fee_cell))
            .collect();
        if all_same(&cells) {
            out.same += 1;
            continue;
        }
        let Some(any) = found.iter().flatten().next() else {
            continue;
        };
        out.differ.push(FeeDiff {
            rule: rule.to_string(),
            regime: any.regime.clone(),
            cells,
            statuses: found.iter().map(|f| f.map(|f| f.status)).collect(),
        });
    }
    out
}

fn timeline(variants: &[Variant<'_>]) -> TimelineDiff {
    let cells: Vec<Option<TimelineCell>> = variants
        .iter()
        .map(|v| {
            v.report.timeline.as_ref().map(|t| TimelineCell {
                filing: t.filing,
                filing_assumed: t.filing_assumed,
                suspensory_regimes: t.regimes.len(),
                drives_closing: t.drives_closing.clone(),
                earliest_closing: t.regimes.iter().map(|r| r.earliest.date).max(),
                worst_closing: t
                    .regimes
                    .iter()
                    .map(|r| r.worst.as_ref().map(|w| w.date))
                    .collect::<Option<Vec<Date>>>()
                    .and_then(|w| w.into_iter().max()),
                worst_is_estimate: t.regimes.iter().any(|r| r.unbounded),
                passes_outside: t.regimes.iter().any(|r| r.passes_outside),
                notes: t.notes.clone(),
            })
        })
        .collect();
    let keys = ordered_keys(variants.iter().map(|v| {
        v.report
            .timeline
            .iter()
            .flat_map(|t| t.regimes.iter().map(|r| r.regime.as_str()))
    }));
    let mut regimes = Section::default();
    for key in keys {
        let entries: Vec<Option<&crate::timeline::RegimeTimeline>> = variants
            .iter()
            .map(|v| {
                v.report
                    .timeline
                    .as_ref()
                    .and_then(|t| t.regimes.iter().find(|r| r.regime == key))
            })
            .collect();
        let clearance: Vec<Option<ClearanceCell>> = entries
            .iter()
            .map(|e| {
                e.map(|e| ClearanceCell {
                    earliest: e.earliest.date,
                    worst: e.worst.as_ref().map(|w| w.date),
                    passes_outside: e.passes_outside,
                    unbounded: e.unbounded,
                })
            })
            .collect();
        if all_same(&clearance) {
            regimes.same += 1;
            continue;
        }
        let Some(any) = entries.iter().flatten().next() else {
            continue;
        };
        regimes.differ.push(ClearanceDiff {
            regime: key.clone(),
            name: any.name.clone(),
            cells: clearance,
        });
    }
    TimelineDiff {
        differ: !all_same(&cells),
        variants: cells,
        regimes,
    }
}

fn requests(variants: &[Variant<'_>]) -> Section<RequestDiff> {
    let keys = ordered_keys(variants.iter().map(|v| {
        v.report
            .information_requests
            .iter()
            .map(|q| q.pointer.as_str())
    }));
    let mut out = Section::default();
    for key in keys {
        let found: Vec<Option<&crate::report::InformationRequest>> = variants
            .iter()
            .map(|v| {
                v.report
                    .information_requests
                    .iter()
                    .find(|q| q.pointer == key)
            })
            .collect();
        let raised: Vec<bool> = found.iter().map(Option::is_some).collect();
        if raised.iter().all(|r| *r) {
            out.same += 1;
            continue;
        }
        let Some(any) = found.iter().flatten().next() else {
            continue;
        };
        let unblocks: BTreeSet<String> = found
            .iter()
            .flatten()
            .flat_map(|q| q.unblocks.iter().cloned())
            .collect();
        out.differ.push(RequestDiff {
            pointer: key.clone(),
            question: any.question.clone(),
            raised,
            unblocks: unblocks.into_iter().collect(),
        });
    }
    out
}

impl VariantComparison {
    /// The comparison as pretty JSON (stable: fields in declaration order, rows in a fixed
    /// order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

// ---------------------------------------------------------------------------------------
// Renderings. Every cell list follows `variants`; a missing cell prints as "—".

const TEXT_WIDTH: usize = 100;
const FIRST_COLUMN: usize = 30;

fn status_words(c: &FindingCell) -> String {
    match c.severity {
        Some(s) => format!("{} ({})", c.status.as_str().replace('_', " "), s.as_str()),
        None => c.status.as_str().replace('_', " "),
    }
}

fn money(amount: f64, currency: &str) -> String {
    match currency {
        "USD" => crate::format::usd(amount),
        "EUR" => crate::format::eur(amount),
        "GBP" => crate::format::gbp(amount),
        _ => format!("{} {currency}", crate::format::grouped(amount)),
    }
}

/// The verdict a finding's status stands for, for wording a fee cell.
fn as_verdict(status: Status) -> Verdict {
    match status {
        Status::Triggered => Verdict::FilingRequired,
        Status::Clear => Verdict::NotRequired,
        Status::InsufficientData => Verdict::CannotDetermine,
        Status::NotInForce => Verdict::NotInForce,
        Status::Error => Verdict::Error,
    }
}

fn fee_words(fee: Option<&FeeCell>, verdict: Option<Verdict>) -> String {
    match (fee, verdict) {
        (Some(f), _) if f.at_least => format!("at least {}", money(f.amount, &f.currency)),
        (Some(f), _) => money(f.amount, &f.currency),
        (None, Some(Verdict::FilingRequired)) => "no fee computed".to_string(),
        (None, Some(Verdict::CannotDetermine | Verdict::Error)) => "unknown".to_string(),
        (None, Some(_)) => "none".to_string(),
        (None, None) => "—".to_string(),
    }
}

fn test_head(t: &TestDiff) -> String {
    let relation = match t.op {
        Operator::Gt => ">",
        Operator::Ge => "≥",
        Operator::Lt => "<",
        Operator::Le => "≤",
    };
    match (&t.threshold_note, t.cells.iter().flatten().next()) {
        (None, Some(c)) => format!(
            "{} {relation} {} ({}, from {})",
            t.subject,
            crate::format::in_unit(&t.unit, c.threshold),
            t.parameter,
            c.threshold_from
        ),
        _ => format!("{} {relation} {}", t.subject, t.parameter),
    }
}

fn test_cell(t: &TestDiff, c: Option<&TestCell>) -> String {
    match c {
        None => "not reached".to_string(),
        Some(c) => {
            let value = crate::format::in_unit(&t.unit, c.value);
            let answer = if c.outcome { "yes" } else { "no" };
            if t.threshold_note.is_some() {
                format!(
                    "{value} vs {}: {answer}",
                    crate::format::in_unit(&t.unit, c.threshold)
                )
            } else {
                format!("{value}: {answer}")
            }
        }
    }
}

/// A worst-case date with what qualifies it.
fn worst_words(worst: Option<Date>, estimate: bool, late: bool) -> String {
    let mut quals = Vec::new();
    if estimate {
        quals.push("an estimate, not a bound");
    }
    if late {
        quals.push("after the outside date");
    }
    let quals = if quals.is_empty() {
        String::new()
    } else {
        format!(" ({})", quals.join("; "))
    };
    match worst {
        Some(d) => format!("{d}{quals}"),
        None => format!("not bounded{quals}"),
    }
}

fn timeline_cell(c: Option<&TimelineCell>) -> Vec<String> {
    match c {
        None => vec!["no timeline".to_string(); 4],
        Some(c) => {
            let filing = format!(
                "{}{}",
                c.filing,
                if c.filing_assumed { " (assumed)" } else { "" }
            );
            if c.suspensory_regimes == 0 {
                let none = "no suspensory filing triggered".to_string();
                return vec![filing, none, "—".to_string(), "—".to_string()];
            }
            vec![
                filing,
                c.drives_closing.clone().unwrap_or_else(|| "—".to_string()),
                c.earliest_closing
                    .map_or_else(|| "—".to_string(), |d| d.to_string()),
                worst_words(c.worst_closing, c.worst_is_estimate, c.passes_outside),
            ]
        }
    }
}

fn clearance_words(c: Option<&ClearanceCell>) -> String {
    match c {
        None => "not on the timeline".to_string(),
        Some(c) => format!(
            "earliest {}, worst {}",
            c.earliest,
            worst_words(c.worst, c.unbounded, c.passes_outside)
        ),
    }
}

/// The timeline caveats, each once, with the variants that carry it.
fn timeline_notes(cells: &[Option<TimelineCell>], heads: &[String]) -> Vec<String> {
    let notes = ordered_keys(
        cells
            .iter()
            .map(|c| c.iter().flat_map(|c| c.notes.iter().map(String::as_str))),
    );
    notes
        .into_iter()
        .map(|note| {
            let who: Vec<&str> = cells
                .iter()
                .zip(heads)
                .filter(|(c, _)| c.as_ref().is_some_and(|c| c.notes.contains(&note)))
                .map(|(_, h)| h.as_str())
                .collect();
            format!("{}: {note}", who.join(", "))
        })
        .collect()
}

fn dash<T>(c: Option<&T>, f: impl Fn(&T) -> String) -> String {
    c.map_or_else(|| "—".to_string(), f)
}

/// Word-wraps `text` to `width` characters (a longer word stands alone on its line).
fn wrap_cell(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// An aligned table: each column as wide as its widest word-wrapped cell, up to its cap;
/// a longer cell continues on the next lines of its column.
fn text_table(indent: &str, headers: &[String], rows: &[Vec<String>], caps: &[usize]) -> String {
    let cols = headers.len();
    let mut widths = vec![0usize; cols];
    for r in std::iter::once(headers).chain(rows.iter().map(Vec::as_slice)) {
        for (i, cell) in r.iter().enumerate().take(cols) {
            let cap = caps.get(i).copied().unwrap_or(FIRST_COLUMN);
            for line in wrap_cell(cell, cap) {
                widths[i] = widths[i].max(line.chars().count());
            }
        }
    }
    let mut out = String::new();
    let emit = |r: &[String], out: &mut String| {
        let wrapped: Vec<Vec<String>> = (0..cols)
            .map(|i| wrap_cell(r.get(i).map_or("", String::as_str), widths[i]))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for l in 0..height {
            let mut line = indent.to_string();
            for (i, col) in wrapped.iter().enumerate() {
                let cell = col.get(l).map_or("", String::as_str);
                line.push_str(cell);
                if i + 1 < cols {
                    line.push_str(&" ".repeat(widths[i].saturating_sub(cell.chars().count()) + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    };
    emit(headers, &mut out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    emit(&rule, &mut out);
    for r in rows {
        emit(r, &mut out);
    }
    out
}

fn key(i: usize) -> String {
    // A, B, … Z, then AA, AB, …: comparisons of more than 26 variants stay unambiguous.
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut n = i;
    let mut s = Vec::new();
    loop {
        s.push(letters[n % 26]);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn section_head(title: &str, differ: usize, same: usize, what: &str) -> String {
    format!(
        "{title}: {} differ{}, {} the same in every variant",
        plural(differ, what, &format!("{what}s")),
        if differ == 1 { "s" } else { "" },
        same
    )
}

fn counts_words(c: &Counts, highest: Option<Severity>) -> String {
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter(|s| c.get(**s) > 0)
        .map(|s| format!("{} {}", c.get(*s), s.as_str().replace('_', " ")))
        .collect();
    let high = highest
        .map(|h| format!(" (highest severity: {})", h.as_str()))
        .unwrap_or_default();
    format!("{}{high}", parts.join(", "))
}

impl VariantComparison {
    /// The comparison as plain text with aligned columns, for a terminal.
    pub fn to_text(&self) -> String {
        let n = self.variants.len();
        let cap = ((TEXT_WIDTH - FIRST_COLUMN) / n.max(1))
            .saturating_sub(2)
            .max(12);
        let mut caps = vec![FIRST_COLUMN];
        caps.extend(std::iter::repeat_n(cap, n));
        let use_labels = self.variants.iter().all(|v| v.label.chars().count() <= cap);
        let heads: Vec<String> = self
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| if use_labels { v.label.clone() } else { key(i) })
            .collect();
        let header = |first: &str| -> Vec<String> {
            std::iter::once(first.to_string())
                .chain(heads.iter().cloned())
                .collect()
        };
        let mut out = String::new();
        out.push_str(&format!(
            "dealscreen compare: {} variants | {} rules | rules sha256 {}\n\n",
            n,
            self.ruleset.rules,
            short(&self.ruleset.digest)
        ));
        for (i, v) in self.variants.iter().enumerate() {
            let head = if use_labels {
                v.label.clone()
            } else {
                format!("{} = {}", key(i), v.label)
            };
            out.push_str(&format!(
                "{head}: {}\n",
                v.deal_name.as_deref().unwrap_or(&v.deal_id)
            ));
            let mut detail = String::new();
            crate_wrap(
                &format!(
                    "deal `{}` as of {}, sha256 {}; {}",
                    v.deal_id,
                    v.as_of,
                    short(&v.deal_digest),
                    counts_words(&v.counts, v.highest_severity)
                ),
                "    ",
                &mut detail,
            );
            out.push_str(&detail);
        }
        if !self.notes.is_empty() {
            out.push_str("\nnotes:\n");
            for note in &self.notes {
                let mut item = String::new();
                crate_wrap(note, "    ", &mut item);
                out.push_str(&item.replacen("    ", "  - ", 1));
            }
        }

        out.push_str(&format!("\n{}\n", self.regimes_head("REGIMES")));
        if !self.regimes.differ.is_empty() {
            let mut rows = Vec::new();
            for r in &self.regimes.differ {
                let mut row = vec![r.name.clone()];
                row.extend(
                    r.cells
                        .iter()
                        .map(|c| dash(c.as_ref(), |c| c.verdict.as_str().to_string())),
                );
                rows.push(row);
                if r.differs.contains(&Aspect::DecidedBy) {
                    let mut row = vec!["  decided by".to_string()];
                    row.extend(
                        r.cells
                            .iter()
                            .map(|c| dash(c.as_ref(), |c| c.decided_by.clone())),
                    );
                    rows.push(row);
                }
                if r.differs.contains(&Aspect::Fee) {
                    let mut row = vec!["  fee".to_string()];
                    row.extend(r.cells.iter().map(|c| {
                        fee_words(
                            c.as_ref().and_then(|c| c.fee.as_ref()),
                            c.as_ref().map(|c| c.verdict),
                        )
                    }));
                    rows.push(row);
                }
                if r.differs.contains(&Aspect::ReviewClock) {
                    let mut row = vec!["  review clock".to_string()];
                    row.extend(
                        r.cells
                            .iter()
                            .map(|c| dash(c.as_ref(), |c| c.review_clock.clone())),
                    );
                    rows.push(row);
                }
            }
            out.push('\n');
            out.push_str(&text_table("  ", &header("regime"), &rows, &caps));
            let why: Vec<String> = self
                .regimes
                .differ
                .iter()
                .map(|r| format!("{}: {}", r.name, r.decided_by.join(", ")))
                .collect();
            out.push('\n');
            crate_wrap(
                &format!(
                    "Decided by (why each differs is under FINDINGS): {}.",
                    why.join("; ")
                ),
                "  ",
                &mut out,
            );
        }

        out.push_str(&format!(
            "\n{}\n",
            section_head(
                "FINDINGS",
                self.findings.differ.len(),
                self.findings.same,
                "finding"
            )
        ));
        if !self.findings.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .findings
                .differ
                .iter()
                .map(|f| {
                    std::iter::once(f.rule.clone())
                        .chain(f.cells.iter().map(|c| dash(c.as_ref(), status_words)))
                        .collect()
                })
                .collect();
            out.push('\n');
            out.push_str(&text_table("  ", &header("rule"), &rows, &caps));
            for f in &self.findings.differ {
                out.push('\n');
                crate_wrap(
                    &format!("{} ({}): {}", f.rule, f.regime, f.title),
                    "  ",
                    &mut out,
                );
                if f.facts.is_empty() && f.tests.is_empty() {
                    crate_wrap(
                        "No fact this rule read differs and no threshold test differs: the answers differ through facts read by other means (see each report).",
                        "    ",
                        &mut out,
                    );
                }
                if !f.facts.is_empty() {
                    out.push_str("    facts that differ:\n");
                    let rows: Vec<Vec<String>> = f
                        .facts
                        .iter()
                        .map(|x| {
                            std::iter::once(format!("{} ({})", x.label, x.pointer))
                                .chain(x.texts.iter().cloned())
                                .collect()
                        })
                        .collect();
                    out.push_str(&text_table("      ", &header("fact"), &rows, &caps));
                }
                if !f.tests.is_empty() {
                    out.push_str("    threshold tests that differ:\n");
                    let rows: Vec<Vec<String>> = f
                        .tests
                        .iter()
                        .map(|t| {
                            std::iter::once(test_head(t))
                                .chain(t.cells.iter().map(|c| test_cell(t, c.as_ref())))
                                .collect()
                        })
                        .collect();
                    out.push_str(&text_table("      ", &header("test"), &rows, &caps));
                    for t in &f.tests {
                        if let Some(note) = &t.threshold_note {
                            crate_wrap(note, "      ", &mut out);
                        }
                    }
                }
            }
        }

        out.push_str(&format!("\n{}\n", self.fees_head("FEES")));
        if !self.fees.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .fees
                .differ
                .iter()
                .map(|f| {
                    std::iter::once(format!("{} ({})", f.regime, f.rule))
                        .chain(
                            f.cells
                                .iter()
                                .zip(&f.statuses)
                                .map(|(c, s)| fee_words(c.as_ref(), s.map(as_verdict))),
                        )
                        .collect()
                })
                .collect();
            out.push('\n');
            out.push_str(&text_table("  ", &header("regime"), &rows, &caps));
            for line in self.fee_bases(&heads) {
                let mut item = String::new();
                crate_wrap(&line, "    ", &mut item);
                out.push_str(&item.replacen("    ", "  - ", 1));
            }
        }

        out.push_str("\nTIMELINE: ");
        if self.timeline.variants.iter().all(Option::is_none) {
            out.push_str("no variant's report has a clearance timeline (none computed, or no suspensory filing triggered)\n");
        } else {
            out.push_str(if self.timeline.differ {
                "the variants' clearance timelines differ\n"
            } else {
                "the same in every variant\n"
            });
            let cells: Vec<Vec<String>> = self
                .timeline
                .variants
                .iter()
                .map(|c| timeline_cell(c.as_ref()))
                .collect();
            let names = [
                "filing date",
                "drives closing",
                "earliest closing",
                "worst case",
            ];
            let rows: Vec<Vec<String>> = names
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    std::iter::once((*name).to_string())
                        .chain(cells.iter().map(|c| c[k].clone()))
                        .collect()
                })
                .collect();
            out.push('\n');
            out.push_str(&text_table("  ", &header(""), &rows, &caps));
            for line in timeline_notes(&self.timeline.variants, &heads) {
                let mut item = String::new();
                crate_wrap(&line, "    ", &mut item);
                out.push_str(&item.replacen("    ", "  - ", 1));
            }
            if !self.timeline.regimes.differ.is_empty() {
                let rows: Vec<Vec<String>> = self
                    .timeline
                    .regimes
                    .differ
                    .iter()
                    .map(|r| {
                        std::iter::once(r.name.clone())
                            .chain(r.cells.iter().map(|c| clearance_words(c.as_ref())))
                            .collect()
                    })
                    .collect();
                out.push_str(&format!(
                    "\n  clearance by regime ({} the same in every variant):\n",
                    self.timeline.regimes.same
                ));
                out.push_str(&text_table("  ", &header("regime"), &rows, &caps));
            }
        }

        out.push_str(&format!(
            "\n{}\n",
            section_head(
                "INFORMATION REQUESTS",
                self.information_requests.differ.len(),
                self.information_requests.same,
                "request"
            )
        ));
        if !self.information_requests.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .information_requests
                .differ
                .iter()
                .map(|q| {
                    std::iter::once(format!("{} ({})", q.question, q.pointer))
                        .chain(
                            q.raised
                                .iter()
                                .map(|r| if *r { "asked" } else { "—" }.to_string()),
                        )
                        .collect()
                })
                .collect();
            out.push('\n');
            out.push_str(&text_table("  ", &header("question"), &rows, &caps));
        }
        out
    }
}

fn crate_wrap(text: &str, indent: &str, out: &mut String) {
    for line in wrap_cell(text, TEXT_WIDTH - indent.chars().count()) {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
}

fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn md_table(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "| {} |\n|{}\n",
        headers
            .iter()
            .map(|h| md(h))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(headers.len())
    );
    for r in rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

impl VariantComparison {
    fn regimes_head(&self, title: &str) -> String {
        if self.regimes.differ.is_empty() && self.regimes.same == 0 {
            return format!("{title}: the reports carry no filing matrix");
        }
        section_head(
            title,
            self.regimes.differ.len(),
            self.regimes.same,
            "regime",
        )
    }

    /// The basis of every differing fee, one line per variant that has one, headed by the
    /// variant's column name.
    fn fee_bases(&self, heads: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.fees.differ {
            for (cell, head) in f.cells.iter().zip(heads) {
                if let Some(c) = cell {
                    out.push(format!("{head}, {}: {}", f.rule, c.text));
                }
            }
        }
        out
    }

    fn fees_head(&self, title: &str) -> String {
        if self.fees.differ.is_empty() && self.fees.same == 0 {
            return format!("{title}: no rule computed a fee in any variant");
        }
        section_head(title, self.fees.differ.len(), self.fees.same, "fee")
    }

    fn header(&self, first: &str) -> Vec<String> {
        std::iter::once(first.to_string())
            .chain(self.variants.iter().map(|v| v.label.clone()))
            .collect()
    }

    /// The comparison as Markdown tables, for review notes and tickets.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Variant comparison: {} structures\n\nScreened with {} rules (rule pack SHA-256 `{}`).\n\n",
            self.variants.len(),
            self.ruleset.rules,
            self.ruleset.digest
        );
        let rows: Vec<Vec<String>> = self
            .variants
            .iter()
            .map(|v| {
                vec![
                    v.label.clone(),
                    v.deal_name.clone().unwrap_or_else(|| v.deal_id.clone()),
                    format!("`{}`", v.deal_id),
                    v.as_of.to_string(),
                    counts_words(&v.counts, v.highest_severity),
                ]
            })
            .collect();
        let heads: Vec<String> = ["variant", "deal", "id", "as of", "findings"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        out.push_str(&md_table(&heads, &rows));
        for note in &self.notes {
            out.push_str(&format!("\n> **Note.** {note}\n"));
        }

        out.push_str(&format!(
            "\n## Regimes\n\n{}.\n\n",
            self.regimes_head("Regimes")
        ));
        if !self.regimes.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .regimes
                .differ
                .iter()
                .map(|r| {
                    std::iter::once(format!("{} (`{}`)", r.name, r.regime))
                        .chain(r.cells.iter().map(|c| {
                            dash(c.as_ref(), |c| {
                                let mut s = format!("**{}**", c.verdict.as_str());
                                if r.differs.contains(&Aspect::DecidedBy) {
                                    s.push_str(&format!(" by `{}`", c.decided_by));
                                }
                                if r.differs.contains(&Aspect::Fee) {
                                    s.push_str(&format!(
                                        "; fee {}",
                                        fee_words(c.fee.as_ref(), Some(c.verdict))
                                    ));
                                }
                                if r.differs.contains(&Aspect::ReviewClock) {
                                    s.push_str(&format!("; clock: {}", c.review_clock));
                                }
                                s
                            })
                        }))
                        .collect()
                })
                .collect();
            out.push_str(&md_table(&self.header("regime"), &rows));
            out.push_str("\nWhy each differs is under the deciding rule in *Findings*: ");
            let by: Vec<String> = self
                .regimes
                .differ
                .iter()
                .map(|r| {
                    let rules: Vec<String> =
                        r.decided_by.iter().map(|d| format!("`{d}`")).collect();
                    format!("{}: {}", r.name, rules.join(", "))
                })
                .collect();
            out.push_str(&format!("{}.\n", by.join("; ")));
        }

        out.push_str(&format!(
            "\n## Findings\n\n{}.\n",
            section_head(
                "Findings",
                self.findings.differ.len(),
                self.findings.same,
                "finding"
            )
        ));
        if !self.findings.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .findings
                .differ
                .iter()
                .map(|f| {
                    std::iter::once(format!("`{}`", f.rule))
                        .chain(f.cells.iter().map(|c| dash(c.as_ref(), status_words)))
                        .collect()
                })
                .collect();
            out.push('\n');
            out.push_str(&md_table(&self.header("rule"), &rows));
            for f in &self.findings.differ {
                out.push_str(&format!("\n### `{}` — {}\n\n", f.rule, md(&f.title)));
                if f.facts.is_empty() && f.tests.is_empty() {
                    out.push_str("No fact this rule read differs and no threshold test differs.\n");
                }
                if !f.facts.is_empty() {
                    out.push_str("Facts that differ:\n\n");
                    let rows: Vec<Vec<String>> = f
                        .facts
                        .iter()
                        .map(|x| {
                            std::iter::once(format!("{} (`{}`)", x.label, x.pointer))
                                .chain(x.texts.iter().cloned())
                                .collect()
                        })
                        .collect();
                    out.push_str(&md_table(&self.header("fact"), &rows));
                }
                if !f.tests.is_empty() {
                    if !f.facts.is_empty() {
                        out.push('\n');
                    }
                    out.push_str("Threshold tests that differ:\n\n");
                    let rows: Vec<Vec<String>> = f
                        .tests
                        .iter()
                        .map(|t| {
                            std::iter::once(test_head(t))
                                .chain(t.cells.iter().map(|c| test_cell(t, c.as_ref())))
                                .collect()
                        })
                        .collect();
                    out.push_str(&md_table(&self.header("test"), &rows));
                    for t in &f.tests {
                        if let Some(note) = &t.threshold_note {
                            out.push_str(&format!("\n> {note}\n"));
                        }
                    }
                }
            }
        }

        out.push_str(&format!("\n## Fees\n\n{}.\n", self.fees_head("Fees")));
        if !self.fees.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .fees
                .differ
                .iter()
                .map(|f| {
                    std::iter::once(format!("{} ({})", f.regime, f.rule))
                        .chain(
                            f.cells
                                .iter()
                                .zip(&f.statuses)
                                .map(|(c, s)| fee_words(c.as_ref(), s.map(as_verdict))),
                        )
                        .collect()
                })
                .collect();
            out.push('\n');
            out.push_str(&md_table(&self.header("regime"), &rows));
            let labels = self.header("").split_off(1);
            out.push('\n');
            for line in self.fee_bases(&labels) {
                out.push_str(&format!("- {}\n", md(&line)));
            }
        }

        out.push_str("\n## Timeline\n\n");
        if self.timeline.variants.iter().all(Option::is_none) {
            out.push_str("No variant's report has a clearance timeline (none computed, or no suspensory filing triggered).\n");
        } else {
            out.push_str(if self.timeline.differ {
                "The variants' clearance timelines differ.\n\n"
            } else {
                "The same in every variant.\n\n"
            });
            let cells: Vec<Vec<String>> = self
                .timeline
                .variants
                .iter()
                .map(|c| timeline_cell(c.as_ref()))
                .collect();
            let names = [
                "filing date",
                "drives closing",
                "earliest closing",
                "worst case",
            ];
            let rows: Vec<Vec<String>> = names
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    std::iter::once((*name).to_string())
                        .chain(cells.iter().map(|c| c[k].clone()))
                        .collect()
                })
                .collect();
            out.push_str(&md_table(&self.header(""), &rows));
            let labels = self.header("").split_off(1);
            let notes = timeline_notes(&self.timeline.variants, &labels);
            if !notes.is_empty() {
                out.push('\n');
            }
            for line in notes {
                out.push_str(&format!("- {}\n", md(&line)));
            }
            if !self.timeline.regimes.differ.is_empty() {
                out.push_str(&format!(
                    "\nClearance by regime ({} the same in every variant):\n\n",
                    self.timeline.regimes.same
                ));
                let rows: Vec<Vec<String>> = self
                    .timeline
                    .regimes
                    .differ
                    .iter()
                    .map(|r| {
                        std::iter::once(r.name.clone())
                            .chain(r.cells.iter().map(|c| clearance_words(c.as_ref())))
                            .collect()
                    })
                    .collect();
                out.push_str(&md_table(&self.header("regime"), &rows));
            }
        }

        out.push_str(&format!(
            "\n## Information requests\n\n{}.\n",
            section_head(
                "Information requests",
                self.information_requests.differ.len(),
                self.information_requests.same,
                "request"
            )
        ));
        if !self.information_requests.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .information_requests
                .differ
                .iter()
                .map(|q| {
                    std::iter::once(format!("{} (`{}`)", q.question, q.pointer))
                        .chain(
                            q.raised
                                .iter()
                                .map(|r| if *r { "asked" } else { "—" }.to_string()),
                        )
                        .collect()
                })
                .collect();
            out.push('\n');
            out.push_str(&md_table(&self.header("question"), &rows));
        }
        out
    }

    /// The comparison as one self-contained HTML page (the shared shell of [`crate::html`]).
    pub fn to_html(&self) -> String {
        use crate::html::{Tone, badge, escape, table};
        let code = |s: &str| format!("<code>{}</code>", escape(s));
        let grid = |first: &str, rows: &[Vec<String>]| {
            let h = self.header(first);
            let h: Vec<&str> = h.iter().map(String::as_str).collect();
            table(&h, rows)
        };
        let status_badge = |c: &FindingCell| {
            let tone = match c.status {
                Status::Triggered => Tone::Alert,
                Status::Clear => Tone::Ok,
                Status::InsufficientData => Tone::Unknown,
                Status::NotInForce => Tone::Neutral,
                Status::Error => Tone::Error,
            };
            badge(tone, &status_words(c))
        };
        let verdict_badge = |v: Verdict| {
            let tone = match v {
                Verdict::FilingRequired => Tone::Alert,
                Verdict::NotRequired => Tone::Ok,
                Verdict::CannotDetermine => Tone::Unknown,
                Verdict::NotInForce => Tone::Neutral,
                Verdict::Error => Tone::Error,
            };
            badge(tone, v.as_str())
        };
        let none = || "<span class=\"muted\">—</span>".to_string();

        let mut body = format!(
            "<h1>Variant comparison: {} structures</h1>\n<p class=\"muted small\">Screened with {} rules; rule pack SHA-256 {}.</p>\n",
            self.variants.len(),
            self.ruleset.rules,
            code(&self.ruleset.digest)
        );
        let rows: Vec<Vec<String>> = self
            .variants
            .iter()
            .map(|v| {
                vec![
                    format!("<strong>{}</strong>", escape(&v.label)),
                    escape(v.deal_name.as_deref().unwrap_or(&v.deal_id)),
                    code(&v.deal_id),
                    escape(&v.as_of.to_string()),
                    escape(&counts_words(&v.counts, v.highest_severity)),
                ]
            })
            .collect();
        body.push_str(&table(
            &["variant", "deal", "id", "as of", "findings"],
            &rows,
        ));
        for note in &self.notes {
            body.push_str(&format!("<p class=\"caution\">{}</p>\n", escape(note)));
        }

        body.push_str(&format!(
            "<h2>Regimes</h2>\n<p>{}.</p>\n",
            escape(&self.regimes_head("Regimes"))
        ));
        if !self.regimes.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .regimes
                .differ
                .iter()
                .map(|r| {
                    std::iter::once(format!("{} {}", escape(&r.name), code(&r.regime)))
                        .chain(r.cells.iter().map(|c| match c {
                            None => none(),
                            Some(c) => {
                                let mut s = verdict_badge(c.verdict);
                                if r.differs.contains(&Aspect::DecidedBy) {
                                    s.push_str(&format!("<br>by {}", code(&c.decided_by)));
                                }
                                if r.differs.contains(&Aspect::Fee) {
                                    s.push_str(&format!(
                                        "<br>fee {}",
                                        escape(&fee_words(c.fee.as_ref(), Some(c.verdict)))
                                    ));
                                }
                                if r.differs.contains(&Aspect::ReviewClock) {
                                    s.push_str(&format!(
                                        "<br><span class=\"small\">clock: {}</span>",
                                        escape(&c.review_clock)
                                    ));
                                }
                                s
                            }
                        }))
                        .collect()
                })
                .collect();
            body.push_str(&grid("regime", &rows));
            let by: Vec<String> = self
                .regimes
                .differ
                .iter()
                .map(|r| {
                    let rules: Vec<String> = r.decided_by.iter().map(|d| code(d)).collect();
                    format!("{}: {}", escape(&r.name), rules.join(", "))
                })
                .collect();
            body.push_str(&format!(
                "<p class=\"small\">Why each differs is under the deciding rule in <em>Findings</em>: {}.</p>\n",
                by.join("; ")
            ));
        }

        body.push_str(&format!(
            "<h2>Findings</h2>\n<p>{}.</p>\n",
            escape(&section_head(
                "Findings",
                self.findings.differ.len(),
                self.findings.same,
                "finding"
            ))
        ));
        if !self.findings.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .findings
                .differ
                .iter()
                .map(|f| {
                    std::iter::once(code(&f.rule))
                        .chain(
                            f.cells
                                .iter()
                                .map(|c| c.as_ref().map_or_else(none, status_badge)),
                        )
                        .collect()
                })
                .collect();
            body.push_str(&grid("rule", &rows));
            for f in &self.findings.differ {
                body.push_str(&format!(
                    "<section class=\"finding\">\n<h3>{} — {}</h3>\n",
                    code(&f.rule),
                    escape(&f.title)
                ));
                if f.facts.is_empty() && f.tests.is_empty() {
                    body.push_str(
                        "<p>No fact this rule read differs and no threshold test differs.</p>\n",
                    );
                }
                if !f.facts.is_empty() {
                    body.push_str("<h4>Facts that differ</h4>\n");
                    let rows: Vec<Vec<String>> = f
                        .facts
                        .iter()
                        .map(|x| {
                            std::iter::once(format!("{} {}", escape(&x.label), code(&x.pointer)))
                                .chain(x.texts.iter().map(|t| escape(t)))
                                .collect()
                        })
                        .collect();
                    body.push_str(&grid("fact", &rows));
                }
                if !f.tests.is_empty() {
                    body.push_str("<h4>Threshold tests that differ</h4>\n");
                    let rows: Vec<Vec<String>> = f
                        .tests
                        .iter()
                        .map(|t| {
                            std::iter::once(escape(&test_head(t)))
                                .chain(t.cells.iter().map(|c| escape(&test_cell(t, c.as_ref()))))
                                .collect()
                        })
                        .collect();
                    body.push_str(&grid("test", &rows));
                    for t in &f.tests {
                        if let Some(note) = &t.threshold_note {
                            body.push_str(&format!("<p class=\"caution\">{}</p>\n", escape(note)));
                        }
                    }
                }
                body.push_str("</section>\n");
            }
        }

        body.push_str(&format!(
            "<h2>Fees</h2>\n<p>{}.</p>\n",
            escape(&self.fees_head("Fees"))
        ));
        if !self.fees.differ.is_empty() {
            let rows: Vec<Vec<String>> =
                self.fees
                    .differ
                    .iter()
                    .map(|f| {
                        std::iter::once(format!("{} {}", escape(&f.regime), code(&f.rule)))
                            .chain(
                                f.cells.iter().zip(&f.statuses).map(|(c, s)| {
                                    escape(&fee_words(c.as_ref(), s.map(as_verdict)))
                                }),
                            )
                            .collect()
                    })
                    .collect();
            body.push_str(&grid("regime", &rows));
            let labels = self.header("").split_off(1);
            body.push_str("<ul class=\"small\">\n");
            for line in self.fee_bases(&labels) {
                body.push_str(&format!("<li>{}</li>\n", escape(&line)));
            }
            body.push_str("</ul>\n");
        }

        body.push_str("<h2>Timeline</h2>\n");
        if self.timeline.variants.iter().all(Option::is_none) {
            body.push_str("<p>No variant's report has a clearance timeline (none computed, or no suspensory filing triggered).</p>\n");
        } else {
            body.push_str(if self.timeline.differ {
                "<p>The variants' clearance timelines differ.</p>\n"
            } else {
                "<p>The same in every variant.</p>\n"
            });
            let cells: Vec<Vec<String>> = self
                .timeline
                .variants
                .iter()
                .map(|c| timeline_cell(c.as_ref()))
                .collect();
            let names = [
                "filing date",
                "drives closing",
                "earliest closing",
                "worst case",
            ];
            let rows: Vec<Vec<String>> = names
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    std::iter::once(escape(name))
                        .chain(cells.iter().map(|c| escape(&c[k])))
                        .collect()
                })
                .collect();
            body.push_str(&grid("", &rows));
            let labels = self.header("").split_off(1);
            let notes = timeline_notes(&self.timeline.variants, &labels);
            if !notes.is_empty() {
                body.push_str("<ul class=\"small\">\n");
                for line in notes {
                    body.push_str(&format!("<li>{}</li>\n", escape(&line)));
                }
                body.push_str("</ul>\n");
            }
            if !self.timeline.regimes.differ.is_empty() {
                body.push_str(&format!(
                    "<h3>Clearance by regime</h3>\n<p>{} the same in every variant.</p>\n",
                    self.timeline.regimes.same
                ));
                let rows: Vec<Vec<String>> = self
                    .timeline
                    .regimes
                    .differ
                    .iter()
                    .map(|r| {
                        std::iter::once(escape(&r.name))
                            .chain(r.cells.iter().map(|c| escape(&clearance_words(c.as_ref()))))
                            .collect()
                    })
                    .collect();
                body.push_str(&grid("regime", &rows));
            }
        }

        body.push_str(&format!(
            "<h2>Information requests</h2>\n<p>{}.</p>\n",
            escape(&section_head(
                "Information requests",
                self.information_requests.differ.len(),
                self.information_requests.same,
                "request"
            ))
        ));
        if !self.information_requests.differ.is_empty() {
            let rows: Vec<Vec<String>> = self
                .information_requests
                .differ
                .iter()
                .map(|q| {
                    std::iter::once(format!("{} {}", escape(&q.question), code(&q.pointer)))
                        .chain(
                            q.raised
                                .iter()
                                .map(|r| if *r { "asked".to_string() } else { none() }),
                        )
                        .collect()
                })
                .collect();
            body.push_str(&grid("question", &rows));
        }
        body.push_str("<footer class=\"muted small\">Facts for screening, not legal advice: each finding cites its source in the variants' reports.</footer>\n");
        crate::html::page("dealscreen variant comparison", &body)
    }
}
