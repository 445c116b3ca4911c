//! The command line: exit codes, formats, schemas and the embedded pack.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use common::*;

#[test]
fn fail_on_sets_exit_code_1_only_at_or_above_the_level() {
    let deal = "fixtures/deals/hsr-2024-just-above-threshold.json";
    let (code, _, _) = cli(&["screen", deal], None);
    assert_eq!(code, 0, "without --fail-on, findings do not fail the run");
    let (code, _, _) = cli(&["screen", "--fail-on", "high", deal], None);
    assert_eq!(code, 1);
    let (code, _, _) = cli(&["screen", "--fail-on", "critical", deal], None);
    assert_eq!(code, 0);
    let clear = "fixtures/deals/hsr-2024-just-below-threshold.json";
    let (code, out, _) = cli(
        &["screen", "--fail-on", "info", "--format", "json", clear],
        None,
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected = if report["summary"]["highest_severity"].is_null() {
        0
    } else {
        1
    };
    assert_eq!(code, expected);
}

#[test]
fn a_rule_error_gives_exit_code_3_and_the_rest_still_answers() {
    let dir = temp_pack(
        "cli",
        &[
            ("xx/test/spin.rhai", SPIN_RULE),
            (
                "xx/test/ok.rhai",
                "const RULE = #{ id: \"xx.test.ok\", title: \"ok\", regime: \"T\", severity: \"high\", citations: [\"c\"], version: \"1\" };\nfn evaluate() { triggered(\"yes\") }\n",
            ),
        ],
    );
    let rules = dir.to_string_lossy().into_owned();
    let deal = "fixtures/deals/hsr-2024-just-above-threshold.json";
    let (code, out, _) = cli(
        &["screen", "--rules", &rules, "--format", "json", deal],
        None,
    );
    assert_eq!(code, 3);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["counts"]["error"], 1);
    assert_eq!(report["summary"]["counts"]["triggered"], 1);
    // A rule error outranks findings at or above --fail-on.
    let (code, _, _) = cli(
        &["screen", "--rules", &rules, "--fail-on", "low", deal],
        None,
    );
    assert_eq!(code, 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_output_is_the_library_report() {
    let path = root().join("fixtures/deals/hsr-observer-only-stake.json");
    let (code, out, _) = cli(
        &[
            "screen",
            "--format",
            "json",
            "fixtures/deals/hsr-observer-only-stake.json",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(out.trim_end(), screen(&path).to_json());
}

#[test]
fn as_of_overrides_the_deal_dates() {
    let deal = "fixtures/deals/hsr-2025-threshold-change-closing-before.json";
    let (_, before, _) = cli(&["screen", "--format", "json", deal], None);
    let (_, after, _) = cli(
        &["screen", "--format", "json", "--as-of", "2025-02-21", deal],
        None,
    );
    let status = |s: &str| {
        let r: serde_json::Value = serde_json::from_str(s).unwrap();
        let f = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "us.hsr.filing")
            .cloned()
            .unwrap();
        (r["as_of"].clone(), f["status"].clone())
    };
    assert_eq!(
        status(&before),
        (
            serde_json::json!("2025-02-20"),
            serde_json::json!("triggered")
        )
    );
    assert_eq!(
        status(&after),
        (serde_json::json!("2025-02-21"), serde_json::json!("clear"))
    );
    let (code, _, err) = cli(&["screen", "--as-of", "2025-02-30", deal], None);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn schemas_are_json_schemas_of_deal_and_report() {
    let (code, out, _) = cli(&["schema", "deal"], None);
    assert_eq!(code, 0);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["title"], "dealscreen deal description, v1");
    assert_eq!(s["additionalProperties"], false);
    assert!(
        s["required"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("transaction"))
    );
    let (code, out, _) = cli(&["schema", "report"], None);
    assert_eq!(code, 0);
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(s["properties"]["findings"].is_object());
}

#[test]
fn deal_schema_snapshot() {
    let (_, out, _) = cli(&["schema", "deal"], None);
    insta::assert_snapshot!(out);
}

#[test]
fn the_embedded_pack_works_from_any_folder() {
    let deal = root().join("fixtures/deals/hsr-2024-just-above-threshold.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dealscreen"))
        .args(["screen", deal.to_str().unwrap()])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("TRIGGERED [high]  us.hsr.filing"));
}

#[test]
fn trace_lists_facts_parameters_and_the_decision() {
    let (code, _, err) = cli(
        &[
            "screen",
            "--trace",
            "us.hsr.filing",
            "fixtures/deals/hsr-2024-just-below-threshold.json",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        err.contains("fact /transaction/value_usd = 119000000"),
        "{err}"
    );
    assert!(
        err.contains("param us.hsr.size_of_transaction_usd on 2024-06-03"),
        "{err}"
    );
    assert!(err.contains("decided: clear"), "{err}");
    let (code, _, err) = cli(
        &[
            "screen",
            "--trace",
            "no.such.rule",
            "fixtures/deals/hsr-2024-just-below-threshold.json",
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(cli(&["screen"], None).0, 2);
    assert_eq!(cli(&["frobnicate"], None).0, 2);
    assert_eq!(cli(&["screen", "--fail-on", "severe", "x.json"], None).0, 2);
    assert_eq!(cli(&["screen", "no/such/file.json"], None).0, 2);
    assert_eq!(cli(&["--help"], None).0, 0);
}

#[test]
fn markdown_is_the_memo() {
    let (code, out, _) = cli(
        &[
            "screen",
            "--format",
            "markdown",
            "fixtures/deals/hsr-2024-just-above-threshold.json",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("# Screening memo: "), "{out}");
    assert!(
        out.contains(
            "| **▲ triggered (high)** | Is HSR premerger notification required? `us.hsr.filing` |"
        ),
        "{out}"
    );
}
