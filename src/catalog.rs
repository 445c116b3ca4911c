//! `rules doc`: the rule catalog generated from rule metadata and parameter tables, as
//! Markdown or JSON. The README's rule table is [`summary_table`]'s output.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::finding::Citation;
use crate::params::{ParamTable, ParamValue};
use crate::ruleset::{FileKind, RuleSet, SourceFile};
use crate::scan::{host_fact_reads, is_param_name, is_pointer, string_literals};

/// One rule in the catalog.
#[derive(Clone, Debug, Serialize)]
pub struct RuleEntry {
    /// Rule id.
    pub id: String,
    /// The question it answers.
    pub title: String,
    /// Regime.
    pub regime: String,
    /// Severity when triggered.
    pub severity: String,
    /// In-force window in words.
    pub in_force: String,
    /// Why the window is what it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_note: Option<String>,
    /// The law before the window that the rule does not screen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier_law: Option<String>,
    /// Citations.
    pub citations: Vec<Citation>,
    /// Deal facts the rule (and the libraries it calls) may read.
    pub facts: Vec<String>,
    /// Parameters it may use.
    pub parameters: Vec<String>,
    /// Caveats.
    pub notes: Vec<String>,
    /// Version.
    pub version: String,
    /// Script file.
    pub file: String,
}

/// One period of a parameter in the catalog.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodEntry {
    /// First day.
    pub from: String,
    /// Last day, when a later period exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The value in words (`$119,500,000`, a bracket list, or `UNCONFIRMED`).
    pub value: String,
    /// Source.
    pub source: String,
    /// Remarks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One parameter table in the catalog.
#[derive(Clone, Debug, Serialize)]
pub struct ParamEntry {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Unit.
    pub unit: String,
    /// Legal reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Periods, oldest first.
    pub periods: Vec<PeriodEntry>,
    /// File.
    pub file: String,
}

/// The whole catalog.
#[derive(Clone, Debug, Serialize)]
pub struct Catalog {
    /// Rules by id.
    pub rules: Vec<RuleEntry>,
    /// Parameters by name.
    pub parameters: Vec<ParamEntry>,
}

/// Formats a parameter value in its unit.
pub fn value_text(table: &ParamTable, value: Option<&ParamValue>) -> String {
    match value {
        None => "UNCONFIRMED".to_string(),
        Some(ParamValue::Number(n)) => crate::format::in_unit(&table.unit, *n),
        Some(ParamValue::Text(s)) => s.clone(),
        Some(ParamValue::Scale(b)) => b
            .iter()
            .map(|b| {
                format!(
                    "{} from {}",
                    crate::format::in_unit(&table.unit, b.value),
                    crate::format::in_unit(&table.unit, b.at_least)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Builds the catalog of a loaded pack from its files.
pub fn build(set: &RuleSet, files: &[SourceFile]) -> Catalog {
    let libs: Vec<(String, &SourceFile)> = files
        .iter()
        .filter(|f| FileKind::of(&f.path) == FileKind::Library)
        .filter_map(|f| {
            let name = f.path.rsplit('/').next()?.strip_suffix(".rhai")?;
            Some((name.to_string(), f))
        })
        .collect();
    let rules = set
        .rules()
        .map(|meta| {
            let mut facts = BTreeSet::new();
            let mut parameters = BTreeSet::new();
            if let Some(file) = files.iter().find(|f| f.path == meta.file) {
                let mut sources: Vec<&SourceFile> = vec![file];
                for (name, lib) in &libs {
                    if file.text.contains(&format!("{name}::")) {
                        sources.push(lib);
                    }
                }
                for src in sources {
                    facts.extend(host_fact_reads(&src.text).into_iter().map(String::from));
                    for lit in string_literals(&src.text) {
                        if is_pointer(&lit.text) {
                            facts.insert(lit.text);
                        } else if is_param_name(&lit.text)
                            && set.params().table(&lit.text).is_some()
                        {
                            parameters.insert(lit.text);
                        }
                    }
                }
            }
            RuleEntry {
                id: meta.id.clone(),
                title: meta.title.clone(),
                regime: meta.regime.clone(),
                severity: meta.severity.as_str().to_string(),
                in_force: meta.window_text(),
                window_note: meta.window_note.clone(),
                earlier_law: meta.earlier_law.clone(),
                citations: meta.citations.clone(),
                facts: facts.into_iter().collect(),
                parameters: parameters.into_iter().collect(),
                notes: meta.notes.clone(),
                version: meta.version.clone(),
                file: meta.file.clone(),
            }
        })
        .collect();
    let parameters = set
        .params()
        .tables()
        .map(|t| ParamEntry {
            name: t.name.clone(),
            description: t.description.clone(),
            unit: t.unit.clone(),
            reference: t.reference.clone(),
            periods: t
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| PeriodEntry {
                    from: r.from.to_string(),
                    until: t.rows.get(i + 1).map(|n| n.from.previous_day().to_string()),
                    value: value_text(t, r.value.as_ref()),
                    source: r.source.clone(),
                    note: r.note.clone(),
                })
                .collect(),
            file: t.file.clone(),
        })
        .collect();
    Catalog { rules, parameters }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The one-table summary of the rules (the README's rule list).
pub fn summary_table(catalog: &Catalog) -> String {
    let mut out =
        String::from("| rule | question | regime | severity | in force |\n|---|---|---|---|---|\n");
    for r in &catalog.rules {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            r.id,
            cell(&r.title),
            cell(&r.regime),
            r.severity,
            r.in_force
        ));
    }
    out
}

/// The full catalog as Markdown.
pub fn markdown(catalog: &Catalog) -> String {
    let mut out = String::from(
        "# dealscreen rule catalog\n\nGenerated by `dealscreen rules doc` from the rules' metadata and the dated parameter tables.\n\n",
    );
    out.push_str(&summary_table(catalog));
    for r in &catalog.rules {
        out.push_str(&format!("\n## `{}`\n\n{}\n\n", r.id, r.title));
        out.push_str(&format!(
            "- regime: {}; severity when triggered: {}; in force: {}{}\n",
            r.regime,
            r.severity,
            r.in_force,
            r.window_note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ));
        if let Some(law) = &r.earlier_law {
            out.push_str(&format!(
                "- before the window: {law}, which the rule does not screen (earlier deals are marked not screened)\n"
            ));
        }
        out.push_str(&format!(
            "- file: `rules/{}`, version {}\n",
            r.file, r.version
        ));
        let cites: Vec<String> = r
            .citations
            .iter()
            .map(|c| match &c.url {
                Some(u) => format!("[{}]({u})", c.text),
                None => c.text.clone(),
            })
            .collect();
        out.push_str(&format!("- citations: {}\n", cites.join("; ")));
        if !r.facts.is_empty() {
            let f: Vec<String> = r.facts.iter().map(|f| format!("`{f}`")).collect();
            out.push_str(&format!("- facts read: {}\n", f.join(", ")));
        }
        if !r.parameters.is_empty() {
            let p: Vec<String> = r.parameters.iter().map(|p| format!("`{p}`")).collect();
            out.push_str(&format!("- dated parameters: {}\n", p.join(", ")));
        }
        for n in &r.notes {
            out.push_str(&format!("- caveat: {n}\n"));
        }
    }
    out.push_str("\n# Dated parameters\n");
    for p in &catalog.parameters {
        out.push_str(&format!(
            "\n## `{}`\n\n{} (unit: {}",
            p.name, p.description, p.unit
        ));
        if let Some(r) = &p.reference {
            out.push_str(&format!("; {r}"));
        }
        out.push_str(&format!(
            "; file `rules/{}`)\n\n| from | until | value | source |\n|---|---|---|---|\n",
            p.file
        ));
        for per in &p.periods {
            let mut source = cell(&per.source);
            if let Some(n) = &per.note {
                source.push_str(&format!(" ({})", cell(n)));
            }
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                per.from,
                per.until.as_deref().unwrap_or(""),
                cell(&per.value),
                source
            ));
        }
    }
    out
}
