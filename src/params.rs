//! Dated parameter tables (OpenFisca's shape): every figure that changes over time lives in
//! a `*.params.toml` file beside the rules, one row per period with its `from` date and
//! source. A rule asks for a parameter by name and gets the row in force on a date.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::date::Date;
use crate::diagnostic::Problem;
use crate::finding::ParameterUse;

/// Units a parameter may have.
pub const UNITS: &[&str] = &[
    "usd",
    "eur",
    "gbp",
    "pct",
    "ops",
    "ops_per_s",
    "gbps",
    "days",
    "count",
    "hhi",
    "text",
];

/// One band of a bracket schedule (e.g. an HSR filing-fee tier).
#[derive(Clone, Debug, PartialEq)]
pub struct Bracket {
    /// Lower bound, inclusive.
    pub at_least: f64,
    /// Value for amounts from `at_least` up to the next bracket's bound.
    pub value: f64,
}

/// The value of one period.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A number.
    Number(f64),
    /// A text (e.g. a named regime status).
    Text(String),
    /// A bracket schedule, lowest bracket first.
    Scale(Vec<Bracket>),
}

impl ParamValue {
    /// The value as JSON, for reports.
    pub fn to_json(&self) -> Value {
        match self {
            ParamValue::Number(n) => json!(n),
            ParamValue::Text(s) => json!(s),
            ParamValue::Scale(b) => Value::Array(
                b.iter()
                    .map(|b| json!({"at_least": b.at_least, "value": b.value}))
                    .collect(),
            ),
        }
    }
}

/// One period of a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamRow {
    /// First day in force.
    pub from: Date,
    /// The value; `None` for an unconfirmed figure.
    pub value: Option<ParamValue>,
    /// Where the figure comes from.
    pub source: String,
    /// Remarks, e.g. what is unconfirmed.
    pub note: Option<String>,
    /// 1-based line of the row in its file.
    pub line: usize,
}

/// A dated parameter: its rows in date order.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamTable {
    /// Full name, e.g. `us.hsr.size_of_transaction_usd`.
    pub name: String,
    /// What the figure is.
    pub description: String,
    /// Unit.
    pub unit: String,
    /// Legal reference.
    pub reference: Option<String>,
    /// Periods, `from` strictly increasing.
    pub rows: Vec<ParamRow>,
    /// File it came from, relative to the pack root.
    pub file: String,
}

/// A row resolved for a date.
#[derive(Clone, Copy, Debug)]
pub struct Resolved<'a> {
    /// The table.
    pub table: &'a ParamTable,
    /// The row in force.
    pub row: &'a ParamRow,
    /// Last day of the row's period, when a later row exists.
    pub until: Option<Date>,
}

impl Resolved<'_> {
    /// The record a finding keeps of this use.
    pub fn to_use(&self, on: Date) -> ParameterUse {
        ParameterUse {
            name: self.table.name.clone(),
            description: self.table.description.clone(),
            value: self
                .row
                .value
                .as_ref()
                .map_or(Value::Null, ParamValue::to_json),
            unit: self.table.unit.clone(),
            on,
            from: self.row.from,
            until: self.until,
            source: self.row.source.clone(),
            reference: self.table.reference.clone(),
            note: self.row.note.clone(),
        }
    }
}

/// Why a parameter could not be resolved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LookupError {
    /// No table of that name: a bug in the rule (it should have been caught by `rules check`).
    #[error("no parameter table named `{name}`")]
    Unknown {
        /// The name asked for.
        name: String,
    },
    /// The date is before the first tabulated period.
    #[error("no value of `{name}` is tabulated for {on} (the table starts on {first})")]
    NotTabulated {
        /// The parameter.
        name: String,
        /// The date asked about.
        on: Date,
        /// The first tabulated date.
        first: Date,
    },
    /// The figure for the period is marked unconfirmed.
    #[error("the value of `{name}` in force on {on} (period from {from}) is UNCONFIRMED: {note}")]
    Unconfirmed {
        /// The parameter.
        name: String,
        /// The date asked about.
        on: Date,
        /// Start of the unconfirmed period.
        from: Date,
        /// What is unconfirmed.
        note: String,
    },
}

/// All parameter tables of a rule pack.
#[derive(Clone, Debug, Default)]
pub struct ParamSet {
    tables: BTreeMap<String, ParamTable>,
}

impl ParamSet {
    /// The table of that name.
    pub fn table(&self, name: &str) -> Option<&ParamTable> {
        self.tables.get(name)
    }

    /// Every table, by name.
    pub fn tables(&self) -> impl Iterator<Item = &ParamTable> {
        self.tables.values()
    }

    /// The row of `name` in force on `on`.
    pub fn resolve(&self, name: &str, on: Date) -> Result<Resolved<'_>, LookupError> {
        let table = self.tables.get(name).ok_or_else(|| LookupError::Unknown {
            name: name.to_string(),
        })?;
        let idx = table.rows.partition_point(|r| r.from <= on);
        let Some(row_idx) = idx.checked_sub(1) else {
            return Err(LookupError::NotTabulated {
                name: name.to_string(),
                on,
                first: table.rows.first().map_or(on, |r| r.from),
            });
        };
        let row = table
            .rows
            .get(row_idx)
            .ok_or_else(|| LookupError::Unknown {
                name: name.to_string(),
            })?;
        if row.value.is_none() {
            return Err(LookupError::Unconfirmed {
                name: name.to_string(),
                on,
                from: row.from,
                note: row
                    .note
                    .clone()
                    .unwrap_or_else(|| "no figure confirmed".into()),
            });
        }
        let until = table.rows.get(idx).map(|next| next.from.previous_day());
        Ok(Resolved { table, row, until })
    }

    /// Parses one `*.params.toml` file; `prefix` is its folder as a dotted name (`us.hsr`).
    /// Every problem in the file is reported, not only the first.
    pub fn add_file(&mut self, file: &str, prefix: &str, text: &str) -> Vec<Problem> {
        let source: Arc<str> = Arc::from(text);
        let raw: BTreeMap<String, toml::Spanned<RawTable>> = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let mut p = Problem::in_file(file, format!("invalid parameter table: {}", e.message().trim()))
                    .with_help("each table is `[name]` with `description`, `unit` and `values = [ { from = YYYY-MM-DD, value = …, source = \"…\" }, … ]`");
                if let Some(span) = e.span() {
                    p = p.at_span(&source, span.start, span.end);
                }
                return vec![p];
            }
        };
        let mut problems = Vec::new();
        for (key, spanned) in raw {
            let span = spanned.span();
            let raw = spanned.into_inner();
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            let at =
                |msg: String| Problem::in_file(file, msg).at_span(&source, span.start, span.end);
            if !UNITS.contains(&raw.unit.as_str()) {
                problems.push(
                    at(format!(
                        "parameter `{name}` has unknown unit `{}`",
                        raw.unit
                    ))
                    .with_help(format!("use one of: {}", UNITS.join(", "))),
                );
            }
            let is_scale = match raw.kind.as_deref() {
                None | Some("value") => false,
                Some("scale") => true,
                Some(other) => {
                    problems.push(
                        at(format!("parameter `{name}` has unknown kind `{other}`")).with_help(
                            "use `kind = \"scale\"` for bracket schedules, or leave `kind` out",
                        ),
                    );
                    false
                }
            };
            if raw.values.is_empty() {
                problems.push(at(format!("parameter `{name}` has no rows")).with_help(
                    "add `values = [ { from = YYYY-MM-DD, value = …, source = \"…\" } ]`",
                ));
            }
            let mut rows: Vec<ParamRow> = Vec::new();
            for spanned_row in raw.values {
                let rspan = spanned_row.span();
                let r = spanned_row.into_inner();
                let line = crate::diagnostic::line_col(&source, rspan.start).0;
                let row_at = |msg: String| {
                    Problem::in_file(file, msg).at_span(&source, rspan.start, rspan.end)
                };
                let Some(from) = r
                    .from
                    .date
                    .and_then(|d| Date::from_ymd(d.year as i16, d.month as i8, d.day as i8))
                    .filter(|_| r.from.time.is_none())
                else {
                    problems.push(
                        row_at(format!(
                            "row of `{name}` has `from = {}`, not a date",
                            r.from
                        ))
                        .with_help("write the date unquoted, e.g. `from = 2025-02-21`"),
                    );
                    continue;
                };
                if r.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    problems.push(
                        row_at(format!("row of `{name}` from {from} has no `source`"))
                            .with_help("every figure names where it comes from: `source = \"Federal Register 2025-01518\"`"),
                    );
                }
                let value = match (r.value, r.brackets, r.unconfirmed) {
                    (None, None, true) => None,
                    (Some(_), _, true) | (_, Some(_), true) => {
                        problems.push(row_at(format!(
                            "row of `{name}` from {from} is marked unconfirmed but has a value"
                        )).with_help("an unconfirmed figure has no value; remove `value` or `unconfirmed`"));
                        None
                    }
                    (Some(v), None, false) if !is_scale => match v {
                        toml::Value::Integer(i) => Some(ParamValue::Number(i as f64)),
                        toml::Value::Float(f) => Some(ParamValue::Number(f)),
                        toml::Value::String(s) => Some(ParamValue::Text(s)),
                        other => {
                            problems.push(row_at(format!(
                                "row of `{name}` from {from} has value `{other}`, not a number or text"
                            )));
                            None
                        }
                    },
                    (None, Some(b), false) if is_scale => {
                        let brackets: Vec<Bracket> = b
                            .into_iter()
                            .map(|b| Bracket {
                                at_least: b.at_least,
                                value: b.value,
                            })
                            .collect();
                        let starts_at_zero = brackets.first().is_some_and(|b| b.at_least == 0.0);
                        let increasing = brackets
                            .windows(2)
                            .all(|w| matches!(w, [a, b] if a.at_least < b.at_least));
                        if !starts_at_zero || !increasing {
                            problems.push(row_at(format!(
                                "brackets of `{name}` from {from} must start at `at_least = 0` and increase"
                            )).with_help("list brackets lowest first: `brackets = [ { at_least = 0, value = … }, { at_least = 161_500_000, value = … } ]`"));
                        }
                        Some(ParamValue::Scale(brackets))
                    }
                    _ => {
                        let want = if is_scale { "`brackets`" } else { "`value`" };
                        problems.push(
                            row_at(format!("row of `{name}` from {from} needs {want}"))
                                .with_help(if is_scale {
                                    "a scale row is `{ from = …, source = …, brackets = [ { at_least = 0, value = … }, … ] }`"
                                } else {
                                    "a row is `{ from = …, value = …, source = … }`; an unknown figure is `unconfirmed = true` with a `note`"
                                }),
                        );
                        None
                    }
                };
                if let Some(prev) = rows.last()
                    && prev.from >= from
                {
                    problems.push(
                        row_at(format!(
                            "rows of `{name}` are not in date order: {from} follows {}",
                            prev.from
                        ))
                        .with_help(
                            "list periods oldest first, each `from` later than the one before",
                        ),
                    );
                }
                rows.push(ParamRow {
                    from,
                    value,
                    source: r.source.unwrap_or_default(),
                    note: r.note,
                    line,
                });
            }
            if self.tables.contains_key(&name) {
                problems.push(at(format!("parameter `{name}` is defined twice")));
                continue;
            }
            self.tables.insert(
                name.clone(),
                ParamTable {
                    name,
                    description: raw.description,
                    unit: raw.unit,
                    reference: raw.reference,
                    rows,
                    file: file.to_string(),
                },
            );
        }
        problems
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    description: String,
    unit: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    values: Vec<toml::Spanned<RawRow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    from: toml::value::Datetime,
    #[serde(default)]
    value: Option<toml::Value>,
    #[serde(default)]
    brackets: Option<Vec<RawBracket>>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    unconfirmed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBracket {
    at_least: f64,
    value: f64,
}

/// The bracket of `schedule` that `amount` falls in: (1-based tier, bracket, next bound).
pub fn bracket_for(schedule: &[Bracket], amount: f64) -> Option<(usize, &Bracket, Option<f64>)> {
    let idx = schedule.partition_point(|b| b.at_least <= amount);
    let i = idx.checked_sub(1)?;
    let b = schedule.get(i)?;
    Some((i + 1, b, schedule.get(idx).map(|n| n.at_least)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = r#"
[sot_usd]
description = "size of transaction"
unit = "usd"
values = [
  { from = 2024-03-06, value = 119_500_000, source = "a" },
  { from = 2025-02-21, value = 126_400_000, source = "b" },
  { from = 2026-02-17, unconfirmed = true, note = "not yet published", source = "c" },
]

[fee]
description = "fee"
unit = "usd"
kind = "scale"
values = [
  { from = 2024-03-06, source = "s", brackets = [ { at_least = 0, value = 30_000 }, { at_least = 173_300_000, value = 105_000 } ] },
]
"#;

    fn set() -> ParamSet {
        let mut s = ParamSet::default();
        let problems = s.add_file("t.params.toml", "us.hsr", TABLE);
        assert!(problems.is_empty(), "{problems:?}");
        s
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn resolves_the_row_in_force_with_its_period() {
        let s = set();
        let r = s.resolve("us.hsr.sot_usd", d("2025-02-20")).unwrap();
        assert_eq!(r.row.value, Some(ParamValue::Number(119_500_000.0)));
        assert_eq!(r.until, Some(d("2025-02-20")));
        let r = s.resolve("us.hsr.sot_usd", d("2025-02-21")).unwrap();
        assert_eq!(r.row.value, Some(ParamValue::Number(126_400_000.0)));
    }

    #[test]
    fn before_the_table_and_unconfirmed_rows_are_errors_not_guesses() {
        let s = set();
        assert!(matches!(
            s.resolve("us.hsr.sot_usd", d("2024-03-05")),
            Err(LookupError::NotTabulated { .. })
        ));
        assert!(matches!(
            s.resolve("us.hsr.sot_usd", d("2026-06-01")),
            Err(LookupError::Unconfirmed { .. })
        ));
        assert!(matches!(
            s.resolve("us.hsr.nope", d("2026-06-01")),
            Err(LookupError::Unknown { .. })
        ));
    }

    #[test]
    fn brackets_pick_the_tier() {
        let s = set();
        let r = s.resolve("us.hsr.fee", d("2024-06-01")).unwrap();
        let Some(ParamValue::Scale(b)) = &r.row.value else {
            panic!("scale expected")
        };
        assert_eq!(bracket_for(b, 173_300_000.0).map(|t| t.0), Some(2));
        assert_eq!(
            bracket_for(b, 173_299_999.0).map(|t| t.1.value),
            Some(30_000.0)
        );
    }

    #[test]
    fn reports_every_problem_with_a_position() {
        let bad = r#"
[x]
description = "x"
unit = "dollars"
values = [
  { from = 2025-01-01, value = 1 },
  { from = 2024-01-01, value = 2, source = "s" },
]
"#;
        let mut s = ParamSet::default();
        let problems = s.add_file("bad.params.toml", "", bad);
        let msgs: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 3, "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.contains("unknown unit `dollars`")));
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("bad.params.toml:6:") && m.contains("no `source`"))
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("bad.params.toml:7:") && m.contains("not in date order"))
        );
    }
}
