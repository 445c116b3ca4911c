//! The routes: one table that both the router and the OpenAPI document are built from, the
//! handlers (a thin layer over the library: parse, screen, serialise), and the layers.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::middleware::{Next, from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use dealscreen::report::RulesetRef;
use dealscreen::{Date, ParsedDeal, RuleSet, ScreenError, ScreenOptions};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::app::{App, Auth, PackError, ruleset_ref};
use super::page;
use super::problem::{ApiProblem, Kind, problemize};

type Shared = Arc<App>;

/// HTTP methods the API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// GET
    Get,
    /// POST
    Post,
}

impl Verb {
    /// Lower-case name, as OpenAPI path items spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Everyone.
    Open,
    /// Needs the bearer token when one is configured (`--token-file`).
    Token,
    /// Always needs the bearer token; refused (403) when none is configured.
    Admin,
    /// The web page's form: needs the token when one is configured, given in the form's
    /// `token` field (a plain HTML form cannot send a header) or as the bearer header; the
    /// handler checks it and answers a page, not a problem.
    Form,
}

/// One route of the API.
pub struct Route {
    /// Method.
    pub verb: Verb,
    /// Path, in the `{param}` syntax shared by axum and OpenAPI.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// OpenAPI `operationId`.
    pub operation_id: &'static str,
    /// OpenAPI `summary`.
    pub summary: &'static str,
    handler: fn(MethodFilter) -> MethodRouter<Shared>,
}

/// Every route the server answers. The router and `/openapi.json` are both built from this
/// table, so they cannot disagree.
pub const ROUTES: &[Route] = &[
    Route {
        verb: Verb::Get,
        path: "/",
        access: Access::Open,
        operation_id: "page",
        summary: "The web page: a form to paste, upload or pick a deal (HTML)",
        handler: |m| on(m, page::get),
    },
    Route {
        verb: Verb::Post,
        path: "/",
        access: Access::Form,
        operation_id: "pageScreen",
        summary: "The web page's form: the page with the memo, or the memo or report as a download (HTML)",
        handler: |m| on(m, page::post),
    },
    Route {
        verb: Verb::Post,
        path: "/v1/screen",
        access: Access::Token,
        operation_id: "screen",
        summary: "Screen one deal, or a batch of deals, with every rule of the pack",
        handler: |m| on(m, screen),
    },
    Route {
        verb: Verb::Get,
        path: "/v1/rules",
        access: Access::Token,
        operation_id: "listRules",
        summary: "The metadata of every rule in the pack",
        handler: |m| on(m, list_rules),
    },
    Route {
        verb: Verb::Get,
        path: "/v1/rules/{id}",
        access: Access::Token,
        operation_id: "getRule",
        summary: "The metadata of one rule",
        handler: |m| on(m, get_rule),
    },
    Route {
        verb: Verb::Get,
        path: "/v1/schema/deal",
        access: Access::Token,
        operation_id: "dealSchema",
        summary: "JSON Schema of the deal input",
        handler: |m| on(m, deal_schema),
    },
    Route {
        verb: Verb::Get,
        path: "/v1/schema/report",
        access: Access::Token,
        operation_id: "reportSchema",
        summary: "JSON Schema of the report output",
        handler: |m| on(m, report_schema),
    },
    Route {
        verb: Verb::Post,
        path: "/v1/admin/reload",
        access: Access::Admin,
        operation_id: "reload",
        summary: "Reload the rule pack; a pack with problems is rejected and the current one stays",
        handler: |m| on(m, reload),
    },
    Route {
        verb: Verb::Get,
        path: "/healthz",
        access: Access::Open,
        operation_id: "health",
        summary: "Liveness, with the digest of the rule pack in force",
        handler: |m| on(m, health),
    },
    Route {
        verb: Verb::Get,
        path: "/openapi.json",
        access: Access::Open,
        operation_id: "openapi",
        summary: "This API's OpenAPI 3.1 document",
        handler: |m| on(m, openapi),
    },
];

/// Limits applied to every request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub body: usize,
    /// Longest time to answer one request (waiting for a slot included).
    pub timeout: Duration,
    /// Requests handled at once; the others wait (within the timeout).
    pub concurrency: usize,
}

/// The router with its layers, from the outside in: errors on the web page answered as the
/// page; every other error answered as a problem; panics caught (500); the timeout (503); the concurrency limit; the body limit.
pub fn router(app: Shared, limits: Limits) -> Router {
    let mut router = Router::new();
    for route in ROUTES {
        let methods = (route.handler)(route.verb.filter());
        let methods = match route.access {
            Access::Open | Access::Form => methods,
            Access::Token => methods.route_layer(from_fn_with_state(app.clone(), require_token)),
            Access::Admin => methods.route_layer(from_fn_with_state(app.clone(), require_admin)),
        };
        router = router.route(route.path, methods);
    }
    let slots = Arc::new(Semaphore::new(limits.concurrency.max(1)));
    router
        .fallback(not_found)
        .with_state(app.clone())
        .layer(DefaultBodyLimit::max(limits.body))
        .layer(RequestBodyLimitLayer::new(limits.body))
        .layer(from_fn_with_state(slots, limit_concurrency))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.timeout,
        ))
        .layer(CatchPanicLayer::new())
        .layer(map_response(problemize))
        .layer(from_fn_with_state(app, page::html_errors))
}

/// Waits for one of `--max-concurrency` slots. It runs inside the timeout, so a request
/// that waits too long is answered 503 like one that runs too long.
async fn limit_concurrency(
    State(slots): State<Arc<Semaphore>>,
    req: Request,
    next: Next,
) -> Response {
    match slots.acquire_owned().await {
        Ok(_permit) => next.run(req).await,
        Err(_) => ApiProblem::new(Kind::Timeout, "the server is shutting down").into_response(),
    }
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

fn unauthorized() -> Response {
    ApiProblem::new(
        Kind::Unauthorized,
        "send `Authorization: Bearer <token>` with the token the server was started with (--token-file)",
    )
    .into_response()
}

async fn require_token(State(app): State<Shared>, req: Request, next: Next) -> Response {
    match app.authorize(bearer(&req)) {
        Auth::NotConfigured | Auth::Valid => next.run(req).await,
        Auth::Invalid => unauthorized(),
    }
}

async fn require_admin(State(app): State<Shared>, req: Request, next: Next) -> Response {
    match app.authorize(bearer(&req)) {
        Auth::Valid => next.run(req).await,
        Auth::Invalid => unauthorized(),
        Auth::NotConfigured => ApiProblem::new(
            Kind::Forbidden,
            "reloading needs a token: start the server with --token-file FILE (the file holds the token) and send `Authorization: Bearer <token>`",
        )
        .into_response(),
    }
}

async fn not_found(uri: Uri) -> Response {
    ApiProblem::new(
        Kind::NotFound,
        format!("no route `{}` (see /openapi.json)", uri.path()),
    )
    .into_response()
}

fn json_response(body: String) -> Response {
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn json_body<T: Serialize>(value: &T) -> Response {
    match serde_json::to_string_pretty(value) {
        Ok(s) => json_response(s),
        Err(e) => ApiProblem::new(Kind::Internal, format!("cannot serialise the answer: {e}"))
            .into_response(),
    }
}

/// Runs CPU work (parsing, screening, loading a pack) on the blocking pool, so the async
/// workers stay free to accept and answer other requests.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiProblem> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        ApiProblem::new(
            Kind::Internal,
            format!("the work failed: {e}; this is a bug, please report it"),
        )
    })
}

/// `?as_of=YYYY-MM-DD`: the only query parameter `/v1/screen` takes.
fn as_of_param(uri: &Uri) -> Result<Option<Date>, ApiProblem> {
    let mut as_of = None;
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != "as_of" {
            return Err(ApiProblem::new(
                Kind::BadRequest,
                format!("unknown query parameter `{key}`: the only one is `as_of=YYYY-MM-DD`"),
            )
            .parameter(key));
        }
        let date = value.parse::<Date>().map_err(|e| {
            ApiProblem::new(Kind::BadRequest, format!("as_of `{value}`: {e}")).parameter("as_of")
        })?;
        as_of = Some(date);
    }
    Ok(as_of)
}

async fn screen(
    State(app): State<Shared>,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let as_of = match as_of_param(&uri) {
        Ok(d) => d,
        Err(p) => return p.into_response(),
    };
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            let kind = Kind::of_status(rejection.status());
            let detail = if kind == Kind::PayloadTooLarge {
                "the request body is larger than the server's limit (--body-limit)".to_string()
            } else {
                rejection.body_text()
            };
            return ApiProblem::new(kind, detail)
                .with_status(rejection.status())
                .into_response();
        }
    };
    // The pack in force when the request arrived answers it, whatever a reload does meanwhile.
    let rules = app.rules();
    let deadline = Instant::now() + app.timeout;
    match blocking(move || screen_body(&rules, &body, as_of, deadline)).await {
        Ok(Ok(text)) => json_response(text),
        Ok(Err(p)) | Err(p) => p.into_response(),
    }
}

/// Screens the body: one deal object gives its report; `{"deals": [...]}` gives
/// `{"reports": [...]}`, a deal that cannot be screened giving `{"error": problem}` at its
/// index while the others are screened.
fn screen_body(
    rules: &RuleSet,
    body: &[u8],
    as_of: Option<Date>,
    deadline: Instant,
) -> Result<String, ApiProblem> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        ApiProblem::new(Kind::BadJson, format!("the body is not JSON: {message}"))
            .located((e.line() > 0).then(|| (e.line(), e.column())))
    })?;
    let options = ScreenOptions {
        as_of,
        ..ScreenOptions::default()
    };
    let Value::Object(mut batch) = value else {
        // Not an object: the library says why a deal must be one.
        let deal = ParsedDeal::from_slice(body).map_err(|e| bad_deal(e, ""))?;
        return screen_one(rules, &deal, &options, "").map(|r| compact(&r));
    };
    if !batch.contains_key("deals") {
        let deal = ParsedDeal::from_slice(body).map_err(|e| bad_deal(e, ""))?;
        return screen_one(rules, &deal, &options, "").map(|r| compact(&r));
    }
    if let Some(other) = batch.keys().find(|k| k.as_str() != "deals") {
        return Err(ApiProblem::new(
            Kind::BadDeal,
            format!(
                "unknown field `{other}`: a batch is `{{\"deals\": [deal, …]}}` and nothing else"
            ),
        )
        .at(format!("/{}", escape_pointer(other))));
    }
    let Some(Value::Array(deals)) = batch.remove("deals") else {
        return Err(
            ApiProblem::new(Kind::BadDeal, "`deals` must be an array of deal objects").at("/deals"),
        );
    };
    let mut reports = Vec::with_capacity(deals.len());
    for (i, deal) in deals.into_iter().enumerate() {
        if Instant::now() > deadline {
            // The client has had its 503 already; stop spending CPU on it.
            return Err(ApiProblem::new(Kind::Timeout, "timed out"));
        }
        let prefix = format!("/deals/{i}");
        let entry = ParsedDeal::from_value(deal)
            .map_err(|e| bad_deal(e, &prefix))
            .and_then(|deal| screen_one(rules, &deal, &options, &prefix));
        reports.push(match entry {
            Ok(report) => Entry::Report(Box::new(report)),
            Err(error) => Entry::Error { error },
        });
    }
    serde_json::to_string(&Batch { reports })
        .map_err(|e| ApiProblem::new(Kind::Internal, format!("cannot serialise the reports: {e}")))
}

/// Reports go over the wire compact: a pretty report is several times larger, and
/// writing it was a tenth of the service's time.
fn compact(r: &dealscreen::Report) -> String {
    serde_json::to_string(r).unwrap_or_else(|_| r.to_json())
}

/// `{"reports": [...]}`: the same report objects `screen --format json` prints.
#[derive(Serialize)]
struct Batch {
    reports: Vec<Entry>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Entry {
    Report(Box<dealscreen::Report>),
    Error { error: ApiProblem },
}

#[derive(Serialize)]
struct RuleList<'a> {
    ruleset: RulesetRef,
    rules: Vec<&'a dealscreen::RuleMeta>,
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    ruleset: RulesetRef,
}

#[derive(Serialize)]
struct Reloaded {
    status: &'static str,
    previous: RulesetRef,
    ruleset: RulesetRef,
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A deal that failed to parse or validate: 422 naming the value, by its pointer in the
/// request body (`prefix` is the deal's own pointer in a batch).
fn bad_deal(e: dealscreen::DealError, prefix: &str) -> ApiProblem {
    let at = if e.pointer.is_empty() {
        "the deal".to_string()
    } else {
        format!("`{}`", e.pointer)
    };
    ApiProblem::new(
        Kind::BadDeal,
        format!(
            "{at}: {} (see /v1/schema/deal); nothing was screened from this deal",
            e.message
        ),
    )
    .at(format!("{prefix}{}", e.pointer))
    .located(e.location)
}

fn screen_one(
    rules: &RuleSet,
    deal: &ParsedDeal,
    options: &ScreenOptions,
    prefix: &str,
) -> Result<dealscreen::Report, ApiProblem> {
    rules.screen(deal, options).map_err(|e| match e {
        ScreenError::NoAsOfDate { deal } => ApiProblem::new(
            Kind::NoAsOfDate,
            format!(
                "deal `{deal}` has no date to screen as of: give `dates.closing` or `dates.signing` in the deal, or `?as_of=YYYY-MM-DD`"
            ),
        )
        .at(format!("{prefix}/dates")),
    })
}

async fn list_rules(State(app): State<Shared>) -> Response {
    let rules = app.rules();
    json_body(&RuleList {
        ruleset: ruleset_ref(&rules),
        rules: rules.rules().collect(),
    })
}

async fn get_rule(State(app): State<Shared>, Path(id): Path<String>) -> Response {
    let rules = app.rules();
    match rules.rules().find(|r| r.id == id) {
        Some(meta) => json_body(meta),
        None => ApiProblem::new(
            Kind::RuleNotFound,
            format!("no rule `{id}` in the pack in force (GET /v1/rules lists them)"),
        )
        .into_response(),
    }
}

async fn deal_schema(State(app): State<Shared>) -> Response {
    json_response(app.deal_schema.clone())
}

async fn report_schema(State(app): State<Shared>) -> Response {
    json_response(app.report_schema.clone())
}

async fn openapi(State(app): State<Shared>) -> Response {
    json_response(app.openapi.clone())
}

async fn health(State(app): State<Shared>) -> Response {
    json_body(&Health {
        status: "ok",
        ruleset: ruleset_ref(&app.rules()),
    })
}

async fn reload(State(app): State<Shared>) -> Response {
    let worker = app.clone();
    match blocking(move || worker.reload()).await {
        Ok(Ok((previous, current))) => {
            eprintln!(
                "reloaded the rule pack: {} -> {}",
                previous.digest, current.digest
            );
            json_body(&Reloaded {
                status: "reloaded",
                previous,
                ruleset: current,
            })
        }
        Ok(Err(e)) => {
            eprintln!("reload rejected, the current pack stays: {}", e.summary());
            let detail = format!("{}; the pack in force is unchanged", e.summary());
            let problem = ApiProblem::new(Kind::BadPack, detail);
            match e {
                PackError::Problems(problems) => problem.with_problems(problems),
                PackError::Read(_) => problem,
            }
            .into_response()
        }
        Err(p) => p.into_response(),
    }
}
