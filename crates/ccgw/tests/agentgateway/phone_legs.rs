//! The agent's phone leg over HTTPS, scripted through `/ccgw/v1/sim/agent-phones` and
//! `/ccgw/v1/sim/calls/{callid}/agents/{workno}/hangup`: a busy or silent phone passes the
//! offer on, a slow one delays it, the handset going down releases the call.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{OFFERED, TestOpts, record_of, spawn_app};

#[tokio::test]
async fn agent_phone_rules_are_read_replaced_and_checked() {
    let app = spawn_app(TestOpts::default()).await;
    assert_eq!(app.admin("GET", "sim/agent-phones", None).await, (200, json!({"rules": [], "default": "answer"})));
    let rules = json!([
        {"pattern": "70101", "behaviour": "busy"},
        {"pattern": "7010*", "behaviour": "answer", "afterMs": 200},
        {"pattern": "*", "behaviour": "ring"},
    ]);
    let wanted = (200, json!({"rules": rules, "default": "answer"}));
    assert_eq!(app.admin("PUT", "sim/agent-phones", Some(json!({"rules": rules}))).await, wanted);
    assert_eq!(app.admin("GET", "sim/agent-phones", None).await, wanted);
    let (status, body) =
        app.admin("PUT", "sim/agent-phones", Some(json!({"rules": [{"pattern": "1", "behaviour": "invalid"}]}))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("rules[0]"), "{body}");
    assert_eq!(app.admin("GET", "sim/agent-phones", None).await, wanted, "unchanged");
    // The far-end rules are a list of their own.
    assert_eq!(app.admin("GET", "sim/rules", None).await.1["rules"], json!([]));
}

#[tokio::test]
async fn a_busy_phone_passes_the_offer_to_the_next_agent() {
    let app = spawn_app(TestOpts::default()).await;
    let rules = json!({"rules": [{"pattern": "70101", "behaviour": "busy"}]});
    assert_eq!(app.admin("PUT", "sim/agent-phones", Some(rules)).await.0, 200);
    let busy = app.idle_agent(101, json!({})).await;
    let callid = app.place_call(1).await;
    assert_eq!(
        app.event_types(101, &busy, 3).await,
        ["AgentEvent_Incoming_CallInfo", "AgentState_Busy", "AgentEvent_Connect_Fail"]
    );
    let set_busy = app.events(101, &busy, 1).await;
    assert_eq!(set_busy[0]["eventType"], json!("AgentState_SetNotReady_Success"));
    app.assert_no_event(101, &busy).await;

    let next = app.idle_agent(102, json!({})).await;
    let offer = app.events(102, &next, 5).await;
    assert_eq!(offer.iter().map(|e| e["eventType"].as_str().unwrap()).collect::<Vec<_>>(), OFFERED);
    assert_eq!(offer[4]["content"]["callid"], json!(callid));
    assert_eq!(app.agent(102, &next).answer().await.retcode(), "0");
}

#[tokio::test]
async fn a_phone_that_never_answers_is_taken_back_at_the_ring_timeout() {
    let app = spawn_app(TestOpts::default()).await;
    assert_eq!(
        app.admin("PUT", "sim/agent-phones", Some(json!({"rules": [{"pattern": "*", "behaviour": "ring"}]}))).await.0,
        200
    );
    let guid = app.idle_agent(101, json!({})).await;
    app.place_call(1).await;
    assert_eq!(
        app.event_types(101, &guid, 3).await,
        ["AgentEvent_Incoming_CallInfo", "AgentState_Busy", "AgentOther_PhoneAlerting"]
    );
    let answer = app.agent(101, &guid).answer().await;
    assert_eq!(answer.retcode(), "200-002", "nothing rings in software yet: {}", answer.body);
    app.advance(Duration::from_secs(20)).await;
    // The phone never went off-hook: no PhoneRelease.
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentEvent_No_Answer", "AgentState_SetNotReady_Success"]);
}

#[tokio::test]
async fn a_slow_phone_delays_the_ringing_until_it_is_off_hook() {
    let app = spawn_app(TestOpts::default()).await;
    let rules = json!({"rules": [{"pattern": "70101", "behaviour": "answer", "afterMs": 500}]});
    assert_eq!(app.admin("PUT", "sim/agent-phones", Some(rules)).await.0, 200);
    let guid = app.idle_agent(101, json!({})).await;
    app.place_call(1).await;
    assert_eq!(app.event_types(101, &guid, 3).await, OFFERED[..3]);
    app.advance(Duration::from_millis(499)).await;
    app.assert_no_event(101, &guid).await;
    app.advance(Duration::from_millis(1)).await;
    assert_eq!(app.event_types(101, &guid, 2).await, OFFERED[3..]);
}

#[tokio::test]
async fn the_handset_going_down_releases_the_call_as_release_does() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let callid = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    assert_eq!(app.agent(101, &guid).answer().await.retcode(), "0");
    app.events(101, &guid, 2).await;

    let (status, body) = app.admin("POST", &format!("sim/calls/{callid}/agents/101/hangup"), None).await;
    assert_eq!((status, body), (200, json!({"callid": callid, "workNo": 101, "handset": "down"})));
    let released = app.events(101, &guid, 4).await;
    let types: Vec<&str> = released.iter().map(|e| e["eventType"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["AgentEvent_Call_Release", "AgentEvent_Customer_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(released[2]["content"], json!({"phoneState": 2}), "the agent hung up");
    app.flush_records().await;
    assert_eq!(record_of(&app, &callid).await["outcome"], json!("answered"));

    let (status, body) = app.admin("POST", &format!("sim/calls/{callid}/agents/101/hangup"), None).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = app.admin("POST", &format!("sim/calls/{callid}/agents/x/hangup"), None).await;
    assert_eq!(status, 400, "{body}");
}
