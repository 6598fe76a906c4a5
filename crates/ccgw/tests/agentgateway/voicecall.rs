//! Call control over HTTPS: call-out, internal calls, hold and retrieve, mute, digits,
//! dropcall, phone pick-up, each with its events in order and its refusals; and the
//! shutdown that records every live call.

use std::time::Duration;

use ccgw_store::RecordQuery;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestOpts, record_of, retcode, spawn_app, types};

const NUMBER: &str = "5551234";

/// `PUT callout` and the new call's id from `result`.
async fn call_out(app: &TestApp, work_no: u32, guid: &str, called: &str) -> String {
    let answer = app.agent(work_no, guid).call_out(called).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    let callid = answer.body["result"].as_str().expect("the call id is the result").to_owned();
    assert!(callid.split_once('-').is_some_and(|(secs, _)| secs.len() == 10), "{callid}");
    callid
}

#[tokio::test]
async fn call_out_rings_the_number_talks_and_ends_when_the_far_end_hangs_up() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let callid = call_out(&app, 101, &guid, NUMBER).await;
    let events = app.events(101, &guid, 4).await;
    assert_eq!(
        types(&events),
        ["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentState_Busy", "AgentEvent_Customer_Alerting"]
    );
    assert_eq!(
        events[3]["content"],
        json!({"callid": callid, "otherPhoneWorkno": "", "otherPhone": NUMBER, "type": "main"})
    );
    app.assert_no_event(101, &guid).await;

    app.advance(Duration::from_millis(1_000)).await;
    let talking = app.events(101, &guid, 1).await;
    assert_eq!(
        talking[0]["content"],
        json!({"caller": "70101", "callid": callid, "called": NUMBER, "feature": "7", "type": "main", "mediaAbility": "1"})
    );
    let status = app.agent(101, &guid).status().await;
    assert_eq!(status.body["result"]["isWorking"], json!(true));

    let digits = app.agent(101, &guid).second_dial("12#").await;
    assert_eq!(digits.retcode(), "0", "{}", digits.body);
    let (_, calls) = app.admin("GET", "sim/calls", None).await;
    let call =
        calls["calls"].as_array().unwrap().iter().find(|c| c["callid"] == json!(callid)).expect("live in the sim");
    let agent = call["parties"].as_array().unwrap().iter().find(|p| p["party"] == json!("agent:101")).unwrap();
    assert_eq!(agent["digits"], json!("12#"));

    let (status, body) = app.admin("POST", &format!("sim/calls/{callid}/parties/{NUMBER}/hangup"), None).await;
    assert_eq!(status, 200, "{body}");
    let released = app.events(101, &guid, 4).await;
    assert_eq!(
        types(&released),
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(released[0]["content"], json!({"callid": callid, "number": NUMBER}));
    assert_eq!(released[2]["content"], json!({"phoneState": 3}));

    let record = record_of(&app, &callid).await;
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["feature"], json!(7));
    assert_eq!(record["agent"], json!(101));
    assert_eq!(record["endedBy"], json!("customer"));
}

#[tokio::test]
async fn call_out_to_a_busy_number_fails_in_the_documented_order() {
    let app = spawn_app(TestOpts::default()).await;
    let (status, body) =
        app.admin("PUT", "sim/rules", Some(json!({"rules": [{"pattern": "139*", "behaviour": "busy"}]}))).await;
    assert_eq!(status, 200, "{body}");
    let guid = app.idle_agent(101, json!({})).await;
    let callid = call_out(&app, 101, &guid, "13900000000").await;
    let events = app.events(101, &guid, 8).await;
    assert_eq!(
        types(&events),
        [
            "AgentOther_PhoneAlerting",
            "AgentOther_PhoneOffhook",
            "AgentState_Busy",
            "AgentOther_PhoneRelease",
            "AgentEvent_Call_Out_Fail",
            "AgentEvent_Connect_Fail",
            "OUTBOUND_DETECT_EVENT",
            "AgentState_Ready"
        ]
    );
    assert_eq!(events[4]["content"], json!(callid));
    assert_eq!(events[6]["content"], json!({"callId": callid, "detect": 17, "desc": "The called party is busy."}));

    let record = record_of(&app, &callid).await;
    assert_eq!(record["outcome"], json!("failed"));
    assert_eq!(record["failure"], json!("busy"));
    assert_eq!(record["agent"], json!(101));
}

#[tokio::test]
async fn a_phone_that_refuses_or_waits_for_phonepickup() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let (status, body) = app.admin("PUT", "sim/phones/101", Some(json!({"mode": "refuse"}))).await;
    assert_eq!(status, 200, "{body}");
    call_out(&app, 101, &guid, NUMBER).await;
    assert_eq!(
        app.event_types(101, &guid, 5).await,
        [
            "AgentOther_PhoneAlerting",
            "AgentEvent_Call_Out_Fail",
            "AgentEvent_Connect_Fail",
            "AgentOther_PhoneRelease",
            "AgentState_Ready"
        ]
    );

    app.admin("PUT", "sim/phones/101", Some(json!({"mode": "manual"}))).await;
    call_out(&app, 101, &guid, NUMBER).await;
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentOther_PhoneAlerting"]);
    app.assert_no_event(101, &guid).await;
    let pickup = app.agent(101, &guid).phone_pickup().await;
    assert_eq!(pickup.retcode(), "0", "{}", pickup.body);
    assert_eq!(
        app.event_types(101, &guid, 3).await,
        ["AgentOther_PhoneOffhook", "AgentState_Busy", "AgentEvent_Customer_Alerting"]
    );
    assert_eq!(retcode(&app, "POST", "voicecall/101/phonepickup", &guid, None).await, "200-002");
}

#[tokio::test]
async fn internal_call_rings_the_other_agent_and_both_talk() {
    let app = spawn_app(TestOpts::default()).await;
    let caller = app.idle_agent(101, json!({})).await;
    let called = app.idle_agent(102, json!({})).await;
    let answer = app.agent(101, &caller).call_inner(102).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    let callid = answer.body["result"].as_str().unwrap().to_owned();
    let events = app.events(101, &caller, 4).await;
    assert_eq!(events[3]["content"]["otherPhone"], json!("102"));
    let ringing = app.events(102, &called, 4).await;
    assert_eq!(
        types(&ringing),
        ["AgentState_Busy", "AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Ringing"]
    );
    assert_eq!(ringing[3]["content"]["caller"], json!("a101"));
    assert_eq!(ringing[3]["content"]["feature"], json!("6"));

    assert_eq!(app.agent(102, &called).answer().await.checked_retcode(), "0");
    assert_eq!(app.event_types(102, &called, 1).await, ["AgentEvent_Talking"]);
    assert_eq!(app.event_types(101, &caller, 1).await, ["AgentEvent_Talking"]);
    assert_eq!(app.agent(101, &caller).begin_mute().await.checked_retcode(), "200-004", "internal call");

    assert_eq!(app.agent(101, &caller).release().await.checked_retcode(), "0");
    assert_eq!(
        app.event_types(101, &caller, 4).await,
        ["AgentEvent_Call_Release", "AgentEvent_Customer_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    let released = app.events(102, &called, 4).await;
    assert_eq!(released[0]["content"], json!({"callid": callid, "number": "101"}));
    assert_eq!(released[2]["content"], json!({"phoneState": 3}));
}

#[tokio::test]
async fn an_internal_call_nobody_answers_fails_for_the_caller_only() {
    let app = spawn_app(TestOpts { ring_timeout_ms: 5_000, ..TestOpts::default() }).await;
    let caller = app.idle_agent(101, json!({})).await;
    let called = app.idle_agent(102, json!({})).await;
    let answer = app.agent(101, &caller).call_inner_skill(1).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    app.events(101, &caller, 4).await;
    app.events(102, &called, 4).await;
    app.advance(Duration::from_millis(5_000)).await;
    assert_eq!(
        app.event_types(102, &called, 3).await,
        ["AgentEvent_No_Answer", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(
        app.event_types(101, &caller, 3).await,
        ["AgentEvent_Inside_Call_Fail", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
}

#[tokio::test]
async fn hold_the_customer_call_out_behind_it_drop_that_and_retrieve() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let customer = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    let agent = app.agent(101, &guid);
    assert_eq!(agent.answer().await.checked_retcode(), "0");
    app.events(101, &guid, 2).await;

    assert_eq!(agent.hold().await.checked_retcode(), "0");
    let held = app.events(101, &guid, 1).await;
    assert_eq!(held[0]["eventType"], json!("AgentEvent_Hold"));
    assert_eq!(held[0]["content"], json!(customer));
    assert_eq!(agent.hold().await.checked_retcode(), "200-014");

    let out = call_out(&app, 101, &guid, NUMBER).await;
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentEvent_Customer_Alerting"], "the phone is off-hook");
    assert_eq!(agent.retrieve().await.checked_retcode(), "200-016");
    app.advance(Duration::from_millis(1_000)).await;
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentEvent_Talking"]);

    assert_eq!(agent.drop_call(&out).await.checked_retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentEvent_Call_Release", "AgentEvent_Customer_Release"]);
    app.assert_no_event(101, &guid).await;
    assert_eq!(agent.drop_call(&out).await.checked_retcode(), "200-017");

    assert_eq!(agent.retrieve_call(&customer).await.checked_retcode(), "0");
    let talking = app.events(101, &guid, 1).await;
    assert_eq!(talking[0]["content"]["callid"], json!(customer));
    assert_eq!(agent.begin_mute().await.checked_retcode(), "0");
    assert_eq!(agent.begin_mute().await.checked_retcode(), "200-004");
    assert_eq!(agent.end_mute().await.checked_retcode(), "0");
    assert_eq!(agent.end_mute().await.checked_retcode(), "200-008");

    assert_eq!(app.hang_up(&customer).await, 200);
    assert_eq!(
        app.event_types(101, &guid, 4).await,
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
}

#[tokio::test]
async fn every_command_without_its_call_or_with_bad_input_gets_its_retcode() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let cases: [(&str, &str, Option<Value>, &str); 16] = [
        ("POST", "voicecall/101/hold", None, "200-013"),
        ("POST", "voicecall/101/gethold", None, "200-015"),
        ("POST", "voicecall/101/gethold?callid=bad%20id", None, "200-015"),
        ("POST", "voicecall/101/beginmute", None, "200-003"),
        ("POST", "voicecall/101/endmute", None, "200-007"),
        ("POST", "voicecall/101/beginmutevideo", None, "106-001"),
        ("POST", "voicecall/101/dropcall/1700000000-1", None, "200-017"),
        ("POST", "voicecall/101/seconddial/123", None, "000-002"),
        ("POST", "voicecall/101/seconddialex?number=1", None, "000-002"),
        ("DELETE", "voicecall/101/releasephone", None, "200-017"),
        ("PUT", "voicecall/101/callout", Some(json!({"called": "12ab"})), "200-001"),
        ("PUT", "voicecall/101/callout", Some(json!({"caller": "1"})), "200-001"),
        ("PUT", "voicecall/101/callout", Some(json!({"called": NUMBER, "mediaability": 1})), "106-001"),
        ("PUT", "voicecall/101/callinner", Some(json!({"called": "abc"})), "000-002"),
        ("PUT", "voicecall/101/callinner", Some(json!({"called": "101"})), "000-002"),
        ("PUT", "voicecall/101/callinnerskill", Some(json!({"skillId": 2})), "000-002"),
    ];
    for (method, path, body, expected) in cases {
        let answer = app.call(method, path, Some(&guid), body).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.retcode(), expected, "{method} {path}: {}", answer.body);
    }
    // Says what is unsupported: video, not the text chat the code's page names.
    let video = app.call("POST", "voicecall/101/endmutevideo", Some(&guid), None).await;
    assert_eq!(video.retcode(), "106-001");
    assert_eq!(video.body["message"], "video is not supported: ccgw carries voice calls only", "{}", video.body);
    let stranger = app.agent(101, "not-the-guid").hold().await;
    assert_eq!(stranger.retcode(), "000-003");
    let other_agent = app.agent(102, &guid).call_out(NUMBER).await;
    assert_ne!(other_agent.retcode(), "0", "an agent cannot place a call as another");
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn shutdown_records_every_live_call() {
    let mut app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let talking = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    assert_eq!(app.agent(101, &guid).answer().await.checked_retcode(), "0");
    let waiting = app.place_call(1).await;
    app.shut_down().await;

    let records = app.directory().await.call_records(&RecordQuery::default()).await.unwrap();
    let outcome_of = |callid: &str| {
        records.iter().find(|r| r.end.call.id.as_str() == callid).map(|r| r.end.outcome.code()).unwrap_or("missing")
    };
    assert_eq!(outcome_of(&talking), "answered");
    assert_eq!(outcome_of(&waiting), "shutdown");
    let answered = records.iter().find(|r| r.end.call.id.as_str() == talking).unwrap();
    assert!(matches!(
        answered.end.outcome,
        ccgw_core::CallOutcome::Answered { ended_by: ccgw_core::EndedBy::Shutdown, .. }
    ));
}
