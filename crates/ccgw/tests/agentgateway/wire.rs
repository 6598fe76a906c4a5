//! Wire rules clients depend on, asserted on raw bytes (spec 08).

use serde_json::json;

use crate::helpers::{PASSWORD, TestOpts, spawn_app, split_response};

#[tokio::test]
async fn sign_in_sends_set_guid_with_exact_casing_and_jsessionid_value() {
    let app = spawn_app(TestOpts::default()).await;
    let body = json!({"password": PASSWORD, "phonenum": "70101", "status": 4}).to_string();
    let request = format!(
        "PUT /agentgateway/resource/onlineagent/101 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json;charset=UTF-8\r\nCookie: \r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let raw = app.raw(&request).await;
    let (head, body) = split_response(&raw);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("\r\nSet-GUID: JSESSIONID="), "header name must be spelled Set-GUID: {head}");
    let value = head.split("\r\nSet-GUID: JSESSIONID=").nth(1).unwrap().split("\r\n").next().unwrap();
    assert!(value.ends_with(".AgentGateway1") && !value.contains('=') && !value.contains(':'), "{value}");
    assert!(head.to_ascii_lowercase().contains("\r\ncontent-type: application/json;charset=utf-8"), "{head}");
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["retcode"], json!("0"));
    assert_eq!(body["result"]["vdnid"], json!(1));
    assert_eq!(body["result"]["workno"], json!("101"));
    assert_eq!(body["result"]["isForceChange"], json!("false"));
    assert!(body["result"]["loginTime"].as_str().unwrap().parse::<u64>().is_ok());
}

#[tokio::test]
async fn empty_poll_body_is_exactly_the_28_bytes_clients_compare() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    app.events(101, &guid, 2).await;
    let request = format!(
        "GET /agentgateway/resource/agentevent/101?time=1 HTTP/1.1\r\nHost: localhost\r\nguid: {guid}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    );
    let raw = app.raw(&request).await;
    let (head, body) = split_response(&raw);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, br#"{"message":"","retcode":"0"}"#.to_vec());
    assert_eq!(body.len(), 28);
}

#[tokio::test]
async fn double_slashes_empty_query_values_and_body_less_posts_are_accepted() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let request = format!(
        "GET /agentgateway/resource//onlineagent/101/agentstatus?skillid=&resteasy_jsapi_anti_cache=5 HTTP/1.1\r\nHost: localhost\r\nGuid: {guid}\r\nConnection: close\r\n\r\n"
    );
    let (head, body) = split_response(&app.raw(&request).await);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["result"], json!({"agentState": 4, "isWorking": false}));
    let request = format!(
        "POST /agentgateway/resource/onlineagent/101/handshake HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nGuid: {guid}\r\nConnection: close\r\n\r\n"
    );
    let (head, body) = split_response(&app.raw(&request).await);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["retcode"], json!("0"));
}

#[tokio::test]
async fn bad_input_gets_http_200_json_with_the_documented_retcode() {
    let app = spawn_app(TestOpts::default()).await;
    let cases = [
        ("PUT", "onlineagent/101", Some(json!("not an object")), "100-001"),
        ("PUT", "onlineagent/101", Some(json!({"password": PASSWORD, "status": "9"})), "100-001"),
        ("PUT", "onlineagent/101", Some(json!({"password": "wrong-password"})), "100-004"),
        ("PUT", "onlineagent/999", Some(json!({"password": PASSWORD})), "100-004"),
        ("PUT", "onlineagent/0101", Some(json!({"password": PASSWORD})), "000-002"),
        ("PUT", "onlineagent/1000000", Some(json!({"password": PASSWORD})), "000-002"),
        ("PUT", "onlineagent/101", Some(json!({"password": PASSWORD, "phonenum": "70x"})), "100-013"),
        ("GET", "agentevent/101", None, "100-006"),
        ("GET", "agentevent/abc", None, "000-002"),
    ];
    for (method, path, body, expected) in cases {
        let answer = app.call(method, path, None, body.clone()).await;
        assert_eq!(answer.status, 200, "{method} {path} {body:?}");
        assert!(answer.content_type.starts_with("application/json"), "{method} {path}");
        assert_eq!(answer.retcode(), expected, "{method} {path} {body:?}: {}", answer.body);
    }
    // Malformed JSON bytes, not just a wrong shape.
    let raw = "PUT /agentgateway/resource/onlineagent/101 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{\"passwo";
    let (head, body) = split_response(&app.raw(raw).await);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["retcode"], json!("100-001"));
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_answer_json_not_html() {
    let app = spawn_app(TestOpts::default()).await;
    let unknown = app.call("GET", "nosuchgroup/101", None, None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.retcode(), "000-002");
    let wrong = app.call("POST", "agentevent/101", None, None).await;
    assert_eq!(wrong.status, 405);
    assert!(wrong.content_type.starts_with("application/json"));
}
