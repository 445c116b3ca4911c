//! The report of one screening (`dealscreen/report@1`) and its plain-text rendering (the
//! Markdown and HTML memo is `memo.rs`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::deal::ParsedDeal;
use crate::finding::{Finding, Severity, Status};
use crate::ruleset::RuleSet;

/// The `schema` value of a v1 report.
pub const REPORT_SCHEMA: &str = "dealscreen/report@1";

/// The deal a report is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DealRef {
    /// Deal id.
    pub id: String,
    /// Deal name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// SHA-256 of the deal's canonical JSON.
    pub digest: String,
}

/// The rule pack that decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RulesetRef {
    /// SHA-256 over the pack's rules, libraries, parameter tables, regimes and calendars.
    pub digest: String,
    /// Number of rules.
    pub rules: usize,
}

/// Findings counted by status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    /// Triggered findings.
    pub triggered: usize,
    /// Clear findings.
    pub clear: usize,
    /// Findings that lack data.
    pub insufficient_data: usize,
    /// Rules not in force on the date.
    pub not_in_force: usize,
    /// Rules that failed.
    pub error: usize,
}

impl Counts {
    /// The count of one status.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Triggered => self.triggered,
            Status::Clear => self.clear,
            Status::InsufficientData => self.insufficient_data,
            Status::NotInForce => self.not_in_force,
            Status::Error => self.error,
        }
    }

    /// The non-zero counts in words, in status order: `2 clear, 9 insufficient data`.
    pub fn words(&self) -> String {
        Status::ALL
            .iter()
            .filter(|s| self.get(**s) > 0)
            .map(|s| format!("{} {}", self.get(*s), s.as_str().replace('_', " ")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn bump(&mut self, status: Status) {
        let slot = match status {
            Status::Triggered => &mut self.triggered,
            Status::Clear => &mut self.clear,
            Status::InsufficientData => &mut self.insufficient_data,
            Status::NotInForce => &mut self.not_in_force,
            Status::Error => &mut self.error,
        };
        *slot += 1;
    }
}

/// The report's summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Highest severity among triggered findings.
    pub highest_severity: Option<Severity>,
    /// Findings by status.
    pub counts: Counts,
}

/// A fact the screening needs and the deal does not give: the question to send, and the
/// findings it would let the rules decide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InformationRequest {
    /// JSON pointer of the missing fact.
    pub pointer: String,
    /// The question to ask, in plain words.
    pub question: String,
    /// The rules whose answers wait on it, by id.
    pub unblocks: Vec<String>,
}

/// The result of screening one deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "dealscreen screening report, v1")]
pub struct Report {
    /// `"dealscreen/report@1"`.
    pub schema: String,
    /// The deal screened.
    pub deal: DealRef,
    /// The date thresholds and rules in force were chosen for.
    pub as_of: Date,
    /// The rule pack.
    pub ruleset: RulesetRef,
    /// Summary.
    pub summary: Summary,
    /// One finding per rule, by severity (highest first), then rule id.
    pub findings: Vec<Finding>,
    /// Every missing fact of the `insufficient_data` findings, merged: the facts that
    /// unblock the most findings first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub information_requests: Vec<InformationRequest>,
    /// The filing matrix: one row per regime of the pack, in the pack's regime order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matrix: Vec<crate::matrix::MatrixRow>,
    /// Clearance dates of the triggered suspensory regimes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<crate::timeline::Timeline>,
}

fn information_requests(findings: &[Finding]) -> Vec<InformationRequest> {
    let mut by_pointer: std::collections::BTreeMap<&str, Vec<String>> =
        std::collections::BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.status == Status::InsufficientData)
    {
        for p in &f.missing {
            let rules = by_pointer.entry(p.as_str()).or_default();
            if !rules.contains(&f.rule) {
                rules.push(f.rule.clone());
            }
        }
    }
    let mut out: Vec<InformationRequest> = by_pointer
        .into_iter()
        .map(|(pointer, mut unblocks)| {
            unblocks.sort();
            InformationRequest {
                question: crate::fact_labels::question(pointer)
                    .unwrap_or_else(|| format!("Please provide `{pointer}`.")),
                pointer: pointer.to_string(),
                unblocks,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.unblocks
            .len()
            .cmp(&a.unblocks.len())
            .then_with(|| a.pointer.cmp(&b.pointer))
    });
    out
}

impl Report {
    pub(crate) fn new(
        deal: &ParsedDeal,
        as_of: Date,
        rules: &RuleSet,
        mut findings: Vec<Finding>,
    ) -> Report {
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
        });
        let mut counts = Counts::default();
        for f in &findings {
            counts.bump(f.status);
        }
        let matrix = crate::matrix::build(rules.regimes(), &findings);
        let timeline = crate::timeline::build(
            deal.deal.dates.as_ref(),
            as_of,
            rules.regimes(),
            rules.calendars(),
            &matrix,
        );
        Report {
            schema: REPORT_SCHEMA.to_string(),
            deal: DealRef {
                id: deal.deal.id.clone(),
                name: deal.deal.name.clone(),
                digest: deal.digest.clone(),
            },
            as_of,
            ruleset: RulesetRef {
                digest: rules.digest().to_string(),
                rules: rules.len(),
            },
            summary: Summary {
                highest_severity: findings.iter().filter_map(|f| f.severity).max(),
                counts,
            },
            information_requests: information_requests(&findings),
            findings,
            matrix,
            timeline,
        }
    }

    /// True when a triggered finding is at or above `level`.
    pub fn has_finding_at_or_above(&self, level: Severity) -> bool {
        self.summary.highest_severity.is_some_and(|s| s >= level)
    }

    /// True when a rule failed.
    pub fn has_errors(&self) -> bool {
        self.summary.counts.error > 0
    }

    /// The report as pretty JSON (stable: fixed field order, sorted findings).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The report as plain text for a terminal or a review note.
    pub fn to_text(&self) -> String {
        render_text(self)
    }
}

pub(crate) const WIDTH: usize = 92;

pub(crate) fn wrap(text: &str, indent: &str, out: &mut String) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.chars().count() > WIDTH {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
}

pub(crate) fn bullet(text: &str, out: &mut String) {
    let mut tmp = String::new();
    wrap(text, "      ", &mut tmp);
    let tmp = tmp.replacen("      ", "    - ", 1);
    out.push_str(&tmp);
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Triggered => "TRIGGERED",
        Status::Clear => "CLEAR",
        Status::InsufficientData => "INSUFFICIENT DATA",
        Status::NotInForce => "NOT IN FORCE",
        Status::Error => "ERROR",
    }
}

fn render_text(r: &Report) -> String {
    let mut out = String::new();
    let title = r.deal.name.as_deref().unwrap_or(&r.deal.id);
    out.push_str(&format!("dealscreen report: {title} ({})\n", r.deal.id));
    out.push_str(&format!(
        "as of {} | {} rules | deal sha256 {} | rules sha256 {}\n",
        r.as_of,
        r.ruleset.rules,
        short(&r.deal.digest),
        short(&r.ruleset.digest)
    ));
    out.push_str(&format!("summary: {}", r.summary.counts.words()));
    if let Some(h) = r.summary.highest_severity {
        out.push_str(&format!(" (highest severity: {})", h.as_str()));
    }
    out.push('\n');
    // The matrix and the timeline open the report: what must be filed, and when it clears.
    crate::matrix::render_text(&r.matrix, &mut out);
    if let Some(t) = &r.timeline {
        crate::timeline::render_text(t, &mut out);
    }
    // A reader wants what needs action first: failures, then triggered findings (by
    // severity), then what cannot be decided; the JSON keeps the contract's order.
    let rank = |s: Status| match s {
        Status::Error => 0,
        Status::Triggered => 1,
        Status::InsufficientData => 2,
        Status::Clear => 3,
        Status::NotInForce => 4,
    };
    let mut ordered: Vec<&Finding> = r.findings.iter().collect();
    ordered.sort_by_key(|f| rank(f.status));
    for f in ordered {
        out.push('\n');
        let sev = f
            .severity
            .map(|s| format!(" [{}]", s.as_str()))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}{sev}  {}  ({})\n",
            if f.not_screened {
                "NOT SCREENED"
            } else {
                status_label(f.status)
            },
            f.rule,
            f.regime
        ));
        wrap(&f.title, "  ", &mut out);
        out.push('\n');
        wrap(&f.explanation, "  ", &mut out);
        if let Some(rec) = &f.recommendation {
            out.push_str("  next step:\n");
            bullet(rec, &mut out);
        }
        if !f.notes.is_empty() {
            out.push_str("  caveats:\n");
            for n in &f.notes {
                bullet(n, &mut out);
            }
        }
        if !f.missing.is_empty() {
            out.push_str("  missing facts:\n");
            for m in &f.missing {
                bullet(m, &mut out);
            }
        }
        if !f.comparisons.is_empty() {
            out.push_str("  threshold tests:\n");
            for cmp in &f.comparisons {
                bullet(&cmp.text, &mut out);
            }
        }
        if !f.parameters.is_empty() {
            out.push_str("  dated figures used:\n");
            for p in &f.parameters {
                let period = match p.until {
                    Some(u) => format!("{} to {u}", p.from),
                    None => format!("from {}", p.from),
                };
                let value = match (&p.value, p.value.as_f64()) {
                    (_, Some(v)) => crate::format::in_unit(&p.unit, v),
                    (serde_json::Value::String(s), None) => s.clone(),
                    _ => "bracket schedule".to_string(),
                };
                let note = p
                    .note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                bullet(
                    &format!(
                        "{} = {value} ({period}); source: {}{note}",
                        p.name, p.source
                    ),
                    &mut out,
                );
            }
        }
        if !f.facts.is_empty() {
            out.push_str("  facts read:\n");
            for fact in &f.facts {
                bullet(
                    &format!(
                        "{} = {}",
                        fact.pointer,
                        fact_text(&fact.pointer, &fact.value)
                    ),
                    &mut out,
                );
            }
        }
        if !f.citations.is_empty() {
            let cites: Vec<&str> = f.citations.iter().map(|c| c.text.as_str()).collect();
            out.push_str("  cites:\n");
            bullet(&cites.join("; "), &mut out);
        }
    }
    requests_text(r, &mut out);
    out
}

/// A fact's value for reading: units follow the field-name suffix (`_usd`, `_pct`, …).
pub fn fact_text(pointer: &str, value: &serde_json::Value) -> String {
    let Some(n) = value.as_f64() else {
        return value.to_string();
    };
    let field = pointer.rsplit('/').next().unwrap_or("");
    let unit = ["usd", "eur", "gbp", "pct", "ops_per_s", "ops", "gbps"]
        .into_iter()
        .find(|u| field.ends_with(&format!("_{u}")));
    match unit {
        Some(u) => crate::format::in_unit(u, n),
        None => crate::format::plain(n),
    }
}

fn requests_text(r: &Report, out: &mut String) {
    if r.information_requests.is_empty() {
        return;
    }
    out.push_str(&format!("\n{}\nINFORMATION REQUESTS (the facts that would let undecided rules answer, most useful first)\n", "-".repeat(WIDTH)));
    for (i, q) in r.information_requests.iter().enumerate() {
        out.push('\n');
        let mut item = String::new();
        wrap(&q.question, "      ", &mut item);
        out.push_str(&item.replacen("      ", &format!("  {:>2}. ", i + 1), 1));
        wrap(
            &format!("({}; needed by {})", q.pointer, q.unblocks.join(", ")),
            "      ",
            out,
        );
    }
}

fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}
