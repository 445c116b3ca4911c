//! `dealscreen serve`, end to end: the real binary on 127.0.0.1 (a free port), driven over
//! HTTP with a blocking client, killed when each test ends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod serve_support;
use serve_support::*;

const TOKEN: &str = "s3cret-t0ken-for-tests";

/// The routes the issue specifies; `/openapi.json` must list exactly these.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("post", "/"),
    ("post", "/v1/screen"),
    ("get", "/v1/rules"),
    ("get", "/v1/rules/{id}"),
    ("get", "/v1/schema/deal"),
    ("get", "/v1/schema/report"),
    ("post", "/v1/admin/reload"),
    ("get", "/healthz"),
    ("get", "/openapi.json"),
];

/// A folder under the system temp dir, removed on drop.
struct Resp {
    status: u16,
    content_type: String,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Checks the answer is a problem (RFC 9457) with this status, and returns it.
    fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.content_type, "application/problem+json",
            "{}",
            self.body
        );
        let p = self.json();
        assert_eq!(p["status"], status, "{p}");
        for key in ["type", "title", "detail"] {
            assert!(p[key].is_string(), "problem without `{key}`: {p}");
        }
        p
    }
}

impl Server {
    fn request(&self, method: &str, path: &str, token: Option<&str>, body: Option<&[u8]>) -> Resp {
        let url = format!("{}{path}", self.base);
        let agent = agent();
        let auth = token.map(|t| format!("Bearer {t}"));
        let result = match (method, body) {
            ("get", _) => {
                let mut r = agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.call()
            }
            ("post", body) => {
                let mut r = agent.post(&url).header("content-type", "application/json");
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                match body {
                    Some(b) => r.send(b),
                    None => r.send_empty(),
                }
            }
            ("delete", _) => agent.delete(&url).call(),
            (m, _) => panic!("method {m} not used in these tests"),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .unwrap();
        Resp {
            status,
            content_type,
            headers,
            body,
        }
    }

    fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request("get", path, token, None)
    }

    fn post(&self, path: &str, token: Option<&str>, body: &[u8]) -> Resp {
        self.request("post", path, token, Some(body))
    }

    fn digest(&self) -> String {
        let h = self.get("/healthz", None);
        assert_eq!(h.status, 200, "{}", h.body);
        h.json()["ruleset"]["digest"].as_str().unwrap().to_string()
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(ROOT).join("fixtures/deals").join(name)).unwrap()
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

const DEAL: &str = "hsr-2024-just-above-threshold.json";

/// The CLI's own answer, to check the server is the same library behind another door.
fn cli_json(args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", String::from_utf8_lossy(&out.stderr)))
}

/// A one-rule pack: quick to load, and its digest changes with any edit.
fn small_pack(dir: &TempDir, answer: &str) {
    dir.write(
        "xx/test/ok.rhai",
        format!(
            "const RULE = #{{ id: \"xx.test.ok\", title: \"Is it ok?\", regime: \"T\", severity: \"high\", citations: [\"c\"], version: \"1\" }};\nfn evaluate() {{ triggered(\"{answer}\") }}\n"
        ),
    );
}

#[test]
fn healthz_rules_and_schemas() {
    let s = start(&[]);
    let h = s.get("/healthz", None);
    assert_eq!(h.status, 200);
    assert_eq!(h.content_type, "application/json");
    let h = h.json();
    assert_eq!(h["status"], "ok");
    let digest = h["ruleset"]["digest"].as_str().unwrap();
    assert_eq!(digest.len(), 64, "a SHA-256: {h}");
    let n = h["ruleset"]["rules"].as_u64().unwrap();
    assert!(n > 0);

    let list = s.get("/v1/rules", None);
    assert_eq!(list.status, 200, "{}", list.body);
    let list = list.json();
    assert_eq!(list["ruleset"], h["ruleset"]);
    let rules = list["rules"].as_array().unwrap();
    assert_eq!(rules.len() as u64, n);
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains("us.hsr.filing"), "{ids:?}");

    let one = s.get("/v1/rules/us.hsr.filing", None);
    assert_eq!(one.status, 200, "{}", one.body);
    let one = one.json();
    assert_eq!(one["id"], "us.hsr.filing");
    assert_eq!(
        &one,
        rules.iter().find(|r| r["id"] == "us.hsr.filing").unwrap()
    );
    let missing = s.get("/v1/rules/xx.no.such_rule", None).problem(404);
    assert!(
        missing["detail"]
            .as_str()
            .unwrap()
            .contains("xx.no.such_rule"),
        "{missing}"
    );
    assert!(
        missing["type"]
            .as_str()
            .unwrap()
            .ends_with("rule-not-found")
    );

    for which in ["deal", "report"] {
        let r = s.get(&format!("/v1/schema/{which}"), None);
        assert_eq!(r.status, 200);
        assert_eq!(r.json(), cli_json(&["schema", which]), "schema {which}");
    }

    let unknown = s.get("/v2/nothing-here", None).problem(404);
    assert!(unknown["type"].as_str().unwrap().ends_with("/not-found"));
}

#[test]
fn openapi_lists_exactly_the_routes_the_router_answers() {
    let s = start(&["--token-file", &token_file().1]);
    let doc = s.get("/openapi.json", None);
    assert_eq!(doc.status, 200, "{}", doc.body);
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.1.0");

    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["operationId"].is_string(), "{method} {path}");
            assert!(op["responses"].is_object(), "{method} {path}");
            documented.insert((method.clone(), path.clone()));
        }
    }
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, expected, "documented vs specified routes");

    // Every documented operation is routed: the router answers it (not with its own 404 or
    // 405), and the other method on the same path is refused (405): no undocumented method.
    for (method, path) in &documented {
        let concrete = path.replace("{id}", "us.hsr.filing");
        let body = fixture(DEAL);
        let r = s.request(method, &concrete, Some(TOKEN), Some(&body));
        assert!(
            r.status < 400 || !r.body.contains("/not-found") && r.status != 405,
            "{method} {path} is documented but not routed: {} {}",
            r.status,
            r.body
        );
        let other = if method == "get" { "post" } else { "get" };
        if !documented.contains(&(other.to_string(), path.clone())) {
            let r = s.request(other, &concrete, Some(TOKEN), Some(b"{}"));
            let p = r.problem(405);
            assert!(p["type"].as_str().unwrap().ends_with("method-not-allowed"));
            assert!(
                r.headers.get("allow").is_some(),
                "405 names the allowed method"
            );
        }
        let r = s.request("delete", &concrete, Some(TOKEN), None);
        r.problem(405);
    }

    // Every reference in the document resolves inside it.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.clone());
                }
                o.values().for_each(|c| refs(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external reference {r}"));
        assert!(doc.pointer(pointer).is_some(), "dangling reference {r}");
    }

    // With a token configured, the /v1 operations say they need it; the open ones do not.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            let secured = !op["security"].as_array().unwrap().is_empty();
            assert_eq!(secured, path.starts_with("/v1/"), "{path}");
        }
    }
}

fn token_file() -> (TempDir, String) {
    let dir = TempDir::new("token");
    let p = dir.write("token", format!("{TOKEN}\n"));
    let s = p.to_string_lossy().into_owned();
    (dir, s)
}

#[test]
fn screens_one_deal_and_a_batch_with_a_bad_deal() {
    let s = start(&[]);
    let digest = s.digest();

    let r = s.post("/v1/screen", None, &fixture(DEAL));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type, "application/json");
    let report = r.json();
    assert_eq!(report["schema"], "dealscreen/report@1");
    assert_eq!(report["deal"]["id"], "hsr-2024-just-above-threshold");
    assert_eq!(report["ruleset"]["digest"], digest.as_str());
    let filing = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "us.hsr.filing")
        .unwrap();
    assert_eq!(filing["status"], "triggered", "{filing}");
    // The same library behind another door: the CLI's report is the same.
    let deal_path = format!("fixtures/deals/{DEAL}");
    assert_eq!(
        report,
        cli_json(&["screen", "--format", "json", &deal_path])
    );

    // ?as_of overrides the deal's dates.
    let r = s.post("/v1/screen?as_of=2025-03-01", None, &fixture(DEAL));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["as_of"], "2025-03-01");

    // A batch: the bad deal answers an error at its index, the others are screened.
    let good = fixture_json(DEAL);
    let mut bad = good.clone();
    bad["id"] = json!("bad-deal");
    bad["transaction"]["voting_pct_after"] = json!(150);
    let other = fixture_json("microsoft-openai-2023-observer-seat.json");
    let batch = json!({ "deals": [good, bad, other] });
    let r = s.post("/v1/screen", None, batch.to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    let reports = r.json()["reports"].as_array().unwrap().clone();
    assert_eq!(reports.len(), 3);
    assert_eq!(reports[0], report, "a batch entry is the same report");
    assert_eq!(reports[2]["deal"]["id"], other["id"]);
    let err = &reports[1]["error"];
    assert_eq!(err["status"], 422, "{err}");
    assert_eq!(
        err["pointer"], "/deals/1/transaction/voting_pct_after",
        "{err}"
    );
    assert!(reports[1].get("schema").is_none());

    // An empty batch is an empty answer.
    let r = s.post("/v1/screen", None, br#"{"deals": []}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({ "reports": [] }));

    // A deal without dates needs ?as_of: 422 without, a report with.
    let mut undated = fixture_json(DEAL);
    undated.as_object_mut().unwrap().remove("dates");
    let body = undated.to_string();
    let p = s.post("/v1/screen", None, body.as_bytes()).problem(422);
    assert_eq!(p["pointer"], "/dates", "{p}");
    assert!(p["type"].as_str().unwrap().ends_with("no-as-of-date"));
    let r = s.post("/v1/screen?as_of=2024-06-03", None, body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn bad_input_answers_problems_not_500() {
    let s = start(&[]);
    // Not JSON: 400 with the parser's message and position.
    let p = s.post("/v1/screen", None, b"{\"id\": ").problem(400);
    assert!(p["type"].as_str().unwrap().ends_with("bad-json"), "{p}");
    assert!(p["detail"].as_str().unwrap().contains("EOF"), "{p}");
    assert!(p["line"].is_u64(), "{p}");
    s.post("/v1/screen", None, b"").problem(400);

    // A bad field: 422 naming it by pointer.
    let mut deal = fixture_json(DEAL);
    deal["transaction"]["voting_pct_after"] = json!(150);
    let p = s
        .post("/v1/screen", None, deal.to_string().as_bytes())
        .problem(422);
    assert_eq!(p["pointer"], "/transaction/voting_pct_after", "{p}");
    assert!(p["type"].as_str().unwrap().ends_with("bad-deal"));
    assert!(p["detail"].as_str().unwrap().contains("150"), "{p}");

    let mut deal = fixture_json(DEAL);
    deal["target"]["colour"] = json!("blue");
    let p = s
        .post("/v1/screen", None, deal.to_string().as_bytes())
        .problem(422);
    assert_eq!(p["pointer"], "/target/colour", "{p}");

    // Every malformed deal in fixtures/invalid/ is a 400 or 422 problem, never a 500.
    let dir = Path::new(ROOT).join("fixtures/invalid");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let body = std::fs::read(&path).unwrap();
        let r = s.post("/v1/screen", None, &body);
        assert!(
            r.status == 400 || r.status == 422,
            "{}: {} {}",
            path.display(),
            r.status,
            r.body
        );
        r.problem(r.status);
    }

    // Not a deal object, a malformed batch, a bad query.
    s.post("/v1/screen", None, b"[1, 2]").problem(422);
    let p = s.post("/v1/screen", None, br#"{"deals": 3}"#).problem(422);
    assert_eq!(p["pointer"], "/deals");
    let p = s
        .post("/v1/screen", None, br#"{"deals": [], "more": 1}"#)
        .problem(422);
    assert_eq!(p["pointer"], "/more");
    let p = s
        .post("/v1/screen?as_of=2024-02-30", None, &fixture(DEAL))
        .problem(400);
    assert_eq!(p["parameter"], "as_of");
    let p = s
        .post("/v1/screen?format=text", None, &fixture(DEAL))
        .problem(400);
    assert_eq!(p["parameter"], "format");
}

/// One request over a raw connection: `head` is the request line and headers (without the
/// blank line), `body` is sent as is. Returns the status line and the rest of the answer.
/// Used where a client library would still be writing a body the server has refused.
fn raw(s: &Server, head: &str, body: &[u8]) -> (String, String) {
    use std::io::Write;
    let addr = s.base.strip_prefix("http://").unwrap();
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(WAIT)).unwrap();
    conn.set_write_timeout(Some(WAIT)).unwrap();
    conn.write_all(format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    conn.write_all(body).unwrap();
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (status, rest) = answer.split_once("\r\n").unwrap_or((&answer, ""));
    (status.to_string(), rest.to_string())
}

/// The problem in a raw answer, checked to be one with `status`.
fn raw_problem(status_line: &str, rest: &str, status: u16) -> Value {
    assert!(
        status_line.starts_with(&format!("HTTP/1.1 {status} ")),
        "{status_line}\n{rest}"
    );
    let (headers, body) = rest.split_once("\r\n\r\n").unwrap();
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{headers}"
    );
    let p: Value = serde_json::from_str(body).unwrap();
    assert_eq!(p["status"], status);
    p
}

#[test]
fn oversized_body_is_413() {
    let s = start(&["--body-limit", "2048"]);
    // Within the limit: screened.
    let small = serde_json::to_vec(&fixture_json(DEAL)).unwrap();
    assert!(small.len() < 2048);
    assert_eq!(s.post("/v1/screen", None, &small).status, 200);
    let (status, _) = raw(
        &s,
        &format!(
            "POST /v1/screen HTTP/1.1\r\nContent-Length: {}",
            small.len()
        ),
        &small,
    );
    assert!(status.starts_with("HTTP/1.1 200 "), "{status}");
    // Over it: 413 on the declared length, before the body is read.
    let (status, rest) = raw(
        &s,
        "POST /v1/screen HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2049",
        b"",
    );
    let p = raw_problem(&status, &rest, 413);
    assert!(
        p["type"].as_str().unwrap().ends_with("payload-too-large"),
        "{p}"
    );
    // A chunked body with no declared length is cut off when it passes the limit.
    let chunk = format!("{{\"id\": \"{}\"}}", "x".repeat(3000));
    let body = format!("{:x}\r\n{chunk}\r\n0\r\n\r\n", chunk.len());
    let (status, rest) = raw(
        &s,
        "POST /v1/screen HTTP/1.1\r\nTransfer-Encoding: chunked",
        body.as_bytes(),
    );
    raw_problem(&status, &rest, 413);
    // The server still answers afterwards.
    assert_eq!(s.get("/healthz", None).status, 200);
}

#[test]
fn default_body_limit_is_one_mebibyte() {
    let s = start(&[]);
    let (status, rest) = raw(
        &s,
        &format!(
            "POST /v1/screen HTTP/1.1\r\nContent-Length: {}",
            1024 * 1024 + 1
        ),
        b"",
    );
    raw_problem(&status, &rest, 413);
    // Just under the limit is read (and, padded inside `extra`, screened).
    let mut deal = fixture_json(DEAL);
    let size = serde_json::to_vec(&deal).unwrap().len();
    deal["extra"] = json!({ "padding": "x".repeat(1024 * 1024 - size - 64) });
    let body = serde_json::to_vec(&deal).unwrap();
    assert!(body.len() <= 1024 * 1024);
    assert_eq!(s.post("/v1/screen", None, &body).status, 200);
}

#[test]
fn token_guards_v1_but_not_healthz() {
    let (_dir, file) = token_file();
    let s = start(&["--token-file", &file]);
    let deal = fixture(DEAL);

    for path in ["/v1/rules", "/v1/rules/us.hsr.filing", "/v1/schema/deal"] {
        let r = s.get(path, None);
        let p = r.problem(401);
        assert!(p["type"].as_str().unwrap().ends_with("unauthorized"));
        assert!(
            r.headers
                .get("www-authenticate")
                .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")),
            "401 carries WWW-Authenticate"
        );
        s.get(path, Some("wrong-token")).problem(401);
        s.get(path, Some(&format!("{TOKEN}x"))).problem(401);
        s.get(path, Some(&TOKEN[..TOKEN.len() - 1])).problem(401);
        assert_eq!(s.get(path, Some(TOKEN)).status, 200, "{path}");
    }
    s.post("/v1/screen", None, &deal).problem(401);
    s.post("/v1/screen", Some("wrong-token"), &deal)
        .problem(401);
    assert_eq!(s.post("/v1/screen", Some(TOKEN), &deal).status, 200);

    // The scheme is case-insensitive; other schemes are refused.
    let url = format!("{}/v1/rules", s.base);
    let r = agent()
        .get(&url)
        .header("authorization", format!("bearer {TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = agent()
        .get(&url)
        .header("authorization", format!("Basic {TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // Open routes stay open.
    assert_eq!(s.get("/healthz", None).status, 200);
    assert_eq!(s.get("/openapi.json", None).status, 200);

    // Reload needs the token; with it, reloading the same pack keeps the digest.
    let before = s.digest();
    s.post("/v1/admin/reload", None, b"").problem(401);
    s.post("/v1/admin/reload", Some("wrong-token"), b"")
        .problem(401);
    let r = s.post("/v1/admin/reload", Some(TOKEN), b"");
    assert_eq!(r.status, 200, "{}", r.body);
    let r = r.json();
    assert_eq!(r["ruleset"]["digest"], before.as_str());
    assert_eq!(r["previous"]["digest"], before.as_str());
}

#[test]
fn reload_without_a_token_configured_is_403() {
    let s = start(&[]);
    let p = s.post("/v1/admin/reload", None, b"").problem(403);
    assert!(
        p["detail"].as_str().unwrap().contains("--token-file"),
        "{p}"
    );
    // Even with some token in the request.
    s.post("/v1/admin/reload", Some(TOKEN), b"").problem(403);
}

#[test]
fn reload_rejects_a_broken_pack_and_swaps_in_a_good_one() {
    let (_tok, file) = token_file();
    let pack = TempDir::new("pack");
    small_pack(&pack, "first");
    let dir = pack.path().to_string_lossy().into_owned();
    let s = start(&["--rules", &dir, "--token-file", &file]);
    let first = s.digest();
    let screen = |s: &Server| {
        let r = s.post("/v1/screen", Some(TOKEN), &fixture(DEAL));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    };
    let report = screen(&s);
    assert_eq!(report["ruleset"]["digest"], first.as_str());
    assert_eq!(report["findings"][0]["explanation"], "first");

    // A broken pack is rejected with its problems; the old one keeps serving.
    pack.write(
        "xx/test/ok.rhai",
        "const RULE = #{ id: \"xx.test.ok\"\nfn evaluate( {\n",
    );
    let p = s.post("/v1/admin/reload", Some(TOKEN), b"").problem(422);
    assert!(p["type"].as_str().unwrap().ends_with("bad-rule-pack"));
    let problems = p["problems"].as_array().unwrap();
    assert!(!problems.is_empty(), "{p}");
    assert_eq!(problems[0]["file"], "xx/test/ok.rhai", "{p}");
    assert!(problems[0]["line"].is_u64(), "{p}");
    assert_eq!(s.digest(), first, "the old pack is still in force");
    assert_eq!(screen(&s)["findings"][0]["explanation"], "first");

    // A good, changed pack is swapped in.
    small_pack(&pack, "second");
    let r = s.post("/v1/admin/reload", Some(TOKEN), b"");
    assert_eq!(r.status, 200, "{}", r.body);
    let r = r.json();
    assert_eq!(r["previous"]["digest"], first.as_str());
    let second = r["ruleset"]["digest"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    assert_eq!(s.digest(), second);
    let report = screen(&s);
    assert_eq!(report["ruleset"]["digest"], second.as_str());
    assert_eq!(report["findings"][0]["explanation"], "second");
}

#[cfg(unix)]
#[test]
fn sighup_reloads_the_pack() {
    let pack = TempDir::new("hup");
    small_pack(&pack, "first");
    let dir = pack.path().to_string_lossy().into_owned();
    let s = start(&["--rules", &dir]);
    let first = s.digest();
    let hup = |s: &Server| {
        let ok = Command::new("kill")
            .args(["-HUP", &s.proc.0.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };

    // A broken pack: logged, not swapped.
    pack.write("xx/test/ok.rhai", "fn evaluate( {\n");
    hup(&s);
    let deadline = Instant::now() + WAIT;
    while !s.stderr.lock().unwrap().contains("reload rejected") {
        assert!(Instant::now() < deadline, "no rejection logged");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(s.digest(), first);

    // A good one: swapped.
    small_pack(&pack, "second");
    hup(&s);
    let deadline = Instant::now() + WAIT;
    while s.digest() == first {
        assert!(Instant::now() < deadline, "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_pack_with_problems_keeps_the_server_from_starting() {
    let pack = TempDir::new("broken");
    pack.write("xx/test/ok.rhai", "fn evaluate( {\n");
    let dir = pack.path().to_string_lossy().into_owned();
    let (mut child, stderr) = spawn(&["--addr", "127.0.0.1:0", "--rules", &dir]);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started on a broken pack");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(!out.contains("listening"), "{out}");
    // The diagnostics name the file (the reader thread may lag the exit a little).
    let deadline = Instant::now() + Duration::from_secs(5);
    while !stderr.lock().unwrap().contains("ok.rhai") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        stderr.lock().unwrap().contains("ok.rhai"),
        "{}",
        stderr.lock().unwrap()
    );
}

#[test]
fn a_missing_token_file_keeps_the_server_from_starting() {
    let (mut child, _) = spawn(&[
        "--addr",
        "127.0.0.1:0",
        "--token-file",
        "/nonexistent/dealscreen/token",
    ]);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started without its token file");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
}

#[test]
fn a_request_over_the_time_limit_is_503() {
    let s = start(&["--timeout-ms", "1"]);
    let deals: Vec<Value> = (0..50).map(|_| fixture_json(DEAL)).collect();
    let body = json!({ "deals": deals }).to_string();
    let p = s.post("/v1/screen", None, body.as_bytes()).problem(503);
    assert!(p["type"].as_str().unwrap().ends_with("timeout"), "{p}");
}

#[test]
fn concurrent_requests_are_all_answered() {
    let s = start(&["--max-concurrency", "2"]);
    let s = Arc::new(s);
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || s.post("/v1/screen", None, &fixture(DEAL)).status)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
}
