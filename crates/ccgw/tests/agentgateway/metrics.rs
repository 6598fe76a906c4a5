//! `GET /metrics`: Prometheus text behind the admin token, with requests by interface and
//! answer, agents by state, queues, calls by outcome and the limits' counters.

use std::time::Duration;

use ccgw_core::RequestRate;
use serde_json::json;

use crate::helpers::*;

/// The value of the sample whose name and labels are exactly `series`.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let response = app.client.get(format!("{}/metrics", app.base)).bearer_auth(&app.admin_token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_need_the_admin_token() {
    let app = spawn_app(TestOpts::default()).await;
    let response = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn metrics_report_requests_agents_queues_calls_and_refusals() {
    let opts = TestOpts { request_rate: RequestRate { per_second: 1, burst: 2 }, ..TestOpts::default() };
    let app = spawn_app(opts).await;

    // A call waits 3 s with nobody signed in.
    let waiting = app.place_call(1).await;
    app.advance(Duration::from_secs(3)).await;
    let text = scrape(&app).await;
    assert_eq!(value(&text, r#"ccgw_queue_waiting_calls{vdn="1",skill="1"}"#), Some(1.0), "{text}");
    assert_eq!(value(&text, r#"ccgw_queue_longest_wait_seconds{vdn="1",skill="1"}"#), Some(3.0), "{text}");
    assert_eq!(value(&text, r#"ccgw_live_calls{vdn="1"}"#), Some(1.0), "{text}");
    assert_eq!(app.hang_up(&waiting).await, 200);

    // A wrong password, a sign-in, two status reads and one over the rate, a path that is
    // no interface.
    let wrong = json!({"password": "not-it", "phonenum": "70102", "status": "4"});
    assert_eq!(app.call("PUT", "onlineagent/102", None, Some(wrong)).await.retcode(), "100-004");
    let guid = app.sign_in(101, json!({})).await;
    for expected in ["0", "0", "000-007"] {
        assert_eq!(retcode(&app, "GET", "onlineagent/101/agentstatus", &guid, None).await, expected);
    }
    assert_eq!(app.call("GET", "no/such/interface", Some(&guid), None).await.status, 404);

    let text = scrape(&app).await;
    let status = "/agentgateway/resource/onlineagent/{agentid}/agentstatus";
    let requests = |method: &str, code: &str| {
        format!(r#"ccgw_http_requests_total{{api="huawei",interface="{status}",method="{method}",code="{code}"}}"#)
    };
    assert_eq!(value(&text, &requests("GET", "0")), Some(2.0), "{text}");
    assert_eq!(value(&text, &requests("GET", "000-007")), Some(1.0), "{text}");
    let latency = format!(r#"ccgw_http_request_duration_seconds_count{{api="huawei",interface="{status}"}}"#);
    assert_eq!(value(&text, &latency), Some(3.0), "{text}");
    let inf = format!(r#"ccgw_http_request_duration_seconds_bucket{{api="huawei",interface="{status}",le="+Inf"}}"#);
    assert_eq!(value(&text, &inf), Some(3.0), "{text}");
    let sign_in = r#"ccgw_http_requests_total{api="huawei",interface="/agentgateway/resource/onlineagent/{agentid}",method="PUT","#;
    assert_eq!(value(&text, &format!(r#"{sign_in}code="100-004"}}"#)), Some(1.0), "{text}");
    assert_eq!(value(&text, &format!(r#"{sign_in}code="0"}}"#)), Some(1.0), "{text}");
    let unmatched = r#"ccgw_http_requests_total{api="huawei",interface="unmatched",method="GET",code="000-002"}"#;
    assert_eq!(value(&text, unmatched), Some(1.0), "{text}");

    assert_eq!(value(&text, r#"ccgw_agents{vdn="1",state="idle"}"#), Some(1.0), "{text}");
    assert_eq!(value(&text, r#"ccgw_agents{vdn="1",state="talking"}"#), Some(0.0), "{text}");
    assert_eq!(value(&text, r#"ccgw_queue_waiting_calls{vdn="1",skill="1"}"#), Some(0.0), "{text}");
    assert_eq!(value(&text, r#"ccgw_calls_ended_total{vdn="1",outcome="abandoned-in-queue"}"#), Some(1.0), "{text}");
    assert_eq!(value(&text, r#"ccgw_requests_rate_limited_total{vdn="1"}"#), Some(1.0), "{text}");
    assert_eq!(value(&text, "ccgw_sign_in_failures_total"), Some(1.0), "{text}");
    assert_eq!(value(&text, "ccgw_sign_in_lockouts_total"), Some(0.0), "{text}");
    assert_eq!(value(&text, "ccgw_event_log_dropped_events_total"), Some(0.0), "{text}");
    assert!(value(&text, "ccgw_open_connections").is_some_and(|open| open >= 1.0), "{text}");
    assert_eq!(value(&text, "ccgw_call_records_unwritten").map(|n| n >= 0.0), Some(true), "{text}");
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let (_, sample) = line.rsplit_once(' ').unwrap_or_else(|| panic!("a sample line: {line}"));
        assert!(sample.parse::<f64>().is_ok(), "a number ends every sample line: {line}");
    }
}
