//! The screening memo: Markdown and HTML snapshots of chosen fixtures (the Amazon–Anthropic
//! tranches, the Microsoft–OpenAI observer seat, an HSR, an EU, a concentration and an
//! insufficient-data deal), plus checks a careless snapshot accept cannot hide: every
//! section is there, the HTML loads nothing from the network and its tags balance, text is
//! escaped, output is deterministic, and `screen --format html` handles several deals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use common::*;
use dealscreen::matrix::{Fee, MatrixRow, Obligation, Verdict};
use dealscreen::memo::Memo;
use dealscreen::timeline::{Milestone, RegimeTimeline, Timeline};
use dealscreen::{Date, ParsedDeal, Report, ScreenOptions};

/// The fixtures whose memos are snapshotted.
const MEMO_FIXTURES: [&str; 8] = [
    "amazon-anthropic-2023-first-tranche",
    "amazon-anthropic-2024-second-tranche",
    "amazon-anthropic-2024-november-further-investment",
    "microsoft-openai-2023-observer-seat",
    "hsr-passive-stake-with-board-seat",
    "merger-eu-art1-2-full-acquisition-above-thresholds",
    "antitrust-hhi-2024-highly-concentrated-merger",
    "hsr-missing-size-of-person-facts",
];

const SECTIONS: [&str; 9] = [
    "Summary",
    "Filing matrix",
    "The notifiable event",
    "Regime by regime",
    "Substantive risk",
    "Timeline",
    "Information requests",
    "What-if",
    "Audit",
];

fn deal(name: &str) -> ParsedDeal {
    parse(&root().join(format!("fixtures/deals/{name}.json")))
}

fn memo_of(deal: &ParsedDeal) -> (Report, Memo) {
    let opts = ScreenOptions::default();
    let report = shipped().screen(deal, &opts).unwrap();
    let whatif = dealscreen::whatif::analyse(shipped(), deal, &opts).unwrap();
    let memo = Memo::new(&report, deal, Some(&whatif));
    (report, memo)
}

fn redacted<F: FnOnce()>(f: F) {
    let mut settings = insta::Settings::clone_current();
    // The pack digest changes with any rule edit and the version with any release; both are
    // asserted below instead.
    settings.add_filter(
        r"(libraries and parameter tables (?:<code>|`))[0-9a-f]{64}",
        "$1[pack digest]",
    );
    settings.add_filter(r"dealscreen \d+\.\d+\.\d+", "dealscreen [version]");
    settings.bind(f);
}

#[test]
fn markdown_memos() {
    for name in MEMO_FIXTURES {
        let (_, memo) = memo_of(&deal(name));
        let md = memo.to_markdown();
        redacted(|| insta::assert_snapshot!(format!("{name}.md"), md));
    }
}

#[test]
fn html_memos() {
    for name in MEMO_FIXTURES {
        let (_, memo) = memo_of(&deal(name));
        // The page shell (style sheet) is the same for every memo: the body is what varies.
        let body = memo.to_html_body();
        redacted(|| insta::assert_snapshot!(format!("{name}.html"), body));
    }
}

#[test]
fn every_section_is_in_both_formats_in_order() {
    for name in MEMO_FIXTURES {
        let (report, memo) = memo_of(&deal(name));
        assert_eq!(memo.headings(), SECTIONS);
        let md = memo.to_markdown();
        let html = memo.to_html();
        let mut md_at = 0;
        let mut html_at = 0;
        for s in SECTIONS {
            let m = md[md_at..]
                .find(&format!("\n## {s}\n"))
                .unwrap_or_else(|| panic!("{name}: markdown lacks `{s}` after byte {md_at}"));
            md_at += m + 1;
            let h = html[html_at..]
                .find(&format!("<h2>{s}</h2>"))
                .unwrap_or_else(|| panic!("{name}: html lacks `{s}` after byte {html_at}"));
            html_at += h + 1;
        }
        // The audit block carries the real digests and date.
        for text in [&md, &html] {
            assert!(text.contains(&report.deal.digest), "{name}");
            assert!(text.contains(&report.ruleset.digest), "{name}");
            assert!(text.contains(&report.as_of.to_string()), "{name}");
            assert!(text.contains(env!("CARGO_PKG_VERSION")), "{name}");
            assert!(text.contains("801.90"), "{name}: the what-if caution");
        }
        for q in &report.information_requests {
            assert!(md.contains(&format!("`{}`", q.pointer)), "{name}");
            assert!(
                html.contains(&format!("<code>{}</code>", q.pointer)),
                "{name}"
            );
        }
    }
}

/// The value of attribute `attr` in each tag named `tag`, e.g. every `href` of `<a>`.
fn attributes<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let open = format!("<{tag} ");
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let end = rest[at..].find('>').unwrap() + at;
        let t = &rest[at..end];
        if let Some(v) = t.find(&format!("{attr}=\"")) {
            let v = &t[v + attr.len() + 2..];
            out.push(&v[..v.find('"').unwrap()]);
        }
        rest = &rest[end..];
    }
    out
}

/// Every element closed in order (void elements excepted); text holds no raw `<`.
fn assert_balanced(html: &str, name: &str) {
    const VOID: [&str; 4] = ["meta", "br", "hr", "img"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let end = rest[at..]
            .find('>')
            .unwrap_or_else(|| panic!("{name}: unclosed `<`"))
            + at;
        let tag = &rest[at + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(closing) = tag.strip_prefix('/') {
            let top = stack.pop();
            assert_eq!(
                top.as_deref(),
                Some(closing),
                "{name}: `</{closing}>` closes {top:?}"
            );
            continue;
        }
        let tname: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!tname.is_empty(), "{name}: raw `<` in text: {tag}");
        if !VOID.contains(&tname.as_str()) {
            stack.push(tname);
        }
    }
    assert!(stack.is_empty(), "{name}: left open: {stack:?}");
}

#[test]
fn html_is_self_contained_and_well_formed() {
    for name in MEMO_FIXTURES {
        let (report, memo) = memo_of(&deal(name));
        let html = memo.to_html();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert_balanced(&html, name);
        let lower = html.to_ascii_lowercase();
        for forbidden in [
            "<script",
            "<link",
            "<img",
            "<iframe",
            "<object",
            "<embed",
            "<source",
            " src=",
            "@import",
            "url(",
            "@font-face",
        ] {
            assert!(!lower.contains(forbidden), "{name}: `{forbidden}`");
        }
        // Links: internal anchors, or citations (web addresses) in <a> only.
        let hrefs = attributes(&html, "a", "href");
        assert_eq!(lower.matches("href=").count(), hrefs.len(), "{name}");
        let mut cited = 0;
        for h in hrefs {
            if let Some(id) = h.strip_prefix('#') {
                assert!(html.contains(&format!("id=\"{id}\"")), "{name}: #{id}");
            } else {
                assert!(h.starts_with("https://") || h.starts_with("http://"), "{h}");
                cited += 1;
            }
        }
        let with_url = report
            .findings
            .iter()
            .flat_map(|f| &f.citations)
            .filter(|c| c.url.is_some())
            .count();
        assert!(cited > 0 && cited <= with_url, "{name}: {cited} links");
    }
}

#[test]
fn memos_are_deterministic() {
    let d = deal("amazon-anthropic-2024-november-further-investment");
    let (_, a) = memo_of(&d);
    let (_, b) = memo_of(&d);
    assert_eq!(a.to_markdown(), b.to_markdown());
    assert_eq!(a.to_html(), b.to_html());
}

#[test]
fn deal_text_is_escaped() {
    let mut doc = (*deal("hsr-2024-just-above-threshold").canonical).clone();
    doc["name"] = "A <script>alert(1)</script> & *B* | C_".into();
    doc["target"]["name"] = "T \"quoted\" <b>".into();
    let d = ParsedDeal::from_value(doc).unwrap();
    let (_, memo) = memo_of(&d);
    let html = memo.to_html();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("A &lt;script&gt;alert(1)&lt;/script&gt; &amp; *B* | C_"));
    assert!(html.contains("T &quot;quoted&quot; &lt;b&gt;"));
    assert_balanced(&html, "escaped");
    let md = memo.to_markdown();
    assert!(
        md.starts_with("# Screening memo: A \\<script>alert(1)\\</script> & \\*B\\* \\| C\\_\n"),
        "{md}"
    );
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

#[test]
fn matrix_and_timeline_render_when_present_and_say_so_when_absent() {
    let d = deal("hsr-passive-stake-with-board-seat");
    let (mut report, _) = memo_of(&d);
    report.matrix.clear();
    report.timeline = None;
    let bare = Memo::new(&report, &d, None);
    let md = bare.to_markdown();
    assert!(
        md.contains("No filing matrix is recorded in this report."),
        "{md}"
    );
    assert!(md.contains("No clearance timeline"), "{md}");
    assert!(md.contains("## What-if\n\nNot run for this memo."), "{md}");
    // No regimes, no verdict: the bottom line must not say that no filing is required.
    assert!(
        md.contains("**Bottom line.** This rule pack describes no filing regimes"),
        "{md}"
    );
    assert!(!md.contains("No filing is required"), "{md}");

    report.matrix = vec![MatrixRow {
        regime: "us.hsr".into(),
        name: "US HSR premerger notification".into(),
        jurisdiction: "US".into(),
        verdict: Verdict::FilingRequired,
        decided_by: "us.hsr.filing".into(),
        obligation: Obligation::Mandatory,
        suspensory: true,
        when_to_file: "before closing".into(),
        review_clock: "30 calendar days from both filings".into(),
        clock_unit: None,
        clock_short: Some("30 calendar days".into()),
        extension: Some("Second Request: 30 days after substantial compliance".into()),
        who_files: "both parties".into(),
        fee: Some(Fee {
            amount: 105000.0,
            currency: "USD".into(),
            text: "$105,000: the 2024 tier".into(),
            at_least: false,
            rule: "us.hsr.filing".into(),
        }),
        penalty: "civil penalty per day".into(),
        sources: vec!["regulatory-facts §10".into()],
        notes: vec!["UNCONFIRMED: a test note".into()],
        remarks: vec!["a voluntary filing is possible".into()],
        missing: vec![],
    }];
    report.timeline = Some(Timeline {
        signing: Some(date("2024-08-01")),
        filing: date("2024-08-01"),
        filing_assumed: true,
        filing_basis: "no filing date given: the signing date is assumed".into(),
        outside: Some(date("2024-09-01")),
        regimes: vec![RegimeTimeline {
            regime: "us.hsr".into(),
            name: "US HSR premerger notification".into(),
            earliest: Milestone {
                date: date("2024-09-03"),
                basis: "30 calendar days end on Saturday; rolled to Tuesday".into(),
            },
            typical: None,
            worst: None,
            passes_outside: true,
            unbounded: false,
            estimate: false,
            notes: vec!["Second Request length unbounded".into()],
        }],
        drives_closing: Some("us.hsr".into()),
        drives_closing_basis: Some("the only suspensory regime".into()),
        notes: vec![],
    });
    let memo = Memo::new(&report, &d, None);
    let md = memo.to_markdown();
    let html = memo.to_html_body();
    assert!(
        md.contains("- **Filing required:** US HSR premerger notification\n"),
        "{md}"
    );
    assert!(
        md.contains("- **Drives closing:** US HSR premerger notification\n"),
        "{md}"
    );
    assert!(md.contains("| US HSR premerger notification (US) | **▲ filing required** by `us.hsr.filing` | mandatory, suspensory | 30 calendar days; extensions possible | $105,000 |"), "{md}");
    assert!(
        md.contains("### US HSR premerger notification (US)\n"),
        "{md}"
    );
    assert!(
        md.contains("- **Fee:** $105,000: the 2024 tier (computed by `us.hsr.filing`)"),
        "{md}"
    );
    assert!(md.contains("- **UNCONFIRMED**: a test note"), "{md}");
    assert!(
        md.contains("- **Filing:** 2024-08-01 **? assumed**: No filing date given"),
        "{md}"
    );
    assert!(
        md.contains(
            "| US HSR premerger notification | 2024-09-03 | no sourced figure | no legal bound | **▲ yes** |"
        ),
        "{md}"
    );
    assert!(html.contains(
        "<span class=\"badge alert\"><span aria-hidden=\"true\">▲</span> filing required</span>"
    ));
    // The deciding finding opens its regime's section.
    let regime = &md[md.find("### US HSR premerger notification (US)").unwrap()..];
    let first = regime.find("`us.hsr.filing`").unwrap();
    let other = regime.find("`us.hsr.passive_exemption_at_risk`").unwrap();
    assert!(first < other);
}

#[test]
fn cli_writes_the_memo_and_one_file_per_deal_in_out_dir() {
    let one = "fixtures/deals/microsoft-openai-2023-observer-seat.json";
    let (code, out, err) = cli(&["screen", "--format", "html", one], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert!(out.contains("<h1>Screening memo: Microsoft takes a non-voting board observer seat"));

    let two = "fixtures/deals/hsr-2024-just-above-threshold.json";
    let (code, out, err) = cli(&["screen", "--format", "html", one, two], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("add --out-dir DIR"), "{err}");

    let (code, _, err) = cli(&["screen", "--format", "json", "--out-dir", "x", one], None);
    assert_eq!(code, 2);
    assert!(err.contains("--out-dir writes one memo per deal"), "{err}");

    let dir = std::env::temp_dir().join(format!("dealscreen-memo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_string_lossy().into_owned();
    // The same deal twice: the second memo gets its own file, not the first one's.
    let (code, out, err) = cli(
        &["screen", "--format", "html", "--out-dir", &d, one, two, one],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "hsr-2024-just-above-threshold.html",
            "microsoft-openai-2023-observer-seat-2.html",
            "microsoft-openai-2023-observer-seat.html",
        ]
    );
    let a = std::fs::read_to_string(dir.join("microsoft-openai-2023-observer-seat.html")).unwrap();
    let b =
        std::fs::read_to_string(dir.join("microsoft-openai-2023-observer-seat-2.html")).unwrap();
    assert_eq!(a, b);
    assert!(a.starts_with("<!DOCTYPE html>"));

    let (code, _, err) = cli(
        &["screen", "--format", "markdown", "--out-dir", &d, two],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.join("hsr-2024-just-above-threshold.md")).unwrap();
    assert!(md.starts_with("# Screening memo: "));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_bottom_line_says_what_to_file_when_and_what_is_open() {
    // Both filings with the HSR fee; EU Phase I (25 working days from 2025-02-17) clears
    // last of the initial periods, on 2025-03-24.
    let (_, memo) = memo_of(&deal("merger-eu-art1-2-full-acquisition-above-thresholds"));
    let md = memo.to_markdown();
    assert!(
        md.contains("**Bottom line.** File: EU merger control (EUMR); US HSR premerger notification (fee $830,000). Earliest clearance of every required suspensory filing: 2025-03-24, with the filings assumed made on 2025-02-17.\n"),
        "{md}"
    );
    assert!(!md.contains("comes before that"));

    // The same deal planned to close on 2025-03-10: before the waiting periods end.
    let text = std::fs::read_to_string(
        root().join("fixtures/deals/merger-eu-art1-2-full-acquisition-above-thresholds.json"),
    )
    .unwrap()
    .replace("\"closing\": \"2025-06-30\"", "\"closing\": \"2025-03-10\"");
    let early = ParsedDeal::from_slice(text.as_bytes()).unwrap();
    assert_eq!(
        early
            .deal
            .dates
            .as_ref()
            .and_then(|d| d.closing)
            .map(|d| d.to_string()),
        Some("2025-03-10".to_string())
    );
    let (_, memo) = memo_of(&early);
    assert!(
        memo.to_markdown()
            .contains("**The planned closing date 2025-03-10 comes before that: closing then would breach a waiting period.**"),
        "{}",
        memo.to_markdown()
    );

    // Undecided suspensory regimes: no filing yet, and do not close until they are settled.
    let (_, memo) = memo_of(&deal("amazon-anthropic-2023-first-tranche"));
    let md = memo.to_markdown();
    assert!(md.contains("**Bottom line.** No filing is required so far under the regimes screened. Still open: German merger control (Bundeskartellamt);"), "{md}");
    assert!(md.contains("Until they are settled, do not close"));
}
