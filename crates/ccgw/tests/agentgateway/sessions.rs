//! Sign-in, Guid sessions, liveness and the long poll.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{PASSWORD, TestOpts, spawn_app};

#[tokio::test]
async fn sign_in_events_follow_the_requested_status() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentOther_InService", "AgentState_Ready"]);
    let guid = app.sign_in(102, json!({"status": 3})).await;
    let events = app.events(102, &guid, 3).await;
    assert_eq!(events[2]["eventType"], json!("AgentState_SetNotReady_Success"));
    assert_eq!(events[2]["content"], json!({"reason": "0"}));
    let status = app.agent(102, &guid).status().await;
    assert_eq!(status.body["result"], json!({"agentState": 3, "isWorking": false}));
}

#[tokio::test]
async fn signing_in_twice_is_100_002_and_forcelogin_takes_over() {
    let app = spawn_app(TestOpts::default()).await;
    let old = app.sign_in(101, json!({})).await;
    app.events(101, &old, 2).await;
    let again = app.call("PUT", "onlineagent/101", None, Some(json!({"password": PASSWORD}))).await;
    assert_eq!(again.retcode(), "100-002");
    assert!(again.set_guid.is_none(), "no Set-GUID on a failed sign-in");

    let forced = app.call("PUT", "onlineagent/101/forcelogin", None, Some(json!({"password": PASSWORD}))).await;
    assert_eq!(forced.retcode(), "0");
    let new = forced.set_guid.unwrap();
    assert_ne!(new, old);
    // The displaced client collects its farewell, then its Guid stops working.
    let farewell = app.events(101, &old, 1).await;
    assert_eq!(farewell[0]["eventType"], json!("AgentOther_ShutdownService"));
    assert_eq!(app.agent(101, &old).status().await.retcode(), "000-003");
    assert_eq!(app.event_types(101, &new, 2).await, ["AgentOther_InService", "AgentState_Ready"]);
}

#[tokio::test]
async fn a_guid_is_bound_to_its_agent() {
    let app = spawn_app(TestOpts::default()).await;
    let guid_101 = app.sign_in(101, json!({})).await;
    app.sign_in(102, json!({})).await;
    for path in ["agentevent/102", "onlineagent/102/agentstatus"] {
        assert_eq!(app.call("GET", path, Some(&guid_101), None).await.retcode(), "000-003", "{path}");
    }
    assert_eq!(app.call("GET", "agentevent/103", Some(&guid_101), None).await.retcode(), "100-006");
    assert_eq!(app.call("GET", "agentevent/101", None, None).await.retcode(), "000-003");
}

#[tokio::test]
async fn dynamic_guid_rotates_on_the_poll_and_the_previous_one_expires() {
    let app = spawn_app(TestOpts::default()).await;
    let first = app.sign_in(101, json!({})).await;
    app.events(101, &first, 2).await;
    app.advance(Duration::from_secs(60)).await;
    let rotated = app.poll(101, &first).await;
    assert_eq!(rotated.retcode(), "0");
    let second = rotated.set_guid.expect("a new Guid after 60 s");
    assert_ne!(second, first);
    // The previous value overlaps until it is 120 s old; answers repeat the new one.
    app.advance(Duration::from_secs(30)).await;
    let overlap = app.poll(101, &first).await;
    assert_eq!(overlap.retcode(), "0");
    assert_eq!(overlap.set_guid.as_deref(), Some(second.as_str()));
    app.advance(Duration::from_secs(30)).await;
    assert_eq!(app.poll(101, &first).await.retcode(), "000-003");
    // `second` is now 60 s old itself: this poll rotates again.
    let current = app.poll(101, &second).await;
    assert_eq!(current.retcode(), "0");
    let third = current.set_guid.expect("the next rotation");
    assert!(third != second && third != first);
}

#[tokio::test]
async fn static_guid_never_rotates() {
    let app = spawn_app(TestOpts { auth_mode: "static", ..TestOpts::default() }).await;
    let guid = app.sign_in(101, json!({})).await;
    app.events(101, &guid, 2).await;
    app.advance(Duration::from_secs(100)).await;
    let answer = app.poll(101, &guid).await;
    assert_eq!(answer.retcode(), "0");
    assert_eq!(answer.set_guid, None);
}

#[tokio::test]
async fn update_guid_returns_a_new_guid_that_works() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let answer = app.call("PUT", "onlineagent/101/updateGuid", Some(&guid), None).await;
    assert_eq!(answer.retcode(), "0");
    let fresh = answer.body["result"]["guid"].as_str().unwrap().to_owned();
    assert_eq!(answer.set_guid.as_deref(), Some(fresh.as_str()));
    assert_eq!(app.agent(101, &fresh).status().await.retcode(), "0");
}

#[tokio::test]
async fn a_silent_agent_is_signed_out_after_the_liveness_limit() {
    // Static Guids, so that only liveness (not Guid expiry) is under test.
    let app = spawn_app(TestOpts { auth_mode: "static", ..TestOpts::default() }).await;
    let guid = app.sign_in(101, json!({})).await;
    app.events(101, &guid, 2).await;
    app.advance(Duration::from_secs(119)).await;
    assert_eq!(app.agent(101, &guid).status().await.retcode(), "0");
    app.advance(Duration::from_secs(119)).await;
    assert_eq!(app.agent(101, &guid).status().await.retcode(), "0", "each request counts as life");
    app.advance(Duration::from_secs(121)).await;
    let farewell = app.events(101, &guid, 1).await;
    assert_eq!(farewell[0]["eventType"], json!("AgentOther_ShutdownService"));
    assert_eq!(app.poll(101, &guid).await.retcode(), "100-006");
}

#[tokio::test]
async fn an_empty_poll_is_held_and_an_event_wakes_it_at_once() {
    let app = spawn_app(TestOpts { poll_hold_ms: 400, ..TestOpts::default() }).await;
    let guid = app.sign_in(101, json!({})).await;
    app.events(101, &guid, 2).await;
    let started = Instant::now();
    app.assert_no_event(101, &guid).await;
    assert!(started.elapsed() >= Duration::from_millis(400), "held for the configured time");

    let app = std::sync::Arc::new(spawn_app(TestOpts { poll_hold_ms: 10_000, ..TestOpts::default() }).await);
    let guid = app.sign_in(101, json!({})).await;
    app.events(101, &guid, 2).await;
    let waiting = tokio::spawn({
        let app = app.clone();
        let guid = guid.clone();
        async move {
            let started = Instant::now();
            let answer = app.poll(101, &guid).await;
            (answer.body, started.elapsed())
        }
    });
    // Real time on purpose: the poll must already be held (waiting) when the event
    // arrives, which no engine request can tell from outside.
    tokio::time::sleep(Duration::from_millis(200)).await;
    app.place_call(1).await;
    let (body, waited) = waiting.await.unwrap();
    assert_eq!(body["event"]["eventType"], json!("AgentEvent_Incoming_CallInfo"));
    assert!(waited < Duration::from_secs(5), "answered when the event arrived, not at the hold's end");
}

#[tokio::test]
async fn logout_ends_the_session_and_forcelogout_tells_the_agent() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.sign_in(101, json!({})).await;
    let answer = app.agent(101, &guid).sign_out().await;
    assert_eq!(answer.body, json!({"message": "success", "retcode": "0", "result": {}}));
    assert_eq!(app.agent(101, &guid).sign_out().await.retcode(), "100-006");

    let guid = app.sign_in(102, json!({})).await;
    app.events(102, &guid, 2).await;
    assert_eq!(
        app.call("DELETE", "onlineagent/102/forcelogoutwithreason/300", Some(&guid), None).await.retcode(),
        "100-005"
    );
    let answer = app.call("DELETE", "onlineagent/102/forcelogoutwithreason/7", Some(&guid), None).await;
    assert_eq!(answer.body, json!({"message": "success", "retcode": "0"}));
    assert_eq!(app.events(102, &guid, 1).await[0]["eventType"], json!("AgentOther_ShutdownService"));
}

#[tokio::test]
async fn bindphone_changes_the_agents_phone_between_calls() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let bound = app.call("POST", "onlineagent/101/bindphone", Some(&guid), Some(json!({"phonenum": "70150"}))).await;
    assert_eq!(bound.retcode(), "0", "{}", bound.body);
    let agent = app.call("GET", "agentgroup/101/agentbyworkno/101", Some(&guid), None).await;
    assert_eq!(agent.body["result"]["phonenumber"], "70150", "{}", agent.body);
    for body in [json!({}), json!({"phonenum": "70a"}), json!({"phonenum": 7})] {
        let refused = app.call("POST", "onlineagent/101/bindphone", Some(&guid), Some(body.clone())).await;
        let expected = if body["phonenum"] == 7 { "0" } else { "100-013" };
        assert_eq!(refused.retcode(), expected, "{body}: {}", refused.body);
    }
    app.place_call(1).await;
    app.events(101, &guid, 5).await;
    let ringing = app.call("POST", "onlineagent/101/bindphone", Some(&guid), Some(json!({"phonenum": "70151"}))).await;
    assert_eq!(ringing.retcode(), "100-009", "not while a call rings");
}

#[tokio::test]
async fn heartbeats_answer_the_sign_ins_login_time_for_java_heartbeat_threads() {
    let app = spawn_app(TestOpts::default()).await;
    let body = json!({"password": PASSWORD, "phonenum": "70101", "status": "4"});
    let signed_in = app.call("PUT", "onlineagent/101", None, Some(body)).await;
    let login_time = signed_in.body["result"]["loginTime"].clone();
    assert!(login_time.is_string(), "{}", signed_in.body);
    let guid = signed_in.set_guid.expect("Set-GUID");
    for (method, path) in [("PUT", "heartbeat"), ("POST", "handshake"), ("PUT", "handshake")] {
        let beat = app.call(method, &format!("onlineagent/101/{path}"), Some(&guid), None).await;
        assert_eq!(beat.retcode(), "0", "{method} {path}: {}", beat.body);
        assert_eq!(beat.body["result"], json!({"loginTime": login_time}), "{method} {path}");
    }
    let stranger = app.call("PUT", "onlineagent/101/heartbeat", Some("not-the-guid"), None).await;
    assert_eq!(stranger.retcode(), "000-003");
}
