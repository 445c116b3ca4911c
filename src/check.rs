//! `rules check`: every problem in a rule pack at once, each with its file, line and column:
//! compile errors, metadata, ids, fact pointers that do not exist in the deal format,
//! parameter names without a table, parameter tables, and rule windows their parameters do
//! not cover.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostic::Problem;
use crate::ruleset::{FileKind, RuleSet, SourceFile};
use crate::scan::{is_param_name, is_pointer, string_literals};

/// The JSON Schema of the deal format, as JSON.
pub fn deal_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(crate::deal::Deal)).unwrap_or(Value::Null)
}

fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            match r
                .strip_prefix("#/")
                .map(|p| format!("/{p}"))
                .and_then(|p| root.pointer(&p))
            {
                Some(target) => node = target,
                None => return node,
            }
        } else if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
            match any
                .iter()
                .find(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            {
                Some(s) => node = s,
                None => return node,
            }
        } else {
            return node;
        }
    }
    node
}

/// Where a pointer stops matching the deal schema: `None` when every segment exists,
/// else the valid prefix and the names that would have been accepted at the failing step.
pub fn pointer_mismatch(schema: &Value, pointer: &str) -> Option<(String, Vec<String>)> {
    let mut node = schema;
    let mut prefix = String::new();
    for seg in pointer.split('/').skip(1) {
        let here = resolve(schema, node);
        if here == &Value::Bool(true) {
            return None;
        }
        let props = here.get("properties").and_then(Value::as_object);
        if let Some(next) = props.and_then(|p| p.get(seg)) {
            node = next;
        } else if let Some(items) = here.get("items").filter(|_| seg.parse::<usize>().is_ok()) {
            node = items;
        } else if let Some(extra) = here
            .get("additionalProperties")
            .filter(|a| **a != Value::Bool(false))
        {
            node = extra;
        } else {
            let names = props
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            return Some((prefix, names));
        }
        prefix.push('/');
        prefix.push_str(seg);
    }
    None
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// Checks a pack's files; an empty result means the pack is clean.
pub fn check(files: &[SourceFile]) -> Vec<Problem> {
    check_and_load(files).0
}

/// Checks a pack's files and hands back the pack it loaded on the way (when it loads),
/// so a caller that needs both does not compile the pack twice.
pub fn check_and_load(files: &[SourceFile]) -> (Vec<Problem>, Option<RuleSet>) {
    let mut problems = Vec::new();
    let set = match RuleSet::load(files) {
        Ok(set) => {
            problems.extend(set.problems().iter().cloned());
            Some(set)
        }
        Err(e) => {
            problems.extend(e.problems);
            None
        }
    };
    let schema = deal_schema();
    let rule_ids: BTreeSet<String> = set
        .as_ref()
        .map(|s| s.rules().map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    // Parameter names come from the tables themselves, so they are checked even when a
    // broken table keeps the pack from loading.
    let mut tables = crate::params::ParamSet::default();
    for f in files
        .iter()
        .filter(|f| FileKind::of(&f.path) == FileKind::Params)
    {
        let prefix = f
            .path
            .rsplit_once('/')
            .map_or("", |(d, _)| d)
            .replace('/', ".");
        let _ = tables.add_file(&f.path, &prefix, &f.text);
    }
    let param_names: BTreeSet<String> = tables.tables().map(|t| t.name.clone()).collect();

    for f in files {
        let kind = FileKind::of(&f.path);
        if kind != FileKind::Rule && kind != FileKind::Library {
            continue;
        }
        let source: Arc<str> = Arc::from(f.text.as_str());
        for lit in string_literals(&f.text) {
            let at = |msg: String| {
                Problem::in_file(&f.path, msg).at_span(
                    &source,
                    lit.offset,
                    lit.offset + lit.text.len() + 2,
                )
            };
            if is_pointer(&lit.text) {
                if let Some((prefix, names)) = pointer_mismatch(&schema, &lit.text) {
                    let bad = lit.text[prefix.len()..].split('/').nth(1).unwrap_or("");
                    let mut p = at(format!(
                        "fact pointer `{}` does not exist in the deal format",
                        lit.text
                    ));
                    p = match closest(bad, names.iter().map(String::as_str)) {
                        Some(fix) => p.with_help(format!(
                            "did you mean `{prefix}/{fix}`? (see `dealscreen schema deal`)"
                        )),
                        None if names.is_empty() => p.with_help(format!(
                            "`{}` has no fields (see `dealscreen schema deal`)",
                            if prefix.is_empty() { "/" } else { &prefix }
                        )),
                        None => p.with_help(format!(
                            "fields of `{}`: {}",
                            if prefix.is_empty() { "/" } else { &prefix },
                            names.join(", ")
                        )),
                    };
                    problems.push(p);
                }
            } else if is_param_name(&lit.text)
                && !f
                    .text
                    .get(..lit.offset)
                    .is_some_and(|b| b.trim_end().ends_with("id:"))
                && !rule_ids.contains(&lit.text)
                && !param_names.contains(&lit.text)
            {
                let mut p = at(format!("no parameter table named `{}`", lit.text));
                p = match closest(&lit.text, param_names.iter().map(String::as_str)) {
                    Some(fix) => p.with_help(format!("did you mean `{fix}`? (see `dealscreen params`)")),
                    None => p.with_help("parameters are tables in `*.params.toml` files; the name is the folder (dots for slashes) plus the table name"),
                };
                problems.push(p);
            }
        }
    }

    if let Some(set) = &set {
        problems.extend(window_coverage(set, files));
    }
    problems.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.column, a.message.as_str()).cmp(&(
            b.file.as_str(),
            b.line,
            b.column,
            b.message.as_str(),
        ))
    });
    problems.dedup();
    (problems, set)
}

/// A rule in force from a date must find every parameter it names tabulated on that date.
fn window_coverage(set: &RuleSet, files: &[SourceFile]) -> Vec<Problem> {
    let mut out = Vec::new();
    for rule in set.rules() {
        let Some(from) = rule.from else { continue };
        let Some(file) = files.iter().find(|f| f.path == rule.file) else {
            continue;
        };
        let source: Arc<str> = Arc::from(file.text.as_str());
        for lit in string_literals(&file.text) {
            let Some(table) = set.params().table(&lit.text) else {
                continue;
            };
            // `param_on`, `compare_on` and `scale_on` name their own date.
            if crate::scan::enclosing_call(&file.text, lit.offset)
                .is_some_and(|c| c.ends_with("_on"))
            {
                continue;
            }
            if let Some(first) = table.rows.first()
                && first.from > from
            {
                out.push(
                    Problem::in_file(&rule.file, format!(
                        "rule `{}` is in force from {from}, but parameter `{}` is tabulated only from {}",
                        rule.id, table.name, first.from
                    ))
                    .at_span(&source, lit.offset, lit.offset + lit.text.len() + 2)
                    .with_help(format!("add a row for {from} to `{}` in `{}`, or move the rule's `from`", table.name, table.file)),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_checked_against_the_deal_schema() {
        let s = deal_schema();
        for ok in [
            "/transaction/value_usd",
            "/markets/0/shares_pct/acquirer",
            "/markets",
            "/extra/anything/at/all",
            "/commercial/exclusivity/2/scope",
            "/dates/filing",
        ] {
            assert_eq!(pointer_mismatch(&s, ok), None, "{ok}");
        }
        let (prefix, names) = pointer_mismatch(&s, "/transaction/valu_usd").unwrap();
        assert_eq!(prefix, "/transaction");
        assert!(names.contains(&"value_usd".to_string()));
        assert!(pointer_mismatch(&s, "/governance/board_seats/x").is_some());
    }

    #[test]
    fn suggestions_are_close_names() {
        let names = ["value_usd", "voting_pct_after", "instrument"];
        assert_eq!(
            closest("valu_usd", names.iter().copied()),
            Some("value_usd")
        );
        assert_eq!(closest("zzzzzzzzzzzz", names.iter().copied()), None);
    }
}
