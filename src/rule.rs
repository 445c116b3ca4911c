//! Rule metadata, declared by each script in its `const RULE = #{ … };` map.

use rhai::{Dynamic, Map};
use schemars::JsonSchema;
use serde::Serialize;

use crate::date::Date;
use crate::finding::{Citation, Severity};

/// What a rule declares about itself.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct RuleMeta {
    /// Dotted id, e.g. `us.hsr.filing`: first segment the jurisdiction folder, last the file name.
    pub id: String,
    /// The question the rule answers.
    pub title: String,
    /// Filing or review regime, e.g. `US HSR`.
    pub regime: String,
    /// Severity of a triggered finding, unless the rule says otherwise.
    pub severity: Severity,
    /// Legal sources.
    pub citations: Vec<Citation>,
    /// First day the legal basis is in force (open when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Last day the legal basis is in force (open when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Why the window is what it is (e.g. `revoked by EO 14148 on 2025-01-20`), shown in
    /// `not_in_force` findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_note: Option<String>,
    /// The law that applied before `from` and that this rule does not screen (the 2010
    /// Horizontal Merger Guidelines, the Enterprise Act 2002 before the DMCCA 2024): a deal
    /// dated earlier is "not screened", never silently "not in force".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier_law: Option<String>,
    /// Rule version.
    pub version: String,
    /// Caveats a reviewer should know (e.g. unconfirmed figures).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Script path relative to the pack root.
    pub file: String,
}

impl RuleMeta {
    /// True when the rule's legal basis is in force on `date`.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date <= u)
    }

    /// The in-force window in words: `from 2023-10-30 until 2025-01-19`, `from 2020-02-27`, `always`.
    pub fn window_text(&self) -> String {
        match (self.from, self.until) {
            (Some(f), Some(u)) => format!("from {f} until {u}"),
            (Some(f), None) => format!("from {f}"),
            (None, Some(u)) => format!("until {u}"),
            (None, None) => "open-ended".to_string(),
        }
    }
}

const KEYS: &[&str] = &[
    "id",
    "title",
    "regime",
    "severity",
    "citations",
    "from",
    "until",
    "window_note",
    "earlier_law",
    "version",
    "notes",
];

fn text(m: &Map, key: &str, errors: &mut Vec<String>) -> Option<String> {
    match m.get(key) {
        None => {
            errors.push(format!("metadata lacks `{key}`"));
            None
        }
        Some(v) => match v.clone().into_immutable_string() {
            Ok(s) if !s.trim().is_empty() => Some(s.to_string()),
            _ => {
                errors.push(format!("metadata `{key}` must be a non-empty string"));
                None
            }
        },
    }
}

fn date(m: &Map, key: &str, errors: &mut Vec<String>) -> Option<Date> {
    let v = m.get(key)?;
    if v.is_unit() {
        return None;
    }
    match v.clone().into_immutable_string() {
        Ok(s) => match s.parse() {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(format!("metadata `{key}`: {e}"));
                None
            }
        },
        Err(_) => {
            errors.push(format!(
                "metadata `{key}` must be a date string \"YYYY-MM-DD\""
            ));
            None
        }
    }
}

fn citation(v: &Dynamic) -> Option<Citation> {
    if let Ok(s) = v.clone().into_immutable_string() {
        return Some(Citation {
            text: s.to_string(),
            url: None,
        });
    }
    let m = v.clone().try_cast::<Map>()?;
    let text = m.get("text")?.clone().into_immutable_string().ok()?;
    let url = match m.get("url") {
        Some(u) => Some(u.clone().into_immutable_string().ok()?.to_string()),
        None => None,
    };
    Some(Citation {
        text: text.to_string(),
        url,
    })
}

/// Reads a rule's metadata map; every problem is reported.
pub(crate) fn parse_meta(file: &str, m: &Map) -> Result<RuleMeta, Vec<String>> {
    let mut errors = Vec::new();
    for key in m.keys() {
        if !KEYS.contains(&key.as_str()) {
            errors.push(format!(
                "metadata has unknown key `{key}` (allowed: {})",
                KEYS.join(", ")
            ));
        }
    }
    let id = text(m, "id", &mut errors);
    let title = text(m, "title", &mut errors);
    let regime = text(m, "regime", &mut errors);
    let version = text(m, "version", &mut errors);
    let severity = text(m, "severity", &mut errors).and_then(|s| {
        let sev = Severity::parse(&s);
        if sev.is_none() {
            errors.push(format!(
                "metadata `severity` is `{s}`; use info, low, medium, high or critical"
            ));
        }
        sev
    });
    let citations: Vec<Citation> = match m
        .get("citations")
        .map(|c| c.clone().try_cast::<rhai::Array>())
    {
        Some(Some(list)) => {
            let parsed: Vec<Option<Citation>> = list.iter().map(citation).collect();
            if parsed.iter().any(Option::is_none) {
                errors.push(
                    "metadata `citations` entries must be strings or #{ text, url } maps".into(),
                );
            }
            parsed.into_iter().flatten().collect()
        }
        Some(None) => {
            errors.push("metadata `citations` must be an array".into());
            Vec::new()
        }
        None => {
            errors.push("metadata lacks `citations`".into());
            Vec::new()
        }
    };
    if m.contains_key("citations") && citations.is_empty() {
        errors.push("metadata `citations` is empty: every rule cites its legal source".into());
    }
    let window_note = match m.get("window_note") {
        None => None,
        Some(v) => match v.clone().into_immutable_string() {
            Ok(s) => Some(s.to_string()),
            Err(_) => {
                errors.push("metadata `window_note` must be a string".into());
                None
            }
        },
    };
    let earlier_law = match m.get("earlier_law") {
        None => None,
        Some(v) => match v.clone().into_immutable_string() {
            Ok(s) => Some(s.to_string()),
            Err(_) => {
                errors.push("metadata `earlier_law` must be a string".into());
                None
            }
        },
    };
    let from = date(m, "from", &mut errors);
    let until = date(m, "until", &mut errors);
    if earlier_law.is_some() && from.is_none() {
        errors.push(
            "metadata `earlier_law` needs `from`: it names the law that applied before it".into(),
        );
    }
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        errors.push(format!("in-force window ends ({u}) before it starts ({f})"));
    }
    let notes: Vec<String> = match m.get("notes") {
        None => Vec::new(),
        Some(n) => match n.clone().try_cast::<rhai::Array>() {
            Some(list) => list.iter().map(|d| d.to_string()).collect(),
            None => {
                errors.push("metadata `notes` must be an array of strings".into());
                Vec::new()
            }
        },
    };
    if let Some(id) = &id {
        if let Some(problem) = id_path_mismatch(id, file) {
            errors.push(problem);
        }
    }
    match (id, title, regime, version, severity) {
        (Some(id), Some(title), Some(regime), Some(version), Some(severity))
            if errors.is_empty() =>
        {
            Ok(RuleMeta {
                id,
                title,
                regime,
                severity,
                citations,
                from,
                until,
                window_note,
                earlier_law,
                version,
                notes,
                file: file.to_string(),
            })
        }
        _ => Err(errors),
    }
}

/// A rule file `us/hsr/filing.rhai` must have an id `us.….filing`: the jurisdiction folder
/// first and the file name last, so a reviewer can find a rule from its id.
fn id_path_mismatch(id: &str, file: &str) -> Option<String> {
    let valid = id.split('.').count() >= 2
        && id.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        });
    if !valid {
        return Some(format!(
            "rule id `{id}` must be dotted lowercase segments, e.g. `us.hsr.filing`"
        ));
    }
    let stem = file.rsplit('/').next()?.strip_suffix(".rhai")?;
    let jurisdiction = file.split('/').next()?;
    let first = id.split('.').next()?;
    let last = id.rsplit('.').next()?;
    (first != jurisdiction || last != stem).then(|| {
        format!("rule id `{id}` does not match its file `{file}`: the id must start with `{jurisdiction}.` and end with `.{stem}` (rename the file or change the id)")
    })
}
