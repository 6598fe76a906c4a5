//! Two calls at once over HTTPS: consultation (`innerhelp`), conference (`confjoin`),
//! connect-held, `disconnect`, transfers in each mode and `canceltransfer`, each with
//! the events of every agent in order, what the simulated switch then holds, the records
//! written, and the refusals with their retcodes.
//! Run: `cargo test -p ccgw --test agentgateway transfer`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{
    LEFT_CALL, OFFERED, TestApp, TestOpts, customer_with_101, record_of, retcode, sim_calls, spawn_app, types,
};

const CUSTOMER: &str = "13800000000";
const NUMBER: &str = "5551234";

/// What the agent hears when it leaves a consultation and the held call at once (S18).
const LEFT_BOTH_CALLS: [&str; 5] = [
    "AgentEvent_Call_Release",
    "AgentEvent_Customer_Release",
    "AgentEvent_Call_Release",
    "AgentOther_PhoneRelease",
    "AgentState_Ready",
];

/// Agent 101 talks with a customer of skill 1 (answered by hand); then agent 102 (skills
/// 1 and 2, manual answer) signs in and is idle. Returns 101's Guid, 102's Guid and the
/// customer call's id.
async fn customer_with_101_and_102(app: &TestApp) -> (String, String, String) {
    let (guid, customer) = customer_with_101(app).await;
    let helper = app.idle_agent(102, json!({})).await;
    (guid, helper, customer)
}

/// `POST innerhelp` to agent 102; the result is the help call's id.
async fn ask_102(app: &TestApp, guid: &str, mode: u8) -> String {
    let body = json!({"dstaddress": "102", "devicetype": 2, "mode": mode, "callappdata": "asked", "holdflag": true});
    let answer = app.agent(101, guid).inner_help(body).await;
    assert_eq!((answer.status, answer.retcode()), (200, "0"), "{}", answer.body);
    let help = answer.body["result"].as_str().expect("the help call's id is the result").to_owned();
    assert!(help.split_once('-').is_some_and(|(secs, _)| secs.len() == 10), "{help}");
    help
}

/// 101 asks 102 for help (`mode`) and 102's phone rings: the events of both, checked.
async fn help_rings(app: &TestApp, guid: &str, helper: &str, customer: &str, mode: u8) -> String {
    let help = ask_102(app, guid, mode).await;
    let held = app.events(101, guid, 2).await;
    assert_eq!(types(&held), ["AgentEvent_Hold", "AgentEvent_Customer_Alerting"]);
    assert_eq!(held[0]["content"], json!(customer));
    assert_eq!(
        held[1]["content"],
        json!({"callid": help, "otherPhoneWorkno": "", "otherPhone": "102", "type": "main"})
    );
    let ringing = app.events(102, helper, 4).await;
    assert_eq!(
        types(&ringing),
        ["AgentState_Busy", "AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Ringing"]
    );
    let feature = if mode == 2 { "52" } else { "51" };
    assert_eq!(
        ringing[3]["content"],
        json!({"caller": "a101", "transfer": "no", "callid": help, "transfrom": "", "called": "a102",
               "type": "main", "mediaType": "5", "mediaAbility": "1", "feature": feature})
    );
    help
}

fn talking_in(callid: &str, caller: &str, called: &str, feature: &str) -> Value {
    json!({"caller": caller, "callid": callid, "called": called, "feature": feature, "type": "main", "mediaAbility": "1"})
}

#[tokio::test]
async fn two_party_help_then_confjoin_makes_a_conference_and_the_help_call_is_joined() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, helper, customer) = customer_with_101_and_102(&app).await;
    let help = help_rings(&app, &guid, &helper, &customer, 1).await;
    assert_eq!(
        sim_calls(&app).await,
        [
            (customer.clone(), vec![format!("number:{CUSTOMER}:connected"), "agent:101:held".into()]),
            (help.clone(), vec!["agent:101:connected".into(), "agent:102:alerting".into()]),
        ]
    );
    // While the helper rings there is nothing to join yet.
    assert_eq!(app.agent(101, &guid).conf_join(&customer).await.checked_retcode(), "200-010");

    assert_eq!(app.agent(102, &helper).answer().await.checked_retcode(), "0");
    let help_talk = talking_in(&help, "a101", "a102", "51");
    let talking = app.events(102, &helper, 1).await;
    assert_eq!(types(&talking), ["AgentEvent_Talking"]);
    assert_eq!(talking[0]["content"], help_talk);
    let talking = app.events(101, &guid, 1).await;
    assert_eq!(types(&talking), ["AgentEvent_Talking"]);
    assert_eq!(talking[0]["content"], help_talk);

    assert_eq!(app.agent(101, &guid).conf_join(&customer).await.checked_retcode(), "0");
    let joined = app.events(101, &guid, 1).await;
    assert_eq!(types(&joined), ["AgentEvent_Conference"]);
    assert_eq!(joined[0]["content"], json!({"callid": customer, "partner": format!("{CUSTOMER},102")}));
    let joined = app.events(102, &helper, 1).await;
    assert_eq!(types(&joined), ["AgentEvent_Conference"]);
    assert_eq!(joined[0]["content"], json!({"callid": customer, "partner": format!("{CUSTOMER},101")}));
    app.assert_no_event(101, &guid).await;
    app.assert_no_event(102, &helper).await;
    assert_eq!(
        sim_calls(&app).await,
        [(
            customer.clone(),
            vec![format!("number:{CUSTOMER}:connected"), "agent:101:connected".into(), "agent:102:connected".into()]
        )]
    );
    assert_eq!(app.agent(101, &guid).conf_join(&customer).await.checked_retcode(), "200-011", "done");

    let help_record = record_of(&app, &help).await;
    assert_eq!(help_record["outcome"], json!("joined"));
    assert_eq!(help_record["joinedInto"], json!(customer));
    assert_eq!(help_record["feature"], json!(51));
    assert_eq!(help_record["callData"], json!("asked"));

    // The helper leaves the conference first; the customer and 101 go on.
    assert_eq!(app.agent(102, &helper).release().await.checked_retcode(), "0");
    let left = app.events(102, &helper, 3).await;
    assert_eq!(types(&left), LEFT_CALL);
    assert_eq!(left[0]["content"], json!(customer));
    assert_eq!(left[1]["content"], json!({"phoneState": 2}));
    let told = app.events(101, &guid, 1).await;
    assert_eq!(types(&told), ["AgentEvent_Customer_Release"]);
    assert_eq!(told[0]["content"], json!({"callid": customer, "number": "102"}));

    assert_eq!(app.hang_up(&customer).await, 200);
    let ended = app.events(101, &guid, 4).await;
    assert_eq!(
        types(&ended),
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(ended[0]["content"], json!({"callid": customer, "number": CUSTOMER}));
    let record = record_of(&app, &customer).await;
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["agent"], json!(101));
    assert_eq!(record["endedBy"], json!("customer"));
    assert_eq!(record["talked"], json!([101, 102]));
    assert_eq!(record["joinedInto"], json!(null));
}

#[tokio::test]
async fn the_customer_hanging_up_a_conference_leaves_the_two_agents_talking() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, helper, customer) = customer_with_101_and_102(&app).await;
    help_rings(&app, &guid, &helper, &customer, 1).await;
    assert_eq!(app.agent(102, &helper).answer().await.checked_retcode(), "0");
    app.events(102, &helper, 1).await;
    app.events(101, &guid, 1).await;
    assert_eq!(app.agent(101, &guid).conf_join(&customer).await.checked_retcode(), "0");
    app.events(101, &guid, 1).await;
    app.events(102, &helper, 1).await;

    assert_eq!(app.hang_up(&customer).await, 200);
    for (work_no, guid) in [(101, &guid), (102, &helper)] {
        let told = app.events(work_no, guid, 1).await;
        assert_eq!(types(&told), ["AgentEvent_Customer_Release"], "{work_no}");
        assert_eq!(told[0]["content"], json!({"callid": customer, "number": CUSTOMER}));
        app.assert_no_event(work_no, guid).await;
    }
    // The engine and the switch both keep the two agents in the call: a live call goes on
    // while two parties remain.
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec!["agent:101:connected".to_owned(), "agent:102:connected".to_owned()])]
    );
    let status = app.agent(101, &guid).status().await;
    assert_eq!(status.body["result"], json!({"agentState": 7, "isWorking": true}));
    // 101 hangs up last: the call between the two agents ends for both and is recorded.
    assert_eq!(app.agent(101, &guid).release().await.checked_retcode(), "0");
    assert_eq!(
        app.event_types(101, &guid, 4).await,
        ["AgentEvent_Call_Release", "AgentEvent_Customer_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(
        app.event_types(102, &helper, 4).await,
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    let record = record_of(&app, &customer).await;
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["talked"], json!([101, 102]));
    assert!(sim_calls(&app).await.is_empty());
}

#[tokio::test]
async fn connecthold_leaves_the_customer_talking_with_the_helper() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, helper, customer) = customer_with_101_and_102(&app).await;
    let help = help_rings(&app, &guid, &helper, &customer, 1).await;
    assert_eq!(app.agent(101, &guid).connect_hold(&customer).await.checked_retcode(), "200-013");
    assert_eq!(app.agent(102, &helper).answer().await.checked_retcode(), "0");
    app.events(102, &helper, 1).await;
    app.events(101, &guid, 1).await;
    assert_eq!(app.agent(101, &guid).connect_hold(&help).await.checked_retcode(), "200-014");

    assert_eq!(app.agent(101, &guid).connect_hold(&customer).await.checked_retcode(), "0");
    let left = app.events(101, &guid, 5).await;
    assert_eq!(types(&left), LEFT_BOTH_CALLS);
    assert_eq!(left[0]["content"], json!(help));
    assert_eq!(left[1]["content"], json!({"callid": help, "number": "102"}));
    assert_eq!(left[2]["content"], json!(customer));
    assert_eq!(left[3]["content"], json!({"phoneState": 2}));
    let moved = app.events(102, &helper, 1).await;
    assert_eq!(types(&moved), ["AgentEvent_Talking"]);
    assert_eq!(moved[0]["content"], talking_in(&customer, CUSTOMER, "4000", "0"));
    app.assert_no_event(101, &guid).await;
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec![format!("number:{CUSTOMER}:connected"), "agent:102:connected".into()])]
    );
    let help_record = record_of(&app, &help).await;
    assert_eq!((help_record["outcome"].clone(), help_record["joinedInto"].clone()), (json!("joined"), json!(customer)));

    assert_eq!(app.hang_up(&customer).await, 200);
    let ended = app.events(102, &helper, 4).await;
    assert_eq!(
        types(&ended),
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(ended[2]["content"], json!({"phoneState": 3}));
    let record = record_of(&app, &customer).await;
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["talked"], json!([101, 102]));
}

#[tokio::test]
async fn three_party_help_is_a_conference_when_the_helper_answers_and_disconnect_removes_it() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, helper, customer) = customer_with_101_and_102(&app).await;
    let help = help_rings(&app, &guid, &helper, &customer, 2).await;
    assert_eq!(app.agent(102, &helper).answer().await.checked_retcode(), "0");
    let help_talk = talking_in(&help, "a101", "a102", "52");
    for (work_no, guid, partner) in [(101, &guid, "102"), (102, &helper, "101")] {
        let events = app.events(work_no, guid, 2).await;
        assert_eq!(types(&events), ["AgentEvent_Talking", "AgentEvent_Conference"], "{work_no}");
        assert_eq!(events[0]["content"], help_talk);
        assert_eq!(events[1]["content"], json!({"callid": customer, "partner": format!("{CUSTOMER},{partner}")}));
        app.assert_no_event(work_no, guid).await;
    }
    let record = record_of(&app, &help).await;
    assert_eq!((record["outcome"].clone(), record["joinedInto"].clone()), (json!("joined"), json!(customer)));

    // Only the agent who answered the call may release another party; nobody a stranger.
    assert_eq!(app.agent(102, &helper).disconnect("101").await.checked_retcode(), "200-204");
    assert_eq!(app.agent(101, &guid).disconnect("999").await.checked_retcode(), "200-204");
    assert_eq!(app.agent(101, &guid).disconnect("102").await.checked_retcode(), "0");
    let removed = app.events(102, &helper, 3).await;
    assert_eq!(types(&removed), LEFT_CALL);
    assert_eq!(removed[0]["content"], json!(customer));
    assert_eq!(removed[1]["content"], json!({"phoneState": 3}));
    let told = app.events(101, &guid, 1).await;
    assert_eq!(types(&told), ["AgentEvent_Customer_Release"]);
    assert_eq!(told[0]["content"], json!({"callid": customer, "number": "102"}));
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec![format!("number:{CUSTOMER}:connected"), "agent:101:connected".into()])]
    );
    assert_eq!(app.agent(101, &guid).disconnect("102").await.checked_retcode(), "200-204", "gone");
}

#[tokio::test]
async fn blind_transfer_to_a_skill_offers_the_call_there_with_its_new_call_data() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, next, customer) = customer_with_101_and_102(&app).await;
    // 102 has been idle longer than 101 will be: skill 2 (longest idle first) picks it.
    app.advance(Duration::from_millis(1_000)).await;
    let body = json!({"devicetype": 1, "address": "2", "mode": 0, "callappdata": "ticket=9"});
    assert_eq!(app.agent(101, &guid).transfer(body).await.checked_retcode(), "0");
    let left = app.events(101, &guid, 3).await;
    assert_eq!(types(&left), LEFT_CALL);
    assert_eq!(left[0]["content"], json!(customer));
    assert_eq!(left[1]["content"], json!({"phoneState": 2}));

    let offered = app.events(102, &next, 5).await;
    assert_eq!(types(&offered), OFFERED);
    assert_eq!(offered[0]["content"]["callId"], json!(customer));
    assert_eq!(offered[0]["content"]["skillId"], json!(2));
    assert_eq!(offered[0]["content"]["skillName"], json!("VIP"));
    assert_eq!(
        offered[4]["content"],
        json!({"caller": CUSTOMER, "transfer": "yes", "callid": customer, "transfrom": "101", "called": "4000",
               "type": "main", "mediaType": "5", "mediaAbility": "1", "feature": "0"})
    );
    let appdata = app.agent(102, &next).calldata("appdata").await;
    assert_eq!(appdata.body["result"], json!("ticket=9"), "{}", appdata.body);

    assert_eq!(app.agent(102, &next).answer().await.checked_retcode(), "0");
    assert_eq!(app.event_types(102, &next, 2).await, ["AgentEvent_Customer_Alerting", "AgentEvent_Talking"]);
    app.assert_no_event(101, &guid).await;
    assert_eq!(app.hang_up(&customer).await, 200);
    app.events(102, &next, 4).await;
    let record = record_of(&app, &customer).await;
    assert_eq!(record["callData"], json!("ticket=9"));
    assert_eq!(record["route"], json!([1, 2]));
    assert_eq!(record["finalSkill"], json!(2));
    assert_eq!(record["talked"], json!([101, 102]));
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["agent"], json!(101));
}

#[tokio::test]
async fn a_blind_transfer_to_a_skill_nobody_can_take_overflows_where_it_is_configured_to() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, next, customer) = customer_with_101_and_102(&app).await;
    // Skill 2 waits at most 30 s, then overflows into skill 1; its agents 101 and 102 are
    // busy (101 after this call), so nobody of skill 2 can take the transferred call. That
    // the call came from skill 1 does not stop the overflow: only overflows may not loop.
    assert_eq!(app.agent(102, &next).say_busy().await.checked_retcode(), "0");
    let limits = json!({"maxWaitMs": 30_000, "overflow": {"skill": 1}});
    assert_eq!(app.admin("PATCH", "skills/1/2", Some(limits)).await.0, 200);
    assert_eq!(app.agent(101, &guid).say_busy().await.checked_retcode(), "0");
    let body = json!({"devicetype": 1, "address": "2", "mode": 0});
    assert_eq!(app.agent(101, &guid).transfer(body).await.checked_retcode(), "0");
    let left = app.events(101, &guid, 3).await;
    assert_eq!(types(&left), ["AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_SetNotReady_Success"]);
    let waiting = app.agent(101, &guid).calldata("waitcallinfo/2").await;
    assert_eq!(waiting.body["result"][0]["callId"], json!(customer), "{}", waiting.body);

    app.advance(Duration::from_secs(30)).await;
    let other = app.idle_agent(110, json!({})).await; // skill 1 only
    let offered = app.events(110, &other, 5).await;
    assert_eq!(offered[0]["content"]["skillId"], json!(1), "overflowed from skill 2 into skill 1");
    assert_eq!(offered[4]["content"]["transfrom"], json!("101"));
    assert_eq!(app.agent(110, &other).answer().await.checked_retcode(), "0");
    app.events(110, &other, 2).await;
    assert_eq!(app.hang_up(&customer).await, 200);
    app.events(110, &other, 4).await;
    let record = record_of(&app, &customer).await;
    assert_eq!(record["route"], json!([1, 2, 1]));
    assert_eq!(record["talked"], json!([101, 110]));
    assert_eq!(record["outcome"], json!("answered"));
}

#[tokio::test]
async fn success_transfer_to_an_agent_releases_the_transferring_agent_when_it_answers() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, next, customer) = customer_with_101_and_102(&app).await;
    let body = json!({"devicetype": 2, "address": "102", "mode": 2, "holdflag": true, "mediaability": 0});
    assert_eq!(app.agent(101, &guid).transfer(body).await.checked_retcode(), "0");
    let waiting = app.events(101, &guid, 1).await;
    assert_eq!(types(&waiting), ["AgentEvent_Customer_Alerting"]);
    assert_eq!(
        waiting[0]["content"],
        json!({"callid": customer, "otherPhoneWorkno": "", "otherPhone": "102", "type": "main"})
    );
    let ringing = app.events(102, &next, 4).await;
    assert_eq!(
        types(&ringing),
        ["AgentState_Busy", "AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentEvent_Ringing"]
    );
    assert_eq!(ringing[3]["content"]["transfer"], json!("yes"));
    assert_eq!(ringing[3]["content"]["transfrom"], json!("101"));
    assert_eq!(ringing[3]["content"]["callid"], json!(customer));
    // A second transfer of the same call is refused while this one is under way.
    let again = json!({"devicetype": 1, "address": "1", "mode": 0});
    assert_eq!(app.agent(101, &guid).transfer(again).await.checked_retcode(), "200-012");

    assert_eq!(app.agent(102, &next).answer().await.checked_retcode(), "0");
    let talking = app.events(102, &next, 1).await;
    assert_eq!(types(&talking), ["AgentEvent_Talking"]);
    assert_eq!(talking[0]["content"], talking_in(&customer, CUSTOMER, "4000", "0"));
    let done = app.events(101, &guid, 4).await;
    assert_eq!(
        types(&done),
        ["AgentEvent_Call_Release", "AgentEvent_SuccTransResult", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(done[0]["content"], json!(customer));
    assert_eq!(done[1]["content"], json!({"result": 0, "callId": customer}));
    assert_eq!(done[2]["content"], json!({"phoneState": 3}));
    app.assert_no_event(101, &guid).await;
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec![format!("number:{CUSTOMER}:connected"), "agent:102:connected".into()])]
    );
}

#[tokio::test]
async fn a_success_transfer_nobody_answers_gives_the_customer_back() {
    let opts = TestOpts { ring_timeout_ms: 15_000, ..TestOpts::default() };
    let app = spawn_app(opts).await;
    let (guid, next, customer) = customer_with_101_and_102(&app).await;
    let body = json!({"devicetype": 2, "address": "102", "mode": 2});
    assert_eq!(app.agent(101, &guid).transfer(body).await.checked_retcode(), "0");
    app.events(101, &guid, 1).await;
    app.events(102, &next, 4).await;
    app.advance(Duration::from_millis(14_000)).await;
    app.assert_no_event(101, &guid).await;

    app.advance(Duration::from_millis(1_000)).await;
    let missed = app.events(102, &next, 3).await;
    assert_eq!(types(&missed), ["AgentEvent_No_Answer", "AgentOther_PhoneRelease", "AgentState_Ready"]);
    assert_eq!(missed[0]["content"], json!(customer));
    assert_eq!(missed[1]["content"], json!({"phoneState": 3}));
    let back = app.events(101, &guid, 3).await;
    assert_eq!(types(&back), ["AgentEvent_Connect_Fail", "AgentEvent_SuccTransResult", "AgentEvent_Talking"]);
    assert_eq!(back[0]["content"], json!(customer));
    assert_eq!(back[1]["content"], json!({"result": 1, "callId": customer}));
    assert_eq!(back[2]["content"], talking_in(&customer, CUSTOMER, "4000", "0"));
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec![format!("number:{CUSTOMER}:connected"), "agent:101:connected".into()])]
    );
    // 101 talks again: it can hold the call and transfer it anew.
    assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "0");
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentEvent_Hold"]);
}

#[tokio::test]
async fn talk_transfer_to_a_number_connects_it_with_the_customer_when_the_agent_hangs_up() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, _, customer) = customer_with_101_and_102(&app).await;
    let body = json!({"devicetype": 5, "address": NUMBER, "mode": 3, "mediaability": 2});
    assert_eq!(app.agent(101, &guid).transfer(body).await.checked_retcode(), "0");
    let dialling = app.events(101, &guid, 2).await;
    assert_eq!(types(&dialling), ["AgentEvent_Hold", "AgentEvent_Customer_Alerting"]);
    assert_eq!(dialling[0]["content"], json!(customer));
    let consultation = dialling[1]["content"]["callid"].as_str().unwrap().to_owned();
    assert_ne!(consultation, customer);
    assert_eq!(dialling[1]["content"]["otherPhone"], json!(NUMBER));
    app.assert_no_event(101, &guid).await;

    // No far-end rule matches: the number answers after the default 1000 ms.
    app.advance(Duration::from_millis(1_000)).await;
    let talking = app.events(101, &guid, 1).await;
    assert_eq!(types(&talking), ["AgentEvent_Talking"]);
    assert_eq!(talking[0]["content"]["callid"], json!(consultation));
    assert_eq!(talking[0]["content"]["called"], json!(NUMBER));
    assert_eq!(talking[0]["content"]["caller"], json!(CUSTOMER), "the number sees the customer");

    assert_eq!(app.agent(101, &guid).release().await.checked_retcode(), "0");
    let left = app.events(101, &guid, 5).await;
    assert_eq!(types(&left), LEFT_BOTH_CALLS);
    assert_eq!(left[0]["content"], json!(consultation));
    assert_eq!(left[1]["content"], json!({"callid": consultation, "number": NUMBER}));
    assert_eq!(left[2]["content"], json!(customer));
    assert_eq!(left[3]["content"], json!({"phoneState": 2}));
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec![format!("number:{CUSTOMER}:connected"), format!("number:{NUMBER}:connected")])]
    );
    let record = record_of(&app, &consultation).await;
    assert_eq!((record["outcome"].clone(), record["joinedInto"].clone()), (json!("joined"), json!(customer)));

    // The number hangs up: the customer is alone and the call ends.
    let (status, body) = app.admin("POST", &format!("sim/calls/{customer}/parties/{NUMBER}/hangup"), None).await;
    assert_eq!(status, 200, "{body}");
    let record = record_of(&app, &customer).await;
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["agent"], json!(101));
    assert!(sim_calls(&app).await.is_empty());
    app.assert_no_event(101, &guid).await;
}

#[tokio::test]
async fn canceltransfer_gives_the_customer_back_from_a_pending_transfer_and_from_help() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, next, customer) = customer_with_101_and_102(&app).await;
    let body = json!({"devicetype": 2, "address": "102", "mode": 2});
    assert_eq!(app.agent(101, &guid).transfer(body).await.checked_retcode(), "0");
    app.events(101, &guid, 1).await;
    app.events(102, &next, 4).await;

    assert_eq!(app.agent(101, &guid).cancel_transfer().await.checked_retcode(), "0");
    let freed = app.events(102, &next, 3).await;
    assert_eq!(types(&freed), LEFT_CALL);
    assert_eq!(freed[0]["content"], json!(customer));
    assert_eq!(freed[1]["content"], json!({"phoneState": 3}));
    let back = app.events(101, &guid, 1).await;
    assert_eq!(types(&back), ["AgentEvent_Talking"]);
    assert_eq!(back[0]["content"], talking_in(&customer, CUSTOMER, "4000", "0"));
    app.assert_no_event(101, &guid).await;
    assert_eq!(app.agent(101, &guid).cancel_transfer().await.checked_retcode(), "200-012");
    assert_eq!(app.agent(102, &next).answer().await.checked_retcode(), "200-002", "no longer rings");

    // Help that 102 answered is ended the same way, and 101 talks with the customer again.
    let help = help_rings(&app, &guid, &next, &customer, 1).await;
    assert_eq!(app.agent(102, &next).answer().await.checked_retcode(), "0");
    app.events(102, &next, 1).await;
    app.events(101, &guid, 1).await;
    assert_eq!(app.agent(101, &guid).cancel_transfer().await.checked_retcode(), "0");
    let back = app.events(101, &guid, 3).await;
    assert_eq!(types(&back), ["AgentEvent_Call_Release", "AgentEvent_Customer_Release", "AgentEvent_Talking"]);
    assert_eq!(back[0]["content"], json!(help));
    assert_eq!(back[2]["content"]["callid"], json!(customer));
    assert_eq!(
        app.event_types(102, &next, 4).await,
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec![format!("number:{CUSTOMER}:connected"), "agent:101:connected".into()])]
    );
}

#[tokio::test]
async fn the_customer_hanging_up_during_a_success_transfer_frees_the_ringing_agent() {
    let app = spawn_app(TestOpts::default()).await;
    let (guid, next, customer) = customer_with_101_and_102(&app).await;
    let body = json!({"devicetype": 2, "address": "102", "mode": 2});
    assert_eq!(app.agent(101, &guid).transfer(body).await.checked_retcode(), "0");
    app.events(101, &guid, 1).await;
    app.events(102, &next, 4).await;

    assert_eq!(app.hang_up(&customer).await, 200);
    let freed = app.events(102, &next, 3).await;
    assert_eq!(types(&freed), LEFT_CALL);
    assert_eq!(freed[0]["content"], json!(customer));
    assert_eq!(freed[1]["content"], json!({"phoneState": 3}));
    let ended = app.events(101, &guid, 4).await;
    assert_eq!(
        types(&ended),
        ["AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentOther_PhoneRelease", "AgentState_Ready"]
    );
    assert_eq!(ended[0]["content"], json!({"callid": customer, "number": CUSTOMER}));
    assert_eq!(ended[2]["content"], json!({"phoneState": 3}));
    app.assert_no_event(101, &guid).await;
    app.assert_no_event(102, &next).await;
    for (work_no, guid) in [(101, &guid), (102, &next)] {
        let status = app.agent(work_no, guid).status().await;
        assert_eq!(status.body["result"], json!({"agentState": 4, "isWorking": false}), "{work_no}");
    }
    let record = record_of(&app, &customer).await;
    assert_eq!(record["outcome"], json!("answered"));
    assert_eq!(record["endedBy"], json!("customer"));
    assert_eq!(record["talked"], json!([101]));
    assert!(sim_calls(&app).await.is_empty());
}

#[tokio::test]
async fn every_two_call_command_without_its_call_or_with_bad_input_gets_its_retcode() {
    let app = spawn_app(TestOpts::default()).await;
    let guid = app.idle_agent(101, json!({})).await;
    let other = app.idle_agent(102, json!({})).await;
    let help = json!({"dstaddress": "102", "devicetype": 2, "mode": 1});
    let to_skill = json!({"devicetype": 1, "address": "1", "mode": 0});
    let without_call: [(&str, Option<Value>, &str); 11] = [
        ("innerhelp", Some(help), "200-018"),
        ("confjoin", Some(json!({"callid": "1700000000-1"})), "200-010"),
        ("confjoin", Some(json!({"callid": "not-a-call"})), "200-010"),
        ("confjoin", Some(json!({"callid": "bad id"})), "200-011"),
        ("connecthold/1700000000-1", None, "200-013"),
        ("connecthold/not-a-call", None, "200-013"),
        ("connecthold/bad%20id", None, "200-014"),
        ("disconnect/102", None, "200-017"),
        ("transfer", Some(to_skill), "200-012"),
        ("transfer", Some(json!({"devicetype": 5, "address": NUMBER, "mode": 2})), "200-012"),
        ("canceltransfer", None, "200-012"),
    ];
    for (tail, body, expected) in without_call {
        let path = format!("voicecall/101/{tail}");
        assert_eq!(retcode(&app, "POST", &path, &guid, body.clone()).await, expected, "{tail} {body:?}");
    }
    app.assert_no_event(101, &guid).await;

    let customer = app.place_call(1).await;
    app.events(101, &guid, 5).await;
    assert_eq!(app.agent(101, &guid).answer().await.checked_retcode(), "0");
    app.events(101, &guid, 2).await;
    let with_call: [(&str, Value, &str); 28] = [
        ("confjoin", json!({"callid": customer}), "200-011"),
        ("confjoin", json!({"callid": "1700000000-1"}), "200-011"),
        ("confjoin", json!({"callid": "not-a-call"}), "200-011"),
        ("confjoin", json!({}), "000-002"),
        ("innerhelp", json!({"dstaddress": "101", "devicetype": 2}), "000-002"),
        ("innerhelp", json!({"devicetype": 2, "mode": 1}), "000-002"),
        ("innerhelp", json!({"dstaddress": "102", "devicetype": 3}), "000-002"),
        ("innerhelp", json!({"dstaddress": "102", "devicetype": 2, "mode": 3}), "000-002"),
        ("innerhelp", json!({"dstaddress": "abc", "devicetype": 2}), "000-002"),
        ("innerhelp", json!({"dstaddress": "102", "holdflag": "maybe"}), "000-002"),
        ("transfer", json!({"devicetype": 1, "address": "2", "mode": 3}), "000-002"),
        ("transfer", json!({"devicetype": 2, "address": "102", "mode": 4}), "000-002"),
        ("transfer", json!({"devicetype": 5, "address": NUMBER, "mode": 0}), "000-002"),
        ("transfer", json!({"devicetype": 4, "address": "1", "mode": 3}), "000-002"),
        ("transfer", json!({"devicetype": 6, "address": "1", "mode": 0}), "000-002"),
        ("transfer", json!({"devicetype": 3, "address": "1", "mode": 0}), "000-002"),
        ("transfer", json!({"devicetype": 5, "address": NUMBER, "mode": 2, "mediaability": 1}), "106-001"),
        ("transfer", json!({"devicetype": 5, "mode": 2}), "000-002"),
        ("transfer", json!({"devicetype": 5, "address": "", "mode": 2}), "000-002"),
        ("transfer", json!({"address": NUMBER, "mode": 2}), "000-002"),
        ("transfer", json!({"devicetype": 5, "address": NUMBER}), "000-002"),
        ("transfer", json!({"devicetype": 1, "address": "9", "mode": 0}), "000-002"),
        ("transfer", json!({"devicetype": 1, "address": "x", "mode": 0}), "000-002"),
        ("transfer", json!({"devicetype": 2, "address": "101", "mode": 0}), "000-002"),
        ("transfer", json!({"devicetype": 2, "address": "109", "mode": 2}), "000-002"),
        ("transfer", json!({"devicetype": 5, "address": "1".repeat(25), "mode": 2}), "000-002"),
        ("transfer", json!({"devicetype": 5, "address": NUMBER, "mode": 2, "caller": "12ab"}), "000-002"),
        ("canceltransfer", json!({}), "200-012"),
    ];
    for (tail, body, expected) in with_call {
        let path = format!("voicecall/101/{tail}");
        assert_eq!(retcode(&app, "POST", &path, &guid, Some(body.clone())).await, expected, "{tail} {body}");
    }
    for (tail, expected) in [
        (format!("connecthold/{customer}"), "200-014"),
        ("disconnect/999".to_owned(), "200-204"),
        ("disconnect/70102".to_owned(), "200-204"),
    ] {
        let path = format!("voicecall/101/{tail}");
        assert_eq!(retcode(&app, "POST", &path, &guid, None).await, expected, "{tail}");
    }

    // 102 busy: neither it nor skill 2 (whose only other agent, 101, talks) can take a
    // success transfer.
    assert_eq!(app.agent(102, &other).say_busy().await.checked_retcode(), "0");
    app.events(102, &other, 1).await;
    for body in [
        json!({"devicetype": 2, "address": "102", "mode": 2}),
        json!({"devicetype": 2, "address": "102", "mode": 0}),
        json!({"devicetype": 1, "address": "2", "mode": 2}),
    ] {
        assert_eq!(app.agent(101, &guid).transfer(body.clone()).await.checked_retcode(), "000-002", "{body}");
    }

    // Another agent's Guid, or none, may not act for 101.
    for (tail, body) in [
        ("innerhelp".to_owned(), Some(json!({"dstaddress": "103", "devicetype": 2, "mode": 1}))),
        ("confjoin".to_owned(), Some(json!({"callid": customer}))),
        (format!("connecthold/{customer}"), None),
        (format!("disconnect/{CUSTOMER}"), None),
        ("transfer".to_owned(), Some(json!({"devicetype": 1, "address": "1", "mode": 0}))),
        ("canceltransfer".to_owned(), None),
    ] {
        let path = format!("voicecall/101/{tail}");
        assert_eq!(retcode(&app, "POST", &path, &other, body.clone()).await, "000-003", "{tail} with 102's Guid");
        let answer = app.call("POST", &path, None, body).await;
        assert_eq!((answer.status, answer.retcode()), (200, "000-003"), "{tail} without a Guid");
    }

    // None of it changed anything: 101 still talks with the customer.
    app.assert_no_event(101, &guid).await;
    assert_eq!(
        sim_calls(&app).await,
        [(customer.clone(), vec![format!("number:{CUSTOMER}:connected"), "agent:101:connected".into()])]
    );
    assert_eq!(app.agent(101, &guid).hold().await.checked_retcode(), "0");
}
