//! Positioned problems found while loading a rule pack: one type for rule scripts and
//! parameter tables, rendered by miette with the source line and a caret.

use std::fmt;
use std::sync::Arc;

/// One problem in one rule-pack file, with its position.
#[derive(Clone, Debug, serde::Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// Path of the file, relative to the rule pack's root (e.g. `us/hsr/filing.rhai`).
    pub file: String,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong, lowercase.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Byte range in the file, for source snippets.
    #[serde(skip)]
    pub span: Option<(usize, usize)>,
    /// The file's text, named by its path, for source snippets.
    #[serde(skip)]
    #[schemars(skip)]
    pub source: Option<Arc<miette::NamedSource<Arc<str>>>>,
}

impl PartialEq for Problem {
    fn eq(&self, other: &Problem) -> bool {
        (
            &self.file,
            self.line,
            self.column,
            &self.message,
            &self.help,
            self.span,
        ) == (
            &other.file,
            other.line,
            other.column,
            &other.message,
            &other.help,
            other.span,
        )
    }
}

impl Eq for Problem {}

fn named(file: &str, source: &Arc<str>) -> Option<Arc<miette::NamedSource<Arc<str>>>> {
    Some(Arc::new(miette::NamedSource::new(file, source.clone())))
}

impl Problem {
    /// A problem about a whole file (no position).
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            span: None,
            source: None,
        }
    }

    /// Adds a fix-it text.
    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    /// Positions the problem at a 1-based line and column of `source`.
    pub fn at_line_col(mut self, source: &Arc<str>, line: usize, column: usize) -> Problem {
        self.line = Some(line);
        self.column = Some(column);
        if let Some(offset) = offset_of(source, line, column) {
            let end = source[offset..]
                .find(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ')')
                .map_or(source.len(), |n| offset + n.max(1));
            self.span = Some((offset, end.max(offset + 1).min(source.len())));
        }
        self.source = named(&self.file, source);
        self
    }

    /// Positions the problem at a byte range of `source`.
    pub fn at_span(mut self, source: &Arc<str>, start: usize, end: usize) -> Problem {
        let (line, column) = line_col(source, start);
        self.line = Some(line);
        self.column = Some(column);
        self.span = Some((start, end.max(start)));
        self.source = named(&self.file, source);
        self
    }

    /// `file:line:col`, or just `file`.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
            (Some(l), None) => format!("{}:{l}", self.file),
            _ => self.file.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for Problem {}

impl miette::Diagnostic for Problem {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|s| s.as_ref() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (start, end) = self.span?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(
                Some("here".to_string()),
                (start, end.saturating_sub(start).max(1)),
            ),
        )))
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Byte offset of a 1-based line and column.
pub fn offset_of(source: &str, line: usize, column: usize) -> Option<usize> {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return Some(offset + col_bytes);
        }
        offset += l.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_round_trips() {
        let s = "ab\ncde\nf";
        assert_eq!(line_col(s, 4), (2, 2));
        assert_eq!(offset_of(s, 2, 2), Some(4));
        assert_eq!(line_col(s, 0), (1, 1));
    }
}
