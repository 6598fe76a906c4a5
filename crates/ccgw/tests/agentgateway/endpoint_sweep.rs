//! Every documented interface answers: HTTP 200 with the Huawei envelope — `message` and a
//! string `retcode` — whether it works, refuses or is not supported (spec 08 C7: a Java
//! client takes any other status for a null answer). Walks the whole endpoint list of
//! spec 09 (`endpoints.txt`) over HTTPS as a signed-in agent; sign-outs come last.

use serde_json::{Value, json};

use crate::helpers::*;

const ENDPOINTS: &str = include_str!("endpoints.txt");

/// A concrete path for a pattern: the agent's own id first, plausible values for the rest.
fn concrete(pattern: &str) -> String {
    let mut first = true;
    pattern
        .split('/')
        .map(|segment| {
            let Some(name) = segment.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) else {
                return segment.to_owned();
            };
            let value = match name {
                _ if first => "101",
                "workno" | "workNo" | "receiver" | "destno" => "102",
                "callid" | "callId" => "1700000000-1",
                "time" => "60",
                "isautoanswer" | "autoflag" | "flag" => "true",
                "number" => "123",
                "clustername" => "cluster",
                _ => "1",
            };
            first = false;
            value.to_owned()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_sign_out(path: &str) -> bool {
    path.contains("logout")
}

#[tokio::test]
async fn every_documented_endpoint_answers_200_with_the_envelope() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let endpoints: Vec<(&str, &str)> = ENDPOINTS
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once(' '))
        .collect();
    assert_eq!(endpoints.len(), 195, "the list of spec 09 §2 and §3");
    let (sign_outs, others): (Vec<_>, Vec<_>) = endpoints.into_iter().partition(|(_, path)| is_sign_out(path));
    let mut failures = Vec::new();
    for (method, pattern) in others.into_iter().chain(sign_outs) {
        let path = concrete(pattern);
        let body = matches!(method, "PUT" | "POST").then(|| json!({}));
        let answer = app.call(method, path.trim_start_matches('/'), Some(&guid), body).await;
        let envelope = answer.body.get("retcode").is_some_and(Value::is_string)
            && answer.body.get("message").is_some_and(Value::is_string);
        let json = answer.content_type.starts_with("application/json");
        if answer.status != 200 || !envelope || !json {
            failures.push(format!("{method} {pattern}: {} {} {}", answer.status, answer.content_type, answer.body));
        }
    }
    assert!(failures.is_empty(), "{} endpoints answer outside the envelope:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn interfaces_ccgw_does_not_provide_say_why_after_the_guid_check() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let cases = [
        ("PUT", "recordplay/101/record", "990-001", "not supported on this switch: recording and playback"),
        ("PUT", "textchat/101/chatmessage", "106-001", "no text channel: ccgw carries voice calls only"),
        ("POST", "agentconf/101/holdparticipant", "990-002", "not supported by ccgw: agent conferences (agentconf)"),
        (
            "POST",
            "onlineagent/101/setselfrecord/1/0",
            "990-001",
            "not supported on this switch: recording and playback",
        ),
        (
            "POST",
            "qualitycontrol/101/startVideoMonitor",
            "106-001",
            "video is not supported: ccgw carries voice calls only",
        ),
    ];
    for (method, path, retcode, message) in cases {
        let answer = app.call(method, path, Some(&guid), Some(json!({}))).await;
        assert_eq!((answer.status, answer.retcode()), (200, retcode), "{method} {path}: {}", answer.body);
        assert_eq!(answer.body["message"], message, "{method} {path}");
        let stranger = app.call(method, path, Some("not-the-guid"), Some(json!({}))).await;
        assert_eq!((stranger.status, stranger.retcode()), (200, "000-003"), "{method} {path}: {}", stranger.body);
    }
}

#[tokio::test]
async fn resource_js_serves_the_client_with_every_group_object() {
    let app = spawn_app(TestOpts::default()).await;
    let script = app.client.get(format!("{}/agentgateway/resource-js", app.base)).send().await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(script.headers()["content-type"], "application/javascript; charset=utf-8");
    let text = script.text().await.unwrap();
    for group in ["OnlineAgent", "VoiceCall", "CallData", "AgentGroup", "QueueDevice", "QualityControl"] {
        assert!(text.contains(&format!("define(\"{group}\", ")), "{group}");
    }
    for group in ["AgentEventDispatcher", "RecordPlayVoice", "QueryMonitor", "TextChat"] {
        assert!(text.contains(&format!("define(\"{group}\", ")), "{group}");
    }
    assert!(text.contains("REST.apiURL"));
}

#[tokio::test]
async fn the_all_agent_poll_points_to_the_agents_own() {
    let app = spawn_app(TestOpts::default()).await;
    let answer = app.call("GET", "agentevent/allagentevent?time=1", None, None).await;
    assert_eq!((answer.status, answer.retcode()), (200, "990-002"));
    assert_eq!(answer.body["message"], "not supported by ccgw: the all-agent poll; poll agentevent/{agentid}");
}
