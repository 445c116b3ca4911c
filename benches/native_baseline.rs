//! The Rhai pack against a plain-Rust baseline, for three representative rules:
//! `us.hsr.filing`, `us.guidelines.hhi_presumption` and `us.eo14110.model_reporting`.
//!
//! The native rules below exist only for this benchmark. They read the typed
//! [`dealscreen::Deal`], resolve their thresholds from the pack's dated parameter tables
//! (`RuleSet::params().resolve(name, date)`, once per deal and rule), make the same
//! comparisons in the same order, and build a shorter explanation that formats the same kinds
//! of amounts with `dealscreen::format`. At start the bench checks, for every deal in
//! `fixtures/deals`, that native and Rhai agree on the status, severity, missing facts and
//! every comparison (parameter, compared value, threshold, outcome), and panics if not.
//!
//! Rhai is measured two ways: a pack holding only the three rules (with their libraries and
//! parameter tables), one `screen` per deal; and the full shipped pack with
//! `ScreenOptions { only_rule }`, three `screen` calls per deal. Both include what the engine
//! does around a rule (recording facts, parameters and comparisons, building the report).
//!
//! `cargo bench --bench native_baseline` prints a per-deal ratio table (Rhai / native, timed
//! per fixture with `Instant`) before the criterion groups. With `NATIVE_BASELINE_DEALS=FILE`
//! (JSON Lines, e.g. written by `cargo run --release --example batch_throughput -- --deals
//! 20000 --keep FILE`) the agreement check also runs on every deal of that file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dealscreen::deal::{Instrument, MarketRelation, TransactionKind};
use dealscreen::finding::Operator;
use dealscreen::format;
use dealscreen::params::{ParamSet, ParamValue, bracket_for};
use dealscreen::{
    Date, Deal, Finding, ParsedDeal, RuleSet, ScreenOptions, Severity, SourceFile, Status,
};

const HSR: &str = "us.hsr.filing";
const HHI: &str = "us.guidelines.hhi_presumption";
const AI: &str = "us.eo14110.model_reporting";
const RULES: [&str; 3] = [HSR, HHI, AI];

// ---------------------------------------------------------------------------------------
// Native findings and their bookkeeping
// ---------------------------------------------------------------------------------------

/// One threshold test, as the Rhai host records it.
#[derive(Clone, Debug)]
struct Cmp {
    param: &'static str,
    value: f64,
    threshold: f64,
    holds: bool,
}

/// What a native rule concluded.
#[derive(Clone, Debug)]
struct NativeFinding {
    status: Status,
    severity: Option<Severity>,
    explanation: String,
    comparisons: Vec<Cmp>,
    missing: Vec<String>,
}

/// Why a rule ended without a decision: absent facts it needed (`need`), an explicit
/// `insufficient(text, missing)`, or no threshold tabulated for the date.
enum Stop {
    Missing(Vec<String>),
    Insufficient(String, Vec<String>),
    Gap(String),
}

/// A threshold resolved for a date: (value, first day of its period), or why it is missing.
type Th = Result<(f64, Date), String>;

fn threshold(params: &ParamSet, name: &str, on: Date) -> Th {
    match params.resolve(name, on) {
        Ok(r) => match r.row.value {
            Some(ParamValue::Number(v)) => Ok((v, r.row.from)),
            _ => Err(format!("`{name}` is not a number")),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// Steps and comparisons of one rule evaluation.
#[derive(Default)]
struct Eval {
    steps: Vec<String>,
    comparisons: Vec<Cmp>,
}

/// The outcome of a comparison, for the rule's branches and prose.
struct Compared {
    holds: bool,
    value: f64,
    threshold: f64,
    from: Date,
    text: String,
}

impl Eval {
    fn step(&mut self, s: String) {
        self.steps.push(s);
    }

    #[allow(clippy::too_many_arguments)]
    fn compare(
        &mut self,
        label: &str,
        value: f64,
        op: Operator,
        param: &'static str,
        what: &str,
        unit: &str,
        th: &Th,
    ) -> Result<Compared, Stop> {
        let (threshold, from) = th.as_ref().map_err(|e| Stop::Gap(e.clone()))?;
        let holds = op.holds(value, *threshold);
        let margin = value - threshold;
        let margin_text = if margin == 0.0 {
            "exactly at it".to_string()
        } else {
            format!(
                "{} {}",
                format::margin_in_unit(unit, margin.abs()),
                if margin > 0.0 { "above" } else { "below" }
            )
        };
        let text = format!(
            "{label} ({}) {} the {what} of {} in force from {from} ({margin_text})",
            format::in_unit(unit, value),
            op.words(holds),
            format::in_unit(unit, *threshold),
        );
        self.comparisons.push(Cmp {
            param,
            value,
            threshold: *threshold,
            holds,
        });
        Ok(Compared {
            holds,
            value,
            threshold: *threshold,
            from: *from,
            text,
        })
    }

    fn finish(
        self,
        result: Result<(Status, Option<Severity>, String), Stop>,
        default_severity: Severity,
    ) -> NativeFinding {
        let Eval {
            mut steps,
            comparisons,
        } = self;
        let (status, severity, last, missing) = match result {
            Ok((status, severity, last)) => {
                let severity =
                    (status == Status::Triggered).then(|| severity.unwrap_or(default_severity));
                (status, severity, last, Vec::new())
            }
            Err(Stop::Missing(missing)) => (
                Status::InsufficientData,
                None,
                format!(
                    "Cannot be decided: the deal does not give {}.",
                    missing.join(", ")
                ),
                missing,
            ),
            Err(Stop::Insufficient(text, missing)) => {
                (Status::InsufficientData, None, text, missing)
            }
            Err(Stop::Gap(why)) => (
                Status::InsufficientData,
                None,
                format!("Cannot be decided: {why}."),
                Vec::new(),
            ),
        };
        steps.push(last);
        NativeFinding {
            status,
            severity,
            explanation: steps.join(" "),
            comparisons,
            missing,
        }
    }
}

fn missing(pointer: &str) -> Stop {
    Stop::Missing(vec![pointer.to_string()])
}

fn any3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn all3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// The three native rules, with the pack they take their thresholds and windows from.
struct Native<'a> {
    params: &'a ParamSet,
    windows: BTreeMap<&'static str, (Option<Date>, Option<Date>)>,
}

impl<'a> Native<'a> {
    fn new(rules: &'a RuleSet) -> Native<'a> {
        let mut windows = BTreeMap::new();
        for id in RULES {
            let meta = rules
                .rules()
                .find(|m| m.id == id)
                .unwrap_or_else(|| panic!("rule {id} is not in the pack"));
            windows.insert(id, (meta.from, meta.until));
        }
        Native {
            params: rules.params(),
            windows,
        }
    }

    fn not_in_force(&self, id: &'static str, as_of: Date) -> Option<NativeFinding> {
        let (from, until) = self.windows.get(id).copied().unwrap_or((None, None));
        let in_force = from.is_none_or(|f| f <= as_of) && until.is_none_or(|u| as_of <= u);
        (!in_force).then(|| NativeFinding {
            status: Status::NotInForce,
            severity: None,
            explanation: format!("Not in force on {as_of}."),
            comparisons: Vec::new(),
            missing: Vec::new(),
        })
    }

    fn screen(&self, deal: &ParsedDeal) -> Option<[NativeFinding; 3]> {
        let as_of = deal.default_as_of()?;
        Some([
            self.hsr_filing(&deal.deal, as_of),
            self.hhi_presumption(&deal.deal, as_of),
            self.model_reporting(&deal.deal, as_of),
        ])
    }

    fn rule(&self, id: &str, deal: &ParsedDeal) -> Option<NativeFinding> {
        let as_of = deal.default_as_of()?;
        Some(match id {
            HSR => self.hsr_filing(&deal.deal, as_of),
            HHI => self.hhi_presumption(&deal.deal, as_of),
            _ => self.model_reporting(&deal.deal, as_of),
        })
    }
}

// ---------------------------------------------------------------------------------------
// us.hsr.filing
// ---------------------------------------------------------------------------------------

/// HSR thresholds in force on the deal's date.
struct HsrParams {
    sot: Th,
    smaller: Th,
    larger: Th,
    regardless: Th,
    investment_only: Th,
    non_corporate_control: Th,
    waiting: Th,
}

const SOT: &str = "us.hsr.size_of_transaction_usd";
const SOP_SMALLER: &str = "us.hsr.size_of_person_smaller_usd";
const SOP_LARGER: &str = "us.hsr.size_of_person_larger_usd";
const REGARDLESS: &str = "us.hsr.regardless_of_size_of_person_usd";
const INVESTMENT_ONLY: &str = "us.hsr.investment_only_max_voting_pct";
const NON_CORPORATE: &str = "us.hsr.non_corporate_control_pct";

impl Native<'_> {
    fn hsr_params(&self, on: Date) -> HsrParams {
        let p = self.params;
        HsrParams {
            sot: threshold(p, SOT, on),
            smaller: threshold(p, SOP_SMALLER, on),
            larger: threshold(p, SOP_LARGER, on),
            regardless: threshold(p, REGARDLESS, on),
            investment_only: threshold(p, INVESTMENT_ONLY, on),
            non_corporate_control: threshold(p, NON_CORPORATE, on),
            waiting: threshold(p, "us.hsr.waiting_period_days", on),
        }
    }

    fn hsr_filing(&self, deal: &Deal, as_of: Date) -> NativeFinding {
        if let Some(f) = self.not_in_force(HSR, as_of) {
            return f;
        }
        let p = self.hsr_params(as_of);
        let mut ev = Eval::default();
        let result = self.hsr_filing_eval(deal, as_of, &p, &mut ev);
        ev.finish(result, Severity::High)
    }

    fn hsr_filing_eval(
        &self,
        deal: &Deal,
        as_of: Date,
        p: &HsrParams,
        ev: &mut Eval,
    ) -> Result<(Status, Option<Severity>, String), Stop> {
        let t = &deal.transaction;
        // (a) What is acquired.
        let instrument = t
            .instrument
            .ok_or_else(|| missing("/transaction/instrument"))?;
        if let Instrument::ConvertibleNotes | Instrument::NonVotingEquity = instrument {
            let what = if instrument == Instrument::ConvertibleNotes {
                "convertible notes"
            } else {
                "non-voting equity"
            };
            return Ok((
                Status::Clear,
                None,
                format!(
                    "What is acquired: {what}, not voting securities; their acquisition is exempt (16 CFR 801.1(f), 802.31), so no notification is required."
                ),
            ));
        }
        let voting = instrument == Instrument::VotingSecurities;
        if instrument == Instrument::NonCorporateInterests {
            let test = |ev: &mut Eval, v: Option<f64>, label: &str| -> Result<_, Stop> {
                match v {
                    Some(v) => Ok(Some(
                        ev.compare(
                            label,
                            v,
                            Operator::Ge,
                            NON_CORPORATE,
                            "control figure for a non-corporate entity",
                            "pct",
                            &p.non_corporate_control,
                        )?
                        .holds,
                    )),
                    None => Ok(None),
                }
            };
            let profits = test(
                ev,
                t.economic_pct_after,
                "the acquirer's share of the profits",
            )?;
            let assets = test(
                ev,
                t.dissolution_assets_pct_after,
                "the acquirer's share of the assets on dissolution",
            )?;
            match any3(profits, assets) {
                Some(false) => {
                    return Ok((
                        Status::Clear,
                        None,
                        "What is acquired: non-corporate interests without control (less than 50% of the profits and of the assets on dissolution), so no notification is required.".to_string(),
                    ));
                }
                None => {
                    ev.step("What is acquired: non-corporate interests, reportable only if the acquirer gains control.".to_string());
                    let mut unknown = Vec::new();
                    if profits.is_none() {
                        unknown.push("/transaction/economic_pct_after".to_string());
                    }
                    if assets.is_none() {
                        unknown.push("/transaction/dissolution_assets_pct_after".to_string());
                    }
                    return Err(Stop::Missing(unknown));
                }
                Some(true) => ev.step(
                    "What is acquired: non-corporate interests conferring control, which is reportable (801.50).".to_string(),
                ),
            }
        } else if voting {
            ev.step("What is acquired: voting securities.".to_string());
        } else {
            ev.step("What is acquired: assets.".to_string());
        }

        // (b) Size of transaction, with prior holdings.
        let value = t
            .value_usd
            .ok_or_else(|| missing("/transaction/value_usd"))?;
        let mut held_label = "the value of the transaction";
        let mut held_value = value;
        let mut lower_bound = false;
        if instrument != Instrument::Assets {
            match t.prior_holdings_value_usd {
                Some(0.0) => {
                    ev.step("The acquirer holds none of the target already (prior holdings of $0), so nothing is aggregated.".to_string());
                }
                Some(prior) => {
                    held_value = value + prior;
                    held_label = "the value held as a result";
                    ev.step(format!(
                        "Prior holdings of {} are aggregated with this acquisition of {} (16 CFR 801.13): the value held as a result is {}.",
                        format::usd(prior),
                        format::usd(value),
                        format::usd(held_value)
                    ));
                }
                None if t.voting_pct_before == Some(0.0) => {
                    ev.step("The acquirer held none of the target's voting securities before, so nothing is aggregated.".to_string());
                }
                None => {
                    lower_bound = true;
                    ev.step("Prior holdings of the target are not given, so the value of this acquisition alone is a lower bound (16 CFR 801.13).".to_string());
                }
            }
        }
        let sot = ev.compare(
            held_label,
            held_value,
            Operator::Gt,
            SOT,
            "size-of-transaction threshold",
            "usd",
            &p.sot,
        )?;
        ev.step(format!("Size of transaction: {}.", sot.text));
        if !sot.holds {
            if lower_bound {
                return Err(missing("/transaction/prior_holdings_value_usd"));
            }
            return Ok((
                Status::Clear,
                None,
                "The size-of-transaction test is not met, so no notification is required."
                    .to_string(),
            ));
        }

        // (c) Size of person, unless the value exceeds the $200M-as-adjusted figure.
        let big = ev.compare(
            held_label,
            held_value,
            Operator::Gt,
            REGARDLESS,
            "size-of-transaction figure above which filing is required whatever the size of person",
            "usd",
            &p.regardless,
        )?;
        if big.holds {
            ev.step(format!(
                "Size of person: {}, so notification is required whatever the size of the parties.",
                big.text
            ));
        } else {
            ev.step(format!(
                "Size of person: {}, so the size-of-person test applies.",
                big.text
            ));
            let (met, text, mut unknown) = size_of_person(deal, p, ev)?;
            if met.is_none() {
                ev.step(text.to_string());
                if lower_bound {
                    unknown.push("/transaction/prior_holdings_value_usd".to_string());
                }
                if !unknown.is_empty() {
                    return Err(Stop::Missing(unknown));
                }
            }
            ev.step(text.to_string());
            if met == Some(false) {
                if lower_bound {
                    return Err(missing("/transaction/prior_holdings_value_usd"));
                }
                return Ok((
                    Status::Clear,
                    None,
                    "No notification is required.".to_string(),
                ));
            }
        }

        // (d) The investment-only exemption, for voting securities.
        if voting {
            let after = t
                .voting_pct_after
                .ok_or_else(|| missing("/transaction/voting_pct_after"))?;
            let small = ev.compare(
                "the voting securities held after the acquisition",
                after,
                Operator::Le,
                INVESTMENT_ONLY,
                "investment-only exemption ceiling",
                "pct",
                &p.investment_only,
            )?;
            let g = deal.governance.as_ref();
            if small.holds {
                let passive = g
                    .and_then(|g| g.passive_investment_intent)
                    .ok_or_else(|| missing("/governance/passive_investment_intent"))?;
                if passive {
                    let seats = g
                        .and_then(|g| g.board_seats)
                        .ok_or_else(|| missing("/governance/board_seats"))?;
                    if seats > 0 {
                        ev.step(format!(
                            "Investment-only exemption: the stake of {} is within 10% and passive intent is stated, but the right to appoint {} director(s) defeats the exemption.",
                            format::pct(small.value),
                            format::number(f64::from(seats))
                        ));
                    } else {
                        return Ok((
                            Status::Clear,
                            None,
                            format!(
                                "Investment-only exemption: the acquirer will hold {} of the voting securities with passive intent and no director, so the acquisition is exempt (802.9).",
                                format::pct(small.value)
                            ),
                        ));
                    }
                } else {
                    ev.step(format!(
                        "Investment-only exemption: the stake of {} is within 10%, but no passive intent is stated.",
                        format::pct(small.value)
                    ));
                }
            } else {
                ev.step(format!(
                    "Investment-only exemption: not available, the acquirer will hold {} of the voting securities.",
                    format::pct(small.value)
                ));
            }
        }

        let (wait, _) = p.waiting.as_ref().map_err(|e| Stop::Gap(e.clone()))?;
        let fee = self.filing_fee(deal, as_of, held_value)?;
        let caveat = match deal.target.country.as_deref() {
            Some(c) if c != "US" => format!(
                " The target's ultimate parent is in {c}: the foreign-issuer exemptions were not evaluated."
            ),
            _ => String::new(),
        };
        Ok((
            Status::Triggered,
            None,
            format!(
                "Notification is required: both parties file and may not close until the {}-day waiting period ends. {fee}{caveat}",
                format::number(*wait)
            ),
        ))
    }

    /// The fee under the schedule in force on the filing date (else the as-of date).
    fn filing_fee(&self, deal: &Deal, as_of: Date, held: f64) -> Result<String, Stop> {
        let filing = deal.dates.as_ref().and_then(|d| d.filing);
        let on = filing.unwrap_or(as_of);
        let r = self
            .params
            .resolve("us.hsr.filing_fee_usd", on)
            .map_err(|e| Stop::Gap(e.to_string()))?;
        let Some(ParamValue::Scale(brackets)) = r.row.value.as_ref() else {
            return Err(Stop::Gap("the fee table is not a scale".to_string()));
        };
        let (tier, b, _) = bracket_for(brackets, held)
            .ok_or_else(|| Stop::Gap("below every bracket".to_string()))?;
        let basis = if filing.is_none() {
            format!("applied on the screening date {on} because no filing date is given")
        } else {
            format!("applied on the filing date {on}")
        };
        Ok(format!(
            "Filing fee: {}, tier {tier} of {} of the fee schedule in force from {} ({basis}).",
            format::usd(b.value),
            brackets.len(),
            r.row.from
        ))
    }
}

/// §7A(a)(2)(B): (met, text, unknown pointers).
fn size_of_person(
    deal: &Deal,
    p: &HsrParams,
    ev: &mut Eval,
) -> Result<(Option<bool>, &'static str, Vec<String>), Stop> {
    let test = |ev: &mut Eval, v: Option<f64>, label: &str, name: &'static str, th: &Th| match v {
        Some(v) => ev
            .compare(
                label,
                v,
                Operator::Ge,
                name,
                "size-of-person figure",
                "usd",
                th,
            )
            .map(|c| Some(c.holds)),
        None => Ok(None),
    };
    let (a, t) = (&deal.acquirer, &deal.target);
    let acquirer_large = any3(
        test(
            ev,
            a.annual_net_sales_usd,
            "the acquirer's annual net sales",
            SOP_LARGER,
            &p.larger,
        )?,
        test(
            ev,
            a.total_assets_usd,
            "the acquirer's total assets",
            SOP_LARGER,
            &p.larger,
        )?,
    );
    let acquirer_small = any3(
        test(
            ev,
            a.annual_net_sales_usd,
            "the acquirer's annual net sales",
            SOP_SMALLER,
            &p.smaller,
        )?,
        test(
            ev,
            a.total_assets_usd,
            "the acquirer's total assets",
            SOP_SMALLER,
            &p.smaller,
        )?,
    );
    let target_large = any3(
        test(
            ev,
            t.annual_net_sales_usd,
            "the target's annual net sales",
            SOP_LARGER,
            &p.larger,
        )?,
        test(
            ev,
            t.total_assets_usd,
            "the target's total assets",
            SOP_LARGER,
            &p.larger,
        )?,
    );
    let target_assets_small = test(
        ev,
        t.total_assets_usd,
        "the target's total assets",
        SOP_SMALLER,
        &p.smaller,
    )?;
    let manufacturing = t.engaged_in_manufacturing;
    let target_small = match manufacturing {
        Some(true) => any3(
            test(
                ev,
                t.annual_net_sales_usd,
                "the target's annual net sales",
                SOP_SMALLER,
                &p.smaller,
            )?,
            target_assets_small,
        ),
        Some(false) => target_assets_small,
        None => {
            let as_mfg = any3(
                test(
                    ev,
                    t.annual_net_sales_usd,
                    "the target's annual net sales",
                    SOP_SMALLER,
                    &p.smaller,
                )?,
                target_assets_small,
            );
            if as_mfg == target_assets_small {
                target_assets_small
            } else {
                None
            }
        }
    };
    let clause_i_ii = all3(target_small, acquirer_large);
    let clause_iii = all3(target_large, acquirer_small);
    let met = any3(clause_i_ii, clause_iii);
    let text = match met {
        Some(true) if clause_iii == Some(true) => {
            "The size-of-person test is met under §7A(a)(2)(B)(iii)."
        }
        Some(true) => match manufacturing {
            Some(true) => "The size-of-person test is met under §7A(a)(2)(B)(i).",
            Some(false) => "The size-of-person test is met under §7A(a)(2)(B)(ii).",
            None => "The size-of-person test is met under §7A(a)(2)(B)(i) or (ii).",
        },
        Some(false) => "The size-of-person test is not met.",
        None => "The size-of-person test cannot be decided from the facts given.",
    };
    let mut unknown = Vec::new();
    if met.is_none() {
        for (pointer, known) in [
            (
                "/acquirer/annual_net_sales_usd",
                a.annual_net_sales_usd.is_some(),
            ),
            ("/acquirer/total_assets_usd", a.total_assets_usd.is_some()),
            (
                "/target/annual_net_sales_usd",
                t.annual_net_sales_usd.is_some(),
            ),
            ("/target/total_assets_usd", t.total_assets_usd.is_some()),
            (
                "/target/engaged_in_manufacturing",
                t.engaged_in_manufacturing.is_some(),
            ),
        ] {
            if !known {
                unknown.push(pointer.to_string());
            }
        }
    }
    Ok((met, text, unknown))
}

// ---------------------------------------------------------------------------------------
// us.guidelines.hhi_presumption
// ---------------------------------------------------------------------------------------

const MG_DELTA: &str = "us.antitrust.mg2023_delta_hhi";
const MG_SHARE: &str = "us.antitrust.mg2023_combined_share_pct";
const MG_HIGH: &str = "us.antitrust.mg2023_highly_concentrated_hhi";

/// Merger Guidelines figures in force on the deal's date.
struct MgParams {
    delta: Th,
    share: Th,
    high: Th,
    unc_2010: Th,
    high_2010: Th,
    d_low_2010: Th,
    d_high_2010: Th,
}

const NON_US_PREFIXES: [&str; 28] = [
    "UK ",
    "U.K. ",
    "United Kingdom ",
    "British ",
    "Great Britain ",
    "EU ",
    "E.U. ",
    "EEA ",
    "European ",
    "Europe ",
    "German ",
    "Germany ",
    "France ",
    "Italy ",
    "Spain ",
    "Netherlands ",
    "Switzerland ",
    "Sweden ",
    "Ireland ",
    "Canada ",
    "Mexico ",
    "Brazil ",
    "Japan ",
    "Japanese ",
    "Korea ",
    "Singapore ",
    "Australia ",
    "Australian ",
];

fn non_us_geography(name: &str) -> Option<&'static str> {
    NON_US_PREFIXES
        .iter()
        .find(|p| name.starts_with(*p))
        .map(|p| p.trim_end())
}

/// Whether the deal is a minority stake: true, false or unknown.
fn minority(deal: &Deal) -> Option<bool> {
    let t = &deal.transaction;
    if let Some(v) = t.voting_pct_after {
        return Some(v < 50.0);
    }
    if t.kind == Some(TransactionKind::MinorityInvestment) {
        return Some(true);
    }
    if t.economic_pct_after.is_some_and(|e| e < 50.0) {
        return Some(true);
    }
    if let Some(
        TransactionKind::Merger | TransactionKind::Acquisition | TransactionKind::AssetPurchase,
    ) = t.kind
    {
        return Some(false);
    }
    if t.economic_pct_after.is_some_and(|e| e >= 50.0) {
        return Some(false);
    }
    None
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The result of one horizontal market.
enum Market {
    Met,
    Clear,
    NoOverlap,
    Undecided(String),
}

impl Native<'_> {
    fn mg_params(&self, on: Date) -> MgParams {
        let p = self.params;
        MgParams {
            delta: threshold(p, MG_DELTA, on),
            share: threshold(p, MG_SHARE, on),
            high: threshold(p, MG_HIGH, on),
            unc_2010: threshold(p, "us.antitrust.mg2010_unconcentrated_hhi", on),
            high_2010: threshold(p, "us.antitrust.mg2010_highly_concentrated_hhi", on),
            d_low_2010: threshold(p, "us.antitrust.mg2010_concern_delta_hhi", on),
            d_high_2010: threshold(p, "us.antitrust.mg2010_presumption_delta_hhi", on),
        }
    }

    fn hhi_presumption(&self, deal: &Deal, as_of: Date) -> NativeFinding {
        if let Some(f) = self.not_in_force(HHI, as_of) {
            return f;
        }
        let p = self.mg_params(as_of);
        let mut ev = Eval::default();
        let result = hhi_eval(deal, as_of, &p, &mut ev);
        ev.finish(result, Severity::High)
    }
}

fn hhi_eval(
    deal: &Deal,
    as_of: Date,
    p: &MgParams,
    ev: &mut Eval,
) -> Result<(Status, Option<Severity>, String), Stop> {
    if as_of >= Date::from_ymd(2026, 1, 1).unwrap_or(as_of) {
        ev.step("Status: the 2023 Merger Guidelines remain in effect per the FTC/DOJ announcement of 2025-02-18.".to_string());
    }
    let Some(markets) = deal.markets.as_ref() else {
        ev.step("The markets are not given.".to_string());
        return Err(missing("/markets"));
    };
    let minority = minority(deal);
    let mut met = Vec::new();
    let mut cleared = Vec::new();
    let mut unknown = Vec::new();
    let mut reasons = Vec::new();
    let mut outside = Vec::new();
    let mut skip = vec![false; markets.len()];
    let mut horizontal = 0;
    let mut computed = 0;

    for (i, m) in markets.iter().enumerate() {
        if let Some(name) = m.name.as_deref()
            && non_us_geography(name).is_some()
        {
            outside.push(name.to_string());
            skip[i] = true;
        }
    }
    if !outside.is_empty() {
        if outside.len() == markets.len() {
            ev.step(format!(
                "The markets listed are {}: the presumption needs each horizontal US market.",
                join_and(&outside)
            ));
            return Err(Stop::Insufficient(
                "Cannot be decided: no US market is given.".to_string(),
                vec!["/markets".to_string()],
            ));
        }
        ev.step(format!(
            "{} outside the US Guidelines, which concern US commerce.",
            join_and(&outside)
        ));
    }

    for (i, m) in markets.iter().enumerate() {
        if skip[i] {
            continue;
        }
        let name = m
            .name
            .clone()
            .unwrap_or_else(|| format!("market {}", i + 1));
        let Some(relation) = m.relation else {
            unknown.push(format!("/markets/{i}/relation"));
            reasons.push(format!("whether {name} is horizontal is not given"));
            continue;
        };
        if relation != MarketRelation::Horizontal {
            continue;
        }
        horizontal += 1;
        let Some(shares) = m.shares_pct.as_ref() else {
            ev.step(format!(
                "{name} is horizontal, but its shares are not given."
            ));
            unknown.push(format!("/markets/{i}/shares_pct"));
            reasons.push(format!("the shares in {name} are not given"));
            continue;
        };
        let out = test_market(deal, &name, shares, p, ev)?;
        if !matches!(out, Market::NoOverlap) {
            computed += 1;
        }
        match out {
            Market::Met => met.push(name),
            Market::Clear | Market::NoOverlap => cleared.push(name),
            Market::Undecided(why) => {
                unknown.push(format!("/markets/{i}/shares_pct"));
                reasons.push(why);
            }
        }
    }

    if horizontal == 0 && unknown.is_empty() {
        return Ok((
            Status::Clear,
            None,
            "No market given is horizontal, so the horizontal structural presumption does not arise.".to_string(),
        ));
    }
    if minority == Some(true) && computed > 0 {
        ev.step("The deal is a minority stake: the HHIs above are computed as if the firms combined fully.".to_string());
    }
    if !met.is_empty() {
        let where_ = join_and(&met);
        if minority == Some(true) {
            return Ok((
                Status::Triggered,
                Some(Severity::Medium),
                format!(
                    "The structural presumption would be met in {where_} if the firms combined fully; as the deal is a minority stake, reported at medium severity."
                ),
            ));
        }
        return Ok((
            Status::Triggered,
            None,
            format!(
                "The 2023 Merger Guidelines' structural presumption (Guideline 1) is met in {where_}."
            ),
        ));
    }
    if !unknown.is_empty() {
        return Err(Stop::Insufficient(
            format!("Cannot be decided: {}.", reasons.join("; ")),
            unknown,
        ));
    }
    Ok((
        Status::Clear,
        None,
        format!(
            "The 2023 Merger Guidelines' structural presumption is not met in {}.",
            join_and(&cleared)
        ),
    ))
}

/// One horizontal market: the HHI arithmetic and the three Guideline 1 comparisons.
fn test_market(
    deal: &Deal,
    name: &str,
    shares: &BTreeMap<String, f64>,
    p: &MgParams,
    ev: &mut Eval,
) -> Result<Market, Stop> {
    let a = shares.get("acquirer").copied().unwrap_or(0.0);
    let t = shares.get("target").copied().unwrap_or(0.0);
    if a == 0.0 || t == 0.0 {
        let absent = if a == 0.0 {
            &deal.acquirer.name
        } else {
            &deal.target.name
        };
        ev.step(format!(
            "{name}: {absent} has no share, so the deal combines no shares there (ΔHHI = 0)."
        ));
        return Ok(Market::NoOverlap);
    }
    // The other participants, largest share first (ties in key order, as the script does).
    let mut others: Vec<(&str, f64)> = shares
        .iter()
        .filter(|(k, s)| k.as_str() != "acquirer" && k.as_str() != "target" && **s > 0.0)
        .map(|(k, s)| (k.as_str(), *s))
        .collect();
    others.sort_by(|x, y| y.1.total_cmp(&x.1));
    let mut total = a + t;
    let mut rest = 0.0;
    let mut listed = Vec::with_capacity(others.len() + 2);
    listed.push(format!("{} {}", deal.acquirer.name, format::pct(a)));
    listed.push(format!("{} {}", deal.target.name, format::pct(t)));
    for (k, s) in &others {
        listed.push(format!("{k} {}", format::pct(*s)));
        total += s;
        rest += s * s;
    }
    let pre = a * a + t * t + rest;
    let delta = 2.0 * a * t;
    let post = pre + delta;
    let mut fringe = 100.0 - total;
    if fringe < 0.005 {
        fringe = 0.0;
    }
    let bound = if fringe > 0.0 { " (lower bound)" } else { "" };
    ev.step(format!(
        "{name} (horizontal; shares listed: {}): pre-merger HHI = {}{bound}; post-merger HHI = {}{bound}; ΔHHI = 2 × {} × {} = {}; combined share {}.",
        join_and(&listed),
        format::number(pre),
        format::number(post),
        format::number(a),
        format::number(t),
        format::number(delta),
        format::pct(a + t)
    ));
    if fringe > 0.0 {
        ev.step(format!(
            "The shares listed sum to {}: the other {} is an unknown fringe, so both HHIs are lower bounds.",
            format::pct(total),
            format::pct(fringe)
        ));
    }
    let c_delta = ev.compare(
        &format!("ΔHHI in {name}"),
        delta,
        Operator::Gt,
        MG_DELTA,
        "2023 Merger Guidelines ΔHHI threshold",
        "hhi",
        &p.delta,
    )?;
    let c_share = ev.compare(
        &format!("the combined share in {name}"),
        a + t,
        Operator::Gt,
        MG_SHARE,
        "2023 Merger Guidelines merged-firm share threshold",
        "pct",
        &p.share,
    )?;
    let c_post = ev.compare(
        &format!("post-merger HHI in {name}"),
        post,
        Operator::Gt,
        MG_HIGH,
        "2023 Merger Guidelines highly-concentrated HHI threshold",
        "hhi",
        &p.high,
    )?;
    let figures = format!(
        "2023 Merger Guidelines figures in force from {}",
        c_delta.from
    );
    let outcome = if !c_delta.holds {
        ev.step(format!(
            "{figures}: ΔHHI of {} is not above {}, so neither branch of the presumption applies in {name}.",
            format::number(delta),
            format::number(c_delta.threshold)
        ));
        Market::Clear
    } else if c_post.holds || c_share.holds {
        ev.step(format!(
            "{figures}: ΔHHI of {} is above {}; post-merger HHI of {} against {}; combined share {} against {}: the presumption is met in {name}.",
            format::number(delta),
            format::number(c_delta.threshold),
            format::number(post),
            format::number(c_post.threshold),
            format::pct(c_share.value),
            format::pct(c_share.threshold)
        ));
        Market::Met
    } else if fringe > 0.0 && post + fringe * fringe > c_post.threshold {
        let why = format!(
            "post-merger HHI in {name} exceeds {} if the unlisted firms' squared shares sum to more than {}",
            format::number(c_post.threshold),
            format::number(c_post.threshold - post)
        );
        ev.step(format!(
            "{figures}: whether the presumption is met depends on the shares of the other participants in {name}."
        ));
        Market::Undecided(why)
    } else {
        ev.step(format!(
            "{figures}: ΔHHI of {} is above {}, but post-merger HHI of {} and the combined share of {} are not above the figures, so the presumption is not met in {name}.",
            format::number(delta),
            format::number(c_delta.threshold),
            format::number(post),
            format::pct(a + t)
        ));
        Market::Clear
    };
    explain_2010(name, post, delta, fringe, p, ev)?;
    Ok(outcome)
}

/// The 2010 Horizontal Merger Guidelines band, for comparison.
fn explain_2010(
    name: &str,
    post: f64,
    delta: f64,
    fringe: f64,
    p: &MgParams,
    ev: &mut Eval,
) -> Result<(), Stop> {
    let get = |th: &Th| {
        th.as_ref()
            .map(|(v, _)| *v)
            .map_err(|e| Stop::Gap(e.clone()))
    };
    let unc = get(&p.unc_2010)?;
    let high = get(&p.high_2010)?;
    let d_low = get(&p.d_low_2010)?;
    let d_high = get(&p.d_high_2010)?;
    let band = if post > high {
        format!("highly concentrated (above {})", format::number(high))
    } else if post >= unc {
        format!(
            "moderately concentrated ({} to {})",
            format::number(unc),
            format::number(high)
        )
    } else {
        format!("unconcentrated (below {})", format::number(unc))
    };
    let verdict = if delta < d_low {
        format!(
            "a change below {} is unlikely to raise concern",
            format::number(d_low)
        )
    } else if post > high && delta > d_high {
        format!(
            "a change above {} in a highly concentrated market is presumed likely to enhance market power",
            format::number(d_high)
        )
    } else if post > high || post >= unc {
        "the change potentially raises significant competitive concerns".to_string()
    } else {
        "unconcentrated markets are unlikely to have adverse competitive effects".to_string()
    };
    let lower = if fringe > 0.0 {
        " on the lower-bound HHI"
    } else {
        ""
    };
    ev.step(format!(
        "For comparison, the 2010 Horizontal Merger Guidelines figures would class {name} as {band}{lower}, with ΔHHI {}: {verdict}.",
        format::number(delta)
    ));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// us.eo14110.model_reporting
// ---------------------------------------------------------------------------------------

const AI_GENERAL: &str = "us.ai.model_training_ops";
const AI_BIO: &str = "us.ai.bio_model_training_ops";

impl Native<'_> {
    fn model_reporting(&self, deal: &Deal, as_of: Date) -> NativeFinding {
        if let Some(f) = self.not_in_force(AI, as_of) {
            return f;
        }
        let p = self.params;
        let general = threshold(p, AI_GENERAL, as_of);
        let bio = threshold(p, AI_BIO, as_of);
        let bis_on = Date::from_ymd(2024, 9, 11).unwrap_or(as_of);
        let bis = threshold(p, "us.ai.bis_proposed_training_ops", bis_on);
        let mut ev = Eval::default();
        let result = model_eval(deal, as_of, bis_on, &general, &bio, &bis, &mut ev);
        ev.finish(result, Severity::High)
    }
}

fn model_eval(
    deal: &Deal,
    as_of: Date,
    bis_on: Date,
    general_th: &Th,
    bio_th: &Th,
    bis_th: &Th,
    ev: &mut Eval,
) -> Result<(Status, Option<Severity>, String), Stop> {
    let gap = |th: &Th| {
        th.as_ref()
            .map(|(v, _)| *v)
            .map_err(|e| Stop::Gap(e.clone()))
    };
    let general_figure = gap(general_th)?;
    let bio_figure = gap(bio_th)?;
    let aftermath = || -> Result<String, Stop> {
        let bis = gap(bis_th)?;
        let when = if as_of < bis_on {
            "later proposed"
        } else {
            "proposed"
        };
        Ok(format!(
            "BIS {when}, on 2024-09-11, a rule requiring quarterly notices of training runs above {} operations; the order was revoked by EO 14148 on 2025-01-20.",
            format::ops(bis)
        ))
    };
    let Some(ops) = deal.ai.as_ref().and_then(|a| a.training_compute_ops) else {
        let after = aftermath()?;
        return Err(Stop::Insufficient(
            format!(
                "The deal does not give the operations used to train the target's largest model: above {} operations the general figure is exceeded, above {} the biological-sequence figure. {after}",
                format::ops(general_figure),
                format::ops(bio_figure)
            ),
            vec!["/ai/training_compute_ops".to_string()],
        ));
    };
    let general = ev.compare(
        "the training compute",
        ops,
        Operator::Gt,
        AI_GENERAL,
        "general reporting figure of EO 14110 §4.2(b)(i)",
        "ops",
        general_th,
    )?;
    let used = format::ops(general.value);
    if general.holds {
        ev.step(format!("Training compute: {}.", general.text));
        let after = aftermath()?;
        return Ok((
            Status::Triggered,
            None,
            format!(
                "The training run of {used} operations exceeds the order's interim reporting figure of {}. {after}",
                format::ops(general_figure)
            ),
        ));
    }
    ev.step(format!(
        "Training compute: {}, so the general figure is not exceeded.",
        general.text
    ));
    let bio = ev.compare(
        "the training compute",
        ops,
        Operator::Gt,
        AI_BIO,
        "biological-sequence reporting figure of EO 14110 §4.2(b)(i)",
        "ops",
        bio_th,
    )?;
    ev.step(format!(
        "For models trained using primarily biological sequence data: {}.",
        bio.text
    ));
    if !bio.holds {
        let after = aftermath()?;
        return Ok((
            Status::Clear,
            None,
            format!(
                "The training run of {used} operations exceeds neither of the order's interim figures ({} for any model, {} for biological sequence data). {after}",
                format::ops(general_figure),
                format::ops(bio_figure)
            ),
        ));
    }
    let after = aftermath()?;
    match deal.ai.as_ref().and_then(|a| a.biological_sequence_data) {
        None => Err(Stop::Insufficient(
            format!(
                "Between {} and {} operations the answer turns on whether the model was trained using primarily biological sequence data. {after}",
                format::ops(bio_figure),
                format::ops(general_figure)
            ),
            vec!["/ai/biological_sequence_data".to_string()],
        )),
        Some(true) => Ok((
            Status::Triggered,
            None,
            format!(
                "The model was trained using primarily biological sequence data and its training run of {used} operations exceeds the figure of {}. {after}",
                format::ops(bio_figure)
            ),
        )),
        Some(false) => Ok((
            Status::Clear,
            None,
            format!(
                "The model was not trained using primarily biological sequence data, and the training run of {used} operations does not exceed {}. {after}",
                format::ops(general_figure)
            ),
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures, packs and the agreement check
// ---------------------------------------------------------------------------------------

fn fixtures() -> Vec<(String, ParsedDeal)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/deals");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let deal = ParsedDeal::from_slice(&std::fs::read(p).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            (name, deal)
        })
        .collect()
}

/// The shipped pack cut down to the three rules, their libraries and parameter tables.
fn three_rule_files() -> Vec<SourceFile> {
    let keep = |path: &str| {
        matches!(
            path,
            "us/hsr/filing.rhai"
                | "us/hsr/lib/hsr.rhai"
                | "us/antitrust/hhi_presumption.rhai"
                | "us/antitrust/lib/antitrust.rhai"
                | "us/ai/model_reporting.rhai"
        ) || (path.ends_with(".params.toml")
            && (path.starts_with("us/hsr/")
                || path.starts_with("us/antitrust/")
                || path.starts_with("us/ai/")))
    };
    dealscreen::pack::embedded_files()
        .into_iter()
        .filter(|f| keep(&f.path))
        .collect()
}

fn only(id: &str) -> ScreenOptions {
    ScreenOptions {
        only_rule: Some(id.to_string()),
        ..ScreenOptions::default()
    }
}

/// Panics unless native and Rhai agree for every fixture and each of the three rules.
fn check_agreement(
    native: &Native,
    full: &RuleSet,
    three: &RuleSet,
    deals: &[(String, ParsedDeal)],
) {
    let mut checked = 0;
    for (name, deal) in deals {
        let Some(ours) = native.screen(deal) else {
            assert!(
                three.screen(deal, &ScreenOptions::default()).is_err(),
                "{name}: native found no date but Rhai screened it"
            );
            continue;
        };
        let report = three.screen(deal, &ScreenOptions::default()).unwrap();
        for (id, mine) in RULES.iter().zip(ours.iter()) {
            let theirs: &Finding = report
                .findings
                .iter()
                .find(|f| f.rule == *id)
                .unwrap_or_else(|| panic!("{name}: no {id} finding from the three-rule pack"));
            let alone = full.screen(deal, &only(id)).unwrap();
            assert_eq!(
                alone.findings.len(),
                1,
                "{name}: only_rule {id} gave {} findings",
                alone.findings.len()
            );
            assert_eq!(
                alone.findings[0].status, theirs.status,
                "{name} {id}: full pack (only_rule) and three-rule pack disagree"
            );
            let rhai_cmps: Vec<(&str, f64, f64, bool)> = theirs
                .comparisons
                .iter()
                .map(|c| {
                    (
                        c.parameter.name.as_str(),
                        c.fact.value,
                        c.parameter.value,
                        c.outcome,
                    )
                })
                .collect();
            let native_cmps: Vec<(&str, f64, f64, bool)> = mine
                .comparisons
                .iter()
                .map(|c| (c.param, c.value, c.threshold, c.holds))
                .collect();
            let same = mine.status == theirs.status
                && mine.severity == theirs.severity
                && mine.missing == theirs.missing
                && native_cmps == rhai_cmps;
            if !same {
                panic!(
                    "native and Rhai disagree on {id} for fixture {name}:\n  native: {:?} {:?} missing {:?}\n          {:?}\n          {}\n  rhai:   {:?} {:?} missing {:?}\n          {:?}\n          {}",
                    mine.status,
                    mine.severity,
                    mine.missing,
                    native_cmps,
                    mine.explanation,
                    theirs.status,
                    theirs.severity,
                    theirs.missing,
                    rhai_cmps,
                    theirs.explanation
                );
            }
            checked += 1;
        }
    }
    eprintln!(
        "native_baseline: native and Rhai agree on status, severity, missing facts and comparisons for {checked} findings ({} deals × 3 rules)",
        deals.len()
    );
}

// ---------------------------------------------------------------------------------------
// Per-deal ratio table (Instant timing, per fixture) and the criterion groups
// ---------------------------------------------------------------------------------------

/// Best per-iteration time of `f` over `rounds` batches of `batch` calls.
fn best_of(rounds: usize, batch: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            start.elapsed() / batch as u32
        })
        .min()
        .unwrap_or_default()
}

fn ratio_table(native: &Native, three: &RuleSet, deals: &[(String, ParsedDeal)]) {
    let options = ScreenOptions::default();
    let mut rows: Vec<(&str, f64, f64)> = Vec::new();
    for (name, deal) in deals {
        let n = best_of(7, 30, || {
            black_box(native.screen(black_box(deal)));
        });
        let r = best_of(7, 30, || {
            let _ = black_box(three.screen(black_box(deal), &options));
        });
        rows.push((name, n.as_secs_f64() * 1e6, r.as_secs_f64() * 1e6));
    }
    let total_native: f64 = rows.iter().map(|r| r.1).sum();
    let total_rhai: f64 = rows.iter().map(|r| r.2).sum();
    let mut ratios: Vec<(f64, &str, f64, f64)> =
        rows.iter().map(|r| (r.2 / r.1, r.0, r.1, r.2)).collect();
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    let q = |f: f64| ratios[((ratios.len() - 1) as f64 * f).round() as usize].0;
    eprintln!(
        "native_baseline: per deal, three rules (best of 7×30 per fixture, {} fixtures):",
        rows.len()
    );
    eprintln!(
        "  native mean {:.2} µs, Rhai (three-rule pack) mean {:.2} µs, ratio of means {:.1}×",
        total_native / rows.len() as f64,
        total_rhai / rows.len() as f64,
        total_rhai / total_native
    );
    eprintln!(
        "  per-deal ratio Rhai/native: min {:.1}×, p10 {:.1}×, median {:.1}×, p90 {:.1}×, max {:.1}×",
        q(0.0),
        q(0.1),
        q(0.5),
        q(0.9),
        q(1.0)
    );
    for (ratio, name, n, r) in ratios.iter().rev().take(3) {
        eprintln!("  highest: {ratio:.1}× {name} (native {n:.2} µs, Rhai {r:.2} µs)");
    }
    for (ratio, name, n, r) in ratios.iter().take(2) {
        eprintln!("  lowest:  {ratio:.1}× {name} (native {n:.2} µs, Rhai {r:.2} µs)");
    }
}

fn benches(c: &mut Criterion) {
    let full = RuleSet::load(&dealscreen::pack::embedded_files()).unwrap();
    let three = RuleSet::load(&three_rule_files()).unwrap();
    assert_eq!(
        three.len(),
        3,
        "the three-rule pack holds {} rules",
        three.len()
    );
    let native = Native::new(&full);
    let deals = fixtures();
    check_agreement(&native, &full, &three, &deals);
    if let Some(path) = std::env::var_os("NATIVE_BASELINE_DEALS") {
        // More deals to check agreement on, e.g. a file from `examples/batch_throughput --keep`.
        let text = std::fs::read_to_string(&path).unwrap();
        let extra: Vec<(String, ParsedDeal)> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .filter_map(|(i, l)| {
                ParsedDeal::from_slice(l.as_bytes())
                    .ok()
                    .map(|d| (format!("{}:{}", path.to_string_lossy(), i + 1), d))
            })
            .collect();
        check_agreement(&native, &full, &three, &extra);
    }
    if !std::env::args().any(|a| a == "--test" || a == "--list") {
        ratio_table(&native, &three, &deals);
    }

    let parsed: Vec<&ParsedDeal> = deals.iter().map(|(_, d)| d).collect();
    let options = ScreenOptions::default();
    let mut group = c.benchmark_group("three_rules");
    group.throughput(Throughput::Elements(parsed.len() as u64));
    group.bench_function("native", |b| {
        b.iter(|| {
            parsed
                .iter()
                .filter_map(|d| native.screen(black_box(d)))
                .map(|f| f.iter().map(|x| x.explanation.len()).sum::<usize>())
                .sum::<usize>()
        })
    });
    group.bench_function("rhai_three_rule_pack", |b| {
        b.iter(|| {
            parsed
                .iter()
                .filter_map(|d| three.screen(black_box(d), &options).ok())
                .map(|r| r.findings.len())
                .sum::<usize>()
        })
    });
    let singles: Vec<ScreenOptions> = RULES.iter().map(|id| only(id)).collect();
    group.bench_function("rhai_full_pack_only_rule_x3", |b| {
        b.iter(|| {
            let mut n = 0;
            for d in &parsed {
                for o in &singles {
                    n += full.screen(black_box(d), o).map_or(0, |r| r.findings.len());
                }
            }
            n
        })
    });
    group.finish();

    for (id, o) in RULES.iter().zip(&singles) {
        let mut group = c.benchmark_group(format!("rule/{id}"));
        group.throughput(Throughput::Elements(parsed.len() as u64));
        group.bench_function("native", |b| {
            b.iter(|| {
                parsed
                    .iter()
                    .filter_map(|d| native.rule(id, black_box(d)))
                    .map(|f| f.explanation.len())
                    .sum::<usize>()
            })
        });
        group.bench_function("rhai_only_rule", |b| {
            b.iter(|| {
                parsed
                    .iter()
                    .filter_map(|d| full.screen(black_box(d), o).ok())
                    .map(|r| r.findings.len())
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = native_baseline;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(native_baseline);
