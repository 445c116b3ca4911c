//! Holiday calendars (`calendars/*.calendar.toml` in a pack) and the date arithmetic of
//! review clocks: calendar days rolled past weekends and holidays, working days, months and
//! weeks. Pure functions over [`Date`]; the holidays are data beside the rules, not code.
//!
//! A calendar is either rules (a fixed date, or the nth or last weekday of a month, each in
//! force `from`/`until`, with an optional observed-day shift) or explicit dated lists, or
//! both. It says which periods it is known to be complete for (`coverage`): a computation
//! that runs through days outside them reports it, so a report can say that holidays were
//! not counted and the date may be early.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Weekday;
use serde::Deserialize;

use crate::date::Date;
use crate::diagnostic::Problem;

/// How a fixed-date holiday that falls on a weekend is observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed {
    /// Not moved: a weekend holiday is simply a weekend day.
    None,
    /// Saturday holidays are observed on the Friday before, Sunday holidays on the Monday
    /// after (US federal practice).
    FridayBeforeMondayAfter,
}

/// When, in a year, a rule-based holiday falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// A fixed month and day (e.g. July 4).
    Fixed {
        /// 1-12.
        month: i8,
        /// 1-31.
        day: i8,
    },
    /// The nth weekday of a month; `nth` -1 is the last (e.g. the last Monday in May).
    NthWeekday {
        /// 1-12.
        month: i8,
        /// 1..=5 from the start of the month, -1 for the last.
        nth: i8,
        /// The weekday.
        weekday: Weekday,
    },
}

/// A recurring holiday.
#[derive(Clone, Debug, PartialEq)]
pub struct HolidayRule {
    /// Its name, e.g. `Independence Day`.
    pub name: String,
    /// When it falls.
    pub when: When,
    /// How a weekend occurrence is observed.
    pub observed: Observed,
    /// First date (of the holiday itself) on which the rule applies.
    pub from: Option<Date>,
    /// Last date on which the rule applies.
    pub until: Option<Date>,
    /// Where it comes from.
    pub source: String,
}

/// A period for which the calendar is known to list every holiday.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// First day covered.
    pub from: Date,
    /// Last day covered (open-ended when absent).
    pub until: Option<Date>,
    /// Where the list for the period comes from.
    pub source: String,
}

/// A holiday calendar of one authority.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    /// Id: the file name without `.calendar.toml` (e.g. `us-federal`).
    pub id: String,
    /// Name in words, e.g. `US federal holidays`.
    pub name: String,
    /// Days of the week that are never business days.
    pub weekend: Vec<Weekday>,
    /// Recurring holidays.
    pub rules: Vec<HolidayRule>,
    /// Holidays listed one by one: (date, name).
    pub dates: BTreeMap<Date, String>,
    /// Periods the calendar is complete for.
    pub coverage: Vec<Coverage>,
    /// Sources of the calendar as a whole.
    pub sources: Vec<String>,
    /// Caveats (UNCONFIRMED items).
    pub notes: Vec<String>,
    /// File it came from, relative to the pack root.
    pub file: String,
}

/// Why a day is not a business day: a weekend day or a named holiday.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayOff {
    /// A weekend day.
    Weekend(Weekday),
    /// A holiday, by name.
    Holiday(String),
}

impl DayOff {
    /// The reason in words ("Saturday", "Juneteenth National Independence Day").
    pub fn words(&self) -> String {
        match self {
            DayOff::Weekend(w) => weekday_name(*w).to_string(),
            DayOff::Holiday(name) => name.clone(),
        }
    }
}

/// A weekday's English name.
pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

impl Calendar {
    /// A calendar with a Saturday-Sunday weekend and no holidays (for tests and for
    /// regimes counted in calendar days without a roll).
    pub fn weekends_only(id: &str) -> Calendar {
        Calendar {
            id: id.to_string(),
            name: id.to_string(),
            weekend: vec![Weekday::Saturday, Weekday::Sunday],
            rules: Vec::new(),
            dates: BTreeMap::new(),
            coverage: Vec::new(),
            sources: Vec::new(),
            notes: Vec::new(),
            file: String::new(),
        }
    }

    /// True when the calendar is known to list every holiday of `d`'s day.
    pub fn covers(&self, d: Date) -> bool {
        self.coverage
            .iter()
            .any(|c| c.from <= d && c.until.is_none_or(|u| d <= u))
    }

    /// The holiday on `d`, if any (observed days included, named "… (observed)").
    pub fn holiday(&self, d: Date) -> Option<String> {
        if let Some(name) = self.dates.get(&d) {
            return Some(name.clone());
        }
        let y = d.year();
        for rule in &self.rules {
            // An observed day can fall in the year before the holiday (Jan 1 on a Saturday).
            for year in [y, y.saturating_add(1)] {
                if let Some((on, shifted)) = rule.in_year(year)
                    && on == d
                {
                    return Some(if shifted {
                        format!("{} (observed)", rule.name)
                    } else {
                        rule.name.clone()
                    });
                }
            }
        }
        None
    }

    /// Why `d` is not a business day, or `None` when it is one.
    pub fn day_off(&self, d: Date) -> Option<DayOff> {
        let w = d.civil().weekday();
        if self.weekend.contains(&w) {
            return Some(DayOff::Weekend(w));
        }
        self.holiday(d).map(DayOff::Holiday)
    }
}

impl HolidayRule {
    /// The day the holiday is kept in `year` and whether it was moved off a weekend.
    fn in_year(&self, year: i16) -> Option<(Date, bool)> {
        let base = match self.when {
            When::Fixed { month, day } => Date::from_ymd(year, month, day)?,
            When::NthWeekday {
                month,
                nth,
                weekday,
            } => {
                let first = jiff::civil::Date::new(year, month, 1).ok()?;
                let d = first.nth_weekday_of_month(nth, weekday).ok()?;
                Date::from_ymd(d.year(), d.month(), d.day())?
            }
        };
        if self.from.is_some_and(|f| base < f) || self.until.is_some_and(|u| base > u) {
            return None;
        }
        let shift = match (self.observed, base.civil().weekday()) {
            (Observed::FridayBeforeMondayAfter, Weekday::Saturday) => -1,
            (Observed::FridayBeforeMondayAfter, Weekday::Sunday) => 1,
            _ => 0,
        };
        if shift == 0 {
            return Some((base, false));
        }
        let moved = base
            .civil()
            .checked_add(jiff::Span::new().days(shift))
            .ok()?;
        Some((
            Date::from_ymd(moved.year(), moved.month(), moved.day())?,
            true,
        ))
    }
}

/// A date arithmetic step could not be done (a date beyond the calendar's range).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("date arithmetic from {start} by {what} is out of range")]
pub struct RangeError {
    start: Date,
    what: String,
}

/// The result of counting a period: its end and what the count passed over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// The day the period ends.
    pub end: Date,
    /// The unrolled end, and why it was not a business day, when the end was rolled.
    pub rolled_from: Option<(Date, DayOff)>,
    /// Holidays (not weekends) the count skipped or rolled past, in date order.
    pub holidays: Vec<(Date, String)>,
    /// Years of days counted that the calendar does not cover (holidays there are unknown).
    pub uncovered_years: Vec<i16>,
}

fn shift(d: Date, span: jiff::Span, what: &str) -> Result<Date, RangeError> {
    let err = || RangeError {
        start: d,
        what: what.to_string(),
    };
    let n = d.civil().checked_add(span).map_err(|_| err())?;
    Date::from_ymd(n.year(), n.month(), n.day()).ok_or_else(err)
}

fn next_day(d: Date) -> Result<Date, RangeError> {
    shift(d, jiff::Span::new().days(1), "one day")
}

fn note_uncovered(cal: &Calendar, d: Date, years: &mut Vec<i16>) {
    if !cal.covers(d) && !years.contains(&d.year()) {
        years.push(d.year());
    }
}

/// `n` calendar days after `start`; with a calendar, an end on a weekend or holiday rolls
/// to the next business day.
pub fn add_calendar_days(
    start: Date,
    n: i64,
    roll: Option<&Calendar>,
) -> Result<Count, RangeError> {
    let span = jiff::Span::new().try_days(n).map_err(|_| RangeError {
        start,
        what: format!("{n} days"),
    })?;
    let mut end = shift(start, span, &format!("{n} days"))?;
    let mut count = Count {
        end,
        rolled_from: None,
        holidays: Vec::new(),
        uncovered_years: Vec::new(),
    };
    let Some(cal) = roll else {
        return Ok(count);
    };
    let first_end = end;
    while let Some(off) = cal.day_off(end) {
        note_uncovered(cal, end, &mut count.uncovered_years);
        if count.rolled_from.is_none() {
            count.rolled_from = Some((first_end, off.clone()));
        }
        if let DayOff::Holiday(name) = off {
            count.holidays.push((end, name));
        }
        end = next_day(end)?;
    }
    note_uncovered(cal, end, &mut count.uncovered_years);
    count.end = end;
    Ok(count)
}

/// `n` working days of `cal` after `start`: the count starts on the day after `start` and
/// skips weekends and holidays.
pub fn add_working_days(start: Date, n: i64, cal: &Calendar) -> Result<Count, RangeError> {
    let mut d = start;
    let mut counted = 0;
    let mut count = Count {
        end: start,
        rolled_from: None,
        holidays: Vec::new(),
        uncovered_years: Vec::new(),
    };
    // Bounded: a calendar whose every day is off would otherwise never end.
    let mut guard = 0i64;
    while counted < n {
        d = next_day(d)?;
        guard += 1;
        if guard > n.saturating_mul(7).saturating_add(366) {
            return Err(RangeError {
                start,
                what: format!("{n} working days (the calendar has too few working days)"),
            });
        }
        note_uncovered(cal, d, &mut count.uncovered_years);
        match cal.day_off(d) {
            None => counted += 1,
            Some(DayOff::Holiday(name)) => count.holidays.push((d, name)),
            Some(DayOff::Weekend(_)) => {}
        }
    }
    count.end = d;
    Ok(count)
}

/// `n` calendar months after `start`: the same day of the month, or the month's last day
/// when it has no such day (Jan 31 + 1 month = Feb 28 or 29).
pub fn add_months(start: Date, n: i64) -> Result<Date, RangeError> {
    let span = jiff::Span::new().try_months(n).map_err(|_| RangeError {
        start,
        what: format!("{n} months"),
    })?;
    shift(start, span, &format!("{n} months"))
}

/// `n` weeks after `start`.
pub fn add_weeks(start: Date, n: i64) -> Result<Date, RangeError> {
    let span = jiff::Span::new().try_weeks(n).map_err(|_| RangeError {
        start,
        what: format!("{n} weeks"),
    })?;
    shift(start, span, &format!("{n} weeks"))
}

// ---------------------------------------------------------------------------------------
// Loading `*.calendar.toml`.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    name: String,
    #[serde(default)]
    weekend: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    coverage: Vec<toml::Spanned<RawCoverage>>,
    #[serde(default)]
    holiday: Vec<toml::Spanned<RawRule>>,
    #[serde(default)]
    date: Vec<toml::Spanned<RawDate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoverage {
    from: toml::value::Datetime,
    #[serde(default)]
    until: Option<toml::value::Datetime>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    month: i64,
    #[serde(default)]
    day: Option<i64>,
    #[serde(default)]
    weekday: Option<String>,
    #[serde(default)]
    nth: Option<i64>,
    #[serde(default)]
    observed: Option<Observed>,
    #[serde(default)]
    from: Option<toml::value::Datetime>,
    #[serde(default)]
    until: Option<toml::value::Datetime>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDate {
    date: toml::value::Datetime,
    name: String,
    source: String,
}

/// A TOML date (no time) as a [`Date`].
pub(crate) fn toml_date(d: &toml::value::Datetime) -> Option<Date> {
    if d.time.is_some() || d.offset.is_some() {
        return None;
    }
    let d = d.date?;
    Date::from_ymd(i16::try_from(d.year).ok()?, d.month as i8, d.day as i8)
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

/// The calendar id of a pack path (`calendars/us-federal.calendar.toml` → `us-federal`).
pub fn id_of(path: &str) -> String {
    path.rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".calendar.toml")
        .to_string()
}

/// Parses one `*.calendar.toml` file. Every problem is reported, each positioned.
pub fn parse(file: &str, text: &str) -> Result<Calendar, Vec<Problem>> {
    let source: Arc<str> = Arc::from(text);
    let raw: RawCalendar = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let mut p = Problem::in_file(
                file,
                format!("invalid holiday calendar: {}", e.message().trim()),
            )
            .with_help("a calendar has `name`, `sources`, `[[coverage]]` periods and `[[holiday]]` rules or `[[date]]` entries; see rules/README.md");
            if let Some(span) = e.span() {
                p = p.at_span(&source, span.start, span.end);
            }
            return Err(vec![p]);
        }
    };
    let mut problems = Vec::new();
    let at = |msg: String, span: &std::ops::Range<usize>| {
        Problem::in_file(file, msg).at_span(&source, span.start, span.end)
    };
    let mut weekend = Vec::new();
    for w in raw.weekend.unwrap_or_else(|| {
        vec![
            toml::Spanned::new(0..0, "saturday".to_string()),
            toml::Spanned::new(0..0, "sunday".to_string()),
        ]
    }) {
        match parse_weekday(w.get_ref()) {
            Some(d) => weekend.push(d),
            None => problems.push(
                at(format!("`{}` is not a weekday", w.get_ref()), &w.span())
                    .with_help("weekdays are lowercase English names: `saturday`, `sunday`"),
            ),
        }
    }
    if raw.sources.iter().all(|s| s.trim().is_empty()) {
        problems.push(
            Problem::in_file(file, "holiday calendar has no `sources`")
                .with_help("name where the holidays come from: `sources = [\"5 U.S.C. 6103(a)\"]`"),
        );
    }
    let mut coverage = Vec::new();
    for c in raw.coverage {
        let span = c.span();
        let c = c.into_inner();
        let (Some(from), until) = (toml_date(&c.from), c.until.as_ref().map(toml_date)) else {
            problems.push(at("coverage `from` is not a date".into(), &span));
            continue;
        };
        let until = match until {
            Some(Some(u)) => Some(u),
            Some(None) => {
                problems.push(at("coverage `until` is not a date".into(), &span));
                continue;
            }
            None => None,
        };
        if until.is_some_and(|u| u < from) {
            problems.push(at(
                format!(
                    "coverage ends ({}) before it starts ({from})",
                    until.map_or(String::new(), |u| u.to_string())
                ),
                &span,
            ));
        }
        coverage.push(Coverage {
            from,
            until,
            source: c.source,
        });
    }
    let mut rules = Vec::new();
    for r in raw.holiday {
        let span = r.span();
        let r = r.into_inner();
        let month = i8::try_from(r.month).ok().filter(|m| (1..=12).contains(m));
        let Some(month) = month else {
            problems.push(at(
                format!("holiday `{}` has month {}, not 1-12", r.name, r.month),
                &span,
            ));
            continue;
        };
        let when = match (r.day, r.weekday.as_deref(), r.nth) {
            (Some(day), None, None) => {
                match i8::try_from(day)
                    .ok()
                    .filter(|d| Date::from_ymd(2024, month, *d).is_some())
                {
                    Some(day) => When::Fixed { month, day },
                    None => {
                        problems.push(at(
                            format!(
                                "holiday `{}` has day {day}, not a day of month {month}",
                                r.name
                            ),
                            &span,
                        ));
                        continue;
                    }
                }
            }
            (None, Some(w), Some(nth)) => {
                let weekday = parse_weekday(w);
                let nth = i8::try_from(nth)
                    .ok()
                    .filter(|n| (1..=5).contains(n) || *n == -1);
                match (weekday, nth) {
                    (Some(weekday), Some(nth)) => When::NthWeekday {
                        month,
                        nth,
                        weekday,
                    },
                    _ => {
                        problems.push(at(format!("holiday `{}` needs a lowercase weekday and `nth` of 1 to 5, or -1 for the last", r.name), &span));
                        continue;
                    }
                }
            }
            _ => {
                problems.push(
                    at(format!("holiday `{}` needs either `day`, or `weekday` and `nth`", r.name), &span)
                        .with_help("a fixed date is `month = 7, day = 4`; a weekday rule is `month = 5, weekday = \"monday\", nth = -1` (the last Monday)"),
                );
                continue;
            }
        };
        if r.observed.is_some() && matches!(when, When::NthWeekday { .. }) {
            problems.push(at(format!("holiday `{}` always falls on a weekday: `observed` applies only to fixed dates", r.name), &span));
        }
        let from = r.from.as_ref().map(toml_date);
        let until = r.until.as_ref().map(toml_date);
        if matches!(from, Some(None)) || matches!(until, Some(None)) {
            problems.push(at(
                format!(
                    "holiday `{}` has a `from` or `until` that is not a date",
                    r.name
                ),
                &span,
            ));
            continue;
        }
        if r.source.trim().is_empty() {
            problems.push(at(format!("holiday `{}` has no `source`", r.name), &span));
        }
        rules.push(HolidayRule {
            name: r.name,
            when,
            observed: r.observed.unwrap_or(Observed::None),
            from: from.flatten(),
            until: until.flatten(),
            source: r.source,
        });
    }
    let mut dates = BTreeMap::new();
    for d in raw.date {
        let span = d.span();
        let d = d.into_inner();
        let Some(on) = toml_date(&d.date) else {
            problems.push(at(
                format!("holiday `{}` has `date = {}`, not a date", d.name, d.date),
                &span,
            ));
            continue;
        };
        if d.source.trim().is_empty() {
            problems.push(at(
                format!("holiday `{}` on {on} has no `source`", d.name),
                &span,
            ));
        }
        if dates.insert(on, d.name).is_some() {
            problems.push(at(format!("{on} is listed twice"), &span));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Calendar {
        id: id_of(file),
        name: raw.name,
        weekend,
        rules,
        dates,
        coverage,
        sources: raw.sources,
        notes: raw.notes,
        file: file.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    const US: &str = r#"
name = "US federal holidays"
sources = ["5 U.S.C. 6103(a)"]

[[coverage]]
from = 2020-01-01
source = "5 U.S.C. 6103(a)"

[[holiday]]
name = "New Year's Day"
month = 1
day = 1
observed = "friday_before_monday_after"
source = "s"

[[holiday]]
name = "Memorial Day"
month = 5
weekday = "monday"
nth = -1
source = "s"

[[holiday]]
name = "Juneteenth National Independence Day"
month = 6
day = 19
observed = "friday_before_monday_after"
from = 2021-06-17
source = "s"

[[holiday]]
name = "Independence Day"
month = 7
day = 4
observed = "friday_before_monday_after"
source = "s"

[[holiday]]
name = "Labor Day"
month = 9
weekday = "monday"
nth = 1
source = "s"
"#;

    fn us() -> Calendar {
        parse("calendars/us-federal.calendar.toml", US).unwrap()
    }

    #[test]
    fn rules_give_the_holidays_and_their_observed_days() {
        let c = us();
        assert_eq!(c.id, "us-federal");
        assert_eq!(c.holiday(d("2024-05-27")).as_deref(), Some("Memorial Day"));
        assert_eq!(c.holiday(d("2024-09-02")).as_deref(), Some("Labor Day"));
        // 2026-07-04 is a Saturday: observed on Friday 2026-07-03.
        assert_eq!(
            c.holiday(d("2026-07-03")).as_deref(),
            Some("Independence Day (observed)")
        );
        // 2021-07-04 is a Sunday: observed on Monday 2021-07-05.
        assert_eq!(
            c.holiday(d("2021-07-05")).as_deref(),
            Some("Independence Day (observed)")
        );
        // 2022-01-01 is a Saturday: observed on Friday 2021-12-31, in the year before.
        assert_eq!(
            c.holiday(d("2021-12-31")).as_deref(),
            Some("New Year's Day (observed)")
        );
        // Juneteenth only from 2021 (observed on Friday 2021-06-18 that first year).
        assert_eq!(c.holiday(d("2020-06-19")), None);
        assert_eq!(
            c.holiday(d("2021-06-18")).as_deref(),
            Some("Juneteenth National Independence Day (observed)")
        );
        assert!(c.holiday(d("2024-06-19")).is_some());
    }

    #[test]
    fn thirty_days_ending_on_a_saturday_roll_to_monday() {
        // 2024-05-01 + 30 days = Friday 2024-05-31: no roll.
        let c = us();
        let n = add_calendar_days(d("2024-05-01"), 30, Some(&c)).unwrap();
        assert_eq!(n.end, d("2024-05-31"));
        assert_eq!(n.rolled_from, None);
        // 2024-05-02 + 30 days = Saturday 2024-06-01: rolled to Monday 2024-06-03.
        let n = add_calendar_days(d("2024-05-02"), 30, Some(&c)).unwrap();
        assert_eq!(n.end, d("2024-06-03"));
        assert_eq!(
            n.rolled_from,
            Some((d("2024-06-01"), DayOff::Weekend(Weekday::Saturday)))
        );
        // Without a calendar there is no roll.
        let n = add_calendar_days(d("2024-05-02"), 30, None).unwrap();
        assert_eq!(n.end, d("2024-06-01"));
    }

    #[test]
    fn thirty_days_ending_on_a_federal_holiday_roll_past_it() {
        let c = us();
        // 2024-05-20 + 30 days = Wednesday 2024-06-19, Juneteenth: rolled to Thursday.
        let n = add_calendar_days(d("2024-05-20"), 30, Some(&c)).unwrap();
        assert_eq!(n.end, d("2024-06-20"));
        assert_eq!(
            n.holidays,
            vec![(
                d("2024-06-19"),
                "Juneteenth National Independence Day".to_string()
            )]
        );
        // Ending on Saturday 2024-08-31 rolls past Sunday and Labor Day to Tuesday.
        let n = add_calendar_days(d("2024-08-01"), 30, Some(&c)).unwrap();
        assert_eq!(n.end, d("2024-09-03"));
        assert!(n.uncovered_years.is_empty());
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let mut c = Calendar::weekends_only("eu");
        c.coverage.push(Coverage {
            from: d("2023-01-01"),
            until: Some(d("2023-12-31")),
            source: "s".into(),
        });
        // Monday 2023-05-01 + 5 working days = Monday 2023-05-08.
        let n = add_working_days(d("2023-05-01"), 5, &c).unwrap();
        assert_eq!(n.end, d("2023-05-08"));
        c.dates.insert(d("2023-05-09"), "Schuman Day".into());
        let n = add_working_days(d("2023-05-01"), 6, &c).unwrap();
        assert_eq!(n.end, d("2023-05-10"));
        assert_eq!(n.holidays.len(), 1);
        // Counting into 2024, which this calendar does not cover, is reported.
        let n = add_working_days(d("2023-12-20"), 10, &c).unwrap();
        assert_eq!(n.uncovered_years, vec![2024]);
    }

    #[test]
    fn months_keep_the_day_or_take_the_last_of_the_month() {
        assert_eq!(add_months(d("2024-03-15"), 1).unwrap(), d("2024-04-15"));
        assert_eq!(add_months(d("2024-01-31"), 1).unwrap(), d("2024-02-29"));
        assert_eq!(add_months(d("2023-01-31"), 1).unwrap(), d("2023-02-28"));
        assert_eq!(add_weeks(d("2024-03-15"), 2).unwrap(), d("2024-03-29"));
    }

    #[test]
    fn broken_calendars_are_reported_with_positions() {
        let bad = "name = \"x\"\nsources = [\"s\"]\n\n[[holiday]]\nname = \"A\"\nmonth = 13\nday = 1\nsource = \"s\"\n\n[[holiday]]\nname = \"B\"\nmonth = 5\nsource = \"s\"\n";
        let problems = parse("calendars/x.calendar.toml", bad).unwrap_err();
        let msgs: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("calendars/x.calendar.toml:4:"),
            "{msgs:#?}"
        );
        assert!(msgs[1].contains("needs either `day`"), "{msgs:#?}");
        let unknown = parse(
            "calendars/x.calendar.toml",
            "name = \"x\"\nsources = [\"s\"]\nholidays = []\n",
        )
        .unwrap_err();
        assert!(
            unknown[0].message.contains("unknown field `holidays`"),
            "{:?}",
            unknown[0]
        );
        assert_eq!(unknown[0].line, Some(3));
    }
}
