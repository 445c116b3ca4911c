//! `dealscreen what-if`: headroom of every threshold test and the single changes that would
//! change an answer.

use std::path::PathBuf;

use clap::Args;
use dealscreen::{Date, ParsedDeal, ScreenOptions};

use super::inputs::Inputs;
use super::rules_cmd::ToolFormat;
use super::{Exit, load_rules, parse_date};

#[derive(Args)]
pub struct WhatIfArgs {
    /// The deal file, or - for standard input
    #[arg(value_name = "DEAL")]
    deal: String,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: ToolFormat,
    /// Screen as of this date (default: the deal's closing date, else its signing date)
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Rule pack folder (default: the pack built into the binary)
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

pub fn run(args: WhatIfArgs) -> Exit {
    let rules = match load_rules(args.rules.as_ref()) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let Some(input) = Inputs::new(std::slice::from_ref(&args.deal), false).next() else {
        return Exit::InputInvalid;
    };
    let bytes = match input.bytes {
        Ok(b) => b,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Exit::InputInvalid;
        }
    };
    let deal = match ParsedDeal::from_slice(&bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: `{}`: {e}", input.label);
            return Exit::InputInvalid;
        }
    };
    let options = ScreenOptions {
        as_of: args.as_of,
        ..ScreenOptions::default()
    };
    match dealscreen::whatif::analyse(&rules, &deal, &options) {
        Ok(w) => {
            match args.format {
                ToolFormat::Text => out_raw!("{}", dealscreen::whatif::to_text(&w)),
                ToolFormat::Json => {
                    out!("{}", serde_json::to_string_pretty(&w).unwrap_or_default())
                }
            }
            Exit::Ok
        }
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            Exit::InputInvalid
        }
    }
}
