//! A light lexical scan of rule scripts: the string literals they contain, with positions.
//! `rules check` uses it to find fact pointers and parameter names statically, and
//! `rules doc` to list what each rule reads.

/// A string literal in a script: its contents (escapes left as written) and byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The text between the quotes.
    pub text: String,
    /// Byte offset of the opening quote.
    pub offset: usize,
}

/// Every double-quoted string literal outside comments, in order.
pub fn string_literals(source: &str) -> Vec<Literal> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                let start = i;
                i += 1;
                let mut text = Vec::new();
                while let Some(&c) = bytes.get(i) {
                    if c == b'\\' {
                        if let Some(&n) = bytes.get(i + 1) {
                            text.push(c);
                            text.push(n);
                        }
                        i += 2;
                        continue;
                    }
                    if c == b'"' || c == b'\n' {
                        break;
                    }
                    text.push(c);
                    i += 1;
                }
                out.push(Literal {
                    text: String::from_utf8_lossy(&text).into_owned(),
                    offset: start,
                });
                i += 1;
            }
            b'`' => {
                // Interpolated strings: skip to the closing backtick; `${ … }` may hold code
                // with string literals, which are scanned too.
                i += 1;
                let mut depth = 0usize;
                while let Some(&c) = bytes.get(i) {
                    if depth == 0 && c == b'`' {
                        break;
                    }
                    if c == b'$' && bytes.get(i + 1) == Some(&b'{') {
                        depth += 1;
                        i += 2;
                        continue;
                    }
                    if depth > 0 && c == b'}' {
                        depth -= 1;
                    }
                    if depth > 0 && c == b'"' {
                        let rest = source.get(i..).unwrap_or("");
                        if let Some(end) = rest.get(1..).and_then(|r| r.find('"')) {
                            out.push(Literal {
                                text: rest.get(1..=end).unwrap_or("").to_string(),
                                offset: i,
                            });
                            i += end + 2;
                            continue;
                        }
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// The name of the function call whose argument list holds byte `offset`, if any
/// (`param_on` for `param_on("x", d)`).
pub fn enclosing_call(source: &str, offset: usize) -> Option<&str> {
    let before = source.get(..offset)?;
    let mut depth = 0usize;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' | ']' | '}' => depth += 1,
            '(' | '[' | '{' if depth > 0 => depth -= 1,
            '(' => {
                let head = before.get(..i)?.trim_end();
                let start = head
                    .rfind(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == ':'))
                    .map_or(0, |p| p + 1);
                return head.get(start..);
            }
            '[' | '{' | ';' => return None,
            _ => {}
        }
    }
    None
}

/// True for a literal that reads as a deal fact pointer (`/transaction/value_usd`).
pub fn is_pointer(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next() == Some('/')
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && !text.contains(' ')
}

/// True for a literal that reads as a parameter name (`us.hsr.size_of_transaction_usd`):
/// three or more dotted lowercase segments, starting with a letter.
pub fn is_param_name(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && text.split('.').count() >= 3
        && text.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        })
}

/// The facts a script reads through host functions that take no pointer (`filing_date()`
/// reads `/dates/filing` and `/dates/signing`): found by the call's name in the source.
pub fn host_fact_reads(source: &str) -> Vec<&'static str> {
    crate::host::FACT_READING_FUNCTIONS
        .iter()
        .filter(|(name, _)| source.contains(&format!("{name}(")))
        .flat_map(|(_, pointers)| pointers.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literals_outside_comments_and_inside_interpolations() {
        let src = r#"
// need("/not/this")
let a = need("/transaction/value_usd"); /* "/nor/this" */
step(`x ${usd(fact("/acquirer/total_assets_usd"))} y`);
let p = param("us.hsr.size_of_transaction_usd");
let e = "say \"hi\"";
"#;
        let lits: Vec<String> = string_literals(src).into_iter().map(|l| l.text).collect();
        assert_eq!(
            lits,
            vec![
                "/transaction/value_usd",
                "/acquirer/total_assets_usd",
                "us.hsr.size_of_transaction_usd",
                "say \\\"hi\\\""
            ]
        );
    }

    #[test]
    fn finds_the_enclosing_call() {
        let src = r#"let x = param_on("a.b.c", "2024-01-01"); compare(q(1), ">", "d.e.f");"#;
        let at = |needle: &str| src.find(needle).unwrap();
        assert_eq!(enclosing_call(src, at("\"a.b.c")), Some("param_on"));
        assert_eq!(enclosing_call(src, at("\"d.e.f")), Some("compare"));
        assert_eq!(enclosing_call("let y = \"z\";", 8), None);
    }

    #[test]
    fn classifies_pointers_and_parameter_names() {
        assert!(is_pointer("/transaction/value_usd"));
        assert!(!is_pointer("/ not a pointer"));
        assert!(!is_pointer("a/b"));
        assert!(is_param_name("us.hsr.size_of_transaction_usd"));
        assert!(is_param_name("us-ca.ai.revenue_usd"));
        assert!(!is_param_name("us.hsr"));
        assert!(!is_param_name("1.0.0"));
        assert!(!is_param_name("see us.hsr.filing now"));
    }
}
