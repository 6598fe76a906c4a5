//! Agent state and settings interfaces over HTTPS: every success and error retcode, the
//! events each change sends, and the state codes `agentstatus` reports.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, TestOpts, spawn_app};

async fn idle_agent(app: &TestApp, work_no: u32, extra: serde_json::Value) -> String {
    let guid = app.sign_in(work_no, extra).await;
    app.events(work_no, &guid, 2).await;
    guid
}

async fn state_code(app: &TestApp, work_no: u32, guid: &str) -> u64 {
    let answer = app.agent(work_no, guid).status().await;
    answer.body["result"]["agentState"].as_u64().expect("agentState")
}

#[tokio::test]
async fn busy_and_back_with_the_documented_events_and_codes() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await;
    let agent = app.agent(101, &guid);
    let answer = agent.say_busy_because(201).await;
    assert_eq!(answer.body, json!({"message": "success", "retcode": "0", "result": {}}));
    let events = app.events(101, &guid, 1).await;
    assert_eq!(events[0]["eventType"], json!("AgentState_SetNotReady_Success"));
    assert_eq!(events[0]["content"], json!({"reason": "201"}));
    assert_eq!(state_code(&app, 101, &guid).await, 3);

    assert_eq!(agent.say_busy_because(202).await.retcode(), "100-009", "busy again needs prolong");
    assert_eq!(agent.prolong_busy(202).await.retcode(), "0");
    assert_eq!(app.events(101, &guid, 1).await[0]["content"], json!({"reason": "202"}));

    assert_eq!(agent.cancel_busy().await.retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentState_CancelNotReady_Success", "AgentState_Ready"]);
    assert_eq!(state_code(&app, 101, &guid).await, 4);
    assert_eq!(agent.cancel_busy().await.retcode(), "100-009", "not busy");
    assert_eq!(agent.say_free().await.retcode(), "0", "idle already: accepted");
    app.assert_no_event(101, &guid).await;

    // The older client sends saybusy with no parameters at all; sayfree ends it.
    assert_eq!(agent.say_busy().await.retcode(), "0");
    assert_eq!(app.events(101, &guid, 1).await[0]["content"], json!({"reason": "0"}));
    assert_eq!(agent.say_free().await.retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentState_CancelNotReady_Success", "AgentState_Ready"]);
}

#[tokio::test]
async fn bad_parameters_missing_guids_and_signed_out_agents_get_their_retcodes() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await;
    for path in [
        "onlineagent/101/saybusy?reason=199",
        "onlineagent/101/saybusy?reason=abc",
        "onlineagent/101/saybusy?reason=201&prolong=maybe",
        "onlineagent/101/rest/0/1",
        "onlineagent/101/rest/86400/1",
        "onlineagent/101/rest/60/256",
        "onlineagent/101/rest/x/1",
        "onlineagent/101/autoenteridle/yes",
        "onlineagent/101/settalkright?flag=2",
        "onlineagent/101/settalkright",
        "onlineagent/101/resetskill/false?skillid=1;x",
    ] {
        let answer = app.call("POST", path, Some(&guid), None).await;
        assert_eq!(answer.retcode(), "000-002", "{path}: {}", answer.body);
        assert!(answer.body["message"].as_str().unwrap().len() > 10, "{path}: a message that explains");
    }
    for path in ["onlineagent/101/sayfree", "onlineagent/101/work", "onlineagent/101/rest/60/1"] {
        assert_eq!(app.call("POST", path, None, None).await.retcode(), "000-003", "{path} without Guid");
        assert_eq!(app.call("POST", path, Some("nope"), None).await.retcode(), "000-003", "{path} with a bad Guid");
        let other = path.replace("/101/", "/102/");
        assert_eq!(app.call("POST", &other, Some(&guid), None).await.retcode(), "100-006", "{other}: not signed in");
    }
    app.assert_no_event(101, &guid).await;
    assert_eq!(state_code(&app, 101, &guid).await, 4, "nothing changed");
}

#[tokio::test]
async fn rest_reminds_when_its_time_is_up_and_ends_on_request() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await;
    let agent = app.agent(101, &guid);
    assert_eq!(agent.rest(60, 3).await.retcode(), "0");
    let events = app.events(101, &guid, 1).await;
    assert_eq!(events[0]["eventType"], json!("AgentState_SetRest_Success"));
    assert_eq!(events[0]["content"], json!({"reason": "3"}));
    assert_eq!(state_code(&app, 101, &guid).await, 8);
    assert_eq!(agent.rest(60, 4).await.retcode(), "100-009", "again needs prolong");
    assert_eq!(agent.work().await.retcode(), "100-009");
    app.advance(Duration::from_secs(60)).await;
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentState_Rest_Timeout"]);
    assert_eq!(state_code(&app, 101, &guid).await, 8, "still resting after the reminder");
    assert_eq!(agent.cancel_rest().await.retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentState_CancelRest_Success", "AgentState_Ready"]);
    assert_eq!(agent.cancel_rest().await.retcode(), "100-009");
}

#[tokio::test]
async fn work_and_cancelwork_including_the_get_some_clients_send() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await;
    assert_eq!(app.call("GET", "onlineagent/101/work", Some(&guid), None).await.retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentState_SetWork_Success"]);
    assert_eq!(state_code(&app, 101, &guid).await, 5);
    let agent = app.agent(101, &guid);
    assert_eq!(agent.work().await.retcode(), "100-009");
    assert_eq!(agent.cancel_work().await.retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentState_CancelWork_Success", "AgentState_Ready"]);
    assert_eq!(agent.cancel_work().await.retcode(), "100-009");
}

#[tokio::test]
async fn rest_asked_during_a_call_is_pre_rest_until_the_call_ends() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({"autoanswer": true})).await;
    app.place_call(1).await;
    app.events(101, &guid, 6).await;
    assert_eq!(app.agent(101, &guid).rest(120, 2).await.retcode(), "0");
    app.assert_no_event(101, &guid).await;
    assert_eq!(state_code(&app, 101, &guid).await, 9);
    assert_eq!(app.agent(101, &guid).release().await.retcode(), "0");
    let types = app.event_types(101, &guid, 4).await;
    assert_eq!(
        types,
        [
            "AgentEvent_Call_Release",
            "AgentEvent_Customer_Release",
            "AgentOther_PhoneRelease",
            "AgentState_SetRest_Success"
        ]
    );
    assert_eq!(state_code(&app, 101, &guid).await, 8);
}

#[tokio::test]
async fn auto_answer_and_auto_enter_idle_can_be_switched_while_signed_in() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await;
    let agent = app.agent(101, &guid);
    assert_eq!(agent.auto_answer("true").await.retcode(), "0");
    assert_eq!(agent.auto_enter_idle("false").await.retcode(), "0");
    let callid = app.place_call(1).await;
    let types = app.event_types(101, &guid, 6).await;
    assert_eq!(types[4], "AgentEvent_Auto_Answer");
    assert_eq!(app.hang_up(&callid).await, 200);
    assert_eq!(app.event_types(101, &guid, 4).await[3], "AgentState_Work");
    assert_eq!(agent.auto_answer("anything").await.retcode(), "0", "anything but true is false");
    assert_eq!(agent.cancel_work().await.retcode(), "0");
    app.events(101, &guid, 2).await;
    app.place_call(1).await;
    assert_eq!(app.event_types(101, &guid, 5).await[4], "AgentEvent_Ringing");
}

#[tokio::test]
async fn talk_right_and_reset_skill_decide_which_calls_are_offered() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await; // demo agent 101 has skills 1 and 2
    assert_eq!(app.agent(101, &guid).talk_right(0).await.retcode(), "0");
    app.place_call(1).await;
    app.assert_no_event(101, &guid).await;
    assert_eq!(app.agent(101, &guid).talk_right(1).await.retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 5).await[4], "AgentEvent_Ringing", "the waiting call at once");
    assert_eq!(app.agent(101, &guid).release().await.retcode(), "0");
    app.events(101, &guid, 3).await; // declined: busy, reason 7
    assert_eq!(app.agent(101, &guid).say_free().await.retcode(), "0");
    app.events(101, &guid, 2).await; // back to Ready; the declined call went nowhere else
    let offered = app.events(101, &guid, 5).await;
    assert_eq!(offered[0]["content"]["releaseAndReQueueCount"], json!(1));
    assert_eq!(offered[0]["content"]["lastReleaseAgentId"], json!(101));
    assert_eq!(app.agent(101, &guid).release().await.retcode(), "0");
    app.events(101, &guid, 3).await;

    // Serve skill 2 only: a skill-1 call waits, a skill-2 call is offered.
    assert_eq!(app.agent(101, &guid).reset_skills("skillid=2&phonelinkage=0").await.retcode(), "0");
    assert_eq!(app.agent(101, &guid).say_free().await.retcode(), "0");
    app.events(101, &guid, 2).await;
    app.place_call(1).await;
    app.assert_no_event(101, &guid).await;
    app.place_call(2).await;
    assert_eq!(app.events(101, &guid, 5).await[0]["content"]["skillId"], json!(2));
    // resetskill/true signs in to every configured skill again.
    assert_eq!(app.agent(101, &guid).serve_all_skills().await.retcode(), "0");
    // An empty skillid with autoflag false leaves the agent without skills (clients send it).
    assert_eq!(app.agent(101, &guid).reset_skills("skillid=&phonelinkage=0").await.retcode(), "0");
}

#[tokio::test]
async fn skill_lists_of_self_and_of_another_agent_of_the_vdn() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await;
    let own = app.agent(101, &guid).skills().await;
    assert_eq!(
        own.body["result"],
        json!([{"name": "General", "id": 1, "mediatype": 5}, {"name": "VIP", "id": 2, "mediatype": 5}])
    );
    let other = app.agent(101, &guid).skills_of(110).await;
    assert_eq!(other.body["result"], json!([{"name": "General", "id": 1, "mediatype": 5}]));
    for path in ["onlineagent/101/agentskillsbyworkno/999", "onlineagent/101/agentskillsbyworkno/abc"] {
        assert_eq!(app.call("GET", path, Some(&guid), None).await.retcode(), "000-002", "{path}");
    }
    assert_eq!(app.call("GET", "onlineagent/101/agentskills", None, None).await.retcode(), "000-003");
    assert_eq!(app.call("POST", "onlineagent/101/setforwarding", Some(&guid), None).await.retcode(), "000-002");
}

#[tokio::test]
async fn notes_reach_signed_in_agents_and_can_be_read_once() {
    let app = spawn_app(TestOpts::default()).await;
    let sender = idle_agent(&app, 101, json!({})).await;
    let receiver = idle_agent(&app, 102, json!({})).await;
    let answer = app.agent(101, &sender).send_note(102, "hello there").await;
    assert_eq!(answer.body["result"], json!({"delivered": ["102"], "notSignedIn": []}));
    let note = app.events(102, &receiver, 1).await.remove(0);
    assert_eq!((note["eventType"].clone(), note["content"].clone()), (json!("AgentOther_Note"), json!(null)));
    let read = app.agent(102, &receiver).notes().await;
    let notes = read.body["result"].as_array().unwrap().clone();
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0]["sender"].clone(), notes[0]["content"].clone()), (json!("101"), json!("hello there")));
    let again = app.agent(102, &receiver).notes().await;
    assert_eq!(again.body["result"], json!([]), "reading forgets");

    let ex = app.agent(101, &sender).send_notes(json!({"agentIds": ["102", 103], "content": "team"})).await;
    assert_eq!(ex.body["result"], json!({"delivered": ["102"], "notSignedIn": ["103"]}));
    assert_eq!(app.agent(101, &sender).send_note(103, "x").await.retcode(), "000-002");
    let bulletin = json!({"targettype": 1, "targetname": "General", "bulletindata": "all hands"});
    let answer = app.agent(101, &sender).notify_bulletin(bulletin).await;
    assert_eq!(answer.body["result"], json!({"delivered": ["101", "102"], "notSignedIn": []}));
    let unknown = json!({"targettype": 1, "targetname": "Nope", "bulletindata": "x"});
    let answer = app.agent(101, &sender).notify_bulletin(unknown).await;
    assert_eq!(answer.retcode(), "000-002");
    let bad = json!({"agentIds": [], "content": "x"});
    assert_eq!(app.agent(101, &sender).send_notes(bad).await.retcode(), "000-002");
}

#[tokio::test]
async fn password_change_checks_the_old_one_and_the_rules() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = idle_agent(&app, 101, json!({})).await;
    let change = |old: &str, new: &str| json!({"oldPassword": old, "newPassword": new});
    let cases = [
        (change("wrong-pw1", "Fresh-pass7"), "110-003"),
        (change(PASSWORD, "short1A"), "110-020"),
        (change(PASSWORD, PASSWORD), "110-017"),
        (change(PASSWORD, "alllowercase"), "110-019"),
        (change(PASSWORD, "Xy-101-abc9"), "110-019"),
        (json!({"oldPassword": PASSWORD}), "000-002"),
    ];
    for (body, retcode) in cases {
        let answer = app.agent(101, &guid).change_password(body.clone()).await;
        assert_eq!(answer.retcode(), retcode, "{body}");
    }
    assert_eq!(
        app.call("POST", "onlineagent/101/modifyaccountpwdex", None, Some(change(PASSWORD, "Fresh-pass7")))
            .await
            .retcode(),
        "000-003"
    );
    let ok = app.agent(101, &guid).change_password(change(PASSWORD, "Fresh-pass7")).await;
    assert_eq!(ok.retcode(), "0");
    // The legacy form, back again.
    let legacy = format!("onlineagent/101/modifyaccountpwd?oldpassword=Fresh-pass7&newpassword={PASSWORD}x");
    assert_eq!(app.call("POST", &legacy, Some(&guid), None).await.retcode(), "0");
    let relogin = json!({"password": format!("{PASSWORD}x"), "phonenum": "70101"});
    assert_eq!(app.call("PUT", "onlineagent/101/forcelogin", None, Some(relogin)).await.retcode(), "0");
}
