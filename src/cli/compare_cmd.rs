//! `dealscreen compare`: several structures of one deal screened with the same pack and
//! compared side by side.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use dealscreen::compare::{Variant, compare};
use dealscreen::{Date, ParsedDeal, Report, ScreenOptions};

use super::inputs::Inputs;
use super::screen_cmd::BadDeal;
use super::{Exit, load_rules, parse_date};

/// Output formats of `compare`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Aligned columns for a terminal.
    Text,
    /// Markdown tables, for review notes and tickets.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// The comparison JSON (`dealscreen/compare@1`).
    Json,
}

#[derive(Args)]
pub struct CompareArgs {
    /// Two or more deal files (a folder adds every *.json inside, sorted; - reads stdin)
    #[arg(required = true, num_args = 1.., value_name = "DEAL")]
    deals: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: CompareFormat,
    /// Screen every variant as of this date (default: each deal's closing, else signing date)
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Rule pack folder (default: the pack built into the binary)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Column labels, one per deal, comma-separated (default: the file stems)
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    labels: Option<Vec<String>>,
}

/// The label a file gets by default: its stem (`a/b/x.json` → `x`).
fn stem(label: &str) -> String {
    if label == "<stdin>" {
        return "stdin".to_string();
    }
    Path::new(label)
        .file_stem()
        .map_or_else(|| label.to_string(), |s| s.to_string_lossy().into_owned())
}

pub fn run(args: CompareArgs) -> Exit {
    let rules = match load_rules(args.rules.as_ref()) {
        Ok(r) => r,
        Err(e) => return e,
    };
    // Every input is read and checked before anything is screened, so one run names every
    // bad variant.
    let mut deals: Vec<(String, ParsedDeal)> = Vec::new();
    let mut bad = false;
    for input in Inputs::new(&args.deals, false) {
        let bytes = match input.bytes {
            Ok(b) => b,
            Err(msg) => {
                eprintln!("error: {msg}");
                bad = true;
                continue;
            }
        };
        match ParsedDeal::from_slice(&bytes) {
            Ok(d) => deals.push((stem(&input.label), d)),
            Err(err) => {
                eprintln!(
                    "{:?}",
                    miette::Report::new(BadDeal {
                        label: input.label,
                        err
                    })
                );
                bad = true;
            }
        }
    }
    if bad {
        return Exit::InputInvalid;
    }
    if let Some(labels) = &args.labels {
        if labels.len() != deals.len() {
            eprintln!(
                "error: --labels gives {} label(s) for {} deal(s): give one label per deal",
                labels.len(),
                deals.len()
            );
            return Exit::InputInvalid;
        }
        for ((label, _), given) in deals.iter_mut().zip(labels) {
            *label = given.trim().to_string();
        }
    }
    let options = ScreenOptions {
        as_of: args.as_of,
        ..ScreenOptions::default()
    };
    let mut reports: Vec<Report> = Vec::new();
    for (_, deal) in &deals {
        match rules.screen(deal, &options) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("{:?}", miette::Report::new(e));
                return Exit::InputInvalid;
            }
        }
    }
    let variants: Vec<Variant<'_>> = deals
        .iter()
        .zip(&reports)
        .map(|((label, deal), report)| Variant {
            label,
            deal,
            report,
        })
        .collect();
    let comparison = match compare(&variants) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::InputInvalid;
        }
    };
    match args.format {
        CompareFormat::Text => out_raw!("{}", comparison.to_text()),
        CompareFormat::Markdown => out_raw!("{}", comparison.to_markdown()),
        CompareFormat::Html => out_raw!("{}", comparison.to_html()),
        CompareFormat::Json => out!("{}", comparison.to_json()),
    }
    if reports.iter().any(Report::has_errors) {
        eprintln!(
            "error: a rule failed for at least one variant: its finding is `error` and the comparison of that rule is not an answer"
        );
        return Exit::RuleError;
    }
    Exit::Ok
}
