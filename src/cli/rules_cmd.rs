//! `dealscreen rules …` and `dealscreen params`: what is in a rule pack, checking it,
//! testing it and documenting it.

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use dealscreen::{Date, RuleSet};

use super::{Exit, load_files, load_rules, pack_files};

/// Output format of the authoring commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ToolFormat {
    /// For people.
    Text,
    /// For editors and CI.
    Json,
}

/// Output format of `rules doc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// Markdown.
    Markdown,
    /// JSON.
    Json,
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// One line per rule: id, severity, in-force window, title
    List {
        /// Rule pack folder (default: the pack built into the binary)
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Report every problem in the pack, with file:line:col (exit 1 if any)
    Check {
        /// Rule pack folder (default: the pack built into the binary)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: ToolFormat,
    },
    /// Run the test cases beside the rules (*.test.toml)
    Test {
        /// Only cases whose file, name or rule contains this
        filter: Option<String>,
        /// Rule pack folder (default: the pack built into the binary)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Folder of fixture deals that cases name with `fixture = "…"`
        #[arg(long, default_value = "fixtures/deals")]
        fixtures: PathBuf,
        /// Also report, per rule, the statuses exercised and the script lines never run;
        /// fail when a rule lacks a triggered, clear, insufficient_data (or, for dated
        /// rules, not_in_force) case
        #[arg(long)]
        coverage: bool,
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: ToolFormat,
    },
    /// The rule catalog: questions, citations, windows, facts read, dated parameters
    Doc {
        /// Rule pack folder (default: the pack built into the binary)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value = "markdown")]
        format: DocFormat,
    },
}

fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => out!("{s}"),
        Err(e) => eprintln!("error: {e}"),
    }
}

pub fn run(cmd: RulesCommand) -> Exit {
    match cmd {
        RulesCommand::List { rules } => list(rules.as_ref()),
        RulesCommand::Check { rules, format } => check(rules.as_ref(), format),
        RulesCommand::Test {
            filter,
            rules,
            fixtures,
            coverage,
            format,
        } => test(
            rules.as_ref(),
            &fixtures,
            filter.as_deref(),
            coverage,
            format,
        ),
        RulesCommand::Doc { rules, format } => doc(rules.as_ref(), format),
    }
}

fn list(dir: Option<&PathBuf>) -> Exit {
    let set = match load_rules(dir) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let width = set.rules().map(|r| r.id.len()).max().unwrap_or(0);
    for r in set.rules() {
        out!(
            "{:<width$}  {:<8}  {:<26}  {}",
            r.id,
            r.severity.as_str(),
            r.window_text(),
            r.title
        );
    }
    Exit::Ok
}

fn check(dir: Option<&PathBuf>, format: ToolFormat) -> Exit {
    let files = match pack_files(dir) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let problems = dealscreen::check::check(&files);
    match format {
        ToolFormat::Json => print_json(&serde_json::json!({ "problems": problems })),
        ToolFormat::Text => {
            for p in &problems {
                eprintln!("{:?}", miette::Report::new(p.clone()));
            }
            if problems.is_empty() {
                let rules = files
                    .iter()
                    .filter(|f| {
                        dealscreen::ruleset::FileKind::of(&f.path)
                            == dealscreen::ruleset::FileKind::Rule
                    })
                    .count();
                out!("ok: {rules} rules checked, no problems");
            } else {
                let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
                files.dedup();
                out!(
                    "{} problem{} in {} file{}",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" },
                    files.len(),
                    if files.len() == 1 { "" } else { "s" }
                );
            }
        }
    }
    if problems.is_empty() {
        Exit::Ok
    } else {
        Exit::FindingsAtOrAboveThreshold
    }
}

fn test(
    dir: Option<&PathBuf>,
    fixtures: &Path,
    filter: Option<&str>,
    coverage: bool,
    format: ToolFormat,
) -> Exit {
    let files = match pack_files(dir) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let loaded = if coverage {
        RuleSet::load_instrumented(&files)
    } else {
        RuleSet::load(&files)
    };
    let set = match loaded {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return Exit::FindingsAtOrAboveThreshold;
        }
    };
    let fixture_dir = fixtures.to_path_buf();
    let load_fixture = move |name: &str| -> Result<Vec<u8>, String> {
        let file = if name.ends_with(".json") {
            name.to_string()
        } else {
            format!("{name}.json")
        };
        let path = fixture_dir.join(&file);
        std::fs::read(&path).map_err(|e| format!("cannot read fixture `{}`: {e}", path.display()))
    };
    let run = dealscreen::ruletest::run(&set, &files, &load_fixture, filter, coverage);
    match format {
        ToolFormat::Json => print_json(&run),
        ToolFormat::Text => {
            for c in run.cases.iter().filter(|c| !c.passed()) {
                out!("FAIL {} {} [{}]", c.location, c.name, c.rule);
                for f in &c.failures {
                    out!("     {f}");
                }
            }
            if coverage {
                out!("coverage:");
                for c in &run.coverage {
                    let statuses: Vec<&str> = c.statuses.iter().map(|s| s.as_str()).collect();
                    let covered = c.lines - c.uncovered_lines.len();
                    out!(
                        "  {:<36} statuses: {:<50} lines: {covered}/{}",
                        c.rule,
                        statuses.join(", "),
                        c.lines
                    );
                    if !c.missing_statuses.is_empty() {
                        let m: Vec<&str> = c.missing_statuses.iter().map(|s| s.as_str()).collect();
                        out!("    MISSING a case for: {}", m.join(", "));
                    }
                    if !c.uncovered_lines.is_empty() {
                        let l: Vec<String> =
                            c.uncovered_lines.iter().map(|l| l.to_string()).collect();
                        out!("    lines never run: rules/{}:{}", c.file, l.join(","));
                    }
                }
            }
            out!("{} passed, {} failed", run.passed(), run.failed());
        }
    }
    if run.failed() > 0 || (coverage && run.coverage_gaps() > 0) {
        Exit::FindingsAtOrAboveThreshold
    } else {
        Exit::Ok
    }
}

fn doc(dir: Option<&PathBuf>, format: DocFormat) -> Exit {
    let files = match pack_files(dir) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let set = match load_files(&files) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let catalog = dealscreen::catalog::build(&set, &files);
    match format {
        DocFormat::Markdown => out_raw!("{}", dealscreen::catalog::markdown(&catalog)),
        DocFormat::Json => print_json(&catalog),
    }
    Exit::Ok
}

/// `dealscreen params [NAME] [--as-of DATE]`.
pub fn params(name: Option<&str>, as_of: Option<Date>, dir: Option<&PathBuf>) -> Exit {
    let set = match load_rules(dir) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let tables: Vec<_> = set
        .params()
        .tables()
        .filter(|t| name.is_none_or(|n| t.name == n || t.name.starts_with(&format!("{n}."))))
        .collect();
    if tables.is_empty() {
        eprintln!(
            "error: no parameter named `{}` (see `dealscreen params`)",
            name.unwrap_or("")
        );
        return Exit::InputInvalid;
    }
    for t in tables {
        out!("{}  ({}; {})", t.name, t.unit, t.description);
        if let Some(r) = &t.reference {
            out!("  reference: {r}");
        }
        match as_of {
            Some(date) => match set.params().resolve(&t.name, date) {
                Ok(r) => out!(
                    "  on {date}: {} (in force from {}{}); source: {}",
                    dealscreen::catalog::value_text(t, r.row.value.as_ref()),
                    r.row.from,
                    r.until.map(|u| format!(" until {u}")).unwrap_or_default(),
                    r.row.source
                ),
                Err(e) => out!("  on {date}: {e}"),
            },
            None => {
                for (i, row) in t.rows.iter().enumerate() {
                    let until = t
                        .rows
                        .get(i + 1)
                        .map(|n| n.from.previous_day().to_string())
                        .unwrap_or_default();
                    out!(
                        "  {} .. {:<10}  {}  [{}]{}",
                        row.from,
                        until,
                        dealscreen::catalog::value_text(t, row.value.as_ref()),
                        row.source,
                        row.note
                            .as_deref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    );
                }
            }
        }
    }
    Exit::Ok
}
