//! Regime metadata (`*.regime.toml` beside the rules): what practitioners tabulate for each
//! filing regime — obligation, suspension, when to file, who files, penalty — and its review
//! clock in a structured form (unit, length, start event, holiday calendar, roll rule;
//! earliest, typical and worst-case branches) from which the matrix's clock text and the
//! timeline's dates are computed.
//!
//! A regime names the rule whose finding decides its verdict (`decided_by`), so the matrix
//! row traces back to a finding; `rules check` reports a regime file whose rule or calendar
//! does not exist.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Deserialize;

use crate::calendar::Calendar;
use crate::diagnostic::Problem;
use crate::finding::Status;
use crate::matrix::{ClockUnit, Obligation};

/// Which of a regime's clearance branches a branch is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchKind {
    /// The initial period runs out with no extension: the earliest clearance.
    Earliest,
    /// What a source gives as typical.
    Typical,
    /// The extension branch (Second Request, Phase II) at its longest bounded length.
    Worst,
    /// An extension event described in words only (no computable length).
    Extension,
}

/// The event a branch counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartEvent {
    /// The filing (notification, declaration) date.
    Filing,
    /// The signing date (announcement), for figures measured from it.
    Signing,
}

/// One counted period of a branch.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// How the period counts.
    pub unit: ClockUnit,
    /// Its length in `unit`s.
    pub length: i64,
    /// Holiday calendar id (`us-federal`), for working and business days and for a roll.
    #[serde(default)]
    pub calendar: Option<String>,
    /// Calendar days only: an end on a weekend or holiday rolls to the next business day.
    #[serde(default)]
    pub roll: bool,
    /// What the period is, in words ("Phase I", "45-day review").
    #[serde(default)]
    pub what: Option<String>,
}

/// One clearance branch: a sequence of periods from a start event.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// Earliest, typical, worst or a described extension.
    pub kind: BranchKind,
    /// Its name ("initial waiting period", "Second Request").
    pub label: String,
    /// The event it counts from (default: the filing).
    #[serde(default = "default_start")]
    pub from: StartEvent,
    /// The periods, in order; empty for a branch described in words only.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// What the branch means, in words (shown in the matrix's extension column).
    #[serde(default)]
    pub text: Option<String>,
    /// True when the branch has no legal bound (stop-the-clock, compliance time): its
    /// computed date, if any, is not a limit.
    #[serde(default)]
    pub unbounded: bool,
    /// True when the branch's length is an average from practice, not a legal period: it is
    /// shown, but it neither decides which regime drives closing nor counts as passing the
    /// outside date.
    #[serde(default)]
    pub estimate: bool,
    /// Where the lengths come from.
    pub source: String,
}

fn default_start() -> StartEvent {
    StartEvent::Filing
}

/// A regime's review clock.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// The start event in words ("both parties' complete filings are received").
    #[serde(default)]
    pub start: Option<String>,
    /// For regimes without a review period: what there is instead, in words.
    #[serde(default)]
    pub none: Option<String>,
    /// The branches.
    #[serde(default, rename = "branch")]
    pub branches: Vec<Branch>,
    /// Caveats about the clock, shown with the row and in the timeline.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A rule whose finding adds a remark to the regime's row (e.g. a voluntary CFIUS notice
/// where only the covered-investment rule triggers).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Related {
    /// The rule id.
    pub rule: String,
    /// The status of its finding that adds the remark.
    pub status: Status,
    /// The remark.
    pub remark: String,
}

/// What the filing matrix shows of a regime's clock, rendered once when the pack loads:
/// every report repeats it, and it depends on the regime and the calendars alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MatrixWords {
    /// The review clock in words.
    pub review_clock: String,
    /// Extension events in words.
    pub extension: Option<String>,
    /// The initial period in short, for tables.
    pub clock_short: Option<String>,
    /// How the initial period counts.
    pub clock_unit: Option<ClockUnit>,
    /// The regime's caveats followed by its clock's.
    pub notes: Vec<String>,
}

/// One regime of the pack.
#[derive(Clone, Debug, PartialEq)]
pub struct Regime {
    /// Id, e.g. `us.hsr`: the jurisdiction folder first.
    pub id: String,
    /// Name, e.g. `US HSR premerger notification`.
    pub name: String,
    /// Jurisdiction, e.g. `US`.
    pub jurisdiction: String,
    /// The rule whose finding gives the verdict.
    pub decided_by: String,
    /// Mandatory, voluntary, mandatory in defined cases, or an information duty.
    pub obligation: Obligation,
    /// True when the deal may not close before clearance.
    pub suspensory: bool,
    /// When to file, in words.
    pub when_to_file: String,
    /// Who files.
    pub who_files: String,
    /// Penalty for not filing or closing early.
    pub penalty: String,
    /// The review clock.
    pub clock: Clock,
    /// Rules whose findings add remarks.
    pub related: Vec<Related>,
    /// Sources of the metadata.
    pub sources: Vec<String>,
    /// Caveats (UNCONFIRMED items).
    pub notes: Vec<String>,
    /// File it came from, relative to the pack root.
    pub file: String,
    /// The matrix's words for this regime, rendered at load.
    pub words: MatrixWords,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegime {
    id: toml::Spanned<String>,
    name: String,
    jurisdiction: String,
    decided_by: toml::Spanned<String>,
    obligation: Obligation,
    suspensory: bool,
    when_to_file: String,
    who_files: String,
    penalty: String,
    clock: toml::Spanned<Clock>,
    #[serde(default)]
    related: Vec<toml::Spanned<Related>>,
    sources: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
}

/// What a regime file is checked against: the pack's rule ids and calendars.
pub struct Context<'a> {
    /// Rule ids of the pack.
    pub rules: &'a BTreeSet<String>,
    /// Calendars of the pack, by id.
    pub calendars: &'a BTreeMap<String, Calendar>,
}

fn closest_help(word: &str, names: &BTreeSet<String>, what: &str) -> String {
    let near: Vec<&String> = names
        .iter()
        .filter(|n| {
            n.split('.').next() == word.split('.').next() || n.contains(word) || word.contains(*n)
        })
        .take(6)
        .collect();
    if near.is_empty() {
        format!("no {what} of that name in the pack")
    } else {
        format!(
            "{what}s of the pack that look close: {}",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// The span of `"word"` inside `within`, or `within` itself: positions a problem on the
/// value that causes it when the parsed structure kept no span of its own.
fn quoted_in(text: &str, within: &std::ops::Range<usize>, word: &str) -> std::ops::Range<usize> {
    let needle = format!("\"{word}\"");
    // A table's span covers its header only; its array-of-tables children follow it.
    text.get(within.start..)
        .and_then(|t| t.find(&needle))
        .map_or(within.clone(), |i| {
            within.start + i..within.start + i + needle.len()
        })
}

/// Parses and checks one `*.regime.toml` file against the pack. Every problem is reported,
/// each positioned.
pub fn parse(file: &str, text: &str, ctx: &Context<'_>) -> Result<Regime, Vec<Problem>> {
    let source: Arc<str> = Arc::from(text);
    let raw: RawRegime = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let mut p = Problem::in_file(file, format!("invalid regime file: {}", e.message().trim()))
                .with_help("a regime file has id, name, jurisdiction, decided_by, obligation, suspensory, when_to_file, who_files, penalty, sources and a [clock]; see rules/README.md");
            if let Some(span) = e.span() {
                p = p.at_span(&source, span.start, span.end);
            }
            return Err(vec![p]);
        }
    };
    let mut problems = Vec::new();
    let at = |msg: String, span: std::ops::Range<usize>| {
        Problem::in_file(file, msg).at_span(&source, span.start, span.end)
    };

    let folder = file.split('/').next().unwrap_or("");
    let id = raw.id.get_ref();
    if id.split('.').next() != Some(folder) || id.split('.').count() < 2 {
        problems.push(
            at(
                format!("regime id `{id}` does not start with its jurisdiction folder `{folder}`"),
                raw.id.span(),
            )
            .with_help(format!("name it `{folder}.<regime>`, like rule ids")),
        );
    }
    let decided = raw.decided_by.get_ref();
    if !ctx.rules.contains(decided) {
        problems.push(
            at(
                format!("`decided_by` names rule `{decided}`, which does not exist"),
                raw.decided_by.span(),
            )
            .with_help(closest_help(decided, ctx.rules, "rule")),
        );
    }
    for r in &raw.related {
        if !ctx.rules.contains(&r.get_ref().rule) {
            problems.push(
                at(
                    format!("related rule `{}` does not exist", r.get_ref().rule),
                    r.span(),
                )
                .with_help(closest_help(&r.get_ref().rule, ctx.rules, "rule")),
            );
        }
    }
    if raw.sources.iter().all(|s| s.trim().is_empty()) {
        problems.push(
            Problem::in_file(file, "regime file has no `sources`")
                .with_help("every regime names where its metadata comes from"),
        );
    }

    let clock_span = raw.clock.span();
    let clock = raw.clock.into_inner();
    let calendar_ids: BTreeSet<String> = ctx.calendars.keys().cloned().collect();
    match (&clock.none, clock.branches.is_empty()) {
        (Some(_), false) => problems.push(at(
            "the clock has `none` and branches: a regime either has a review period or not".into(),
            clock_span.clone(),
        )),
        (None, true) => problems.push(
            at("the clock has no branch".into(), clock_span.clone())
                .with_help("add `[[clock.branch]]` with `kind = \"earliest\"`, or `none = \"…\"` for a regime without a review period"),
        ),
        _ => {}
    }
    if clock.none.is_none() && clock.start.is_none() {
        problems.push(at(
            "the clock has no `start` event".into(),
            clock_span.clone(),
        ));
    }
    if !clock.branches.is_empty()
        && clock
            .branches
            .iter()
            .filter(|b| b.kind == BranchKind::Earliest)
            .count()
            != 1
    {
        problems.push(at(
            "the clock needs exactly one branch of kind `earliest`".into(),
            clock_span.clone(),
        ));
    }
    if raw.suspensory && clock.none.is_some() {
        problems.push(at(
            "a suspensory regime needs a review clock, not `none`".into(),
            clock_span.clone(),
        ));
    }
    for b in &clock.branches {
        if b.kind != BranchKind::Extension && b.steps.is_empty() {
            problems.push(at(
                format!(
                    "branch `{}` has no steps: only an `extension` branch may be words only",
                    b.label
                ),
                clock_span.clone(),
            ));
        }
        if b.source.trim().is_empty() {
            problems.push(at(
                format!("branch `{}` has no `source`", b.label),
                clock_span.clone(),
            ));
        }
        for s in &b.steps {
            if s.length <= 0 {
                problems.push(at(
                    format!("a step of branch `{}` has length {}", b.label, s.length),
                    clock_span.clone(),
                ));
            }
            match &s.calendar {
                Some(c) if !ctx.calendars.contains_key(c) => problems.push(
                    at(format!("branch `{}` names calendar `{c}`, which does not exist", b.label), quoted_in(text, &clock_span, c))
                        .with_help(if calendar_ids.is_empty() {
                            "calendars are `calendars/<id>.calendar.toml` files; none loaded (a broken calendar file is reported on its own)".to_string()
                        } else {
                            format!(
                                "calendars are `calendars/<id>.calendar.toml` files; this pack has: {}",
                                calendar_ids.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                            )
                        }),
                ),
                None if matches!(s.unit, ClockUnit::WorkingDays | ClockUnit::BusinessDays) || s.roll => problems.push(at(
                    format!("a step of branch `{}` counts working or business days, or rolls, without a `calendar`", b.label),
                    clock_span.clone(),
                )),
                _ => {}
            }
            if s.roll && s.unit != ClockUnit::CalendarDays {
                problems.push(at(
                    format!(
                        "a step of branch `{}` rolls, but only calendar days roll",
                        b.label
                    ),
                    clock_span.clone(),
                ));
            }
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    let mut regime = Regime {
        id: raw.id.into_inner(),
        name: raw.name,
        jurisdiction: raw.jurisdiction,
        decided_by: raw.decided_by.into_inner(),
        obligation: raw.obligation,
        suspensory: raw.suspensory,
        when_to_file: raw.when_to_file,
        who_files: raw.who_files,
        penalty: raw.penalty,
        clock,
        related: raw
            .related
            .into_iter()
            .map(toml::Spanned::into_inner)
            .collect(),
        sources: raw.sources,
        notes: raw.notes,
        file: file.to_string(),
        words: MatrixWords::default(),
    };
    regime.words = MatrixWords {
        review_clock: regime.review_clock_words(ctx.calendars),
        extension: regime.extension_words(ctx.calendars),
        clock_short: regime.clock_short(),
        clock_unit: regime.clock_unit(),
        notes: regime
            .notes
            .iter()
            .chain(&regime.clock.notes)
            .cloned()
            .collect(),
    };
    Ok(regime)
}

/// A step in words ("30 calendar days, an end on a weekend or a US federal holiday rolling
/// to the next business day").
pub fn step_words(s: &Step, calendars: &BTreeMap<String, Calendar>) -> String {
    let cal = s
        .calendar
        .as_ref()
        .map(|c| calendars.get(c).map_or(c.as_str(), |c| c.name.as_str()));
    let what = s
        .what
        .as_deref()
        .map(|w| format!("{w}: "))
        .unwrap_or_default();
    let body = match s.unit {
        ClockUnit::CalendarDays => {
            let base = crate::format::count(s.length, "calendar day", "calendar days");
            match (s.roll, cal) {
                (true, Some(c)) => format!(
                    "{base}, an end on a weekend or a holiday of the {c} calendar rolling to the next business day"
                ),
                _ => base,
            }
        }
        ClockUnit::WorkingDays => format!(
            "{} ({})",
            crate::format::count(s.length, "working day", "working days"),
            cal.unwrap_or("?")
        ),
        ClockUnit::BusinessDays => format!(
            "{} ({})",
            crate::format::count(s.length, "business day", "business days"),
            cal.unwrap_or("?")
        ),
        ClockUnit::Months => crate::format::count(s.length, "month", "months"),
        ClockUnit::Weeks => crate::format::count(s.length, "week", "weeks"),
    };
    format!("{what}{body}")
}

impl Branch {
    /// The branch in words, as a sentence: its steps, its start and its meaning.
    pub fn words(&self, start: &str, calendars: &BTreeMap<String, Calendar>) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|s| step_words(s, calendars))
            .collect();
        let from = match self.from {
            StartEvent::Filing => start.to_string(),
            StartEvent::Signing => "signing (announcement)".to_string(),
        };
        let mut out = crate::format::capitalise(&self.label);
        if !steps.is_empty() {
            out.push_str(&format!(": from {from}, {}", steps.join(", then ")));
        }
        if let Some(t) = &self.text {
            out.push_str(if steps.is_empty() { ": " } else { "; " });
            out.push_str(t);
        }
        out.push('.');
        out
    }
}

impl Regime {
    /// The review clock in words, for the matrix.
    pub fn review_clock_words(&self, calendars: &BTreeMap<String, Calendar>) -> String {
        // A sentence, like the extension texts.
        if let Some(none) = &self.clock.none {
            return none.clone();
        }
        let start = self.clock.start.as_deref().unwrap_or("filing");
        self.clock
            .branches
            .iter()
            .find(|b| b.kind == BranchKind::Earliest)
            .map_or_else(String::new, |b| b.words(start, calendars))
    }

    /// Extension events in words, for the matrix.
    pub fn extension_words(&self, calendars: &BTreeMap<String, Calendar>) -> Option<String> {
        let start = self.clock.start.as_deref().unwrap_or("filing");
        let parts: Vec<String> = self
            .clock
            .branches
            .iter()
            .filter(|b| b.kind != BranchKind::Earliest)
            .map(|b| b.words(start, calendars))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// The earliest branch's periods in short ("30 calendar days"), for tables.
    pub fn clock_short(&self) -> Option<String> {
        let b = self
            .clock
            .branches
            .iter()
            .find(|b| b.kind == BranchKind::Earliest)?;
        let parts: Vec<String> = b
            .steps
            .iter()
            .map(|s| match s.unit {
                ClockUnit::CalendarDays => {
                    crate::format::count(s.length, "calendar day", "calendar days")
                }
                ClockUnit::WorkingDays => {
                    crate::format::count(s.length, "working day", "working days")
                }
                ClockUnit::BusinessDays => {
                    crate::format::count(s.length, "business day", "business days")
                }
                ClockUnit::Months => crate::format::count(s.length, "month", "months"),
                ClockUnit::Weeks => crate::format::count(s.length, "week", "weeks"),
            })
            .collect();
        Some(parts.join(" + "))
    }

    /// The unit of the earliest branch's first step.
    pub fn clock_unit(&self) -> Option<ClockUnit> {
        self.clock
            .branches
            .iter()
            .find(|b| b.kind == BranchKind::Earliest)
            .and_then(|b| b.steps.first())
            .map(|s| s.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HSR: &str = r#"
id = "us.hsr"
name = "US HSR premerger notification"
jurisdiction = "US"
decided_by = "us.hsr.filing"
obligation = "mandatory"
suspensory = true
when_to_file = "before closing"
who_files = "both parties"
penalty = "civil penalty per day"
sources = ["s"]

[clock]
start = "both filings"

[[clock.branch]]
kind = "earliest"
label = "initial waiting period"
source = "s"
steps = [ { unit = "calendar_days", length = 30, roll = true, calendar = "us-federal" } ]

[[clock.branch]]
kind = "extension"
label = "Second Request"
text = "30 days after substantial compliance"
unbounded = true
source = "s"
"#;

    fn ctx_parts() -> (BTreeSet<String>, BTreeMap<String, Calendar>) {
        let rules = ["us.hsr.filing".to_string()].into_iter().collect();
        let mut cals = BTreeMap::new();
        let mut c = Calendar::weekends_only("us-federal");
        c.name = "US federal holidays".into();
        cals.insert("us-federal".to_string(), c);
        (rules, cals)
    }

    #[test]
    fn parses_a_regime_and_renders_its_clock() {
        let (rules, calendars) = ctx_parts();
        let ctx = Context {
            rules: &rules,
            calendars: &calendars,
        };
        let r = parse("us/hsr/hsr.regime.toml", HSR, &ctx).unwrap();
        assert_eq!(r.id, "us.hsr");
        assert_eq!(r.obligation, Obligation::Mandatory);
        assert_eq!(r.clock_unit(), Some(ClockUnit::CalendarDays));
        assert_eq!(
            r.review_clock_words(&calendars),
            "Initial waiting period: from both filings, 30 calendar days, an end on a weekend or a holiday of the US federal holidays calendar rolling to the next business day."
        );
        assert_eq!(
            r.extension_words(&calendars).as_deref(),
            Some("Second Request: 30 days after substantial compliance.")
        );
    }

    #[test]
    fn unknown_rules_calendars_and_keys_are_positioned_problems() {
        let (rules, calendars) = ctx_parts();
        let ctx = Context {
            rules: &rules,
            calendars: &calendars,
        };
        let bad = HSR
            .replace("\"us.hsr.filing\"", "\"us.hsr.filling\"")
            .replace("\"us-federal\"", "\"us-fed\"");
        let problems = parse("us/hsr/hsr.regime.toml", &bad, &ctx).unwrap_err();
        let msgs: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("us/hsr/hsr.regime.toml:5:"),
            "{msgs:#?}"
        );
        assert!(msgs[0].contains("`us.hsr.filling`, which does not exist"));
        assert!(
            problems[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("`us.hsr.filing`")
        );
        assert!(msgs[1].contains("calendar `us-fed`"), "{msgs:#?}");

        let unknown = parse(
            "us/hsr/hsr.regime.toml",
            &HSR.replace("penalty =", "penalties ="),
            &ctx,
        )
        .unwrap_err();
        assert!(unknown[0].message.contains("penalties"), "{:?}", unknown[0]);
        assert!(unknown[0].line.is_some());

        let missing = parse(
            "us/hsr/hsr.regime.toml",
            &HSR.replace("who_files = \"both parties\"\n", ""),
            &ctx,
        )
        .unwrap_err();
        assert!(
            missing[0].message.contains("missing field `who_files`"),
            "{:?}",
            missing[0]
        );

        let wrong_folder = parse("eu/hsr.regime.toml", HSR, &ctx).unwrap_err();
        assert!(wrong_folder[0].message.contains("jurisdiction folder `eu`"));
    }
}
