//! A rule pack loaded and compiled once: rule scripts, shared script libraries and dated
//! parameter tables, with the pack's digest.

use std::sync::Arc;

use rhai::{AST, Engine, Map, Module, Scope};
use sha2::{Digest, Sha256};

use std::collections::BTreeMap;

use crate::calendar::Calendar;
use crate::diagnostic::Problem;
use crate::params::ParamSet;
use crate::regime::Regime;
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
    /// Rule test cases: `*.test.toml`, run by `rules test`; not part of what decides.
    Test,
    /// Regime metadata for the filing matrix and the timeline: `*.regime.toml`.
    Regime,
    /// A holiday calendar for review clocks: `*.calendar.toml`.
    Calendar,
    /// Anything else (guides): not part of what decides.
    Other,
}

impl FileKind {
    /// Classifies a pack-relative path.
    pub fn of(path: &str) -> FileKind {
        if path.ends_with(".params.toml") {
            FileKind::Params
        } else if path.ends_with(".test.toml") {
            FileKind::Test
        } else if path.ends_with(".regime.toml") {
            FileKind::Regime
        } else if path.ends_with(".calendar.toml") {
            FileKind::Calendar
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

impl CompiledRule {
    /// Lines of the rule's own file that hold a statement inside a function: the lines
    /// statement coverage counts.
    pub fn executable_lines(&self) -> Vec<usize> {
        self.probe_columns(&self.source).into_keys().collect()
    }

    /// Per line of `text` (this rule's script), the column where a line probe can go: the
    /// start of the line's first statement, except an `if` that follows `else`.
    fn probe_columns(&self, text: &str) -> std::collections::BTreeMap<usize, usize> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut firsts = std::collections::BTreeMap::new();
        for (line, col) in self.statement_positions() {
            let before: String = lines
                .get(line.saturating_sub(1))
                .map(|l| l.chars().take(col.saturating_sub(1)).collect())
                .unwrap_or_default();
            if before.trim_end().ends_with("else") {
                continue;
            }
            // The leftmost node may sit inside the statement (`ns::f()`, `(x * 2).round()`):
            // the statement starts after the last `;`, `{` or `}` before it on the line.
            let start = before
                .char_indices()
                .rev()
                .find(|(_, c)| matches!(c, ';' | '{' | '}'))
                .map_or(0, |(i, _)| before[..=i].chars().count());
            let lead = before
                .chars()
                .skip(start)
                .take_while(|c| c.is_whitespace())
                .count();
            let col = start + lead + 1;
            let c = firsts.entry(line).or_insert(col);
            *c = (*c).min(col);
        }
        firsts
    }

    /// (line, column) where each statement inside the rule's functions starts. Rhai places
    /// some statements at their operator (`a = b` at `=`), so the start is the leftmost
    /// node of the statement on its line.
    fn statement_positions(&self) -> Vec<(usize, usize)> {
        let Some(ast) = &self.ast else {
            return Vec::new();
        };
        let top: std::collections::BTreeSet<usize> = ast
            .statements()
            .iter()
            .filter_map(|s| s.position().line())
            .collect();
        let mut starts: std::collections::BTreeMap<(usize, usize), usize> =
            std::collections::BTreeMap::new();
        ast.walk(&mut |path: &[rhai::ASTNode]| {
            let Some((last, ancestors)) = path.split_last() else {
                return true;
            };
            let pos = last.position();
            let (Some(line), Some(col)) = (pos.line(), pos.position()) else {
                return true;
            };
            match last {
                rhai::ASTNode::Stmt(stmt)
                    if !top.contains(&line)
                        && !matches!(stmt, rhai::Stmt::Block(..) | rhai::Stmt::Noop(..))
                        && !is_probe(stmt) =>
                {
                    let c = starts.entry((line, col)).or_insert(col);
                    *c = (*c).min(col);
                }
                rhai::ASTNode::Expr(_) => {
                    let owner = ancestors.iter().rev().find_map(|n| match n {
                        rhai::ASTNode::Stmt(s) => Some(s.position()),
                        _ => None,
                    });
                    if let Some(owner) = owner
                        && let (Some(ol), Some(oc)) = (owner.line(), owner.position())
                        && ol == line
                        && let Some(c) = starts.get_mut(&(ol, oc))
                    {
                        *c = (*c).min(col);
                    }
                }
                _ => {}
            }
            true
        });
        starts
            .into_iter()
            .map(|((line, _), col)| (line, col))
            .collect()
    }
}

fn is_probe(stmt: &rhai::Stmt) -> bool {
    matches!(stmt, rhai::Stmt::FnCall(call, _) if call.name == "__line_ran")
}

/// The rule's text with a `__line_ran("file", N);` probe before the first statement of
/// each line, for statement coverage. Probes go in as statements of the block they precede,
/// so the script's meaning and its line numbers are unchanged.
fn with_line_probes(engine: &Engine, f: &SourceFile) -> String {
    let Ok(ast) = engine.compile(&f.text) else {
        return f.text.clone();
    };
    let probe = CompiledRule {
        meta: placeholder_meta(&f.path),
        ast: Some(ast),
        broken: None,
        source: Arc::from(""),
    };
    let firsts = probe.probe_columns(&f.text);
    let mut out = String::with_capacity(f.text.len() * 2);
    for (i, text) in f.text.split_inclusive('\n').enumerate() {
        match firsts.get(&(i + 1)) {
            Some(&col) => {
                let at: usize = text
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(char::len_utf8)
                    .sum();
                out.push_str(text.get(..at).unwrap_or(""));
                out.push_str(&format!("__line_ran({:?}, {}); ", f.path, i + 1));
                out.push_str(text.get(at..).unwrap_or(""));
            }
            None => out.push_str(text),
        }
    }
    out
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
        window_note: None,
        earlier_law: None,
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

/// One compilation of a pack: an engine with its libraries, and the compiled rules.
pub(crate) struct Compiled {
    pub(crate) engine: Engine,
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) params: Arc<ParamSet>,
    regimes: Vec<Regime>,
    calendars: BTreeMap<String, Calendar>,
    problems: Vec<Problem>,
}

/// A loaded, compiled rule pack.
///
/// Each thread that screens with it gets its own compilation (engine and ASTs), made on
/// first use and cached: sharing one Rhai engine across threads makes every function call
/// contend on shared reference counts, and screening then gets slower with more threads.
pub struct RuleSet {
    home: Arc<Compiled>,
    pub(crate) limits: Limits,
    files: Arc<Vec<SourceFile>>,
    instrumented: bool,
    id: u64,
    alive: Arc<()>,
    digest: String,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.home.rules.len())
            .field("digest", &self.digest)
            .finish()
    }
}

type WorkerEntry = (u64, std::sync::Weak<()>, Arc<Compiled>);

thread_local! {
    static WORKERS: std::cell::RefCell<Vec<WorkerEntry>> = const { std::cell::RefCell::new(Vec::new()) };
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Converts a Rhai parse error into a positioned problem.
pub(crate) fn parse_problem(file: &str, source: &Arc<str>, err: &rhai::ParseError) -> Problem {
    let pos = err.position();
    let message = err.err_type().to_string();
    let help = match err.err_type() {
        rhai::ParseErrorType::VariableUndefined(name) => Some(format!(
            "`{name}` is not defined here: declare it with `let`, or read deal facts with fact(\"/pointer\") and thresholds with param(\"name\")"
        )),
        rhai::ParseErrorType::MissingToken(token, _) => Some(format!(
            "a statement is not finished: look at the end of the previous line for a missing `{token}`"
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

/// Lowercases the first letter of a sentence fragment, but not of an acronym (`EO`, `JSON`).
pub(crate) fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), s.chars().nth(1)) {
        (Some(f), Some(second)) if !second.is_uppercase() => {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        (Some(f), _) => f.to_string() + c.as_str(),
        (None, _) => String::new(),
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
        RuleSet::load_with_options(files, limits, false)
    }

    /// Loads a pack whose evaluation records which script lines run (for `rules test
    /// --coverage`); slower than a plain pack, never used for screening.
    pub fn load_instrumented(files: &[SourceFile]) -> Result<RuleSet, LoadError> {
        RuleSet::load_with_options(files, Limits::default(), true)
    }

    fn load_with_options(
        files: &[SourceFile],
        limits: Limits,
        instrumented: bool,
    ) -> Result<RuleSet, LoadError> {
        let mut sorted: Vec<&SourceFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        let home = Arc::new(compile(&sorted, &limits, instrumented)?);
        let set = RuleSet {
            home: home.clone(),
            limits,
            files: Arc::new(sorted.iter().map(|f| (*f).clone()).collect()),
            instrumented,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            alive: Arc::new(()),
            digest: pack_digest(&sorted),
        };
        WORKERS.with(|w| {
            w.borrow_mut()
                .push((set.id, Arc::downgrade(&set.alive), home));
        });
        Ok(set)
    }

    /// This thread's compilation of the pack (compiled on first use on the thread).
    pub(crate) fn worker(&self) -> Arc<Compiled> {
        WORKERS.with(|w| {
            let mut cache = w.borrow_mut();
            // Forget the compilations of packs that no longer exist (e.g. after a reload).
            cache.retain(|(_, alive, _)| alive.strong_count() > 0);
            if let Some((_, _, c)) = cache.iter().find(|(id, _, _)| *id == self.id) {
                return c.clone();
            }
            let files: Vec<&SourceFile> = self.files.iter().collect();
            let compiled = compile(&files, &self.limits, self.instrumented)
                .map(Arc::new)
                .unwrap_or_else(|_| self.home.clone());
            cache.push((self.id, Arc::downgrade(&self.alive), compiled.clone()));
            compiled
        })
    }
}

/// Compiles a pack's files (sorted by path): parameter tables first, then libraries, then
/// rules. Every problem in every file is collected before giving up.
fn compile(
    files: &[&SourceFile],
    limits: &Limits,
    instrumented: bool,
) -> Result<Compiled, LoadError> {
    {
        let files = files.to_vec();
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
        let mut engine = build_engine(params.clone(), limits);

        let mut calendars = BTreeMap::new();
        for f in files
            .iter()
            .filter(|f| FileKind::of(&f.path) == FileKind::Calendar)
        {
            match crate::calendar::parse(&f.path, &f.text) {
                Ok(c) => {
                    if calendars.contains_key(&c.id) {
                        problems.push(
                            Problem::in_file(
                                &f.path,
                                format!("a calendar named `{}` already exists", c.id),
                            )
                            .with_help("calendar file names must be unique across the pack"),
                        );
                    } else {
                        calendars.insert(c.id.clone(), c);
                    }
                }
                Err(mut found) => problems.append(&mut found),
            }
        }

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
            let (mut rule, mut found) = if instrumented {
                let probed = SourceFile {
                    path: f.path.clone(),
                    text: with_line_probes(&engine, f),
                };
                let (mut r, found) = compile_rule(&engine, &probed, &source);
                r.source = source.clone();
                if found.is_empty() {
                    (r, found)
                } else {
                    // A probe that does not fit must not change what the rule answers: run
                    // it unprobed, and its lines show as never run.
                    compile_rule(&engine, f, &source)
                }
            } else {
                compile_rule(&engine, f, &source)
            };
            if let Some(other) = rules.iter().find(|r| r.meta.id == rule.meta.id) {
                // The second file answers `error` under an id made from its path.
                let at = const_rule_offset(&f.text).unwrap_or(0);
                let p = Problem::in_file(
                    &f.path,
                    format!("rule id `{}` is already used by `{}`", rule.meta.id, other.meta.file),
                )
                .at_span(&source, at, at + "const RULE".len())
                .with_help("every rule needs its own id: the jurisdiction folder first and the file name last");
                rule = CompiledRule {
                    meta: placeholder_meta(&f.path),
                    ast: None,
                    broken: Some(p.clone()),
                    source: source.clone(),
                };
                found.push(p);
            }
            if rules.iter().any(|r| r.meta.id == rule.meta.id) {
                problems.push(Problem::in_file(
                    &f.path,
                    format!("rule id `{}` is used twice", rule.meta.id),
                ));
                continue;
            }
            rule_problems.append(&mut found);
            rules.push(rule);
        }
        let rule_ids: std::collections::BTreeSet<String> =
            rules.iter().map(|r| r.meta.id.clone()).collect();
        let ctx = crate::regime::Context {
            rules: &rule_ids,
            calendars: &calendars,
        };
        let mut regimes: Vec<Regime> = Vec::new();
        for f in files
            .iter()
            .filter(|f| FileKind::of(&f.path) == FileKind::Regime)
        {
            match crate::regime::parse(&f.path, &f.text, &ctx) {
                Ok(r) => {
                    if let Some(other) = regimes.iter().find(|o| o.id == r.id) {
                        problems.push(Problem::in_file(
                            &f.path,
                            format!("regime id `{}` is already used by `{}`", r.id, other.file),
                        ));
                    } else {
                        regimes.push(r);
                    }
                }
                Err(mut found) => problems.append(&mut found),
            }
        }
        // The matrix's order: by id, which starts with the jurisdiction.
        regimes.sort_by(|a, b| a.id.cmp(&b.id));
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
        Ok(Compiled {
            engine,
            rules,
            params,
            regimes,
            calendars,
            problems: rule_problems,
        })
    }
}

impl RuleSet {
    /// Problems of rules that could not be loaded; each such rule answers `error`.
    /// Empty for a clean pack.
    pub fn problems(&self) -> &[Problem] {
        &self.home.problems
    }

    /// SHA-256 (hex) over every rule, library, parameter, regime and calendar file (path
    /// and contents).
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The compiled rules, sorted by id.
    pub fn compiled(&self) -> impl Iterator<Item = &CompiledRule> {
        self.home.rules.iter()
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.home.rules.iter().map(|r| &r.meta)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.home.rules.len()
    }

    /// True when the pack has no rules (never, for a loaded pack).
    pub fn is_empty(&self) -> bool {
        self.home.rules.is_empty()
    }

    /// The dated parameter tables.
    pub fn params(&self) -> &ParamSet {
        &self.home.params
    }

    /// The regimes of the filing matrix, by id (jurisdiction first).
    pub fn regimes(&self) -> &[Regime] {
        &self.home.regimes
    }

    /// The holiday calendars, by id.
    pub fn calendars(&self) -> &BTreeMap<String, Calendar> {
        &self.home.calendars
    }
}

fn pack_digest(files: &[&SourceFile]) -> String {
    let mut h = Sha256::new();
    for f in files
        .iter()
        .filter(|f| !matches!(FileKind::of(&f.path), FileKind::Other | FileKind::Test))
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
        let p = Problem::in_file(&f.path, msg.clone())
            .with_help("see the shape of a rule in rules/README.md");
        let Some(o) = const_rule_offset(&f.text) else {
            return p;
        };
        // Point at the key the message names (`severity`), when the map spells it out.
        let key = msg.split('`').nth(1).unwrap_or("");
        let key_at = [format!("{key}:"), format!("\"{key}\":")]
            .iter()
            .filter(|_| !key.is_empty())
            .find_map(|k| {
                f.text
                    .get(o..)
                    .and_then(|rest| rest.find(k.as_str()))
                    .map(|i| (o + i, k.len() - 1))
            });
        match key_at {
            Some((at, len)) => p.at_span(source, at, at + len),
            None => p.at_span(source, o, o + "const RULE".len()),
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
