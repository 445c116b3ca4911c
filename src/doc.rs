//! The document model every prose output is built in (the screening memo, the variant
//! comparison), and its two renderers: Markdown and HTML.
//!
//! An output is built once as a [`Document`] (sections of headings, paragraphs, lists, tables
//! and term/value pairs made of styled runs) and then rendered: both formats say exactly the
//! same thing, and neither renderer decides anything. What differs between the formats is
//! markup only: a badge is a coloured span in HTML and a bold symbol and word in Markdown; a
//! card is a boxed `div` in HTML and nothing in Markdown.

use crate::finding::Status;
use crate::html::{self, Tone};
use crate::matrix::Verdict;

/// A run of text with one style.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Inline {
    /// Plain text.
    Text(String),
    /// A rule id, a pointer, a parameter name: set in code type.
    Code(String),
    /// Bold text.
    Strong(String),
    /// Emphasised text (a section's name in a cross-reference).
    Emph(String),
    /// Link text and URL; rendered as plain text when the URL is not safe.
    Link(String, String),
    /// An answer (verdict, status): symbol and word, coloured in HTML.
    Badge(Tone, String),
    /// Text that must not wrap (a date, whose hyphens browsers would break at).
    NoWrap(String),
    /// Text that stands for nothing to say (a dash in an empty cell): grey in HTML.
    Muted(String),
    /// A line break inside a table cell. Markdown table cells cannot hold one, so there it
    /// is "; ", which reads as the same list of parts.
    Break,
}

/// A line of styled runs.
pub(crate) type Line = Vec<Inline>;

/// A block of a section.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Block {
    /// A heading within a section (`###`, `<h3>`).
    Heading(Line),
    /// A heading below [`Block::Heading`] (`####`, `<h4>`).
    SubHeading(Line),
    /// A paragraph.
    Para(Line),
    /// A paragraph a reader must not miss, with an optional bold label ("Caution:").
    Callout(Option<&'static str>, Line),
    /// A bulleted list; nothing when empty.
    List(Vec<Line>),
    /// A numbered list.
    Numbered(Vec<Line>),
    /// Column headings and rows of cells.
    Table(Vec<String>, Vec<Vec<Line>>),
    /// Terms and their values; nothing when empty.
    Pairs(Vec<(String, Line)>),
    /// One finding, boxed in HTML so findings read as separate cards.
    Card(Vec<Block>),
    /// Secondary matter (bases, caveats, cross-references), set small in HTML.
    Small(Vec<Block>),
}

impl Block {
    /// A table with fixed column headings.
    pub(crate) fn table(headers: &[&str], rows: Vec<Vec<Line>>) -> Block {
        Block::Table(headers.iter().map(|h| (*h).to_string()).collect(), rows)
    }
}

/// A section: a second-level heading and its blocks.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Section {
    /// The HTML anchor (`#id`).
    pub(crate) id: &'static str,
    /// The heading.
    pub(crate) title: &'static str,
    /// Start the section on a new page when printed.
    pub(crate) page_break: bool,
    /// The content.
    pub(crate) blocks: Vec<Block>,
}

/// A whole document: title, lead, what comes before the first section, sections, footer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Document {
    /// The HTML class of the `<article>` (what kind of document this is).
    pub(crate) kind: &'static str,
    /// The first-level heading.
    pub(crate) title: String,
    /// The paragraph under the title.
    pub(crate) lead: Line,
    /// Show a table of contents (links to the sections) in HTML.
    pub(crate) contents: bool,
    /// Blocks between the lead and the first section.
    pub(crate) intro: Vec<Block>,
    /// The sections, in order.
    pub(crate) sections: Vec<Section>,
    /// A closing line after the last section (a disclaimer).
    pub(crate) footer: Option<Line>,
}

/// Plain text.
pub(crate) fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Code type.
pub(crate) fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// Bold.
pub(crate) fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

pub(crate) use crate::format::capitalise;

/// The tone of a finding's status: one mapping, so every document colours answers alike.
pub(crate) fn status_tone(s: Status) -> Tone {
    match s {
        Status::Triggered => Tone::Alert,
        Status::Clear => Tone::Ok,
        Status::InsufficientData => Tone::Unknown,
        Status::NotInForce => Tone::Neutral,
        Status::Error => Tone::Error,
    }
}

/// The tone of a filing-matrix verdict.
pub(crate) fn verdict_tone(v: Verdict) -> Tone {
    match v {
        Verdict::FilingRequired => Tone::Alert,
        Verdict::NotRequired => Tone::Ok,
        Verdict::CannotDetermine | Verdict::NotScreened => Tone::Unknown,
        Verdict::NotInForce => Tone::Neutral,
        Verdict::Error => Tone::Error,
    }
}

impl Document {
    /// The document as Markdown (CommonMark with GitHub tables).
    pub(crate) fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n{}\n", md_text(&self.title), md_line(&self.lead));
        for b in &self.intro {
            md_block(b, &mut out);
        }
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n", s.title));
            for b in &s.blocks {
                md_block(b, &mut out);
            }
        }
        if let Some(f) = &self.footer {
            out.push_str(&format!("\n---\n\n{}\n", md_line(f)));
        }
        out
    }

    /// The document as an HTML fragment (`<article>`), for a page that has its own shell.
    pub(crate) fn to_html_body(&self) -> String {
        let mut out = format!("<article class=\"{}\">\n<header>\n", self.kind);
        out.push_str(&format!(
            "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n",
            html::escape(&self.title),
            html_line(&self.lead)
        ));
        if self.contents {
            out.push_str("<nav class=\"small\" aria-label=\"Contents\">Contents: ");
            let links: Vec<String> = self
                .sections
                .iter()
                .map(|s| format!("<a href=\"#{}\">{}</a>", s.id, html::escape(s.title)))
                .collect();
            out.push_str(&links.join(" · "));
            out.push_str("</nav>\n");
        }
        out.push_str("</header>\n");
        for b in &self.intro {
            html_block(b, &mut out);
        }
        for s in &self.sections {
            out.push_str(&format!(
                "<section id=\"{}\"{}>\n<h2>{}</h2>\n",
                s.id,
                if s.page_break { " class=\"major\"" } else { "" },
                html::escape(s.title)
            ));
            for b in &s.blocks {
                html_block(b, &mut out);
            }
            out.push_str("</section>\n");
        }
        if let Some(f) = &self.footer {
            out.push_str(&format!(
                "<footer class=\"muted small\">{}</footer>\n",
                html_line(f)
            ));
        }
        out.push_str("</article>\n");
        out
    }
}

/// A line as plain text: the words without their styles (a badge without its symbol), for
/// outputs that lay text out themselves.
pub(crate) fn plain(line: &Line) -> String {
    let mut out = String::new();
    for i in line {
        match i {
            Inline::Text(s)
            | Inline::Code(s)
            | Inline::Strong(s)
            | Inline::Emph(s)
            | Inline::Link(s, _)
            | Inline::Badge(_, s)
            | Inline::NoWrap(s)
            | Inline::Muted(s) => out.push_str(s),
            Inline::Break => out.push_str("; "),
        }
    }
    out
}

/// Escapes Markdown: characters that would start emphasis, links, raw HTML or code, and
/// underscores only where they could open or close emphasis (not inside words such as
/// `insufficient_data`).
fn md_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '*' | '[' | ']' | '<' | '`' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                let before = i > 0 && chars[i - 1].is_alphanumeric();
                let after = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if !(before && after) {
                    out.push('\\');
                }
                out.push(c);
            }
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn md_code(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn md_url(u: &str) -> String {
    u.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

/// Wraps `s` in an emphasis marker; the marker must hug the words, so edge spaces move
/// outside it.
fn md_emphasis(marker: &str, s: &str, out: &mut String) {
    let trimmed = s.trim_end();
    out.push_str(&format!("{marker}{}{marker}", md_text(trimmed)));
    out.push_str(&s[trimmed.len()..]);
}

fn md_line(line: &Line) -> String {
    let mut out = String::new();
    for i in line {
        match i {
            Inline::Text(s) | Inline::NoWrap(s) | Inline::Muted(s) => out.push_str(&md_text(s)),
            Inline::Code(s) => out.push_str(&md_code(s)),
            Inline::Strong(s) => md_emphasis("**", s, &mut out),
            Inline::Emph(s) => md_emphasis("*", s, &mut out),
            Inline::Link(t, u) => match html::safe_url(u) {
                Some(u) => out.push_str(&format!("[{}]({})", md_text(t), md_url(u))),
                None => out.push_str(&md_text(t)),
            },
            Inline::Badge(tone, s) => {
                out.push_str(&format!("**{} {}**", tone.symbol(), md_text(s)));
            }
            Inline::Break => out.push_str("; "),
        }
    }
    out
}

fn md_block(b: &Block, out: &mut String) {
    match b {
        Block::Heading(l) => out.push_str(&format!("\n### {}\n", md_line(l))),
        Block::SubHeading(l) => out.push_str(&format!("\n#### {}\n", md_line(l))),
        Block::Para(l) => out.push_str(&format!("\n{}\n", md_line(l))),
        Block::Callout(Some(label), l) => {
            out.push_str(&format!("\n> **{label}** {}\n", md_line(l)));
        }
        Block::Callout(None, l) => out.push_str(&format!("\n> {}\n", md_line(l))),
        Block::List(items) => {
            if items.is_empty() {
                return;
            }
            out.push('\n');
            for i in items {
                out.push_str(&format!("- {}\n", md_line(i)));
            }
        }
        Block::Numbered(items) => {
            out.push('\n');
            for (n, i) in items.iter().enumerate() {
                out.push_str(&format!("{}. {}\n", n + 1, md_line(i)));
            }
        }
        Block::Table(headers, rows) => {
            let headers: Vec<String> = headers.iter().map(|h| md_text(h)).collect();
            out.push_str(&format!("\n| {} |\n", headers.join(" | ")));
            out.push_str(&format!("|{}\n", "---|".repeat(headers.len())));
            for r in rows {
                let cells: Vec<String> = r.iter().map(md_line).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
        Block::Pairs(pairs) => {
            if pairs.is_empty() {
                return;
            }
            out.push('\n');
            for (k, v) in pairs {
                out.push_str(&format!("- **{}:** {}\n", md_text(k), md_line(v)));
            }
        }
        Block::Card(blocks) | Block::Small(blocks) => {
            for b in blocks {
                md_block(b, out);
            }
        }
    }
}

fn html_line(line: &Line) -> String {
    let mut out = String::new();
    for i in line {
        match i {
            Inline::Text(s) => out.push_str(&html::escape(s)),
            Inline::Code(s) => out.push_str(&format!("<code>{}</code>", html::escape(s))),
            Inline::Strong(s) => out.push_str(&format!("<strong>{}</strong>", html::escape(s))),
            Inline::Emph(s) => out.push_str(&format!("<em>{}</em>", html::escape(s))),
            Inline::Link(t, u) => out.push_str(&html::link(t, u)),
            Inline::Badge(tone, s) => out.push_str(&html::badge(*tone, s)),
            Inline::NoWrap(s) => out.push_str(&format!(
                "<span class=\"nowrap\">{}</span>",
                html::escape(s)
            )),
            Inline::Muted(s) => {
                out.push_str(&format!("<span class=\"muted\">{}</span>", html::escape(s)))
            }
            Inline::Break => out.push_str("<br>"),
        }
    }
    out
}

fn html_block(b: &Block, out: &mut String) {
    match b {
        Block::Heading(l) => out.push_str(&format!("<h3>{}</h3>\n", html_line(l))),
        Block::SubHeading(l) => out.push_str(&format!("<h4>{}</h4>\n", html_line(l))),
        Block::Para(l) => out.push_str(&format!("<p>{}</p>\n", html_line(l))),
        Block::Callout(label, l) => out.push_str(&format!(
            "<p class=\"caution\">{}{}</p>\n",
            label.map_or_else(String::new, |s| format!(
                "<strong>{}</strong> ",
                html::escape(s)
            )),
            html_line(l)
        )),
        Block::List(items) | Block::Numbered(items) => {
            if items.is_empty() {
                return;
            }
            let tag = if matches!(b, Block::Numbered(_)) {
                "ol"
            } else {
                "ul"
            };
            out.push_str(&format!("<{tag}>\n"));
            for i in items {
                out.push_str(&format!("<li>{}</li>\n", html_line(i)));
            }
            out.push_str(&format!("</{tag}>\n"));
        }
        Block::Table(headers, rows) => {
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(html_line).collect())
                .collect();
            out.push_str(&html::table(&headers, &cells));
        }
        Block::Pairs(pairs) => {
            if pairs.is_empty() {
                return;
            }
            out.push_str("<dl class=\"facts\">\n");
            for (k, v) in pairs {
                out.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>\n",
                    html::escape(k),
                    html_line(v)
                ));
            }
            out.push_str("</dl>\n");
        }
        Block::Card(blocks) | Block::Small(blocks) => {
            let class = if matches!(b, Block::Card(_)) {
                "box"
            } else {
                "small"
            };
            out.push_str(&format!("<div class=\"{class}\">\n"));
            for b in blocks {
                html_block(b, out);
            }
            out.push_str("</div>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_only_what_would_be_markup() {
        assert_eq!(md_text("insufficient_data"), "insufficient_data");
        assert_eq!(
            md_text("_x_ a*b [c] <d> |"),
            "\\_x\\_ a\\*b \\[c\\] \\<d> \\|"
        );
    }

    #[test]
    fn unsafe_citation_urls_are_not_links() {
        let line = vec![Inline::Link("x".into(), "javascript:alert(1)".into())];
        assert_eq!(md_line(&line), "x");
        assert_eq!(html_line(&line), "x");
    }

    #[test]
    fn emphasis_hugs_the_words_and_breaks_read_alike() {
        let line = vec![
            strong("Note "),
            Inline::Emph("Findings".into()),
            Inline::Break,
            Inline::Muted("—".into()),
        ];
        assert_eq!(md_line(&line), "**Note** *Findings*; —");
        assert_eq!(
            html_line(&line),
            "<strong>Note </strong><em>Findings</em><br><span class=\"muted\">—</span>"
        );
        assert_eq!(plain(&line), "Note Findings; —");
    }

    #[test]
    fn callouts_carry_their_label_in_both_formats() {
        let b = Block::Callout(Some("Note."), vec![text("a<b")]);
        let mut md = String::new();
        md_block(&b, &mut md);
        assert_eq!(md, "\n> **Note.** a\\<b\n");
        let mut h = String::new();
        html_block(&b, &mut h);
        assert_eq!(
            h,
            "<p class=\"caution\"><strong>Note.</strong> a&lt;b</p>\n"
        );
    }
}
