//! Supervisors over HTTPS (spec 06): the demo inspector 120 monitors agents, forces their
//! states and signs them out; refusals carry the QC retcodes.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::*;

fn qc_notify(subtype: &str, agent: &str) -> Value {
    json!({"subtype": subtype, "monitoredagent": agent, "agentname": agent, "mediaserver": "ccgw"})
}

#[tokio::test]
async fn an_inspector_monitors_agents_and_forces_their_states() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let monitor = retcode(&app, "POST", "qualitycontrol/120/beginmonitor?agents=101;102", &inspector, None).await;
    assert_eq!(monitor, "0");
    let all = app.call("GET", "qualitycontrol/120/allagent", Some(&inspector), None).await;
    assert_eq!(all.body["result"], json!(["101", "102"]), "{}", all.body);

    let agent = app.idle_agent(101, json!({})).await;
    let told = app.events(120, &inspector, 2).await;
    assert_eq!(types(&told), ["QC_AgentState_Notify", "QC_AgentState_Notify"]);
    assert_eq!(told[0]["content"], qc_notify("QC_AgentState_Login", "101"));
    assert_eq!(told[1]["content"], qc_notify("QC_AgentState_Idle", "101"));

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcebusy/101", &inspector, None).await, "0");
    let busy = app.events(101, &agent, 1).await;
    assert_eq!(types(&busy), ["AgentState_SetNotReady_Success"]);
    assert_eq!(busy[0]["content"], json!({"reason": "3"}), "forced busy by an inspector");
    assert_eq!(app.events(120, &inspector, 1).await[0]["content"], qc_notify("QC_AgentState_Busy", "101"));

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcerest/101/60/2", &inspector, None).await, "0");
    assert_eq!(types(&app.events(101, &agent, 1).await), ["AgentState_SetRest_Success"]);
    assert_eq!(app.events(120, &inspector, 1).await[0]["content"], qc_notify("QC_AgentState_Rest", "101"));
    // Resting: busy is not a state the table allows from there.
    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcebusy/101", &inspector, None).await, "900-005");
    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forceidle/101", &inspector, None).await, "0");
    assert!(types(&app.events(101, &agent, 2).await).contains(&"AgentState_Ready"));

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/forcelogout/101", &inspector, None).await, "0");
    let out = app.events(101, &agent, 1).await;
    assert_eq!(types(&out), ["AgentOther_ShutdownService"]);
    let told: Vec<Value> = app.events(120, &inspector, 2).await;
    assert_eq!(told.last().unwrap()["content"], qc_notify("QC_AgentState_Logout", "101"), "{told:?}");

    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/endmonitor?agents=101,102", &inspector, None).await, "0");
    let all = app.call("GET", "qualitycontrol/120/allagent", Some(&inspector), None).await;
    assert_eq!(all.body["result"], json!([]));
}

#[tokio::test]
async fn supervision_refusals_carry_the_qc_retcodes() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let agent = app.idle_agent(101, json!({})).await;
    let cases = [
        ("qualitycontrol/101/forcebusy/102", &agent, "900-002"),
        ("qualitycontrol/120/forcebusy/120", &inspector, "000-005"),
        ("qualitycontrol/120/forcebusy/119", &inspector, "900-004"),
        ("qualitycontrol/120/forcerest/101/0/1", &inspector, "000-002"),
        ("qualitycontrol/120/forcerest/101/60/0", &inspector, "000-002"),
        ("qualitycontrol/120/beginmonitor", &inspector, "000-002"),
        ("qualitycontrol/120/beginmonitor?agents=1a", &inspector, "000-002"),
        ("qualitycontrol/120/forcedropcall/not-a-call", &inspector, "200-017"),
        ("qualitycontrol/120/forcebusy/101", &agent, "000-003"),
    ];
    for (path, guid, expected) in cases {
        assert_eq!(retcode(&app, "POST", path, guid, None).await, expected, "{path}");
    }
    let not_inspector = app.call("GET", "qualitycontrol/101/allagent", Some(&agent), None).await;
    assert_eq!(not_inspector.retcode(), "900-002");
    app.assert_no_event(101, &agent).await;
}

/// Who hears whom in a simulated call: each party's label and the labels it hears.
async fn hearing(app: &TestApp, callid: &str) -> BTreeMap<String, Vec<String>> {
    let (status, calls) = app.admin("GET", "sim/calls", None).await;
    assert_eq!(status, 200, "{calls}");
    let call = calls["calls"].as_array().unwrap().iter().find(|call| call["callid"] == json!(callid));
    call.unwrap_or_else(|| panic!("call {callid} is not live: {calls}"))["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|party| {
            let hears = party["hears"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
            (party["party"].as_str().unwrap().to_owned(), hears)
        })
        .collect()
}

fn heard(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    pairs.iter().map(|(party, hears)| (party.to_string(), hears.iter().map(|h| h.to_string()).collect())).collect()
}

const CUSTOMER: &str = "number:13800000000";

#[tokio::test]
async fn listening_whispering_and_inserting_change_who_hears_the_inspector() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let (guid, customer) = customer_with_101(&app).await;

    assert_eq!(retcode(&app, "PUT", "qualitycontrol/120/addsupervise/101", &inspector, None).await, "0");
    let joined = app.events(120, &inspector, 3).await;
    assert_eq!(types(&joined), ["AgentOther_PhoneAlerting", "AgentOther_PhoneOffhook", "AgentState_Busy"]);
    let told = app.events(101, &guid, 1).await;
    assert_eq!(types(&told), ["AgentOther_BeQcStart"]);
    assert_eq!(told[0]["content"], json!({"qcType": 8, "qcAgentId": 120}), "numbers, as documented");
    let status = app.call("GET", "onlineagent/120/agentstatus", Some(&inspector), None).await;
    assert_eq!(status.body["result"]["agentState"], json!(7), "an inspector in a call counts as talking");
    assert_eq!(
        hearing(&app, &customer).await,
        heard(&[(CUSTOMER, &["agent:101"]), ("agent:101", &[CUSTOMER]), ("agent:120", &[CUSTOMER, "agent:101"]),]),
        "listening: nobody hears the inspector"
    );

    let whisper = "qualitycontrol/120/requestswitchinsertwhisperagent?switchtype=2&whisperagentid=101";
    assert_eq!(retcode(&app, "POST", whisper, &inspector, None).await, "0");
    assert_eq!(app.events(101, &guid, 1).await[0]["content"], json!({"qcType": 20172, "qcAgentId": 120}));
    assert_eq!(
        hearing(&app, &customer).await,
        heard(&[
            (CUSTOMER, &["agent:101"]),
            ("agent:101", &[CUSTOMER, "agent:120"]),
            ("agent:120", &[CUSTOMER, "agent:101"]),
        ]),
        "whispering: the agent hears the inspector, the customer never does"
    );

    let insert = "qualitycontrol/120/requestswitchinsertwhisperagent?switchtype=1";
    assert_eq!(retcode(&app, "POST", insert, &inspector, None).await, "0");
    assert_eq!(app.events(101, &guid, 1).await[0]["content"], json!({"qcType": 9, "qcAgentId": 120}));
    assert_eq!(
        hearing(&app, &customer).await,
        heard(&[
            (CUSTOMER, &["agent:101", "agent:120"]),
            ("agent:101", &[CUSTOMER, "agent:120"]),
            ("agent:120", &[CUSTOMER, "agent:101"]),
        ]),
        "inserting: everyone hears everyone"
    );
    // switch/{workNo} toggles back to listening.
    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/switch/101", &inspector, None).await, "0");
    assert_eq!(app.events(101, &guid, 1).await[0]["content"], json!({"qcType": 8, "qcAgentId": 120}));

    let tasks = app.call("GET", "qualitycontrol/120/queryqctasks", Some(&inspector), None).await;
    let task = &tasks.body["result"][0];
    assert_eq!((&task["taskdsn"], &task["workno"], &task["qcType"]), (&json!(customer), &json!("101"), &json!(8)));
    assert_eq!(retcode(&app, "DELETE", "qualitycontrol/120/101", &inspector, None).await, "0");
    let tasks = app.call("GET", "qualitycontrol/120/queryqctasks", Some(&inspector), None).await;
    assert_eq!(tasks.body["result"], json!([]), "{}", tasks.body);
    let stopped = app.events(101, &guid, 1).await;
    assert_eq!(types(&stopped), ["AgentOther_BeQcStop"]);
    assert_eq!(app.event_types(120, &inspector, 2).await, ["AgentOther_PhoneRelease", "AgentState_Ready"]);
    assert_eq!(
        hearing(&app, &customer).await,
        heard(&[(CUSTOMER, &["agent:101"]), ("agent:101", &[CUSTOMER])]),
        "the inspector's phone left the call"
    );

    assert_eq!(retcode(&app, "DELETE", "voicecall/101/release", &guid, None).await, "0");
    let record = record_of(&app, &customer).await;
    let kinds: Vec<&str> =
        record["supervision"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["listen", "whisper", "insert", "listen"], "{record}");
    assert_eq!(record["supervision"][0]["inspector"], json!(120));
    assert_eq!(record["supervision"][0]["agent"], json!(101));
}

/// Inspector 120 whispering to agent 101 in a customer call, every event so far read:
/// the gateway, the two Guids and the call id.
async fn inspector_whispering_to_101() -> (TestApp, String, String, String) {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let (guid, customer) = customer_with_101(&app).await;
    let whisper = "qualitycontrol/120/requestwhisperagent?whisperagentid=101";
    assert_eq!(retcode(&app, "POST", whisper, &inspector, None).await, "0");
    app.events(120, &inspector, 3).await;
    assert_eq!(app.events(101, &guid, 1).await[0]["content"], json!({"qcType": 20172, "qcAgentId": 120}));
    (app, inspector, guid, customer)
}

#[tokio::test]
async fn the_customer_hanging_up_during_a_whisper_releases_the_inspector() {
    let (app, inspector, guid, customer) = inspector_whispering_to_101().await;

    assert_eq!(app.hang_up(&customer).await, 200);
    let released = app.event_types(120, &inspector, 2).await;
    assert_eq!(released, ["AgentOther_PhoneRelease", "AgentState_Ready"]);
    let agent_side = app.event_types(101, &guid, 5).await;
    assert!(agent_side.contains(&"AgentOther_BeQcStop".to_owned()), "{agent_side:?}");
    // Nothing to stop any more.
    let stop = "qualitycontrol/120/requeststopwhisperagent";
    assert_eq!(retcode(&app, "POST", stop, &inspector, None).await, "900-005");
    let record = record_of(&app, &customer).await;
    assert_eq!(record["supervision"][0]["kind"], json!("whisper"), "{record}");
}

#[tokio::test]
async fn deleting_the_qc_task_ends_the_whisper() {
    let (app, inspector, guid, customer) = inspector_whispering_to_101().await;
    let elsewhere = "qualitycontrol/120/deleteqctask?taskdsn=1700000000-99&begintime=0";
    assert_eq!(retcode(&app, "DELETE", elsewhere, &inspector, None).await, "900-005");
    assert_eq!(retcode(&app, "DELETE", "qualitycontrol/120/deleteqctask", &inspector, None).await, "000-002");
    let delete = format!("qualitycontrol/120/deleteqctask?taskdsn={customer}");
    assert_eq!(retcode(&app, "DELETE", &delete, &inspector, None).await, "0");
    assert_eq!(app.event_types(101, &guid, 1).await, ["AgentOther_BeQcStop"]);
    assert_eq!(app.event_types(120, &inspector, 2).await, ["AgentOther_PhoneRelease", "AgentState_Ready"]);
    let not_inspector = app.call("GET", "qualitycontrol/101/queryqctasks", Some(&guid), None).await;
    assert_eq!(not_inspector.retcode(), "900-002");
}

#[tokio::test]
async fn a_monitored_agent_signing_out_mid_call_ends_its_inspection() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let (guid, _customer) = customer_with_101(&app).await;
    assert_eq!(retcode(&app, "POST", "qualitycontrol/120/beginmonitor?agents=101", &inspector, None).await, "0");
    assert_eq!(retcode(&app, "PUT", "qualitycontrol/120/addsupervise/101", &inspector, None).await, "0");
    app.events(120, &inspector, 3).await;
    app.events(101, &guid, 1).await;

    let out = app.call("DELETE", "onlineagent/101/forcelogout", Some(&guid), None).await;
    assert_eq!(out.retcode(), "0");
    let told = app.events(120, &inspector, 3).await;
    assert_eq!(types(&told), ["AgentOther_PhoneRelease", "AgentState_Ready", "QC_AgentState_Notify"], "{told:?}");
    assert_eq!(told[2]["content"], qc_notify("QC_AgentState_Logout", "101"));
    assert_eq!(retcode(&app, "DELETE", "qualitycontrol/120/101", &inspector, None).await, "900-005");
}

#[tokio::test]
async fn intercept_takes_the_call_over_unless_a_transfer_is_under_way() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let (guid, customer) = customer_with_101(&app).await;
    let helper = app.idle_agent(102, json!({})).await;
    assert_eq!(retcode(&app, "PUT", "qualitycontrol/120/addsupervise/101", &inspector, None).await, "0");
    app.events(120, &inspector, 3).await;
    app.events(101, &guid, 1).await;

    // The agent starts a transfer to 102: the intercept must not cross it.
    let body = json!({"devicetype": 2, "address": "102", "mode": 2});
    assert_eq!(app.call("POST", "voicecall/101/transfer", Some(&guid), Some(body)).await.retcode(), "0");
    assert_eq!(retcode(&app, "PUT", "qualitycontrol/120/intercept/101", &inspector, None).await, "900-005");
    app.events(102, &helper, 4).await;
    // 102 declines: the call is 101's again, still listened to, and can be intercepted.
    assert_eq!(retcode(&app, "DELETE", "voicecall/102/release", &helper, None).await, "0");
    let wrong_call = format!("qualitycontrol/120/intercept/101/{}", "1700000000-9");
    assert_eq!(retcode(&app, "PUT", &wrong_call, &inspector, None).await, "900-005");
    let intercept = format!("qualitycontrol/120/intercept/101/{customer}");
    assert_eq!(retcode(&app, "PUT", &intercept, &inspector, None).await, "0");
    let took = app.events(120, &inspector, 1).await;
    assert_eq!(types(&took), ["AgentEvent_Talking"]);
    assert_eq!(took[0]["content"]["callid"], json!(customer));
    let left = app.event_types(101, &guid, 8).await;
    assert_eq!(
        left,
        [
            "AgentEvent_Customer_Alerting",
            "AgentEvent_Connect_Fail",
            "AgentEvent_SuccTransResult",
            "AgentEvent_Talking",
            "AgentEvent_Call_Release",
            "AgentEvent_Customer_Release",
            "AgentOther_PhoneRelease",
            "AgentState_Ready"
        ],
        "the transfer failed back to 101, then the intercept took the call"
    );
    assert_eq!(
        hearing(&app, &customer).await,
        heard(&[(CUSTOMER, &["agent:120"]), ("agent:120", &[CUSTOMER])]),
        "the inspector talks with the customer"
    );
    assert_eq!(retcode(&app, "DELETE", "voicecall/120/release", &inspector, None).await, "0");
    let record = record_of(&app, &customer).await;
    assert_eq!(record["talked"], json!([101, 120]), "{record}");
    let kinds: Vec<&str> =
        record["supervision"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["listen", "intercept"]);
}

#[tokio::test]
async fn call_supervision_refusals_carry_the_qc_retcodes() {
    let app = spawn_app(TestOpts::default()).await;
    let inspector = app.idle_agent(120, json!({})).await;
    let agent = app.idle_agent(101, json!({})).await;
    let cases = [
        ("PUT", "qualitycontrol/101/addsupervise/102", &agent, "900-002"),
        ("PUT", "qualitycontrol/120/addsupervise/120", &inspector, "000-005"),
        ("PUT", "qualitycontrol/120/addinsert/119", &inspector, "900-004"),
        ("PUT", "qualitycontrol/120/addsupervise/101", &inspector, "900-005"),
        ("POST", "qualitycontrol/120/requestwhisperagent", &inspector, "900-005"),
        ("POST", "qualitycontrol/120/requestwhisperagent?whisperagentid=x", &inspector, "000-002"),
        ("POST", "qualitycontrol/120/requestswitchinsertwhisperagent", &inspector, "000-002"),
        ("POST", "qualitycontrol/120/requestswitchinsertwhisperagent?switchtype=3", &inspector, "000-002"),
        ("POST", "qualitycontrol/120/switch/101", &inspector, "900-005"),
        ("DELETE", "qualitycontrol/120/101", &inspector, "900-005"),
        ("POST", "qualitycontrol/120/requeststopwhisperagent", &inspector, "900-005"),
        ("PUT", "qualitycontrol/120/intercept/101", &inspector, "900-005"),
        ("PUT", "qualitycontrol/120/intercept/101/not-a-call", &inspector, "900-005"),
    ];
    for (method, path, guid, expected) in cases {
        assert_eq!(retcode(&app, method, path, guid, None).await, expected, "{method} {path}");
    }
    app.assert_no_event(101, &agent).await;
}
