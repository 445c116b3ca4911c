//! Findings: what one rule concluded about one deal, and why.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;

/// The outcome of one rule for one deal.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The concern or obligation applies.
    Triggered,
    /// Evaluated, and shown not to apply.
    Clear,
    /// A needed fact (or a dated figure for the date) is absent: the rule cannot tell.
    InsufficientData,
    /// The rule's legal basis was not in force on the as-of date.
    NotInForce,
    /// The rule script failed or hit a sandbox limit: fail closed.
    Error,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 5] = [
        Status::Triggered,
        Status::Clear,
        Status::InsufficientData,
        Status::NotInForce,
        Status::Error,
    ];

    /// The status as written in reports (`insufficient_data`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Triggered => "triggered",
            Status::Clear => "clear",
            Status::InsufficientData => "insufficient_data",
            Status::NotInForce => "not_in_force",
            Status::Error => "error",
        }
    }
}

/// How serious a triggered finding is, from `info` to `critical`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; no action implied.
    Info,
    /// Minor risk.
    Low,
    /// A risk a reviewer should look into.
    Medium,
    /// A filing obligation or a serious concern.
    High,
    /// Blocks the deal as structured.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The severity as written in reports and rule metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses `info`, `low`, `medium`, `high` or `critical`.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|sev| sev.as_str() == s)
    }
}

/// A deal fact a rule read: its JSON pointer and value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FactRead {
    /// RFC 6901 pointer into the deal, e.g. `/transaction/value_usd`.
    pub pointer: String,
    /// The value found there.
    pub value: Value,
}

/// A dated parameter a rule used: the value in force on the date it asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParameterUse {
    /// Parameter name, e.g. `us.hsr.size_of_transaction_usd`.
    pub name: String,
    /// What the parameter is.
    pub description: String,
    /// The value in force (a number, or a bracket schedule for scales).
    pub value: Value,
    /// Unit of the value (`usd`, `pct`, …).
    pub unit: String,
    /// The date the rule asked about.
    pub on: Date,
    /// First day of the period the value belongs to.
    pub from: Date,
    /// Last day of that period, when a later period is tabulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Where the figure comes from.
    pub source: String,
    /// Legal reference for the parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Remarks on the period's figure (e.g. how its effective date was chosen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One side of a comparison: a deal fact, or a quantity the rule derived from facts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subject {
    /// The fact's pointer, when the subject is a single deal fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// What the value is, in words.
    pub label: String,
    /// The value compared.
    pub value: f64,
    /// For derived quantities: the facts it was computed from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<String>,
}

/// The parameter side of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Threshold {
    /// Parameter name.
    pub name: String,
    /// Value in force.
    pub value: f64,
    /// Unit of the value.
    pub unit: String,
    /// First day of the period the value belongs to.
    pub from: Date,
}

/// Comparison operators rules may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Operator {
    /// Strictly greater than.
    #[serde(rename = ">")]
    Gt,
    /// Greater than or equal.
    #[serde(rename = ">=")]
    Ge,
    /// Strictly less than.
    #[serde(rename = "<")]
    Lt,
    /// Less than or equal.
    #[serde(rename = "<=")]
    Le,
}

impl Operator {
    /// Parses `>`, `>=`, `<` or `<=`.
    pub fn parse(s: &str) -> Option<Operator> {
        match s {
            ">" => Some(Operator::Gt),
            ">=" => Some(Operator::Ge),
            "<" => Some(Operator::Lt),
            "<=" => Some(Operator::Le),
            _ => None,
        }
    }

    /// Applies the operator.
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Operator::Gt => left > right,
            Operator::Ge => left >= right,
            Operator::Lt => left < right,
            Operator::Le => left <= right,
        }
    }

    /// The relation in words, positive or negated.
    pub fn words(self, holds: bool) -> &'static str {
        match (self, holds) {
            (Operator::Gt, true) => "is above",
            (Operator::Gt, false) => "is not above",
            (Operator::Ge, true) => "is at or above",
            (Operator::Ge, false) => "is below",
            (Operator::Lt, true) => "is below",
            (Operator::Lt, false) => "is not below",
            (Operator::Le, true) => "is at or below",
            (Operator::Le, false) => "is above",
        }
    }
}

/// One threshold test a rule made, recorded by the comparison helper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comparison {
    /// The fact or derived quantity tested.
    pub fact: Subject,
    /// The threshold it was tested against.
    pub parameter: Threshold,
    /// The operator.
    pub op: Operator,
    /// Whether `fact op parameter` held.
    pub outcome: bool,
    /// `fact - parameter`: positive above the threshold, negative below.
    pub margin: f64,
    /// The margin in words, e.g. `$3,600,000 above`.
    pub margin_text: String,
    /// The whole test in one sentence.
    pub text: String,
}

/// A legal source a rule relies on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Citation {
    /// The citation as lawyers write it, e.g. `15 U.S.C. §18a(a)`.
    pub text: String,
    /// A link to the text, where one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What one rule concluded about one deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Rule id, dotted, e.g. `us.hsr.filing`.
    pub rule: String,
    /// The question the rule answers.
    pub title: String,
    /// The filing or review regime the rule belongs to.
    pub regime: String,
    /// The outcome.
    pub status: Status,
    /// For `triggered` findings only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Plain English, with the numbers and thresholds compared.
    pub explanation: String,
    /// Every deal fact the rule read, in the order first read.
    pub facts: Vec<FactRead>,
    /// Every dated parameter the rule used.
    pub parameters: Vec<ParameterUse>,
    /// For `insufficient_data`: the pointers of the facts that were needed and absent.
    pub missing: Vec<String>,
    /// Legal sources.
    pub citations: Vec<Citation>,
    /// Every threshold test, with its margin.
    pub comparisons: Vec<Comparison>,
    /// What a reviewer should do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    /// The rule's standing caveats (e.g. figures marked UNCONFIRMED), from its metadata.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// A filing fee the rule computed (`fee(…)` in the script), for the filing matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<crate::matrix::Fee>,
    /// With `not_in_force`: the date falls before the rule's window, when an earlier law
    /// that the pack does not screen applied (named in the explanation). Check it
    /// separately; it is never an all-clear.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_screened: bool,
}
