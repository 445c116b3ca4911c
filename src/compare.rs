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
//!
//! Markdown and HTML are one document (`doc.rs`, as the memo) rendered twice; the text
//! rendering lays the same table rows out for a terminal.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;
use crate::deal::{DEAL_SCHEMA, ParsedDeal};
use crate::doc::{
    self, Block, Document, Inline, Line, Section as DocSection, capitalise, code, status_tone,
    strong, text, verdict_tone,
};
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
    /// With `not_in_force`: an earlier law applied that the pack does not screen.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_screened: bool,
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
    /// True when the worst-case branch has no legal bound (stop-the-clock, compliance time).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unbounded: bool,
    /// True when `worst` is an average from practice, not a legal period.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
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
    /// True when some regime's worst case is an average from practice, so `worst_closing`
    /// is an estimate, not a limit.
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
                        not_screened: f.not_screened,
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
                worst_is_estimate: t.regimes.iter().any(|r| r.estimate),
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
                    estimate: e.estimate,
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
    if c.not_screened {
        return "not screened (earlier law)".to_string();
    }
    match c.severity {
        Some(s) => format!("{} ({})", c.status.as_str().replace('_', " "), s.as_str()),
        None => c.status.as_str().replace('_', " "),
    }
}

fn fee_words(fee: Option<&FeeCell>, verdict: Option<Verdict>) -> String {
    match (fee, verdict) {
        (Some(f), _) if f.at_least => {
            format!("at least {}", crate::format::money(f.amount, &f.currency))
        }
        (Some(f), _) => crate::format::money(f.amount, &f.currency),
        (None, Some(Verdict::FilingRequired)) => "no fee computed".to_string(),
        (None, Some(Verdict::CannotDetermine | Verdict::NotScreened | Verdict::Error)) => {
            "unknown".to_string()
        }
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
        quals.push("an average, not a bound");
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
            worst_words(c.worst, c.estimate, c.passes_outside)
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

fn section_head(title: &str, differ: usize, same: usize, what: &str) -> String {
    format!(
        "{title}: {} differ{}, {} the same in every variant",
        crate::format::count(differ, what, &format!("{what}s")),
        if differ == 1 { "s" } else { "" },
        same
    )
}

fn counts_words(c: &Counts, highest: Option<Severity>) -> String {
    let high = highest
        .map(|h| format!(" (highest severity: {})", h.as_str()))
        .unwrap_or_default();
    format!("{}{high}", c.words())
}

/// Cells as plain text, for the aligned tables of [`VariantComparison::to_text`].
fn plain_rows(rows: &[Vec<Line>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(doc::plain).collect())
        .collect()
}

/// A name followed by its id in parentheses, the id in code type.
fn named(name: &str, id: &str) -> Line {
    vec![text(format!("{name} (")), code(id), text(")")]
}

/// Lines of secondary matter (bases, caveats) as a small list; nothing when there are none.
fn small_list(lines: &[String]) -> Option<Block> {
    (!lines.is_empty()).then(|| {
        Block::Small(vec![Block::List(
            lines.iter().map(|l| vec![text(l)]).collect(),
        )])
    })
}

/// The dash of a cell with nothing in it.
fn none() -> Line {
    vec![Inline::Muted("—".to_string())]
}

/// The first cell of a row, then one cell per variant.
fn row_of<T>(
    first: Line,
    cells: impl IntoIterator<Item = T>,
    cell: impl Fn(T) -> Line,
) -> Vec<Line> {
    std::iter::once(first)
        .chain(cells.into_iter().map(cell))
        .collect()
}

const TIMELINE_ROWS: [&str; 4] = [
    "filing date",
    "drives closing",
    "earliest closing",
    "worst case",
];

impl VariantComparison {
    /// The comparison as plain text with aligned columns, for a terminal.
    ///
    /// Laid out for a terminal rather than rendered from the document: columns are headed
    /// by short keys when labels are long, and a regime's differing aspects are rows of
    /// their own. The table rows are the same as the document's.
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
        let table = |indent: &str, first: &str, rows: &[Vec<Line>]| {
            text_table(indent, &header(first), &plain_rows(rows), &caps)
        };
        let items = |lines: Vec<String>, out: &mut String| {
            for line in lines {
                let mut item = String::new();
                crate_wrap(&line, "    ", &mut item);
                out.push_str(&item.replacen("    ", "  - ", 1));
            }
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
            crate_wrap(
                &format!(
                    "deal `{}` as of {}, sha256 {}; {}",
                    v.deal_id,
                    v.as_of,
                    short(&v.deal_digest),
                    counts_words(&v.counts, v.highest_severity)
                ),
                "    ",
                &mut out,
            );
        }
        if !self.notes.is_empty() {
            out.push_str("\nnotes:\n");
            items(self.notes.clone(), &mut out);
        }

        out.push_str(&format!("\n{}\n", self.regimes_head("REGIMES")));
        if !self.regimes.differ.is_empty() {
            // One row per differing aspect: a terminal has no line breaks inside a cell.
            let mut rows: Vec<Vec<String>> = Vec::new();
            for r in &self.regimes.differ {
                let aspect = |name: &str, f: &dyn Fn(&RegimeCell) -> String| -> Vec<String> {
                    std::iter::once(name.to_string())
                        .chain(r.cells.iter().map(|c| dash(c.as_ref(), f)))
                        .collect()
                };
                rows.push(aspect(&r.name, &|c| c.verdict.as_str().to_string()));
                if r.differs.contains(&Aspect::DecidedBy) {
                    rows.push(aspect("decided by", &|c| c.decided_by.clone()));
                }
                if r.differs.contains(&Aspect::Fee) {
                    rows.push(aspect("fee", &|c| {
                        fee_words(c.fee.as_ref(), Some(c.verdict))
                    }));
                }
                if r.differs.contains(&Aspect::ReviewClock) {
                    rows.push(aspect("review clock", &|c| c.review_clock.clone()));
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

        out.push_str(&format!("\n{}\n", self.findings_head("FINDINGS")));
        if !self.findings.differ.is_empty() {
            out.push('\n');
            out.push_str(&table("  ", "rule", &self.finding_rows()));
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
                    out.push_str(&table("      ", "fact", &fact_rows(f)));
                }
                if !f.tests.is_empty() {
                    out.push_str("    threshold tests that differ:\n");
                    out.push_str(&table("      ", "test", &test_rows(f)));
                    for note in f.tests.iter().filter_map(|t| t.threshold_note.as_ref()) {
                        crate_wrap(note, "      ", &mut out);
                    }
                }
            }
        }

        out.push_str(&format!("\n{}\n", self.fees_head("FEES")));
        if !self.fees.differ.is_empty() {
            out.push('\n');
            out.push_str(&table("  ", "regime", &self.fee_rows()));
            items(self.fee_bases(&heads), &mut out);
        }

        out.push_str("\nTIMELINE: ");
        match self.timeline_verdict() {
            None => out.push_str(&format!("{NO_TIMELINE}\n")),
            Some(verdict) => {
                out.push_str(&format!("{verdict}\n"));
                out.push('\n');
                out.push_str(&table("  ", "", &self.timeline_rows()));
                items(timeline_notes(&self.timeline.variants, &heads), &mut out);
                if !self.timeline.regimes.differ.is_empty() {
                    out.push_str(&format!(
                        "\n  clearance by regime ({} the same in every variant):\n",
                        self.timeline.regimes.same
                    ));
                    out.push_str(&table("  ", "regime", &self.clearance_rows()));
                }
            }
        }

        out.push_str(&format!(
            "\n{}\n",
            self.requests_head("INFORMATION REQUESTS")
        ));
        if !self.information_requests.differ.is_empty() {
            out.push('\n');
            out.push_str(&table("  ", "question", &self.request_rows()));
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

/// The timeline section when no variant has a timeline.
const NO_TIMELINE: &str = "no variant's report has a clearance timeline (none computed, or no suspensory filing triggered)";

fn fact_rows(f: &FindingDiff) -> Vec<Vec<Line>> {
    f.facts
        .iter()
        .map(|x| row_of(named(&x.label, &x.pointer), &x.texts, |t| vec![text(t)]))
        .collect()
}

fn test_rows(f: &FindingDiff) -> Vec<Vec<Line>> {
    f.tests
        .iter()
        .map(|t| {
            row_of(vec![text(test_head(t))], &t.cells, |c| {
                vec![text(test_cell(t, c.as_ref()))]
            })
        })
        .collect()
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

    fn findings_head(&self, title: &str) -> String {
        section_head(
            title,
            self.findings.differ.len(),
            self.findings.same,
            "finding",
        )
    }

    fn requests_head(&self, title: &str) -> String {
        section_head(
            title,
            self.information_requests.differ.len(),
            self.information_requests.same,
            "request",
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

    /// Whether the timelines differ, in words; `None` when no variant has a timeline.
    fn timeline_verdict(&self) -> Option<&'static str> {
        if self.timeline.variants.iter().all(Option::is_none) {
            None
        } else if self.timeline.differ {
            Some("the variants' clearance timelines differ")
        } else {
            Some("the same in every variant")
        }
    }

    fn header(&self, first: &str) -> Vec<String> {
        std::iter::once(first.to_string())
            .chain(self.variants.iter().map(|v| v.label.clone()))
            .collect()
    }

    fn labels(&self) -> Vec<String> {
        self.variants.iter().map(|v| v.label.clone()).collect()
    }

    fn finding_rows(&self) -> Vec<Vec<Line>> {
        self.findings
            .differ
            .iter()
            .map(|f| {
                row_of(vec![code(&f.rule)], &f.cells, |c| match c {
                    None => none(),
                    Some(c) => vec![Inline::Badge(status_tone(c.status), status_words(c))],
                })
            })
            .collect()
    }

    fn fee_rows(&self) -> Vec<Vec<Line>> {
        self.fees
            .differ
            .iter()
            .map(|f| {
                row_of(
                    named(&f.regime, &f.rule),
                    f.cells.iter().zip(&f.statuses),
                    |(c, s)| vec![text(fee_words(c.as_ref(), s.map(Verdict::of)))],
                )
            })
            .collect()
    }

    fn timeline_rows(&self) -> Vec<Vec<Line>> {
        let cells: Vec<Vec<String>> = self
            .timeline
            .variants
            .iter()
            .map(|c| timeline_cell(c.as_ref()))
            .collect();
        TIMELINE_ROWS
            .iter()
            .enumerate()
            .map(|(k, name)| row_of(vec![text(*name)], &cells, |c| vec![text(&c[k])]))
            .collect()
    }

    fn clearance_rows(&self) -> Vec<Vec<Line>> {
        self.timeline
            .regimes
            .differ
            .iter()
            .map(|r| {
                row_of(vec![text(&r.name)], &r.cells, |c| {
                    vec![text(clearance_words(c.as_ref()))]
                })
            })
            .collect()
    }

    fn request_rows(&self) -> Vec<Vec<Line>> {
        self.information_requests
            .differ
            .iter()
            .map(|q| {
                row_of(named(&q.question, &q.pointer), &q.raised, |r| {
                    if *r { vec![text("asked")] } else { none() }
                })
            })
            .collect()
    }

    /// A regime's row: the verdict, and each other aspect that differs on a line of its own.
    fn regime_row(r: &RegimeDiff) -> Vec<Line> {
        row_of(named(&r.name, &r.regime), &r.cells, |c| {
            let Some(c) = c else {
                return none();
            };
            let mut cell = vec![Inline::Badge(
                verdict_tone(c.verdict),
                c.verdict.as_str().to_string(),
            )];
            if r.differs.contains(&Aspect::DecidedBy) {
                cell.extend([Inline::Break, text("by "), code(&c.decided_by)]);
            }
            if r.differs.contains(&Aspect::Fee) {
                cell.extend([
                    Inline::Break,
                    text(format!(
                        "fee {}",
                        fee_words(c.fee.as_ref(), Some(c.verdict))
                    )),
                ]);
            }
            if r.differs.contains(&Aspect::ReviewClock) {
                cell.extend([Inline::Break, text(format!("clock: {}", c.review_clock))]);
            }
            cell
        })
    }

    /// The comparison as one document, rendered to Markdown and to HTML.
    fn document(&self) -> Document {
        let table = |first: &str, rows: Vec<Vec<Line>>| Block::Table(self.header(first), rows);
        let head = |s: String| Block::Para(vec![text(format!("{s}."))]);

        let variants = self
            .variants
            .iter()
            .map(|v| {
                vec![
                    vec![strong(&v.label)],
                    vec![text(v.deal_name.as_deref().unwrap_or(&v.deal_id))],
                    vec![code(&v.deal_id)],
                    vec![text(v.as_of.to_string())],
                    vec![text(counts_words(&v.counts, v.highest_severity))],
                ]
            })
            .collect();
        let mut intro = vec![Block::table(
            &["variant", "deal", "id", "as of", "findings"],
            variants,
        )];
        intro.extend(
            self.notes
                .iter()
                .map(|n| Block::Callout(Some("Note."), vec![text(n)])),
        );

        let mut regimes = vec![head(self.regimes_head("Regimes"))];
        if !self.regimes.differ.is_empty() {
            regimes.push(table(
                "regime",
                self.regimes.differ.iter().map(Self::regime_row).collect(),
            ));
            let mut why = vec![
                text("Why each differs is under the deciding rule in "),
                Inline::Emph("Findings".to_string()),
                text(": "),
            ];
            for (i, r) in self.regimes.differ.iter().enumerate() {
                if i > 0 {
                    why.push(text("; "));
                }
                why.push(text(format!("{}: ", r.name)));
                for (k, d) in r.decided_by.iter().enumerate() {
                    if k > 0 {
                        why.push(text(", "));
                    }
                    why.push(code(d));
                }
            }
            why.push(text("."));
            regimes.push(Block::Small(vec![Block::Para(why)]));
        }

        let mut findings = vec![head(self.findings_head("Findings"))];
        if !self.findings.differ.is_empty() {
            findings.push(table("rule", self.finding_rows()));
            for f in &self.findings.differ {
                let mut card = vec![Block::Heading(vec![
                    code(&f.rule),
                    text(format!(" — {}", f.title)),
                ])];
                if f.facts.is_empty() && f.tests.is_empty() {
                    card.push(Block::Para(vec![text(
                        "No fact this rule read differs and no threshold test differs.",
                    )]));
                }
                if !f.facts.is_empty() {
                    card.push(Block::SubHeading(vec![text("Facts that differ")]));
                    card.push(table("fact", fact_rows(f)));
                }
                if !f.tests.is_empty() {
                    card.push(Block::SubHeading(vec![text("Threshold tests that differ")]));
                    card.push(table("test", test_rows(f)));
                    card.extend(
                        f.tests
                            .iter()
                            .filter_map(|t| t.threshold_note.as_ref())
                            .map(|n| Block::Callout(None, vec![text(n)])),
                    );
                }
                findings.push(Block::Card(card));
            }
        }

        let mut fees = vec![head(self.fees_head("Fees"))];
        if !self.fees.differ.is_empty() {
            fees.push(table("regime", self.fee_rows()));
            fees.extend(small_list(&self.fee_bases(&self.labels())));
        }

        let timeline = match self.timeline_verdict() {
            None => vec![head(capitalise(NO_TIMELINE))],
            Some(verdict) => {
                let notes = timeline_notes(&self.timeline.variants, &self.labels());
                let mut blocks = vec![head(capitalise(verdict)), table("", self.timeline_rows())];
                blocks.extend(small_list(&notes));
                if !self.timeline.regimes.differ.is_empty() {
                    blocks.push(Block::Heading(vec![text("Clearance by regime")]));
                    blocks.push(Block::Para(vec![text(format!(
                        "{} the same in every variant.",
                        self.timeline.regimes.same
                    ))]));
                    blocks.push(table("regime", self.clearance_rows()));
                }
                blocks
            }
        };

        let mut requests = vec![head(self.requests_head("Information requests"))];
        if !self.information_requests.differ.is_empty() {
            requests.push(table("question", self.request_rows()));
        }

        let section = |id, title, blocks| DocSection {
            id,
            title,
            page_break: false,
            blocks,
        };
        Document {
            kind: "compare",
            title: format!("Variant comparison: {} structures", self.variants.len()),
            lead: vec![
                text(format!(
                    "Screened with {} rules (rule pack SHA-256 ",
                    self.ruleset.rules
                )),
                code(&self.ruleset.digest),
                text(")."),
            ],
            contents: false,
            intro,
            sections: vec![
                section("regimes", "Regimes", regimes),
                section("findings", "Findings", findings),
                section("fees", "Fees", fees),
                section("timeline", "Timeline", timeline),
                section("requests", "Information requests", requests),
            ],
            footer: Some(vec![text(
                "Facts for screening, not legal advice: each finding cites its source in the variants' reports.",
            )]),
        }
    }

    /// The comparison as Markdown tables, for review notes and tickets.
    pub fn to_markdown(&self) -> String {
        self.document().to_markdown()
    }

    /// The comparison as one self-contained HTML page (the shared shell of [`crate::html`]).
    pub fn to_html(&self) -> String {
        crate::html::page(
            "dealscreen variant comparison",
            &self.document().to_html_body(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A regime row names each differing aspect on its own line of the cell, and a variant
    /// without the regime shows a dash, alike in Markdown, HTML and plain text.
    #[test]
    fn a_regime_cell_lists_each_aspect_that_differs() {
        let cell = |verdict, by: &str, clock: &str| {
            Some(RegimeCell {
                verdict,
                decided_by: by.to_string(),
                fee: None,
                review_clock: clock.to_string(),
            })
        };
        let r = RegimeDiff {
            regime: "x.one".to_string(),
            name: "regime one".to_string(),
            cells: vec![
                cell(Verdict::FilingRequired, "x.a", "30 days"),
                cell(Verdict::NotRequired, "x.b", "none"),
                None,
            ],
            differs: vec![Aspect::Verdict, Aspect::DecidedBy, Aspect::ReviewClock],
            decided_by: vec!["x.a".to_string(), "x.b".to_string()],
        };
        let row = VariantComparison::regime_row(&r);
        let words: Vec<String> = row.iter().map(doc::plain).collect();
        assert_eq!(
            words,
            [
                "regime one (x.one)",
                "filing required; by x.a; clock: 30 days",
                "not required; by x.b; clock: none",
                "—"
            ]
        );
        let d = Document {
            kind: "compare",
            title: "t".to_string(),
            lead: vec![],
            contents: false,
            intro: vec![Block::table(&["regime", "a", "b", "c"], vec![row])],
            sections: vec![],
            footer: None,
        };
        let md = d.to_markdown();
        assert!(
            md.contains(
                "| regime one (`x.one`) | **▲ filing required**; by `x.a`; clock: 30 days |"
            ),
            "{md}"
        );
        let html = d.to_html_body();
        assert!(
            html.contains("</span><br>by <code>x.a</code><br>clock: 30 days</td>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"muted\">—</span></td>"),
            "{html}"
        );
    }
}
