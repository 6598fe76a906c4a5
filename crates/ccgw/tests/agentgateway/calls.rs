//! Inbound calls from the simulated switch: offer, answer, talk, release, and the races.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{OFFERED, TestOpts, spawn_app};

#[tokio::test]
async fn the_whole_inbound_call_with_every_event_in_order() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let callid = app.place_call(1).await;
    assert!(
        callid.split_once('-').is_some_and(|(secs, seq)| secs.len() == 10 && seq.parse::<u64>().is_ok()),
        "{callid}"
    );

    let offered = app.events(101, &guid, 5).await;
    let types: Vec<_> = offered.iter().map(|e| e["eventType"].as_str().unwrap()).collect();
    assert_eq!(types, OFFERED);
    assert_eq!(
        offered[0]["content"],
        json!({"callId": callid, "skillName": "General", "skillId": 1, "caller": "13800000000", "called": "4000",
               "lastReleaseAgentId": 65535, "mediaType": 5, "releaseAndReQueueCount": 0, "releaseAndReQueueCallFlag": 0})
    );
    let offered = &offered[1..];
    assert_eq!(offered[0]["content"], json!(null));
    assert_eq!(offered[2]["content"], json!({"type": "main"}));
    assert_eq!(
        offered[3]["content"],
        json!({"caller": "13800000000", "transfer": "no", "callid": callid, "transfrom": "", "called": "4000",
               "type": "main", "mediaType": "5", "mediaAbility": "1", "feature": "0"})
    );
    assert!(offered[3]["eventGenTime"].as_u64().is_some());
    let agent = app.agent(101, &guid);
    let status = agent.status().await;
    assert_eq!(status.body["result"], json!({"agentState": 7, "isWorking": true}));

    let answer = agent.answer_call(&callid).await;
    assert_eq!(answer.body, json!({"message": "success", "retcode": "0", "result": {}}));
    let talking = app.events(101, &guid, 2).await;
    assert_eq!(talking[0]["eventType"], json!("AgentEvent_Customer_Alerting"));
    assert_eq!(
        talking[0]["content"],
        json!({"callid": callid, "otherPhoneWorkno": "", "otherPhone": "13800000000", "type": "main"})
    );
    assert_eq!(talking[1]["eventType"], json!("AgentEvent_Talking"));
    assert_eq!(
        talking[1]["content"],
        json!({"caller": "13800000000", "callid": callid, "called": "4000", "feature": "0", "type": "main", "mediaAbility": "1"})
    );

    let release = agent.release().await;
    assert_eq!(release.retcode(), "0");
    let released = app.events(101, &guid, 4).await;
    let types: Vec<_> = released.iter().map(|e| e["eventType"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["AgentEvent_Call_Release", "AgentEvent_Customer_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(released[0]["content"], json!(callid));
    assert_eq!(released[1]["content"], json!({"callid": callid, "number": "13800000000"}));
    assert_eq!(released[2]["content"], json!({"phoneState": 2}));
    app.assert_no_event(101, &guid).await;
    assert_eq!(agent.release().await.retcode(), "200-017");
    assert_eq!(app.hang_up(&callid).await, 404, "the call is over");
}

#[tokio::test]
async fn answer_refuses_with_the_documented_retcodes() {
    let app = spawn_app(TestOpts::default()).await;
    assert_eq!(app.agent(101, "nobody").answer().await.retcode(), "100-006");
    let guid = app.idle_agent(101, json!({})).await;
    let guid_102 = app.idle_agent(102, json!({})).await;
    assert_eq!(app.agent(101, &guid).answer().await.retcode(), "200-002", "nothing rings");
    let callid = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    let cases = [
        ("voicecall/101/answer", None, "000-003"),
        ("voicecall/101/answer", Some("wrong-guid.AgentGateway1"), "000-003"),
        ("voicecall/101/answer", Some(guid_102.as_str()), "000-003"),
        ("voicecall/101/answer?callid=1-1", Some(guid.as_str()), "200-002"),
        ("voicecall/1000000/answer", Some(guid.as_str()), "000-002"),
        ("voicecall/0/answer", Some(guid.as_str()), "000-002"),
    ];
    for (path, presented, expected) in cases {
        let answer = app.call("PUT", path, presented, None).await;
        assert_eq!((answer.status, answer.retcode()), (200, expected), "{path} with {presented:?}");
    }
    // None of the refusals changed anything: the call still rings at 101 and can be answered.
    let answer = app.call("PUT", &format!("voicecall/101/answer?callid={callid}&time=5"), Some(&guid), None).await;
    assert_eq!(answer.retcode(), "0");
}

#[tokio::test]
async fn expired_guid_cannot_answer() {
    let app = spawn_app(TestOpts { liveness_ms: 0, ..TestOpts::default() }).await;
    let guid = app.idle_agent(101, json!({})).await;
    app.advance(Duration::from_secs(121)).await;
    assert_eq!(app.agent(101, &guid).answer().await.retcode(), "000-003");
}

#[tokio::test]
async fn auto_answer_goes_straight_to_talking() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({"autoanswer": true})).await;
    let callid = app.place_call(1).await;
    let events = app.events(101, &guid, 6).await;
    let types: Vec<_> = events.iter().map(|e| e["eventType"].as_str().unwrap()).collect();
    let events = &events[1..];
    assert_eq!(
        types[1..],
        [
            "AgentState_Busy",
            "AgentOther_PhoneAlerting",
            "AgentOther_PhoneOffhook",
            "AgentEvent_Auto_Answer",
            "AgentEvent_Talking"
        ]
    );
    assert_eq!(events[3]["content"]["mediaType"], json!(5));
    assert_eq!(events[3]["content"]["callid"], json!(callid));
}

#[tokio::test]
async fn an_unanswered_call_is_taken_back_and_offered_to_the_next_agent() {
    let app = spawn_app(TestOpts { ring_timeout_ms: 20_000, ..TestOpts::default() }).await;
    let first = app.idle_agent(101, json!({})).await;
    let second = app.idle_agent(102, json!({})).await;
    let callid = app.place_call(1).await;
    app.events(101, &first, 5).await;
    app.advance(Duration::from_secs(20)).await;
    let timed_out = app.events(101, &first, 3).await;
    assert_eq!(timed_out[0]["eventType"], json!("AgentEvent_No_Answer"));
    assert_eq!(timed_out[0]["content"], json!(callid));
    assert_eq!(timed_out[1]["content"], json!({"phoneState": 3}));
    assert_eq!(timed_out[2]["eventType"], json!("AgentState_SetNotReady_Success"));
    assert_eq!(timed_out[2]["content"], json!({"reason": "2"}));
    let offered = app.events(102, &second, 5).await;
    assert_eq!(offered[4]["content"]["callid"], json!(callid));
    let status = app.agent(101, &first).status().await;
    assert_eq!(status.body["result"]["agentState"], json!(3));
}

#[tokio::test]
async fn a_caller_who_hangs_up_while_ringing_leaves_the_agent_idle() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let callid = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    assert_eq!(app.hang_up(&callid).await, 200);
    let types = app.event_types(101, &guid, 4).await;
    assert_eq!(
        types,
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(app.agent(101, &guid).answer().await.retcode(), "200-002");
    let status = app.agent(101, &guid).status().await;
    assert_eq!(status.body["result"], json!({"agentState": 4, "isWorking": false}));
}

#[tokio::test]
async fn a_caller_who_hangs_up_in_the_queue_never_reaches_an_agent() {
    let app = spawn_app(TestOpts::default()).await;
    let callid = app.place_call(2).await;
    assert_eq!(app.hang_up(&callid).await, 200);
    let guid = app.idle_agent(101, json!({})).await;
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn customer_hanging_up_while_the_agent_answers_leaves_one_consistent_outcome() {
    let app = Arc::new(spawn_app(TestOpts::default()).await);
    let guid = app.idle_agent(101, json!({})).await;
    let callid = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    let answering = tokio::spawn({
        let app = app.clone();
        let guid = guid.clone();
        async move { app.agent(101, &guid).answer().await.retcode().to_owned() }
    });
    let hung_up = app.hang_up(&callid).await;
    let answered = answering.await.unwrap();
    assert_eq!(hung_up, 200);
    let mut types = Vec::new();
    loop {
        let answer = app.poll(101, &guid).await;
        match answer.body.get("event") {
            Some(event) => types.push(event["eventType"].as_str().unwrap().to_owned()),
            None => break,
        }
    }
    if answered == "0" {
        assert_eq!(
            types,
            [
                "AgentEvent_Customer_Alerting",
                "AgentEvent_Talking",
                "AgentEvent_Customer_Release",
                "AgentEvent_Call_Release",
                "AgentOther_PhoneRelease",
                "AgentState_Ready"
            ]
        );
    } else {
        assert_eq!(answered, "200-002");
        assert_eq!(
            types,
            ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
        );
    }
    let status = app.agent(101, &guid).status().await;
    assert_eq!(status.body["result"], json!({"agentState": 4, "isWorking": false}));
}

#[tokio::test]
async fn two_answers_at_once_connect_the_call_once() {
    let app = Arc::new(spawn_app(TestOpts::default()).await);
    let guid = app.idle_agent(101, json!({})).await;
    app.place_call(1).await;
    app.events(101, &guid, 5).await;
    let answers: Vec<_> = (0..2)
        .map(|_| {
            let app = app.clone();
            let guid = guid.clone();
            tokio::spawn(async move { app.agent(101, &guid).answer().await.retcode().to_owned() })
        })
        .collect();
    let mut codes = Vec::new();
    for answer in answers {
        codes.push(answer.await.unwrap());
    }
    codes.sort();
    assert_eq!(codes, ["0", "200-002"]);
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentEvent_Customer_Alerting", "AgentEvent_Talking"]);
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn signing_out_while_ringing_sends_the_call_to_the_next_agent() {
    let app = spawn_app(TestOpts::default()).await;
    let first = app.idle_agent(101, json!({})).await;
    let second = app.idle_agent(102, json!({})).await;
    let callid = app.place_call(1).await;
    app.events(101, &first, 5).await;
    assert_eq!(app.agent(101, &first).sign_out().await.retcode(), "0");
    let offered = app.events(102, &second, 5).await;
    assert_eq!(offered[4]["content"]["callid"], json!(callid));
    assert_eq!(app.agent(102, &second).answer().await.retcode(), "0");
    // Sign-out is refused while talking.
    assert_eq!(app.agent(102, &second).sign_out().await.retcode(), "100-010");
}

#[tokio::test]
async fn wrap_up_follows_a_call_when_autoenteridle_is_off() {
    let app = spawn_app(TestOpts { wrap_up_ms: 30_000, ..TestOpts::default() }).await;
    let guid = app.idle_agent(101, json!({"autoanswer": true, "autoenteridle": false})).await;
    let callid = app.place_call(1).await;
    app.events(101, &guid, 6).await;
    assert_eq!(app.hang_up(&callid).await, 200);
    let types = app.event_types(101, &guid, 4).await;
    assert_eq!(
        types,
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Work"]
    );
    app.advance(Duration::from_secs(30)).await;
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentState_Ready"]);
}
