//! HTML building blocks shared by every HTML output (the memo, variant comparisons, the web
//! page): escaping, a link guard, verdict badges, tables, and one self-contained page shell.
//!
//! The shell is a single file: inline CSS only, no scripts, no fonts, images or stylesheets
//! from the network, so a memo can be mailed, archived and opened offline, and prints the
//! same tomorrow. Colours are never the only signal: every badge carries a symbol and a
//! word, so a black-and-white printout or a colour-blind reader loses nothing.

/// Escapes text for HTML element content and quoted attribute values.
///
/// `'` and `"` are escaped too, so the same function is safe inside either kind of quoted
/// attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The URL if it is safe to put in an `href`: `https:`, `http:` or `mailto:` only.
///
/// Citation URLs come from rule metadata, which a pack author writes; a `javascript:` or
/// `data:` URL there must not become a live link in a memo someone forwards.
pub fn safe_url(url: &str) -> Option<&str> {
    let lower = url.trim_start().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
        .then_some(url)
}

/// A link to `url` with `text` (escaped); plain escaped text when the URL is not safe.
pub fn link(text: &str, url: &str) -> String {
    match safe_url(url) {
        Some(u) => format!("<a href=\"{}\">{}</a>", escape(u), escape(text)),
        None => escape(text),
    }
}

/// The kind of answer a badge shows; each has a colour, a symbol and a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Action needed (a filing is required, a finding triggered).
    Alert,
    /// Nothing needed (not required, clear).
    Ok,
    /// Not decidable on the facts given (information needed).
    Unknown,
    /// Not applicable (a rule not in force on the date).
    Neutral,
    /// The answer failed (a rule error): unknown, fail closed.
    Error,
}

impl Tone {
    /// The symbol shown before the word, so the badge reads without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Tone::Alert => "\u{25B2}", // ▲
            Tone::Ok => "\u{2713}",    // ✓
            Tone::Unknown => "?",
            Tone::Neutral => "\u{2013}", // –
            Tone::Error => "\u{2717}",   // ✗
        }
    }

    /// The CSS class of the badge.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Alert => "alert",
            Tone::Ok => "ok",
            Tone::Unknown => "unknown",
            Tone::Neutral => "neutral",
            Tone::Error => "error",
        }
    }
}

/// A badge: symbol and escaped word in a coloured, bordered span.
pub fn badge(tone: Tone, text: &str) -> String {
    format!(
        "<span class=\"badge {}\"><span aria-hidden=\"true\">{}</span> {}</span>",
        tone.class(),
        tone.symbol(),
        escape(text)
    )
}

/// A table whose cells are already HTML (escape text cells with [`escape`]).
///
/// On a narrow screen the table reflows: each row becomes a card and each cell is
/// prefixed with its column heading (taken from `headers`, escaped); on paper and on wide
/// screens it is an ordinary grid.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table class=\"grid\">\n<thead><tr>");
    for h in headers {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let label = headers.get(i).map(|h| escape(h)).unwrap_or_default();
            out.push_str(&format!("<td data-label=\"{label}\">{cell}</td>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The page's style sheet, inline in [`page`]; public so a page with its own shell can
/// reuse it.
pub const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de;
  --alert: #a40e26; --alert-bg: #ffebe9; --ok: #1a7f37; --ok-bg: #dafbe1;
  --unknown: #7d4e00; --unknown-bg: #fff8c5; --neutral: #57606a; --neutral-bg: #eaeef2;
  --error: #6639ba; --error-bg: #fbefff; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 60em; padding: 1.5em 1.25em 3em; color: var(--ink);
  background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; overflow-wrap: break-word; }
h1 { font-size: 1.6em; line-height: 1.25; margin: 0 0 .3em; }
h2 { font-size: 1.3em; margin: 2em 0 .5em; padding-bottom: .2em; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.1em; margin: 1.6em 0 .4em; }
h4 { font-size: 1em; margin: 1.2em 0 .3em; }
p, ul, ol, dl { margin: .5em 0; }
ul, ol { padding-left: 1.4em; }
li { margin: .2em 0; }
a { color: #0550ae; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em;
  background: #f6f8fa; padding: .05em .3em; border-radius: 3px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
.small { font-size: .88em; }
.lead { font-size: 1.05em; }
.caution { border-left: 4px solid var(--unknown); background: var(--unknown-bg); padding: .5em .8em; }
.box { border: 1px solid var(--rule); border-radius: 6px; padding: .6em 1em; margin: 1em 0; }
dl.facts { display: grid; grid-template-columns: minmax(8em, max-content) 1fr; gap: .25em 1em; }
dl.facts dt { font-weight: 600; max-width: 22em; }
dl.facts dd { margin: 0; }
table.grid { border-collapse: collapse; width: 100%; margin: .8em 0; font-size: .92em; }
table.grid th, table.grid td { border: 1px solid var(--rule); padding: .35em .5em;
  text-align: left; vertical-align: top; }
table.grid thead th { background: #f6f8fa; }
.badge { display: inline-block; white-space: nowrap; font-weight: 600; font-size: .9em;
  padding: 0 .45em; border: 1px solid currentColor; border-radius: 4px; }
.badge.alert { color: var(--alert); background: var(--alert-bg); }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.unknown { color: var(--unknown); background: var(--unknown-bg); }
.badge.neutral { color: var(--neutral); background: var(--neutral-bg); }
.badge.error { color: var(--error); background: var(--error-bg); }
section.finding { border-top: 1px solid var(--rule); margin-top: 1.2em; }
footer { margin-top: 3em; border-top: 1px solid var(--rule); padding-top: .5em; }
@media (max-width: 40em) {
  body { padding: 1em .8em 2em; font-size: 15px; }
  h1 { font-size: 1.35em; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin: 0 0 .4em; }
  table.grid, table.grid thead, table.grid tbody, table.grid tr, table.grid td { display: block; width: 100%; }
  table.grid thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.grid tr { border: 1px solid var(--rule); border-radius: 6px; margin: 0 0 .8em; padding: .3em .5em; }
  table.grid td { border: none; padding: .2em 0; }
  table.grid td[data-label]::before { content: attr(data-label); display: block;
    font-size: .8em; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
}
@media print {
  @page { margin: 18mm 16mm; }
  * { background: transparent !important; box-shadow: none !important; }
  body { max-width: none; padding: 0; font-size: 10.5pt; color: #000; }
  a { color: #000; text-decoration: underline; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; overflow-wrap: anywhere; }
  .badge { border: 1px solid #000; color: #000 !important; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  section.major { break-before: page; page-break-before: always; }
  tr, li, .badge { break-inside: avoid; page-break-inside: avoid; }
  table.grid thead { display: table-header-group; }
}
"#;

/// A whole HTML document: `title` (escaped) and `body` (already HTML) in the shell with
/// [`STYLE`] inline.
pub fn page(title: &str, body: &str) -> String {
    page_with_head(title, "", body)
}

/// Like [`page`], with extra markup (already HTML, e.g. a `<style>` block) appended to the
/// document's `<head>`; for pages that need more than the shared style.
pub fn page_with_head(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n{head}</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("plain €"), "plain €");
    }

    #[test]
    fn links_only_to_web_and_mail() {
        assert_eq!(
            link("15 U.S.C. 18a", "https://example.org/a?b=1&c=2"),
            "<a href=\"https://example.org/a?b=1&amp;c=2\">15 U.S.C. 18a</a>"
        );
        assert_eq!(link("x<y", "javascript:alert(1)"), "x&lt;y");
        assert_eq!(safe_url(" data:text/html,hi"), None);
        assert_eq!(safe_url("HTTPS://EXAMPLE.ORG"), Some("HTTPS://EXAMPLE.ORG"));
    }

    #[test]
    fn badges_read_without_colour() {
        let b = badge(Tone::Alert, "filing required");
        assert!(b.contains("\u{25B2}") && b.contains("filing required"));
        assert!(badge(Tone::Unknown, "a<b").contains("a&lt;b"));
    }

    #[test]
    fn tables_label_cells_for_phones() {
        let t = table(
            &["rule", "a&b"],
            &[vec!["<code>x</code>".into(), "y".into()]],
        );
        assert!(t.contains("<td data-label=\"a&amp;b\">y</td>"));
        assert!(t.contains("<td data-label=\"rule\"><code>x</code></td>"));
    }

    #[test]
    fn page_is_self_contained() {
        let p = page("A & B", "<p>hi</p>\n");
        assert!(p.starts_with("<!DOCTYPE html>"));
        assert!(p.contains("<title>A &amp; B</title>"));
        assert!(!p.contains("<script") && !p.contains("<link") && !p.contains("@import"));
        assert!(p.contains("@media print") && p.contains("@media (max-width: 40em)"));
    }
}
