//! Every command a client sends goes to the audit trail: who (the agent of the path, or
//! the admin), the interface, the parameters with secrets replaced by `"***"`, the answer
//! and the client's address. A command is any request but GET and HEAD; reads (polls,
//! queries) are not commands. State changes are added by the engine.
//!
//! Not audited: commands refused before the caller was identified (a missing or wrong
//! Guid, an agent not signed in, a sign-in refused under a lock or for want of a password
//! check, a wrong admin token), Huawei commands refused for malformed parameters (which
//! may be judged before the Guid is, and change nothing), and paths that are no
//! interface. Anyone can send those in any number, so they must not be able to fill the
//! trail; the metrics count them. Wrong passwords are audited: the sign-in locks bound
//! how many one address can send.

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ccgw_core::{AuditEntry, AuditKind, WorkNo};
use http::Method;
use serde_json::{Map, Value};

use crate::guard::Client;
use crate::metrics::HuaweiRetcode;
use crate::state::ApiState;

/// Answers that say the caller was not identified, or may not have been: `000-003`
/// (Guid), `100-006` (not signed in), `110-016` (sign-in locked), `100-003` (no password
/// check free), `000-002` (malformed parameters, possibly judged before the Guid), 401
/// and 429 (admin token).
const UNIDENTIFIED: [&str; 7] = ["000-003", "100-006", "110-016", "100-003", "000-002", "401", "429"];

/// Longest `detail` kept; a longer one is cut, marked with `…`.
const MAX_DETAIL: usize = 4096;

/// Keys whose values never reach the trail (compared without case, as substrings).
// `callBackUri`: its query may hold a token (`?token=…`).
const SECRET_KEYS: [&str; 6] = ["password", "pwd", "token", "secret", "guid", "callbackuri"];

pub(crate) async fn record_command(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let Some(sink) = state.audit.clone() else { return next.run(request).await };
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let at = state.engine.now();
    let huawei = crate::is_huawei(&request);
    // Cheap to keep (shared buffers); the entry is built from them only when it is kept.
    let template = request.extensions().get::<MatchedPath>().cloned();
    let client = Client::of(request.extensions()).address;
    let (parts, body) = request.into_parts();
    let (method, uri) = (parts.method.clone(), parts.uri.clone());
    // The body was read whole by the body-limit layer: taking it here costs no waiting.
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let response = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    let result = match response.extensions().get::<HuaweiRetcode>() {
        Some(retcode) => retcode.0.to_owned(),
        None => response.status().as_u16().to_string(),
    };
    let Some(template) = template else { return response };
    if UNIDENTIFIED.contains(&result.as_str()) {
        return response;
    }
    sink.audit(AuditEntry {
        at,
        kind: AuditKind::Command,
        actor: if huawei { "agent" } else { "admin" },
        agent: agent_of(template.as_str(), uri.path()),
        client: Some(client.to_string()),
        action: format!("{method} {}", template.as_str()),
        detail: detail(uri.path(), uri.query(), &bytes),
        result,
    });
    response
}

/// The agent a path names: the segment where the route template has `{agentid}` or
/// `{workno}`.
fn agent_of(template: &str, path: &str) -> Option<WorkNo> {
    let at = template.split('/').position(|segment| segment == "{agentid}" || segment == "{workno}")?;
    path.split('/').nth(at)?.parse().ok()
}

/// `{"path", "query", "body"}` with secrets replaced, cut at [`MAX_DETAIL`].
fn detail(path: &str, query: Option<&str>, body: &[u8]) -> String {
    let mut detail = Map::new();
    detail.insert("path".into(), Value::String(path.to_owned()));
    if let Some(query) = query.filter(|query| !query.is_empty()) {
        let pairs = crate::wire::lenient::query(Some(query))
            .into_iter()
            .map(|(key, value)| {
                let value = if is_secret(&key) { "***".to_owned() } else { value };
                (key, Value::String(value))
            })
            .collect::<Map<_, _>>();
        detail.insert("query".into(), Value::Object(pairs));
    }
    if !body.is_empty() {
        let body = match serde_json::from_slice::<Value>(body) {
            Ok(value) => redact(value),
            Err(_) => Value::String(format!("<{} bytes, not JSON>", body.len())),
        };
        detail.insert("body".into(), body);
    }
    let mut text = Value::Object(detail).to_string();
    if text.len() > MAX_DETAIL {
        let mut cut = MAX_DETAIL;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

fn is_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|secret| key.contains(secret))
}

fn redact(value: Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| {
                    let value = if is_secret(&key) { Value::String("***".into()) } else { redact(value) };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_wherever_they_are_and_everything_else_is_kept() {
        let body = br#"{"password":"pw-1","phonenum":"70101","nested":{"newPassword":"x","serviceToken":"t"},"list":[{"pwd":"y"}]}"#;
        let detail = detail("/agentgateway/resource/onlineagent/101", Some("token=abc&reason=2"), body);
        for secret in ["pw-1", "\"x\"", "\"t\"", "\"y\"", "abc"] {
            assert!(!detail.contains(secret), "{secret} in {detail}");
        }
        let value: Value = serde_json::from_str(&detail).unwrap();
        assert_eq!(value["body"]["phonenum"], "70101");
        assert_eq!(value["body"]["password"], "***");
        assert_eq!(value["body"]["list"][0]["pwd"], "***");
        assert_eq!(value["query"]["reason"], "2");
        assert_eq!(value["query"]["token"], "***");
        assert_eq!(value["path"], "/agentgateway/resource/onlineagent/101");
    }

    #[test]
    fn a_body_that_is_not_json_is_described_not_kept_and_a_long_detail_is_cut() {
        let detail_of_text = detail("/x", None, b"password=plain");
        assert!(!detail_of_text.contains("plain"), "{detail_of_text}");
        assert!(detail_of_text.contains("14 bytes, not JSON"));
        let long = format!(r#"{{"note":"{}"}}"#, "é".repeat(5000));
        let cut = detail("/x", None, long.as_bytes());
        assert!(cut.len() <= MAX_DETAIL + '…'.len_utf8() && cut.ends_with('…'));
    }

    #[test]
    fn the_agent_comes_from_the_segment_the_template_names() {
        let template = "/agentgateway/resource/onlineagent/{agentid}/saybusy";
        assert_eq!(agent_of(template, "/agentgateway/resource/onlineagent/101/saybusy"), WorkNo::new(101).ok());
        assert_eq!(agent_of("/ccgw/v1/agents/{workno}", "/ccgw/v1/agents/7"), WorkNo::new(7).ok());
        assert_eq!(agent_of("/ccgw/v1/agents", "/ccgw/v1/agents"), None);
        assert_eq!(agent_of(template, "/agentgateway/resource/onlineagent/x/saybusy"), None);
    }
}
