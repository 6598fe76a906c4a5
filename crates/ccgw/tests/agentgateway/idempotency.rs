//! `Idempotency-Key` over HTTPS: a retried command answers its first response without
//! acting twice, on both the Huawei API and the extension API.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestOpts, sim_calls, spawn_app, split_response};

const NUMBER: &str = "5551234";

/// A response as a client sees it: status, whether it was replayed, JSON body.
struct Keyed {
    status: u16,
    replayed: bool,
    body: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Keyed {
    let response = request.send().await.expect("request reaches the gateway");
    let status = response.status().as_u16();
    let replayed = response.headers().get("idempotent-replayed").is_some_and(|value| value == "true");
    let body = response.json().await.expect("a JSON body");
    Keyed { status, replayed, body }
}

/// A Huawei command with a `Guid` and an `Idempotency-Key`.
async fn huawei(app: &TestApp, method: &str, path: &str, guid: &str, key: &str, body: Value) -> Keyed {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = app
        .client
        .request(method, app.url(path))
        .header("Guid", guid)
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json; charset=UTF-8")
        .body(body.to_string());
    send(request).await
}

/// An extension-API command with the admin token and an `Idempotency-Key`.
async fn extension(app: &TestApp, method: &str, path: &str, key: &str, body: Value) -> Keyed {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = app
        .client
        .request(method, format!("{}/ccgw/v1/{path}", app.base))
        .bearer_auth(&app.admin_token)
        .header("Idempotency-Key", key)
        .json(&body);
    send(request).await
}

/// Live calls the simulated switch carries for `agent`.
async fn sim_calls_of(app: &TestApp, agent: &str) -> Vec<String> {
    let party = format!("{agent}:");
    let calls = sim_calls(app).await.into_iter();
    calls.filter(|(_, parties)| parties.iter().any(|p| p.starts_with(&party))).map(|(callid, _)| callid).collect()
}

#[tokio::test]
async fn a_retried_call_out_places_one_call_and_answers_the_first_call_id() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;

    let first = app.agent(101, &guid).keyed("order-17").call_out(NUMBER).await;
    assert_eq!(first.body["retcode"], json!("0"), "{}", first.body);
    assert!(!first.replayed);
    let again = app.agent(101, &guid).keyed("order-17").call_out(NUMBER).await;
    assert_eq!((again.status, again.replayed), (200, true));
    assert_eq!(again.body, first.body, "the retry answers the first call id");
    assert_eq!(sim_calls_of(&app, "agent:101").await, [first.body["result"].as_str().unwrap()]);
    let events = app.event_types(101, &guid, 4).await;
    assert_eq!(events.iter().filter(|kind| *kind == "AgentEvent_Customer_Alerting").count(), 1, "{events:?}");
    app.assert_no_event(101, &guid).await;

    // The same key for another request is refused and changes nothing.
    let other = app.agent(101, &guid).keyed("order-17").call_out("5559999").await;
    assert_eq!(other.body["retcode"], json!("000-002"), "{}", other.body);
    assert!(other.body["message"].as_str().unwrap().contains("different request"), "{}", other.body);
    assert_eq!(sim_calls_of(&app, "agent:101").await.len(), 1);

    // A fresh key acts as usual: here the agent is busy with the first call.
    let fresh = app.agent(101, &guid).keyed("order-18").call_out(NUMBER).await;
    assert_eq!(fresh.body["retcode"], json!("100-009"), "{}", fresh.body);
    assert!(!fresh.replayed);
}

#[tokio::test]
async fn simultaneous_retries_wait_for_the_one_attempt_that_acts() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let attempt = || app.agent(101, &guid).keyed("burst").call_out(NUMBER);
    let (one, two, three, four) = tokio::join!(attempt(), attempt(), attempt(), attempt());
    let answers = [one, two, three, four];
    let first = &answers[0].body;
    assert_eq!(first["retcode"], json!("0"), "{first}");
    assert!(answers.iter().all(|answer| answer.body == *first), "every attempt answers the same call id");
    assert_eq!(answers.iter().filter(|answer| !answer.replayed).count(), 1, "exactly one attempt acted");
    assert_eq!(sim_calls_of(&app, "agent:101").await.len(), 1);
}

#[tokio::test]
async fn a_key_belongs_to_the_credential_that_used_it() {
    let app = spawn_app(TestOpts::default()).await;
    let first_guid = app.idle_agent(101, json!({})).await;
    let second_guid = app.idle_agent(102, json!({})).await;
    let mine = app.agent(101, &first_guid).keyed("shared-key").call_out(NUMBER).await;
    let theirs = app.agent(102, &second_guid).keyed("shared-key").call_out(NUMBER).await;
    assert_eq!(mine.body["retcode"], json!("0"));
    assert_eq!(theirs.body["retcode"], json!("0"));
    assert!(!theirs.replayed);
    assert_ne!(mine.body["result"], theirs.body["result"], "each agent placed its own call");

    // Another agent's Guid on the first agent's path never gets the first agent's answer.
    let stolen = app.agent(101, &second_guid).keyed("shared-key").call_out(NUMBER).await;
    assert_eq!((stolen.body["retcode"].clone(), stolen.replayed), (json!("000-002"), false), "{}", stolen.body);
    let stolen = app.agent(101, &second_guid).keyed("fresh-key").call_out(NUMBER).await;
    assert_eq!(stolen.body["retcode"], json!("000-003"), "{}", stolen.body);
}

#[tokio::test]
async fn malformed_keys_are_refused_in_each_dialect() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let long = "k".repeat(256);
    for key in [long.as_str(), "two words"] {
        let answer = huawei(&app, "POST", "voicecall/101/hold", &guid, key, json!({})).await;
        assert_eq!((answer.status, answer.body["retcode"].clone()), (200, json!("000-002")), "{key}");
        let ext = extension(&app, "POST", "skills", key, json!({})).await;
        assert_eq!(ext.status, 400, "{}", ext.body);
        assert_eq!(ext.body["error"]["code"], json!("invalid_idempotency_key"));
    }
    // Reads ignore the key: each answers afresh.
    let read = |key: &'static str| {
        let request = app.client.get(app.url("onlineagent/101/agentstatus")).header("Guid", &guid);
        send(request.header("Idempotency-Key", key))
    };
    assert!(!read("same").await.replayed);
    assert!(!read("same").await.replayed);
}

#[tokio::test]
async fn extension_commands_replay_until_the_key_expires() {
    let app = spawn_app(TestOpts::default()).await;
    let agent = json!({"workNo": 140, "password": "Agent-140-pw", "phone": "70140", "skills": [{"id": 1}]});
    let created = extension(&app, "POST", "agents", "new-140", agent.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let retried = extension(&app, "POST", "agents", "new-140", agent.clone()).await;
    assert_eq!((retried.status, retried.replayed), (201, true));
    assert_eq!(retried.body, created.body);
    let reused = extension(&app, "POST", "agents", "new-140", json!({"workNo": 141})).await;
    assert_eq!((reused.status, reused.body["error"]["code"].clone()), (422, json!("idempotency_key_reused")));

    // Keys are remembered for ten minutes by default; then the retry acts again.
    app.advance(Duration::from_secs(601)).await;
    let late = extension(&app, "POST", "agents", "new-140", agent).await;
    assert_eq!(late.status, 409, "the agent exists: {}", late.body);
    assert!(!late.replayed);
}

#[tokio::test]
async fn a_replayed_sign_in_keeps_the_exact_set_guid_header_on_the_wire() {
    let app = spawn_app(TestOpts::default()).await;
    let body = json!({"password": crate::helpers::PASSWORD, "phonenum": "70101", "status": 4}).to_string();
    let request = format!(
        "PUT /agentgateway/resource/onlineagent/101 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json;charset=UTF-8\r\nIdempotency-Key: sign-in-1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let set_guid = |raw: &[u8]| {
        let (head, _) = split_response(raw);
        let line = head.lines().find(|line| line.to_ascii_lowercase().starts_with("set-guid:")).map(str::to_owned);
        (head, line.expect("a Set-GUID header"))
    };
    let (_, first) = set_guid(&app.raw(&request).await);
    let (head, again) = set_guid(&app.raw(&request).await);
    assert!(first.starts_with("Set-GUID: JSESSIONID="), "{first}");
    assert_eq!(again, first, "the replay hands out the same Guid, spelled the same");
    assert!(head.contains("idempotent-replayed: true"), "{head}");
}

#[tokio::test]
async fn a_refused_guid_is_not_remembered() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let refused = app.agent(101, "not-the-guid").keyed("k-1").call_out(NUMBER).await;
    assert_eq!(refused.body["retcode"], json!("000-003"));
    let again = app.agent(101, "not-the-guid").keyed("k-1").call_out(NUMBER).await;
    assert_eq!((again.body["retcode"].clone(), again.replayed), (json!("000-003"), false));
    let placed = app.agent(101, &guid).keyed("k-1").call_out(NUMBER).await;
    assert_eq!(placed.body["retcode"], json!("0"), "the real Guid's scope is its own");
}
