//! The timeline: per triggered suspensory regime, the earliest, typical and worst-case
//! clearance dates from the filing date (given or assumed, and said so), the regime that
//! drives closing, and whether the worst case passes the outside date.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::{self, Calendar, DayOff};
use crate::date::Date;
use crate::deal::{Dates, FilingDate};
use crate::matrix::{ClockUnit, MatrixRow, Verdict};
use crate::regime::{Branch, BranchKind, Regime, StartEvent};

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
    /// True when the last date the regime can be relied on to clear by (a bounded worst
    /// case, else the earliest) falls after `dates.outside`; an unbounded branch's estimate
    /// passing it is said in the notes instead.
    pub passes_outside: bool,
    /// True when the worst-case branch has no legal bound (a Second Request's compliance
    /// time, stop-the-clock): `worst` is then a sourced figure or a bound without pauses,
    /// not a limit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unbounded: bool,
    /// True when `worst` is an average from practice (e.g. the length of in-depth
    /// investigations), not a legal period: it does not decide `drives_closing` or
    /// `passes_outside`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
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
    /// Why that regime drives closing, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drives_closing_basis: Option<String>,
    /// Caveats for the whole timeline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn weekday(d: Date) -> &'static str {
    calendar::weekday_name(d.civil().weekday())
}

/// A date with its weekday ("Monday 2024-06-03").
fn dated(d: Date) -> String {
    format!("{} {d}", weekday(d))
}

/// Runs a branch's steps from `start`: the end date, the arithmetic in words, and notes
/// (untabulated holidays, observed days).
fn run_branch(
    branch: &Branch,
    start: Date,
    start_words: &str,
    calendars: &BTreeMap<String, Calendar>,
) -> Option<(Date, String, Vec<String>)> {
    let mut at = start;
    let mut parts = Vec::new();
    let mut notes = Vec::new();
    for step in &branch.steps {
        let cal = step.calendar.as_ref().and_then(|c| calendars.get(c));
        let what = step
            .what
            .as_deref()
            .map(|w| format!("{w}: "))
            .unwrap_or_default();
        let from = if parts.is_empty() {
            format!("{at} ({start_words})")
        } else {
            at.to_string()
        };
        let count = match step.unit {
            ClockUnit::CalendarDays => {
                calendar::add_calendar_days(at, step.length, if step.roll { cal } else { None })
                    .ok()?
            }
            ClockUnit::WorkingDays | ClockUnit::BusinessDays => {
                calendar::add_working_days(at, step.length, cal?).ok()?
            }
            ClockUnit::Months => plain(calendar::add_months(at, step.length).ok()?),
            ClockUnit::Weeks => plain(calendar::add_weeks(at, step.length).ok()?),
        };
        let unit = match step.unit {
            ClockUnit::CalendarDays => "calendar days",
            ClockUnit::WorkingDays => "working days",
            ClockUnit::BusinessDays => "business days",
            ClockUnit::Months => "months",
            ClockUnit::Weeks => "weeks",
        };
        let mut text = match &count.rolled_from {
            Some((unrolled, off)) => format!(
                "{what}{} {unit} from {from} end on {}, {}; rolled to {}",
                step.length,
                dated(*unrolled),
                match off {
                    DayOff::Weekend(_) => "a weekend day".to_string(),
                    DayOff::Holiday(h) => format!("a holiday ({h})"),
                },
                dated(count.end)
            ),
            None => format!(
                "{what}{} {unit} from {from} end on {}",
                step.length,
                dated(count.end)
            ),
        };
        let skipped: Vec<String> = count
            .holidays
            .iter()
            .filter(|(d, _)| count.rolled_from.as_ref().is_none_or(|(u, _)| d != u))
            .map(|(d, name)| format!("{name} {d}"))
            .collect();
        if !skipped.is_empty() {
            let verb = if count.rolled_from.is_some() {
                "rolling past"
            } else {
                "skipping"
            };
            text.push_str(&format!(" ({verb} {})", skipped.join(", ")));
        }
        parts.push(text);
        if let Some(cal) = cal {
            if !count.uncovered_years.is_empty() {
                let years: Vec<String> = count
                    .uncovered_years
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                notes.push(format!(
                    "UNCONFIRMED: the {} are not tabulated for {}, so holidays there are not counted and dates computed through them may be early.",
                    cal.name,
                    years.join(", ")
                ));
            }
            if count
                .holidays
                .iter()
                .any(|(_, n)| n.ends_with("(observed)"))
            {
                notes.push(format!(
                    "A date here counts an observed holiday as a holiday; whether it counts for this clock is UNCONFIRMED (see the {} calendar's notes).",
                    cal.id
                ));
            }
        }
        at = count.end;
    }
    Some((
        at,
        format!(
            "{}: {}.",
            crate::format::capitalise(&branch.label),
            parts.join("; then ")
        ),
        notes,
    ))
}

fn plain(end: Date) -> calendar::Count {
    calendar::Count {
        end,
        rolled_from: None,
        holidays: Vec::new(),
        uncovered_years: Vec::new(),
    }
}

/// The timeline of a screening: per triggered suspensory regime, its clearance dates from
/// the filing date. `None` when no suspensory regime is triggered or undecided.
pub fn build(
    dates: Option<&Dates>,
    as_of: Date,
    regimes: &[Regime],
    calendars: &BTreeMap<String, Calendar>,
    rows: &[MatrixRow],
) -> Option<Timeline> {
    let suspensory: Vec<(&MatrixRow, &Regime)> = rows
        .iter()
        .filter(|r| r.suspensory)
        .filter_map(|r| regimes.iter().find(|g| g.id == r.regime).map(|g| (r, g)))
        .collect();
    if !suspensory.iter().any(|(r, _)| {
        matches!(
            r.verdict,
            Verdict::FilingRequired
                | Verdict::CannotDetermine
                | Verdict::NotScreened
                | Verdict::Error
        )
    }) {
        return None;
    }
    let signing = dates.and_then(|d| d.signing);
    let outside = dates.and_then(|d| d.outside);
    let (filing, basis) = FilingDate::of(dates.and_then(|d| d.filing), signing, as_of);
    let filing_assumed = basis != FilingDate::Given;
    let filing_basis = match basis {
        FilingDate::Given => format!("the deal's filing date (dates.filing), {}", dated(filing)),
        FilingDate::AssumedSigning => format!(
            "ASSUMED: the deal gives no filing date (dates.filing), so every filing is taken as made on the signing date, {}. That is the earliest possible; filings usually follow signing after preparation, so every date below may be early.",
            dated(filing)
        ),
        FilingDate::AssumedAsOf => format!(
            "ASSUMED: the deal gives neither a filing nor a signing date, so filings are taken as made on the screening date, {}; every date below may be early.",
            dated(filing)
        ),
    };

    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (row, regime) in &suspensory {
        if matches!(row.verdict, Verdict::NotRequired | Verdict::NotInForce) {
            continue;
        }
        if row.verdict != Verdict::FilingRequired {
            notes.push(format!(
                "{} ({}): {} ({}), so its clock is not counted here; if a filing is required it may drive closing.",
                row.name,
                row.regime,
                row.verdict.as_str(),
                row.decided_by
            ));
            continue;
        }
        let start_words = regime.clock.start.as_deref().unwrap_or("filing");
        let mut rt_notes: Vec<String> = Vec::new();
        let mut milestone = |kind: BranchKind| -> Option<(Milestone, (bool, bool))> {
            let branch = regime.clock.branches.iter().find(|b| b.kind == kind)?;
            let (start, words) = match (branch.from, signing) {
                (StartEvent::Signing, Some(s)) => {
                    (s, "signing, taken as the announcement".to_string())
                }
                (StartEvent::Signing, None) => {
                    rt_notes.push(format!(
                        "The {} counts from announcement; the deal gives no signing date, so it counts from the filing date.",
                        branch.label
                    ));
                    (filing, "the filing date".to_string())
                }
                (StartEvent::Filing, _) if filing_assumed => {
                    // An assumed filing cannot be received on a day the authority is closed:
                    // it is taken on the next business day of the clock's own calendar.
                    let cal = branch
                        .steps
                        .first()
                        .and_then(|s| s.calendar.as_ref())
                        .and_then(|c| calendars.get(c));
                    let (start, why) = next_business_day(filing, cal);
                    if let (Some(why), Some(cal)) = (why, cal) {
                        rt_notes.push(format!(
                            "The assumed filing date {} is {why} on the {}, so the filing is taken as received on the next business day, {}.",
                            dated(filing),
                            cal.name,
                            dated(start)
                        ));
                    }
                    (start, start_words.to_string())
                }
                (StartEvent::Filing, _) => (filing, start_words.to_string()),
            };
            let (date, basis, more) = run_branch(branch, start, &words, calendars)?;
            rt_notes.extend(more);
            let basis = match &branch.text {
                Some(t) => format!("{basis} {}", sentence(t)),
                None => basis,
            };
            Some((
                Milestone { date, basis },
                (branch.unbounded, branch.estimate),
            ))
        };
        let Some((earliest, _)) = milestone(BranchKind::Earliest) else {
            notes.push(format!(
                "{} ({}): its clearance date could not be computed.",
                row.name, row.regime
            ));
            continue;
        };
        let typical = milestone(BranchKind::Typical).map(|(m, _)| m);
        let worst = milestone(BranchKind::Worst);
        let unbounded = worst.as_ref().is_some_and(|(_, (u, _))| *u);
        let estimate = worst.as_ref().is_some_and(|(_, (_, e))| *e);
        let worst = worst.map(|(m, _)| m);
        rt_notes.extend(regime.clock.notes.iter().cloned());
        for b in regime
            .clock
            .branches
            .iter()
            .filter(|b| b.kind == BranchKind::Extension && b.unbounded)
        {
            rt_notes.push(format!(
                "{} is not bounded: {}.",
                b.label,
                b.text.as_deref().unwrap_or("no fixed length")
            ));
        }
        let last = bounded_last(worst.as_ref(), estimate, &earliest);
        let passes_outside = outside.is_some_and(|o| last > o);
        if let (Some(o), Some(w)) = (outside, worst.as_ref())
            && estimate
            && w.date > o
        {
            rt_notes.push(format!(
                "The estimate for the extension branch ({}) falls after the outside date {o}; it is an average, not a bound, so it is not counted as passing the outside date.",
                w.date
            ));
        }
        if let Some(o) = outside
            && earliest.date > o
        {
            rt_notes.push(format!(
                "Even the earliest clearance ({}) falls after the outside date {o}.",
                earliest.date
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        rt_notes.retain(|n| seen.insert(n.clone()));
        out.push(RegimeTimeline {
            regime: row.regime.clone(),
            name: row.name.clone(),
            earliest,
            typical,
            worst,
            passes_outside,
            unbounded,
            estimate,
            notes: rt_notes,
        });
    }
    // Latest bounded clearance first (a bounded worst case, else the earliest): an average
    // for an unbounded branch is not a date a regime can be relied on to clear by, so it
    // does not decide the critical path. Ties by id, for stable output.
    let key = |r: &RegimeTimeline| bounded_last(r.worst.as_ref(), r.estimate, &r.earliest);
    out.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.regime.cmp(&b.regime)));
    let (drives_closing, drives_closing_basis) = match out.first() {
        Some(first) => {
            let last = key(first);
            let which = if first.worst.is_some() && !first.estimate {
                "worst case"
            } else {
                "clearance on its statutory periods"
            };
            let mut basis = format!(
                "{} has the latest {which}, {}{}.",
                first.name,
                dated(last),
                if first.unbounded && !first.estimate {
                    " (a bound without pauses: see its notes)"
                } else {
                    ""
                }
            );
            let estimated: Vec<&str> = out
                .iter()
                .filter(|r| r.estimate)
                .map(|r| r.name.as_str())
                .collect();
            if !estimated.is_empty() {
                basis.push_str(&format!(
                    " Ranked without the averages given for in-depth investigations ({}), which are not bounds: if one opens, that regime may drive closing instead.",
                    estimated.join(", ")
                ));
            }
            // The base case can have another critical path.
            if let Some(e) = out.iter().max_by(|a, b| {
                a.earliest
                    .date
                    .cmp(&b.earliest.date)
                    .then_with(|| b.regime.cmp(&a.regime))
            }) && e.regime != first.regime
            {
                basis.push_str(&format!(
                    " With no extension anywhere, {} clears last, on {}.",
                    e.name,
                    dated(e.earliest.date)
                ));
            }
            (Some(first.regime.clone()), Some(basis))
        }
        None => (None, None),
    };
    if let Some(o) = outside {
        let passing: Vec<&str> = out
            .iter()
            .filter(|r| r.passes_outside)
            .map(|r| r.regime.as_str())
            .collect();
        if !passing.is_empty() {
            notes.push(format!(
                "The worst case of {} passes the outside date {o}.",
                passing.join(", ")
            ));
        }
    } else {
        notes.push("The deal gives no outside date (dates.outside), so no clearance date is tested against it.".to_string());
    }
    Some(Timeline {
        signing,
        filing,
        filing_assumed,
        filing_basis,
        outside,
        regimes: out,
        drives_closing,
        drives_closing_basis,
        notes,
    })
}

/// What kind of date a worst case is, for the renderers.
pub(crate) fn worst_qualifier(r: &RegimeTimeline) -> &'static str {
    if r.estimate {
        " (an average if the in-depth branch opens, not a bound)"
    } else if r.unbounded {
        " (without stop-the-clock pauses, which have no bound)"
    } else {
        ""
    }
}

/// The last date a regime's periods give: its worst case unless that is an average from
/// practice, else its earliest clearance.
fn bounded_last(worst: Option<&Milestone>, estimate: bool, earliest: &Milestone) -> Date {
    match worst {
        Some(w) if !estimate => w.date,
        _ => earliest.date,
    }
}

/// `d`, or the next day that is a business day of `cal`, with why `d` was not one.
fn next_business_day(d: Date, cal: Option<&Calendar>) -> (Date, Option<String>) {
    let Some(cal) = cal else {
        return (d, None);
    };
    let why = match cal.day_off(d) {
        None => return (d, None),
        Some(DayOff::Weekend(w)) => format!("a {}", calendar::weekday_name(w)),
        Some(DayOff::Holiday(h)) => format!("a holiday ({h})"),
    };
    let mut at = d;
    // A calendar has at most a few days off in a row; the bound only guards bad data.
    for _ in 0..31 {
        match at
            .civil()
            .tomorrow()
            .ok()
            .and_then(|n| Date::from_ymd(n.year(), n.month(), n.day()))
        {
            Some(next) => at = next,
            None => break,
        }
        if cal.day_off(at).is_none() {
            break;
        }
    }
    (at, Some(why))
}

/// A text as a sentence: capitalised, with a full stop.
fn sentence(t: &str) -> String {
    let mut s = crate::format::capitalise(t);
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// The timeline as text: the filing basis, then per regime its dates and their arithmetic.
pub(crate) fn render_text(t: &Timeline, out: &mut String) {
    use crate::report::{WIDTH, bullet, wrap};
    out.push_str(&format!(
        "\n{}\nTIMELINE (clearance of the suspensory regimes that require a filing)\n\n",
        "-".repeat(WIDTH)
    ));
    wrap(&format!("Filing: {}", t.filing_basis), "  ", out);
    let mut dates = Vec::new();
    if let Some(s) = t.signing {
        dates.push(format!("signing {s}"));
    }
    dates.push(format!("filing {}", t.filing));
    if let Some(o) = t.outside {
        dates.push(format!("outside date {o}"));
    }
    wrap(&dates.join(" | "), "  ", out);
    for r in &t.regimes {
        out.push('\n');
        let worst = r
            .worst
            .as_ref()
            .map(|w| format!(", worst {}{}", w.date, worst_qualifier(r)))
            .unwrap_or_default();
        let typical = r
            .typical
            .as_ref()
            .map(|m| format!(", typical {}", m.date))
            .unwrap_or_default();
        wrap(
            &format!(
                "{} ({}): earliest {}{typical}{worst}{}",
                r.name,
                r.regime,
                r.earliest.date,
                if r.passes_outside {
                    " -- PASSES THE OUTSIDE DATE"
                } else {
                    ""
                }
            ),
            "  ",
            out,
        );
        bullet(&format!("earliest: {}", r.earliest.basis), out);
        if let Some(m) = &r.typical {
            bullet(&format!("typical: {}", m.basis), out);
        }
        if let Some(m) = &r.worst {
            bullet(&format!("worst: {}", m.basis), out);
        }
        for n in &r.notes {
            bullet(&format!("caveat: {n}"), out);
        }
    }
    if let (Some(d), Some(b)) = (&t.drives_closing, &t.drives_closing_basis) {
        out.push('\n');
        wrap(&format!("Drives closing: {d}. {b}"), "  ", out);
    }
    if !t.notes.is_empty() {
        out.push('\n');
        out.push_str("  timeline notes:\n");
        for n in &t.notes {
            bullet(n, out);
        }
    }
}
