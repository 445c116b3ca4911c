//! The screening memo: what a deal lawyer forwards. Built from a [`Report`], the deal (for
//! the notifiable event) and, optionally, a [`WhatIf`]; rendered to Markdown or to one
//! self-contained HTML page.
//!
//! The memo is first built as a document (`doc.rs`: sections of headings, paragraphs, lists,
//! tables and term/value pairs) and then rendered: both formats say exactly the same thing,
//! and neither renderer decides anything. Sections follow issue #6: summary, filing matrix,
//! notifiable event, regime by regime, substantive risk, timeline, information requests,
//! what-if, audit.

use crate::deal::ParsedDeal;
use crate::doc::{
    Block, Document, Inline, Line, Section, capitalise, code, status_tone, strong, text,
    verdict_tone,
};
use crate::fact_labels;
use crate::finding::{Finding, ParameterUse, Status};
use crate::format;
use crate::html::{self, Tone};
use crate::matrix::{MatrixRow, Obligation, Verdict};
use crate::report::{Report, fact_text};
use crate::timeline::Timeline;
use crate::whatif::WhatIf;

/// The rules that assess substantive (competition) risk rather than a filing duty: they get
/// their own section, and no filing verdict is read from them.
const SUBSTANTIVE_PREFIXES: [&str; 3] = [
    "us.guidelines.",
    "us.clayton8.interlock",
    "us.ftc.ai_partnership_factors",
];

/// Words that mark a sentence as being about an exemption or exception the rule weighed.
const EXEMPTION_WORDS: [&str; 5] = [
    "exempt",
    "exception",
    "safe harbour",
    "safe harbor",
    "de minimis",
];

fn is_substantive(rule: &str) -> bool {
    SUBSTANTIVE_PREFIXES.iter().any(|p| rule.starts_with(p))
}

/// Prose from rules: `backticked` spans become code, and UNCONFIRMED is set in bold so a
/// reader cannot miss a figure the team has not confirmed.
fn prose(s: &str) -> Line {
    let parts: Vec<&str> = s.split('`').collect();
    // An odd number of backticks is not markup: the text stays as written.
    let pieces: Vec<(bool, &str)> = if parts.len() % 2 == 1 {
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| (i % 2 == 1, *p))
            .collect()
    } else {
        vec![(false, s)]
    };
    let mut out = Vec::new();
    for (is_code, part) in pieces {
        if part.is_empty() {
            continue;
        }
        if is_code {
            out.push(code(part));
            continue;
        }
        let mut rest = part;
        while let Some(at) = rest.find("UNCONFIRMED") {
            if at > 0 {
                out.push(text(&rest[..at]));
            }
            out.push(strong("UNCONFIRMED"));
            rest = &rest[at + "UNCONFIRMED".len()..];
        }
        if !rest.is_empty() {
            out.push(text(rest));
        }
    }
    out
}

fn status_words(s: Status) -> &'static str {
    match s {
        Status::Triggered => "triggered",
        Status::Clear => "clear",
        Status::InsufficientData => "cannot determine: information needed",
        Status::NotInForce => "not in force",
        Status::Error => "error: answer unknown",
    }
}

fn finding_badge(f: &Finding) -> Inline {
    if f.not_screened {
        // An earlier law applied that the pack does not screen: an open point, not a pass.
        return Inline::Badge(Tone::Unknown, "not screened: earlier law".to_string());
    }
    let words = match f.severity {
        Some(sev) => format!("{} ({})", status_words(f.status), sev.as_str()),
        None => status_words(f.status).to_string(),
    };
    Inline::Badge(status_tone(f.status), words)
}

/// Reading order: what needs action first, then what cannot be decided, then the rest.
fn status_rank(s: Status) -> u8 {
    match s {
        Status::Error => 0,
        Status::Triggered => 1,
        Status::InsufficientData => 2,
        Status::Clear => 3,
        Status::NotInForce => 4,
    }
}

/// The matrix verdict in the same reading order as [`status_rank`].
fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Error => 0,
        Verdict::FilingRequired => 1,
        Verdict::CannotDetermine | Verdict::NotScreened => 2,
        Verdict::NotRequired => 3,
        Verdict::NotInForce => 4,
    }
}

/// Splits rule prose into sentences. A period ends a sentence when a capital letter follows
/// and the word before it is not an abbreviation ("U.S.C.", "No.", "Art.", "e.g.").
fn sentences(s: &str) -> Vec<String> {
    const ABBREVIATIONS: [&str; 12] = [
        "no", "nos", "art", "arts", "inc", "corp", "co", "ltd", "v", "vs", "para", "s",
    ];
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let ends = (c == '.' || c == '?' || c == '!' || c == ':')
            && chars.get(i + 1) == Some(&' ')
            && chars.get(i + 2).is_some_and(|n| n.is_uppercase());
        if ends && c == '.' {
            let word: String = chars[start..i]
                .iter()
                .rev()
                .take_while(|ch| !ch.is_whitespace() && **ch != '(')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let lower = word.to_ascii_lowercase();
            let abbreviation = ABBREVIATIONS.contains(&lower.as_str())
                || (word.contains('.') && word.chars().all(|ch| ch.is_alphabetic() || ch == '.'))
                || (word.chars().count() == 1 && word.chars().all(char::is_uppercase));
            if abbreviation {
                i += 1;
                continue;
            }
        }
        if ends && c != ':' {
            out.push(
                chars[start..=i]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string(),
            );
            start = i + 2;
            i += 2;
            continue;
        }
        i += 1;
    }
    let tail: String = chars[start.min(chars.len())..].iter().collect();
    if !tail.trim().is_empty() {
        out.push(tail.trim().to_string());
    }
    out
}

fn mentions_exemption(s: &str) -> bool {
    let lower = s.to_lowercase();
    EXEMPTION_WORDS.iter().any(|w| lower.contains(w))
}

fn parameter_value(p: &ParameterUse) -> String {
    match (&p.value, p.value.as_f64()) {
        (_, Some(v)) => format::in_unit(&p.unit, v),
        (serde_json::Value::String(s), None) => s.replace('_', " "),
        _ => "a bracket schedule".to_string(),
    }
}

fn date(d: crate::date::Date) -> Inline {
    Inline::NoWrap(d.to_string())
}

fn parameter_period(p: &ParameterUse) -> Line {
    match p.until {
        Some(u) => vec![date(p.from), text(" to "), date(u)],
        None => vec![text("from "), date(p.from)],
    }
}

/// A deal value in words: enums lose their underscores, booleans read yes/no, amounts and
/// shares get their unit from the field name.
fn value_words(pointer: &str, v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Bool(true) => "yes".to_string(),
        serde_json::Value::Bool(false) => "no".to_string(),
        serde_json::Value::String(s) => s.replace('_', " "),
        serde_json::Value::Array(items) if items.is_empty() => "none".to_string(),
        serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => items
            .iter()
            .filter_map(|i| i.as_str())
            .map(|s| s.replace('_', " "))
            .collect::<Vec<_>>()
            .join(", "),
        // `voting_pct_after` and the like carry their unit mid-name, which `fact_text`
        // (suffix only) does not see.
        serde_json::Value::Number(n) if pointer.contains("_pct_") => {
            n.as_f64().map_or_else(|| n.to_string(), format::pct)
        }
        serde_json::Value::Number(_) => fact_text(pointer, v),
        other => other.to_string(),
    }
}

fn exclusivity_words(term: &serde_json::Value) -> String {
    let field = |k: &str| {
        term.get(k)
            .and_then(|v| v.as_str())
            .map(|s| s.replace('_', " "))
    };
    let mut s = match (field("scope"), field("kind")) {
        (Some(scope), Some(kind)) => format!("{scope} {kind} term"),
        (Some(scope), None) => format!("{scope} term (kind not given)"),
        (None, Some(kind)) => format!("{kind} term (exclusive, primary or preferred not given)"),
        (None, None) => "a term whose kind and scope are not given".to_string(),
    };
    match field("beneficiary") {
        Some(b) => s.push_str(&format!(", in favour of the {b}")),
        None => s.push_str(", beneficiary not given"),
    }
    if let Some(m) = term.get("duration_months").and_then(|v| v.as_u64()) {
        s.push_str(&format!(", for {m} months"));
    }
    if let Some(d) = term.get("description").and_then(|v| v.as_str()) {
        s.push_str(&format!(" ({d})"));
    }
    s
}

/// One line of the notifiable event: the fact's label and its value, or "not given".
fn event_pair(deal: &serde_json::Value, pointer: &str, always: bool) -> Option<(String, Line)> {
    let label = capitalise(&fact_labels::label(pointer));
    match deal.pointer(pointer) {
        Some(serde_json::Value::Array(terms)) if pointer == "/commercial/exclusivity" => {
            let words = if terms.is_empty() {
                "none".to_string()
            } else {
                terms
                    .iter()
                    .map(exclusivity_words)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            Some((label, vec![text(words)]))
        }
        Some(v) => Some((label, vec![text(value_words(pointer, v))])),
        None if always => Some((
            label,
            vec![Inline::Badge(Tone::Unknown, "not given".to_string())],
        )),
        None => None,
    }
}

fn party_line(deal: &serde_json::Value, who: &str) -> Line {
    let name = deal
        .pointer(&format!("/{who}/name"))
        .and_then(|v| v.as_str())
        .unwrap_or("(no name)");
    let mut s = name.to_string();
    match deal
        .pointer(&format!("/{who}/country"))
        .and_then(|v| v.as_str())
    {
        Some(c) => s.push_str(&format!(" ({c})")),
        None => s.push_str(" (country not given)"),
    }
    match deal.pointer(&format!("/{who}/activities")) {
        Some(a) => s.push_str(&format!(
            "; activities: {}",
            value_words(&format!("/{who}/activities"), a)
        )),
        None => s.push_str("; activities not given"),
    }
    vec![text(s)]
}

fn citations_line(f: &Finding) -> Vec<Line> {
    f.citations
        .iter()
        .map(|c| match &c.url {
            Some(u) if html::safe_url(u).is_some() => {
                vec![Inline::Link(c.text.clone(), u.clone())]
            }
            _ => prose(&c.text),
        })
        .collect()
}

fn numbers_blocks(f: &Finding, out: &mut Vec<Block>) {
    if !f.comparisons.is_empty() {
        out.push(Block::Para(vec![strong("Threshold tests")]));
        out.push(Block::List(
            f.comparisons.iter().map(|c| prose(&c.text)).collect(),
        ));
    }
    if !f.parameters.is_empty() {
        out.push(Block::Para(vec![strong(
            "Figures applied (in force on the date screened)",
        )]));
        let rows = f
            .parameters
            .iter()
            .map(|p| {
                let mut source = prose(&p.source);
                if let Some(n) = &p.note {
                    source.push(text(". "));
                    source.extend(prose(&capitalise(n)));
                }
                let mut figure = prose(&capitalise(&p.description));
                figure.extend([text(" "), code(&p.name)]);
                vec![
                    figure,
                    prose(&parameter_value(p)),
                    parameter_period(p),
                    source,
                ]
            })
            .collect();
        out.push(Block::table(
            &["figure", "value", "in force", "source"],
            rows,
        ));
    }
}

fn facts_blocks(f: &Finding, out: &mut Vec<Block>) {
    if !f.facts.is_empty() {
        out.push(Block::Para(vec![strong("Facts applied")]));
        out.push(Block::List(
            f.facts
                .iter()
                .map(|fact| {
                    vec![
                        text(format!(
                            "{}: {} ",
                            capitalise(&fact_labels::label(&fact.pointer)),
                            value_words(&fact.pointer, &fact.value)
                        )),
                        code(&fact.pointer),
                    ]
                })
                .collect(),
        ));
    }
    if !f.missing.is_empty() {
        out.push(Block::Para(vec![strong(
            "Facts not given (see the information requests)",
        )]));
        out.push(Block::List(
            f.missing
                .iter()
                .map(|m| {
                    vec![
                        text(format!("{} ", capitalise(&fact_labels::label(m)))),
                        code(m),
                    ]
                })
                .collect(),
        ));
    }
}

/// The labels of the guidelines whose figures a concentration finding applied: the HHI
/// arithmetic in its explanation is read against these.
fn guideline_versions(f: &Finding) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in &f.parameters {
        let label = p.reference.clone().unwrap_or_else(|| p.description.clone());
        let relevant = p.unit == "hhi" || label.contains("Guidelines");
        if relevant && !out.contains(&label) {
            out.push(label);
        }
    }
    out
}

/// The blocks of one finding. `shown_notes` are caveats already shown elsewhere (the
/// regime's exemptions), left out here so nothing is said twice.
fn finding_card(f: &Finding, shown_notes: &[String], substantive: bool) -> Block {
    let mut b = vec![
        Block::SubHeading(vec![text(&f.title)]),
        Block::Para(vec![finding_badge(f), text(" "), code(&f.rule)]),
    ];
    if f.status == Status::NotInForce {
        b.push(Block::Para(prose(&f.explanation)));
        let cites = citations_line(f);
        if !cites.is_empty() {
            b.push(Block::Para(vec![strong("Citations")]));
            b.push(Block::List(cites));
        }
        return Block::Card(b);
    }
    if substantive {
        let versions = guideline_versions(f);
        if !versions.is_empty() {
            let mut line = vec![strong(if f.parameters.iter().any(|p| p.unit == "hhi") {
                "HHI arithmetic under: "
            } else {
                "Guidelines applied: "
            })];
            line.extend(prose(&versions.join("; ")));
            b.push(Block::Para(line));
        }
    }
    let mut conclusion = vec![strong("Conclusion. ")];
    conclusion.extend(prose(&f.explanation));
    b.push(Block::Para(conclusion));
    if let Some(fee) = &f.fee {
        let mut line = vec![strong("Filing fee. ")];
        line.extend(prose(&fee_words(&fee.text)));
        b.push(Block::Para(line));
    }
    if let Some(rec) = &f.recommendation {
        let mut line = vec![strong("Next step. ")];
        line.extend(prose(rec));
        b.push(Block::Para(line));
    }
    numbers_blocks(f, &mut b);
    facts_blocks(f, &mut b);
    let notes: Vec<Line> = f
        .notes
        .iter()
        .filter(|n| !shown_notes.contains(n))
        .map(|n| prose(n))
        .collect();
    if !notes.is_empty() {
        b.push(Block::Para(vec![strong("Caveats")]));
        b.push(Block::List(notes));
    }
    let cites = citations_line(f);
    if !cites.is_empty() {
        b.push(Block::Para(vec![strong("Citations")]));
        b.push(Block::List(cites));
    }
    Block::Card(b)
}

/// Findings of rules not in force on the date, one line each: the rule and why.
fn not_in_force_list(list: &[&Finding], as_of: crate::date::Date) -> Vec<Block> {
    if list.is_empty() {
        return Vec::new();
    }
    let prefix = format!("Not in force on {as_of}: ");
    let heading = if list.iter().any(|f| f.not_screened) {
        format!("Not in force, or not screened, on {as_of}")
    } else {
        format!("Not in force on {as_of}")
    };
    vec![
        Block::Para(vec![strong(heading)]),
        Block::List(
            list.iter()
                .map(|f| {
                    let why = f
                        .explanation
                        .strip_prefix(&prefix)
                        .unwrap_or(&f.explanation);
                    let mut line = vec![text(format!("{} ", f.title)), code(&f.rule), text(": ")];
                    line.extend(prose(&capitalise(why)));
                    line
                })
                .collect(),
        ),
    ]
}

/// The first clause of a review clock in words ("No review period: a notification within
/// 2 weeks, …" gives "No review period"), for a table cell; the regime section has it all.
fn clock_gist(clock: &str) -> String {
    let first = sentences(clock).into_iter().next().unwrap_or_default();
    match first.split_once(": ") {
        Some((head, _)) => head.to_string(),
        None => first,
    }
}

/// A fee's words without the label the rule's sentence starts with: the memo labels it.
fn fee_words(text: &str) -> String {
    capitalise(text.strip_prefix("Filing fee: ").unwrap_or(text))
}

fn obligation_words(o: Obligation) -> &'static str {
    match o {
        Obligation::Mandatory => "mandatory",
        Obligation::Voluntary => "voluntary",
        Obligation::InformationDuty => "information duty",
        Obligation::MandatoryInDefinedCases => "mandatory in defined cases, else voluntary",
    }
}

fn matrix_row<'a>(findings: &[&'a Finding], matrix: &'a [MatrixRow]) -> Option<&'a MatrixRow> {
    matrix
        .iter()
        .find(|row| findings.iter().any(|f| f.rule == row.decided_by))
}

struct Builder<'a> {
    report: &'a Report,
    deal: &'a ParsedDeal,
    whatif: Option<&'a WhatIf>,
}

impl Builder<'_> {
    fn filing_findings(&self) -> Vec<&Finding> {
        self.report
            .findings
            .iter()
            .filter(|f| !is_substantive(&f.rule))
            .collect()
    }

    /// Filing findings grouped by regime: what needs action first (the matrix verdict, else
    /// the regime's most pressing finding), then the matrix's order, then by name.
    fn regime_groups(&self) -> Vec<(String, Vec<&Finding>)> {
        let matrix = &self.report.matrix;
        let findings = self.filing_findings();
        // A finding belongs to the matrix row it decides; a related finding (e.g. the HSR
        // conversion rule) to the row decided by a finding of its regime; one regime label
        // can hold several rows (EO 14110 model and cluster reporting).
        let row_of = |f: &Finding| -> Option<&MatrixRow> {
            matrix.iter().find(|r| r.decided_by == f.rule).or_else(|| {
                matrix.iter().find(|r| {
                    findings
                        .iter()
                        .any(|d| d.rule == r.decided_by && d.regime == f.regime)
                })
            })
        };
        let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
        for f in findings.iter().copied() {
            let key = row_of(f).map_or_else(|| f.regime.clone(), |r| r.regime.clone());
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(f),
                None => groups.push((key, vec![f])),
            }
        }
        let key = |(name, list): &(String, Vec<&Finding>)| {
            let row = matrix_row(list, matrix);
            let pos = row
                .and_then(|row| matrix.iter().position(|r| r == row))
                .unwrap_or(usize::MAX);
            let urgency = match row {
                Some(r) => verdict_rank(r.verdict),
                None => list
                    .iter()
                    .map(|f| status_rank(f.status))
                    .min()
                    .unwrap_or(u8::MAX),
            };
            (urgency, pos, name.clone())
        };
        groups.sort_by_key(key);
        for (_, list) in &mut groups {
            let decider = matrix_row(list, matrix).map(|r| r.decided_by.clone());
            list.sort_by_key(|f| {
                (
                    Some(&f.rule) != decider.as_ref(),
                    status_rank(f.status),
                    f.rule.clone(),
                )
            });
        }
        groups
    }

    fn as_of_basis(&self) -> String {
        let dates = self.deal.deal.dates.as_ref();
        let as_of = self.report.as_of;
        if dates.and_then(|d| d.closing) == Some(as_of) {
            "the deal's closing date".to_string()
        } else if dates.and_then(|d| d.signing) == Some(as_of) {
            if dates.and_then(|d| d.closing).is_none() {
                "the deal's signing date; no closing date is given".to_string()
            } else {
                "the deal's signing date".to_string()
            }
        } else {
            "the date chosen for this screening".to_string()
        }
    }

    /// The memo's first paragraph: what must be filed, the fee, when the deal can close at
    /// the earliest and on which filing date, what is still open, and whether the planned
    /// closing date comes too early. Built only from the matrix, the timeline and the deal's
    /// dates, so it never says more than the sections below.
    fn bottom_line(&self) -> Line {
        let r = self.report;
        let mut line = vec![strong("Bottom line. ")];
        if r.matrix.is_empty() {
            // Without regime files there is no verdict per regime to sum up: saying "no
            // filing is required" would be a conclusion the pack never reached.
            line.push(text(
                "This rule pack describes no filing regimes, so no filing verdict is summed up here: read each finding below.",
            ));
            return line;
        }
        let rows = |v: Verdict| -> Vec<&MatrixRow> {
            r.matrix.iter().filter(|row| row.verdict == v).collect()
        };
        let required = rows(Verdict::FilingRequired);
        let open: Vec<&MatrixRow> = r
            .matrix
            .iter()
            .filter(|row| {
                matches!(
                    row.verdict,
                    Verdict::CannotDetermine | Verdict::NotScreened | Verdict::Error
                )
            })
            .collect();
        if required.is_empty() {
            line.push(text(if open.is_empty() {
                "No filing is required under the regimes screened. "
            } else {
                "No filing is required so far under the regimes screened. "
            }));
        } else {
            let names: Vec<String> = required
                .iter()
                .map(|row| match &row.fee {
                    Some(f) => format!("{} (fee {})", row.name, f.amount_words()),
                    None => row.name.clone(),
                })
                .collect();
            line.push(text(format!("File: {}. ", names.join("; "))));
        }
        let closing = self.deal.deal.dates.as_ref().and_then(|d| d.closing);
        if let Some(t) = &r.timeline
            && let Some(first) = t.regimes.iter().map(|x| x.earliest.date).max()
        {
            line.push(text(format!(
                "Earliest clearance of every required suspensory filing: {first}, with the filings {} {}. ",
                if t.filing_assumed { "assumed made on" } else { "made on" },
                t.filing
            )));
            if let Some(c) = closing
                && c < first
            {
                line.push(strong(format!(
                    "The planned closing date {c} comes before that: closing then would breach a waiting period. "
                )));
            }
        }
        if !open.is_empty() {
            let names: Vec<&str> = open.iter().map(|row| row.name.as_str()).collect();
            line.push(text(format!(
                "Still open: {} ({} fact{} requested below). ",
                names.join("; "),
                r.information_requests.len(),
                if r.information_requests.len() == 1 {
                    ""
                } else {
                    "s"
                }
            )));
            if open.iter().any(|row| row.suspensory) {
                line.push(text(
                    "Until they are settled, do not close: a suspensory filing found to be required after closing means the deal closed without clearance.",
                ));
            }
        }
        // Sentences end with a space for the next one; the paragraph does not.
        if let Some(Inline::Text(t) | Inline::Strong(t)) = line.last_mut() {
            let trimmed = t.trim_end().len();
            t.truncate(trimmed);
        }
        line
    }

    fn summary(&self) -> Section {
        let r = self.report;
        let mut points: Vec<Line> = Vec::new();
        if r.matrix.is_empty() {
            let filing = self.filing_findings();
            for (status, lead) in [
                (Status::Triggered, "Triggered: "),
                (Status::Error, "Rule errors (answer unknown): "),
                (
                    Status::InsufficientData,
                    "Cannot determine, information needed: ",
                ),
            ] {
                // One entry per regime, naming its rules with this answer.
                let mut by_regime: Vec<(String, Vec<String>)> = Vec::new();
                for f in filing.iter().filter(|f| f.status == status) {
                    match by_regime.iter_mut().find(|(r, _)| *r == f.regime) {
                        Some((_, rules)) => rules.push(f.rule.clone()),
                        None => by_regime.push((f.regime.clone(), vec![f.rule.clone()])),
                    }
                }
                let names: Vec<String> = by_regime
                    .into_iter()
                    .map(|(regime, rules)| format!("{regime} ({})", rules.join(", ")))
                    .collect();
                if !names.is_empty() {
                    points.push(vec![strong(lead), text(names.join("; "))]);
                }
            }
        } else {
            for (verdict, lead) in [
                (Verdict::FilingRequired, "Filing required: "),
                (Verdict::Error, "Rule errors (answer unknown): "),
                (
                    Verdict::CannotDetermine,
                    "Cannot determine, information needed: ",
                ),
                (
                    Verdict::NotScreened,
                    "Not screened (an earlier law applied; check it separately): ",
                ),
                (Verdict::NotRequired, "Not required: "),
            ] {
                let names: Vec<String> = r
                    .matrix
                    .iter()
                    .filter(|row| row.verdict == verdict)
                    .map(|row| row.name.clone())
                    .collect();
                if !names.is_empty() {
                    points.push(vec![strong(lead), text(names.join("; "))]);
                }
            }
        }
        for (status, lead) in [
            (Status::Triggered, "Substantive risk flagged: "),
            (Status::Error, "Substantive rule errors (answer unknown): "),
            (
                Status::InsufficientData,
                "Substantive risk undecided, information needed: ",
            ),
        ] {
            let names: Vec<String> = r
                .findings
                .iter()
                .filter(|f| is_substantive(&f.rule) && f.status == status)
                .map(|f| format!("{} ({})", f.title, f.rule))
                .collect();
            if !names.is_empty() {
                points.push(vec![strong(lead), text(names.join("; "))]);
            }
        }
        let unscreened: Vec<String> = r
            .findings
            .iter()
            .filter(|f| is_substantive(&f.rule) && f.not_screened)
            .map(|f| format!("{} ({})", f.title, f.rule))
            .collect();
        if !unscreened.is_empty() {
            points.push(vec![
                strong("Substantive risk not screened (earlier guidelines applied; check separately): "),
                text(unscreened.join("; ")),
            ]);
        }
        if let Some(t) = &r.timeline
            && let Some(d) = &t.drives_closing
        {
            let name = t
                .regimes
                .iter()
                .find(|x| &x.regime == d)
                .map_or(d.clone(), |x| x.name.clone());
            points.push(vec![strong("Drives closing: "), text(name)]);
        }
        if !r.information_requests.is_empty() {
            let waiting = r.summary.counts.insufficient_data;
            points.push(vec![
                strong("Information requests: "),
                text(format!(
                    "{} fact{} would let the {} undecided rule{} answer.",
                    r.information_requests.len(),
                    if r.information_requests.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    waiting,
                    if waiting == 1 { "" } else { "s" }
                )),
            ]);
        }
        let mut counts = format!("{} rules: {}", r.ruleset.rules, r.summary.counts.words());
        if let Some(h) = r.summary.highest_severity {
            counts.push_str(&format!("; highest severity {}", h.as_str()));
        }
        counts.push('.');
        let mut blocks = vec![
            Block::Para(self.bottom_line()),
            Block::List(points),
            Block::Para(vec![text(counts)]),
        ];
        let mut ordered: Vec<&Finding> = r.findings.iter().collect();
        ordered.sort_by_key(|f| (status_rank(f.status), f.rule.clone()));
        blocks.push(Block::table(
            &["answer", "question"],
            ordered
                .iter()
                .map(|f| {
                    vec![
                        vec![finding_badge(f)],
                        vec![text(format!("{} ", f.title)), code(&f.rule)],
                    ]
                })
                .collect(),
        ));
        Section {
            id: "summary",
            title: "Summary",
            page_break: false,
            blocks,
        }
    }

    fn matrix(&self) -> Section {
        let rows = &self.report.matrix;
        let blocks = if rows.is_empty() {
            vec![Block::Para(vec![text(
                "No filing matrix is recorded in this report. The regime-by-regime section below gives each filing rule's answer.",
            )])]
        } else {
            let table_rows = rows
                .iter()
                .map(|row| {
                    // The amount only: its basis is in the regime section.
                    let fee = match &row.fee {
                        Some(f) => vec![text(f.amount_words())],
                        None => vec![text("none computed")],
                    };
                    // The short form keeps the table readable; the regime section has
                    // the clock in full.
                    let mut clock = match &row.clock_short {
                        Some(c) => prose(c),
                        None => prose(&clock_gist(&row.review_clock)),
                    };
                    if row.extension.is_some() {
                        clock.push(text("; extensions possible"));
                    }
                    vec![
                        vec![text(format!("{} ({})", row.name, row.jurisdiction))],
                        vec![
                            Inline::Badge(verdict_tone(row.verdict), row.verdict.as_str().into()),
                            text(" by "),
                            code(&row.decided_by),
                        ],
                        vec![text(format!(
                            "{}, {}",
                            obligation_words(row.obligation),
                            if row.suspensory {
                                "suspensory"
                            } else {
                                "not suspensory"
                            }
                        ))],
                        clock,
                        fee,
                    ]
                })
                .collect();
            let mut blocks = vec![Block::table(
                &["regime", "verdict", "obligation", "review clock", "fee"],
                table_rows,
            )];
            // Remarks qualify a verdict (a voluntary filing, an exemption at risk): they go
            // right under the table; clock caveats are in each regime's section.
            let remarks: Vec<Line> = rows
                .iter()
                .flat_map(|row| {
                    row.remarks.iter().map(move |n| {
                        let mut line = vec![strong(format!("{}: ", row.name))];
                        line.extend(prose(n));
                        line
                    })
                })
                .collect();
            if !remarks.is_empty() {
                blocks.push(Block::Para(vec![strong("Remarks")]));
                blocks.push(Block::List(remarks));
            }
            blocks
        };
        Section {
            id: "matrix",
            title: "Filing matrix",
            page_break: false,
            blocks,
        }
    }

    fn event(&self) -> Section {
        let d = self.deal.canonical.as_ref();
        let mut blocks = vec![Block::Pairs(vec![
            ("Acquirer".to_string(), party_line(d, "acquirer")),
            ("Target".to_string(), party_line(d, "target")),
        ])];
        let groups: [(&str, &[(&str, bool)]); 4] = [
            (
                "What is acquired",
                &[
                    ("/transaction/kind", true),
                    ("/transaction/instrument", true),
                    ("/transaction/convertible_to_voting", false),
                    ("/transaction/value_usd", true),
                    ("/transaction/committed_value_usd", false),
                    ("/transaction/voting_pct_before", false),
                    ("/transaction/prior_holdings_value_usd", false),
                    ("/transaction/voting_pct_after", true),
                    ("/transaction/economic_pct_after", true),
                    ("/transaction/dissolution_assets_pct_after", false),
                    ("/transaction/target_us_assets_usd", false),
                ],
            ),
            (
                "Control and influence rights",
                &[
                    ("/governance/board_seats", true),
                    ("/governance/board_size", false),
                    ("/governance/board_observer", true),
                    ("/governance/veto_rights", true),
                    ("/governance/nonpublic_technical_access", false),
                    ("/governance/substantive_decision_involvement", false),
                    ("/governance/passive_investment_intent", false),
                ],
            ),
            (
                "Commercial ties",
                &[
                    ("/commercial/exclusivity", true),
                    ("/commercial/compute_commitment_usd", true),
                    ("/commercial/revenue_share", false),
                    ("/commercial/licensing_value_usd", false),
                    ("/commercial/employees_hired", false),
                ],
            ),
            (
                "Dates",
                &[
                    ("/dates/signing", true),
                    ("/dates/closing", false),
                    ("/dates/filing", false),
                    ("/dates/outside", false),
                ],
            ),
        ];
        for (title, pointers) in groups {
            let pairs: Vec<(String, Line)> = pointers
                .iter()
                .filter_map(|(p, always)| event_pair(d, p, *always))
                .collect();
            blocks.push(Block::Heading(vec![text(title)]));
            blocks.push(Block::Pairs(pairs));
        }
        let strings = |p: &str| -> Vec<Line> {
            d.pointer(p)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .map(prose)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        let (notes, sources) = (strings("/extra/notes"), strings("/extra/sources"));
        if !notes.is_empty() || !sources.is_empty() {
            blocks.push(Block::Heading(vec![text(
                "Notes and sources given with the deal",
            )]));
            blocks.push(Block::Para(vec![text(
                "As written by whoever prepared the deal description; the rules do not read them.",
            )]));
            blocks.push(Block::List(notes));
            if !sources.is_empty() {
                blocks.push(Block::Para(vec![strong("Sources")]));
                blocks.push(Block::List(sources));
            }
        }
        Section {
            id: "event",
            title: "The notifiable event",
            page_break: false,
            blocks,
        }
    }

    fn regimes(&self) -> Section {
        let mut blocks = Vec::new();
        let (asleep, groups): (Vec<_>, Vec<_>) = self
            .regime_groups()
            .into_iter()
            .partition(|(_, list)| list.iter().all(|f| f.status == Status::NotInForce));
        if groups.is_empty() {
            blocks.push(Block::Para(vec![text(
                "No filing rule was in force on the date screened.",
            )]));
        }
        for (label, list) in groups {
            let row = matrix_row(&list, &self.report.matrix);
            let mut heading = row.map_or(label.clone(), |r| r.name.clone());
            if let Some(r) = row {
                heading.push_str(&format!(" ({})", r.jurisdiction));
            }
            blocks.push(Block::Heading(vec![text(heading)]));
            if let Some(r) = row {
                let mut pairs = vec![(
                    "Verdict".to_string(),
                    vec![
                        Inline::Badge(verdict_tone(r.verdict), r.verdict.as_str().into()),
                        text(" from "),
                        code(&r.decided_by),
                    ],
                )];
                pairs.push((
                    "Obligation".to_string(),
                    vec![text(format!(
                        "{}; {}",
                        obligation_words(r.obligation),
                        if r.suspensory {
                            "suspensory: the deal may not close before clearance"
                        } else {
                            "not suspensory"
                        }
                    ))],
                ));
                pairs.push(("When to file".to_string(), prose(&r.when_to_file)));
                pairs.push(("Review clock".to_string(), prose(&r.review_clock)));
                if let Some(e) = &r.extension {
                    pairs.push(("Extension".to_string(), prose(e)));
                }
                pairs.push(("Who files".to_string(), prose(&r.who_files)));
                if let Some(f) = &r.fee {
                    let mut fee = prose(&fee_words(&f.text));
                    fee.push(text(" (computed by "));
                    fee.push(code(&f.rule));
                    fee.push(text(")"));
                    pairs.push(("Fee".to_string(), fee));
                }
                pairs.push(("Penalty".to_string(), prose(&r.penalty)));
                if !r.sources.is_empty() {
                    pairs.push(("Sources".to_string(), prose(&r.sources.join("; "))));
                }
                if !r.missing.is_empty() {
                    let mut needed = Vec::new();
                    for (i, m) in r.missing.iter().enumerate() {
                        if i > 0 {
                            needed.push(text("; "));
                        }
                        needed.push(text(format!("{} ", fact_labels::label(m))));
                        needed.push(code(m));
                    }
                    pairs.push(("Facts needed".to_string(), needed));
                }
                blocks.push(Block::Pairs(pairs));
                let notes: Vec<Line> = r.remarks.iter().chain(&r.notes).map(|n| prose(n)).collect();
                if !notes.is_empty() {
                    blocks.push(Block::List(notes));
                }
            }
            // Exemptions: what the deciding rules recorded, never inferred.
            let mut exemptions: Vec<Line> = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            let mut shown_notes: Vec<String> = Vec::new();
            for f in list.iter().filter(|f| f.status != Status::NotInForce) {
                let all = sentences(&f.explanation);
                for (i, s) in all.iter().enumerate() {
                    // A sentence that opens with a pronoun needs the one before it.
                    let pronoun = ["They ", "It ", "This ", "These ", "That "]
                        .iter()
                        .any(|p| s.starts_with(p));
                    let s = match (pronoun, i.checked_sub(1).and_then(|j| all.get(j))) {
                        (true, Some(prev)) => format!("{prev} {s}"),
                        _ => s.clone(),
                    };
                    if mentions_exemption(&s) && !seen.contains(&s) {
                        let mut line = prose(&s);
                        line.push(text(" "));
                        line.push(code(&f.rule));
                        exemptions.push(line);
                        seen.push(s);
                    }
                }
                for n in &f.notes {
                    if mentions_exemption(n) && !seen.contains(n) {
                        let mut line = prose(n);
                        line.push(text(" "));
                        line.push(code(&f.rule));
                        exemptions.push(line);
                        seen.push(n.clone());
                        shown_notes.push(n.clone());
                    }
                }
            }
            blocks.push(Block::Para(vec![strong("Exemptions considered")]));
            if exemptions.is_empty() {
                blocks.push(Block::Para(vec![text(
                    "None recorded by this regime's rules for this deal.",
                )]));
            } else {
                blocks.push(Block::List(exemptions));
            }
            for f in list {
                blocks.push(finding_card(f, &shown_notes, false));
            }
        }
        let asleep: Vec<&Finding> = asleep.into_iter().flat_map(|(_, l)| l).collect();
        blocks.extend(not_in_force_list(&asleep, self.report.as_of));
        Section {
            id: "regimes",
            title: "Regime by regime",
            page_break: true,
            blocks,
        }
    }

    fn substantive(&self) -> Section {
        let mut list: Vec<&Finding> = self
            .report
            .findings
            .iter()
            .filter(|f| is_substantive(&f.rule))
            .collect();
        list.sort_by_key(|f| (status_rank(f.status), f.rule.clone()));
        let mut blocks = vec![Block::Para(vec![text(
            "Competition concerns beyond the filing duties: concentration (HHI) under the merger guidelines, partial ownership, vertical exclusivity, interlocking directorates and the FTC's AI-partnership factors.",
        )])];
        let (asleep, live): (Vec<&Finding>, Vec<&Finding>) =
            list.iter().partition(|f| f.status == Status::NotInForce);
        if live.is_empty() {
            blocks.push(Block::Para(vec![text(
                "No substantive-risk rule was in force on the date screened.",
            )]));
        }
        for f in live {
            blocks.push(finding_card(f, &[], true));
        }
        blocks.extend(not_in_force_list(&asleep, self.report.as_of));
        Section {
            id: "substantive",
            title: "Substantive risk",
            page_break: true,
            blocks,
        }
    }

    fn timeline(&self) -> Section {
        let blocks = match &self.report.timeline {
            Some(t) => timeline_blocks(t),
            None => {
                let undecided = self
                    .filing_findings()
                    .iter()
                    .any(|f| matches!(f.status, Status::InsufficientData | Status::Error));
                let mut s =
                    "No clearance timeline: the screening found no suspensory filing required."
                        .to_string();
                if undecided {
                    s.push_str(" Regimes that cannot be determined yet could add one once the information requested below is provided.");
                }
                vec![Block::Para(vec![text(s)])]
            }
        };
        Section {
            id: "timeline",
            title: "Timeline",
            page_break: false,
            blocks,
        }
    }

    fn requests(&self) -> Section {
        let r = &self.report.information_requests;
        let blocks = if r.is_empty() {
            vec![Block::Para(vec![text(
                "None: no rule is waiting for a fact the deal does not give.",
            )])]
        } else {
            vec![
                Block::Para(vec![text(
                    "The facts that would let undecided rules answer, most useful first.",
                )]),
                Block::Numbered(
                    r.iter()
                        .map(|q| {
                            let mut line = prose(&q.question);
                            line.push(text(" Fact: "));
                            line.push(code(&q.pointer));
                            line.push(text("; needed by "));
                            for (i, rule) in q.unblocks.iter().enumerate() {
                                if i > 0 {
                                    line.push(text(", "));
                                }
                                line.push(code(rule));
                            }
                            line.push(text("."));
                            line
                        })
                        .collect(),
                ),
            ]
        };
        Section {
            id: "requests",
            title: "Information requests",
            page_break: false,
            blocks,
        }
    }

    fn whatif(&self) -> Section {
        let blocks = match self.whatif {
            None => vec![Block::Para(vec![text("Not run for this memo.")])],
            Some(w) => {
                let mut b = vec![Block::Callout(Some("Caution:"), prose(&w.caution))];
                b.push(Block::Heading(vec![text(
                    "Single changes that would change an answer",
                )]));
                if w.flips.is_empty() {
                    b.push(Block::Para(vec![text(
                        "None found among the facts and dates the rules tested.",
                    )]));
                } else {
                    b.push(Block::List(
                        w.flips
                            .iter()
                            .map(|f| {
                                let mut line = vec![
                                    code(&f.rule),
                                    text(format!(
                                        ": {} → {} with ",
                                        status_words(f.from),
                                        status_words(f.to)
                                    )),
                                ];
                                line.extend(prose(&f.text));
                                if !f.also.is_empty() {
                                    line.push(text(". The same change also moves "));
                                    for (i, a) in f.also.iter().enumerate() {
                                        if i > 0 {
                                            line.push(text("; "));
                                        }
                                        line.push(code(&a.rule));
                                        line.push(text(format!(
                                            " ({} → {})",
                                            status_words(a.from),
                                            status_words(a.to)
                                        )));
                                    }
                                }
                                line.push(text("."));
                                line
                            })
                            .collect(),
                    ));
                }
                b.push(Block::Heading(vec![text(
                    "Headroom of every threshold test, nearest first",
                )]));
                if w.headroom.is_empty() {
                    b.push(Block::Para(vec![text("No threshold test was recorded.")]));
                } else {
                    b.push(Block::table(
                        &["rule", "test", "distance from the figure"],
                        w.headroom
                            .iter()
                            .map(|h| {
                                vec![
                                    vec![code(&h.rule)],
                                    prose(&h.text),
                                    vec![text(format!(
                                        "{}%",
                                        format::plain((h.relative_margin * 1000.0).round() / 10.0)
                                    ))],
                                ]
                            })
                            .collect(),
                    ));
                }
                b
            }
        };
        Section {
            id: "whatif",
            title: "What-if",
            page_break: false,
            blocks,
        }
    }

    fn audit(&self) -> Section {
        let r = self.report;
        let pairs = vec![
            ("Deal".to_string(), vec![code(&r.deal.id)]),
            (
                "Deal digest".to_string(),
                vec![text("SHA-256 of the canonical JSON "), code(&r.deal.digest)],
            ),
            (
                "Rule pack digest".to_string(),
                vec![
                    text(format!(
                        "SHA-256 over {} rules, libraries and parameter tables ",
                        r.ruleset.rules
                    )),
                    code(&r.ruleset.digest),
                ],
            ),
            (
                "As of".to_string(),
                vec![text(format!("{} ({})", r.as_of, self.as_of_basis()))],
            ),
            ("Report schema".to_string(), vec![code(&r.schema)]),
            (
                "Tool".to_string(),
                vec![text(format!("dealscreen {}", env!("CARGO_PKG_VERSION")))],
            ),
        ];
        Section {
            id: "audit",
            title: "Audit",
            page_break: false,
            blocks: vec![
                Block::Pairs(pairs),
                Block::Para(vec![text(
                    "The same deal, rule pack and date give this memo byte for byte. It is a screening aid for counsel's review, not legal advice.",
                )]),
            ],
        }
    }
}

fn timeline_blocks(t: &Timeline) -> Vec<Block> {
    let mut pairs = Vec::new();
    if let Some(s) = t.signing {
        pairs.push(("Signing".to_string(), vec![text(s.to_string())]));
    }
    let mut filing = vec![text(t.filing.to_string())];
    if t.filing_assumed {
        filing.push(text(" "));
        filing.push(Inline::Badge(Tone::Unknown, "assumed".to_string()));
    }
    filing.push(text(": "));
    // The badge already says so.
    let basis = t
        .filing_basis
        .strip_prefix("ASSUMED: ")
        .unwrap_or(&t.filing_basis);
    filing.extend(prose(&capitalise(basis)));
    pairs.push(("Filing".to_string(), filing));
    pairs.push((
        "Outside date".to_string(),
        match t.outside {
            Some(o) => vec![text(o.to_string())],
            None => vec![Inline::Badge(Tone::Unknown, "not given".to_string())],
        },
    ));
    if let Some(d) = &t.drives_closing {
        let name = t
            .regimes
            .iter()
            .find(|x| &x.regime == d)
            .map_or(d.clone(), |x| x.name.clone());
        let mut line = vec![strong(name)];
        if let Some(b) = &t.drives_closing_basis {
            line.push(text(": "));
            line.extend(prose(b));
        }
        pairs.push(("Drives closing".to_string(), line));
    }
    let mut blocks = vec![Block::Pairs(pairs)];
    if t.regimes.is_empty() {
        blocks.push(Block::Para(vec![text(
            "No triggered suspensory regime: no clearance date to compute.",
        )]));
    } else {
        let typical = |m: &Option<crate::timeline::Milestone>| match m {
            Some(m) => vec![date(m.date)],
            None => vec![text("no sourced figure")],
        };
        // A date counted through holidays the pack does not tabulate may be early: the flag
        // stands with the date, not only in the notes below.
        let early = |x: &crate::timeline::RegimeTimeline| {
            x.notes.iter().any(|n| n.contains("not tabulated"))
        };
        let flagged = |x: &crate::timeline::RegimeTimeline, d| {
            let mut cell = vec![date(d)];
            if early(x) {
                cell.push(text(" (may be early: holidays not tabulated, "));
                cell.push(strong("UNCONFIRMED"));
                cell.push(text(")"));
            }
            cell
        };
        let worst = |x: &crate::timeline::RegimeTimeline| match &x.worst {
            Some(m) if x.estimate => vec![
                date(m.date),
                text(" (an average, only if an in-depth investigation opens; not a bound)"),
            ],
            Some(m) if x.unbounded => {
                let mut cell = flagged(x, m.date);
                cell.push(text(" (stop-the-clock pauses not counted: see below)"));
                cell
            }
            Some(m) => flagged(x, m.date),
            None => vec![text("no legal bound")],
        };
        blocks.push(Block::table(
            &[
                "regime",
                "earliest",
                "typical",
                "worst case",
                "past the outside date?",
            ],
            t.regimes
                .iter()
                .map(|x| {
                    vec![
                        vec![text(&x.name)],
                        flagged(x, x.earliest.date),
                        typical(&x.typical),
                        worst(x),
                        vec![if x.passes_outside {
                            Inline::Badge(Tone::Alert, "yes".to_string())
                        } else if t.outside.is_none() {
                            Inline::Badge(Tone::Unknown, "no outside date".to_string())
                        } else {
                            Inline::Badge(Tone::Ok, "no".to_string())
                        }],
                    ]
                })
                .collect(),
        ));
        for x in &t.regimes {
            blocks.push(Block::SubHeading(vec![text(format!(
                "{}: how the dates are reached",
                x.name
            ))]));
            let mut items = vec![{
                let mut l = vec![strong("Earliest: ")];
                l.extend(prose(&x.earliest.basis));
                l
            }];
            if let Some(m) = &x.typical {
                let mut l = vec![strong("Typical: ")];
                l.extend(prose(&m.basis));
                items.push(l);
            }
            if let Some(m) = &x.worst {
                let mut l = vec![strong("Worst case: ")];
                l.extend(prose(&m.basis));
                items.push(l);
            }
            items.extend(x.notes.iter().map(|n| prose(n)));
            blocks.push(Block::List(items));
        }
    }
    if !t.notes.is_empty() {
        blocks.push(Block::Para(vec![strong("Caveats")]));
        blocks.push(Block::List(t.notes.iter().map(|n| prose(n)).collect()));
    }
    blocks
}

/// A screening memo, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Memo {
    doc: Document,
}

impl Memo {
    /// Builds the memo of `report`, screened from `deal`, with the what-if analysis when
    /// one was run.
    pub fn new(report: &Report, deal: &ParsedDeal, whatif: Option<&WhatIf>) -> Memo {
        let b = Builder {
            report,
            deal,
            whatif,
        };
        let name = report.deal.name.as_deref().unwrap_or(&report.deal.id);
        let lead = vec![
            text("Deal "),
            code(&report.deal.id),
            text(format!(
                ", screened as of {} ({}) with {} rules.",
                report.as_of,
                b.as_of_basis(),
                report.ruleset.rules
            )),
        ];
        Memo {
            doc: Document {
                kind: "memo",
                title: format!("Screening memo: {name}"),
                lead,
                contents: true,
                intro: Vec::new(),
                sections: vec![
                    b.summary(),
                    b.matrix(),
                    b.event(),
                    b.regimes(),
                    b.substantive(),
                    b.timeline(),
                    b.requests(),
                    b.whatif(),
                    b.audit(),
                ],
                footer: None,
            },
        }
    }

    /// The memo's title.
    pub fn title(&self) -> &str {
        &self.doc.title
    }

    /// The section headings, in order (every rendering shows each of them).
    pub fn headings(&self) -> Vec<&'static str> {
        self.doc.sections.iter().map(|s| s.title).collect()
    }

    /// The memo as Markdown (CommonMark with GitHub tables).
    pub fn to_markdown(&self) -> String {
        self.doc.to_markdown()
    }

    /// The memo as an HTML fragment (`<article>`), for a page that has its own shell.
    pub fn to_html_body(&self) -> String {
        self.doc.to_html_body()
    }

    /// The memo as one self-contained HTML page: inline style, no scripts, nothing fetched.
    pub fn to_html(&self) -> String {
        html::page(&self.doc.title, &self.to_html_body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_ends_not_abbreviations() {
        let s = "It is exempt (16 CFR 802.9). See 15 U.S.C. §18a. Art. 14 applies. Done";
        assert_eq!(
            sentences(s),
            vec![
                "It is exempt (16 CFR 802.9).",
                "See 15 U.S.C. §18a.",
                "Art. 14 applies.",
                "Done"
            ]
        );
    }

    #[test]
    fn prose_marks_code_and_unconfirmed() {
        assert_eq!(
            prose("UNCONFIRMED: see `/a/b` now"),
            vec![
                strong("UNCONFIRMED"),
                text(": see "),
                code("/a/b"),
                text(" now")
            ]
        );
        assert_eq!(prose("one ` tick"), vec![text("one ` tick")]);
    }
}
