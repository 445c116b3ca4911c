//! Errors as RFC 9457 problem details (`application/problem+json`), and the layer that turns
//! every other error response (unknown route, wrong method, body too large, timeout, panic)
//! into one, so a client only ever has to read one error shape.

use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The prefix of every problem `type`: tag URIs (RFC 4151), identifiers that are not meant
/// to be dereferenced (RFC 9457 §3.1.1).
pub const TYPE_PREFIX: &str = "tag:dealscreen,2025:problem/";

/// The kinds of problem the server answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 400: the body is not JSON.
    BadJson,
    /// 400: a query parameter or path segment is malformed or unknown.
    BadRequest,
    /// 422: the JSON is not a valid deal (or batch).
    BadDeal,
    /// 422: the deal has no date to screen as of.
    NoAsOfDate,
    /// 422: a new rule pack was rejected; the old one stays.
    BadPack,
    /// 401: missing or wrong bearer token.
    Unauthorized,
    /// 403: reload is disabled (no token configured).
    Forbidden,
    /// 404: no such route.
    NotFound,
    /// 404: no rule with that id.
    RuleNotFound,
    /// 405: the route exists, the method does not.
    MethodNotAllowed,
    /// 413: the body is larger than `--body-limit`.
    PayloadTooLarge,
    /// 503: the request took longer than `--timeout-ms`.
    Timeout,
    /// 500: a bug in the server.
    Internal,
    /// Any other error status.
    Other(StatusCode),
}

impl Kind {
    /// The status code of this kind.
    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadJson | Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::BadDeal | Kind::NoAsOfDate | Kind::BadPack => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::Unauthorized => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound | Kind::RuleNotFound => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Kind::Other(s) => s,
        }
    }

    /// The last segment of the problem `type`.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::BadJson => "bad-json",
            Kind::BadRequest => "bad-request",
            Kind::BadDeal => "bad-deal",
            Kind::NoAsOfDate => "no-as-of-date",
            Kind::BadPack => "bad-rule-pack",
            Kind::Unauthorized => "unauthorized",
            Kind::Forbidden => "reload-disabled",
            Kind::NotFound => "not-found",
            Kind::RuleNotFound => "rule-not-found",
            Kind::MethodNotAllowed => "method-not-allowed",
            Kind::PayloadTooLarge => "payload-too-large",
            Kind::Timeout => "timeout",
            Kind::Internal => "internal",
            Kind::Other(_) => "http-error",
        }
    }

    /// A short summary of the kind (the same for every occurrence).
    pub fn title(self) -> &'static str {
        match self {
            Kind::BadJson => "The request body is not valid JSON",
            Kind::BadRequest => "Bad request",
            Kind::BadDeal => "The deal is not valid",
            Kind::NoAsOfDate => "The deal has no date to screen as of",
            Kind::BadPack => "The rule pack was rejected",
            Kind::Unauthorized => "A valid bearer token is required",
            Kind::Forbidden => "Reloading is disabled",
            Kind::NotFound => "No such route",
            Kind::RuleNotFound => "No such rule",
            Kind::MethodNotAllowed => "Method not allowed on this route",
            Kind::PayloadTooLarge => "The request body is too large",
            Kind::Timeout => "The request timed out",
            Kind::Internal => "Internal server error",
            Kind::Other(s) => s.canonical_reason().unwrap_or("HTTP error"),
        }
    }

    /// The kind for a bare error status produced outside the handlers.
    pub fn of_status(status: StatusCode) -> Kind {
        match status {
            StatusCode::NOT_FOUND => Kind::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Kind::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => Kind::PayloadTooLarge,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => Kind::Timeout,
            StatusCode::INTERNAL_SERVER_ERROR => Kind::Internal,
            StatusCode::UNAUTHORIZED => Kind::Unauthorized,
            StatusCode::BAD_REQUEST => Kind::BadRequest,
            other => Kind::Other(other),
        }
    }
}

/// One problem-details document (RFC 9457), with this API's extension members (boxed, so
/// `Result<_, ApiProblem>` stays small).
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct ApiProblem(Box<Details>);

/// The members of a problem.
#[derive(Clone, Debug, Serialize)]
pub struct Details {
    /// Identifies the kind of problem.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Summary of the kind.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// JSON pointer (RFC 6901) into the request body of the value at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Line and column in the request body, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Column in the request body, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The query parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Rule-pack problems (for a rejected reload), each with file, line and column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<dealscreen::Problem>,
    #[serde(skip)]
    kind: Option<Kind>,
}

impl ApiProblem {
    /// A problem of `kind` with its detail.
    pub fn new(kind: Kind, detail: impl Into<String>) -> ApiProblem {
        ApiProblem(Box::new(Details {
            type_uri: format!("{TYPE_PREFIX}{}", kind.slug()),
            title: kind.title(),
            status: kind.status().as_u16(),
            detail: detail.into(),
            pointer: None,
            line: None,
            column: None,
            parameter: None,
            problems: Vec::new(),
            kind: Some(kind),
        }))
    }

    /// Names the value at fault.
    pub fn at(mut self, pointer: impl Into<String>) -> ApiProblem {
        self.0.pointer = Some(pointer.into());
        self
    }

    /// Names the position in the body.
    pub fn located(mut self, location: Option<(usize, usize)>) -> ApiProblem {
        if let Some((l, c)) = location {
            self.0.line = Some(l);
            self.0.column = Some(c);
        }
        self
    }

    /// Names the query parameter at fault.
    pub fn parameter(mut self, name: impl Into<String>) -> ApiProblem {
        self.0.parameter = Some(name.into());
        self
    }

    /// Attaches rule-pack problems.
    pub fn with_problems(mut self, problems: Vec<dealscreen::Problem>) -> ApiProblem {
        self.0.problems = problems;
        self
    }

    /// Keeps the kind but answers with another status (e.g. a 408 reported as a timeout).
    pub fn with_status(mut self, status: StatusCode) -> ApiProblem {
        self.0.status = status.as_u16();
        self
    }

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for ApiProblem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_string_pretty(&self).unwrap_or_else(|_| {
            format!(
                "{{\"type\":\"{TYPE_PREFIX}internal\",\"title\":\"Internal server error\",\"status\":{}}}",
                status.as_u16()
            )
        });
        let mut resp = (status, body).into_response();
        resp.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if self.0.kind == Some(Kind::Unauthorized) {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"dealscreen\""),
            );
        }
        resp
    }
}

/// A problem already, or the web page's own HTML answer (which shows its error itself).
fn is_answered(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON) || v.starts_with("text/html"))
}

/// Outermost layer: an error response that is not already a problem (from the router's
/// fallbacks, the body limit, the timeout or a caught panic) becomes one, keeping its status
/// and headers such as `Allow`.
pub async fn problemize(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) || is_answered(resp.headers()) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let kind = Kind::of_status(status);
    let detail = match kind {
        Kind::Timeout => {
            "the request did not finish within the server's time limit (--timeout-ms); nothing was returned from it".to_string()
        }
        Kind::Internal => {
            "the server failed while answering; this is a bug, please report it".to_string()
        }
        Kind::NotFound => "no route matches this path (see /openapi.json)".to_string(),
        Kind::MethodNotAllowed => {
            "this route does not accept this method (see the Allow header and /openapi.json)"
                .to_string()
        }
        Kind::PayloadTooLarge if text.is_empty() => {
            "the request body is larger than the server's limit (--body-limit)".to_string()
        }
        _ if text.is_empty() => kind.title().to_string(),
        _ => text,
    };
    let new = ApiProblem::new(kind, detail)
        .with_status(status)
        .into_response();
    parts.headers.remove(CONTENT_LENGTH);
    for (name, value) in new.headers() {
        parts.headers.insert(name.clone(), value.clone());
    }
    let (_, body) = new.into_parts();
    Response::from_parts(parts, body)
}
