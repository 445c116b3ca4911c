//! `dealscreen screen`: screen deals (one, many, or a JSON Lines stream) and print reports.
//! Large batches are screened in parallel in chunks, written in input order as each chunk
//! completes, so memory stays flat whatever the number of deals.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use dealscreen::memo::Memo;
use dealscreen::{Date, DealError, ParsedDeal, Report, RuleSet, ScreenOptions, Severity, Trace};
use rayon::prelude::*;

use super::inputs::{Input, Inputs};
use super::{Exit, Format, SeverityArg, load_rules, parse_date};

/// Deals screened together before their reports are written.
const CHUNK: usize = 512;

#[derive(Args)]
pub struct ScreenArgs {
    /// Deal files, folders (every *.json inside, recursively), or - for standard input
    #[arg(required = true, value_name = "DEAL")]
    deals: Vec<String>,
    /// Output format (jsonl: one compact report per line, in input order)
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Inputs hold one deal per line (JSON Lines); folders contribute *.jsonl and *.json
    #[arg(long)]
    jsonl: bool,
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
    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Write one memo per deal into DIR (`<deal id>.md` or `.html`) instead of standard
    /// output (with --format markdown or html)
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
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

enum Outcome {
    /// The report, its rendering in the output format (made on the worker thread), and the
    /// trace if one was asked for.
    Screened(Box<Report>, String, Option<Trace>),
    Failed {
        label: String,
        pointer: String,
        message: String,
        diagnostic: String,
    },
}

fn render(
    r: &Report,
    format: Format,
    many: bool,
    rules: &RuleSet,
    deal: &ParsedDeal,
    options: &ScreenOptions,
) -> String {
    match format {
        Format::Json if !many => r.to_json(),
        Format::Json => r.to_json().replace('\n', "\n  "),
        Format::Jsonl => serde_json::to_string(r).unwrap_or_default(),
        Format::Text => r.to_text(),
        Format::Markdown | Format::Html => {
            // The memo's what-if section re-screens the deal; a trace is not wanted twice.
            let plain = ScreenOptions {
                as_of: options.as_of,
                ..ScreenOptions::default()
            };
            let whatif = dealscreen::whatif::analyse(rules, deal, &plain).ok();
            let memo = Memo::new(r, deal, whatif.as_ref());
            if format == Format::Html {
                memo.to_html()
            } else {
                memo.to_markdown()
            }
        }
    }
}

fn screen_one(
    rules: &RuleSet,
    options: &ScreenOptions,
    input: Input,
    format: Format,
    many: bool,
) -> Outcome {
    let failed =
        |label: String, pointer: String, message: String, diagnostic: String| Outcome::Failed {
            label,
            pointer,
            message,
            diagnostic,
        };
    let bytes = match input.bytes {
        Ok(b) => b,
        Err(msg) => {
            return failed(
                input.label,
                String::new(),
                msg.clone(),
                format!("error: {msg}"),
            );
        }
    };
    let deal = match ParsedDeal::from_slice(&bytes) {
        Ok(d) => d,
        Err(err) => {
            let (pointer, message) = (err.pointer.clone(), err.message.clone());
            let diagnostic = format!(
                "{:?}",
                miette::Report::new(BadDeal {
                    label: input.label.clone(),
                    err
                })
            );
            return failed(input.label, pointer, message, diagnostic);
        }
    };
    match rules.screen_traced(&deal, options) {
        Ok((report, trace)) => {
            let text = render(&report, format, many, rules, &deal, options);
            Outcome::Screened(Box::new(report), text, trace)
        }
        Err(e) => {
            let message = e.to_string();
            let diagnostic = format!("{:?}", miette::Report::new(e));
            failed(input.label, String::new(), message, diagnostic)
        }
    }
}

/// Writes reports as they come, in the chosen format.
struct Writer {
    out: std::io::BufWriter<std::io::Stdout>,
    format: Format,
    many: bool,
    written: usize,
    /// `--out-dir`: memos go to files there, named by deal id.
    out_dir: Option<PathBuf>,
    /// File names already written this run, so two deals with one id do not overwrite.
    names: BTreeSet<String>,
}

impl Writer {
    /// Writes a memo to `<dir>/<deal id>.<ext>`; a second deal with the same id gets
    /// `<id>-2.<ext>`, and so on, in input order.
    fn write_file(&mut self, dir: &std::path::Path, id: &str, text: &str) -> std::io::Result<()> {
        let ext = if self.format == Format::Html {
            "html"
        } else {
            "md"
        };
        let mut name = format!("{id}.{ext}");
        let mut n = 1;
        while self.names.contains(&name) {
            n += 1;
            name = format!("{id}-{n}.{ext}");
        }
        let path = dir.join(&name);
        std::fs::write(&path, text)?;
        eprintln!("wrote {}", path.display());
        self.names.insert(name);
        Ok(())
    }

    fn report(&mut self, id: &str, text: &str) -> std::io::Result<()> {
        if let Some(dir) = self.out_dir.clone() {
            self.written += 1;
            return self.write_file(&dir, id, text);
        }
        let first = self.written == 0;
        self.written += 1;
        match self.format {
            Format::Json if !self.many => writeln!(self.out, "{text}"),
            Format::Json => write!(self.out, "{}  {text}", if first { "[\n" } else { ",\n" }),
            Format::Jsonl => writeln!(self.out, "{text}"),
            Format::Text => {
                if !first {
                    write!(self.out, "\n{}\n\n", "=".repeat(92))?;
                }
                write!(self.out, "{text}")
            }
            Format::Markdown => {
                if !first {
                    write!(self.out, "\n---\n\n")?;
                }
                write!(self.out, "{text}")
            }
            Format::Html => write!(self.out, "{text}"),
        }
    }

    fn failure(&mut self, label: &str, pointer: &str, message: &str) -> std::io::Result<()> {
        if self.format == Format::Jsonl {
            let record = serde_json::json!({ "error": { "input": label, "pointer": pointer, "message": message } });
            writeln!(self.out, "{record}")?;
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        if self.format == Format::Json && self.many {
            if self.written == 0 {
                writeln!(self.out, "[]")?;
            } else {
                writeln!(self.out, "\n]")?;
            }
        }
        self.out.flush()
    }
}

#[derive(Default)]
struct Tally {
    screened: usize,
    failed: usize,
    rule_errors: usize,
    by_severity: [usize; 5],
}

impl Tally {
    fn summary(&self) -> String {
        let sev: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .zip(self.by_severity.iter().rev())
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect();
        format!(
            "screened {} deal{}, {} failed; triggered findings: {}; rule errors: {}",
            self.screened,
            if self.screened == 1 { "" } else { "s" },
            self.failed,
            if sev.is_empty() {
                "none".to_string()
            } else {
                sev.join(", ")
            },
            self.rule_errors
        )
    }
}

pub fn run(args: ScreenArgs) -> Exit {
    if let Some(n) = args.threads {
        // Only fails if a pool already exists; then the default pool is used.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
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
    let many = Inputs::many(&args.deals, args.jsonl);
    let memo = matches!(args.format, Format::Markdown | Format::Html);
    if args.out_dir.is_some() && !memo {
        eprintln!(
            "error: --out-dir writes one memo per deal: use it with --format markdown or --format html"
        );
        return Exit::InputInvalid;
    }
    if many && args.format == Format::Html && args.out_dir.is_none() {
        eprintln!(
            "error: one HTML page holds one memo, and several deals were given: add --out-dir DIR to write one memo per deal (`<deal id>.html`)"
        );
        return Exit::InputInvalid;
    }
    if let Some(dir) = &args.out_dir
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: cannot create `{}`: {e}", dir.display());
        return Exit::InputInvalid;
    }
    let mut inputs = Inputs::new(&args.deals, args.jsonl);
    let mut writer = Writer {
        out: std::io::BufWriter::new(std::io::stdout()),
        format: args.format,
        many,
        written: 0,
        out_dir: args.out_dir.clone(),
        names: BTreeSet::new(),
    };
    let progress = (many && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos} deals screened ({per_sec}) {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    let mut exit = Exit::Ok;
    let mut tally = Tally::default();
    loop {
        let chunk: Vec<Input> = inputs.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let outcomes: Vec<Outcome> = chunk
            .into_par_iter()
            .map(|input| screen_one(&rules, &options, input, args.format, many))
            .collect();
        for outcome in outcomes {
            let written = match outcome {
                Outcome::Screened(report, text, trace) => {
                    if let Some(t) = trace {
                        eprintln!("trace of {} for {}:", t.rule, report.deal.id);
                        for (i, e) in t.events.iter().enumerate() {
                            eprintln!("  {:>3}. {e}", i + 1);
                        }
                    }
                    tally.screened += 1;
                    tally.rule_errors += report.summary.counts.error;
                    for f in &report.findings {
                        if let Some(s) = f.severity {
                            tally.by_severity[s as usize] += 1;
                        }
                    }
                    if report.has_errors() {
                        exit = exit.worst(Exit::RuleError);
                    }
                    if fail_on.is_some_and(|level| report.has_finding_at_or_above(level)) {
                        exit = exit.worst(Exit::FindingsAtOrAboveThreshold);
                    }
                    writer.report(&report.deal.id, &text)
                }
                Outcome::Failed {
                    label,
                    pointer,
                    message,
                    diagnostic,
                } => {
                    tally.failed += 1;
                    exit = exit.worst(Exit::InputInvalid);
                    if let Some(bar) = &progress {
                        bar.suspend(|| eprintln!("{diagnostic}"));
                    } else {
                        eprintln!("{diagnostic}");
                    }
                    writer.failure(&label, &pointer, &message)
                }
            };
            if let Err(e) = written {
                // A closed pipe (e.g. `| head`) ends the run quietly, with what was screened.
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return exit;
                }
                eprintln!("error: cannot write the report: {e}");
                return exit.worst(Exit::InputInvalid);
            }
            if let Some(bar) = &progress {
                bar.inc(1);
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Err(e) = writer.finish()
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the report: {e}");
    }
    if many {
        eprintln!("{}", tally.summary());
    }
    exit
}
