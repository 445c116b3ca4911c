//! Command-line parsing and dispatch. Each command lives in its own module and returns an
//! [`Exit`] code; nothing here decides anything a library user could not decide too.

/// `println!` that ends the program quietly when standard output is closed (`| head`)
/// instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!($($arg)*), true)
    };
}

/// `print!` with the same closed-pipe handling as [`out!`].
macro_rules! out_raw {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!($($arg)*), false)
    };
}

mod inputs;
mod rules_cmd;
mod schema_cmd;
mod screen_cmd;
mod serve;
mod whatif_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use dealscreen::{Date, LoadError, RuleSet, Severity};

/// Exit codes (`shared/design/screening.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Screened, nothing at or above `--fail-on`.
    Ok = 0,
    /// A finding at or above `--fail-on`.
    FindingsAtOrAboveThreshold = 1,
    /// A rule errored.
    RuleError = 3,
    /// Bad usage or bad input: nothing screened from that input.
    InputInvalid = 2,
}

impl Exit {
    /// The more serious of two outcomes: bad input, then rule errors, then findings.
    pub fn worst(self, other: Exit) -> Exit {
        fn rank(e: Exit) -> u8 {
            match e {
                Exit::Ok => 0,
                Exit::FindingsAtOrAboveThreshold => 1,
                Exit::RuleError => 2,
                Exit::InputInvalid => 3,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

#[derive(Parser)]
#[command(
    name = "dealscreen",
    version,
    about = "Screen deal descriptions for regulatory risk with explained, scripted rules",
    long_about = "Screen deal descriptions (JSON) for US HSR filing, AI compute reporting, concentration, \
foreign-investment and merger-control risk. Every rule answers triggered, clear, insufficient_data, \
not_in_force or error, and says why with the numbers, dated thresholds and citations.\n\n\
Exit codes: 0 screened, nothing at or above --fail-on; 1 a finding at or above --fail-on; \
2 bad usage or bad input; 3 a rule errored."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output formats of `screen`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// The report JSON (`dealscreen/report@1`).
    Json,
    /// The screening memo in Markdown (summary, matrix, regimes, timeline, requests, what-if).
    Markdown,
    /// The screening memo as one self-contained HTML page (one deal; several need --out-dir).
    Html,
    /// One compact report JSON per line, in input order (for pipelines).
    Jsonl,
}

/// A severity on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// info
    Info,
    /// low
    Low,
    /// medium
    Medium,
    /// high
    High,
    /// critical
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Screen deals (files, directories of *.json, or - for stdin) with every rule
    Screen(screen_cmd::ScreenArgs),
    /// Headroom of every threshold test, and the single changes that would change an answer
    #[command(name = "what-if")]
    WhatIf(whatif_cmd::WhatIfArgs),
    /// Rule-pack commands
    Rules {
        #[command(subcommand)]
        command: rules_cmd::RulesCommand,
    },
    /// The dated threshold tables: every period of a parameter, or the values on a date
    Params {
        /// A parameter name, or a prefix such as `us.hsr`
        name: Option<String>,
        /// Show the value in force on this date
        #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
        as_of: Option<Date>,
        /// Rule pack folder (default: the pack built into the binary)
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Print a JSON Schema: of the deal input, or of the report output
    Schema {
        /// Which schema
        #[arg(value_enum)]
        which: schema_cmd::Which,
    },
    /// Serve screening over HTTP (JSON API; see GET /openapi.json)
    Serve(serve::ServeArgs),
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

/// The pack's files from `--rules DIR`, or the embedded ones; prints why a folder cannot be read.
pub fn pack_files(dir: Option<&PathBuf>) -> Result<Vec<dealscreen::SourceFile>, Exit> {
    match dir {
        Some(d) => dealscreen::pack::read_dir(d).map_err(|e| {
            eprintln!("{:?}", miette::Report::new(e));
            Exit::InputInvalid
        }),
        None => Ok(dealscreen::pack::embedded_files()),
    }
}

/// Loads the pack from `--rules DIR`, or the embedded one; prints the problems on failure.
pub fn load_rules(dir: Option<&PathBuf>) -> Result<RuleSet, Exit> {
    load_files(&pack_files(dir)?)
}

/// Loads a pack from files already read; prints load errors, and warns of broken rules.
pub fn load_files(files: &[dealscreen::SourceFile]) -> Result<RuleSet, Exit> {
    let set = RuleSet::load(files).map_err(|e: LoadError| {
        eprintln!("{:?}", miette::Report::new(e));
        Exit::InputInvalid
    })?;
    for p in set.problems() {
        eprintln!(
            "warning: this rule will answer `error` for every deal:\n{:?}",
            miette::Report::new(p.clone())
        );
    }
    Ok(set)
}

/// Writes to standard output; a reader that went away ends the program quietly.
pub fn write_out(args: std::fmt::Arguments<'_>, newline: bool) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
    }
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::InputInvalid as u8
            } else {
                0
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let exit = match cli.command {
        Command::Screen(args) => screen_cmd::run(args),
        Command::WhatIf(args) => whatif_cmd::run(args),
        Command::Rules { command } => rules_cmd::run(command),
        Command::Params { name, as_of, rules } => {
            rules_cmd::params(name.as_deref(), as_of, rules.as_ref())
        }
        Command::Schema { which } => schema_cmd::run(which),
        Command::Serve(args) => serve::run(args),
    };
    ExitCode::from(exit as u8)
}
