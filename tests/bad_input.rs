//! Malformed deals: each is rejected with an error naming the JSON pointer of the problem,
//! the command exits 2, and nothing is screened from it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::BTreeMap;

use common::*;
use dealscreen::ParsedDeal;

fn invalid_fixtures() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root().join("fixtures/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn expected_pointers() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("fixtures/invalid-pointers.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_malformed_deal_names_its_pointer() {
    let expected = expected_pointers();
    let files = invalid_fixtures();
    assert!(files.len() >= 15, "only {} malformed fixtures", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = stem(path);
        let want = expected
            .get(&name)
            .unwrap_or_else(|| panic!("{name}: no entry in fixtures/invalid-pointers.json"));
        let bytes = std::fs::read(path).unwrap();
        match ParsedDeal::from_slice(&bytes) {
            Ok(_) => failures.push(format!("{name}: accepted")),
            Err(e) if &e.pointer != want => failures.push(format!(
                "{name}: pointer `{}` (want `{want}`): {e}",
                e.pointer
            )),
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_messages_are_reviewed() {
    // One snapshot of every message, so their wording is reviewed like any output.
    let mut all = String::new();
    for path in invalid_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let err = ParsedDeal::from_slice(&bytes).unwrap_err();
        all.push_str(&format!("{}: {err}\n", stem(&path)));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn the_cli_exits_2_and_screens_nothing() {
    let expected = expected_pointers();
    for path in invalid_fixtures() {
        let rel = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let (code, stdout, stderr) = cli(&["screen", "--format", "json", &rel], None);
        assert_eq!(code, 2, "{rel}: {stderr}");
        assert_eq!(stdout.trim(), "", "{rel}: something was screened");
        let pointer = &expected[&stem(&path)];
        let shown = if pointer.is_empty() {
            "(document)"
        } else {
            pointer.as_str()
        };
        assert!(
            stderr.contains(shown),
            "{rel}: stderr does not name `{shown}`:\n{stderr}"
        );
    }
}

#[test]
fn a_bad_deal_does_not_stop_the_good_ones() {
    let (code, stdout, _) = cli(
        &[
            "screen",
            "--format",
            "json",
            "fixtures/invalid/pct-over-100.json",
            "fixtures/deals/hsr-2024-just-above-threshold.json",
        ],
        None,
    );
    assert_eq!(code, 2);
    let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(reports.as_array().map(Vec::len), Some(1));
}

#[test]
fn stdin_is_a_deal_source() {
    let bytes =
        std::fs::read(root().join("fixtures/deals/hsr-2024-just-above-threshold.json")).unwrap();
    let (code, stdout, _) = cli(&["screen", "--format", "json", "-"], Some(&bytes));
    assert_eq!(code, 0);
    assert!(stdout.contains("\"id\": \"hsr-2024-just-above-threshold\""));
    let (code, _, stderr) = cli(&["screen", "-"], Some(b"{not json"));
    assert_eq!(code, 2);
    assert!(stderr.contains("<stdin>"), "{stderr}");
}

#[test]
fn a_deal_without_any_date_is_refused_not_guessed() {
    let deal = br#"{"id":"no-date","acquirer":{"name":"A"},"target":{"name":"T"},"transaction":{"instrument":"assets","value_usd":5e8}}"#;
    let (code, _, stderr) = cli(&["screen", "-"], Some(deal));
    assert_eq!(code, 2);
    assert!(stderr.contains("no date to screen as of"), "{stderr}");
    let (code, _, _) = cli(&["screen", "--as-of", "2025-03-01", "-"], Some(deal));
    assert_ne!(code, 2);
}
