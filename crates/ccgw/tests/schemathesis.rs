//! schemathesis (PyPI) against a running gateway for a bounded time: it reads
//! `GET /ccgw/v1/openapi.json`, generates requests for every operation of both APIs —
//! valid and invalid — with the admin token and a signed-in agent's Guid, and checks
//! that no answer is a 5xx and every answer matches the document (status, content type,
//! headers, body schema). Under CI a missing schemathesis fails the test; elsewhere it
//! is skipped with a note. `CCGW_SCHEMATHESIS_SECONDS` sets the time (default 90).

use std::process::{Command, Stdio};

mod process;

use serde_json::json;

use process::{ADMIN_TOKEN, admin, peer_present, sign_in_101, start_logging};

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_headers_conformance,response_schema_conformance";

#[tokio::test]
async fn every_answer_matches_the_openapi_document_and_none_is_a_server_error() {
    if !peer_present("schemathesis", "--version", "pip install schemathesis") {
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let seconds = std::env::var("CCGW_SCHEMATHESIS_SECONDS").unwrap_or_else(|_| "90".into());
    let data_dir = tempfile::tempdir().unwrap();
    let log = std::fs::File::create(data_dir.path().join("gateway.log")).unwrap();
    // Static Guids, so the one Guid stays valid for every request schemathesis sends.
    // Polls held 1 s, not 8: many are sent.
    let env = [("CCGW_ENGINE__AUTH_MODE", "static"), ("CCGW_API__POLL_HOLD_MS", "1000")];
    let gateway = start_logging(data_dir.path(), Stdio::from(log), &env);
    let client = reqwest::Client::new();
    let guid = sign_in_101(&client, &gateway).await;
    // A live call at the agent, so call queries answer with calls, not only `{}`.
    let placed = admin(&client, &gateway, "POST", "sim/calls", Some(json!({"caller": "13800000000", "skill": 1})));
    assert!(placed.await["callid"].is_string());

    let output = Command::new("schemathesis")
        .arg("run")
        .arg(format!("{}/ccgw/v1/openapi.json", gateway.origin))
        .args(["--checks", CHECKS])
        .args(["--header", &format!("Authorization: Bearer {ADMIN_TOKEN}")])
        .args(["--header", &format!("Guid: {guid}")])
        .args(["--max-time", &seconds, "--seed", "20261206", "--request-timeout", "40"])
        // One worker: hypothesis's lambda descriptions call `ast.parse`, which CPython 3.11
        // can fail from several threads at once ("AST constructor recursion depth mismatch").
        .args(["--workers", "1"])
        .current_dir(data_dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary: String =
        stdout.lines().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
    assert!(
        output.status.success(),
        "schemathesis found answers that break the document:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("passed"), "schemathesis ran no test cases:\n{summary}");
    eprintln!("{summary}");

    // A new connection: the gateway closes keep-alive connections idle past
    // `server.header_timeout_ms` (30 s), as the first client's may be by now.
    let health = reqwest::Client::new().get(format!("{}/ccgw/v1/health", gateway.origin)).send().await.unwrap();
    assert_eq!(health.status(), 200, "the gateway survives the run");
    let log = std::fs::read_to_string(data_dir.path().join("gateway.log")).unwrap();
    assert!(!log.contains("panicked"), "the gateway panicked during the run:\n{log}");
}
