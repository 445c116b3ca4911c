//! `rules test`: test cases that live beside the rules (`*.test.toml`), run against the
//! pack, with status and line coverage per rule. The library does no I/O: fixture deals
//! come through a loader the caller provides.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::Date;
use crate::deal::ParsedDeal;
use crate::finding::{Severity, Status};
use crate::ruleset::{FileKind, RuleSet, SourceFile};
use crate::screen::ScreenOptions;

/// A test file: cases for one rule (or for several, naming theirs).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    #[serde(default)]
    rule: Option<String>,
    #[serde(default, rename = "case")]
    cases: Vec<toml::Spanned<Case>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    fixture: Option<String>,
    #[serde(default)]
    deal: Option<String>,
    #[serde(default)]
    patch: BTreeMap<String, toml::Value>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    as_of: Option<toml::value::Datetime>,
    status: Status,
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    missing: Option<Vec<String>>,
    #[serde(default)]
    fee: Option<FeeExpectation>,
}

/// The fee a case expects the finding to record (`fee(…)` in the script).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeeExpectation {
    amount: f64,
    currency: String,
    #[serde(default)]
    at_least: bool,
}

/// The outcome of one case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseResult {
    /// `file:line` of the case.
    pub location: String,
    /// The case's name.
    pub name: String,
    /// The rule tested.
    pub rule: String,
    /// The status the rule gave (when it ran).
    pub status: Option<Status>,
    /// Empty when the case passed; otherwise each difference, in words.
    pub failures: Vec<String>,
}

impl CaseResult {
    /// True when every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Coverage of one rule by its cases.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleCoverage {
    /// The rule.
    pub rule: String,
    /// Its script file.
    pub file: String,
    /// Statuses its passing cases exercise.
    pub statuses: Vec<Status>,
    /// Statuses a shipped rule must have cases for and lacks.
    pub missing_statuses: Vec<Status>,
    /// Script lines with a statement.
    pub lines: usize,
    /// Those lines that never ran.
    pub uncovered_lines: Vec<usize>,
}

/// The result of a test run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TestRun {
    /// Every case, in file order.
    pub cases: Vec<CaseResult>,
    /// Per rule, when coverage was asked for.
    pub coverage: Vec<RuleCoverage>,
}

impl TestRun {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// Rules whose cases lack a required status.
    pub fn coverage_gaps(&self) -> usize {
        self.coverage
            .iter()
            .filter(|c| !c.missing_statuses.is_empty())
            .count()
    }
}

fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Sets `value` at `pointer`, creating objects on the way.
fn set_pointer(doc: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    let mut node = doc;
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, parents)) = segments.split_last() else {
        return Err(format!("`{pointer}` is not a pointer to a field"));
    };
    for seg in parents {
        node = match node {
            Value::Object(m) => m
                .entry(seg.to_string())
                .or_insert_with(|| Value::Object(Default::default())),
            Value::Array(a) => seg
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get_mut(i))
                .ok_or_else(|| format!("`{pointer}`: no array element `{seg}`"))?,
            _ => {
                return Err(format!(
                    "`{pointer}`: `{seg}` is inside a value that is not an object"
                ));
            }
        };
    }
    match node {
        Value::Object(m) => {
            m.insert(last.to_string(), value);
            Ok(())
        }
        Value::Array(a) => {
            // `-` or the array's length appends (RFC 6902 style).
            if *last == "-" || last.parse::<usize>().ok() == Some(a.len()) {
                a.push(value);
                return Ok(());
            }
            let slot = last
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get_mut(i))
                .ok_or_else(|| format!("`{pointer}`: no array element `{last}`"))?;
            *slot = value;
            Ok(())
        }
        _ => Err(format!("`{pointer}`: the parent is not an object")),
    }
}

fn remove_pointer(doc: &mut Value, pointer: &str) -> Result<(), String> {
    let (parent, last) = pointer
        .rsplit_once('/')
        .ok_or_else(|| format!("`{pointer}` is not a pointer"))?;
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.remove(last);
            Ok(())
        }
        Some(Value::Array(a)) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => {
                a.remove(i);
                Ok(())
            }
            _ => Err(format!("`{pointer}`: no array element `{last}`")),
        },
        _ => Err(format!("`{pointer}`: nothing to remove there")),
    }
}

/// Builds the deal of a case: a fixture (or inline JSON) with patches applied.
fn build_deal(
    case: &Case,
    fixtures: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<ParsedDeal, String> {
    let mut doc: Value = match (&case.fixture, &case.deal) {
        (Some(name), None) => {
            let bytes = fixtures(name)?;
            serde_json::from_slice(&bytes)
                .map_err(|e| format!("fixture `{name}` is not JSON: {e}"))?
        }
        (None, Some(json)) => {
            serde_json::from_str(json).map_err(|e| format!("inline `deal` is not JSON: {e}"))?
        }
        _ => return Err("give exactly one of `fixture` or `deal`".to_string()),
    };
    for (pointer, value) in &case.patch {
        set_pointer(&mut doc, pointer, toml_to_json(value))?;
    }
    for pointer in &case.remove {
        remove_pointer(&mut doc, pointer)?;
    }
    ParsedDeal::from_value(doc).map_err(|e| format!("the case's deal is invalid: {e}"))
}

fn date_of(d: &toml::value::Datetime) -> Option<Date> {
    let date = d.date?;
    Date::from_ymd(date.year as i16, date.month as i8, date.day as i8)
}

/// Runs every test file of the pack (`*.test.toml`) whose path or case name or rule
/// contains `filter`. With `coverage`, `rules` must be an instrumented pack
/// ([`RuleSet::load_instrumented`]) and the run also reports coverage per rule.
pub fn run(
    rules: &RuleSet,
    files: &[SourceFile],
    fixtures: &dyn Fn(&str) -> Result<Vec<u8>, String>,
    filter: Option<&str>,
    coverage: bool,
) -> TestRun {
    let mut run = TestRun::default();
    let mut exercised: BTreeMap<String, BTreeSet<Status>> = BTreeMap::new();
    if coverage {
        crate::host::start_line_recording();
    }
    let mut test_files: Vec<&SourceFile> = files
        .iter()
        .filter(|f| FileKind::of(&f.path) == FileKind::Test)
        .collect();
    test_files.sort_by(|a, b| a.path.cmp(&b.path));
    for file in test_files {
        let parsed: TestFile = match toml::from_str(&file.text) {
            Ok(t) => t,
            Err(e) => {
                let line = e
                    .span()
                    .map_or(1, |s| crate::diagnostic::line_col(&file.text, s.start).0);
                run.cases.push(CaseResult {
                    location: format!("{}:{line}", file.path),
                    name: "(file)".into(),
                    rule: String::new(),
                    status: None,
                    failures: vec![format!("invalid test file: {}", e.message().trim())],
                });
                continue;
            }
        };
        for spanned in parsed.cases {
            let line = crate::diagnostic::line_col(&file.text, spanned.span().start).0;
            let case = spanned.into_inner();
            let rule = case
                .rule
                .clone()
                .or_else(|| parsed.rule.clone())
                .unwrap_or_default();
            if let Some(f) = filter
                && !(file.path.contains(f) || case.name.contains(f) || rule.contains(f))
            {
                continue;
            }
            let mut result = CaseResult {
                location: format!("{}:{line}", file.path),
                name: case.name.clone(),
                rule: rule.clone(),
                status: None,
                failures: Vec::new(),
            };
            if !rules.rules().any(|r| r.id == rule) {
                result.failures.push(format!(
                    "no rule `{rule}` in the pack (set `rule = \"…\"` in the file or the case)"
                ));
                run.cases.push(result);
                continue;
            }
            let deal = match build_deal(&case, fixtures) {
                Ok(d) => d,
                Err(e) => {
                    result.failures.push(e);
                    run.cases.push(result);
                    continue;
                }
            };
            let options = ScreenOptions {
                as_of: case.as_of.as_ref().and_then(date_of),
                trace_rule: None,
                only_rule: Some(rule.clone()),
            };
            let finding = match rules.screen(&deal, &options) {
                Ok(report) => report.findings.into_iter().find(|f| f.rule == rule),
                Err(e) => {
                    result.failures.push(e.to_string());
                    run.cases.push(result);
                    continue;
                }
            };
            let Some(finding) = finding else {
                result
                    .failures
                    .push(format!("rule `{rule}` gave no finding"));
                run.cases.push(result);
                continue;
            };
            result.status = Some(finding.status);
            if finding.status != case.status {
                result.failures.push(format!(
                    "status: expected `{}`, got `{}` ({})",
                    case.status.as_str(),
                    finding.status.as_str(),
                    finding.explanation
                ));
            }
            if case.severity.is_some() && finding.severity != case.severity {
                result.failures.push(format!(
                    "severity: expected `{}`, got `{}`",
                    case.severity.map_or("none", Severity::as_str),
                    finding.severity.map_or("none", Severity::as_str)
                ));
            }
            for needle in &case.contains {
                if !finding.explanation.contains(needle.as_str()) {
                    result.failures.push(format!(
                        "explanation lacks `{needle}`: {}",
                        finding.explanation
                    ));
                }
            }
            if let Some(missing) = &case.missing
                && missing != &finding.missing
            {
                result.failures.push(format!(
                    "missing: expected {missing:?}, got {:?}",
                    finding.missing
                ));
            }
            if let Some(want) = &case.fee {
                let got = finding
                    .fee
                    .as_ref()
                    .map(|f| (f.amount, f.currency.as_str(), f.at_least));
                if got != Some((want.amount, want.currency.as_str(), want.at_least)) {
                    result.failures.push(format!(
                        "fee: expected {}{} {}, got {}",
                        if want.at_least { "at least " } else { "" },
                        want.amount,
                        want.currency,
                        finding
                            .fee
                            .as_ref()
                            .map_or("none".to_string(), |f| f.text.clone())
                    ));
                }
            }
            if result.passed() {
                exercised
                    .entry(rule.clone())
                    .or_default()
                    .insert(finding.status);
            }
            run.cases.push(result);
        }
    }
    if coverage {
        let lines = crate::host::take_recorded_lines();
        for rule in rules.compiled() {
            if let Some(f) = filter
                && !(rule.meta.id.contains(f) || rule.meta.file.contains(f))
            {
                continue;
            }
            let statuses: Vec<Status> = exercised
                .get(&rule.meta.id)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            let mut required = vec![Status::Triggered, Status::Clear, Status::InsufficientData];
            if rule.meta.from.is_some() || rule.meta.until.is_some() {
                required.push(Status::NotInForce);
            }
            let missing_statuses = required
                .into_iter()
                .filter(|s| !statuses.contains(s))
                .collect();
            let executable = rule.executable_lines();
            let uncovered_lines = executable
                .iter()
                .copied()
                .filter(|l| !lines.contains(&(rule.meta.file.clone(), *l)))
                .collect();
            run.coverage.push(RuleCoverage {
                rule: rule.meta.id.clone(),
                file: rule.meta.file.clone(),
                statuses,
                missing_statuses,
                lines: executable.len(),
                uncovered_lines,
            });
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_set_nested_fields_and_remove_them() {
        let mut v = serde_json::json!({"a": {"b": 1}, "list": [{"x": 1}]});
        set_pointer(&mut v, "/a/c/d", Value::from(2)).unwrap();
        set_pointer(&mut v, "/list/0/x", Value::from(5)).unwrap();
        remove_pointer(&mut v, "/a/b").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": {"c": {"d": 2}}, "list": [{"x": 5}]})
        );
        assert!(set_pointer(&mut v, "/list/9/x", Value::from(1)).is_err());
    }
}
