//! Rule authoring: `rules check` diagnostics on deliberately broken packs, `rules test`
//! and coverage on the shipped pack, the catalog, and dated parameters behaving at their
//! edges.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use common::*;
use dealscreen::{ParsedDeal, RuleSet, ScreenOptions, SourceFile};

fn broken(name: &str) -> Vec<SourceFile> {
    dealscreen::pack::read_dir(&root().join("fixtures/broken-packs").join(name)).unwrap()
}

fn listing(problems: &[dealscreen::Problem]) -> String {
    problems
        .iter()
        .map(|p| match &p.help {
            Some(h) => format!("{p}\n    help: {h}\n"),
            None => format!("{p}\n"),
        })
        .collect()
}

#[test]
fn check_reports_every_rule_problem_with_its_position() {
    let problems = dealscreen::check::check(&broken("rules"));
    insta::assert_snapshot!(listing(&problems));
    // Each kind of problem is there, positioned.
    for needle in [
        "syntax.rhai:4:5",
        "no_metadata.rhai: rule declares no metadata",
        "bad_metadata.rhai:1:72: metadata `severity` is `urgent`",
        "bad_metadata.rhai:2:17: metadata `citations` is empty",
        "bad_metadata.rhai:2:81: metadata `earlier_law` must be a string",
        "wrong_id.rhai:1:1: rule id `xx.test.another_name` does not match",
        "no_evaluate.rhai: rule has no `fn evaluate()`",
        "typo_pointer.rhai:3:18: fact pointer `/transaction/valu_usd`",
        "unknown_param.rhai:3:52: no parameter table named `xx.test.figure_usdd`",
        "window_gap.rhai:3:52: rule `xx.test.window_gap` is in force from 2019-01-01",
        "undefined_variable.rhai:3:11: undefined variable",
        "two/dup.rhai:1:1: rule id `xx.one.dup` is already used",
    ] {
        assert!(
            listing(&problems).contains(needle),
            "missing `{needle}` in:\n{}",
            listing(&problems)
        );
    }
}

#[test]
fn check_reports_every_parameter_table_problem() {
    let problems = dealscreen::check::check(&broken("params"));
    insta::assert_snapshot!(listing(&problems));
    assert_eq!(problems.len(), 6, "{}", listing(&problems));
}

#[test]
fn check_reports_every_regime_and_calendar_problem() {
    let problems = dealscreen::check::check(&broken("regimes"));
    insta::assert_snapshot!(listing(&problems));
    for needle in [
        "unknown_rule.regime.toml:4:14: `decided_by` names rule `xx.test.okay`, which does not exist",
        "unknown_rule.regime.toml:19:60: branch `Phase 1` names calendar `xx-holidays`",
        "unknown_key.regime.toml:9:1: invalid regime file: unknown field `penalties`",
        "missing_field.regime.toml:1:1: invalid regime file: missing field `who_files`",
        "no_earliest.regime.toml:12:1: the clock needs exactly one branch of kind `earliest`",
        "no_earliest.regime.toml:12:1: a step of branch `Phase 2` rolls, but only calendar days roll",
        "xx-court.calendar.toml:4:1: holiday `Court Day` has month 13",
        "xx-court.calendar.toml:10:1: holiday `Floating Day` needs either `day`",
    ] {
        assert!(
            listing(&problems).contains(needle),
            "missing `{needle}` in:\n{}",
            listing(&problems)
        );
    }
    // The help names the rule that was meant.
    assert!(listing(&problems).contains("`xx.test.ok`"));
}

#[test]
fn check_exit_codes_and_json() {
    let (code, out, _) = cli(&["rules", "check"], None);
    assert_eq!(code, 0, "the shipped pack must be clean: {out}");
    let (code, out, _) = cli(
        &[
            "rules",
            "check",
            "--rules",
            "fixtures/broken-packs/rules",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &v["problems"][0];
    assert!(
        first["file"].is_string() && first["message"].is_string(),
        "{first}"
    );
}

#[test]
fn shipped_rule_tests_pass_with_full_status_coverage() {
    let (code, out, err) = cli(&["rules", "test", "--coverage"], None);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.trim_end().ends_with(" 0 failed"), "{out}");
    assert!(!out.contains("MISSING a case"), "{out}");
}

#[test]
fn a_failing_case_is_reported_with_a_diff_and_exit_1() {
    let dir = std::env::temp_dir().join(format!("dealscreen-ruletest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in dealscreen::pack::read_dir(&root().join("rules")).unwrap() {
        // The HSR regime file counts its clock on the federal holiday calendar.
        if f.path.starts_with("us/hsr/") || f.path.starts_with("calendars/") {
            let path = dir.join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, f.text).unwrap();
        }
    }
    std::fs::write(
        dir.join("us/hsr/wrong.test.toml"),
        "rule = \"us.hsr.filing\"\n\n[[case]]\nname = \"deliberately wrong\"\nfixture = \"hsr-2024-just-below-threshold\"\nstatus = \"triggered\"\n",
    )
    .unwrap();
    let (code, out, _) = cli(&["rules", "test", "--rules", dir.to_str().unwrap()], None);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL us/hsr/wrong.test.toml:3 deliberately wrong [us.hsr.filing]"),
        "{out}"
    );
    assert!(
        out.contains("status: expected `triggered`, got `clear`"),
        "{out}"
    );
    assert!(out.trim_end().ends_with(" 1 failed"), "{out}");
}

#[test]
fn the_catalog_is_generated_from_metadata() {
    let (code, out, _) = cli(&["rules", "doc"], None);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
    let (code, json, _) = cli(&["rules", "doc", "--format", "json"], None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rules"].as_array().unwrap().len(), shipped().len());
}

#[test]
fn the_readme_rule_list_is_the_catalog() {
    let files = dealscreen::pack::embedded_files();
    let table = dealscreen::catalog::summary_table(&dealscreen::catalog::build(shipped(), &files));
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- rules:begin -->\n")
        .expect("README marks its rule list")
        + "<!-- rules:begin -->\n".len();
    let end = readme.find("<!-- rules:end -->").unwrap();
    assert_eq!(
        &readme[start..end],
        table,
        "README.md's rule list differs from `dealscreen rules doc`: paste the summary table between the markers"
    );
}

#[test]
fn the_guides_worked_example_is_the_real_file() {
    let guide = std::fs::read_to_string(root().join("rules/README.md")).unwrap();
    let mut found = 0;
    for (marker, rest) in guide
        .split("<!-- file: ")
        .skip(1)
        .map(|s| s.split_once(" -->").unwrap())
    {
        let block = rest.split("```").nth(1).unwrap();
        let block = block.split_once('\n').unwrap().1;
        let real = std::fs::read_to_string(root().join("rules").join(marker)).unwrap();
        assert_eq!(
            block, real,
            "rules/README.md's copy of {marker} differs from the file"
        );
        found += 1;
    }
    assert!(
        found >= 2,
        "the guide shows the worked example's rule and test files"
    );
}

/// Adding next year's row to a dated table changes deals dated after it and no deal before.
#[test]
fn next_years_hsr_row_changes_only_later_deals() {
    let files = dealscreen::pack::embedded_files();
    let mut next = files.clone();
    let table = next
        .iter_mut()
        .find(|f| f.path == "us/hsr/thresholds.params.toml")
        .unwrap();
    let anchor = "{ from = 2026-02-17, value = 133_900_000";
    let at = table
        .text
        .find(anchor)
        .expect("the 2026 row of the size-of-transaction table");
    let line_end = at + table.text[at..].find('\n').unwrap() + 1;
    table.text.insert_str(
        line_end,
        "  { from = 2027-02-20, value = 140_000_000, source = \"test: next year's figure\" },\n",
    );
    let before = RuleSet::load(&files).unwrap();
    let after = RuleSet::load(&next).unwrap();
    assert!(after.problems().is_empty());

    // Every fixture is dated before the new row: identical findings.
    for path in fixture_deals() {
        let deal = parse(&path);
        let a = before.screen(&deal, &ScreenOptions::default()).unwrap();
        let b = after.screen(&deal, &ScreenOptions::default()).unwrap();
        // The decisions are identical; only a parameter's `until` may now name the new
        // row's eve.
        let decisions = |r: &dealscreen::Report| -> Vec<_> {
            r.findings
                .iter()
                .map(|f| {
                    (
                        f.rule.clone(),
                        f.status,
                        f.severity,
                        f.explanation.clone(),
                        f.comparisons.clone(),
                        f.missing.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(decisions(&a), decisions(&b), "{}", path.display());
    }

    // A $137M deal closing after the new row's date: reportable before the row, clear after.
    let deal = ParsedDeal::from_slice(
        &std::fs::read(root().join("fixtures/deals/hsr-2024-just-above-threshold.json")).unwrap(),
    )
    .unwrap();
    let mut value = (*deal.canonical).clone();
    value["transaction"]["value_usd"] = serde_json::json!(137_000_000.0);
    value["dates"]["closing"] = serde_json::json!("2027-03-01");
    let later = ParsedDeal::from_value(value).unwrap();
    let status = |set: &RuleSet| {
        let r = set.screen(&later, &ScreenOptions::default()).unwrap();
        r.findings
            .into_iter()
            .find(|f| f.rule == "us.hsr.filing")
            .unwrap()
    };
    assert_eq!(status(&before).status, dealscreen::Status::Triggered);
    let f = status(&after);
    assert_eq!(f.status, dealscreen::Status::Clear, "{}", f.explanation);
    assert!(
        f.explanation
            .contains("$140,000,000 in force from 2027-02-20"),
        "{}",
        f.explanation
    );
}

#[test]
fn params_lists_periods_and_values_on_a_date() {
    let (code, out, _) = cli(&["params", "us.hsr.size_of_transaction_usd"], None);
    assert_eq!(code, 0);
    assert!(
        out.contains("2025-02-21 .. 2026-02-16  $126,400,000"),
        "{out}"
    );
    let (code, out, _) = cli(&["params", "us.hsr", "--as-of", "2025-02-21"], None);
    assert_eq!(code, 0);
    assert!(
        out.contains("on 2025-02-21: $126,400,000 (in force from 2025-02-21 until 2026-02-16)"),
        "{out}"
    );
    let (code, _, _) = cli(&["params", "no.such.param"], None);
    assert_eq!(code, 2);
}
