//! Taking calls meant for someone else over HTTPS — `snatchpickup`, `requestcall` — and
//! the rest of the voicecall group: `previewcallout` (both spellings), `reportsound`,
//! `thirdPartyConfTransmitNum`; each with its events in order and every refusal.
//! Run: `cargo test -p ccgw --test agentgateway pickup::`.

use std::time::Duration;

use ccgw_core::{AgentProfile, PhoneNumber, Role, SkillGrant, SkillId, SkillLevel, SkillProfile, Vdn, WorkNo};
use ccgw_store::{NewAgent, VdnRecord};
use serde_json::json;

use crate::helpers::{Answer, LEFT_CALL, OFFERED, PASSWORD, TestApp, TestOpts, record_of, spawn_app, types};

const CUSTOMER: &str = "13800000000";
const NUMBER: &str = "5551234";

/// A refused request: HTTP 200, its retcode and its message.
fn refusal(answer: Answer) -> (String, String) {
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.get("result").is_none(), "a refusal has no result: {}", answer.body);
    (answer.retcode().to_owned(), answer.body["message"].as_str().unwrap_or_default().to_owned())
}

/// A customer call of skill 1 rings at agent 101 (manual answer); agent 102 is idle.
/// Returns both Guids and the call id.
async fn ringing_at_101(app: &TestApp) -> (String, String, String) {
    let ringing = app.idle_agent(101, json!({})).await;
    let picker = app.idle_agent(102, json!({})).await;
    let callid = app.place_call(1).await;
    let events = app.events(101, &ringing, 5).await;
    assert_eq!(events[4]["eventType"], json!("AgentEvent_Ringing"));
    app.assert_no_event(102, &picker).await;
    (ringing, picker, callid)
}

#[tokio::test]
async fn snatchpickup_connects_the_picking_agent_and_withdraws_the_offer() {
    let app = spawn_app(TestOpts::default()).await;
    let (ringing, picker, callid) = ringing_at_101(&app).await;
    let answer = app.agent(102, &picker).snatch_pickup(101).await;
    assert_eq!(
        (answer.status, answer.body.clone()),
        (200, json!({"message": "success", "retcode": "0", "result": {}}))
    );

    let events = app.events(102, &picker, 5).await;
    assert_eq!(
        types(&events),
        [
            "AgentEvent_Incoming_CallInfo",
            "AgentState_Busy",
            "AgentOther_PhoneAlerting",
            "AgentOther_PhoneOffhook",
            "AgentEvent_Talking"
        ]
    );
    assert_eq!(events[0]["content"]["callId"], json!(callid));
    assert_eq!(events[0]["content"]["skillId"], json!(1));
    assert_eq!(
        events[4]["content"],
        json!({"caller": CUSTOMER, "callid": callid, "called": "4000", "feature": "0", "type": "main", "mediaAbility": "1"})
    );
    let withdrawn = app.events(101, &ringing, 3).await;
    assert_eq!(types(&withdrawn), LEFT_CALL);
    assert_eq!(withdrawn[0]["content"], json!(callid));
    assert_eq!(withdrawn[1]["content"], json!({"phoneState": 3}));
    app.assert_no_event(101, &ringing).await;

    // Too late for the agent it rang at.
    assert_eq!(app.agent(101, &ringing).answer().await.checked_retcode(), "200-002");
    let (_, calls) = app.admin("GET", "sim/calls", None).await;
    let parties: Vec<(&str, &str)> = calls["calls"][0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["party"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(parties, [("number:13800000000", "connected"), ("agent:102", "connected")]);

    assert_eq!(app.agent(102, &picker).release().await.checked_retcode(), "0");
    let record = record_of(&app, &callid).await;
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["agent"], json!(102));
    assert_eq!(record["offeredTo"], json!([101]));
    assert_eq!(record["talked"], json!([102]));
}

#[tokio::test]
async fn snatchpickup_refusals_and_the_race_with_an_answer() {
    let app = spawn_app(TestOpts::default()).await;
    let directory = app.directory().await;
    let far = Vdn::new(2).unwrap();
    directory.create_vdn(&VdnRecord { vdn: far, name: "Far".into(), access_code: None }).await.expect("VDN 2");
    let skill = SkillId::new(7).unwrap();
    directory.create_skill(&SkillProfile::new(far, skill, "Far")).await.expect("skill 7");
    let profile = AgentProfile {
        work_no: WorkNo::new(201).unwrap(),
        vdn: far,
        name: "Agent 201".into(),
        phone: PhoneNumber::parse("70201").unwrap(),
        role: Role::Agent,
        skills: vec![SkillGrant { skill, level: SkillLevel::DEFAULT }],
        group: None,
        wrap_up: None,
    };
    directory.create_agent(&NewAgent { profile, password: PASSWORD.into() }).await.expect("agent 201");
    let (ringing, picker, _) = ringing_at_101(&app).await;
    let far_agent = app.idle_agent(201, json!({})).await;
    let busy = app.sign_in(103, json!({"status": "3"})).await;

    let pickup = |target: &str| format!("voicecall/102/snatchpickup{target}");
    for (query, message) in [
        ("", "destWorkNo is required"),
        ("?destWorkNo=", "destWorkNo is required"),
        ("?destWorkNo=abc", "destWorkNo must be a work number"),
        ("?destWorkNo=102", "destWorkNo is the agent itself; answer instead"),
        ("?destWorkNo=150", "destWorkNo 150 is not an agent signed in to this VDN"),
        ("?destWorkNo=201", "destWorkNo 201 is not an agent signed in to this VDN"),
    ] {
        let (code, text) = refusal(app.call("PUT", &pickup(query), Some(&picker), None).await);
        assert_eq!((code.as_str(), text), ("000-002", format!("parameter or URL invalid: {message}")), "{query}");
    }
    assert_eq!(
        refusal(app.agent(201, &far_agent).snatch_pickup(101).await).0,
        "000-002",
        "another VDN's call answers as if the agent did not exist"
    );
    assert_eq!(
        refusal(app.agent(102, &picker).snatch_pickup(103).await),
        ("200-002".into(), "no call to answer: no call rings at agent 103".into())
    );
    assert_eq!(refusal(app.agent(103, &busy).snatch_pickup(101).await).0, "100-009", "only an idle agent picks up");
    assert_eq!(refusal(app.agent(102, "wrong-guid").snatch_pickup(101).await).0, "000-003");
    assert_eq!(refusal(app.agent(104, &picker).snatch_pickup(101).await).0, "100-006");
    app.assert_no_event(101, &ringing).await;
    app.assert_no_event(102, &picker).await;

    // The ringing agent answers first: the pickup comes too late and changes nothing.
    assert_eq!(app.agent(101, &ringing).answer().await.checked_retcode(), "0");
    assert_eq!(
        refusal(app.agent(102, &picker).snatch_pickup(101).await),
        ("200-002".into(), "no call to answer: no call rings at agent 101".into())
    );
    assert_eq!(app.event_types(101, &ringing, 2).await, ["AgentEvent_Customer_Alerting", "AgentEvent_Talking"]);
    app.assert_no_event(102, &picker).await;
}

#[tokio::test]
async fn snatchpickup_leaves_calls_between_agents_alone() {
    let app = spawn_app(TestOpts::default()).await;
    let caller = app.idle_agent(101, json!({})).await;
    let called = app.idle_agent(102, json!({})).await;
    let picker = app.idle_agent(103, json!({})).await;
    let answer = app.agent(101, &caller).call_inner(102).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    assert_eq!(app.event_types(102, &called, 4).await.last().map(String::as_str), Some("AgentEvent_Ringing"));
    assert_eq!(
        refusal(app.agent(103, &picker).snatch_pickup(102).await),
        (
            "200-002".into(),
            "no call to answer: the call ringing at agent 102 is between agents and cannot be picked up".into()
        )
    );
    assert_eq!(app.agent(102, &called).answer().await.checked_retcode(), "0", "still ringing at 102");
}

/// Agent 101 (manual answer) is signed in busy; customer calls 1 and 2 of skill 1 wait.
async fn waiting_for_101(app: &TestApp) -> (String, String, String) {
    let guid = app.sign_in(101, json!({"status": "3"})).await;
    assert_eq!(
        app.event_types(101, &guid, 3).await,
        ["AgentOther_InService", "AgentState_Ready", "AgentState_SetNotReady_Success"]
    );
    let first = app.place_call(1).await;
    let second = app.place_call(1).await;
    (guid, first, second)
}

#[tokio::test]
async fn requestcall_offers_the_chosen_call_and_the_agent_returns_to_busy() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, first, second) = waiting_for_101(&app).await;
    let agent = app.agent(101, &guid);
    let answer = agent.request_call(&second, "0?skillId=1").await;
    assert_eq!(
        (answer.status, answer.body.clone()),
        (200, json!({"message": "success", "retcode": "0", "result": {}}))
    );
    let offered = app.events(101, &guid, 5).await;
    assert_eq!(types(&offered), OFFERED);
    assert_eq!(offered[4]["content"]["callid"], json!(second), "the chosen call, not the head of the queue");
    assert_eq!(agent.answer().await.checked_retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 2).await, ["AgentEvent_Customer_Alerting", "AgentEvent_Talking"]);
    assert_eq!(agent.release().await.checked_retcode(), "0");
    assert_eq!(
        app.event_types(101, &guid, 4).await,
        [
            "AgentEvent_Call_Release",
            "AgentEvent_Customer_Release",
            "AgentOther_PhoneRelease",
            "AgentState_SetNotReady_Success"
        ]
    );

    // skilltype 1 takes the call wherever it waits.
    assert_eq!(agent.request_call(&first, "1?skillid=2").await.checked_retcode(), "0");
    let offered = app.events(101, &guid, 5).await;
    assert_eq!(offered[4]["content"]["callid"], json!(first));
}

#[tokio::test]
async fn requestcall_refusals_leave_the_call_waiting() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, first, _) = waiting_for_101(&app).await;
    let vip = app.place_call(2).await;
    let other = app.sign_in(106, json!({"status": "3"})).await;
    let agent = app.agent(101, &guid);
    for (tail, message) in [
        ("2", "skilltype must be 0 (a skill queue) or 1"),
        ("x", "skilltype must be 0 (a skill queue) or 1"),
        ("0?skillId=x", "skillId must be a skill id"),
        ("0?skillId=99999999999", "skillId must be a skill id"),
    ] {
        let (code, text) = refusal(agent.request_call(&first, tail).await);
        assert_eq!((code.as_str(), text), ("000-002", format!("parameter or URL invalid: {message}")), "{tail}");
    }
    assert_eq!(
        refusal(agent.request_call(&first, "0?skillId=2").await),
        ("200-002".into(), format!("no call to answer: call {first} waits in skill queue 1, not 2"))
    );
    assert_eq!(
        refusal(agent.request_call("1700000000-999", "0").await),
        ("200-002".into(), "no call to answer: call 1700000000-999 is not waiting in a queue".into())
    );
    assert_eq!(
        refusal(app.agent(106, &other).request_call(&vip, "0?skillId=2").await),
        ("000-002".into(), "parameter or URL invalid: the agent does not serve skill queue 2".into())
    );
    assert_eq!(refusal(app.agent(101, "wrong-guid").request_call(&first, "0").await).0, "000-003");

    // Once offered, the call has left the queue: nobody else can ask for it.
    assert_eq!(agent.request_call(&first, "0").await.checked_retcode(), "0");
    app.events(101, &guid, 5).await;
    assert_eq!(
        refusal(app.agent(106, &other).request_call(&first, "0").await),
        ("200-002".into(), format!("no call to answer: call {first} is not waiting in a queue"))
    );
    assert_eq!(refusal(agent.request_call(&vip, "0").await).0, "100-009", "101 rings already");
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn previewcallout_places_a_call_out_under_both_spellings() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let body = json!({"called": NUMBER, "callcontrolid": 1536});
    let answer = app.call("PUT", "voicecall/101/previewCallout", Some(&guid), Some(body.clone())).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    let callid = answer.body["result"].as_str().expect("the call id is the result").to_owned();
    assert_eq!(
        app.event_types(101, &guid, 4).await,
        ["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentState_Busy", "AgentEvent_Customer_Alerting"]
    );
    app.advance(Duration::from_millis(1_000)).await;
    let talking = app.events(101, &guid, 1).await;
    assert_eq!(talking[0]["content"]["feature"], json!("7"));
    assert_eq!(talking[0]["content"]["callid"], json!(callid));

    // While talking no other call-out can start, whichever spelling.
    let agent = app.agent(101, &guid);
    let (code, _) = refusal(agent.preview_call_out(body.clone()).await);
    assert_eq!(code, "100-009");
    assert_eq!(agent.release().await.checked_retcode(), "0");
    app.events(101, &guid, 4).await;
    let record = record_of(&app, &callid).await;
    assert_eq!(
        (&record["outcome"], &record["feature"], &record["called"]),
        (&json!("answered"), &json!(7), &json!(NUMBER))
    );

    let answer = agent.preview_call_out(body).await;
    assert_eq!(answer.retcode(), "0", "{}", answer.body);
    assert!(answer.body["result"].as_str().is_some_and(|id| *id != callid));
}

#[tokio::test]
async fn previewcallout_reads_its_body_as_callout_does() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    for (body, expected) in [
        (json!({"callcontrolid": 1}), ("200-001", "outbound call: the number is wrong")),
        (json!({"called": "", "callcontrolid": 1}), ("200-001", "outbound call: the number is wrong")),
        (json!({"called": NUMBER}), ("000-002", "parameter or URL invalid: callcontrolid is required")),
        (
            json!({"called": NUMBER, "callcontrolid": "x"}),
            ("000-002", "parameter or URL invalid: callcontrolid must be an integer"),
        ),
        (
            json!({"called": NUMBER, "callcontrolid": 1, "mediaability": 1}),
            ("106-001", "video is not supported: ccgw carries voice calls only"),
        ),
        (
            json!({"called": NUMBER, "callcontrolid": 1, "caller": "x"}),
            ("000-002", "parameter or URL invalid: caller must be 0-24 digits"),
        ),
        (json!([NUMBER]), ("000-002", "parameter or URL invalid: body must be a JSON object")),
    ] {
        let (code, message) = refusal(app.agent(101, &guid).preview_call_out(body.clone()).await);
        assert_eq!((code.as_str(), message.as_str()), expected, "{body}");
    }
    let (code, _) = refusal(app.agent(101, &guid).preview_call_out(json!({"called": "12a", "callcontrolid": 1})).await);
    assert_eq!(code, "200-001", "a number that cannot be dialled");
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn reportsound_needs_a_talking_call_and_changes_nothing() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({"autoanswer": "true"})).await;
    let report = json!({"soundlevel": 3});
    assert_eq!(
        refusal(app.agent(101, &guid).report_sound(Some(report.clone())).await),
        ("200-009".into(), "report sound: no talking call".into())
    );
    app.place_call(1).await;
    app.events(101, &guid, 6).await;
    let answer = app.agent(101, &guid).report_sound(Some(report)).await;
    assert_eq!(
        (answer.status, answer.body.clone()),
        (200, json!({"message": "success", "retcode": "0", "result": {}}))
    );
    assert_eq!(app.agent(101, &guid).report_sound(None).await.checked_retcode(), "0", "no body");
    let (code, _) = refusal(app.agent(101, &guid).report_sound(Some(json!("loud"))).await);
    assert_eq!(code, "000-002", "not a JSON object");
    app.assert_no_event(101, &guid).await;

    assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "0");
    app.events(101, &guid, 1).await;
    assert_eq!(app.agent(101, &guid).report_sound(Some(json!({}))).await.checked_retcode(), "200-009", "held");
    assert_eq!(refusal(app.agent(101, "wrong-guid").report_sound(None).await).0, "000-003");
}

#[tokio::test]
async fn conference_digits_reach_the_switch_only_in_a_three_party_call() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({"autoanswer": "true"})).await;
    let customer = app.place_call(1).await;
    app.events(101, &guid, 6).await;
    let agent = app.agent(101, &guid);
    assert_eq!(
        refusal(agent.conference_digits(Some(json!({"number": "1"}))).await),
        ("200-010".into(), "three-party: no call".into()),
        "two parties are no conference"
    );

    let helper = app.idle_agent(102, json!({"autoanswer": "true"})).await;
    let ask = json!({"dstaddress": "102", "devicetype": 2, "mode": 2});
    assert_eq!(app.agent(101, &guid).inner_help(ask).await.checked_retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 4).await.last().map(String::as_str), Some("AgentEvent_Conference"));
    app.events(102, &helper, 6).await;

    assert_eq!(agent.conference_digits(Some(json!({"number": "12#"}))).await.checked_retcode(), "0");
    assert_eq!(app.agent(102, &helper).conference_digits(Some(json!({"number": 9}))).await.checked_retcode(), "0");
    assert_eq!(agent.conference_digits(None).await.checked_retcode(), "0", "without a body, as the page shows it");
    for body in [json!({"number": "12a"}), json!({"number": "1234567890123456789012345"}), json!({"number": true})] {
        assert_eq!(refusal(agent.conference_digits(Some(body.clone())).await).0, "000-002", "{body}");
    }
    let (_, calls) = app.admin("GET", "sim/calls", None).await;
    let call = calls["calls"].as_array().unwrap().iter().find(|c| c["callid"] == json!(customer)).unwrap();
    let digits: Vec<(&str, &str)> = call["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["party"].as_str().unwrap(), p["digits"].as_str().unwrap()))
        .collect();
    assert_eq!(digits, [("number:13800000000", ""), ("agent:101", "12#"), ("agent:102", "9")]);
    app.assert_no_event(101, &guid).await;
    app.assert_no_event(102, &helper).await;
}
