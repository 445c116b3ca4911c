//! The filing matrix: one row per regime, the verdict taken from the regime's deciding
//! finding and the practitioner's columns (obligation, suspension, when to file, clock, who
//! files, fee, penalty) taken from the regime's metadata (`*.regime.toml` beside its rules).
//!
//! Every cell says where it comes from: the verdict and the fee name the finding (rule id)
//! that decided them; the other columns name the sources of the regime file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The answer of one regime for one deal, as practitioners tabulate it.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The deciding finding is `triggered`: a filing (or notification, declaration,
    /// information duty) is required.
    FilingRequired,
    /// The deciding finding is `clear`: no filing is required under this regime.
    NotRequired,
    /// The deciding finding is `insufficient_data`: the information requests say what is
    /// needed. Never folded into "not required".
    CannotDetermine,
    /// The regime's deciding rule was not in force on the date screened.
    NotInForce,
    /// The deciding rule failed (fail closed): the answer is unknown.
    Error,
}

impl Verdict {
    /// The verdict in the report's words.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::FilingRequired => "filing required",
            Verdict::NotRequired => "not required",
            Verdict::CannotDetermine => "cannot determine: information needed",
            Verdict::NotInForce => "not in force",
            Verdict::Error => "error: answer unknown",
        }
    }
}

/// Whether the regime obliges the parties to file.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Obligation {
    /// A filing is required when the thresholds are met.
    Mandatory,
    /// Filing is the parties' choice (the authority may still call the deal in).
    Voluntary,
    /// A duty to inform the authority, without a review or a waiting period.
    InformationDuty,
}

/// How a review clock counts.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClockUnit {
    /// Calendar days (an end on a weekend or holiday may roll to the next business day).
    CalendarDays,
    /// The authority's working days (weekends and the authority's holidays skipped).
    WorkingDays,
    /// Business days of the named holiday calendar.
    BusinessDays,
    /// Calendar months.
    Months,
    /// Calendar weeks.
    Weeks,
}

/// A fee the deciding rule computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Fee {
    /// Amount in `currency`.
    pub amount: f64,
    /// ISO 4217 code, e.g. `USD`.
    pub currency: String,
    /// The fee in words, with its basis ("$105,000: the 2024 tier for $161.5M–<$500M").
    pub text: String,
    /// True when the amount is only a lower bound (the text then says "at least").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
    /// The rule whose finding computed it.
    pub rule: String,
}

/// One row of the filing matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixRow {
    /// Regime id, e.g. `us.hsr`.
    pub regime: String,
    /// Regime name, e.g. `US HSR premerger notification`.
    pub name: String,
    /// Jurisdiction, e.g. `US`, `EU`, `DE`.
    pub jurisdiction: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The rule whose finding gave the verdict.
    pub decided_by: String,
    /// Mandatory, voluntary or an information duty.
    pub obligation: Obligation,
    /// True when the deal may not close before clearance (standstill).
    pub suspensory: bool,
    /// When to file, in words.
    pub when_to_file: String,
    /// The review clock in words ("30 calendar days from both filings; ...").
    pub review_clock: String,
    /// Extension events (Second Request, Phase II, stop-the-clock), in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Who files.
    pub who_files: String,
    /// The fee, where the deciding rule computed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
    /// The penalty for not filing or closing early, in words.
    pub penalty: String,
    /// Sources of the row's metadata.
    pub sources: Vec<String>,
    /// Caveats (UNCONFIRMED figures, conflicting sources).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
