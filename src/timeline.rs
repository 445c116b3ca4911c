//! The timeline: per triggered suspensory regime, the earliest, typical and worst-case
//! clearance dates from the filing date (given or assumed, and said so), the regime that
//! drives closing, and whether the worst case passes the outside date.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::Date;

/// A clearance date and how it was reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Milestone {
    /// The date.
    pub date: Date,
    /// How it was computed, in words ("30 calendar days from 2024-05-01 end on Saturday
    /// 2024-05-31; rolled to Monday 2024-06-03").
    pub basis: String,
}

/// One regime's clearance range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RegimeTimeline {
    /// Regime id (a row of the matrix).
    pub regime: String,
    /// Regime name.
    pub name: String,
    /// Earliest clearance: the initial period runs out with no extension.
    pub earliest: Milestone,
    /// Typical clearance, where a source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typical: Option<Milestone>,
    /// Worst case on the extension branch (Second Request, Phase II), where bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<Milestone>,
    /// True when the worst case (or, without one, the earliest) falls after `dates.outside`.
    pub passes_outside: bool,
    /// Caveats (unbounded stop-the-clock, UNCONFIRMED figures, untabulated holidays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The deal's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Timeline {
    /// `dates.signing`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<Date>,
    /// The filing date the clocks run from.
    pub filing: Date,
    /// True when the deal gives no `dates.filing` and the date above is assumed.
    pub filing_assumed: bool,
    /// How the filing date was chosen, in words.
    pub filing_basis: String,
    /// `dates.outside`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside: Option<Date>,
    /// One entry per triggered suspensory regime, latest worst case first.
    pub regimes: Vec<RegimeTimeline>,
    /// The regime whose clearance comes last: it drives closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drives_closing: Option<String>,
    /// Caveats for the whole timeline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
