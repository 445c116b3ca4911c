//! The filing matrix: one row per regime, the verdict taken from the regime's deciding
//! finding and the practitioner's columns (obligation, suspension, when to file, clock, who
//! files, fee, penalty) taken from the regime's metadata (`*.regime.toml` beside its rules).
//!
//! Every cell says where it comes from: the verdict and the fee name the finding (rule id)
//! that decided them; the other columns name the sources of the regime file.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Status};
use crate::regime::Regime;

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
    /// The deciding rule was not in force, but an earlier law that the pack does not
    /// screen applied on the date: check it separately. Never read as "not required".
    NotScreened,
    /// The deciding rule failed (fail closed): the answer is unknown.
    Error,
}

impl Verdict {
    /// The verdict a deciding finding's status gives.
    pub fn of(status: Status) -> Verdict {
        match status {
            Status::Triggered => Verdict::FilingRequired,
            Status::Clear => Verdict::NotRequired,
            Status::InsufficientData => Verdict::CannotDetermine,
            Status::NotInForce => Verdict::NotInForce,
            Status::Error => Verdict::Error,
        }
    }

    /// A short label for tables; what needs action is in capitals.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::FilingRequired => "FILING REQUIRED",
            Verdict::NotRequired => "not required",
            Verdict::CannotDetermine => "CANNOT DETERMINE",
            Verdict::NotInForce => "not in force",
            Verdict::NotScreened => "NOT SCREENED",
            Verdict::Error => "ERROR",
        }
    }

    /// The verdict in the report's words.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::FilingRequired => "filing required",
            Verdict::NotRequired => "not required",
            Verdict::CannotDetermine => "cannot determine: information needed",
            Verdict::NotInForce => "not in force",
            Verdict::NotScreened => "not screened: an earlier law applied",
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
    /// Filing is voluntary except in cases the regime makes mandatory (CFIUS: mandatory
    /// declarations); the verdict says whether this deal is such a case.
    MandatoryInDefinedCases,
}

impl Obligation {
    /// The obligation in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Obligation::Mandatory => "mandatory",
            Obligation::Voluntary => "voluntary",
            Obligation::InformationDuty => "information duty",
            Obligation::MandatoryInDefinedCases => "mandatory in defined cases, else voluntary",
        }
    }
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

impl Fee {
    /// The amount in words, "at least" where it is a floor: `$105,000`, `at least $265,000`.
    pub fn amount_words(&self) -> String {
        let amount = crate::format::money(self.amount, &self.currency);
        if self.at_least {
            format!("at least {amount}")
        } else {
            amount
        }
    }
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
    /// Mandatory, voluntary, mandatory in defined cases, or an information duty.
    pub obligation: Obligation,
    /// True when the deal may not close before clearance (standstill).
    pub suspensory: bool,
    /// When to file, in words.
    pub when_to_file: String,
    /// The review clock in words ("30 calendar days from both filings; ...").
    pub review_clock: String,
    /// How the initial review period counts; absent for regimes without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_unit: Option<ClockUnit>,
    /// The initial review period in short ("30 calendar days", "1 month"), for tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_short: Option<String>,
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
    /// What related findings add to the verdict (e.g. a voluntary CFIUS filing is possible),
    /// each naming its rule and status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<String>,
    /// For `cannot_determine`: the facts the deciding finding needs (JSON pointers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// The filing matrix of a screening: one row per regime whose deciding rule was evaluated,
/// in the pack's regime order.
pub fn build(regimes: &[Regime], findings: &[Finding]) -> Vec<MatrixRow> {
    regimes
        .iter()
        .filter_map(|regime| {
            let decided = findings.iter().find(|f| f.rule == regime.decided_by)?;
            // Before the deciding rule's window an earlier law may have applied that the
            // pack does not screen: that is "not screened", which must not read as "nothing
            // to file". The finding names the law.
            let verdict = if decided.not_screened {
                Verdict::NotScreened
            } else {
                Verdict::of(decided.status)
            };
            let mut remarks: Vec<String> = Vec::new();
            if decided.not_screened {
                remarks.push(decided.explanation.clone());
            }
            remarks.extend(
                regime
                    .related
                    .iter()
                    .filter(|rel| {
                        findings
                            .iter()
                            .any(|f| f.rule == rel.rule && f.status == rel.status)
                    })
                    .map(|rel| rel.remark.clone()),
            );
            Some(MatrixRow {
                regime: regime.id.clone(),
                name: regime.name.clone(),
                jurisdiction: regime.jurisdiction.clone(),
                verdict,
                decided_by: regime.decided_by.clone(),
                obligation: regime.obligation,
                suspensory: regime.suspensory,
                when_to_file: regime.when_to_file.clone(),
                review_clock: regime.words.review_clock.clone(),
                clock_unit: regime.words.clock_unit,
                clock_short: regime.words.clock_short.clone(),
                extension: regime.words.extension.clone(),
                who_files: regime.who_files.clone(),
                // The fee of a triggered finding only: a clear answer owes none.
                fee: decided
                    .fee
                    .clone()
                    .filter(|_| verdict == Verdict::FilingRequired),
                penalty: regime.penalty.clone(),
                sources: regime.sources.clone(),
                notes: regime.words.notes.clone(),
                remarks,
                missing: if verdict == Verdict::CannotDetermine {
                    decided.missing.clone()
                } else {
                    Vec::new()
                },
            })
        })
        .collect()
}

fn kind_words(row: &MatrixRow) -> String {
    format!(
        "{}{}",
        row.obligation.as_str(),
        if row.suspensory { ", suspensory" } else { "" }
    )
}

/// The matrix as a compact table, then the details of every row that needs action.
pub(crate) fn render_text(rows: &[MatrixRow], out: &mut String) {
    use crate::report::{WIDTH, bullet, wrap};
    if rows.is_empty() {
        return;
    }
    out.push_str(&format!(
        "\n{}\nFILING MATRIX (one row per regime; the verdict and fee come from the finding named)\n\n",
        "-".repeat(WIDTH)
    ));
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                row.regime.clone(),
                row.verdict.label().to_string(),
                kind_words(row),
                row.clock_short
                    .clone()
                    .unwrap_or_else(|| "none".to_string()),
                row.fee.as_ref().map(Fee::amount_words).unwrap_or_default(),
            ]
        })
        .collect();
    let head = ["regime", "verdict", "obligation", "initial clock", "fee"].map(String::from);
    // Columns as wide as their widest cell, so a long obligation never runs into the clock.
    let mut width = [0usize; 5];
    for line in std::iter::once(&head).chain(&cells) {
        for (w, c) in width.iter_mut().zip(line) {
            *w = (*w).max(c.chars().count());
        }
    }
    for line in std::iter::once(&head).chain(&cells) {
        let mut text = String::from(" ");
        for (w, c) in width.iter().zip(line) {
            text.push(' ');
            text.push_str(c);
            text.push_str(&" ".repeat(w - c.chars().count()));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    for row in rows.iter().filter(|r| {
        matches!(
            r.verdict,
            Verdict::FilingRequired | Verdict::CannotDetermine | Verdict::Error
        ) || !r.remarks.is_empty()
    }) {
        out.push('\n');
        wrap(
            &format!(
                "{} ({}): {}, decided by {}",
                row.name,
                row.regime,
                row.verdict.as_str(),
                row.decided_by
            ),
            "  ",
            out,
        );
        let mut item = |label: &str, text: &str| bullet(&format!("{label}: {text}"), out);
        if !row.missing.is_empty() {
            item("information needed", &row.missing.join(", "));
        }
        for r in &row.remarks {
            item("note", r);
        }
        // The full row for what must be filed; an open answer shows what it needs.
        if row.verdict != Verdict::FilingRequired {
            continue;
        }
        item("when to file", &row.when_to_file);
        item("who files", &row.who_files);
        item("review clock", &row.review_clock);
        if let Some(e) = &row.extension {
            item("extensions", e);
        }
        if let Some(fee) = &row.fee {
            item("fee", &format!("{} ({})", fee.text, fee.rule));
        }
        item("penalty", &row.penalty);
        for n in &row.notes {
            item("caveat", n);
        }
        item("sources", &row.sources.join("; "));
    }
}
