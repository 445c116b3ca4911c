//! `dealscreen screen`: screen deals and print reports.

use std::path::PathBuf;

use clap::Args;
use dealscreen::{Date, DealError, ParsedDeal, Report, ScreenOptions, Severity};

use super::inputs::expand;
use super::{Exit, Format, SeverityArg, load_rules, parse_date};

#[derive(Args)]
pub struct ScreenArgs {
    /// Deal files, folders (every *.json inside, recursively), or - for standard input
    #[arg(required = true, value_name = "DEAL")]
    deals: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Screen as of this date (default: the deal's closing date, else its signing date)
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Rule pack folder (default: the pack built into the binary)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<SeverityArg>,
    /// Print, on standard error, the facts, figures and branches one rule went through
    #[arg(long, value_name = "RULE")]
    trace: Option<String>,
}

/// A deal that could not be read, with where it came from.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("`{label}`{}: {}", err.location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default(), err)]
#[diagnostic(
    code(dealscreen::bad_deal),
    help("fix the value at `{}` (see `dealscreen schema deal`); nothing was screened from this input", if err.pointer.is_empty() { "/" } else { err.pointer.as_str() })
)]
struct BadDeal {
    label: String,
    err: DealError,
}

pub fn run(args: ScreenArgs) -> Exit {
    let rules = match load_rules(args.rules.as_ref()) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Some(id) = &args.trace
        && !rules.rules().any(|r| &r.id == id)
    {
        eprintln!("error: no rule `{id}` to trace (see `dealscreen rules list`)");
        return Exit::InputInvalid;
    }
    let options = ScreenOptions {
        as_of: args.as_of,
        trace_rule: args.trace.clone(),
        only_rule: None,
    };
    let fail_on: Option<Severity> = args.fail_on.map(Into::into);
    let mut exit = Exit::Ok;
    let mut reports: Vec<Report> = Vec::new();
    let inputs = expand(&args.deals);
    let many = inputs.len() != 1 || args.deals.iter().any(|d| std::path::Path::new(d).is_dir());
    for input in inputs {
        let bytes = match input.bytes {
            Ok(b) => b,
            Err(msg) => {
                eprintln!("error: {msg}");
                exit = exit.worst(Exit::InputInvalid);
                continue;
            }
        };
        let deal = match ParsedDeal::from_slice(&bytes) {
            Ok(d) => d,
            Err(err) => {
                eprintln!(
                    "{:?}",
                    miette::Report::new(BadDeal {
                        label: input.label,
                        err
                    })
                );
                exit = exit.worst(Exit::InputInvalid);
                continue;
            }
        };
        match rules.screen_traced(&deal, &options) {
            Ok((report, trace)) => {
                if let Some(t) = trace {
                    eprintln!("trace of {} for {}:", t.rule, report.deal.id);
                    for (i, e) in t.events.iter().enumerate() {
                        eprintln!("  {:>3}. {e}", i + 1);
                    }
                }
                if report.has_errors() {
                    exit = exit.worst(Exit::RuleError);
                }
                if fail_on.is_some_and(|level| report.has_finding_at_or_above(level)) {
                    exit = exit.worst(Exit::FindingsAtOrAboveThreshold);
                }
                reports.push(report);
            }
            Err(e) => {
                eprintln!("{:?}", miette::Report::new(e));
                exit = exit.worst(Exit::InputInvalid);
            }
        }
    }
    print_reports(&reports, args.format, many);
    exit
}

/// `many`: more than one input was asked for, so JSON output is an array (even when some
/// inputs failed); a single input gives a single report object.
fn print_reports(reports: &[Report], format: Format, many: bool) {
    match format {
        Format::Json => {
            let text = match reports {
                [one] if !many => one.to_json(),
                [] if !many => return,
                _ => serde_json::to_string_pretty(reports).unwrap_or_default(),
            };
            println!("{text}");
        }
        Format::Text => {
            let texts: Vec<String> = reports.iter().map(Report::to_text).collect();
            print!("{}", texts.join(&format!("\n{}\n\n", "=".repeat(92))));
        }
        Format::Markdown => {
            let texts: Vec<String> = reports.iter().map(Report::to_markdown).collect();
            print!("{}", texts.join("\n---\n\n"));
        }
    }
}
