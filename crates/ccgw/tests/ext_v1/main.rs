//! Black-box tests of the `/ccgw/v1` extension API and of plain-HTTP serving.
//! Run: `cargo test -p ccgw --test ext_v1`.

// Shared with the agentgateway tests; not every helper is used here.
#[allow(dead_code)]
#[path = "../agentgateway/helpers.rs"]
mod helpers;

mod acd;
mod admin_token;
mod events;
mod openapi;
mod records;
mod sim;
mod snapshot;

use reqwest::Method;
use serde_json::{Value, json};

use helpers::{TestApp, TestOpts, spawn_app};

async fn ext(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.request(method, format!("{}/ccgw/v1/{path}", app.base)).bearer_auth(&app.admin_token);
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
    (status, body)
}

#[tokio::test]
async fn the_extension_api_needs_the_admin_token_except_for_health() {
    let app = spawn_app(TestOpts::default()).await;
    let health = app.client.get(format!("{}/ccgw/v1/health", app.base)).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    for token in [None, Some("wrong-token-0123456789")] {
        let mut request = app.client.get(format!("{}/ccgw/v1/agents", app.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], json!("unauthorized"));
    }
    // The scheme's name is case-insensitive (RFC 9110 §11.1); only the bearer scheme counts.
    for (header, status) in [
        (format!("bearer {}", app.admin_token), 200),
        (format!("BEARER {}", app.admin_token), 200),
        (format!("Basic {}", app.admin_token), 401),
        (format!("Bearer{}", app.admin_token), 401),
    ] {
        let request = app.client.get(format!("{}/ccgw/v1/agents", app.base)).header("Authorization", &header);
        assert_eq!(request.send().await.unwrap().status().as_u16(), status, "{}", &header[..6]);
    }
}

#[tokio::test]
async fn a_skill_and_agent_added_over_the_api_take_calls_at_once() {
    let app = spawn_app(TestOpts::default()).await;
    let (status, skill) = ext(&app, Method::POST, "skills", Some(json!({"id": 7, "name": "Billing"}))).await;
    let billing = json!({
        "vdn": 1, "id": 7, "name": "Billing", "mediaType": 5, "policy": "longest-idle", "maxWaiting": null,
        "maxWaitMs": null, "overflow": null, "refuseWhenUnstaffed": false, "wrapUpMs": null
    });
    assert_eq!((status, &skill), (201, &billing));
    assert_eq!(ext(&app, Method::POST, "skills", Some(json!({"id": 7, "name": "Again"}))).await.0, 409);

    let new_agent =
        json!({"workNo": 130, "password": "Agent-130-pw", "phone": "70130", "skills": [{"id": 7, "level": 3}]});
    let (status, agent) = ext(&app, Method::POST, "agents", Some(new_agent)).await;
    assert_eq!(status, 201);
    assert_eq!(agent["skills"], json!([{"id": 7, "level": 3}]));
    assert!(agent.get("password").is_none(), "no password in answers");
    let (_, listed) = ext(&app, Method::GET, "agents?vdn=1", None).await;
    assert_eq!(listed["agents"].as_array().unwrap().len(), 21);

    let signed_in =
        app.call("PUT", "onlineagent/130", None, Some(json!({"password": "Agent-130-pw", "autoanswer": false}))).await;
    assert_eq!(signed_in.retcode(), "0");
    let guid = signed_in.set_guid.unwrap();
    app.events(130, &guid, 2).await;
    let callid = app.place_call(7).await;
    let offered = app.events(130, &guid, 5).await;
    assert_eq!(offered[4]["content"]["callid"], json!(callid));
    let (_, calls) = ext(&app, Method::GET, "sim/calls", None).await;
    assert_eq!(calls["calls"][0]["state"], json!("ringing"));
    assert_eq!(calls["calls"][0]["agent"], json!("130"));
}

#[tokio::test]
async fn directory_changes_apply_at_the_next_sign_in() {
    let app = spawn_app(TestOpts::default()).await;
    let (status, _) = ext(&app, Method::PUT, "agents/110/password", Some(json!({"password": "Changed-pw1"}))).await;
    assert_eq!(status, 204);
    let old = app.call("PUT", "onlineagent/110", None, Some(json!({"password": helpers::PASSWORD}))).await;
    assert_eq!(old.retcode(), "100-004");
    let (status, patched) =
        ext(&app, Method::PATCH, "agents/110", Some(json!({"name": "Renamed", "skills": [{"id": 2}]}))).await;
    assert_eq!((status, &patched["name"]), (200, &json!("Renamed")));
    assert_eq!(patched["skills"], json!([{"id": 2, "level": 1}]));
    assert_eq!(app.call("PUT", "onlineagent/110", None, Some(json!({"password": "Changed-pw1"}))).await.retcode(), "0");
    assert_eq!(ext(&app, Method::DELETE, "agents/111", None).await.0, 204);
    assert_eq!(ext(&app, Method::GET, "agents/111", None).await.0, 404);
    assert_eq!(
        app.call("PUT", "onlineagent/111", None, Some(json!({"password": helpers::PASSWORD}))).await.retcode(),
        "100-004"
    );
}

#[tokio::test]
async fn bad_requests_get_a_json_error_with_a_message() {
    let app = spawn_app(TestOpts::default()).await;
    let cases = [
        (Method::POST, "skills", Some(json!({"id": 0, "name": "Zero"})), 400),
        (Method::POST, "skills", Some(json!({"id": 9, "name": "X", "colour": "red"})), 400),
        (
            Method::POST,
            "agents",
            Some(json!({"workNo": 131, "password": "pw-131-long", "phone": "70131", "skills": [{"id": 99}]})),
            404,
        ),
        (Method::POST, "agents", Some(json!({"workNo": 132, "password": "pw-132-long", "phone": "7a"})), 400),
        (Method::POST, "sim/calls", Some(json!({"caller": "13800000000", "skill": 99})), 404),
        (Method::POST, "sim/calls", Some(json!({"caller": "not-a-number", "skill": 1})), 400),
        (Method::DELETE, "sim/calls/1700000000-999", None, 404),
        (Method::GET, "agents/abc", None, 400),
        (Method::GET, "no-such-thing", None, 404),
    ];
    for (method, path, body, expected) in cases {
        let (status, answer) = ext(&app, method.clone(), path, body.clone()).await;
        assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{method} {path}: {answer}");
    }
    // A body that is not JSON at all.
    let response = app
        .client
        .post(format!("{}/ccgw/v1/sim/calls", app.base))
        .bearer_auth(&app.admin_token)
        .header("Content-Type", "application/json")
        .body("{\"caller\":")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], json!("invalid_request"));
}

#[tokio::test]
async fn plain_http_mode_serves_the_same_api() {
    let app = spawn_app(TestOpts { plain_http: true, ..TestOpts::default() }).await;
    assert!(app.base.starts_with("http://"));
    let guid = app.sign_in(101, json!({})).await;
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentOther_InService", "AgentState_Ready"]);
    let callid = app.place_call(1).await;
    assert_eq!(app.events(101, &guid, 5).await[4]["content"]["callid"], json!(callid));
}
