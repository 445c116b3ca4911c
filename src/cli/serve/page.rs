//! The web page at `/`: a form to paste, upload or pick a deal, and the answer as one
//! server-rendered page (the memo: matrix, findings, timeline, information requests,
//! what-if) with downloads of the memo (HTML, Markdown) and the report (JSON).
//!
//! No script at all: the form posts and the answer is a page. Every page carries a
//! Content-Security-Policy that allows only its own inline style, so a browser refuses to
//! load anything else and the page provably fetches nothing from anywhere.
//!
//! Token: with `--token-file`, the page itself stays open (it shows only the form), and
//! the form gets a token field: a plain form cannot send an `Authorization` header, so the
//! token travels in the form body (a `Authorization: Bearer` header is accepted too). The
//! answer is never cached (`Cache-Control: no-store`), since it echoes the token back into
//! the form for the next screening and the downloads.

use std::sync::Arc;

use axum::extract::{Form, FromRequest, Multipart, Request, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    HeaderMap, HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dealscreen::memo::Memo;
use dealscreen::{Date, ParsedDeal, Report, RuleSet, ScreenError, ScreenOptions, html};

use super::app::{App, Auth};
use super::problem::PROBLEM_JSON;

type Shared = Arc<App>;

/// The policy of every page and HTML download: nothing but the document's own inline
/// style; forms post back to this server only; no framing.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
                       base-uri 'none'; frame-ancestors 'none'";

/// An example deal offered by the form, embedded at build time.
struct Example {
    id: &'static str,
    label: &'static str,
    text: &'static str,
}

macro_rules! example {
    ($id:literal, $label:literal) => {
        Example {
            id: $id,
            label: $label,
            text: include_str!(concat!("../../../fixtures/deals/", $id, ".json")),
        }
    };
}

/// A few fixtures that show the kinds of answer: AI partnerships, a US filing, an EU one.
const EXAMPLES: &[Example] = &[
    example!(
        "amazon-anthropic-2023-first-tranche",
        "Amazon – Anthropic (2023, first tranche of up to $4B)"
    ),
    example!(
        "microsoft-openai-2023-observer-seat",
        "Microsoft – OpenAI (2023, board observer seat)"
    ),
    example!(
        "microsoft-inflection-2024-license-and-hire",
        "Microsoft – Inflection (2024, licence and hire)"
    ),
    example!(
        "hsr-2024-just-above-threshold",
        "US HSR: 100% for $120M, just above the 2024 threshold"
    ),
    example!(
        "merger-eu-art1-2-full-acquisition-above-thresholds",
        "EU merger control: a full acquisition above the Art. 1(2) thresholds"
    ),
];

/// What the form sent. Unknown fields are ignored: the browser adds none, and a page is
/// no place for a strict-schema error.
#[derive(Default)]
struct Input {
    /// The textarea.
    text: String,
    /// An uploaded file (name and bytes), when one was chosen.
    file: Option<(String, Vec<u8>)>,
    example: String,
    as_of: String,
    token: String,
    download: String,
}

impl Input {
    fn set(&mut self, name: &str, value: String) {
        match name {
            "deal" => self.text = value,
            "example" => self.example = value,
            "as_of" => self.as_of = value,
            "token" => self.token = value,
            "download" => self.download = value,
            _ => {}
        }
    }
}

/// Something the page says went wrong, with where, when known.
struct Bad {
    status: StatusCode,
    title: &'static str,
    detail: String,
    /// JSON pointer of the value at fault.
    pointer: Option<String>,
    /// Line and column (1-based; the column counts bytes, as serde_json does) in the deal text.
    location: Option<(usize, usize)>,
}

impl Bad {
    fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Bad {
        Bad {
            status,
            title,
            detail: detail.into(),
            pointer: None,
            location: None,
        }
    }
}

/// A screened deal and its memo.
struct Screened {
    report: Report,
    memo: Memo,
}

/// Everything one page shows.
struct View<'a> {
    rules: &'a RuleSet,
    has_token: bool,
    /// The deal text, shown in the textarea (kept as sent when it is wrong).
    text: &'a str,
    as_of: &'a str,
    /// Echoed only when it was accepted.
    token: &'a str,
    problem: Option<&'a Bad>,
    result: Option<(&'a Screened, &'a str)>,
}

/// `GET /`: the empty form.
pub async fn get(State(app): State<Shared>) -> Response {
    let rules = app.rules();
    let view = View {
        rules: &rules,
        has_token: app.has_token(),
        text: "",
        as_of: "",
        token: "",
        problem: None,
        result: None,
    };
    html_response(StatusCode::OK, render(&view))
}

/// `POST /`: screens the deal from the form and answers the page with the memo, or, with
/// `download=html|md|json`, the memo or report as a file.
pub async fn post(State(app): State<Shared>, req: Request) -> Response {
    let rules = app.rules();
    let auth_header = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut view = View {
        rules: &rules,
        has_token: app.has_token(),
        text: "",
        as_of: "",
        token: "",
        problem: None,
        result: None,
    };
    let input = match read_form(req, &app).await {
        Ok(i) => i,
        Err(bad) => {
            view.problem = Some(&bad);
            return html_response(bad.status, render(&view));
        }
    };
    view.as_of = &input.as_of;

    let chosen = choose(&input);
    let (text, source) = match &chosen {
        Ok((bytes, source)) => (String::from_utf8_lossy(bytes).into_owned(), source.clone()),
        Err(_) => (input.text.clone(), String::new()),
    };
    view.text = &text;

    let authorized = match auth_header {
        Some(h) => app.authorize(Some(&h)),
        None if input.token.is_empty() => app.authorize(None),
        None => app.authorize(Some(&format!("Bearer {}", input.token))),
    };
    if authorized == Auth::Invalid {
        let bad = Bad::new(
            StatusCode::UNAUTHORIZED,
            "A valid token is required",
            "this server was started with --token-file: enter its token in the token field",
        );
        view.problem = Some(&bad);
        return html_response(bad.status, render(&view));
    }
    view.token = &input.token;

    let outcome = match chosen {
        Err(bad) => Err(bad),
        Ok((bytes, _)) => match parse_as_of(&input.as_of) {
            Err(bad) => Err(bad),
            Ok(as_of) => {
                let worker = rules.clone();
                tokio::task::spawn_blocking(move || screen(&worker, &bytes, as_of))
                    .await
                    .unwrap_or_else(|e| {
                        Err(Bad::new(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "The screening failed",
                            format!("{e}; this is a bug, please report it"),
                        ))
                    })
            }
        },
    };
    match outcome {
        Err(bad) => {
            view.problem = Some(&bad);
            html_response(bad.status, render(&view))
        }
        Ok(done) if !input.download.is_empty() => match download(&done, &input.download) {
            Ok(file) => file,
            Err(bad) => {
                view.problem = Some(&bad);
                html_response(bad.status, render(&view))
            }
        },
        Ok(done) => {
            view.result = Some((&done, &source));
            html_response(StatusCode::OK, render(&view))
        }
    }
}

/// Reads the form: `multipart/form-data` (the page's own form, for the upload) or
/// `application/x-www-form-urlencoded` (the download buttons, and `curl -d`).
async fn read_form(req: Request, app: &Shared) -> Result<Input, Bad> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut input = Input::default();
    if content_type.starts_with("multipart/form-data") {
        let mut form = Multipart::from_request(req, app)
            .await
            .map_err(|r| form_error(r.status(), r.body_text()))?;
        loop {
            let field = match form.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(form_error(e.status(), e.body_text())),
            };
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| form_error(e.status(), e.body_text()))?;
            match (name.as_str(), file_name) {
                // A file input with no file chosen still sends an empty part.
                ("file", Some(file_name)) if !bytes.is_empty() => {
                    input.file = Some((file_name, bytes.to_vec()));
                }
                ("file", _) => {}
                (other, _) => input.set(other, String::from_utf8_lossy(&bytes).into_owned()),
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, app)
            .await
            .map_err(|r| form_error(r.status(), r.body_text()))?;
        for (name, value) in pairs {
            input.set(&name, value);
        }
    } else {
        return Err(Bad::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Not a form",
            "this page takes form posts (multipart/form-data or application/x-www-form-urlencoded); programs post JSON to /v1/screen",
        ));
    }
    Ok(input)
}

fn form_error(status: StatusCode, text: String) -> Bad {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        Bad::new(status, "The form could not be read", text)
    }
}

fn too_large() -> Bad {
    Bad::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "The deal is too large",
        "the form is larger than the server's limit (--body-limit); nothing was screened",
    )
}

/// The deal to screen and where it came from: an uploaded file first, then an example,
/// then the pasted text (so a chosen file or example is never silently ignored).
fn choose(input: &Input) -> Result<(Vec<u8>, String), Bad> {
    if let Some((name, bytes)) = &input.file {
        return Ok((bytes.clone(), format!("the uploaded file {name}")));
    }
    if !input.example.is_empty() {
        return match EXAMPLES.iter().find(|e| e.id == input.example) {
            Some(e) => Ok((
                e.text.as_bytes().to_vec(),
                format!("the example “{}”", e.label),
            )),
            None => Err(Bad::new(
                StatusCode::BAD_REQUEST,
                "No such example",
                format!("there is no example `{}`", input.example),
            )),
        };
    }
    if input.text.trim().is_empty() {
        return Err(Bad::new(
            StatusCode::BAD_REQUEST,
            "No deal given",
            "paste a deal, upload a deal file or pick an example",
        ));
    }
    Ok((
        input.text.as_bytes().to_vec(),
        "the pasted deal".to_string(),
    ))
}

fn parse_as_of(text: &str) -> Result<Option<Date>, Bad> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<Date>().map(Some).map_err(|e| {
        Bad::new(
            StatusCode::BAD_REQUEST,
            "The as-of date is not a date",
            format!("as of `{text}`: {e}"),
        )
    })
}

/// Parses, validates and screens the deal, then runs the what-if analysis. Bad JSON is
/// 400 and an invalid deal 422, as on `/v1/screen`; both name the line and column, and
/// an invalid deal its JSON pointer.
fn screen(rules: &RuleSet, text: &[u8], as_of: Option<Date>) -> Result<Screened, Bad> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(text) {
        if e.is_syntax() || e.is_eof() {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            let mut bad = Bad::new(StatusCode::BAD_REQUEST, "The deal is not JSON", message);
            bad.location = (e.line() > 0).then(|| (e.line(), e.column()));
            return Err(bad);
        }
    }
    let deal = ParsedDeal::from_slice(text).map_err(|e| {
        let location = e.location.or_else(|| locate(text, &e.pointer));
        let mut bad = Bad::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The deal is not valid",
            format!("{}; nothing was screened", e.message),
        );
        bad.pointer = Some(e.pointer);
        bad.location = location;
        bad
    })?;
    let options = ScreenOptions {
        as_of,
        ..ScreenOptions::default()
    };
    let report = rules.screen(&deal, &options).map_err(|e| match e {
        ScreenError::NoAsOfDate { .. } => {
            let mut bad = Bad::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The deal has no date to screen as of",
                "give dates.closing or dates.signing in the deal, or an as-of date in the form",
            );
            bad.pointer = Some("/dates".into());
            bad.location = locate(text, "/dates");
            bad
        }
    })?;
    // The memo as `screen --format html|markdown` builds it. The what-if re-screens the
    // same deal with the same options, so it cannot fail where the screening did not; if
    // it ever did, the memo goes without it.
    let whatif = dealscreen::whatif::analyse(rules, &deal, &options).ok();
    let memo = Memo::new(&report, &deal, whatif.as_ref());
    Ok(Screened { report, memo })
}

/// The answer as a file to save.
fn download(done: &Screened, kind: &str) -> Result<Response, Bad> {
    let stem = file_stem(&done.report.deal.id);
    let (body, media, name) = match kind {
        "html" => (
            done.memo.to_html(),
            "text/html; charset=utf-8",
            format!("{stem}-memo.html"),
        ),
        "md" => (
            done.memo.to_markdown(),
            "text/markdown; charset=utf-8",
            format!("{stem}-memo.md"),
        ),
        "json" => (
            format!("{}\n", done.report.to_json()),
            "application/json",
            format!("{stem}-report.json"),
        ),
        other => {
            return Err(Bad::new(
                StatusCode::BAD_REQUEST,
                "No such download",
                format!("download `{other}`: the downloads are html, md and json"),
            ));
        }
    };
    let mut resp = (StatusCode::OK, body).into_response();
    let headers = resp.headers_mut();
    secure(headers);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(media));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// A file name from a deal id: letters, digits, `.`, `_` and `-` only, so no header or
/// path trick can ride on it.
fn file_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    let stem = stem.trim_matches('.').to_string();
    if stem.is_empty() {
        "deal".to_string()
    } else {
        stem
    }
}

/// Security headers of every page and HTML download.
fn secure(headers: &mut HeaderMap) {
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn html_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let headers = resp.headers_mut();
    secure(headers);
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// Outermost layer: an error the page's handlers never saw (a body over the limit refused
/// on its declared length, a timeout, a caught panic) is answered on `/` as the page with
/// the error, not as a problem document a browser would show as raw JSON.
pub async fn html_errors(State(app): State<Shared>, req: Request, next: Next) -> Response {
    let page = req.uri().path() == "/"
        && matches!(*req.method(), Method::GET | Method::HEAD | Method::POST);
    let resp = next.run(req).await;
    let is_problem = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if !page || !is_problem {
        return resp;
    }
    let status = resp.status();
    let body = axum::body::to_bytes(resp.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let bad = if status == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        Bad::new(
            status,
            "The request failed",
            problem["detail"]
                .as_str()
                .unwrap_or("no detail")
                .to_string(),
        )
    };
    let rules = app.rules();
    let view = View {
        rules: &rules,
        has_token: app.has_token(),
        text: "",
        as_of: "",
        token: "",
        problem: Some(&bad),
        result: None,
    };
    html_response(status, render(&view))
}

/// The page's own style, beside the shared one: the form and the error box.
const STYLE: &str = r#"<style>
form.deal label { font-weight: 600; }
form.deal p { margin: .8em 0; }
textarea { display: block; width: 100%; margin-top: .3em; padding: .5em; border: 1px solid var(--rule);
  border-radius: 6px; font: .85em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
input[type=text], input[type=password], select { font: inherit; padding: .2em .4em; max-width: 100%;
  border: 1px solid var(--rule); border-radius: 4px; }
select { display: block; margin-top: .3em; }
input[type=file] { display: block; margin-top: .3em; max-width: 100%; }
button { font: inherit; padding: .3em 1em; border-radius: 6px; border: 1px solid #0550ae;
  background: #0969da; color: #fff; cursor: pointer; }
.downloads button { background: #f6f8fa; color: var(--ink); border-color: var(--rule); margin: .2em .2em .2em 0; }
.brand { font-weight: 700; font-size: 1.1em; margin: 0; color: var(--muted); }
details.deal > summary { font-weight: 600; cursor: pointer; margin: 1em 0 .5em; }
.problem { border: 2px solid var(--alert); background: var(--alert-bg); border-radius: 6px;
  padding: .6em 1em; margin: 1em 0; }
.problem h2 { margin: 0 0 .3em; padding: 0; border: none; font-size: 1.15em; color: var(--alert); }
pre { background: #f6f8fa; border: 1px solid var(--rule); border-radius: 6px; padding: .6em;
  overflow-x: auto; font-size: .85em; }
pre.excerpt { background: #fff; }
</style>
"#;

fn render(v: &View) -> String {
    // Under a memo, the memo's title is the page's heading; the form page has its own.
    let mut body = String::from(if v.result.is_some() {
        "<header>\n<p class=\"brand\">dealscreen</p>\n</header>\n"
    } else {
        "<header>\n<h1>dealscreen</h1>\n<p class=\"lead\">Screen a deal for filing and \
         review obligations: paste it, upload it or start from an example. Facts for \
         screening, not legal advice: every finding cites its source.</p>\n</header>\n"
    });
    if let Some(bad) = v.problem {
        body.push_str(&problem_html(bad, v.text));
    }
    body.push_str(&form_html(v));
    if let Some((done, source)) = v.result {
        body.push_str(&result_html(v, done, source));
    }
    body.push_str(&format!(
        "<footer class=\"muted small\"><p>Rule pack <code>{}</code> ({} rules). Programs: \
         <code>POST /v1/screen</code>, described by <code>/openapi.json</code>.</p></footer>\n",
        html::escape(v.rules.digest()),
        v.rules.len()
    ));
    let title = match (v.problem, v.result) {
        (Some(bad), _) => format!("dealscreen: {}", bad.title),
        (None, Some((done, _))) => done.memo.title().to_string(),
        (None, None) => "dealscreen".to_string(),
    };
    html::page_with_head(&title, STYLE, &body)
}

fn problem_html(bad: &Bad, text: &str) -> String {
    let mut out = format!(
        "<section class=\"problem\" id=\"problem\" role=\"alert\">\n<h2>{}</h2>\n<p>",
        html::escape(bad.title)
    );
    let mut at = Vec::new();
    if let Some(p) = &bad.pointer {
        at.push(if p.is_empty() {
            "the deal itself".to_string()
        } else {
            format!("<code class=\"pointer\">{}</code>", html::escape(p))
        });
    }
    if let Some((line, column)) = bad.location {
        at.push(format!(
            "<span class=\"location\">line {line}, column {column}</span>"
        ));
    }
    if !at.is_empty() {
        out.push_str(&format!("<strong>At {}</strong>: ", at.join(", ")));
    }
    out.push_str(&html::escape(&bad.detail));
    out.push_str("</p>\n");
    if let Some((line, column)) = bad.location {
        if let Some(excerpt) = excerpt(text, line, column) {
            out.push_str(&format!(
                "<pre class=\"excerpt\">{}</pre>\n",
                html::escape(&excerpt)
            ));
        }
    }
    out.push_str("</section>\n");
    out
}

/// The line at fault with its number, and a caret under the column. A long line is cut
/// to a window around the column, so the caret stays in view on a phone.
fn excerpt(text: &str, line: usize, column: usize) -> Option<String> {
    const BEFORE: usize = 24;
    const AFTER: usize = 40;
    let content = text.split('\n').nth(line.checked_sub(1)?)?;
    let content = content.strip_suffix('\r').unwrap_or(content);
    // The column counts bytes; the caret goes under the character it falls in.
    let upto = column.saturating_sub(1).min(content.len());
    let chars: Vec<(usize, char)> = content.char_indices().collect();
    let at = chars.iter().take_while(|(i, _)| *i < upto).count();
    let from = at.saturating_sub(BEFORE);
    let to = (at + AFTER).min(chars.len());
    let mut shown: String = chars[from..to].iter().map(|(_, c)| *c).collect();
    let mut caret: String = chars[from..at]
        .iter()
        .map(|(_, c)| if *c == '\t' { '\t' } else { ' ' })
        .collect();
    if from > 0 {
        shown.insert(0, '…');
        caret.insert(0, ' ');
    }
    if to < chars.len() {
        shown.push('…');
    }
    let gutter = format!("{line} | ");
    Some(format!(
        "{gutter}{shown}\n{}{caret}^",
        " ".repeat(gutter.len())
    ))
}

fn form_html(v: &View) -> String {
    let mut options =
        String::from("<option value=\"\">(none: screen the file or the text below)</option>\n");
    for e in EXAMPLES {
        options.push_str(&format!(
            "<option value=\"{}\">{}</option>\n",
            html::escape(e.id),
            html::escape(e.label)
        ));
    }
    let token = if v.has_token {
        format!(
            "<p><label for=\"token\">Token</label> <span class=\"muted small\">(this server \
             needs the token it was started with)</span><br>\
             <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" \
             required value=\"{}\"></p>\n",
            html::escape(v.token)
        )
    } else {
        String::new()
    };
    format!(
        "<details class=\"deal\"{open}>\n<summary>The deal</summary>\n\
         <form class=\"deal\" method=\"post\" action=\"/\" enctype=\"multipart/form-data\" \
         accept-charset=\"utf-8\">\n\
         <p><label for=\"example\">Start from an example</label>\n\
         <select id=\"example\" name=\"example\">\n{options}</select></p>\n\
         <p><label for=\"file\">or upload a deal file (JSON)</label>\n\
         <input id=\"file\" name=\"file\" type=\"file\" accept=\".json,application/json\"></p>\n\
         <p><label for=\"deal\">or paste the deal (JSON; <code>dealscreen schema deal</code> \
         describes the format)</label>\n\
         <textarea id=\"deal\" name=\"deal\" rows=\"18\" spellcheck=\"false\" \
         autocomplete=\"off\">\n{text}</textarea></p>\n\
         <p><label for=\"as_of\">Screen as of</label> \
         <input id=\"as_of\" name=\"as_of\" type=\"text\" size=\"12\" placeholder=\"YYYY-MM-DD\" \
         value=\"{as_of}\"> <span class=\"muted small\">optional; by default the deal's \
         closing date, else its signing date</span></p>\n\
         {token}\
         <p><button type=\"submit\" id=\"screen\">Screen</button> <span class=\"muted small\">\
         An uploaded file is screened first, then a chosen example, then the text.</span></p>\n\
         </form>\n</details>\n",
        // The form folds away under the memo once there is one; a leading newline in a
        // textarea is dropped by the parser, so the one above keeps the text's own.
        open = if v.result.is_some() { "" } else { " open" },
        text = html::escape(v.text),
        as_of = html::escape(v.as_of),
    )
}

fn result_html(v: &View, done: &Screened, source: &str) -> String {
    let r = &done.report;
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
            html::escape(value)
        )
    };
    let mut fields = format!("{}{}", hidden("deal", v.text), hidden("as_of", v.as_of));
    if v.has_token {
        fields.push_str(&hidden("token", v.token));
    }
    format!(
        "<section id=\"result\">\n<div class=\"box\">\n<p>Screened {source} (deal \
         <code>{id}</code>) as of {as_of} with rule pack <code>{digest}</code>.</p>\n\
         <form class=\"downloads\" method=\"post\" action=\"/\">\n{fields}\
         <button type=\"submit\" name=\"download\" value=\"html\">Download the memo (HTML)</button>\n\
         <button type=\"submit\" name=\"download\" value=\"md\">Download the memo (Markdown)</button>\n\
         <button type=\"submit\" name=\"download\" value=\"json\">Download the report (JSON)</button>\n\
         </form>\n</div>\n{memo}</section>\n",
        source = html::escape(source),
        id = html::escape(&r.deal.id),
        as_of = r.as_of,
        digest = html::escape(&r.ruleset.digest),
        memo = done.memo.to_html_body(),
    )
}

/// Line and column (1-based; the column counts bytes, as serde_json's do) where the value
/// at `pointer` starts in the JSON `text`. Validation errors carry a pointer but no
/// position; this finds it, so the page can show the line at fault.
fn locate(text: &[u8], pointer: &str) -> Option<(usize, usize)> {
    let path: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let mut scan = Scan { b: text, i: 0 };
    let at = scan.find(&path)?;
    let start = text[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = 1 + text[..start].iter().filter(|&&b| b == b'\n').count();
    Some((line, at - start + 1))
}

/// A scanner over JSON text that is known to be well formed (it parsed), so it only needs
/// to find where values start and end. Recursion is bounded by serde_json's depth limit,
/// which the text passed.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    /// A string at the cursor, decoded (keys may hold escapes).
    fn string(&mut self) -> Option<String> {
        let start = self.i;
        if self.bump()? != b'"' {
            return None;
        }
        loop {
            match self.bump()? {
                b'\\' => self.i += 1,
                b'"' => break,
                _ => {}
            }
        }
        serde_json::from_slice(self.b.get(start..self.i)?).ok()
    }

    fn skip(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.i += 1;
                self.ws();
                if self.peek()? == close {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.ws();
                        self.string()?;
                        self.ws();
                        (self.bump()? == b':').then_some(())?;
                    }
                    self.skip()?;
                    self.ws();
                    match self.bump()? {
                        b',' => {}
                        c if c == close => break,
                        _ => return None,
                    }
                }
            }
            _ => {
                while self.peek().is_some_and(|c| {
                    !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.i += 1;
                }
            }
        }
        Some(())
    }

    fn find(&mut self, path: &[String]) -> Option<usize> {
        self.ws();
        let Some((first, rest)) = path.split_first() else {
            return Some(self.i);
        };
        match self.bump()? {
            b'{' => loop {
                self.ws();
                if self.peek()? == b'}' {
                    return None;
                }
                let key = self.string()?;
                self.ws();
                (self.bump()? == b':').then_some(())?;
                if key == *first {
                    return self.find(rest);
                }
                self.skip()?;
                self.ws();
                (self.bump()? == b',').then_some(())?;
            },
            b'[' => {
                let want: usize = first.parse().ok()?;
                let mut n = 0;
                loop {
                    self.ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    if n == want {
                        return self.find(rest);
                    }
                    self.skip()?;
                    self.ws();
                    (self.bump()? == b',').then_some(())?;
                    n += 1;
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_values_by_pointer() {
        let text =
            b"{\n  \"a\": {\"b~/c\": [1, {\"d\": true}]},\n  \"e\": \"x\\\"}\",\n  \"f\": 150\n}";
        assert_eq!(locate(text, ""), Some((1, 1)));
        assert_eq!(locate(text, "/a"), Some((2, 8)));
        assert_eq!(locate(text, "/a/b~0~1c/1/d"), Some((2, 27)));
        assert_eq!(locate(text, "/f"), Some((4, 8)));
        assert_eq!(locate(text, "/a/b~0~1c/2"), None);
        assert_eq!(locate(text, "/g"), None);
        assert_eq!(locate(text, "a"), None);
    }

    #[test]
    fn excerpt_puts_the_caret_under_the_column() {
        let text = "{\n  \"f\": 150\n}";
        assert_eq!(
            excerpt(text, 2, 8).as_deref(),
            Some("2 |   \"f\": 150\n           ^")
        );
        assert_eq!(excerpt(text, 9, 1), None);
        let long = format!(
            "{{\"k\": \"{}\", \"bad\": 1, \"tail\": \"{}\"}}",
            "a".repeat(60),
            "b".repeat(60)
        );
        let column = long.find("1,").unwrap_or(0) + 1;
        assert_eq!(
            excerpt(&long, 1, column).as_deref(),
            Some(
                "1 | …aaaaaaaaaaaaaa\", \"bad\": 1, \"tail\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbb…\n                             ^"
            )
        );
        assert_eq!(excerpt(text, 0, 1), None);
    }

    #[test]
    fn file_names_carry_no_tricks() {
        assert_eq!(file_stem("hsr-2024.x_y"), "hsr-2024.x_y");
        assert_eq!(file_stem("a\"; b/../c"), "a---b-..-c");
        assert_eq!(file_stem("..."), "deal");
        assert_eq!(file_stem(""), "deal");
    }

    #[test]
    fn examples_are_valid_deals() {
        for e in EXAMPLES {
            let deal = ParsedDeal::from_slice(e.text.as_bytes());
            assert!(deal.is_ok(), "{}: {:?}", e.id, deal.err());
        }
    }
}
