//! The functions rule scripts call (fact readers, dated parameters, comparisons, finding
//! builders, formatters), registered in Rust so that the work is done natively and every
//! read, parameter and comparison is recorded for the finding without per-rule code.
//!
//! Evaluation state lives in a thread-local: each thread screens one rule at a time, and
//! registered functions must be `Send + Sync`, so they cannot capture per-deal state.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Instant;

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position};
use serde_json::Value;

use crate::date::Date;
use crate::finding::{Comparison, FactRead, Operator, ParameterUse, Subject, Threshold};
use crate::format;
use crate::params::{LookupError, ParamSet, ParamValue, bracket_for};

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// Why a rule stopped before returning.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Abort {
    /// Facts the rule needed (`need`, `compare`) were absent.
    MissingFacts(Vec<String>),
    /// A parameter had no confirmed value for the date.
    ParameterGap(String),
}

/// What one rule evaluation recorded.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub facts: Vec<FactRead>,
    pub absent: Vec<String>,
    pub parameters: Vec<ParameterUse>,
    pub comparisons: Vec<Comparison>,
    pub steps: Vec<String>,
    pub abort: Option<Abort>,
    pub recommendation: Option<String>,
    pub fee: Option<crate::matrix::Fee>,
    pub deadline: Option<Instant>,
    pub trace: Option<Vec<String>>,
}

struct State {
    deal: Arc<Value>,
    as_of: Date,
    record: Record,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    static LINES: RefCell<Option<std::collections::BTreeSet<(String, usize)>>> = const { RefCell::new(None) };
}

/// The facts `filing_date()` reads: the catalog and `rules check` list them for any rule
/// that calls it, since they appear in no pointer literal of the script.
pub(crate) const FILING_DATE_FACTS: [&str; 2] = ["/dates/filing", "/dates/signing"];

/// Host functions that read fixed facts, by name, for the static scans of scripts.
pub(crate) const FACT_READING_FUNCTIONS: &[(&str, &[&str])] =
    &[("filing_date", &FILING_DATE_FACTS)];

/// Notes that a script line ran (instrumented packs only).
pub(crate) fn record_line(source: &str, line: usize) {
    LINES.with(|l| {
        if let Some(set) = l.borrow_mut().as_mut()
            && !set.contains(&(source.to_string(), line))
        {
            set.insert((source.to_string(), line));
        }
    });
}

/// Starts recording script lines on this thread.
pub(crate) fn start_line_recording() {
    LINES.with(|l| *l.borrow_mut() = Some(std::collections::BTreeSet::new()));
}

/// Stops recording and returns the (file, line) pairs that ran.
pub(crate) fn take_recorded_lines() -> std::collections::BTreeSet<(String, usize)> {
    LINES.with(|l| l.borrow_mut().take().unwrap_or_default())
}

/// Installs a deal for the current thread; the guard removes it again.
pub(crate) struct DealGuard;

impl DealGuard {
    pub(crate) fn install(deal: Arc<Value>, as_of: Date) -> DealGuard {
        STATE.with(|s| {
            *s.borrow_mut() = Some(State {
                deal,
                as_of,
                record: Record::default(),
            })
        });
        DealGuard
    }

    /// Starts a fresh record for the next rule.
    pub(crate) fn begin_rule(&self, deadline: Option<Instant>, trace: bool) {
        STATE.with(|s| {
            if let Some(st) = s.borrow_mut().as_mut() {
                st.record = Record {
                    deadline,
                    trace: trace.then(Vec::new),
                    ..Record::default()
                };
            }
        });
    }

    /// Takes the record of the rule just evaluated.
    pub(crate) fn take_record(&self) -> Record {
        STATE.with(|s| {
            s.borrow_mut()
                .as_mut()
                .map(|st| std::mem::take(&mut st.record))
                .unwrap_or_default()
        })
    }
}

impl Drop for DealGuard {
    fn drop(&mut self) {
        STATE.with(|s| *s.borrow_mut() = None);
    }
}

fn with_state<T>(f: impl FnOnce(&mut State) -> RhaiResult<T>) -> RhaiResult<T> {
    STATE.with(|s| match s.borrow_mut().as_mut() {
        Some(st) => f(st),
        None => Err("deal facts are only available while a deal is screened".into()),
    })
}

/// True when the wall-clock budget of the current rule is spent.
pub(crate) fn past_deadline() -> bool {
    STATE.with(|s| {
        s.borrow()
            .as_ref()
            .and_then(|st| st.record.deadline)
            .is_some_and(|d| Instant::now() >= d)
    })
}

fn trace(st: &mut State, line: impl FnOnce() -> String) {
    if let Some(t) = st.record.trace.as_mut() {
        t.push(line());
    }
}

/// Converts deal JSON to a script value; numbers become floats so scripts do one kind of
/// arithmetic, and `null` reads as absent (`()`).
pub(crate) fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => Dynamic::from_float(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(a) => Dynamic::from_array(a.iter().map(to_dynamic).collect()),
        Value::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.insert(k.as_str().into(), to_dynamic(v));
            }
            Dynamic::from_map(m)
        }
    }
}

fn lookup<'a>(deal: &'a Value, pointer: &str) -> RhaiResult<Option<&'a Value>> {
    if !(pointer.is_empty() || pointer.starts_with('/')) {
        return Err(format!("`{pointer}` is not a JSON pointer (it must start with `/`)").into());
    }
    Ok(resolve_pointer(deal, pointer).filter(|v| !v.is_null()))
}

/// RFC 6901 resolution with the semantics of `serde_json::Value::pointer`, which allocates
/// two strings per segment to unescape it; rules read facts in hot loops, and escapes
/// (`~0`, `~1`) never occur in the deal format's keys, so only an escaped segment allocates.
fn resolve_pointer<'a>(deal: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(deal);
    }
    let mut target = deal;
    for raw in pointer.split('/').skip(1) {
        let token: std::borrow::Cow<'_, str> = if raw.contains('~') {
            raw.replace("~1", "/").replace("~0", "~").into()
        } else {
            raw.into()
        };
        target = match target {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(list) => list.get(array_index(&token)?)?,
            _ => return None,
        };
    }
    Some(target)
}

/// An array index token as `serde_json` accepts it: digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

fn read(st: &mut State, pointer: &str) -> RhaiResult<Option<Dynamic>> {
    let State { deal, record, .. } = st;
    match lookup(deal, pointer)? {
        Some(v) => {
            let d = to_dynamic(v);
            if let Some(t) = record.trace.as_mut() {
                t.push(format!("fact {pointer} = {v}"));
            }
            // Only a first read is recorded, so only it clones the value.
            if !record.facts.iter().any(|f| f.pointer == pointer) {
                record.facts.push(FactRead {
                    pointer: pointer.to_string(),
                    value: v.clone(),
                });
            }
            Ok(Some(d))
        }
        None => {
            if let Some(t) = record.trace.as_mut() {
                t.push(format!("fact {pointer} is absent"));
            }
            if !record.absent.iter().any(|p| p == pointer) {
                record.absent.push(pointer.to_string());
            }
            Ok(None)
        }
    }
}

fn missing_abort(st: &mut State, pointers: Vec<String>) -> Box<EvalAltResult> {
    // A rule that catches the error and needs more facts later adds to the same list.
    match st.record.abort.as_mut() {
        Some(Abort::MissingFacts(list)) => {
            for p in pointers {
                if !list.contains(&p) {
                    list.push(p);
                }
            }
        }
        _ => st.record.abort = Some(Abort::MissingFacts(pointers)),
    }
    EvalAltResult::ErrorRuntime("a needed fact is absent".into(), Position::NONE).into()
}

fn parse_date(s: &str) -> RhaiResult<Date> {
    s.parse::<Date>()
        .map_err(|e| format!("{e} (dates passed to parameter functions)").into())
}

fn resolve_use<'p>(
    st: &mut State,
    params: &'p ParamSet,
    name: &str,
    on: Date,
) -> RhaiResult<crate::params::Resolved<'p>> {
    match params.resolve(name, on) {
        Ok(r) => {
            trace(st, || {
                format!(
                    "param {name} on {on} = {} (from {})",
                    r.to_use(on).value,
                    r.row.from
                )
            });
            // One entry per figure (table row): the same row read again on another date
            // says nothing new. Building the record clones long texts: only for a new one.
            if !st
                .record
                .parameters
                .iter()
                .any(|p| p.name == name && p.from == r.row.from)
            {
                st.record.parameters.push(r.to_use(on));
            }
            Ok(r)
        }
        Err(e @ LookupError::Unknown { .. }) => Err(e.to_string().into()),
        Err(e) => {
            trace(st, || format!("param {name} on {on}: {e}"));
            st.record.abort = Some(Abort::ParameterGap(gap_sentence(params, &e)));
            Err(EvalAltResult::ErrorRuntime(e.to_string().into(), Position::NONE).into())
        }
    }
}

/// The reason a dated parameter is missing, in a reviewer's words: what the figure is,
/// then its name for rule authors.
fn gap_sentence(params: &ParamSet, e: &LookupError) -> String {
    // Reviewers read the figure's description; rule authors find the name in the trace.
    let what = |name: &str| match params.table(name) {
        Some(t) => format!("the {}", t.description),
        None => format!("`{name}`"),
    };
    match e {
        LookupError::NotTabulated { name, on, first } => format!(
            "this pack tabulates {} only from {first}, so it has no value for {on}",
            what(name)
        ),
        LookupError::Unconfirmed {
            name,
            on,
            from,
            note,
        } => format!(
            "{} in force on {on} (period from {from}) is UNCONFIRMED ({note}), so this pack does not apply a value for it",
            what(name)
        ),
        LookupError::Unknown { name } => format!("no parameter table named `{name}`"),
    }
}

fn param_dynamic(value: &ParamValue) -> Dynamic {
    match value {
        ParamValue::Number(n) => Dynamic::from_float(*n),
        ParamValue::Text(s) => Dynamic::from(s.clone()),
        ParamValue::Scale(_) => to_dynamic(&value.to_json()),
    }
}

fn number(d: &Dynamic, what: &str) -> RhaiResult<f64> {
    if let Ok(f) = d.as_float() {
        return Ok(f);
    }
    if let Ok(i) = d.as_int() {
        return Ok(i as f64);
    }
    Err(format!("{what} must be a number, not {}", d.type_name()).into())
}

fn subject(st: &mut State, left: &Dynamic) -> RhaiResult<Subject> {
    if let Some(pointer) = left.clone().try_cast::<ImmutableString>() {
        let Some(v) = read(st, &pointer)? else {
            return Err(missing_abort(st, vec![pointer.to_string()]));
        };
        let value = number(&v, &format!("fact `{pointer}`"))?;
        return Ok(Subject {
            pointer: Some(pointer.to_string()),
            label: pointer.to_string(),
            value,
            derived_from: Vec::new(),
        });
    }
    if let Some(m) = left.clone().try_cast::<Map>() {
        let label = m
            .get("label")
            .and_then(|l| l.clone().into_immutable_string().ok())
            .ok_or("a quantity needs a `label`")?;
        let value = number(
            m.get("value").unwrap_or(&Dynamic::UNIT),
            "a quantity's value",
        )?;
        let derived_from = m
            .get("from")
            .and_then(|f| f.clone().try_cast::<Array>())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_immutable_string().ok().map(|s| s.to_string()))
            .collect();
        return Ok(Subject {
            pointer: None,
            label: label.to_string(),
            value,
            derived_from,
        });
    }
    if left.is_unit() {
        return Err(
            "compare() was given `()`: check the fact with known() first, or pass its pointer"
                .into(),
        );
    }
    Err(format!(
        "compare() takes a fact pointer or a quantity(label, value, from), not {}",
        left.type_name()
    )
    .into())
}

fn compare_impl(
    params: &ParamSet,
    left: Dynamic,
    op: &str,
    name: &str,
    on: Option<&str>,
) -> RhaiResult<Map> {
    let op = Operator::parse(op)
        .ok_or_else(|| format!("`{op}` is not a comparison operator (use >, >=, < or <=)"))?;
    with_state(|st| {
        let subj = subject(st, &left)?;
        let on = match on {
            Some(d) => parse_date(d)?,
            None => st.as_of,
        };
        let r = resolve_use(st, params, name, on)?;
        let Some(ParamValue::Number(threshold)) = r.row.value.as_ref() else {
            return Err(format!("parameter `{name}` is not a number").into());
        };
        let threshold = *threshold;
        let unit = r.table.unit.as_str();
        let outcome = op.holds(subj.value, threshold);
        let margin = subj.value - threshold;
        let margin_text = if margin == 0.0 {
            "exactly at the threshold".to_string()
        } else {
            format!(
                "{} {}",
                format::margin_in_unit(unit, margin.abs()),
                if margin > 0.0 { "above" } else { "below" }
            )
        };
        let subject_text = match &subj.pointer {
            Some(p) => format!(
                "{} ({})",
                crate::fact_labels::label(p),
                format::in_unit(unit, subj.value)
            ),
            None => format!("{} ({})", subj.label, format::in_unit(unit, subj.value)),
        };
        let text = format!(
            "{subject_text} {} the {} of {} in force from {}{}",
            op.words(outcome),
            r.table.description,
            format::in_unit(unit, threshold),
            r.row.from,
            if margin == 0.0 {
                " (exactly at it)".to_string()
            } else {
                format!(" ({margin_text})")
            }
        );
        trace(st, || format!("compare {}: {}", name, text));
        let mut m = Map::new();
        m.insert("holds".into(), Dynamic::from_bool(outcome));
        m.insert("value".into(), Dynamic::from_float(subj.value));
        m.insert("threshold".into(), Dynamic::from_float(threshold));
        m.insert("margin".into(), Dynamic::from_float(margin));
        m.insert("text".into(), Dynamic::from(text.clone()));
        m.insert("from".into(), Dynamic::from(r.row.from.to_string()));
        st.record.comparisons.push(Comparison {
            fact: subj,
            parameter: Threshold {
                name: name.to_string(),
                value: threshold,
                unit: unit.to_string(),
                from: r.row.from,
            },
            op,
            outcome,
            margin,
            margin_text,
            text,
        });
        Ok(m)
    })
}

fn scale_impl(params: &ParamSet, name: &str, on: Option<&str>, amount: f64) -> RhaiResult<Map> {
    with_state(|st| {
        let on = match on {
            Some(d) => parse_date(d)?,
            None => st.as_of,
        };
        let r = resolve_use(st, params, name, on)?;
        let Some(ParamValue::Scale(brackets)) = r.row.value.as_ref() else {
            return Err(format!("parameter `{name}` is not a bracket scale").into());
        };
        let (tier, b, next) = bracket_for(brackets, amount).ok_or_else(|| {
            format!(
                "{} falls below every bracket of `{name}`",
                format::plain(amount)
            )
        })?;
        let mut m = Map::new();
        m.insert("value".into(), Dynamic::from_float(b.value));
        m.insert("tier".into(), Dynamic::from_int(tier as i64));
        m.insert("tiers".into(), Dynamic::from_int(brackets.len() as i64));
        m.insert("at_least".into(), Dynamic::from_float(b.at_least));
        m.insert(
            "below".into(),
            next.map_or(Dynamic::UNIT, Dynamic::from_float),
        );
        m.insert("from".into(), Dynamic::from(r.row.from.to_string()));
        m.insert("on".into(), Dynamic::from(on.to_string()));
        Ok(m)
    })
}

fn record_fee(amount: f64, currency: &str, text: &str, at_least: bool) -> RhaiResult<()> {
    if !amount.is_finite() || amount < 0.0 {
        return Err(format!("fee() needs an amount of 0 or more, not {amount}").into());
    }
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "fee() needs an ISO 4217 currency code such as \"USD\", not \"{currency}\""
        )
        .into());
    }
    if at_least && !text.contains("at least") {
        return Err("a fee that is only a lower bound must say \"at least\" in its text".into());
    }
    with_state(|st| {
        st.record.fee = Some(crate::matrix::Fee {
            amount,
            currency: currency.to_string(),
            text: text.to_string(),
            at_least,
            rule: String::new(),
        });
        Ok(())
    })
}

fn finding(status: &str, text: ImmutableString) -> Map {
    let mut m = Map::new();
    m.insert("status".into(), Dynamic::from(status.to_string()));
    m.insert("explanation".into(), Dynamic::from(text));
    m
}

fn fmt_fn(engine: &mut Engine, name: &str, f: fn(f64) -> String) {
    engine.register_fn(name, move |x: f64| f(x));
    engine.register_fn(name, move |x: i64| f(x as f64));
}

/// Registers every host function on `engine`.
pub(crate) fn register(engine: &mut Engine, params: Arc<ParamSet>) {
    engine.register_fn("fact", |pointer: &str| -> RhaiResult<Dynamic> {
        with_state(|st| Ok(read(st, pointer)?.unwrap_or(Dynamic::UNIT)))
    });
    engine.register_fn("known", |pointer: &str| -> RhaiResult<bool> {
        with_state(|st| Ok(read(st, pointer)?.is_some()))
    });
    engine.register_fn("need", |pointer: &str| -> RhaiResult<Dynamic> {
        with_state(|st| match read(st, pointer)? {
            Some(v) => Ok(v),
            None => Err(missing_abort(st, vec![pointer.to_string()])),
        })
    });
    engine.register_fn("need", |pointers: Array| -> RhaiResult<Array> {
        with_state(|st| {
            let mut out = Array::with_capacity(pointers.len());
            let mut absent = Vec::new();
            for p in &pointers {
                let p = p
                    .clone()
                    .into_immutable_string()
                    .map_err(|t| format!("need() takes pointers (strings), not {t}"))?;
                match read(st, &p)? {
                    Some(v) => out.push(v),
                    None => absent.push(p.to_string()),
                }
            }
            if !absent.is_empty() {
                return Err(missing_abort(st, absent));
            }
            Ok(out)
        })
    });

    let p = params.clone();
    engine.register_fn("param", move |name: &str| -> RhaiResult<Dynamic> {
        with_state(|st| {
            let on = st.as_of;
            let r = resolve_use(st, &p, name, on)?;
            Ok(r.row.value.as_ref().map_or(Dynamic::UNIT, param_dynamic))
        })
    });
    let p = params.clone();
    engine.register_fn(
        "param_on",
        move |name: &str, on: &str| -> RhaiResult<Dynamic> {
            let on = parse_date(on)?;
            with_state(|st| {
                let r = resolve_use(st, &p, name, on)?;
                Ok(r.row.value.as_ref().map_or(Dynamic::UNIT, param_dynamic))
            })
        },
    );
    let p = params.clone();
    engine.register_fn("scale", move |name: &str, amount: f64| {
        scale_impl(&p, name, None, amount)
    });
    let p = params.clone();
    engine.register_fn("scale_on", move |name: &str, on: &str, amount: f64| {
        scale_impl(&p, name, Some(on), amount)
    });
    let p = params.clone();
    engine.register_fn("compare", move |left: Dynamic, op: &str, name: &str| {
        compare_impl(&p, left, op, name, None)
    });
    let p = params;
    engine.register_fn(
        "compare_on",
        move |left: Dynamic, op: &str, name: &str, on: &str| {
            compare_impl(&p, left, op, name, Some(on))
        },
    );
    engine.register_fn(
        "quantity",
        |label: ImmutableString, value: Dynamic, from: Array| -> RhaiResult<Map> {
            let v = number(&value, "a quantity's value")?;
            let mut m = Map::new();
            m.insert("label".into(), Dynamic::from(label));
            m.insert("value".into(), Dynamic::from_float(v));
            m.insert("from".into(), Dynamic::from_array(from));
            Ok(m)
        },
    );

    engine.register_fn("step", |text: ImmutableString| -> RhaiResult<()> {
        with_state(|st| {
            trace(st, || format!("step: {text}"));
            st.record.steps.push(text.to_string());
            Ok(())
        })
    });
    // Coverage probes inserted by instrumented packs (never written by rule authors).
    engine.register_fn("__line_ran", |file: &str, line: i64| {
        record_line(file, usize::try_from(line).unwrap_or(0));
    });
    engine.register_fn("recommend", |text: ImmutableString| -> RhaiResult<()> {
        with_state(|st| {
            st.record.recommendation = Some(text.to_string());
            Ok(())
        })
    });
    // The filing fee as a structured fact of the finding (the matrix's fee column). A fee
    // that is only a floor must say so in its text.
    engine.register_fn(
        "fee",
        |amount: f64, currency: ImmutableString, text: ImmutableString| {
            record_fee(amount, &currency, &text, false)
        },
    );
    engine.register_fn(
        "fee",
        |amount: f64, currency: ImmutableString, text: ImmutableString, at_least: bool| {
            record_fee(amount, &currency, &text, at_least)
        },
    );
    engine.register_fn("fmt", |value: f64, unit: &str| format::in_unit(unit, value));
    engine.register_fn("fmt", |value: i64, unit: &str| {
        format::in_unit(unit, value as f64)
    });
    engine.register_fn("year", |date: &str| -> RhaiResult<i64> {
        Ok(i64::from(parse_date(date)?.year()))
    });
    engine.register_fn("as_of", || -> RhaiResult<ImmutableString> {
        with_state(|st| Ok(st.as_of.to_string().into()))
    });
    // The deal's filing date, given or assumed by the rule the timeline uses too
    // (`FilingDate::of`), with the dates it read recorded as facts.
    engine.register_fn("filing_date", || -> RhaiResult<Map> {
        with_state(|st| {
            let mut date_at = |pointer: &str| -> RhaiResult<Option<Date>> {
                match read(st, pointer)? {
                    Some(d) => Ok(Some(parse_date(&d.to_string())?)),
                    None => Ok(None),
                }
            };
            let [filing, signing] = FILING_DATE_FACTS;
            let filing = date_at(filing)?;
            let signing = date_at(signing)?;
            let (date, basis) = crate::deal::FilingDate::of(filing, signing, st.as_of);
            let mut m = Map::new();
            m.insert("date".into(), Dynamic::from(date.to_string()));
            m.insert("basis".into(), Dynamic::from(basis.as_str().to_string()));
            Ok(m)
        })
    });

    engine.register_fn("triggered", |t: ImmutableString| finding("triggered", t));
    engine.register_fn(
        "triggered",
        |t: ImmutableString, severity: ImmutableString| {
            let mut m = finding("triggered", t);
            m.insert("severity".into(), Dynamic::from(severity));
            m
        },
    );
    engine.register_fn("clear", |t: ImmutableString| finding("clear", t));
    engine.register_fn("insufficient", |t: ImmutableString| {
        finding("insufficient_data", t)
    });
    // For facts that are present but incomplete (a market's fringe shares), the rule names
    // the pointers a reviewer must supply.
    engine.register_fn(
        "insufficient",
        |t: ImmutableString, missing: Array| -> RhaiResult<Map> {
            let mut m = finding("insufficient_data", t);
            for p in &missing {
                if !p.is_string() {
                    return Err(format!(
                        "insufficient(text, missing) takes pointers (strings), not {}",
                        p.type_name()
                    )
                    .into());
                }
            }
            m.insert("missing".into(), Dynamic::from_array(missing));
            Ok(m)
        },
    );

    fmt_fn(engine, "usd", format::usd);
    fmt_fn(engine, "eur", format::eur);
    fmt_fn(engine, "gbp", format::gbp);
    fmt_fn(engine, "pct", format::pct);
    fmt_fn(engine, "num", format::number);
    fmt_fn(engine, "ops", format::ops);
    // Herfindahl-Hirschman index of a map of shares on the 0-100 scale: the sum of squares.
    engine.register_fn("hhi", |shares: Map| -> RhaiResult<f64> {
        shares.iter().try_fold(0.0, |acc, (k, v)| {
            let s = number(v, &format!("the share of `{k}`"))?;
            Ok(acc + s * s)
        })
    });
    // Three-valued (Kleene) logic for legal limbs a fact not given leaves open: `true`,
    // `false` or `()` (unknown), any value but a boolean counting as unknown. Rules combine
    // limbs this way dozens of times per deal, and a script function call costs rhai a
    // fresh scope; these were the same few lines in five scripts.
    engine.register_fn("all3", |a: Dynamic, b: Dynamic| {
        match (a.as_bool().ok(), b.as_bool().ok()) {
            (Some(false), _) | (_, Some(false)) => Dynamic::FALSE,
            (Some(true), Some(true)) => Dynamic::TRUE,
            _ => Dynamic::UNIT,
        }
    });
    engine.register_fn("any3", |a: Dynamic, b: Dynamic| {
        match (a.as_bool().ok(), b.as_bool().ok()) {
            (Some(true), _) | (_, Some(true)) => Dynamic::TRUE,
            (Some(false), Some(false)) => Dynamic::FALSE,
            _ => Dynamic::UNIT,
        }
    });
    engine.register_fn("words", |s: ImmutableString| s.replace('_', " "));
    engine.register_fn("join_and", |items: Array| -> String {
        let items: Vec<String> = items.into_iter().map(|d| d.to_string()).collect();
        match items.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::resolve_pointer;
    use serde_json::json;

    #[test]
    fn three_valued_logic_treats_non_booleans_as_unknown() {
        let engine = crate::sandbox::build_engine(
            std::sync::Arc::new(crate::params::ParamSet::default()),
            &crate::sandbox::Limits::default(),
        );
        let run = |script: &str| {
            engine
                .eval::<rhai::Dynamic>(script)
                .map(|d| d.to_string())
                .unwrap_or_else(|e| e.to_string())
        };
        let values = ["true", "false", "()", "\"x\"", "1.0"];
        for a in values {
            for b in values {
                let known = |v: &str| match v {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                };
                let all = match (known(a), known(b)) {
                    (Some(false), _) | (_, Some(false)) => "false",
                    (Some(true), Some(true)) => "true",
                    _ => "",
                };
                let any = match (known(a), known(b)) {
                    (Some(true), _) | (_, Some(true)) => "true",
                    (Some(false), Some(false)) => "false",
                    _ => "",
                };
                assert_eq!(run(&format!("all3({a}, {b})")), all, "all3({a}, {b})");
                assert_eq!(run(&format!("any3({a}, {b})")), any, "any3({a}, {b})");
            }
        }
    }

    #[test]
    fn pointer_resolution_matches_serde_json() {
        let v = json!({
            "a": {"b": [10, {"c": null}], "x/y": 1, "m~n": 2, "": 3},
            "list": [0, 1, 2],
            "01": "key"
        });
        for p in [
            "",
            "/",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1/c",
            "/a/b/2",
            "/a/x~1y",
            "/a/m~0n",
            "/a/",
            "/list/00",
            "/list/+1",
            "/list/1",
            "/list/-",
            "/01",
            "/a/b/01",
            "/nope",
            "/list/1/deeper",
            "/a/x~1y/z",
            "/a/~2",
        ] {
            assert_eq!(resolve_pointer(&v, p), v.pointer(p), "pointer {p:?}");
        }
    }
}
