//! Hostile and broken rule scripts: each ends as `error` for that rule only, with its
//! position, and the other rules of the pack still answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use dealscreen::{Limits, ParsedDeal, RuleSet, ScreenOptions, SourceFile, Status};

const GOOD: &str = r#"
const RULE = #{ id: "xx.test.good", title: "good", regime: "Test", severity: "low",
                citations: ["none"], version: "1" };
fn evaluate() {
    let v = need("/transaction/value_usd");
    if v > 100 { triggered(`value ${usd(v)}`) } else { clear("small") }
}
"#;

fn rule(name: &str, body: &str) -> SourceFile {
    SourceFile {
        path: format!("xx/test/{name}.rhai"),
        text: format!(
            "const RULE = #{{ id: \"xx.test.{name}\", title: \"{name}\", regime: \"Test\", severity: \"low\", citations: [\"none\"], version: \"1\" }};\n{body}\n"
        ),
    }
}

fn deal() -> ParsedDeal {
    ParsedDeal::from_slice(
        br#"{"id":"d","dates":{"signing":"2025-01-01"},"acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{"value_usd":500}}"#,
    )
    .unwrap()
}

fn screen_with(hostile: SourceFile) -> (Status, String, Status) {
    let files = vec![
        SourceFile {
            path: "xx/test/good.rhai".into(),
            text: GOOD.into(),
        },
        hostile.clone(),
    ];
    // The default 500 ms wall clock can fire first on a loaded machine; these tests are
    // about the other limits, so the clock is given room (its own test sets it tight).
    let limits = Limits {
        max_time: std::time::Duration::from_secs(60),
        ..Limits::default()
    };
    let set = RuleSet::load_with_limits(&files, limits).unwrap();
    let report = set.screen(&deal(), &ScreenOptions::default()).unwrap();
    let id = format!(
        "xx.test.{}",
        hostile
            .path
            .trim_start_matches("xx/test/")
            .trim_end_matches(".rhai")
    );
    let h = report.findings.iter().find(|f| f.rule == id).unwrap();
    let g = report
        .findings
        .iter()
        .find(|f| f.rule == "xx.test.good")
        .unwrap();
    assert_eq!(
        report.summary.counts.error,
        usize::from(h.status == Status::Error)
    );
    (h.status, h.explanation.clone(), g.status)
}

fn assert_error(hostile: SourceFile, expect: &str) {
    let (status, explanation, good) = screen_with(hostile);
    assert_eq!(status, Status::Error, "{explanation}");
    assert!(
        explanation.contains(expect),
        "expected `{expect}` in: {explanation}"
    );
    assert!(explanation.contains("fail closed"), "{explanation}");
    assert_eq!(good, Status::Triggered, "the other rule must still run");
}

#[test]
fn infinite_loop_hits_the_operations_limit() {
    assert_error(
        rule("spin", "fn evaluate() { let x = 0; loop { x += 1; } }"),
        "operations limit",
    );
}

#[test]
fn runaway_recursion_hits_the_call_depth_limit() {
    assert_error(
        rule(
            "deep",
            "fn down(n) { down(n + 1) }\nfn evaluate() { down(0) }",
        ),
        "call-depth limit",
    );
}

#[test]
fn huge_string_hits_the_size_limit() {
    assert_error(
        rule("big", "fn evaluate() { let s = \"x\"; loop { s += s; } }"),
        "size limit",
    );
}

#[test]
fn huge_array_hits_the_size_limit() {
    assert_error(
        rule("wide", "fn evaluate() { let a = []; loop { a.push(1); } }"),
        "size limit",
    );
}

#[test]
fn wall_clock_limit_stops_slow_rules() {
    let limits = Limits {
        max_operations: 0,
        max_time: std::time::Duration::from_millis(50),
        ..Limits::default()
    };
    let files = vec![rule(
        "slow",
        "fn evaluate() { let x = 0; loop { x += 1; } }",
    )];
    let set = RuleSet::load_with_limits(&files, limits).unwrap();
    let report = set.screen(&deal(), &ScreenOptions::default()).unwrap();
    assert_eq!(report.findings[0].status, Status::Error);
    assert!(
        report.findings[0].explanation.contains("time limit"),
        "{}",
        report.findings[0].explanation
    );
}

#[test]
fn syntax_error_is_an_error_finding_with_file_line_and_column() {
    let files = vec![
        SourceFile {
            path: "xx/test/good.rhai".into(),
            text: GOOD.into(),
        },
        rule("broken", "fn evaluate() {\n    let x = 1 +;\n}"),
    ];
    let set = RuleSet::load(&files).unwrap();
    assert_eq!(set.problems().len(), 1);
    assert_eq!(set.problems()[0].location(), "xx/test/broken.rhai:3:16");
    let report = set.screen(&deal(), &ScreenOptions::default()).unwrap();
    let broken = report
        .findings
        .iter()
        .find(|f| f.rule == "xx.test.broken")
        .unwrap();
    assert_eq!(broken.status, Status::Error);
    assert!(
        broken
            .explanation
            .contains("rules/xx/test/broken.rhai:3:16"),
        "{}",
        broken.explanation
    );
    let good = report
        .findings
        .iter()
        .find(|f| f.rule == "xx.test.good")
        .unwrap();
    assert_eq!(good.status, Status::Triggered);
}

#[test]
fn runtime_error_names_the_position() {
    let (status, explanation, _) =
        screen_with(rule("oops", "fn evaluate() {\n  let m = #{};\n  m.nope\n}"));
    assert_eq!(status, Status::Error);
    assert!(
        explanation.contains("rules/xx/test/oops.rhai:4:5"),
        "{explanation}"
    );
}

#[test]
fn eval_is_not_available() {
    let files = vec![rule("ev", "fn evaluate() { eval(\"clear(\\\"x\\\")\") }")];
    let set = RuleSet::load(&files).unwrap();
    assert_eq!(set.problems().len(), 1, "eval must not compile");
    assert_eq!(
        set.screen(&deal(), &ScreenOptions::default())
            .unwrap()
            .findings[0]
            .status,
        Status::Error
    );
}

#[test]
fn no_clock_no_sleep_no_files() {
    for body in [
        "fn evaluate() { sleep(10); clear(\"x\") }",
        "fn evaluate() { let t = timestamp(); clear(\"x\") }",
        "fn evaluate() { import \"std\" as s; clear(\"x\") }",
    ] {
        let (status, explanation, _) = screen_with(rule("io", body));
        assert_eq!(status, Status::Error, "{body}: {explanation}");
    }
}

#[test]
fn undefined_variables_are_compile_errors() {
    let files = vec![rule("strict", "fn evaluate() { clear(undefined_thing) }")];
    let set = RuleSet::load(&files).unwrap();
    assert_eq!(set.problems().len(), 1);
    assert!(
        set.problems()[0].message.contains("undefined_thing"),
        "{:?}",
        set.problems()
    );
}

#[test]
fn malformed_return_values_are_errors() {
    for (body, expect) in [
        ("fn evaluate() { 42 }", "must return"),
        (
            "fn evaluate() { #{ status: \"maybe\", explanation: \"x\" } }",
            "status `maybe`",
        ),
        (
            "fn evaluate() { #{ status: \"clear\" } }",
            "no `explanation`",
        ),
        (
            "fn evaluate() { #{ status: \"not_in_force\", explanation: \"x\" } }",
            "not one a rule may return",
        ),
        (
            "fn evaluate() { let f = clear(\"x\"); f.surprise = \"y\"; f }",
            "unknown key `surprise`",
        ),
        (
            "fn evaluate() { triggered(\"x\", \"urgent\") }",
            "not a severity",
        ),
    ] {
        let (status, explanation, _) = screen_with(rule("ret", body));
        assert_eq!(status, Status::Error, "{body}");
        assert!(explanation.contains(expect), "{body}: {explanation}");
    }
}

#[test]
fn a_caught_missing_fact_still_fails_closed() {
    let (status, explanation, _) = screen_with(rule(
        "sneaky",
        "fn evaluate() { try { need(\"/transaction/voting_pct_after\"); } catch { } clear(\"nothing to see\") }",
    ));
    assert_eq!(status, Status::InsufficientData, "{explanation}");
}

#[test]
fn reading_a_pointer_that_is_not_a_pointer_is_an_error() {
    let (status, explanation, _) = screen_with(rule(
        "ptr",
        "fn evaluate() { need(\"transaction/value_usd\") }",
    ));
    assert_eq!(status, Status::Error);
    assert!(explanation.contains("not a JSON pointer"), "{explanation}");
}
