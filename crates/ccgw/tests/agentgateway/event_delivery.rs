//! The Huawei poll over the per-agent event log: byte-identical answers, and an event
//! whose poll was abandoned goes to the next poll instead of being lost.

use ccgw_engine::Clock;
use serde_json::json;

use super::helpers::{OFFERED, TestOpts, spawn_app, split_response, types};

fn poll_request(work_no: u32, guid: &str) -> String {
    format!(
        "GET /agentgateway/resource/agentevent/{work_no} HTTP/1.1\r\nHost: localhost\r\nGuid: {guid}\r\nConnection: close\r\n\r\n"
    )
}

#[tokio::test]
async fn an_event_poll_answer_is_byte_for_byte_the_huawei_one() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let signed_in_at = app.clock.now().as_millis();
    let (head, body) = split_response(&app.raw(&poll_request(101, &guid)).await);
    let head = head.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200 ok\r\n"), "{head}");
    assert!(head.contains("\r\ncontent-type: application/json;charset=utf-8\r\n"), "{head}");
    let expected = format!(
        r#"{{"message":"","retcode":"0","event":{{"eventType":"AgentOther_InService","eventGenTime":{signed_in_at},"workNo":"101","content":null}}}}"#
    );
    assert!(head.contains(&format!("\r\ncontent-length: {}\r\n", expected.len())), "{head}");
    assert_eq!(String::from_utf8(body).unwrap(), expected);
    app.events(101, &guid, 1).await;
    let (head, body) = split_response(&app.raw(&poll_request(101, &guid)).await);
    assert!(head.to_ascii_lowercase().contains("\r\ncontent-length: 28\r\n"), "{head}");
    assert_eq!(body, br#"{"message":"","retcode":"0"}"#);
}

#[tokio::test]
async fn an_event_for_a_poll_whose_client_hung_up_goes_to_the_next_poll_exactly_once() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    app.send_and_hang_up(&poll_request(101, &guid)).await;
    app.place_call(1).await;
    assert_eq!(types(&app.events(101, &guid, 5).await), OFFERED);
    app.assert_no_event(101, &guid).await;
}
