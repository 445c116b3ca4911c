//! A rule pack loaded and compiled once: rule scripts, shared script libraries and dated
//! parameter tables, with the pack's digest.

use std::sync::Arc;

use rhai::{AST, Engine, Map, Module, Scope};
use sha2::{Digest, Sha256};

use crate::diagnostic::Problem;
use crate::params::ParamSet;
use crate::rule::{RuleMeta, parse_meta};
use crate::sandbox::{Limits, build_engine};

/// One file of a rule pack: its path relative to the pack root (with `/`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the pack root, e.g. `us/hsr/filing.rhai`.
    pub path: String,
    /// File contents.
    pub text: String,
}

/// What a pack file is, by its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A rule script: `*.rhai` outside `lib/`.
    Rule,
    /// A library script: `lib/<name>.rhai`, callable from rules as `<name>::function()`.
    Library,
    /// A dated parameter table: `*.params.toml`.
    Params,
    /// Anything else (guides, rule tests): not part of what decides.
    Other,
}

impl FileKind {
    /// Classifies a pack-relative path.
    pub fn of(path: &str) -> FileKind {
        if path.ends_with(".params.toml") {
            FileKind::Params
        } else if path.ends_with(".rhai") {
            if path.split('/').rev().nth(1) == Some("lib") {
                FileKind::Library
            } else {
                FileKind::Rule
            }
        } else {
            FileKind::Other
        }
    }
}

/// A rule compiled and ready to evaluate, or one that failed to load and so answers
/// `error` for every deal (fail closed) while the rest of the pack still runs.
#[derive(Debug)]
pub struct CompiledRule {
    /// Declared metadata (for a rule that failed before declaring it: derived from its path).
    pub meta: RuleMeta,
    pub(crate) ast: Option<AST>,
    /// Why the rule could not be loaded.
    pub broken: Option<Problem>,
    /// The script's text.
    pub source: Arc<str>,
}

/// Metadata for a rule whose own declaration could not be read.
fn placeholder_meta(file: &str) -> RuleMeta {
    RuleMeta {
        id: file.trim_end_matches(".rhai").replace('/', "."),
        title: format!("rule `{file}` (could not be loaded)"),
        regime: "unknown".to_string(),
        severity: crate::finding::Severity::High,
        citations: Vec::new(),
        from: None,
        until: None,
        version: String::new(),
        notes: Vec::new(),
        file: file.to_string(),
    }
}

/// The rule pack could not be loaded: every problem found, each with its position.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the rule pack has {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" })]
pub struct LoadError {
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
}

impl miette::Diagnostic for LoadError {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.problems.iter().map(|p| p as &dyn miette::Diagnostic),
        ))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(
            "fix each problem listed; `dealscreen rules check` reports them all",
        ))
    }
}

/// A loaded, compiled rule pack.
pub struct RuleSet {
    pub(crate) engine: Engine,
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) params: Arc<ParamSet>,
    pub(crate) limits: Limits,
    problems: Vec<Problem>,
    digest: String,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .field("digest", &self.digest)
            .finish()
    }
}

/// Converts a Rhai parse error into a positioned problem.
pub(crate) fn parse_problem(file: &str, source: &Arc<str>, err: &rhai::ParseError) -> Problem {
    let pos = err.position();
    let message = err.err_type().to_string();
    let help = match err.err_type() {
        rhai::ParseErrorType::VariableUndefined(name) => Some(format!(
            "`{name}` is not defined here: declare it with `let`, or read deal facts with fact(\"/pointer\") and thresholds with param(\"name\")"
        )),
        rhai::ParseErrorType::ModuleUndefined(name) => Some(format!(
            "no library `{name}`: libraries are `lib/{name}.rhai` files in the pack"
        )),
        _ => None,
    };
    let p = Problem::in_file(file, lowercase_first(&message));
    let p = match (pos.line(), pos.position()) {
        (Some(l), Some(c)) => p.at_line_col(source, l, c),
        (Some(l), None) => p.at_line_col(source, l, 1),
        _ => p,
    };
    match help {
        Some(h) => p.with_help(h),
        None => p,
    }
}

pub(crate) fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("JSON") => f.to_lowercase().collect::<String>() + c.as_str(),
        Some(f) => f.to_string() + c.as_str(),
        None => String::new(),
    }
}

fn const_rule_offset(source: &str) -> Option<usize> {
    source.find("const RULE")
}

impl RuleSet {
    /// Loads a pack from its files with the default sandbox limits.
    pub fn load(files: &[SourceFile]) -> Result<RuleSet, LoadError> {
        RuleSet::load_with_limits(files, Limits::default())
    }

    /// Loads a pack from its files: parameter tables first, then libraries, then rules.
    /// Every problem in every file is collected before giving up.
    pub fn load_with_limits(files: &[SourceFile], limits: Limits) -> Result<RuleSet, LoadError> {
        let mut files: Vec<&SourceFile> = files.iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut problems = Vec::new();

        let mut params = ParamSet::default();
        for f in files
            .iter()
            .filter(|f| FileKind::of(&f.path) == FileKind::Params)
        {
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            let prefix = dir.replace('/', ".");
            problems.extend(params.add_file(&f.path, &prefix, &f.text));
        }
        let params = Arc::new(params);
        let mut engine = build_engine(params.clone(), &limits);

        let mut lib_names = std::collections::BTreeSet::new();
        for f in files
            .iter()
            .filter(|f| FileKind::of(&f.path) == FileKind::Library)
        {
            let source: Arc<str> = Arc::from(f.text.as_str());
            let name = f
                .path
                .rsplit('/')
                .next()
                .and_then(|n| n.strip_suffix(".rhai"))
                .unwrap_or_default()
                .to_string();
            if !lib_names.insert(name.clone()) {
                problems.push(
                    Problem::in_file(&f.path, format!("a library named `{name}` already exists"))
                        .with_help("library file names must be unique across the pack"),
                );
                continue;
            }
            let mut ast = match engine.compile(&f.text) {
                Ok(ast) => ast,
                Err(e) => {
                    problems.push(parse_problem(&f.path, &source, &e));
                    continue;
                }
            };
            ast.set_source(f.path.as_str());
            match Module::eval_ast_as_new(Scope::new(), &ast, &engine) {
                Ok(module) => {
                    engine.register_static_module(name.as_str(), module.into());
                }
                Err(e) => problems.push(Problem::in_file(
                    &f.path,
                    format!(
                        "library could not be loaded: {}",
                        lowercase_first(&e.to_string())
                    ),
                )),
            }
        }

        let mut rules: Vec<CompiledRule> = Vec::new();
        let mut rule_problems: Vec<Problem> = Vec::new();
        for f in files
            .iter()
            .filter(|f| FileKind::of(&f.path) == FileKind::Rule)
        {
            let source: Arc<str> = Arc::from(f.text.as_str());
            let (rule, mut found) = compile_rule(&engine, f, &source);
            if let Some(other) = rules.iter().find(|r| r.meta.id == rule.meta.id) {
                problems.push(
                    Problem::in_file(
                        &f.path,
                        format!(
                            "rule id `{}` is already used by `{}`",
                            rule.meta.id, other.meta.file
                        ),
                    )
                    .with_help("every rule needs its own id"),
                );
                continue;
            }
            rule_problems.append(&mut found);
            rules.push(rule);
        }
        if rules.is_empty() && problems.is_empty() {
            problems.push(
                Problem::in_file(".", "the rule pack contains no rules")
                    .with_help("rules are `*.rhai` files under the pack folder"),
            );
        }
        if !problems.is_empty() {
            problems.extend(rule_problems);
            return Err(LoadError { problems });
        }
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(RuleSet {
            engine,
            rules,
            params,
            limits,
            problems: rule_problems,
            digest: pack_digest(&files),
        })
    }

    /// Problems of rules that could not be loaded; each such rule answers `error`.
    /// Empty for a clean pack.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// SHA-256 (hex) over every rule, library and parameter file (path and contents).
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter().map(|r| &r.meta)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the pack has no rules (never, for a loaded pack).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The dated parameter tables.
    pub fn params(&self) -> &ParamSet {
        &self.params
    }
}

fn pack_digest(files: &[&SourceFile]) -> String {
    let mut h = Sha256::new();
    for f in files
        .iter()
        .filter(|f| FileKind::of(&f.path) != FileKind::Other)
    {
        h.update(f.path.as_bytes());
        h.update([0]);
        h.update((f.text.len() as u64).to_le_bytes());
        h.update(f.text.as_bytes());
    }
    crate::deal::hex(&h.finalize())
}

/// Compiles one rule file. A rule that fails to compile or declare itself is kept as a
/// broken rule (it answers `error`); the problems found are returned beside it.
fn compile_rule(
    engine: &Engine,
    f: &SourceFile,
    source: &Arc<str>,
) -> (CompiledRule, Vec<Problem>) {
    let broken = |meta: RuleMeta, problems: Vec<Problem>| {
        let first = problems.first().cloned();
        (
            CompiledRule {
                meta,
                ast: None,
                broken: first,
                source: source.clone(),
            },
            problems,
        )
    };
    let mut ast = match engine.compile(&f.text) {
        Ok(ast) => ast,
        Err(e) => {
            return broken(
                placeholder_meta(&f.path),
                vec![parse_problem(&f.path, source, &e)],
            );
        }
    };
    ast.set_source(f.path.as_str());
    let meta_at = |msg: String| {
        let p = Problem::in_file(&f.path, msg);
        match const_rule_offset(&f.text) {
            Some(o) => p.at_span(source, o, o + "const RULE".len()),
            None => p,
        }
    };
    let mut scope = Scope::new();
    let meta_map = match engine.run_ast_with_scope(&mut scope, &ast) {
        Ok(()) => scope.get_value::<Map>("RULE"),
        Err(e) => {
            return broken(
                placeholder_meta(&f.path),
                vec![meta_at(format!(
                    "the top level of a rule may only declare `const RULE = #{{ … }};` and functions ({})",
                    lowercase_first(&e.to_string())
                ))],
            );
        }
    };
    let Some(meta_map) = meta_map else {
        return broken(placeholder_meta(&f.path), vec![
            Problem::in_file(&f.path, "rule declares no metadata").with_help(
                "start the rule with `const RULE = #{ id: \"…\", title: \"…\", regime: \"…\", severity: \"…\", citations: [\"…\"], version: \"1\" };`",
            ),
        ]);
    };
    let meta = match parse_meta(&f.path, &meta_map) {
        Ok(meta) => meta,
        Err(errs) => {
            return broken(
                placeholder_meta(&f.path),
                errs.into_iter().map(meta_at).collect(),
            );
        }
    };
    if !ast
        .iter_functions()
        .any(|func| func.name == "evaluate" && func.params.is_empty())
    {
        return broken(meta, vec![
            Problem::in_file(&f.path, "rule has no `fn evaluate()`")
                .with_help("a rule is `fn evaluate() { … }` returning triggered(…), clear(…) or insufficient(…)"),
        ]);
    }
    // Top-level statements ran once above; evaluation skips them (eval_ast(false)).
    (
        CompiledRule {
            meta,
            ast: Some(ast),
            broken: None,
            source: source.clone(),
        },
        Vec::new(),
    )
}
