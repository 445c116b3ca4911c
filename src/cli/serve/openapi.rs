//! The OpenAPI 3.1 document, built from the same route table as the router. Schemas of the
//! deal, the report and the rule metadata come from the library's own JSON Schemas
//! (schemars, JSON Schema 2020-12, which is OpenAPI 3.1's dialect), their `$defs` hoisted
//! into `components/schemas`.

use serde_json::{Map, Value, json};

use super::problem::TYPE_PREFIX;
use super::routes::{Access, ROUTES, Route, Verb};

/// The document. `token`: whether the server runs with `--token-file`, which decides which
/// operations need the bearer token.
pub fn document(token: bool) -> Value {
    let mut schemas = Map::new();
    for (name, schema) in [
        ("Deal", schemars::schema_for!(dealscreen::Deal)),
        ("Report", schemars::schema_for!(dealscreen::Report)),
        ("RuleMeta", schemars::schema_for!(dealscreen::RuleMeta)),
        ("PackProblem", schemars::schema_for!(dealscreen::Problem)),
    ] {
        hoist(
            name,
            serde_json::to_value(schema).unwrap_or(Value::Null),
            &mut schemas,
        );
    }
    for (name, schema) in own_schemas() {
        schemas.insert(name.to_string(), schema);
    }

    let mut paths = Map::new();
    for route in ROUTES {
        let item = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            item.insert(route.verb.as_str().to_string(), operation(route, token));
        }
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "dealscreen",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Regulatory-risk screening of deal descriptions with explained, scripted rules",
            "description": "Facts for screening, not legal advice: every finding cites its source. Errors are RFC 9457 problem details (`application/problem+json`); a bad value is named by `pointer`, a JSON pointer into the request body.",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The token in the file given to `dealscreen serve --token-file`"
                }
            }
        }
    })
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } }
    })
}

fn ok_json(description: &str, schema: Value) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": schema } }
    })
}

/// A response of the web page: the page itself, showing the error when there is one.
fn page_html(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "text/html": { "schema": { "type": "string" } } }
    })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn operation(route: &Route, token: bool) -> Value {
    let mut responses = Map::new();
    let mut op = Map::new();
    op.insert("operationId".into(), json!(route.operation_id));
    op.insert("summary".into(), json!(route.summary));
    match route.operation_id {
        "screen" => {
            op.insert("parameters".into(), json!([{
                "name": "as_of",
                "in": "query",
                "required": false,
                "description": "Screen as of this date (default: the deal's closing date, else its signing date)",
                "schema": { "type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$" }
            }]));
            op.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "description": "One deal, or a batch `{\"deals\": [...]}`",
                    "content": { "application/json": { "schema": { "oneOf": [
                        schema_ref("Deal"), schema_ref("DealBatch")
                    ] } } }
                }),
            );
            responses.insert(
                "200".into(),
                ok_json(
                    "The report of one deal, or `{\"reports\": [...]}` for a batch (a deal that cannot be screened gives `{\"error\": problem}` at its index)",
                    json!({ "oneOf": [schema_ref("Report"), schema_ref("ReportBatch")] }),
                ),
            );
            responses.insert(
                "400".into(),
                problem("The body is not JSON, or a query parameter is malformed or unknown"),
            );
            responses.insert(
                "413".into(),
                problem("The body is larger than the server's --body-limit"),
            );
            responses.insert(
                "422".into(),
                problem(
                    "The deal is not valid (`pointer` names the value), or it has no date to screen as of",
                ),
            );
        }
        "listRules" => {
            responses.insert(
                "200".into(),
                ok_json("Every rule of the pack in force", schema_ref("RuleList")),
            );
        }
        "getRule" => {
            op.insert(
                "parameters".into(),
                json!([{
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "Rule id, e.g. `us.hsr.filing`",
                    "schema": { "type": "string" }
                }]),
            );
            responses.insert("200".into(), ok_json("The rule", schema_ref("RuleMeta")));
            responses.insert("404".into(), problem("No rule with this id"));
        }
        "dealSchema" => {
            responses.insert(
                "200".into(),
                ok_json(
                    "JSON Schema (2020-12) of the deal",
                    json!({ "type": "object" }),
                ),
            );
        }
        "reportSchema" => {
            responses.insert(
                "200".into(),
                ok_json(
                    "JSON Schema (2020-12) of the report",
                    json!({ "type": "object" }),
                ),
            );
        }
        "reload" => {
            op.insert(
                "description".into(),
                json!("Reads the pack again from `--rules DIR` (or the pack built into the binary), checks it like `dealscreen rules check`, and swaps it in atomically: requests in flight finish on the old pack. A pack with problems is rejected and the old one stays. SIGHUP does the same."),
            );
            responses.insert(
                "200".into(),
                ok_json("The new pack is in force", schema_ref("ReloadResult")),
            );
            responses.insert(
                "422".into(),
                problem("The new pack has problems (listed in `problems`); the old one stays"),
            );
        }
        "health" => {
            responses.insert(
                "200".into(),
                ok_json("The server is up", schema_ref("Health")),
            );
        }
        "page" => {
            op.insert(
                "description".into(),
                json!("A form to paste, upload or pick an example deal. No script; a Content-Security-Policy allows nothing but the page's inline style. Open even with a token configured: it shows only the form."),
            );
            responses.insert("200".into(), page_html("The page"));
        }
        "pageScreen" => {
            op.insert(
                "description".into(),
                json!(if token {
                    "Screens the deal of the form (an uploaded file first, then an example, then the pasted text). This server has a token: give it in the form's `token` field (or as `Authorization: Bearer`). Errors are answered as the page, with the error shown on it and the deal kept in the form."
                } else {
                    "Screens the deal of the form (an uploaded file first, then an example, then the pasted text). Errors are answered as the page, with the error shown on it and the deal kept in the form."
                }),
            );
            let form = schema_ref("PageForm");
            op.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "content": {
                        "multipart/form-data": { "schema": form },
                        "application/x-www-form-urlencoded": { "schema": form }
                    }
                }),
            );
            responses.insert(
                "200".into(),
                json!({
                    "description": "The page with the memo; with `download`, the file (`Content-Disposition: attachment`): the memo in HTML or Markdown, or the report",
                    "content": {
                        "text/html": { "schema": { "type": "string" } },
                        "text/markdown": { "schema": { "type": "string" } },
                        "application/json": { "schema": schema_ref("Report") }
                    }
                }),
            );
            responses.insert(
                "400".into(),
                page_html("No deal given, the deal is not JSON (line and column shown), or the as-of date or download is malformed"),
            );
            responses.insert(
                "401".into(),
                page_html("The server has a token and the form's `token` field does not match it"),
            );
            responses.insert(
                "413".into(),
                page_html("The form is larger than the server's --body-limit"),
            );
            responses.insert("415".into(), page_html("The body is not a form"));
            responses.insert(
                "422".into(),
                page_html("The deal is not valid (its JSON pointer, line and column shown), or it has no date to screen as of"),
            );
        }
        "openapi" => {
            responses.insert(
                "200".into(),
                ok_json("This document", json!({ "type": "object" })),
            );
        }
        _ => {
            responses.insert("200".into(), json!({ "description": "OK" }));
        }
    }
    let secured = match route.access {
        // The form's token is a body field, which a security scheme cannot name; the
        // operation's description says so.
        Access::Open | Access::Form => false,
        Access::Token => token,
        Access::Admin => true,
    };
    if secured {
        op.insert("security".into(), json!([{ "bearer": [] }]));
        responses.insert(
            "401".into(),
            problem("Missing or wrong `Authorization: Bearer <token>`"),
        );
    } else {
        op.insert("security".into(), json!([]));
    }
    if route.access == Access::Admin && !token {
        responses.insert(
            "403".into(),
            problem("Reloading is disabled: the server was started without --token-file"),
        );
    }
    if route.verb == Verb::Post {
        responses
            .entry("413")
            .or_insert_with(|| problem("The body is larger than the server's --body-limit"));
    }
    let late = "The request did not finish within the server's --timeout-ms";
    responses.insert(
        "503".into(),
        if route.path == "/" {
            page_html(late)
        } else {
            problem(late)
        },
    );
    op.insert("responses".into(), Value::Object(responses));
    Value::Object(op)
}

/// Schemas of this API's own envelopes (`RulesetRef` comes with the report's schema).
fn own_schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "ProblemDetails",
            json!({
                "type": "object",
                "description": "RFC 9457 problem details",
                "properties": {
                    "type": { "type": "string", "format": "uri", "description": format!("`{TYPE_PREFIX}<kind>`") },
                    "title": { "type": "string" },
                    "status": { "type": "integer" },
                    "detail": { "type": "string" },
                    "pointer": { "type": "string", "description": "JSON pointer (RFC 6901) into the request body of the value at fault" },
                    "line": { "type": "integer", "minimum": 1 },
                    "column": { "type": "integer", "minimum": 0 },
                    "parameter": { "type": "string", "description": "The query parameter at fault" },
                    "problems": { "type": "array", "items": schema_ref("PackProblem") }
                },
                "required": ["type", "title", "status", "detail"]
            }),
        ),
        (
            "PageForm",
            json!({
                "type": "object",
                "description": "The web page's form; the deal is the uploaded `file`, else the `example`, else the pasted `deal`",
                "properties": {
                    "deal": { "type": "string", "description": "The deal's JSON text" },
                    "file": { "type": "string", "contentMediaType": "application/json", "description": "An uploaded deal file (multipart only)" },
                    "example": { "type": "string", "description": "The id of an example deal offered by the page" },
                    "as_of": { "type": "string", "description": "Screen as of this date (YYYY-MM-DD); empty: the deal's closing date, else its signing date" },
                    "token": { "type": "string", "description": "The server's token, when it has one" },
                    "download": { "enum": ["html", "md", "json"], "description": "Answer with the memo (HTML, Markdown) or the report (JSON) as a file instead of the page" }
                }
            }),
        ),
        (
            "DealBatch",
            json!({
                "type": "object",
                "properties": { "deals": { "type": "array", "items": schema_ref("Deal") } },
                "required": ["deals"],
                "additionalProperties": false
            }),
        ),
        (
            "ReportBatch",
            json!({
                "type": "object",
                "properties": { "reports": { "type": "array", "items": { "oneOf": [
                    schema_ref("Report"),
                    {
                        "type": "object",
                        "properties": { "error": schema_ref("ProblemDetails") },
                        "required": ["error"]
                    }
                ] } } },
                "required": ["reports"]
            }),
        ),
        (
            "RuleList",
            json!({
                "type": "object",
                "properties": {
                    "ruleset": schema_ref("RulesetRef"),
                    "rules": { "type": "array", "items": schema_ref("RuleMeta") }
                },
                "required": ["ruleset", "rules"]
            }),
        ),
        (
            "Health",
            json!({
                "type": "object",
                "properties": {
                    "status": { "const": "ok" },
                    "ruleset": schema_ref("RulesetRef")
                },
                "required": ["status", "ruleset"]
            }),
        ),
        (
            "ReloadResult",
            json!({
                "type": "object",
                "properties": {
                    "status": { "const": "reloaded" },
                    "previous": schema_ref("RulesetRef"),
                    "ruleset": schema_ref("RulesetRef")
                },
                "required": ["status", "previous", "ruleset"]
            }),
        ),
    ]
}

/// Moves a schemars root schema and its `$defs` into `components/schemas`, rewriting
/// `#/$defs/X` references. A definition whose name is taken by a different schema is kept
/// under `<root>.<name>`.
fn hoist(root: &str, mut schema: Value, schemas: &mut Map<String, Value>) {
    let defs = schema
        .as_object_mut()
        .and_then(|o| {
            o.remove("$schema");
            o.remove("$defs")
        })
        .and_then(|d| match d {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    let mut names = std::collections::BTreeMap::new();
    for (name, def) in &defs {
        let mut rewritten_probe = def.clone();
        // Decide names first: equal definitions share one component.
        rewrite(
            &mut rewritten_probe,
            root,
            &std::collections::BTreeMap::new(),
        );
        let taken = schemas
            .get(name)
            .is_some_and(|existing| *existing != rewritten_probe)
            || name == root;
        names.insert(
            name.clone(),
            if taken {
                format!("{root}.{name}")
            } else {
                name.clone()
            },
        );
    }
    for (name, mut def) in defs {
        rewrite(&mut def, root, &names);
        let target = names.get(&name).cloned().unwrap_or(name);
        schemas.insert(target, def);
    }
    rewrite(&mut schema, root, &names);
    schemas.insert(root.to_string(), schema);
}

fn rewrite(v: &mut Value, root: &str, names: &std::collections::BTreeMap<String, String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref") {
                if let Some(name) = r.strip_prefix("#/$defs/") {
                    let name = names.get(name).map_or(name, String::as_str);
                    *r = format!("#/components/schemas/{name}");
                } else if r == "#" {
                    *r = format!("#/components/schemas/{root}");
                }
            }
            for child in o.values_mut() {
                rewrite(child, root, names);
            }
        }
        Value::Array(a) => {
            for child in a {
                rewrite(child, root, names);
            }
        }
        _ => {}
    }
}
