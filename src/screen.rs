//! Screening: every rule of a pack against one deal, each rule sandboxed, a failing rule
//! failing closed as `error` while the others still run.

use std::sync::Arc;
use std::time::Instant;

use rhai::{CallFnOptions, Dynamic, EvalAltResult, Map, Scope};

use crate::date::Date;
use crate::deal::ParsedDeal;
use crate::finding::{Finding, Severity, Status};
use crate::host::{Abort, DealGuard, Record};
use crate::report::Report;
use crate::ruleset::{CompiledRule, RuleSet, lowercase_first};

/// Options of one screening.
#[derive(Clone, Debug, Default)]
pub struct ScreenOptions {
    /// Screen as of this date instead of the deal's closing or signing date.
    pub as_of: Option<Date>,
    /// Record a step-by-step trace for this rule id.
    pub trace_rule: Option<String>,
    /// Evaluate only this rule (rule tests); the report then holds its finding alone.
    pub only_rule: Option<String>,
}

/// Why a deal could not be screened at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ScreenError {
    /// No date to screen as of.
    #[error("deal `{deal}` has no date to screen as of")]
    #[diagnostic(help(
        "give `dates.closing` or `dates.signing` in the deal, or pass `--as-of YYYY-MM-DD`; the tool never reads the clock to pick a date"
    ))]
    NoAsOfDate {
        /// The deal id.
        deal: String,
    },
}

/// A step-by-step account of one rule's evaluation.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Trace {
    /// The rule.
    pub rule: String,
    /// Facts read, parameters resolved, comparisons and steps, in order.
    pub events: Vec<String>,
}

impl RuleSet {
    /// Screens one deal with every rule of the pack.
    pub fn screen(
        &self,
        deal: &ParsedDeal,
        options: &ScreenOptions,
    ) -> Result<Report, ScreenError> {
        self.screen_traced(deal, options).map(|(r, _)| r)
    }

    /// Screens one deal, also returning the trace of `options.trace_rule` if it ran.
    pub fn screen_traced(
        &self,
        deal: &ParsedDeal,
        options: &ScreenOptions,
    ) -> Result<(Report, Option<Trace>), ScreenError> {
        let as_of = options
            .as_of
            .or_else(|| deal.default_as_of())
            .ok_or_else(|| ScreenError::NoAsOfDate {
                deal: deal.deal.id.clone(),
            })?;
        let worker = self.worker();
        let guard = DealGuard::install(Arc::clone(&deal.canonical), as_of);
        let mut trace = None;
        let findings: Vec<Finding> = worker
            .rules
            .iter()
            .filter(|rule| {
                options
                    .only_rule
                    .as_deref()
                    .is_none_or(|id| id == rule.meta.id)
            })
            .map(|rule| {
                let traced = options.trace_rule.as_deref() == Some(rule.meta.id.as_str());
                let (finding, events) = self.evaluate(&worker.engine, rule, &guard, as_of, traced);
                if let Some(events) = events {
                    trace = Some(Trace {
                        rule: rule.meta.id.clone(),
                        events,
                    });
                }
                finding
            })
            .collect();
        drop(guard);
        Ok((Report::new(deal, as_of, self, findings), trace))
    }

    fn evaluate(
        &self,
        engine: &rhai::Engine,
        rule: &CompiledRule,
        guard: &DealGuard,
        as_of: Date,
        traced: bool,
    ) -> (Finding, Option<Vec<String>>) {
        let meta = &rule.meta;
        let Some(ast) = rule.ast.as_ref() else {
            let why = rule.broken.as_ref().map_or_else(
                || "it did not compile".to_string(),
                |p| format!("{} at rules/{}", p.message, p.location()),
            );
            let finding = base_finding(
                rule,
                Status::Error,
                format!(
                    "The rule could not be loaded, so its answer is unknown (fail closed): {why}."
                ),
            );
            return (
                finding,
                traced.then(|| vec!["rule could not be loaded".to_string()]),
            );
        };
        if !meta.in_force_on(as_of) {
            let earlier = meta
                .earlier_law
                .as_deref()
                .filter(|_| meta.from.is_some_and(|f| as_of < f));
            let mut finding = base_finding(
                rule,
                Status::NotInForce,
                match earlier {
                    Some(law) => format!(
                        "Not screened on {as_of}: this rule applies {}; before then {law} applied, which this pack does not screen: check it separately.",
                        meta.window_text()
                    ),
                    None => format!(
                        "Not in force on {as_of}: the legal basis of this rule applies {}{}.",
                        meta.window_text(),
                        meta.window_note
                            .as_deref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    ),
                },
            );
            finding.not_screened = earlier.is_some();
            let events = traced.then(|| {
                vec![format!(
                    "not in force on {as_of}: window {}",
                    meta.window_text()
                )]
            });
            return (finding, events);
        }
        guard.begin_rule(Some(Instant::now() + self.limits.max_time), traced);
        let mut scope = Scope::new();
        let result = engine.call_fn_with_options::<Dynamic>(
            CallFnOptions::new().eval_ast(false).rewind_scope(true),
            &mut scope,
            ast,
            "evaluate",
            (),
        );
        let record = guard.take_record();
        let mut events = record.trace.clone();
        let finding = conclude(rule, result, record);
        if let Some(ev) = events.as_mut() {
            // The conclusion is the explanation's last sentence: the branch that decided.
            let trimmed = finding.explanation.trim_end_matches('.');
            let conclusion = trimmed.rsplit(". ").next().unwrap_or(trimmed);
            ev.push(format!(
                "decided: {}{}: {conclusion}.",
                finding.status.as_str(),
                finding
                    .severity
                    .map(|s| format!(" ({})", s.as_str()))
                    .unwrap_or_default()
            ));
        }
        (finding, events)
    }
}

fn base_finding(rule: &CompiledRule, status: Status, explanation: String) -> Finding {
    Finding {
        rule: rule.meta.id.clone(),
        title: rule.meta.title.clone(),
        regime: rule.meta.regime.clone(),
        status,
        severity: None,
        explanation,
        facts: Vec::new(),
        parameters: Vec::new(),
        missing: Vec::new(),
        citations: rule.meta.citations.clone(),
        comparisons: Vec::new(),
        recommendation: None,
        notes: rule.meta.notes.clone(),
        fee: None,
        not_screened: false,
    }
}

fn with_steps(steps: &[String], last: &str) -> String {
    let mut s = steps.join(" ");
    if !last.is_empty() {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(last);
    }
    s
}

/// Facts in words with their pointers: "the target's total assets (`/target/total_assets_usd`)".
fn quoted_list(items: &[String]) -> String {
    let q: Vec<String> = items
        .iter()
        .map(|i| {
            let words = crate::fact_labels::label(i);
            if &words == i {
                format!("`{i}`")
            } else {
                format!("{words} (`{i}`)")
            }
        })
        .collect();
    match q.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Turns a rule's return value (or failure) and its record into the finding.
fn conclude(
    rule: &CompiledRule,
    result: Result<Dynamic, Box<EvalAltResult>>,
    record: Record,
) -> Finding {
    let Record {
        facts,
        absent,
        parameters,
        comparisons,
        steps,
        abort,
        recommendation,
        fee,
        ..
    } = record;
    let mut f = base_finding(rule, Status::Error, String::new());
    f.facts = facts;
    f.parameters = parameters;
    f.comparisons = comparisons;
    f.recommendation = recommendation;

    // An abort stands even if the script caught the error it raised.
    match abort {
        Some(Abort::MissingFacts(needed)) => {
            f.status = Status::InsufficientData;
            let which = if needed.len() == 1 {
                "this fact"
            } else {
                "these facts"
            };
            f.explanation = with_steps(
                &steps,
                &format!(
                    "Cannot be decided: the deal does not give {}, and the answer turns on {which}.",
                    quoted_list(&needed)
                ),
            );
            f.missing = needed;
            return f;
        }
        Some(Abort::ParameterGap(why)) => {
            f.status = Status::InsufficientData;
            f.explanation = with_steps(
                &steps,
                &format!(
                    "Cannot be decided: {why}. Confirming that value (a new row in the pack's table) would let this deal be screened."
                ),
            );
            // The gap is in the pack, not the deal: no deal fact would fill it.
            return f;
        }
        None => {}
    }

    let value = match result {
        Ok(v) => v,
        Err(e) => {
            f.explanation = format!(
                "The rule failed, so its answer is unknown (fail closed): {}.",
                describe_eval_error(&rule.meta.file, &e)
            );
            return f;
        }
    };
    match read_return(value) {
        Ok(ret) => {
            f.status = ret.status;
            f.explanation = with_steps(&steps, &ret.explanation);
            if ret.recommendation.is_some() {
                f.recommendation = ret.recommendation;
            }
            if ret.status == Status::Triggered {
                f.severity = Some(ret.severity.unwrap_or(rule.meta.severity));
            }
            if ret.status == Status::InsufficientData {
                f.missing = ret.missing.unwrap_or(absent);
            }
            // Only a decided answer carries a fee: a failed or undecided rule has none.
            if ret.status == Status::Triggered {
                f.fee = fee.map(|fee| crate::matrix::Fee {
                    rule: rule.meta.id.clone(),
                    ..fee
                });
            }
        }
        Err(why) => {
            f.explanation = format!(
                "The rule returned a malformed value, so its answer is unknown (fail closed): {why}."
            );
        }
    }
    f
}

struct Return {
    missing: Option<Vec<String>>,
    status: Status,
    explanation: String,
    severity: Option<Severity>,
    recommendation: Option<String>,
}

fn read_return(value: Dynamic) -> Result<Return, String> {
    let type_name = value.type_name();
    let m = value.try_cast::<Map>().ok_or_else(|| {
        format!("`evaluate` must return triggered(…), clear(…) or insufficient(…), not {type_name}")
    })?;
    let mut status = None;
    let mut explanation = None;
    let mut severity = None;
    let mut recommendation = None;
    let mut missing = None;
    for (k, v) in m {
        if k.as_str() == "missing" {
            let list = v
                .try_cast::<rhai::Array>()
                .ok_or("`missing` must be an array of pointers")?;
            missing = Some(list.into_iter().map(|p| p.to_string()).collect::<Vec<_>>());
            continue;
        }
        let s = v
            .clone()
            .into_immutable_string()
            .map_err(|t| format!("`{k}` must be a string, not {t}"))?;
        match k.as_str() {
            "status" => {
                status = Some(match s.as_str() {
                    "triggered" => Status::Triggered,
                    "clear" => Status::Clear,
                    "insufficient_data" => Status::InsufficientData,
                    other => return Err(format!("status `{other}` is not one a rule may return")),
                })
            }
            "explanation" => explanation = Some(s.to_string()),
            "severity" => {
                severity = Some(
                    Severity::parse(&s)
                        .ok_or_else(|| format!("severity `{s}` is not a severity"))?,
                )
            }
            "recommendation" => recommendation = Some(s.to_string()),
            other => return Err(format!("unknown key `{other}` in the returned finding")),
        }
    }
    Ok(Return {
        missing,
        status: status.ok_or("the returned finding has no `status`")?,
        explanation: explanation.ok_or("the returned finding has no `explanation`")?,
        severity,
        recommendation,
    })
}

/// Describes a script failure as `message at file:line:col`, following nested calls to the
/// innermost error and naming the file it happened in.
pub(crate) fn describe_eval_error(rule_file: &str, err: &EvalAltResult) -> String {
    let mut source = rule_file.to_string();
    let mut e = err;
    while let EvalAltResult::ErrorInFunctionCall(_, src, inner, _)
    | EvalAltResult::ErrorInModule(src, inner, _) = e
    {
        if !src.is_empty() {
            source = src.clone();
        }
        e = inner;
    }
    let pos = e.position();
    let msg = match e {
        EvalAltResult::ErrorTooManyOperations(_) => {
            "the rule exceeded its operations limit (a loop that does not end?)".to_string()
        }
        EvalAltResult::ErrorTerminated(..) => "the rule exceeded its time limit".to_string(),
        EvalAltResult::ErrorStackOverflow(_) => {
            "the rule exceeded the call-depth limit (recursion that does not end?)".to_string()
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            format!("the rule exceeded a size limit ({})", what.to_lowercase())
        }
        other => lowercase_first(&strip_position(&other.to_string())),
    };
    let prefix = "rules/";
    match (pos.line(), pos.position()) {
        (Some(l), Some(c)) => format!("{msg} at {prefix}{source}:{l}:{c}"),
        (Some(l), None) => format!("{msg} at {prefix}{source}:{l}"),
        _ => format!("{msg} (in {prefix}{source})"),
    }
}

/// Rhai appends ` (line L, position C)` to messages; the caller prints its own location.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" (line ") {
        Some(i) if msg.ends_with(')') => msg[..i].to_string(),
        _ => msg.to_string(),
    }
}
